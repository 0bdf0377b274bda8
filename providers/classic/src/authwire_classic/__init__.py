"""The classic compliance fixes for authwire: one provider per service whose OAuth 2 answers
depart from the specifications in one or two small ways.

::

    from authwire_classic import oauth2_client

    client = oauth2_client("fitbit", CLIENT_ID, CLIENT_SECRET, redirect_uri="https://app.example/cb")
    # or OAuth2Client.from_provider("fitbit", client_id=..., client_secret=..., ...)

Registered providers and what each fixes (every fix cites the provider's page beside it in
:mod:`authwire_classic._hooks`):

- ``douban``: no ``token_type`` in the token response; errors as ``{"msg", "code"}``.
- ``ebay`` / ``ebay-sandbox``: ``token_type`` is "User Access Token" / "Application Access
  Token" instead of ``Bearer``.
- ``fitbit``: errors as an ``errors`` list instead of ``error``.
- ``mailchimp``: ``"scope": null`` and ``"expires_in": 0`` (the token never expires).
- ``plentymarkets``: camelCase token members (legacy REST API), the refresh at
  ``/rest/login/refresh``, a ``host=`` per system.
- ``weibo``: no ``token_type``; the API reads the token from ``?access_token=``.

These are the services whose fixes requests-oauthlib ships in ``compliance_fixes``; they
live in one plugin because each is a few endpoints and one or two hooks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.plugins import Provider, Quirk, hookimpl

from ._hooks import (
    DOUBAN_ERRORS,
    douban_errors,
    douban_token_type,
    ebay_token_type,
    fitbit_errors,
    mailchimp_no_expiry,
    plentymarkets_refresh_url,
    plentymarkets_snake_case,
    weibo_query_token,
    weibo_token_type,
)

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "DOUBAN",
    "DOUBAN_ERRORS",
    "EBAY",
    "EBAY_SANDBOX",
    "FITBIT",
    "MAILCHIMP",
    "PLENTYMARKETS",
    "PROVIDERS",
    "WEIBO",
    "async_oauth2_client",
    "douban_errors",
    "douban_token_type",
    "ebay_token_type",
    "fitbit_errors",
    "mailchimp_no_expiry",
    "oauth2_client",
    "plentymarkets_refresh_url",
    "plentymarkets_snake_case",
    "register_providers",
    "weibo_query_token",
    "weibo_token_type",
]

_DOUBAN_DOCS = "https://developers.douban.com/wiki/?title=oauth2"
_DOUBAN_ERRORS_DOCS = "https://developers.douban.com/wiki/?title=api_v2"

#: www.douban.com's OAuth 2 endpoints and api.douban.com.
DOUBAN = Provider(
    name="douban",
    title="Douban",
    authorization_endpoint="https://www.douban.com/service/auth2/auth",
    token_endpoint="https://www.douban.com/service/auth2/token",
    # client_id and client_secret are body parameters of the token request (oauth2 page)
    token_endpoint_auth_method="client_secret_post",
    code_challenge_method=None,
    compliance_hooks={
        "access_token_response": [douban_errors, douban_token_type],
        "refresh_token_response": [douban_errors, douban_token_type],
    },
    extra={"api_url": "https://api.douban.com/v2", "documentation": _DOUBAN_DOCS},
    protocols=("oauth2",),
    flows=("authorization_code", "refresh_token"),
    quirks=(
        Quirk("the token response has no token_type (the token is a bearer token)", _DOUBAN_DOCS),
        Quirk(
            'errors come as {"msg", "code", "request"} with numeric codes, not RFC 6749 error',
            _DOUBAN_ERRORS_DOCS,
        ),
    ),
)

_EBAY_CODE_DOCS = "https://developer.ebay.com/api-docs/static/oauth-auth-code-grant-request.html"
_EBAY_APP_DOCS = "https://developer.ebay.com/api-docs/static/oauth-client-credentials-grant.html"
_EBAY_REFRESH_DOCS = "https://developer.ebay.com/api-docs/static/oauth-refresh-token-request.html"


def _ebay(name: str, title: str, auth_host: str, api_host: str) -> Provider:
    return Provider(
        name=name,
        title=title,
        authorization_endpoint=f"https://{auth_host}/oauth2/authorize",
        token_endpoint=f"https://{api_host}/identity/v1/oauth2/token",
        # "Authorization: the word Basic followed by your Base64-encoded OAuth credentials"
        token_endpoint_auth_method="client_secret_basic",
        code_challenge_method=None,
        scope=("https://api.ebay.com/oauth/api_scope",),
        compliance_hooks={
            "access_token_response": [ebay_token_type],
            "refresh_token_response": [ebay_token_type],
        },
        extra={"api_url": f"https://{api_host}", "documentation": _EBAY_CODE_DOCS},
        protocols=("oauth2",),
        flows=("authorization_code", "refresh_token", "client_credentials"),
        quirks=(
            Quirk(
                'token_type is "User Access Token" or "Application Access Token", not Bearer',
                _EBAY_CODE_DOCS,
            ),
            Quirk(
                "redirect_uri is the app's RuName, not a URL; the refresh token lasts 18 months",
                _EBAY_REFRESH_DOCS,
            ),
        ),
    )


#: eBay production (auth.ebay.com, api.ebay.com).
EBAY = _ebay("ebay", "eBay", "auth.ebay.com", "api.ebay.com")
#: eBay's sandbox (auth.sandbox.ebay.com, api.sandbox.ebay.com).
EBAY_SANDBOX = _ebay(
    "ebay-sandbox", "eBay (sandbox)", "auth.sandbox.ebay.com", "api.sandbox.ebay.com"
)

_FITBIT_DOCS = "https://dev.fitbit.com/build/reference/web-api/authorization/oauth2-token"
_FITBIT_ERRORS_DOCS = (
    "https://dev.fitbit.com/build/reference/web-api/troubleshooting-guide/error-handling/"
)

#: Fitbit Web API (www.fitbit.com, api.fitbit.com).
FITBIT = Provider(
    name="fitbit",
    title="Fitbit",
    authorization_endpoint="https://www.fitbit.com/oauth2/authorize",
    token_endpoint="https://api.fitbit.com/oauth2/token",
    revocation_endpoint="https://api.fitbit.com/oauth2/revoke",
    token_endpoint_auth_method="client_secret_basic",
    code_challenge_method="S256",
    compliance_hooks={
        "access_token_response": [fitbit_errors],
        "refresh_token_response": [fitbit_errors],
    },
    extra={"api_url": "https://api.fitbit.com", "documentation": _FITBIT_DOCS},
    protocols=("oauth2",),
    flows=("authorization_code", "refresh_token", "client_credentials", "revocation"),
    quirks=(
        Quirk(
            'errors come as an "errors" list of {errorType, message}, not an RFC 6749 error',
            _FITBIT_ERRORS_DOCS,
        ),
        Quirk(
            "the token response carries the Fitbit user_id",
            _FITBIT_DOCS,
        ),
    ),
)

_MAILCHIMP_DOCS = "https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/"

#: login.mailchimp.com.
MAILCHIMP = Provider(
    name="mailchimp",
    title="Mailchimp",
    authorization_endpoint="https://login.mailchimp.com/oauth2/authorize",
    token_endpoint="https://login.mailchimp.com/oauth2/token",
    # the guide's token request sends client_id and client_secret in the form body
    token_endpoint_auth_method="client_secret_post",
    code_challenge_method=None,
    compliance_hooks={"access_token_response": [mailchimp_no_expiry]},
    extra={
        "metadata_url": "https://login.mailchimp.com/oauth2/metadata",
        "documentation": _MAILCHIMP_DOCS,
    },
    protocols=("oauth2",),
    flows=("authorization_code",),
    quirks=(
        Quirk(
            'the token response has "expires_in": 0 for a token that never expires',
            _MAILCHIMP_DOCS,
        ),
        Quirk('the token response has "scope": null (Mailchimp has no scopes)', _MAILCHIMP_DOCS),
    ),
)

_PLENTY_DOCS = "https://developers-legacy.plentymarkets.com/rest-doc/authentication/details"

#: A plentymarkets system's REST API login (``host=`` is the system's domain).
PLENTYMARKETS = Provider(
    name="plentymarkets",
    title="plentymarkets",
    token_endpoint="https://{host}/rest/login",
    parameters={"host": None},
    code_challenge_method=None,
    compliance_hooks={
        "access_token_response": [plentymarkets_snake_case],
        "refresh_token_request": [plentymarkets_refresh_url],
        "refresh_token_response": [plentymarkets_snake_case],
    },
    extra={"api_url": "https://{host}/rest", "documentation": _PLENTY_DOCS},
    protocols=("oauth2",),
    flows=("password", "refresh_token"),
    quirks=(
        Quirk(
            "the legacy REST API answers camelCase members (accessToken, tokenType, expiresIn)",
            _PLENTY_DOCS,
        ),
        Quirk("a refresh goes to /rest/login/refresh, not to the login URL", _PLENTY_DOCS),
    ),
)

_WEIBO_DOCS = "https://open.weibo.com/wiki/Oauth2/access_token"

#: api.weibo.com.
WEIBO = Provider(
    name="weibo",
    title="Weibo",
    authorization_endpoint="https://api.weibo.com/oauth2/authorize",
    token_endpoint="https://api.weibo.com/oauth2/access_token",
    token_endpoint_auth_method="client_secret_post",
    code_challenge_method=None,
    compliance_hooks={
        "access_token_response": [weibo_token_type],
        "protected_request": [weibo_query_token],
    },
    extra={"api_url": "https://api.weibo.com/2", "documentation": _WEIBO_DOCS},
    protocols=("oauth2",),
    flows=("authorization_code",),
    quirks=(
        Quirk("the token response has no token_type; it adds uid and remind_in", _WEIBO_DOCS),
        Quirk(
            "API calls take the token as the access_token query parameter",
            "https://open.weibo.com/wiki/2/users/show",
        ),
    ),
)

#: Every provider of this plugin, by name.
PROVIDERS: dict[str, Provider] = {
    p.name: p for p in (DOUBAN, EBAY, EBAY_SANDBOX, FITBIT, MAILCHIMP, PLENTYMARKETS, WEIBO)
}


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add every provider of :data:`PROVIDERS` (the ``authwire`` entry point)."""
    for provider in PROVIDERS.values():
        register(provider)


def _provider(name: str) -> Provider:
    if not isinstance(name, str):
        raise TypeError(f"provider must be a str, not {type(name).__name__}")
    try:
        return PROVIDERS[name]
    except KeyError:
        known = ", ".join(PROVIDERS)
        raise ValueError(f"provider must be one of {known}, not {name!r}") from None


def oauth2_client(
    provider: str, client_id: str | None = None, client_secret: str | None = None, **kwargs: Any
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for one of :data:`PROVIDERS` (``"fitbit"``, ...).

    Equal to ``OAuth2Client.from_provider(provider, client_id=..., client_secret=...,
    **kwargs)``: ``host=`` for plentymarkets, then ``redirect_uri``, ``token``,
    ``update_token`` and httpx arguments go to the client. An unknown name is a
    ``ValueError``.
    """
    return authwire.OAuth2Client.from_provider(
        _provider(provider), client_id=client_id, client_secret=client_secret, **kwargs
    )


def async_oauth2_client(
    provider: str, client_id: str | None = None, client_secret: str | None = None, **kwargs: Any
) -> AsyncOAuth2Client:
    """:func:`oauth2_client` for :class:`~authwire.AsyncOAuth2Client`."""
    return authwire.AsyncOAuth2Client.from_provider(
        _provider(provider), client_id=client_id, client_secret=client_secret, **kwargs
    )
