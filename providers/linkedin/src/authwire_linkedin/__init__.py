"""LinkedIn for authwire: Sign In with LinkedIn using OpenID Connect, and the member API.

::

    from authwire_linkedin import fetch_userinfo, oauth2_client

    client = oauth2_client(CLIENT_ID, CLIENT_SECRET, redirect_uri="https://app.example/cb")
    url, state = client.create_authorization_url()
    ...
    client.fetch_token(authorization_response=callback_url)
    member = fetch_userinfo(client)

What the plugin takes care of:

- the endpoints, the issuer ``https://www.linkedin.com/oauth`` (its discovery document is
  below it) and JWKS for the ID token, the default scopes ``openid profile email``,
  ``client_secret_post``;
- what LinkedIn refuses, refused here first with a clear error: PKCE from a web app (the
  token endpoint answers ``invalid_client``), the implicit and password grants, device
  flow, token exchange and assertions; native apps (:func:`native_oauth2_client`) get PKCE
  at their own authorization URL and a loopback redirect URI;
- no ``nonce`` on the authorization URL, since LinkedIn's ID tokens carry none;
- the granted ``scope``, comma-separated by LinkedIn, given back space-separated;
- claims in OpenID Connect's types (:func:`normalize_claims`): ``email_verified`` a bool,
  not the string ``"true"``; ``locale`` a string, not an object;
- the legacy member endpoints (``/v2/me``, ``/v2/emailAddress``) for apps that still have
  ``r_liteprofile`` / ``r_emailaddress``.
"""

from __future__ import annotations

from collections.abc import Callable

from authwire.plugins import Provider, hookimpl

from ._api import (
    API_URL,
    EMAIL_ADDRESS_URL,
    ME_URL,
    USERINFO_URL,
    async_fetch_email_address,
    async_fetch_me,
    async_fetch_userinfo,
    email_address,
    fetch_email_address,
    fetch_me,
    fetch_userinfo,
)
from ._claims import id_token_claims, normalize_claims
from ._hooks import (
    SUPPORTED_GRANTS,
    refuse_device_flow,
    refuse_pkce,
    refuse_unsupported_grants,
    require_pkce,
    space_separated_scope,
)
from ._provider import (
    DEFAULT_SCOPES,
    ISSUER,
    LINKEDIN,
    LINKEDIN_NATIVE,
    async_native_oauth2_client,
    async_oauth2_client,
    check_loopback_redirect_uri,
    native_oauth2_client,
    oauth2_client,
)

__all__ = [
    "API_URL",
    "DEFAULT_SCOPES",
    "EMAIL_ADDRESS_URL",
    "ISSUER",
    "LINKEDIN",
    "LINKEDIN_NATIVE",
    "ME_URL",
    "SUPPORTED_GRANTS",
    "USERINFO_URL",
    "async_fetch_email_address",
    "async_fetch_me",
    "async_fetch_userinfo",
    "async_native_oauth2_client",
    "async_oauth2_client",
    "check_loopback_redirect_uri",
    "email_address",
    "fetch_email_address",
    "fetch_me",
    "fetch_userinfo",
    "id_token_claims",
    "native_oauth2_client",
    "normalize_claims",
    "oauth2_client",
    "refuse_device_flow",
    "refuse_pkce",
    "refuse_unsupported_grants",
    "register_providers",
    "require_pkce",
    "space_separated_scope",
]


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add :data:`LINKEDIN` and :data:`LINKEDIN_NATIVE` to the authwire registry."""
    register(LINKEDIN)
    register(LINKEDIN_NATIVE)
