"""The ``apple`` provider value: Sign in with Apple's endpoints and defaults.

The URLs and the issuer are those of Apple's OpenID configuration document
(https://appleid.apple.com/.well-known/openid-configuration): ``scopes_supported``
``openid email name``, ``response_modes_supported`` ``query fragment form_post``,
``token_endpoint_auth_methods_supported`` ``client_secret_post`` only, no UserInfo endpoint.
"""

from __future__ import annotations

from authwire.plugins import Provider, Quirk

from ._secret import AppleClientAuth

__all__ = ["APPLE", "DEFAULT_SCOPES", "DOCUMENTATION", "ISSUER", "USER_SCOPES"]

ISSUER = "https://appleid.apple.com"
DOCUMENTATION = (
    "https://developer.apple.com/documentation/sign_in_with_apple/generate_and_validate_tokens"
)
_OTHER_PLATFORMS = (
    "https://developer.apple.com/documentation/signinwithapplejs/"
    "incorporating_sign_in_with_apple_into_other_platforms"
)
#: The scopes that ask Apple to share the user's name and email address.
USER_SCOPES = ("name", "email")
#: ``openid`` (an ID token checked with a nonce) and the user's name and email.
DEFAULT_SCOPES = ("openid", *USER_SCOPES)


def _client_auth(provider: Provider) -> AppleClientAuth:
    return AppleClientAuth()


APPLE = Provider(
    name="apple",
    title="Sign in with Apple",
    authorization_endpoint=f"{ISSUER}/auth/authorize",
    token_endpoint=f"{ISSUER}/auth/token",
    revocation_endpoint=f"{ISSUER}/auth/revoke",
    jwks_uri=f"{ISSUER}/auth/keys",
    issuer=ISSUER,
    scope=DEFAULT_SCOPES,
    token_endpoint_auth_method="client_secret_post",
    # the secret in the body is a JWT signed and renewed by the plugin
    client_auth=_client_auth,
    # "If you requested any scopes, the value must be form_post": Apple POSTs the callback
    # (https://developer.apple.com/documentation/signinwithapplejs/incorporating_sign_in_with_apple_into_other_platforms)
    authorize_params={"response_mode": "form_post"},
    code_challenge_method="S256",
    protocols=("oauth2", "openid"),
    flows=("authorization_code", "refresh_token", "revocation"),
    quirks=(
        Quirk(
            "the client secret is an ES256 JWT made from the Team ID, Key ID and .p8 key, valid "
            "at most six months: the plugin makes and renews it",
            DOCUMENTATION,
        ),
        Quirk(
            "response_mode=form_post is required with the name and email scopes: the callback "
            "is a form POST",
            _OTHER_PLATFORMS,
        ),
        Quirk(
            "the user's name comes once, in a user JSON field of the first sign-in's POST: "
            "surfaced on the result",
            _OTHER_PLATFORMS,
        ),
        Quirk(
            "redirect URIs must be HTTPS on a domain name, never localhost or an IP address",
            DOCUMENTATION,
        ),
        Quirk(
            "revocation at /auth/revoke authenticates with the generated client secret",
            "https://developer.apple.com/documentation/sign_in_with_apple/revoke_tokens",
        ),
    ),
    extra={
        "documentation": DOCUMENTATION,
        "discovery_url": f"{ISSUER}/.well-known/openid-configuration",
    },
)
