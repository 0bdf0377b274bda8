"""An OAuth 2 / OpenID Connect provider to test clients against, shaped like a real one.

[`Emulator`][authwire.testing.emulator.Emulator] holds the state a provider keeps — authorization
codes with their PKCE
challenge, access and refresh tokens, device codes, signing keys — and answers at the URLs
you give it (a provider's documented discovery document, or its endpoints), so a client
configured for the real provider talks to it unchanged over ``httpx.MockTransport``::

    emulator = Emulator(issuer="https://id.example.com", discovery=DOCUMENTED_DISCOVERY)
    client = OAuth2Client.from_provider("example", client_id="app", transport=emulator.transport())
    url, state = client.create_authorization_url()
    token = client.fetch_token(authorization_response=emulator.approve(url).url)

What it checks, the way a provider does: client authentication (RFC 6749 §2.3, RFC 7523
§2.2), the redirect URI and PKCE verifier of a code exchange (RFC 6749 §4.1.3, RFC 7636
§4.6), one use per code, refresh token rotation and refusal of a used refresh token
(RFC 9700 §4.14.2), device code polling with ``slow_down`` (RFC 8628 §3.5), bearer tokens at
the UserInfo endpoint (RFC 6750 §3). A provider's own shapes are overrides:
[`token_fields()`][authwire.testing.emulator.Emulator.token_fields],
[`token_reply()`][authwire.testing.emulator.Emulator.token_reply],
[`error_reply()`][authwire.testing.emulator.Emulator.error_reply],
[`id_token_claims()`][authwire.testing.emulator.Emulator.id_token_claims], or a grant handler in
[`grants`][authwire.testing.emulator.Emulator.grants]; and
[`script()`][authwire.testing.Emulator.script] answers the next calls however a test likes.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from .._compat import Request, Response
from .authentication import authenticate
from .grants import BuiltinGrants
from .keys import SigningKey, jwks, token_hash
from .recorded import RecordedRequest
from .records import (
    AUTHORIZATION_CODE,
    CLIENT_ASSERTION_TYPE,
    CLIENT_CREDENTIALS,
    DEVICE_CODE,
    JWT_BEARER,
    REFRESH_TOKEN,
    TOKEN_EXCHANGE,
    Approval,
    ClientRecord,
    CodeRecord,
    DeviceRecord,
    Grant,
    Refusal,
    TokenCall,
    TokenRecord,
)
from .replies import NO_STORE, json_response, oauth_error
from .routes import MockServer, rendered, route_key

__all__ = [
    "AUTHORIZATION_CODE",
    "CLIENT_ASSERTION_TYPE",
    "CLIENT_CREDENTIALS",
    "DEFAULT_PATHS",
    "DEVICE_CODE",
    "JWT_BEARER",
    "REFRESH_TOKEN",
    "TOKEN_EXCHANGE",
    "Approval",
    "Emulator",
    "Grant",
    "GrantHandler",
    "Refusal",
    "TokenCall",
]

GrantHandler = Callable[[TokenCall], "Grant | Response"]
"""A grant handler: the grant to issue tokens for, or a whole response of its own."""

DEFAULT_PATHS = {
    "authorization_endpoint": "/authorize",
    "token_endpoint": "/token",
    "revocation_endpoint": "/revoke",
    "introspection_endpoint": "/introspect",
    "userinfo_endpoint": "/userinfo",
    "device_authorization_endpoint": "/device/code",
    "jwks_uri": "/jwks",
    "end_session_endpoint": "/logout",
}
"""The endpoints an emulator without a discovery document serves, under its base URL."""


class Emulator(BuiltinGrants, MockServer):
    """An OAuth 2 / OpenID Connect provider: its endpoints, state and rules.

    Args:
        issuer: the issuer as the provider spells it (its discovery document's
            ``issuer``, the ID tokens' ``iss``); ``None`` for a plain OAuth 2 provider.
        discovery: the provider's documented discovery document; served as given (URLs
            moved to loopback while [`serve()`][authwire.testing.emulator.Emulator.serve] runs) and
            the source of the endpoints.
        discovery_url: where it is served (default: ``<issuer>/.well-known/openid-configuration``).
        endpoints: RFC 8414 endpoint names to URLs (absolute, or paths under the base URL);
            they win over the discovery document's. Without either, `DEFAULT_PATHS`.
        base_url: resolves relative endpoint paths (default: the issuer).
        keys: the ID token signing keys, the first signs (default: one shared RS256 key).
        clock: the time source for expiry (a [`FakeClock`][authwire.testing.FakeClock]).
        subject: the default user.
        userinfo: the UserInfo claims besides ``sub`` (also copied into ID tokens).
        access_token_lifetime: ``expires_in`` of access tokens; ``None`` leaves it out.
        rotate_refresh_tokens: a refresh answers a new refresh token and the used one is
            refused from then on.
        require_pkce: refuse a code request without ``code_challenge``.
        issuer_in_response: add ``iss`` to the authorization response (RFC 9207).
        device_interval: the device flow's ``interval``.

    Clients are accepted as they come until
    [`add_client()`][authwire.testing.emulator.Emulator.add_client] registers one; from then
    on only registered clients are, with their own credentials.

    Attributes:
        code_lifetime: seconds an authorization code stays redeemable (600); lower it to
            test an expired code.
        device_code_lifetime: the device flow's ``expires_in`` in seconds (900).
        token_calls: every token request, parsed, in order (see
            [`calls()`][authwire.testing.emulator.Emulator.calls]).
        grants: ``grant_type`` to its [`GrantHandler`][authwire.testing.GrantHandler]; add
            or replace one to emulate a provider's own grant.
    """

    def __init__(
        self,
        *,
        issuer: str | None = None,
        discovery: Mapping[str, Any] | None = None,
        discovery_url: str | None = None,
        endpoints: Mapping[str, str] | None = None,
        base_url: str | None = None,
        keys: Sequence[SigningKey] | None = None,
        clock: Callable[[], float] = time.time,
        subject: str = "user-1",
        userinfo: Mapping[str, Any] | None = None,
        access_token_lifetime: int | None = 3600,
        rotate_refresh_tokens: bool = True,
        require_pkce: bool = False,
        issuer_in_response: bool = False,
        device_interval: int = 5,
    ) -> None:
        super().__init__(base_url or issuer or "https://provider.test")
        self.issuer = issuer
        self.discovery = dict(discovery) if discovery is not None else None
        self.keys = list(keys) if keys is not None else [SigningKey.shared("RS256")]
        self.clock = clock
        self.subject = subject
        self.userinfo: dict[str, Any] = dict(userinfo or {})
        self.access_token_lifetime = access_token_lifetime
        self.rotate_refresh_tokens = rotate_refresh_tokens
        self.require_pkce = require_pkce
        self.issuer_in_response = issuer_in_response
        self.device_interval = device_interval
        self.code_lifetime = 600
        self.device_code_lifetime = 900
        self.token_calls: list[TokenCall] = []
        self.grants: dict[str, GrantHandler] = {
            AUTHORIZATION_CODE: self._authorization_code,
            REFRESH_TOKEN: self._refresh_token,
            CLIENT_CREDENTIALS: self._client_credentials,
            DEVICE_CODE: self._device_code,
            JWT_BEARER: self._jwt_bearer,
            TOKEN_EXCHANGE: self._token_exchange,
        }
        self._clients: dict[str, ClientRecord] = {}
        self._codes: dict[str, CodeRecord] = {}
        self._access: dict[str, TokenRecord] = {}
        self._refresh: dict[str, TokenRecord] = {}
        self._devices: dict[str, DeviceRecord] = {}
        self.endpoints = self._endpoints(endpoints)
        self.discovery_url: str | None = discovery_url or (
            issuer.rstrip("/") + "/.well-known/openid-configuration" if issuer else None
        )
        self._install_routes()

    # -- configuration ----------------------------------------------------------------------

    def _endpoints(self, given: Mapping[str, str] | None) -> dict[str, str]:
        if given is None and self.discovery is None:
            found = dict(DEFAULT_PATHS)
        else:
            found = {
                k: v
                for k, v in (self.discovery or {}).items()
                if isinstance(v, str) and (k.endswith("_endpoint") or k == "jwks_uri")
            }
        found.update(given or {})
        return {name: self.url(value) for name, value in found.items()}

    def _install_routes(self) -> None:
        table: dict[str, tuple[str, Callable[[Request], Response]]] = {
            "authorization_endpoint": ("GET", self._authorize_page),
            "token_endpoint": ("POST", self._token_endpoint),
            "revocation_endpoint": ("POST", self._revocation_endpoint),
            "introspection_endpoint": ("POST", self._introspection_endpoint),
            "userinfo_endpoint": ("GET", self._userinfo_endpoint),
            "device_authorization_endpoint": ("POST", self._device_endpoint),
            "jwks_uri": ("GET", lambda _r: json_response(jwks(self.keys))),
            "end_session_endpoint": ("GET", self._end_session_endpoint),
        }
        for name, (method, handler) in table.items():
            url = self.endpoints.get(name)
            if url is not None:
                self.route(method, url, handler)
        if self.endpoints.get("userinfo_endpoint"):
            self.route("POST", self.endpoints["userinfo_endpoint"], self._userinfo_endpoint)
        if self.discovery_url is not None:
            self.route("GET", self.discovery_url, lambda _r: json_response(self.metadata()))

    def add_client(
        self,
        client_id: str,
        secret: str | None = None,
        *,
        jwt_key: SigningKey | None = None,
        redirect_uris: Sequence[str] = (),
    ) -> None:
        """Register a client: ``secret`` for ``client_secret_*`` (``None``: a public client
        unless ``jwt_key`` verifies its ``private_key_jwt`` assertions); ``redirect_uris``
        the exact redirect URIs it may use (any when empty)."""
        with self._lock:
            self._clients[client_id] = ClientRecord(secret, jwt_key, tuple(redirect_uris))

    def endpoint(self, name: str) -> str:
        """The URL of endpoint ``name`` (``"token_endpoint"``) as clients reach it now."""
        try:
            return self.public(self.endpoints[name])
        except KeyError:
            raise KeyError(f"this emulator has no {name}") from None

    def metadata(self) -> dict[str, Any]:
        """The discovery document as served: the documented one, or one built from the
        endpoints (OpenID Connect Discovery 1.0 §3)."""
        if self.discovery is not None:
            return dict(rendered(self.discovery, self.public))
        document: dict[str, Any] = {"issuer": self.public(self.issuer or self.base_url)}
        document.update({name: self.public(url) for name, url in self.endpoints.items()})
        document.update(
            response_types_supported=["code"],
            grant_types_supported=list(self.grants),
            code_challenge_methods_supported=["S256", "plain"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=sorted({k.alg for k in self.keys}),
            token_endpoint_auth_methods_supported=[
                "client_secret_basic",
                "client_secret_post",
                "client_secret_jwt",
                "private_key_jwt",
                "none",
            ],
        )
        return document

    # -- the user's side: authorization and device approval ---------------------------------

    def approve(
        self,
        authorization_url: str,
        *,
        subject: str | None = None,
        claims: Mapping[str, Any] | None = None,
        **extra: str,
    ) -> Approval:
        """The user signs in and consents: the redirect back, with a new code.

        Checks what a provider checks before it issues a code (RFC 6749 §4.1.1, RFC 7636
        §4.4): ``response_type=code``, a known client, an allowed redirect URI, PKCE when
        required. ``extra`` adds response parameters (a provider's ``user`` JSON, ...);
        ``claims`` adds ID token claims for this sign-in. A bad request raises
        ``AssertionError``: it is the test's client that got it wrong.
        """
        params = dict(parse_qsl(urlsplit(authorization_url).query, keep_blank_values=True))
        if params.get("response_type") != "code":
            raise AssertionError(f"response_type is {params.get('response_type')!r}, not 'code'")
        client_id = params.get("client_id", "")
        redirect_uri = params.get("redirect_uri")
        with self._lock:
            client = self._clients.get(client_id)
            if self._clients and client is None:
                raise AssertionError(f"unknown client_id {client_id!r}")
            if (
                client is not None
                and client.redirect_uris
                and redirect_uri not in client.redirect_uris
            ):
                raise AssertionError(f"redirect_uri {redirect_uri!r} is not registered")
            challenge = params.get("code_challenge")
            if self.require_pkce and not challenge:
                raise AssertionError("this provider requires PKCE: no code_challenge")
            method = params.get("code_challenge_method", "plain") if challenge else None
            if method not in (None, "S256", "plain"):
                raise AssertionError(f"unsupported code_challenge_method {method!r}")
            code = "code-" + secrets.token_urlsafe(16)
            grant = Grant(
                client_id,
                scope=params.get("scope", ""),
                subject=subject or self.subject,
                nonce=params.get("nonce"),
                claims=dict(claims or {}),
            )
            self._codes[code] = CodeRecord(
                grant, redirect_uri, challenge, method, self.clock() + self.code_lifetime
            )
        response = {"code": code}
        return self._redirect(redirect_uri, params.get("state"), response, extra)

    def deny(self, authorization_url: str, error: str = "access_denied", **extra: str) -> Approval:
        """The user declines: the redirect back with ``error`` (RFC 6749 §4.1.2.1)."""
        params = dict(parse_qsl(urlsplit(authorization_url).query, keep_blank_values=True))
        return self._redirect(
            params.get("redirect_uri"), params.get("state"), {"error": error}, extra
        )

    def _redirect(
        self,
        redirect_uri: str | None,
        state: str | None,
        response: dict[str, str],
        extra: Mapping[str, str],
    ) -> Approval:
        if state is not None:
            response["state"] = state
        if self.issuer_in_response and self.issuer is not None:
            response["iss"] = self.public(self.issuer)
        response.update(extra)
        base = redirect_uri or "https://client.test/callback"
        url = base + ("&" if "?" in base else "?") + urlencode(response)
        return Approval(url, response, response.get("code"), state)

    def _authorize_page(self, request: Request) -> Response:
        # a browser (or a test) loading the authorization URL: approve, and redirect back
        approval = self.approve(str(request.url))
        return Response(302, headers={"Location": approval.url})

    def approve_device(self, user_code: str | None = None, *, subject: str | None = None) -> None:
        """The user enters ``user_code`` (default: the latest) and approves (RFC 8628 §3.3)."""
        with self._lock:
            device = self._device(user_code)
            device.status = "approved"
            device.grant = Grant(device.client_id, device.scope, subject or self.subject)

    def deny_device(self, user_code: str | None = None) -> None:
        """The user declines the device request: polling answers ``access_denied``."""
        with self._lock:
            self._device(user_code).status = "denied"

    def _device(self, user_code: str | None) -> DeviceRecord:
        devices = [d for d in self._devices.values() if user_code in (None, d.user_code)]
        if not devices:
            raise AssertionError(f"no device request with user code {user_code!r}")
        return devices[-1]

    def issue_token(
        self,
        client_id: str = "client",
        *,
        scope: str = "",
        subject: str | None = None,
        lifetime: int | None = 3600,
    ) -> str:
        """A valid access token, issued without a flow (for testing API routes)."""
        token = "at-" + secrets.token_urlsafe(16)
        with self._lock:
            expires = None if lifetime is None else self.clock() + lifetime
            self._access[token] = TokenRecord(
                Grant(client_id, scope, subject or self.subject), expires
            )
        return token

    # -- overridable shapes -------------------------------------------------------------------

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        """The token response members for ``grant`` (RFC 6749 §5.1); new tokens are minted
        and remembered here. Override to add a provider's members or drop standard ones."""
        now = self.clock()
        access = "at-" + secrets.token_urlsafe(16)
        lifetime = self.access_token_lifetime
        self._access[access] = TokenRecord(grant, None if lifetime is None else now + lifetime)
        fields: dict[str, Any] = {"access_token": access, "token_type": "Bearer"}
        if lifetime is not None:
            fields["expires_in"] = lifetime
        if grant.refresh:
            refresh = "rt-" + secrets.token_urlsafe(16)
            self._refresh[refresh] = TokenRecord(grant, None)
            fields["refresh_token"] = refresh
        if grant.scope:
            fields["scope"] = grant.scope
        wants_id_token = grant.id_token
        if wants_id_token is None:
            wants_id_token = "openid" in grant.scope.split()
        if wants_id_token and self.keys:
            key = self.keys[0]
            fields["id_token"] = key.sign(self.id_token_claims(grant, access))
        fields.update(grant.extra)
        return fields

    def id_token_claims(self, grant: Grant, access_token: str | None = None) -> dict[str, Any]:
        """The ID token claims (OpenID Connect Core §2): ``iss``, ``sub``, ``aud``, ``exp``,
        ``iat``, ``nonce``, ``at_hash``, the UserInfo claims and the grant's own."""
        now = int(self.clock())
        claims: dict[str, Any] = {
            "iss": self.public(self.issuer or self.base_url),
            "sub": grant.subject,
            "aud": grant.client_id,
            "iat": now,
            "exp": now + 3600,
            "auth_time": now,
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        if access_token is not None and self.keys:
            claims["at_hash"] = token_hash(access_token, self.keys[0].alg)
        claims.update(self.userinfo)
        claims.update(grant.claims)
        return claims

    def token_reply(self, fields: Mapping[str, Any], call: TokenCall) -> Response:
        """The token response for ``fields`` (JSON, ``no-store``; RFC 6749 §5.1)."""
        return json_response(dict(fields), headers=NO_STORE)

    def error_reply(self, refusal: Refusal, request: Request) -> Response:
        """The error response for ``refusal`` (RFC 6749 §5.2; override for a provider's own
        error shape or status)."""
        return oauth_error(
            refusal.error, refusal.description, status=refusal.status, headers=refusal.headers
        )

    def authenticate_client(self, call: TokenCall) -> None:
        """Find and check the client's credentials, recording them on ``call``.

        RFC 6749 §2.3.1 and RFC 7523 §2.2 (see `authwire.testing.authentication`); a JWT
        bearer grant may come without any (RFC 7523 §3.1), the assertion naming the client.
        Raises [`Refusal`][authwire.testing.emulator.Refusal] (``invalid_client``, 401). Override
        for a provider's rule,
        and call it from a route of your own that takes client credentials.
        """
        params = call.params
        anonymous = call.request.basic_auth is None and not (
            {"client_id", "client_secret", "client_assertion"} & set(params)
        )
        if call.grant_type == JWT_BEARER and anonymous:
            call.auth_method = "none"
            return
        authenticate(call, self._clients, self.clock())

    def _authenticate(self, call: TokenCall) -> None:
        # the name the first provider emulators override and call; same as above
        self.authenticate_client(call)

    # -- the token endpoint -----------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        try:
            return super().handle(request)
        except Refusal as refusal:
            return self.error_reply(refusal, request)

    def _token_endpoint(self, request: Request) -> Response:
        recorded = RecordedRequest.of(request)
        try:
            params = recorded.data
        except ValueError:
            params = {}
        call = TokenCall(recorded, str(params.get("grant_type", "")), params)
        with self._lock:
            self.token_calls.append(call)
            try:
                self._authenticate(call)
                handler = self.grants.get(call.grant_type)
                if handler is None:
                    raise Refusal("unsupported_grant_type", f"{call.grant_type!r}")
                outcome = handler(call)
                if isinstance(outcome, Response):
                    call.outcome = f"response {outcome.status_code}"
                    return outcome
                fields = self.token_fields(outcome, call)
            except Refusal as refusal:
                call.outcome = refusal.error
                return self.error_reply(refusal, request)
            call.outcome = "issued"
        return self.token_reply(fields, call)

    def _device_endpoint(self, request: Request) -> Response:
        recorded = RecordedRequest.of(request)
        call = TokenCall(recorded, "", recorded.data)
        with self._lock:
            self._authenticate(call)
            device_code = "dc-" + secrets.token_urlsafe(16)
            user_code = "".join(secrets.choice("BCDFGHJKLMNPQRSTVWXZ") for _ in range(8))
            user_code = f"{user_code[:4]}-{user_code[4:]}"
            self._devices[device_code] = DeviceRecord(
                call.client_id or "",
                str(call.params.get("scope", "")),
                user_code,
                self.clock() + self.device_code_lifetime,
                self.device_interval,
            )
        verification = self.public(self.base_url + "/device")
        return json_response(
            {
                "device_code": device_code,
                "user_code": user_code,
                "verification_uri": verification,
                "verification_uri_complete": f"{verification}?user_code={user_code}",
                "expires_in": self.device_code_lifetime,
                "interval": self.device_interval,
            },
            headers=NO_STORE,
        )

    # -- the other endpoints ----------------------------------------------------------------

    def bearer_grant(self, request: Request) -> Grant:
        """The grant of the request's bearer token; [`Refusal`][authwire.testing.emulator.Refusal]
        (401,
        ``WWW-Authenticate: Bearer error="invalid_token"``, RFC 6750 §3) otherwise.
        For a provider's API routes."""
        token = RecordedRequest.of(request).bearer
        with self._lock:
            stored = self._access.get(token or "")
            if (
                stored is None
                or stored.revoked
                or (stored.expires_at is not None and stored.expires_at <= self.clock())
            ):
                challenge = 'Bearer error="invalid_token"' if token else "Bearer"
                raise Refusal("invalid_token", status=401, headers={"WWW-Authenticate": challenge})
            return stored.grant

    def _userinfo_endpoint(self, request: Request) -> Response:
        grant = self.bearer_grant(request)
        return json_response({"sub": grant.subject, **self.userinfo})

    def _revocation_endpoint(self, request: Request) -> Response:
        recorded = RecordedRequest.of(request)
        call = TokenCall(recorded, "", recorded.data)
        with self._lock:
            self._authenticate(call)
            value = str(call.params.get("token", ""))
            for store in (self._access, self._refresh):
                stored = store.get(value)
                if stored is not None and stored.grant.client_id == call.client_id:
                    stored.revoked = True
        return Response(200)  # RFC 7009 §2.2: also for a token the server does not know

    def _introspection_endpoint(self, request: Request) -> Response:
        recorded = RecordedRequest.of(request)
        call = TokenCall(recorded, "", recorded.data)
        with self._lock:
            self._authenticate(call)
            value = str(call.params.get("token", ""))
            stored = self._access.get(value) or self._refresh.get(value)
            now = self.clock()
            if (
                stored is None
                or stored.revoked
                or stored.used
                or (stored.expires_at is not None and stored.expires_at <= now)
            ):
                return json_response({"active": False})
            answer: dict[str, Any] = {
                "active": True,
                "client_id": stored.grant.client_id,
                "sub": stored.grant.subject,
                "scope": stored.grant.scope,
            }
            if stored.expires_at is not None:
                answer["exp"] = int(stored.expires_at)
        return json_response(answer)

    def _end_session_endpoint(self, request: Request) -> Response:
        target = request.url.params.get("post_logout_redirect_uri")
        if target is None:
            return Response(200, text="signed out")
        state = request.url.params.get("state")
        location = target + (
            ("&" if "?" in target else "?") + urlencode({"state": state}) if state else ""
        )
        return Response(302, headers={"Location": location})

    # -- reading what happened ----------------------------------------------------------------

    def is_active(self, token: str) -> bool:
        """Whether ``token`` (access or refresh) is currently usable."""
        with self._lock:
            stored = self._access.get(token) or self._refresh.get(token)
            return bool(
                stored is not None
                and not stored.revoked
                and not stored.used
                and (stored.expires_at is None or stored.expires_at > self.clock())
            )

    def calls(self, grant_type: str | None = None) -> list[TokenCall]:
        """The token endpoint calls, optionally of one ``grant_type`` only."""
        with self._lock:
            return [c for c in self.token_calls if grant_type in (None, c.grant_type)]

    def sent_to(self, endpoint: str) -> list[RecordedRequest]:
        """The recorded requests to the endpoint named ``endpoint`` (``"token_endpoint"``)."""
        _, target = route_key("GET", self.endpoints[endpoint])
        with self._lock:
            return [r for r in self.requests if route_key(r.method, r.url)[1] == target]
