"""Sign in with Apple (``appleid.apple.com``) to test the plugin against.

Built on :class:`authwire.testing.Emulator`; every answer is shaped as Apple documents it, and
the page is cited beside each example. What it adds to the kit's provider:

- the client secret checked as Apple checks it: an ES256 JWT signed by the registered key
  (``kid`` = Key ID), ``iss`` = Team ID, ``sub`` = client ID, ``aud`` =
  ``https://appleid.apple.com``, not expired, and ``exp`` at most 15777000 s after ``iat``;
- the authorization endpoint's refusals: ``response_mode`` must be ``form_post`` when a
  scope is asked for, and the redirect URI must be HTTPS on a registered domain;
- the ``user`` JSON posted with the first authorization of a user, and never again;
- ID tokens with Apple's claims (``email_verified`` and ``is_private_email`` as strings);
- error bodies holding ``error`` alone, and no new refresh token on refresh.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from authwire.testing import (
    Approval,
    Emulator,
    FakeClock,
    Grant,
    RecordedRequest,
    Refusal,
    SigningKey,
    TokenCall,
    json_response,
)

ISSUER = "https://appleid.apple.com"
# Apple's OpenID configuration document, https://appleid.apple.com/.well-known/openid-configuration
# (the live document, as mirrored by panva/wellknown issuers/apple)
DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/auth/authorize",
    "token_endpoint": f"{ISSUER}/auth/token",
    "revocation_endpoint": f"{ISSUER}/auth/revoke",
    "jwks_uri": f"{ISSUER}/auth/keys",
    "response_types_supported": ["code"],
    "response_modes_supported": ["query", "fragment", "form_post"],
    "subject_types_supported": ["pairwise"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "scopes_supported": ["openid", "email", "name"],
    "token_endpoint_auth_methods_supported": ["client_secret_post"],
    "claims_supported": [
        "aud",
        "email",
        "email_verified",
        "exp",
        "iat",
        "is_private_email",
        "iss",
        "nonce",
        "nonce_supported",
        "real_user_status",
        "sub",
        "transfer_sub",
    ],
}

TEAM_ID = "A1B2C3D4E5"
KEY_ID = "KEY1234567"
SERVICES_ID = "com.example.web"
REDIRECT = "https://app.example/auth/apple/callback"
# Apple's user identifier shape ("000123.<32 hex>.0456") and a private relay address
SUBJECT = "001234.9f8e7d6c5b4a39281706f5e4d3c2b1a0.0912"
RELAY_EMAIL = "dhbk3p9wfv@privaterelay.appleid.com"
# The user JSON posted on the first authorization: {"name": {"firstName", "lastName"}, "email"}
# ("Incorporating Sign in with Apple into other platforms", Handle the response)
FIRST_USER = {"name": {"firstName": "Jane", "lastName": "Appleseed"}, "email": RELAY_EMAIL}

APPLE_KEY = SigningKey.generate("RS256", kid="W6WcOKB")  # Apple's JWKS kid style
MAX_SECRET_LIFETIME = 15_777_000


class AppleEmulator(Emulator):
    """``appleid.apple.com``: authorize, token, revoke and keys.

    Args:
        clock: a :class:`FakeClock`; the client secret's ``exp`` is checked against it.
    """

    def __init__(self, clock: FakeClock | None = None, **kwargs: Any) -> None:
        super().__init__(
            issuer=ISSUER,
            discovery=DISCOVERY,
            keys=[APPLE_KEY],
            clock=clock or FakeClock(),
            subject=SUBJECT,
            # "The refresh token isn't returned when validating an existing refresh token"
            # (TokenResponse: developer.apple.com/documentation/signinwithapplerestapi/
            # tokenresponse)
            rotate_refresh_tokens=False,
            **kwargs,
        )
        self.signing_keys: dict[str, ECKey] = {}
        self.team_id = TEAM_ID
        self.services: dict[str, list[str]] = {}
        self.authorized: set[tuple[str, str]] = set()
        self.secrets_seen: list[dict[str, Any]] = []
        self.refused_secrets = 0
        self.route("GET", DISCOVERY["authorization_endpoint"], self._authorize)

    # -- registration ---------------------------------------------------------------------

    def register(self, p8: bytes, *, key_id: str = KEY_ID, client_id: str = SERVICES_ID) -> None:
        """A Services ID with its return URL, and a Sign in with Apple key (its ``.p8``)."""
        self.signing_keys[key_id] = ECKey.import_key(p8)
        self.services[client_id] = [REDIRECT]

    # -- the client secret ------------------------------------------------------------------

    def check_client_secret(self, form: dict[str, str]) -> None:
        """Apple's checks of ``client_secret`` ("Generate and validate tokens", Creating the
        client secret: developer.apple.com/documentation/sign_in_with_apple/
        generate_and_validate_tokens); a failure is ``invalid_client``."""
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if client_id not in self.services or not secret:
            raise Refusal("invalid_client")
        try:
            header = json.loads(_segment(secret, 0))
            key = self.signing_keys[str(header.get("kid"))]
            token = jwt.decode(secret, key, algorithms=["ES256"])
        except (KeyError, ValueError, JoseError):
            raise Refusal("invalid_client") from None
        claims = dict(token.claims)
        now = self.clock()
        iat, exp = claims.get("iat"), claims.get("exp")
        if (
            token.header.get("alg") != "ES256"
            or claims.get("iss") != self.team_id
            or claims.get("sub") != client_id
            or claims.get("aud") != ISSUER
            or not isinstance(iat, int)
            or not isinstance(exp, int)
            or exp <= now
            or iat > now + 60
            or exp - iat > MAX_SECRET_LIFETIME
        ):
            raise Refusal("invalid_client")
        self.secrets_seen.append(claims)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """The token and revocation endpoints authenticate the client by its secret first."""
        if request.method == "POST" and request.url.path in ("/auth/token", "/auth/revoke"):
            form = dict(parse_qsl(request.read().decode("utf-8"), keep_blank_values=True))
            try:
                with self._lock:
                    self.check_client_secret(form)
            except Refusal as refusal:
                with self._lock:
                    self.requests.append(RecordedRequest.of(request))
                    self.refused_secrets += 1
                return self.error_reply(refusal, request)
        return super().handle(request)

    # -- the authorization endpoint --------------------------------------------------------

    def approve(
        self,
        authorization_url: str,
        *,
        subject: str | None = None,
        claims: Any = None,
        **extra: str,
    ) -> Approval:
        """The user signs in; the first time a user authorizes the Services ID, Apple adds
        the ``user`` JSON to the form POST (and never again)."""
        params = dict(parse_qsl(urlsplit(authorization_url).query, keep_blank_values=True))
        self._check_authorization(params)
        key = (params.get("client_id", ""), subject or self.subject)
        shares = set(params.get("scope", "").split()) & {"name", "email"}
        if key not in self.authorized and shares:
            self.authorized.add(key)
            extra["user"] = json.dumps(FIRST_USER, separators=(",", ":"))
        return super().approve(authorization_url, subject=subject, claims=claims, **extra)

    def _check_authorization(self, params: dict[str, str]) -> None:
        """What ``/auth/authorize`` refuses, answered as TN3107 shows:
        HTTP 400 ``{"error": "invalid_request"}`` (developer.apple.com/documentation/
        technotes/tn3107-resolving-sign-in-with-apple-response-errors)."""
        client_id = params.get("client_id", "")
        if client_id not in self.services:
            raise Refusal("invalid_client")
        if params.get("redirect_uri") not in self.services[client_id]:
            raise Refusal("invalid_request")
        scopes = set(params.get("scope", "").split()) & {"name", "email"}
        # "If you requested any scopes, the value must be form_post." ("Incorporating Sign in
        # with Apple into other platforms")
        if scopes and params.get("response_mode") != "form_post":
            raise Refusal("invalid_request")

    def _authorize(self, request: httpx.Request) -> httpx.Response:
        approval = self.approve(str(request.url))
        return httpx.Response(200, text=_auto_post_page(approval))

    def form_post(self, approval: Approval) -> bytes:
        """The body the browser POSTs to the redirect URI (``response_mode=form_post``)."""
        return str(httpx.QueryParams(approval.params)).encode("ascii")

    # -- shapes -----------------------------------------------------------------------------

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        """TokenResponse: ``access_token``, ``token_type``, ``expires_in``, ``refresh_token``
        (code exchange only), ``id_token`` — always, whatever the scope; no ``scope``."""
        grant.id_token = True
        fields = super().token_fields(grant, call)
        fields.pop("scope", None)
        return fields

    def id_token_claims(self, grant: Grant, access_token: str | None = None) -> dict[str, Any]:
        """Apple's identity token: ``iss``, ``aud``, ``exp``, ``iat``, ``sub``, ``at_hash``,
        ``email``, ``email_verified`` and ``is_private_email`` (strings in the web flow),
        ``auth_time``, ``nonce_supported``, ``real_user_status``
        (developer.apple.com/documentation/sign_in_with_apple/authenticating-users-with-sign-in-with-apple)."""
        claims = super().id_token_claims(grant, access_token)
        claims.update(
            {
                "email": RELAY_EMAIL,
                "email_verified": "true",
                "is_private_email": "true",
                "nonce_supported": True,
                "real_user_status": 2,
            }
        )
        claims.update(grant.claims)
        return claims

    def error_reply(self, refusal: Refusal, request: httpx.Request) -> httpx.Response:
        """ErrorResponse: ``{"error": "..."}`` with HTTP 400, no description
        (developer.apple.com/documentation/signinwithapplerestapi/errorresponse)."""
        return json_response({"error": refusal.error}, 400)


def _segment(token: str, index: int) -> str:
    import base64

    part = token.split(".")[index]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode("utf-8")


def _auto_post_page(approval: Approval) -> str:
    fields = "".join(
        f'<input type="hidden" name="{name}" value="{value}">'
        for name, value in approval.params.items()
    )
    return f'<form method="post" action="{REDIRECT}">{fields}</form>'
