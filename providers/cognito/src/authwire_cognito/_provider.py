"""The Amazon Cognito provider value: one user pool, on two hosts.

A user pool's OAuth 2.0 endpoints live on its *domain* — a prefix domain
(``mydomain.auth.us-east-1.amazoncognito.com``) or a custom domain (``auth.example.com``) —
while its *issuer*, discovery document and signing keys live on the regional Cognito
service host: ``https://cognito-idp.{region}.amazonaws.com/{user_pool_id}``. Discovery from
the domain finds nothing, and an issuer derived from the domain matches no token.

https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html
"""

from __future__ import annotations

import re
from typing import Final

from authwire.plugins import Provider, Quirk

from ._logout import LOGOUT_DOCS
from ._scopes import RESOURCE_SERVERS_DOCS

__all__ = [
    "COGNITO",
    "DEFAULT_SCOPES",
    "ENDPOINTS_DOCS",
    "QUIRKS",
    "check_domain",
    "issuer",
    "provider_for",
    "region_of",
]

#: The user pool endpoints reference (domain endpoints, issuer metadata, JWKS).
ENDPOINTS_DOCS: Final = (
    "https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html"
)
#: OpenID Connect sign-in with the email address and the profile.
DEFAULT_SCOPES = ("openid", "email", "profile")

_SERVICE = "https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"

#: The quirks the plugin handles (the generated provider table).
QUIRKS = (
    Quirk(
        "Issuer, discovery and keys on cognito-idp.{region}.amazonaws.com; the OAuth endpoints "
        "on the user pool domain",
        ENDPOINTS_DOCS,
    ),
    Quirk(
        "Client credentials only with a client secret and resource-server scopes "
        "({identifier}/{scope name})",
        RESOURCE_SERVERS_DOCS,
    ),
    Quirk(
        "Sign-out is /logout with client_id and logout_uri, not OpenID Connect RP-initiated logout",
        LOGOUT_DOCS,
    ),
)

#: A user pool: ``domain=`` its prefix or custom domain, ``region=`` and ``user_pool_id=``.
COGNITO = Provider(
    name="cognito",
    title="Amazon Cognito",
    parameters={"domain": None, "region": None, "user_pool_id": None},
    # ENDPOINTS_DOCS: "https://cognito-idp.Region.amazonaws.com/your user pool ID/
    # .well-known/openid-configuration" and ".../.well-known/jwks.json"; the iss of every
    # token is that same URL ("Verifying a JSON web token", step 3:
    # https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html)
    issuer=_SERVICE,
    jwks_uri=f"{_SERVICE}/.well-known/jwks.json",
    # ENDPOINTS_DOCS: https://Your user pool domain/oauth2/{authorize,token,userInfo,revoke}
    authorization_endpoint="https://{domain}/oauth2/authorize",
    token_endpoint="https://{domain}/oauth2/token",
    userinfo_endpoint="https://{domain}/oauth2/userInfo",
    revocation_endpoint="https://{domain}/oauth2/revoke",
    scope=DEFAULT_SCOPES,
    # The token endpoint takes client_secret_basic and client_secret_post; its examples
    # use HTTP Basic, and the revoke endpoint documents Basic only:
    # https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
    token_endpoint_auth_method="client_secret_basic",
    code_challenge_method="S256",
    extra={"documentation": ENDPOINTS_DOCS},
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

# us-east-1, eu-central-2, ap-southeast-4, us-gov-west-1, ca-west-1...
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}")


def check_domain(domain: object) -> str:
    """``domain`` when it is a host name; ``ValueError`` naming it otherwise."""
    if not isinstance(domain, str) or not domain.strip():
        raise ValueError(
            "domain must be the user pool's domain, like "
            f"'mydomain.auth.us-east-1.amazoncognito.com' or 'auth.example.com', not {domain!r}"
        )
    if "://" in domain or "/" in domain:
        raise ValueError(
            "domain is the user pool domain's host name, like "
            "'mydomain.auth.us-east-1.amazoncognito.com', without 'https://' or a path; "
            f"got {domain!r}"
        )
    return domain


def region_of(user_pool_id: object) -> str:
    """The AWS Region a user pool ID names: the part before ``_`` (``us-east-1_AbC123``).

    Raises ``ValueError`` when ``user_pool_id`` does not start with a Region.
    """
    if not isinstance(user_pool_id, str) or "_" not in user_pool_id:
        raise ValueError(
            f"user_pool_id must be a user pool ID, like 'us-east-1_AbCdEf123', not {user_pool_id!r}"
        )
    region, _, rest = user_pool_id.partition("_")
    if not _REGION.fullmatch(region) or not rest:
        raise ValueError(
            f"user_pool_id {user_pool_id!r} does not start with an AWS Region; pass region="
        )
    return region


# The UserPoolId pattern of the Cognito API reference: [\w-]+_[0-9a-zA-Z]+
_POOL_ID = re.compile(r"[\w-]+_[0-9a-zA-Z]+", re.ASCII)


def _region(user_pool_id: str, region: str | None) -> str:
    if not isinstance(user_pool_id, str) or not _POOL_ID.fullmatch(user_pool_id):
        raise ValueError(
            f"user_pool_id must be a user pool ID, like 'us-east-1_AbCdEf123', not {user_pool_id!r}"
        )
    if region is None:
        return region_of(user_pool_id)
    if not isinstance(region, str) or not _REGION.fullmatch(region):
        raise ValueError(f"region must be an AWS Region like 'us-east-1', not {region!r}")
    named = user_pool_id.partition("_")[0]
    if _REGION.fullmatch(named) and named != region:
        raise ValueError(
            f"region {region!r} is not the Region of user pool {user_pool_id!r} ({named!r})"
        )
    return region


def provider_for(domain: str, user_pool_id: str, region: str | None = None) -> Provider:
    """:data:`COGNITO` bound to one user pool; ``region`` defaults to the pool ID's.

    Raises ``ValueError`` naming a bad argument.
    """
    return COGNITO.bind(
        domain=check_domain(domain),
        region=_region(user_pool_id, region),
        user_pool_id=user_pool_id,
    )


def issuer(user_pool_id: str, region: str | None = None) -> str:
    """``https://cognito-idp.{region}.amazonaws.com/{user_pool_id}``: the pool's issuer."""
    return f"https://cognito-idp.{_region(user_pool_id, region)}.amazonaws.com/{user_pool_id}"
