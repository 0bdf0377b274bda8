"""Okta's two kinds of authorization server, as provider values.

Every Okta org has an *org authorization server* (issuer ``https://{domain}``, endpoints
under ``/oauth2/v1/``): it signs users in to Okta and mints access tokens for the Okta APIs
only. Your own APIs need a *custom authorization server* (issuer
``https://{domain}/oauth2/{authorization_server}``, endpoints under
``/oauth2/{authorization_server}/v1/``); every org ships one called ``default``. Each server
has its own issuer, signing keys and discovery document, so tokens from one never validate
against the other.

https://developer.okta.com/docs/concepts/auth-servers/
"""

from __future__ import annotations

from typing import Final

from authwire.plugins import Provider, Quirk

__all__ = [
    "AUTH_SERVERS_DOCS",
    "DEFAULT_AUTHORIZATION_SERVER",
    "DEFAULT_SCOPES",
    "OKTA",
    "OKTA_ORG",
    "QUIRKS",
    "SERVICE_APP_DOCS",
    "check_domain",
    "discovery_url",
    "issuer",
    "provider_for",
]

#: The page that tells the two kinds of authorization server apart.
AUTH_SERVERS_DOCS: Final = "https://developer.okta.com/docs/concepts/auth-servers/"
#: Okta's guide to service apps: private_key_jwt, the assertion's claims, the token request.
SERVICE_APP_DOCS: Final = (
    "https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/"
)
#: The custom authorization server every Okta org is created with.
DEFAULT_AUTHORIZATION_SERVER: Final = "default"
#: OpenID Connect sign-in with the profile and the email address.
DEFAULT_SCOPES = ("openid", "email", "profile")


# The same /v1/ paths under both kinds of server ("Composing your base URL" in the
# OpenID Connect & OAuth 2.0 API reference):
# https://developer.okta.com/docs/reference/api/oidc/#composing-your-base-url
_CUSTOM = "https://{domain}/oauth2/{authorization_server}"
_ORG = "https://{domain}/oauth2"

#: What the plugin offers, and the quirks it handles (the generated provider table).
_PROTOCOLS = ("oauth2", "openid")
_FLOWS = (
    "authorization_code",
    "refresh_token",
    "client_credentials",
    "userinfo",
    "revocation",
    "introspection",
    "logout",
)
QUIRKS = (
    Quirk(
        "Org and custom authorization servers: each has its own issuer, endpoints, keys and "
        "discovery document",
        AUTH_SERVERS_DOCS,
    ),
    Quirk(
        "Service apps authenticate with private_key_jwt: aud is the token endpoint, kid names "
        "the registered key",
        SERVICE_APP_DOCS,
    ),
)

#: A custom authorization server: ``domain=`` (``dev-123456.okta.com``, an ``*.oktapreview.com``
#: org, or the org's custom URL domain) and ``authorization_server=`` (its ID, ``aus…``, or
#: ``default``). The issuer has the server in its path.
OKTA = Provider(
    name="okta",
    title="Okta",
    parameters={"domain": None, "authorization_server": DEFAULT_AUTHORIZATION_SERVER},
    issuer="https://{domain}/oauth2/{authorization_server}",
    scope=DEFAULT_SCOPES,
    # A web app's client secret goes in an HTTP Basic header in Okta's token request
    # examples (client_secret_post and private_key_jwt are also accepted); PKCE (S256
    # only) is accepted for every app type and required for public ones:
    # https://developer.okta.com/docs/reference/api/oidc/#token
    token_endpoint_auth_method="client_secret_basic",
    code_challenge_method="S256",
    extra={
        "documentation": AUTH_SERVERS_DOCS,
        "authorization_server": "custom",
    },
    protocols=_PROTOCOLS,
    flows=_FLOWS,
    quirks=QUIRKS,
    authorization_endpoint=f"{_CUSTOM}/v1/authorize",
    token_endpoint=f"{_CUSTOM}/v1/token",
    revocation_endpoint=f"{_CUSTOM}/v1/revoke",
    introspection_endpoint=f"{_CUSTOM}/v1/introspect",
    userinfo_endpoint=f"{_CUSTOM}/v1/userinfo",
    jwks_uri=f"{_CUSTOM}/v1/keys",
    end_session_endpoint=f"{_CUSTOM}/v1/logout",
)

#: The org authorization server: issuer ``https://{domain}`` with no path. Its access
#: tokens are for the Okta APIs only (your APIs cannot validate them); use it for sign-in
#: to Okta and for service apps that call the Okta APIs. Registered as ``okta-org``;
#: this package's constructors use it for ``authorization_server=None``.
OKTA_ORG = Provider(
    name="okta-org",
    title="Okta (org authorization server)",
    parameters={"domain": None},
    issuer="https://{domain}",
    scope=DEFAULT_SCOPES,
    token_endpoint_auth_method="client_secret_basic",
    code_challenge_method="S256",
    extra={
        "documentation": AUTH_SERVERS_DOCS,
        "authorization_server": "org",
    },
    protocols=_PROTOCOLS,
    flows=_FLOWS,
    quirks=QUIRKS,
    authorization_endpoint=f"{_ORG}/v1/authorize",
    token_endpoint=f"{_ORG}/v1/token",
    revocation_endpoint=f"{_ORG}/v1/revoke",
    introspection_endpoint=f"{_ORG}/v1/introspect",
    userinfo_endpoint=f"{_ORG}/v1/userinfo",
    jwks_uri=f"{_ORG}/v1/keys",
    end_session_endpoint=f"{_ORG}/v1/logout",
)


def check_domain(domain: object) -> str:
    """``domain`` when it is an Okta domain's host name; ``ValueError`` naming it otherwise.

    People copy the "Okta domain" from the Admin Console with its ``https://``; the
    provider's templates need the bare host (``dev-123456.okta.com``).
    """
    if not isinstance(domain, str) or not domain.strip():
        raise ValueError(
            f"domain must be the Okta domain, like 'dev-123456.okta.com', not {domain!r}"
        )
    if "://" in domain or "/" in domain:
        raise ValueError(
            "domain is the Okta domain's host name, like 'dev-123456.okta.com', without "
            f"'https://' or a path; got {domain!r}"
        )
    return domain


def _check_server(authorization_server: object) -> str | None:
    if authorization_server is None:
        return None
    if not isinstance(authorization_server, str) or not authorization_server.strip():
        raise ValueError(
            "authorization_server must be a custom authorization server's ID ('default', "
            f"'aus…') or None for the org authorization server, not {authorization_server!r}"
        )
    return authorization_server


def provider_for(
    domain: str, authorization_server: str | None = DEFAULT_AUTHORIZATION_SERVER
) -> Provider:
    """The bound provider for ``domain``: a custom authorization server, or with
    ``authorization_server=None`` the org authorization server.

    Raises ``ValueError`` naming a bad argument.
    """
    domain = check_domain(domain)
    server = _check_server(authorization_server)
    if server is None:
        return OKTA_ORG.bind(domain=domain)
    return OKTA.bind(domain=domain, authorization_server=server)


def issuer(domain: str, authorization_server: str | None = DEFAULT_AUTHORIZATION_SERVER) -> str:
    """The issuer identifier of an authorization server: what its tokens carry as ``iss``.

    ``https://{domain}/oauth2/{authorization_server}`` for a custom server, ``https://{domain}``
    for the org server (``authorization_server=None``).
    https://developer.okta.com/docs/concepts/auth-servers/
    """
    value = provider_for(domain, authorization_server).issuer
    assert value is not None  # both providers declare one
    return value


def discovery_url(
    domain: str,
    authorization_server: str | None = DEFAULT_AUTHORIZATION_SERVER,
    *,
    kind: str = "openid",
) -> str:
    """Where an authorization server publishes its metadata.

    ``kind="openid"``: the OpenID Connect discovery document,
    ``{issuer}/.well-known/openid-configuration``. ``kind="oauth"``: the RFC 8414 document,
    in the form RFC 8414 §3.1 defines (well-known path inserted before the issuer's path),
    ``https://{domain}/.well-known/oauth-authorization-server/oauth2/{id}``; Okta still
    answers the legacy ``/oauth2/{id}/.well-known/oauth-authorization-server`` too.
    https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/tag/CustomAS/
    """
    provider = provider_for(domain, authorization_server)
    if kind == "openid":
        url = provider.discovery_url
        assert url is not None
        return url
    if kind == "oauth":
        path = "" if authorization_server is None else f"/oauth2/{authorization_server}"
        return f"https://{domain}/.well-known/oauth-authorization-server{path}"
    raise ValueError(f"kind must be 'openid' or 'oauth', not {kind!r}")
