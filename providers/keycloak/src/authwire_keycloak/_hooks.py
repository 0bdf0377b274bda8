"""Compliance hooks for a Keycloak realm's token endpoint.

- :func:`exchange_token_type`: legacy token exchange (Keycloak's "V1", still used for
  impersonation and external tokens) answers without ``issued_token_type``, which RFC 8693
  §2.2.1 requires and authwire checks; the hook fills it in from the request.
- :func:`drop_client_credentials_refresh_token`: with "Use refresh tokens for client
  credentials grant" on (the default of older releases, deprecated now), a client
  credentials token comes with a refresh token tied to a user session that expires on its
  own ("SSO Session Idle"); renewing with it then fails although the client could simply
  ask again. RFC 6749 §4.4.3 says no refresh token should be issued there; the hook drops it,
  so the client re-runs the grant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from authwire.plugins import json_object, with_json

if TYPE_CHECKING:
    import httpx

__all__ = [
    "ACCESS_TOKEN_TYPE",
    "REFRESH_TOKEN_TYPE",
    "TOKEN_EXCHANGE_GRANT",
    "drop_client_credentials_refresh_token",
    "exchange_token_type",
]

TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
REFRESH_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:refresh_token"


def _request_form(response: httpx.Response) -> dict[str, str]:
    """The form the token request sent (empty when it is unknown or not a form)."""
    try:
        content = response.request.content
    except RuntimeError:  # no request (RuntimeError), or a streamed one (RequestNotRead)
        return {}
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return {}
    return dict(parse_qsl(text, keep_blank_values=True))


def exchange_token_type(response: httpx.Response) -> httpx.Response:
    """Add the ``issued_token_type`` a legacy Keycloak token exchange answer leaves out.

    Only a successful answer to ``grant_type=urn:ietf:params:oauth:grant-type:token-exchange``
    that has an ``access_token`` and no ``issued_token_type`` is changed. The type is the
    request's ``requested_token_type``; without one, Keycloak's legacy default (a refresh
    token, "you will be returned both an access token and refresh token") when the answer
    has a ``refresh_token``, else an access token.
    https://www.keycloak.org/securing-apps/token-exchange#_legacy-token-exchange
    """
    if not response.is_success:
        return response
    form = _request_form(response)
    if form.get("grant_type") != TOKEN_EXCHANGE_GRANT:
        return response
    data = json_object(response)
    if data is None or not isinstance(data.get("access_token"), str):
        return response
    if isinstance(data.get("issued_token_type"), str) and data["issued_token_type"]:
        return response
    requested = form.get("requested_token_type")
    if requested:
        data["issued_token_type"] = requested
    elif isinstance(data.get("refresh_token"), str) and data["refresh_token"]:
        data["issued_token_type"] = REFRESH_TOKEN_TYPE
    else:
        data["issued_token_type"] = ACCESS_TOKEN_TYPE
    return with_json(response, data)


def drop_client_credentials_refresh_token(response: httpx.Response) -> httpx.Response:
    """Remove the refresh token from an answer to ``grant_type=client_credentials``.

    The client can always ask again with its own credentials; a refresh token there only
    lives as long as the service account's user session, after which renewing with it fails
    (``invalid_grant``). Without it authwire re-runs the client credentials grant when the
    access token expires. Keycloak's client setting "Use refresh tokens for client
    credentials grant" documents the behaviour (RFC 6749 §4.4.3).
    https://www.keycloak.org/docs/latest/server_admin/#_oidc_clients
    """
    if not response.is_success:
        return response
    if _request_form(response).get("grant_type") != "client_credentials":
        return response
    data = json_object(response)
    if data is None or "refresh_token" not in data:
        return response
    for name in ("refresh_token", "refresh_expires_in"):
        data.pop(name, None)
    return with_json(response, data)
