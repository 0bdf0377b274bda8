"""Discord for authwire: sign users in, call the API for them, and add bots to servers.

::

    from authwire_discord import fetch_user, oauth2_client, verified_email

    client = oauth2_client(CLIENT_ID, CLIENT_SECRET, redirect_uri="https://app.example/cb")
    url, state = client.create_authorization_url()
    ...
    client.fetch_token(authorization_response=callback_url)
    user = fetch_user(client)
    email = verified_email(user)  # None unless Discord marks it verified

which is ``OAuth2Client.from_provider("discord", ...)``. What the plugin takes care of
(https://discord.com/developers/docs/topics/oauth2):

- the endpoints (``/oauth2/authorize``, ``/api/oauth2/token``, ``/api/oauth2/token/revoke``),
  form-encoded token and revocation requests with HTTP Basic client authentication, as the
  documentation's examples send them;
- the ``User-Agent: DiscordBot ($url, $versionNumber)`` the API asks every client for
  (https://discord.com/developers/docs/reference#user-agent), on token, revocation and API
  requests (``user_agent=`` to name your own; with ``from_provider``, the agent of the
  client's ``headers=``);
- bot authorization (``scope=bot`` with ``permissions``, ``guild_id``,
  ``disable_guild_select``: :func:`bot_authorization_url`), whose token answer carries the
  ``guild``;
- revocation (RFC 7009) through the client's ``revoke_token()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.plugins import Provider, Quirk, hookimpl, oauth2_engine

if TYPE_CHECKING:
    import httpx

    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "API_URL",
    "DEFAULT_USER_AGENT",
    "DISCORD",
    "async_fetch_user",
    "async_oauth2_client",
    "bot_authorization_url",
    "fetch_user",
    "oauth2_client",
    "register_providers",
    "user_agent_hook",
    "verified_email",
]

#: The API root (version-less: the default API version).
API_URL = "https://discord.com/api"
#: The ``DiscordBot ($url, $versionNumber)`` User-Agent sent when the caller names none.
DEFAULT_USER_AGENT = "DiscordBot (https://github.com/authwire/authwire, 0.1)"

_OAUTH2 = "https://discord.com/developers/docs/topics/oauth2"
_USER_AGENT = "https://discord.com/developers/docs/reference#user-agent"


def user_agent_hook(
    agent: str = DEFAULT_USER_AGENT, *, force: bool = False
) -> Callable[[str, dict[str, str], Any], tuple[str, dict[str, str], Any]]:
    """A request hook that sends ``User-Agent: <agent>`` in place of httpx's default one.

    A User-Agent the caller chose (anything but ``python-httpx/...``) is kept, unless
    ``force``.
    """
    _check_agent(agent, "user_agent")

    def hook(url: str, headers: dict[str, str], body: Any) -> tuple[str, dict[str, str], Any]:
        fixed = {k: v for k, v in headers.items() if k.lower() != "user-agent"}
        given = next((v for k, v in headers.items() if k.lower() == "user-agent"), "")
        keep = given and not force and not given.startswith("python-httpx")
        fixed["User-Agent"] = given if keep else agent
        return url, fixed, body

    return hook


def _check_agent(agent: object, argument: str) -> str:
    if (
        not isinstance(agent, str)
        or not agent.startswith("DiscordBot (")
        or "\n" in agent
        or "\r" in agent
    ):
        raise ValueError(f"{argument} must read 'DiscordBot ($url, $version)', not {agent!r}")
    return agent


_DEFAULT_HOOK = user_agent_hook()

#: The requests the engine builds itself: its hooks see only their own headers (the client's
#: are merged when they are sent, and an ``OAuth2Auth`` on a plain httpx client has none).
_TOKEN_REQUESTS = ("access_token_request", "refresh_token_request", "revoke_token_request")


def _user_agent_of_client(client: Any, values: Mapping[str, str]) -> None:
    """The agent of the client's ``headers`` on the token, refresh and revocation requests too
    (https://discord.com/developers/docs/reference#user-agent), where the provider's hooks
    would otherwise put :data:`DEFAULT_USER_AGENT`, which wins over the client's headers.

    httpx's own agent is left to those hooks; any other must read ``DiscordBot ($url,
    $version)``, or ``ValueError``: Discord refuses it.
    """
    engine = oauth2_engine(client)
    headers = getattr(client, "headers", None)
    if engine is None or not isinstance(headers, Mapping):  # an OAuth2Auth has no headers
        return
    agent = headers.get("user-agent")
    if not agent or agent.startswith("python-httpx"):
        return
    hook = user_agent_hook(_check_agent(agent, "headers['User-Agent']"), force=True)
    for name in _TOKEN_REQUESTS:
        engine.register_compliance_hook(name, hook)


#: discord.com, for OAuth2 applications and bots.
DISCORD = Provider(
    name="discord",
    title="Discord",
    authorization_endpoint="https://discord.com/oauth2/authorize",
    token_endpoint=f"{API_URL}/oauth2/token",
    revocation_endpoint=f"{API_URL}/oauth2/token/revoke",
    scope=("identify", "email"),
    token_endpoint_auth_method="client_secret_basic",
    code_challenge_method=None,
    compliance_hooks={
        name: [_DEFAULT_HOOK]
        for name in (
            "access_token_request",
            "refresh_token_request",
            "revoke_token_request",
            "protected_request",
        )
    },
    configure=_user_agent_of_client,
    extra={"api_url": API_URL, "documentation": _OAUTH2},
    protocols=("oauth2",),
    flows=("authorization_code", "refresh_token", "client_credentials", "revocation"),
    quirks=(
        Quirk("the API wants User-Agent: DiscordBot ($url, $versionNumber)", _USER_AGENT),
        Quirk(
            "adding a bot takes scope=bot with permissions, guild_id, disable_guild_select; "
            "the token answer carries the guild",
            _OAUTH2,
        ),
    ),
)


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add :data:`DISCORD` to the authwire registry (the ``authwire`` entry point)."""
    register(DISCORD)


def _kwargs(
    client_id: str, client_secret: str | None, user_agent: str | None, kwargs: dict[str, Any]
) -> dict[str, Any]:
    kwargs = {"client_id": client_id, "client_secret": client_secret, **kwargs}
    if user_agent is not None:
        headers = {
            k: v for k, v in dict(kwargs.get("headers") or {}).items() if k.lower() != "user-agent"
        }
        headers["User-Agent"] = _check_agent(user_agent, "user_agent")
        kwargs["headers"] = headers
    return kwargs


def oauth2_client(
    client_id: str,
    client_secret: str | None = None,
    *,
    user_agent: str | None = None,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for Discord.

    ``OAuth2Client.from_provider("discord", ...)``; ``user_agent=`` (``"DiscordBot ($url,
    $version)"``) replaces :data:`DEFAULT_USER_AGENT`: it is the client's ``User-Agent``
    header, which the provider's ``configure`` also puts on token requests. Every other
    argument goes to the client.
    """
    return authwire.OAuth2Client.from_provider(
        DISCORD, **_kwargs(client_id, client_secret, user_agent, kwargs)
    )


def async_oauth2_client(
    client_id: str,
    client_secret: str | None = None,
    *,
    user_agent: str | None = None,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """:func:`oauth2_client` for :class:`~authwire.AsyncOAuth2Client`."""
    return authwire.AsyncOAuth2Client.from_provider(
        DISCORD, **_kwargs(client_id, client_secret, user_agent, kwargs)
    )


def bot_authorization_url(
    client: OAuth2Client | AsyncOAuth2Client,
    *,
    permissions: int,
    guild_id: str | int | None = None,
    disable_guild_select: bool | None = None,
    scope: str | Iterable[str] = ("bot", "applications.commands"),
    **kwargs: Any,
) -> tuple[str, str]:
    """The URL that adds the application's bot to a server (Discord's "bot authorization
    flow", https://discord.com/developers/docs/topics/oauth2#bot-authorization-flow).

    ``permissions`` is the permission bit set as an int (sent as its decimal string);
    ``guild_id`` preselects a server and ``disable_guild_select=True`` locks it.
    Other arguments go to ``create_authorization_url`` (``redirect_uri``, ``state``...).
    """
    if isinstance(permissions, bool) or not isinstance(permissions, int) or permissions < 0:
        raise TypeError(f"permissions must be a non-negative int bit set, not {permissions!r}")
    params: dict[str, Any] = {"permissions": str(permissions)}
    if guild_id is not None:
        if not str(guild_id).isdigit():
            raise ValueError(f"guild_id must be a snowflake (digits), not {guild_id!r}")
        params["guild_id"] = str(guild_id)
    if disable_guild_select is not None:
        params["disable_guild_select"] = "true" if disable_guild_select else "false"
    scopes = scope if isinstance(scope, str) else " ".join(scope)
    url, state = client.create_authorization_url(scope=scopes, **params, **kwargs)
    return url, state


def _user(response: httpx.Response) -> dict[str, Any]:
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError("Discord's /users/@me answered a JSON non-object")
    return data


def fetch_user(client: OAuth2Client) -> dict[str, Any]:
    """``GET /users/@me``: the user (``id``, ``username``, ``email`` with scope ``email``)."""
    return _user(client.get(f"{API_URL}/users/@me"))


async def async_fetch_user(client: AsyncOAuth2Client) -> dict[str, Any]:
    """:func:`fetch_user` for the async client."""
    return _user(await client.get(f"{API_URL}/users/@me"))


def verified_email(user: Mapping[str, Any]) -> str | None:
    """The user's ``email`` when Discord says it is ``verified``, else ``None``."""
    email = user.get("email")
    if user.get("verified") is True and isinstance(email, str) and email:
        return email
    return None
