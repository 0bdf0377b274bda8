"""Reddit for authwire: web, installed and script apps, and the API at ``oauth.reddit.com``.

::

    from authwire_reddit import fetch_me, oauth2_client

    client = oauth2_client(
        CLIENT_ID,
        CLIENT_SECRET,
        user_agent="web:com.example.app:v1.0 (by /u/yourname)",
        redirect_uri="https://app.example/cb",
    )
    url, state = client.create_authorization_url()   # duration=permanent, scope identity
    ...
    client.fetch_token(authorization_response=callback_url)
    me = fetch_me(client)

The constructor refuses to make a client without ``user_agent=``;
``OAuth2Client.from_provider("reddit", headers={"User-Agent": ...}, ...)`` takes the agent
from the client's headers, and a client without one refuses to send. What the plugin takes
care of (https://github.com/reddit-archive/reddit/wiki/OAuth2):

- the endpoints ``https://www.reddit.com/api/v1/authorize``, ``.../access_token`` and
  ``.../revoke_token``; the API at ``https://oauth.reddit.com`` (:data:`API_URL`);
- HTTP Basic client authentication on every token request, also for installed apps, whose
  secret is the empty string (a plain client would send them as public clients, with
  ``client_id`` in the body, which Reddit refuses);
- the app's unique ``User-Agent`` on every request, token endpoint included;
- ``duration=permanent`` on the authorization URL, without which Reddit issues a one-hour
  token and no refresh token;
- the installed-client grant ``https://oauth.reddit.com/grants/installed_client`` with its
  ``device_id`` (:func:`fetch_installed_client_token`), and ``client_credentials`` for
  confidential apps: application-only tokens, fetched again when they expire.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.plugins import Provider, Quirk, hookimpl, oauth2_engine

from ._user_agent import USER_AGENT_RULES, SetUserAgent, check_user_agent, require_user_agent

if TYPE_CHECKING:
    import httpx

    from authwire import AsyncOAuth2Client, OAuth2Client
    from authwire.token import OAuth2Token

__all__ = [
    "API_URL",
    "DURATIONS",
    "INSTALLED_CLIENT_GRANT",
    "REDDIT",
    "USER_AGENT_RULES",
    "async_fetch_installed_client_token",
    "async_fetch_me",
    "async_oauth2_client",
    "check_user_agent",
    "fetch_installed_client_token",
    "fetch_me",
    "new_device_id",
    "oauth2_client",
    "register_providers",
    "require_user_agent",
]

_WIKI = "https://github.com/reddit-archive/reddit/wiki/OAuth2"

#: Where API calls with a bearer token go (not www.reddit.com).
API_URL = "https://oauth.reddit.com"
#: The application-only grant of installed apps (https://github.com/reddit-archive/reddit/wiki/OAuth2#application-only-oauth).
INSTALLED_CLIENT_GRANT = "https://oauth.reddit.com/grants/installed_client"
#: ``permanent`` (with a refresh token) or ``temporary`` (one hour, no refresh token).
DURATIONS = ("permanent", "temporary")

_USER_AGENT_HOOKS = (
    "access_token_request",
    "refresh_token_request",
    "revoke_token_request",
    "protected_request",
)


def _user_agent_hooks(client: Any, values: Mapping[str, str]) -> None:
    """Every request carries the app's own User-Agent (USER_AGENT_RULES): the agent of the
    client's ``headers`` is put on the token, refresh and revocation requests by the hooks
    too, which see only the headers the engine builds; a client with no agent of its own
    (an HTTP library's default) refuses to send anything."""
    engine = oauth2_engine(client)
    if engine is None:
        return
    hooks: list[Callable[..., Any]] = [require_user_agent]
    headers = getattr(client, "headers", None)
    agent = headers.get("user-agent") if isinstance(headers, Mapping) else None
    # without an agent of the app's own, require_user_agent refuses each request
    with contextlib.suppress(ValueError):
        hooks.insert(0, SetUserAgent(agent if agent is not None else ""))
    for kind in _USER_AGENT_HOOKS:
        for hook in hooks:
            engine.register_compliance_hook(kind, hook)


#: www.reddit.com's OAuth 2 endpoints, for the API at oauth.reddit.com.
REDDIT = Provider(
    name="reddit",
    title="Reddit",
    authorization_endpoint="https://www.reddit.com/api/v1/authorize",
    token_endpoint="https://www.reddit.com/api/v1/access_token",
    revocation_endpoint="https://www.reddit.com/api/v1/revoke_token",
    scope=("identity",),
    # the wiki: "HTTP Basic Auth ... client_id as the user, client_secret as the password
    # (installed apps: an empty string)"
    token_endpoint_auth_method="client_secret_basic",
    code_challenge_method=None,  # Reddit documents no PKCE
    authorize_params={"duration": "permanent"},
    configure=_user_agent_hooks,
    extra={"api_url": API_URL, "documentation": _WIKI},
    protocols=("oauth2",),
    flows=(
        "authorization_code",
        "refresh_token",
        "client_credentials",
        "installed_client",
        "revocation",
    ),
    quirks=(
        Quirk(
            "every request needs the app's unique User-Agent; library defaults are throttled",
            USER_AGENT_RULES,
        ),
        Quirk(
            "HTTP Basic client auth on every token request, an empty secret for installed apps",
            _WIKI,
        ),
        Quirk(
            "a refresh token comes only with duration=permanent (the default is a one-hour token)",
            _WIKI,
        ),
        Quirk(
            "installed apps get app-only tokens with their own grant and a device_id",
            "https://github.com/reddit-archive/reddit/wiki/OAuth2#application-only-oauth",
        ),
        Quirk(
            "API calls with a token go to oauth.reddit.com, not www.reddit.com",
            _WIKI,
        ),
    ),
)


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add :data:`REDDIT` to the authwire registry (the ``authwire`` entry point)."""
    register(REDDIT)


def _kwargs(
    client_id: str,
    client_secret: str | None,
    user_agent: str,
    duration: str,
    kwargs: dict[str, Any],
) -> tuple[Provider, dict[str, Any]]:
    agent = check_user_agent(user_agent)
    if duration not in DURATIONS:
        raise ValueError(f"duration must be 'permanent' or 'temporary', not {duration!r}")
    given = dict(kwargs.pop("authorize_params", None) or {})
    if "duration" in given:
        raise TypeError("give duration= or authorize_params['duration'], not both")
    given["duration"] = duration
    headers: dict[str, str] = {
        k: v
        for k, v in dict(kwargs.pop("headers", None) or {}).items()
        if k.lower() != "user-agent"
    }
    headers["User-Agent"] = agent
    built = {
        "client_id": client_id,
        # installed apps have no secret and authenticate with an empty one (the wiki)
        "client_secret": client_secret or "",
        "token_endpoint_auth_method": "client_secret_basic",
        "authorize_params": given,
        "headers": headers,
        **kwargs,
    }
    return REDDIT, built


def oauth2_client(
    client_id: str,
    client_secret: str | None = None,
    *,
    user_agent: str,
    duration: str = "permanent",
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for Reddit.

    ``user_agent`` is required (``'<platform>:<app ID>:<version> (by /u/<username>)'``) and
    goes on every request. Without ``client_secret`` (an installed app) the client still
    uses HTTP Basic, with an empty secret. ``duration="temporary"`` asks for a one-hour
    token without refresh token. Other arguments go to the client.
    """
    provider, built = _kwargs(client_id, client_secret, user_agent, duration, kwargs)
    return authwire.OAuth2Client.from_provider(provider, **built)


def async_oauth2_client(
    client_id: str,
    client_secret: str | None = None,
    *,
    user_agent: str,
    duration: str = "permanent",
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """:func:`oauth2_client` for :class:`~authwire.AsyncOAuth2Client`."""
    provider, built = _kwargs(client_id, client_secret, user_agent, duration, kwargs)
    return authwire.AsyncOAuth2Client.from_provider(provider, **built)


def new_device_id() -> str:
    """A random ``device_id`` (24 characters; Reddit asks for 20 to 30, unique per device)."""
    return secrets.token_urlsafe(18)


def _installed_params(device_id: str | None, scope: Any) -> dict[str, Any]:
    if device_id is None:
        device_id = new_device_id()
    if not isinstance(device_id, str) or not 20 <= len(device_id) <= 30:
        raise ValueError(
            "device_id must be a str of 20 to 30 characters "
            "(or 'DO_NOT_TRACK_THIS_DEVICE'), unique per device"
        )
    params: dict[str, Any] = {"grant_type": INSTALLED_CLIENT_GRANT, "device_id": device_id}
    if scope is not None:
        params["scope"] = scope
    return params


def fetch_installed_client_token(
    client: OAuth2Client, device_id: str | None = None, *, scope: Any = None
) -> OAuth2Token:
    """An application-only token for an installed app (no user), kept by the client.

    ``device_id`` identifies the device (a random one by default: keep it and pass it again
    on that device). The client fetches a new token the same way when this one expires.
    """
    return client.fetch_token(**_installed_params(device_id, scope))


async def async_fetch_installed_client_token(
    client: AsyncOAuth2Client, device_id: str | None = None, *, scope: Any = None
) -> OAuth2Token:
    """:func:`fetch_installed_client_token` for the async client."""
    return await client.fetch_token(**_installed_params(device_id, scope))


def _me(response: httpx.Response) -> dict[str, Any]:
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, Mapping):
        raise ValueError(
            f"Reddit's /api/v1/me answered a JSON {type(data).__name__}, not an object"
        )
    return dict(data)


def fetch_me(client: OAuth2Client, *, api_url: str = API_URL) -> dict[str, Any]:
    """``GET https://oauth.reddit.com/api/v1/me`` (scope ``identity``): the user's account."""
    return _me(client.get(api_url.rstrip("/") + "/api/v1/me"))


async def async_fetch_me(client: AsyncOAuth2Client, *, api_url: str = API_URL) -> dict[str, Any]:
    """:func:`fetch_me` for the async client."""
    return _me(await client.get(api_url.rstrip("/") + "/api/v1/me"))
