"""The LinkedIn providers (web and native apps) and their named constructors.

Web apps sign members in with "Sign In with LinkedIn using OpenID Connect": the standard
authorization URL, the client secret in the token request's body, no PKCE, an ID token whose
issuer is ``https://www.linkedin.com/oauth`` (the discovery document is
``https://www.linkedin.com/oauth/.well-known/openid-configuration``). Native apps that
LinkedIn enabled for it use PKCE instead of a secret, at their own authorization URL, with a
loopback redirect URI.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.plugins import Provider, Quirk

from ._hooks import (
    refuse_device_flow,
    refuse_pkce,
    refuse_unsupported_grants,
    require_pkce,
    space_separated_scope,
)

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "DEFAULT_SCOPES",
    "ISSUER",
    "LINKEDIN",
    "LINKEDIN_NATIVE",
    "async_native_oauth2_client",
    "async_oauth2_client",
    "native_oauth2_client",
    "oauth2_client",
]

#: The issuer LinkedIn's discovery document publishes and its ID tokens carry.
ISSUER = "https://www.linkedin.com/oauth"

#: "Sign In with LinkedIn using OpenID Connect": the ID token, name and picture, email.
DEFAULT_SCOPES = ("openid", "profile", "email")

_OIDC = "https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2"
_NATIVE = "https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow-native"
_CODE_FLOW = (
    "https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow"
)

#: LinkedIn for web apps (a client secret, no PKCE).
LINKEDIN = Provider(
    name="linkedin",
    title="LinkedIn",
    issuer=ISSUER,
    authorization_endpoint="https://www.linkedin.com/oauth/v2/authorization",
    token_endpoint="https://www.linkedin.com/oauth/v2/accessToken",
    introspection_endpoint="https://www.linkedin.com/oauth/v2/introspectToken",
    userinfo_endpoint="https://api.linkedin.com/v2/userinfo",
    jwks_uri="https://www.linkedin.com/oauth/openid/jwks",
    scope=DEFAULT_SCOPES,
    # "client_id" and "client_secret" are body parameters of the access token request
    token_endpoint_auth_method="client_secret_post",
    # the web flow has no PKCE: a code_verifier makes the token endpoint answer invalid_client
    code_challenge_method=None,
    compliance_hooks={
        "access_token_request": [refuse_unsupported_grants, refuse_pkce],
        "access_token_response": [space_separated_scope],
        "device_authorization_request": [refuse_device_flow],
        "refresh_token_response": [space_separated_scope],
    },
    protocols=("oauth2", "openid"),
    flows=(
        "authorization_code",
        "refresh_token",
        "client_credentials",
        "introspection",
        "userinfo",
    ),
    quirks=(
        Quirk("ID tokens carry no nonce: none is sent", _OIDC),
        Quirk(
            "PKCE only for native apps, at their own authorization URL; a web app's "
            "code_verifier gets invalid_client",
            _NATIVE,
        ),
        Quirk(
            "no password grant, implicit flow, device flow or token exchange: refused before "
            "any request",
            _CODE_FLOW,
        ),
        Quirk("the granted scope is comma-separated: given back space-separated", _OIDC),
        Quirk(
            'email_verified is the string "true" and locale an object: normalize_claims() '
            "gives OpenID Connect's types",
            _OIDC,
        ),
    ),
    extra={"documentation": _OIDC, "discovery_url": f"{ISSUER}/.well-known/openid-configuration"},
)

#: LinkedIn for native apps LinkedIn enabled for PKCE (no secret, loopback redirect URI).
LINKEDIN_NATIVE = dataclasses.replace(
    LINKEDIN,
    name="linkedin-native",
    title="LinkedIn (native apps)",
    authorization_endpoint="https://www.linkedin.com/oauth/native-pkce/authorization",
    code_challenge_method="S256",
    compliance_hooks={
        "access_token_request": [refuse_unsupported_grants, require_pkce],
        "access_token_response": [space_separated_scope],
        "device_authorization_request": [refuse_device_flow],
        "refresh_token_response": [space_separated_scope],
    },
    flows=("authorization_code", "refresh_token", "introspection", "userinfo"),
    extra={"documentation": _NATIVE},
)


def _refuse_implicit(kwargs: dict[str, Any]) -> None:
    response_type = kwargs.get("response_type")
    if response_type is not None and response_type != "code":
        raise ValueError(
            f"response_type {response_type!r}: LinkedIn only has the authorization code flow "
            "(no implicit grant, no hybrid flow)"
        )
    if "code_challenge_method" in kwargs and kwargs["code_challenge_method"] is not None:
        raise ValueError(
            "code_challenge_method: LinkedIn's web flow has no PKCE (the token endpoint "
            "answers invalid_client); native apps use native_oauth2_client()"
        )


def _without_nonce(client: Any) -> Any:
    # LinkedIn's ID tokens carry no nonce, even when the authorization request sent one
    # (authlib/authlib#763, python-social-auth/social-core#833; the ID token of
    # https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2
    # has none): a nonce sent would fail the ID token's check, so none is sent; a call's own
    # nonce= still wins.
    client.authorize_params.setdefault("nonce", None)
    return client


def oauth2_client(
    client_id: str,
    client_secret: Any = None,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for a LinkedIn web app.

    Args:
        client_id: the app's Client ID.
        client_secret: its Primary Client Secret (web apps always have one).
        **kwargs: any other ``OAuth2Client`` argument (``redirect_uri``, ``scope`` — the
            default is ``openid profile email`` —, ``token``, ``update_token``) or httpx
            argument.

    ``OAuth2Client.from_provider("linkedin", ...)``, with no ``nonce`` on the authorization
    URL (LinkedIn's ID tokens never carry one). Refused at once: ``response_type`` other than
    ``code`` and ``code_challenge_method`` (no implicit grant, no PKCE for web apps); the
    password grant and other grants LinkedIn lacks are refused before any request.
    """
    _refuse_implicit(kwargs)
    client = authwire.OAuth2Client.from_provider(
        LINKEDIN, client_id=client_id, client_secret=client_secret, **kwargs
    )
    result: OAuth2Client = _without_nonce(client)
    return result


def async_oauth2_client(
    client_id: str,
    client_secret: Any = None,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """The :class:`~authwire.AsyncOAuth2Client` twin of :func:`oauth2_client`."""
    _refuse_implicit(kwargs)
    client = authwire.AsyncOAuth2Client.from_provider(
        LINKEDIN, client_id=client_id, client_secret=client_secret, **kwargs
    )
    result: AsyncOAuth2Client = _without_nonce(client)
    return result


def check_loopback_redirect_uri(redirect_uri: object) -> str:
    """``redirect_uri`` when it is a loopback URL LinkedIn's native flow accepts.

    ``http(s)://127.0.0.1:{port}/...`` or ``http(s)://[::1]:{port}/...``: "we will only
    communicate with loopback IPs" (``localhost`` is not a loopback IP literal).
    """
    if not isinstance(redirect_uri, str):
        raise ValueError(
            "redirect_uri is required: LinkedIn's native flow redirects to a loopback IP"
        )
    parts = urlsplit(redirect_uri)
    try:
        loopback = parts.hostname is not None and ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme not in ("http", "https") or not loopback or parts.port is None:
        raise ValueError(
            f"redirect_uri {redirect_uri!r}: LinkedIn's native flow only redirects to a "
            "loopback IP with a port, http://127.0.0.1:PORT/... or http://[::1]:PORT/..."
        )
    return redirect_uri


def _native_kwargs(client_id: str, redirect_uri: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    if kwargs.get("client_secret") is not None:
        raise TypeError(
            "client_secret: a native app keeps no secret; LinkedIn's native flow authenticates "
            "the code exchange with PKCE"
        )
    kwargs.pop("client_secret", None)
    if kwargs.get("code_challenge_method", "S256") != "S256":
        raise ValueError("code_challenge_method: LinkedIn's native flow uses S256")
    _refuse_implicit({k: v for k, v in kwargs.items() if k != "code_challenge_method"})
    return {
        "client_id": client_id,
        "redirect_uri": check_loopback_redirect_uri(redirect_uri),
        **kwargs,
    }


def native_oauth2_client(client_id: str, *, redirect_uri: str, **kwargs: Any) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for a LinkedIn native app (PKCE, no secret).

    LinkedIn enables the native flow per app, on request. ``redirect_uri`` must be a loopback
    IP with a port (``http://127.0.0.1:8765/callback``), where the app listens for the
    redirect. The client is ``OAuth2Client.from_provider(LINKEDIN_NATIVE, ...)`` without a
    nonce; the code exchange must carry the PKCE verifier (refused before sending otherwise).
    """
    client = authwire.OAuth2Client.from_provider(
        LINKEDIN_NATIVE, **_native_kwargs(client_id, redirect_uri, kwargs)
    )
    result: OAuth2Client = _without_nonce(client)
    return result


def async_native_oauth2_client(
    client_id: str, *, redirect_uri: str, **kwargs: Any
) -> AsyncOAuth2Client:
    """The :class:`~authwire.AsyncOAuth2Client` twin of :func:`native_oauth2_client`."""
    client = authwire.AsyncOAuth2Client.from_provider(
        LINKEDIN_NATIVE, **_native_kwargs(client_id, redirect_uri, kwargs)
    )
    result: AsyncOAuth2Client = _without_nonce(client)
    return result
