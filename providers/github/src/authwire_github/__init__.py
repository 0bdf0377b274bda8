"""GitHub for authwire: OAuth apps and GitHub Apps signing users in on github.com.

::

    from authwire_github import oauth2_client

    client = oauth2_client(CLIENT_ID, CLIENT_SECRET, redirect_uri="https://app.example/cb")
    url, state = client.create_authorization_url()
    ...
    client.fetch_token(authorization_response=callback_url)

which is the same client as ``OAuth2Client.from_provider("github", ...)``. What the plugin
takes care of:

- the endpoints (authorization, token, device authorization), PKCE S256, the default
  scopes ``read:user user:email`` and ``client_secret_post`` (GitHub documents
  ``client_id`` and ``client_secret`` as body parameters of the token request);
- ``Accept: application/json`` on every token request (code exchange and refresh);
- a form-encoded token or error body (GitHub's default format, sometimes under a wrong
  ``Content-Type``) turned into JSON before the core reads it;
- errors answered with HTTP 200 (``bad_verification_code``, ``bad_refresh_token``...)
  raised as :class:`~authwire.OAuthError`, in JSON or form encoding;
- expiring user tokens of GitHub Apps (8 hours, rotated refresh tokens) through the core's
  refresh, which hands each rotated token to ``update_token``.

GitHub is not an OpenID provider for user sign-in: :func:`fetch_user` and
:func:`fetch_primary_email` (and their ``async_`` twins) read the REST API instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.plugins import Provider, Quirk, hookimpl

from ._api import (
    API_URL,
    API_VERSION,
    async_fetch_primary_email,
    async_fetch_user,
    fetch_primary_email,
    fetch_user,
    primary_email,
)
from ._hooks import accept_json, form_to_json

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "API_URL",
    "API_VERSION",
    "DEFAULT_SCOPES",
    "GITHUB",
    "accept_json",
    "async_fetch_primary_email",
    "async_fetch_user",
    "async_oauth2_client",
    "fetch_primary_email",
    "fetch_user",
    "form_to_json",
    "oauth2_client",
    "primary_email",
    "register_providers",
]

#: Read the profile and the email addresses (private ones included). OAuth apps only:
#: GitHub Apps ignore scopes and use the permissions chosen in the app's settings.
DEFAULT_SCOPES = ("read:user", "user:email")

#: github.com, for OAuth apps and GitHub Apps acting on behalf of a user.
GITHUB = Provider(
    name="github",
    title="GitHub",
    authorization_endpoint="https://github.com/login/oauth/authorize",
    token_endpoint="https://github.com/login/oauth/access_token",
    device_authorization_endpoint="https://github.com/login/device/code",
    scope=DEFAULT_SCOPES,
    token_endpoint_auth_method="client_secret_post",
    code_challenge_method="S256",
    compliance_hooks={
        "access_token_request": [accept_json],
        "access_token_response": [form_to_json],
        "refresh_token_request": [accept_json],
        "refresh_token_response": [form_to_json],
    },
    extra={
        "api_url": API_URL,
        "user_url": f"{API_URL}/user",
        "emails_url": f"{API_URL}/user/emails",
        "documentation": "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps",
    },
    protocols=("oauth2",),
    flows=("authorization_code", "refresh_token", "device_code"),
    quirks=(
        Quirk(
            "the token endpoint answers form-encoded unless asked for JSON",
            "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps",
        ),
        Quirk(
            "token errors (bad_verification_code, ...) come with HTTP 200, in the token's format",
            "https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors",
        ),
        Quirk(
            "GitHub App user tokens last 8 hours and each refresh rotates the refresh token",
            "https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens",
        ),
        Quirk(
            "no OpenID Connect: the profile and the primary email come from the REST API",
            "https://docs.github.com/en/rest/users/emails",
        ),
    ),
)


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add :data:`GITHUB` to the authwire registry (the ``authwire`` entry point)."""
    register(GITHUB)


def _constructor_kwargs(
    client_id: str,
    client_secret: str | None,
    allow_signup: bool | None,
    kwargs: dict[str, Any],
) -> dict[str, Any]:
    kwargs = {"client_id": client_id, "client_secret": client_secret, **kwargs}
    if allow_signup is not None:
        if not isinstance(allow_signup, bool):
            raise TypeError(f"allow_signup must be a bool or None, not {allow_signup!r}")
        given: Mapping[str, str] = kwargs.get("authorize_params") or {}
        if "allow_signup" in given:
            raise TypeError("give allow_signup= or authorize_params['allow_signup'], not both")
        kwargs["authorize_params"] = {**given, "allow_signup": "true" if allow_signup else "false"}
    return kwargs


def oauth2_client(
    client_id: str,
    client_secret: str | None = None,
    *,
    allow_signup: bool | None = None,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for GitHub.

    Equal to ``OAuth2Client.from_provider("github", client_id=..., client_secret=...,
    **kwargs)``. Without ``client_secret`` the client is public (``client_id`` only, as for
    tokens from the device flow). ``allow_signup=False`` hides the "create an account"
    offer on GitHub's authorization page. Every other argument (``redirect_uri``,
    ``scope``, ``token``, ``update_token``, ``prompt="select_account"``, httpx arguments)
    goes to the client.
    """
    return authwire.OAuth2Client.from_provider(
        GITHUB, **_constructor_kwargs(client_id, client_secret, allow_signup, kwargs)
    )


def async_oauth2_client(
    client_id: str,
    client_secret: str | None = None,
    *,
    allow_signup: bool | None = None,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """:func:`oauth2_client` for :class:`~authwire.AsyncOAuth2Client`."""
    return authwire.AsyncOAuth2Client.from_provider(
        GITHUB, **_constructor_kwargs(client_id, client_secret, allow_signup, kwargs)
    )
