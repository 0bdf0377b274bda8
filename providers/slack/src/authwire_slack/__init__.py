"""Slack for authwire: install a Slack app (OAuth v2) and Sign in with Slack (OpenID Connect).

::

    from authwire_slack import bot_token, oauth2_client, user_token

    client = oauth2_client(CLIENT_ID, CLIENT_SECRET, scope=["chat:write"],
                           user_scope=["search:read"], redirect_uri="https://app.example/cb")
    url, state = client.create_authorization_url()
    ...
    token = client.fetch_token(authorization_response=callback_url)
    bot, user = bot_token(token), user_token(token)

which is ``OAuth2Client.from_provider("slack", ...)`` (with scopes given as sequences).
What the plugin takes care of:

- the endpoints of OAuth v2 (``/oauth/v2/authorize``, ``oauth.v2.access``) and of Sign in
  with Slack (``slack-openid``: ``/openid/connect/authorize``, ``openid.connect.token``,
  ``openid.connect.userInfo``, issuer ``https://slack.com``), HTTP Basic client
  authentication (which ``oauth.v2.access`` asks for over body parameters);
- bot scopes (``scope=``) and user scopes (``user_scope=``), comma-separated as Slack
  documents them;
- the nested answer (bot token at the top, user token under ``authed_user``; a user-only
  installation has no top-level token) read as two usable Bearer tokens;
- ``{"ok": false, "error": ...}`` with HTTP 200 raised as :class:`SlackAPIError`
  (an :class:`~authwire.OAuthError`) on every Web API call of the client, an httpx
  response event hook the providers' ``configure`` installs;
- token rotation: expiring tokens (12 hours) refreshed through ``oauth.v2.access``, each
  rotated pair handed to ``update_token``;
- ``auth.revoke`` (:func:`revoke`), which revokes the calling token (not RFC 7009).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.plugins import Provider, Quirk, add_response_hook, hookimpl

from ._tokens import SLACK_TOKEN_TYPE, bot_token, nested_token_response, user_token
from ._web_api import (
    API_URL,
    SlackAPIError,
    api_call,
    async_api_call,
    async_check_ok,
    async_revoke,
    check_ok,
    is_web_api_url,
    raise_for_ok,
    revoke,
)

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "API_URL",
    "OPENID_SCOPES",
    "SLACK",
    "SLACK_OPENID",
    "SLACK_TOKEN_TYPE",
    "SlackAPIError",
    "api_call",
    "async_api_call",
    "async_check_ok",
    "async_oauth2_client",
    "async_openid_client",
    "async_revoke",
    "bot_token",
    "check_ok",
    "is_web_api_url",
    "nested_token_response",
    "oauth2_client",
    "openid_client",
    "raise_for_ok",
    "register_providers",
    "revoke",
    "user_token",
]

_OAUTH_V2 = "https://docs.slack.dev/authentication/installing-with-oauth"
_ACCESS = "https://docs.slack.dev/reference/methods/oauth.v2.access"
_ROTATION = "https://docs.slack.dev/authentication/using-token-rotation"
_SIWS = "https://docs.slack.dev/authentication/sign-in-with-slack"
_RESPONSES = "https://docs.slack.dev/apis/web-api/#responses"


def _check_ok(client: Any, values: Mapping[str, str]) -> None:
    """Web API errors come as HTTP 200 with ``"ok": false``
    (https://docs.slack.dev/apis/web-api/#responses): an httpx response event hook checks
    every answer of the client. An ``OAuth2Auth`` has no event hooks: give its httpx
    client :func:`check_ok` yourself."""
    add_response_hook(client, check_ok, async_check_ok)


_HOOKS = {
    "access_token_response": [nested_token_response],
    "refresh_token_response": [nested_token_response],
}

#: Installing a Slack app: bot scopes in ``scope``, user scopes in ``user_scope``.
SLACK = Provider(
    name="slack",
    title="Slack",
    authorization_endpoint="https://slack.com/oauth/v2/authorize",
    token_endpoint="https://slack.com/api/oauth.v2.access",
    token_endpoint_auth_method="client_secret_basic",
    code_challenge_method=None,
    compliance_hooks=_HOOKS,
    configure=_check_ok,
    extra={"api_url": API_URL, "documentation": _OAUTH_V2},
    protocols=("oauth2",),
    flows=("authorization_code", "refresh_token", "revocation"),
    quirks=(
        Quirk(
            "bot token at the top of the answer, user token under authed_user; "
            "token_type is bot or user",
            _ACCESS,
        ),
        Quirk("a user-only installation answers no top-level access_token", _ACCESS),
        Quirk("Web API errors come as HTTP 200 with ok: false", _RESPONSES),
        Quirk("with token rotation each refresh answers a new refresh token", _ROTATION),
        Quirk(
            "auth.revoke revokes the token that calls it (no RFC 7009 endpoint)",
            "https://docs.slack.dev/reference/methods/auth.revoke",
        ),
    ),
)

#: Sign in with Slack's scopes.
OPENID_SCOPES = ("openid", "profile", "email")

#: Sign in with Slack (OpenID Connect), as https://slack.com/.well-known/openid-configuration
#: publishes it.
SLACK_OPENID = Provider(
    name="slack-openid",
    title="Sign in with Slack",
    issuer="https://slack.com",
    authorization_endpoint="https://slack.com/openid/connect/authorize",
    token_endpoint="https://slack.com/api/openid.connect.token",
    userinfo_endpoint="https://slack.com/api/openid.connect.userInfo",
    jwks_uri="https://slack.com/openid/connect/keys",
    scope=OPENID_SCOPES,
    token_endpoint_auth_method="client_secret_basic",
    code_challenge_method=None,
    compliance_hooks=_HOOKS,
    configure=_check_ok,
    extra={"api_url": API_URL, "documentation": _SIWS},
    protocols=("oauth2", "openid"),
    flows=("authorization_code", "refresh_token", "userinfo"),
    quirks=(
        Quirk(
            "openid.connect.userInfo answers a bad token with HTTP 200 and ok: false",
            "https://docs.slack.dev/reference/methods/openid.connect.userInfo",
        ),
    ),
)


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add :data:`SLACK` and :data:`SLACK_OPENID` to the registry (the entry point)."""
    register(SLACK)
    register(SLACK_OPENID)


def _scopes(name: str, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        items = list(value)
        if all(isinstance(item, str) and item for item in items):
            return ",".join(items)
    raise TypeError(f"{name} must be a str or a sequence of scope names, not {value!r}")


def _kwargs(
    client_id: str,
    client_secret: str | None,
    user_scope: object,
    kwargs: dict[str, Any],
) -> dict[str, Any]:
    kwargs = {"client_id": client_id, "client_secret": client_secret, **kwargs}
    if "scope" in kwargs:
        kwargs["scope"] = _scopes("scope", kwargs["scope"])
    users = _scopes("user_scope", user_scope)
    if users is not None:
        given: Mapping[str, str] = kwargs.get("authorize_params") or {}
        if "user_scope" in given:
            raise TypeError("give user_scope= or authorize_params['user_scope'], not both")
        kwargs["authorize_params"] = {**given, "user_scope": users}
    return kwargs


def oauth2_client(
    client_id: str,
    client_secret: str | None = None,
    *,
    user_scope: str | Iterable[str] | None = None,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` that installs a Slack app (OAuth v2).

    ``OAuth2Client.from_provider("slack", ...)``: :func:`check_ok` is a response event
    hook, so ``"ok": false`` raises :class:`SlackAPIError`. ``scope=`` (bot scopes) and
    ``user_scope=`` (user scopes) take a str or a sequence, sent comma-separated. Every
    other argument (``redirect_uri``, ``token``, ``update_token``, httpx arguments) goes to
    the client.
    """
    return authwire.OAuth2Client.from_provider(
        SLACK, **_kwargs(client_id, client_secret, user_scope, kwargs)
    )


def async_oauth2_client(
    client_id: str,
    client_secret: str | None = None,
    *,
    user_scope: str | Iterable[str] | None = None,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """:func:`oauth2_client` for :class:`~authwire.AsyncOAuth2Client`."""
    return authwire.AsyncOAuth2Client.from_provider(
        SLACK, **_kwargs(client_id, client_secret, user_scope, kwargs)
    )


def openid_client(client_id: str, client_secret: str | None = None, **kwargs: Any) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for Sign in with Slack (OpenID Connect).

    ``OAuth2Client.from_provider("slack-openid", ...)``, whose :func:`check_ok` makes a
    refused ``openid.connect.userInfo`` raise :class:`SlackAPIError` (``invalid_auth``)
    instead of a UserInfo ``sub`` mismatch.
    """
    return authwire.OAuth2Client.from_provider(
        SLACK_OPENID, **_kwargs(client_id, client_secret, None, kwargs)
    )


def async_openid_client(
    client_id: str, client_secret: str | None = None, **kwargs: Any
) -> AsyncOAuth2Client:
    """:func:`openid_client` for :class:`~authwire.AsyncOAuth2Client`."""
    return authwire.AsyncOAuth2Client.from_provider(
        SLACK_OPENID, **_kwargs(client_id, client_secret, None, kwargs)
    )
