"""The Auth0 provider value: one tenant, reached through its Auth0 or custom domain.

A tenant answers on ``{tenant}.{region}.auth0.com`` (``dev-abc123.us.auth0.com``; older
tenants have no region label) and, once configured, on a custom domain
(``login.example.com``). Tokens carry as ``iss`` the domain they were requested through,
*with a trailing slash*: ``https://{domain}/``. A client that spells it without the slash
refuses every ID token Auth0 issues.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from authwire.plugins import Provider, Quirk, oauth2_engine

from ._logout import LEGACY_LOGOUT_DOCS, RP_LOGOUT_DOCS
from ._organizations import ORGANIZATIONS_DOCS, organization_id_token_check, organization_param

__all__ = [
    "AUDIENCE_DOCS",
    "AUTH0",
    "DEFAULT_SCOPES",
    "DOCS",
    "QUIRKS",
    "check_domain",
    "issuer",
    "provider_for",
]

#: The Authentication API reference: /authorize, /oauth/token, /userinfo, /oauth/revoke,
#: /oidc/logout and /v2/logout.
DOCS: Final = "https://auth0.com/docs/api/authentication"
#: Auth0's page on ``audience``: without it an access token is an opaque string that only
#: ``/userinfo`` accepts; with it, a JWT for that API. It also shows the client
#: credentials request, ``audience`` among its parameters.
AUDIENCE_DOCS: Final = "https://auth0.com/docs/secure/tokens/access-tokens/get-access-tokens"
#: OpenID Connect sign-in with the profile and the email address.
DEFAULT_SCOPES = ("openid", "profile", "email")

#: The quirks the plugin handles (the generated provider table).
QUIRKS = (
    Quirk(
        "The issuer ends with a slash: https://{domain}/ (custom domains included)",
        ORGANIZATIONS_DOCS,
    ),
    Quirk(
        "Non-standard audience parameter on authorize; without it the access token is opaque, "
        "good for /userinfo only",
        AUDIENCE_DOCS,
    ),
    Quirk(
        "audience required on client credentials, sent again on every automatic re-fetch",
        AUDIENCE_DOCS,
    ),
    Quirk(
        "Organizations: organization parameter on authorize; the ID token's org_id (or "
        "org_name) is checked against it",
        ORGANIZATIONS_DOCS,
    ),
    Quirk(
        "RP-initiated logout at /oidc/logout even where discovery omits it (tenants before "
        "2023-11-14)",
        RP_LOGOUT_DOCS,
    ),
    Quirk("Legacy logout at /v2/logout: returnTo, federated, no ID token hint", LEGACY_LOGOUT_DOCS),
)


def _check_organization(client: Any, values: Mapping[str, str]) -> None:
    """A client logging users in to an organization (``organization`` among its
    authorization parameters) checks every ID token's ``org_id`` / ``org_name`` against
    it, as Auth0 asks (https://auth0.com/docs/manage-users/organizations/using-tokens)."""
    engine = oauth2_engine(client)
    organization = None if engine is None else engine.authorize_params.get("organization")
    if engine is not None and organization is not None:
        hook = organization_id_token_check(organization_param(organization))
        engine.register_compliance_hook("access_token_response", hook)
        engine.register_compliance_hook("refresh_token_response", hook)


#: An Auth0 tenant, ``domain=`` its Auth0 domain or custom domain.
AUTH0 = Provider(
    name="auth0",
    title="Auth0",
    parameters={"domain": None},
    # The issuer ends with "/": tokens say "iss": "https://{domain}/", as in the token
    # examples of https://auth0.com/docs/manage-users/organizations/using-tokens (and
    # Auth0's own SDKs compare with "https://" + domain + "/", auth0/docs#10413).
    issuer="https://{domain}/",
    authorization_endpoint="https://{domain}/authorize",
    token_endpoint="https://{domain}/oauth/token",
    userinfo_endpoint="https://{domain}/userinfo",
    revocation_endpoint="https://{domain}/oauth/revoke",
    jwks_uri="https://{domain}/.well-known/jwks.json",
    # RP-initiated logout. Tenants created before 2023-11-14 leave it out of their
    # discovery document unless "RP-Initiated Logout End Session Endpoint Discovery" is
    # turned on, but the endpoint answers either way:
    # https://auth0.com/docs/authenticate/login/logout/log-users-out-of-auth0
    end_session_endpoint="https://{domain}/oidc/logout",
    scope=DEFAULT_SCOPES,
    # Auth0's token requests carry client_id and client_secret as form parameters
    # (client_secret_post), as in
    # https://auth0.com/docs/secure/tokens/access-tokens/get-access-tokens
    token_endpoint_auth_method="client_secret_post",
    code_challenge_method="S256",
    configure=_check_organization,
    extra={"documentation": DOCS},
    protocols=("oauth2", "openid"),
    flows=(
        "authorization_code",
        "refresh_token",
        "client_credentials",
        "userinfo",
        "revocation",
        "logout",
    ),
    quirks=QUIRKS,
)


def check_domain(domain: object) -> str:
    """``domain`` when it is a host name; ``ValueError`` naming it otherwise.

    The Dashboard shows the domain bare (``dev-abc123.us.auth0.com``); a URL pasted in its
    place would make every endpoint wrong.
    """
    if not isinstance(domain, str) or not domain.strip():
        raise ValueError(
            f"domain must be the tenant's domain, like 'dev-abc123.us.auth0.com', not {domain!r}"
        )
    if "://" in domain or "/" in domain:
        raise ValueError(
            "domain is the tenant's domain name, like 'dev-abc123.us.auth0.com' or "
            f"'login.example.com', without 'https://' or a path; got {domain!r}"
        )
    return domain


def provider_for(domain: str) -> Provider:
    """:data:`AUTH0` bound to ``domain`` (checked with :func:`check_domain`)."""
    return AUTH0.bind(domain=check_domain(domain))


def issuer(domain: str) -> str:
    """The tenant's issuer identifier as its tokens carry it: ``https://{domain}/``."""
    value = provider_for(domain).issuer
    assert value is not None
    return value
