"""The ``Provider`` values for Twitter/X, and the OAuth 1.0a request-token check.

Every URL and rule here comes from X's developer documentation (docs.x.com,
"Authentication"): the OAuth 1.0a API reference, "Obtaining user access tokens", and the
two OAuth 2.0 pages "Authorization Code Flow with PKCE" and "user access token".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from authwire import OAuthError
from authwire.plugins import OAuth1Endpoints, Provider, Quirk

__all__ = ["OFFLINE_SCOPE", "TWITTER", "CallbackNotConfirmedError", "X"]

#: The scope X needs before it issues a refresh token.
OFFLINE_SCOPE = "offline.access"


class CallbackNotConfirmedError(OAuthError):
    """X's request-token response did not carry ``oauth_callback_confirmed=true``.

    RFC 5849 §2.1 makes the field mandatory; without it the server may not have taken the
    ``oauth_callback`` the client sent, so the flow stops before the user is redirected.
    """

    error = "callback_not_confirmed"


def require_callback_confirmed(form: Mapping[str, str]) -> None:
    """Reject a temporary-credentials response unless ``oauth_callback_confirmed`` is
    ``"true"`` (the only value RFC 5849 §2.1 allows)."""
    value = form.get("oauth_callback_confirmed")
    if value == "true":
        return
    state = "is missing" if value is None else "is not 'true'"
    raise CallbackNotConfirmedError(
        description=f"the request-token response's oauth_callback_confirmed {state}"
    )


TWITTER = Provider(
    name="twitter",
    title="X (Twitter)",
    authorization_endpoint="https://x.com/i/oauth2/authorize",
    token_endpoint="https://api.x.com/2/oauth2/token",
    revocation_endpoint="https://api.x.com/2/oauth2/revoke",
    # Enough to call GET /2/users/me; add OFFLINE_SCOPE (``offline=True``) for refresh tokens.
    scope=("tweet.read", "users.read"),
    # X: confidential clients authenticate with HTTP Basic; public ones send client_id in the
    # body (the core's "none" method, used whenever no client_secret is given).
    token_endpoint_auth_method="client_secret_basic",
    # X accepts S256 and plain; the authorization-code grant is refused without PKCE.
    code_challenge_method="S256",
    oauth1=OAuth1Endpoints(
        request_token_url="https://api.x.com/oauth/request_token",
        authorization_url="https://api.x.com/oauth/authorize",
        access_token_url="https://api.x.com/oauth/access_token",
        signature_method="HMAC-SHA1",
        request_token_checks=(require_callback_confirmed,),
    ),
    extra={
        "documentation": "https://docs.x.com/fundamentals/authentication/overview",
        "api_base_url": "https://api.x.com",
        # OAuth 2 user context: the signed-in user (X API v2; not OpenID UserInfo)
        "me_url": "https://api.x.com/2/users/me",
        # OAuth 1.0a "Sign in with X": the authorize step that skips re-approval
        "oauth1_authenticate_url": "https://api.x.com/oauth/authenticate",
        # OAuth 1.0a: revoke an access token (signed with that token)
        "oauth1_invalidate_token_url": "https://api.x.com/1.1/oauth/invalidate_token",
        # app-only bearer tokens: client_credentials with the API key and secret
        "app_only_token_url": "https://api.x.com/oauth2/token",
    },
    protocols=("oauth2", "oauth1"),
    flows=("authorization_code", "refresh_token", "revocation", "oauth1"),
    quirks=(
        Quirk(
            "the authorization code grant requires PKCE",
            "https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code",
        ),
        Quirk(
            "confidential clients authenticate with HTTP Basic, public ones send client_id",
            "https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token",
        ),
        Quirk(
            "a refresh token only with the offline.access scope (offline=True)",
            "https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code",
        ),
        Quirk(
            "OAuth 1.0a: a request token without oauth_callback_confirmed=true is refused",
            "https://docs.x.com/fundamentals/authentication/oauth-1-0a/obtaining-user-access-tokens",
        ),
    ),
)

#: The same provider under X's current name: ``OAuth2Client.from_provider("x", ...)``.
X = dataclasses.replace(TWITTER, name="x", title="X")
