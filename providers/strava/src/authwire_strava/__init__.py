"""Strava for authwire: athletes sign in, the API v3 is called for them.

::

    from authwire_strava import athlete, granted_scopes, oauth2_client

    client = oauth2_client(CLIENT_ID, CLIENT_SECRET, redirect_uri="https://app.example/cb",
                           scope=["read", "activity:read_all"])
    url, state = client.create_authorization_url()    # scope=read,activity:read_all
    ...
    token = client.fetch_token(authorization_response=callback_url)
    granted_scopes(callback_url)   # what the athlete left ticked
    athlete(token)                 # the summary athlete, on this first exchange only

which is the same client as ``OAuth2Client.from_provider("strava", ...)`` with the scope
joined Strava's way. What the plugin takes care of
(https://developers.strava.com/docs/authentication/):

- the endpoints ``https://www.strava.com/oauth/authorize`` and ``.../oauth/token``;
  ``client_id`` and ``client_secret`` in the body (``client_secret_post``);
- scopes joined with commas, not spaces; the accepted scopes read from the callback
  (:func:`granted_scopes`: the athlete may untick some, and the token answer does not say);
- ``expires_at`` (absolute, seconds since the epoch) used as given for the expiry;
- the ``athlete`` object of the first exchange (:func:`athlete`);
- refresh tokens that may change on each refresh: the newest is kept and handed to
  ``update_token``;
- Strava's ``Fault`` error bodies raised as :class:`~authwire.OAuthError`
  (``invalid_grant``, ``invalid_client``) (:func:`fault_to_oauth_error`);
- deauthorization (:func:`deauthorize`), which is not RFC 7009.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.plugins import Provider, Quirk, hookimpl

from ._hooks import fault_to_oauth_error

if TYPE_CHECKING:
    import httpx

    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "API_URL",
    "APPROVAL_PROMPTS",
    "DEAUTHORIZE_URL",
    "STRAVA",
    "async_deauthorize",
    "async_fetch_athlete",
    "async_oauth2_client",
    "athlete",
    "deauthorize",
    "fault_to_oauth_error",
    "fetch_athlete",
    "granted_scopes",
    "join_scopes",
    "oauth2_client",
    "register_providers",
]

_DOCS = "https://developers.strava.com/docs/authentication/"

#: The API v3 root.
API_URL = "https://www.strava.com/api/v3"
#: https://developers.strava.com/docs/authentication/#deauthorization
DEAUTHORIZE_URL = "https://www.strava.com/oauth/deauthorize"
#: ``auto`` (no consent page for an athlete who already approved) or ``force``.
APPROVAL_PROMPTS = ("auto", "force")

#: www.strava.com, for the API v3.
STRAVA = Provider(
    name="strava",
    title="Strava",
    authorization_endpoint="https://www.strava.com/oauth/authorize",
    token_endpoint="https://www.strava.com/oauth/token",
    scope=("read",),
    # the token exchange lists client_id and client_secret as its (body) parameters
    token_endpoint_auth_method="client_secret_post",
    code_challenge_method=None,  # Strava documents no PKCE
    compliance_hooks={
        "access_token_response": [fault_to_oauth_error],
        "refresh_token_response": [fault_to_oauth_error],
    },
    extra={"api_url": API_URL, "deauthorize_url": DEAUTHORIZE_URL, "documentation": _DOCS},
    protocols=("oauth2",),
    flows=("authorization_code", "refresh_token", "revocation"),
    quirks=(
        Quirk("scopes are comma-separated; the accepted ones come back in the callback", _DOCS),
        Quirk("client_id and client_secret go in the token request body", _DOCS),
        Quirk("the token answer carries expires_at (absolute) beside expires_in", _DOCS),
        Quirk("the first code exchange also answers a summary athlete object", _DOCS),
        Quirk("a refresh may return a new refresh token: always keep the newest", _DOCS),
        Quirk(
            "token errors use Strava's Fault shape (message, errors[]), not RFC 6749 error",
            "https://developers.strava.com/docs/reference/#api-models-Fault",
        ),
        Quirk("revocation is POST /oauth/deauthorize with access_token, not RFC 7009", _DOCS),
    ),
)


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add :data:`STRAVA` to the authwire registry (the ``authwire`` entry point)."""
    register(STRAVA)


def join_scopes(scope: str | Iterable[str]) -> str:
    """Strava's ``scope`` value: the scopes joined with commas (a str is split on spaces too)."""
    items = scope.replace(",", " ").split() if isinstance(scope, str) else list(scope)
    for item in items:
        if not isinstance(item, str) or not item or "," in item or " " in item:
            raise ValueError(f"invalid Strava scope {item!r}")
    return ",".join(items)


def _kwargs(
    client_id: str,
    client_secret: str | None,
    approval_prompt: str | None,
    kwargs: dict[str, Any],
) -> dict[str, Any]:
    kwargs = {"client_id": client_id, "client_secret": client_secret, **kwargs}
    kwargs["scope"] = join_scopes(kwargs.get("scope") or STRAVA.scope)
    if approval_prompt is not None:
        if approval_prompt not in APPROVAL_PROMPTS:
            raise ValueError(f"approval_prompt must be 'auto' or 'force', not {approval_prompt!r}")
        given = dict(kwargs.get("authorize_params") or {})
        if "approval_prompt" in given:
            raise TypeError(
                "give approval_prompt= or authorize_params['approval_prompt'], not both"
            )
        kwargs["authorize_params"] = {**given, "approval_prompt": approval_prompt}
    return kwargs


def oauth2_client(
    client_id: str,
    client_secret: str | None = None,
    *,
    approval_prompt: str | None = None,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for Strava.

    ``OAuth2Client.from_provider("strava", ...)`` with ``scope`` (a list, or a str) joined
    with commas (default ``read``). ``approval_prompt="force"`` shows the consent page even
    to an athlete who approved before. Give ``update_token=`` to store each refreshed
    token: its refresh token may be new.
    """
    return authwire.OAuth2Client.from_provider(
        STRAVA, **_kwargs(client_id, client_secret, approval_prompt, kwargs)
    )


def async_oauth2_client(
    client_id: str,
    client_secret: str | None = None,
    *,
    approval_prompt: str | None = None,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """:func:`oauth2_client` for :class:`~authwire.AsyncOAuth2Client`."""
    return authwire.AsyncOAuth2Client.from_provider(
        STRAVA, **_kwargs(client_id, client_secret, approval_prompt, kwargs)
    )


def granted_scopes(authorization_response: str) -> tuple[str, ...]:
    """The scopes the athlete accepted, from the callback URL's ``scope`` (comma-separated).

    Strava lets the athlete untick requested scopes and says which remain only here: check
    them before relying on one (``"activity:read_all" in granted_scopes(url)``).
    """
    query = urlsplit(authorization_response).query
    values = [v for k, v in parse_qsl(query, keep_blank_values=True) if k == "scope"]
    if len(values) != 1:
        return ()
    return tuple(s for s in values[0].replace(" ", ",").split(",") if s)


def athlete(token: Mapping[str, Any]) -> dict[str, Any] | None:
    """The summary athlete of a code exchange's answer (``None`` on a refreshed token).

    Strava sends it once, with the first token: keep what you need from it then.
    """
    value = token.get("athlete")
    return dict(value) if isinstance(value, Mapping) else None


def _access_token(client: OAuth2Client | AsyncOAuth2Client) -> str:
    token = client.token
    value = token.get("access_token") if token is not None else None
    if not isinstance(value, str) or not value:
        raise authwire.MissingTokenError(description="no access token to deauthorize")
    return value


def _deauthorized(response: httpx.Response) -> dict[str, Any]:
    response.raise_for_status()
    data = response.json()
    return dict(data) if isinstance(data, dict) else {}


def deauthorize(client: OAuth2Client, *, url: str = DEAUTHORIZE_URL) -> dict[str, Any]:
    """Revoke the app's access for the athlete: every token of the pair stops working.

    ``POST /oauth/deauthorize`` with ``access_token`` (renewed first if it expired); Strava
    answers with the revoked access token. ``httpx.HTTPStatusError`` when refused.
    """
    client.ensure_active_token()
    return _deauthorized(client.post(url, data={"access_token": _access_token(client)}))


async def async_deauthorize(
    client: AsyncOAuth2Client, *, url: str = DEAUTHORIZE_URL
) -> dict[str, Any]:
    """:func:`deauthorize` for the async client."""
    await client.ensure_active_token()
    return _deauthorized(await client.post(url, data={"access_token": _access_token(client)}))


def _athlete(response: httpx.Response) -> dict[str, Any]:
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError(f"Strava's /athlete answered a JSON {type(data).__name__}, not an object")
    return data


def fetch_athlete(client: OAuth2Client, *, api_url: str = API_URL) -> dict[str, Any]:
    """``GET /api/v3/athlete``: the signed-in athlete (more with ``profile:read_all``)."""
    return _athlete(client.get(api_url.rstrip("/") + "/athlete"))


async def async_fetch_athlete(
    client: AsyncOAuth2Client, *, api_url: str = API_URL
) -> dict[str, Any]:
    """:func:`fetch_athlete` for the async client."""
    return _athlete(await client.get(api_url.rstrip("/") + "/athlete"))
