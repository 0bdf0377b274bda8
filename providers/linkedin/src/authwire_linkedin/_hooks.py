"""Compliance hooks for LinkedIn's token endpoint (``/oauth/v2/accessToken``).

- :func:`refuse_unsupported_grants`: LinkedIn's token endpoint knows the authorization
  code (3-legged), client credentials (2-legged, for approved apps) and refresh (approved
  partners) grants; the password grant, device flow, token exchange and assertions are
  refused here, before any request, with an error that says so.
- :func:`refuse_pkce` / :func:`require_pkce`: PKCE is for native apps only, at their own
  authorization URL (``/oauth/native-pkce/authorization``); a web app that sends a
  ``code_verifier`` gets ``invalid_client`` back, and a native app must send one.
- :func:`space_separated_scope`: LinkedIn returns the granted ``scope`` comma-separated
  (``"email,openid,profile"``); RFC 6749 §3.3 separates scopes with spaces.

https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow-native
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from authwire.plugins import json_object, with_json

if TYPE_CHECKING:
    import httpx

__all__ = [
    "SUPPORTED_GRANTS",
    "refuse_device_flow",
    "refuse_pkce",
    "refuse_unsupported_grants",
    "require_pkce",
    "space_separated_scope",
]

#: The grants LinkedIn's token endpoint takes (refresh and client credentials only for apps
#: LinkedIn approved for them).
SUPPORTED_GRANTS = ("authorization_code", "refresh_token", "client_credentials")

_WHY = {
    "password": "LinkedIn has no resource owner password grant; use the authorization code flow",
    "urn:ietf:params:oauth:grant-type:device_code": "LinkedIn has no device authorization flow",
    "urn:ietf:params:oauth:grant-type:token-exchange": "LinkedIn has no token exchange (RFC 8693)",
    "urn:ietf:params:oauth:grant-type:jwt-bearer": "LinkedIn takes no JWT bearer assertions",
    "urn:ietf:params:oauth:grant-type:saml2-bearer": "LinkedIn takes no SAML bearer assertions",
}


def _form(body: str) -> dict[str, str]:
    return dict(parse_qsl(body or "", keep_blank_values=True))


def refuse_unsupported_grants(
    url: str, headers: dict[str, str], body: str
) -> tuple[str, dict[str, str], str]:
    """Raise ``ValueError`` for a grant LinkedIn does not have, before it is sent.

    An ``access_token_request`` hook. The authorization code, refresh token and client
    credentials grants pass (the last two need LinkedIn's approval of the app, which only
    LinkedIn's answer can tell).
    https://learn.microsoft.com/en-us/linkedin/shared/authentication/authentication
    """
    grant_type = _form(body).get("grant_type", "")
    if grant_type in SUPPORTED_GRANTS:
        return url, headers, body
    reason = _WHY.get(grant_type, f"LinkedIn does not support grant_type={grant_type!r}")
    raise ValueError(
        f"grant_type {grant_type!r}: {reason} (LinkedIn supports {', '.join(SUPPORTED_GRANTS)})"
    )


def refuse_device_flow(
    url: str, headers: dict[str, str], body: str
) -> tuple[str, dict[str, str], str]:
    """Raise ``ValueError``: LinkedIn has no device authorization endpoint (RFC 8628).

    A ``device_authorization_request`` hook, for a client given a device endpoint by hand.
    https://learn.microsoft.com/en-us/linkedin/shared/authentication/authentication
    """
    raise ValueError(
        "LinkedIn has no device authorization flow (RFC 8628); sign members in with the "
        "authorization code flow"
    )


def refuse_pkce(url: str, headers: dict[str, str], body: str) -> tuple[str, dict[str, str], str]:
    """Raise ``ValueError`` when a web app's code exchange carries a ``code_verifier``.

    LinkedIn's standard (web) flow has no PKCE: the token endpoint answers such a request
    with ``invalid_client`` (nextauthjs/next-auth#8831). PKCE is the native flow's
    (:data:`~authwire_linkedin.LINKEDIN_NATIVE`).
    https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow-native
    """
    if "code_verifier" in _form(body):
        raise ValueError(
            "code_verifier: LinkedIn accepts PKCE only from native apps, at "
            "https://www.linkedin.com/oauth/native-pkce/authorization (use "
            "native_oauth2_client()); a web app's token request with a code_verifier "
            "is refused with invalid_client"
        )
    return url, headers, body


def require_pkce(url: str, headers: dict[str, str], body: str) -> tuple[str, dict[str, str], str]:
    """Raise ``ValueError`` when a native app exchanges a code without its ``code_verifier``.

    https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow-native
    """
    form = _form(body)
    if form.get("grant_type") == "authorization_code" and not form.get("code_verifier"):
        raise ValueError(
            "code_verifier: LinkedIn's native flow exchanges the code with the PKCE "
            "verifier of the authorization request; none is known (create the "
            "authorization URL with this client, or give code_verifier=)"
        )
    return url, headers, body


def space_separated_scope(response: httpx.Response) -> httpx.Response:
    """Rewrite a comma-separated ``scope`` (``"email,openid,profile"``) with spaces.

    Successful token answers only; everything else passes through untouched.
    https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2
    """
    if not response.is_success:
        return response
    data = json_object(response)
    if data is None:
        return response
    scope = data.get("scope")
    if not isinstance(scope, str) or "," not in scope:
        return response
    data["scope"] = " ".join(part.strip() for part in scope.split(",") if part.strip())
    return with_json(response, data)
