"""A fake OAuth 2 / OpenID Connect authorization server for the documentation's examples.

One class, configured per provider by its endpoint URLs (:data:`EXAMPLE`, :data:`GOOGLE`,
:data:`GITHUB`, :data:`X`). It is strict where a wrong example should fail and lenient where
the examples cannot know the registration: any ``client_id`` is registered, with any secret.

What it checks and answers:

* the authorization page (:meth:`AuthorizationServer.approve`, the person approves at once):
  ``response_type=code``, a ``redirect_uri``, PKCE; pushed requests by ``request_uri``
  (RFC 9126) and request objects (``request=``, RFC 9101, claims read without the key);
* the token endpoint: the client identifies itself (Basic, form, JWT assertion, or a public
  ``client_id``); grants ``authorization_code`` (code, ``redirect_uri`` and PKCE S256 verifier
  checked, code single-use), ``refresh_token`` (rotated), ``client_credentials``,
  ``password``, the device code (approved at the first poll), token exchange (RFC 8693) and
  the JWT bearer grant (RFC 7523, ``aud`` checked); DPoP proofs bind the token (RFC 9449);
  ``resource`` values must be absolute URIs (RFC 8707); ID tokens signed RS256 with the
  request's ``nonce``;
* discovery, JWKS, UserInfo (a valid token), revocation, introspection, device
  authorization and PAR.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey
from joserfc.jwk import import_key as jwk_import_key

from ._fake_web import BrowserError, Call, FakeWeb, Grant, Reply, new_secret

__all__ = [
    "EXAMPLE",
    "GITHUB",
    "GOOGLE",
    "USER",
    "AuthorizationServer",
    "ServerConfig",
    "X",
]

#: The person who signs in, whatever the provider.
SUBJECT = "248289761001"
USER: dict[str, str | bool] = {
    "sub": SUBJECT,
    "email": "alice@example.com",
    "email_verified": True,
    "name": "Alice Example",
}

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
CLIENT_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass(frozen=True)
class ServerConfig:
    """Where a provider's endpoints are, and how it differs from the plain server."""

    name: str
    issuer: str
    authorization_endpoint: str
    token_endpoints: tuple[str, ...]
    openid: bool = True
    revocation_endpoint: str | None = None
    introspection_endpoint: str | None = None
    userinfo_endpoint: str | None = None
    jwks_uri: str | None = None
    device_authorization_endpoint: str | None = None
    pushed_authorization_request_endpoint: str | None = None
    end_session_endpoint: str | None = None
    discovery: bool = True
    iss_in_callback: bool = True
    advertise_iss: bool = True
    rotate_refresh_tokens: bool = True
    verification_uri_name: str = "verification_uri"
    extra_claims: tuple[tuple[str, str], ...] = ()  # in every ID token (Microsoft's tid)


EXAMPLE = ServerConfig(
    name="id.example.com",
    issuer="https://id.example.com",
    authorization_endpoint="https://id.example.com/authorize",
    token_endpoints=("https://id.example.com/token", "https://id.example.com/oauth/token"),
    revocation_endpoint="https://id.example.com/revoke",
    introspection_endpoint="https://id.example.com/introspect",
    userinfo_endpoint="https://id.example.com/userinfo",
    jwks_uri="https://id.example.com/jwks",
    device_authorization_endpoint="https://id.example.com/device/code",
    pushed_authorization_request_endpoint="https://id.example.com/par",
    end_session_endpoint="https://id.example.com/logout",
)

# https://accounts.google.com/.well-known/openid-configuration
GOOGLE = ServerConfig(
    name="Google",
    issuer="https://accounts.google.com",
    authorization_endpoint="https://accounts.google.com/o/oauth2/v2/auth",
    token_endpoints=("https://oauth2.googleapis.com/token",),
    revocation_endpoint="https://oauth2.googleapis.com/revoke",
    userinfo_endpoint="https://openidconnect.googleapis.com/v1/userinfo",
    jwks_uri="https://www.googleapis.com/oauth2/v3/certs",
    device_authorization_endpoint="https://oauth2.googleapis.com/device/code",
    advertise_iss=False,  # Google sends iss on the redirect without announcing it
    rotate_refresh_tokens=False,  # Google's refresh answer carries no new refresh token
    verification_uri_name="verification_url",  # Google's spelling in the device answer
)

# https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
GITHUB = ServerConfig(
    name="GitHub",
    issuer="https://github.com",
    authorization_endpoint="https://github.com/login/oauth/authorize",
    token_endpoints=("https://github.com/login/oauth/access_token",),
    device_authorization_endpoint="https://github.com/login/device/code",
    openid=False,
    discovery=False,
    iss_in_callback=False,
    advertise_iss=False,
)

# https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
X = ServerConfig(
    name="X",
    issuer="https://x.com",
    authorization_endpoint="https://x.com/i/oauth2/authorize",
    token_endpoints=("https://api.x.com/2/oauth2/token", "https://api.x.com/oauth2/token"),
    revocation_endpoint="https://api.x.com/2/oauth2/revoke",
    openid=False,
    discovery=False,
    iss_in_callback=False,
    advertise_iss=False,
)


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    scope: str
    challenge: str | None
    method: str | None
    nonce: str | None
    resource: list[str]
    dpop_jkt: str | None


@dataclass
class _Refresh:
    client_id: str
    scope: str
    subject: str | None
    resource: list[str]


class _Refused(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(error)
        self.reply = Reply.error(status, error, description)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unverified_claims(token: str) -> dict[str, Any]:
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError) as error:
        raise _Refused(400, "invalid_request", "a JWT that cannot be read") from error
    if not isinstance(claims, dict):
        raise _Refused(400, "invalid_request", "a JWT whose claims are not an object")
    return claims


def _check_resources(values: list[str]) -> list[str]:
    for value in values:
        parts = urlsplit(value)
        if not parts.scheme or not parts.netloc or parts.fragment:
            raise _Refused(400, "invalid_target", f"{value!r} is not an absolute URI")
    return values


@dataclass
class AuthorizationServer:
    """One provider's authorization server (see the module docstring)."""

    config: ServerConfig
    key: RSAKey
    codes: dict[str, _Code] = field(default_factory=dict)
    refresh_tokens: dict[str, _Refresh] = field(default_factory=dict)
    pushed: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    device_codes: dict[str, dict[str, Any]] = field(default_factory=dict)

    # -- the person at the browser -------------------------------------------------------

    def approve(self, url: str, web: FakeWeb) -> str | None:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}{parts.path}" != self.config.authorization_endpoint:
            return None
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        resources = [v for k, v in parse_qsl(parts.query) if k == "resource"]
        if "request_uri" in params:
            pushed = self.pushed.pop(params["request_uri"], None)
            if pushed is None or dict(pushed).get("client_id") != params.get("client_id"):
                raise BrowserError(f"{self.config.name}: unknown or used request_uri")
            params = {**dict(pushed), **params}
            resources = [v for k, v in pushed if k == "resource"] or resources
        if "request" in params:
            claims = _unverified_claims(params.pop("request"))
            if claims.get("aud") != self.config.issuer:
                raise BrowserError(f"{self.config.name}: a request object for another audience")
            resource = claims.pop("resource", None)
            if resource is not None:
                resources = resource if isinstance(resource, list) else [resource]
            params.update({k: str(v) for k, v in claims.items() if isinstance(v, str | int)})
        if params.get("response_type") != "code":
            raise BrowserError(f"{self.config.name}: response_type must be code: {url}")
        redirect_uri = params.get("redirect_uri")
        if not params.get("client_id") or not redirect_uri:
            raise BrowserError(f"{self.config.name}: client_id and redirect_uri are needed")
        if "code_challenge" not in params:
            raise BrowserError(f"{self.config.name}: this provider wants PKCE")
        code = new_secret("code")
        self.codes[code] = _Code(
            client_id=params["client_id"],
            redirect_uri=redirect_uri,
            scope=params.get("scope", ""),
            challenge=params.get("code_challenge"),
            method=params.get("code_challenge_method", "plain"),
            nonce=params.get("nonce"),
            resource=resources,
            dpop_jkt=params.get("dpop_jkt"),
        )
        answer = {"code": code}
        if "state" in params:
            answer["state"] = params["state"]
        if self.config.iss_in_callback:
            answer["iss"] = self.config.issuer
        joiner = "&" if "?" in redirect_uri else "?"
        return f"{redirect_uri}{joiner}{urlencode(answer)}"

    # -- HTTP ----------------------------------------------------------------------------

    def handle(self, call: Call, web: FakeWeb) -> Reply | None:
        endpoint = call.endpoint
        config = self.config
        try:
            if config.discovery and endpoint in (
                f"{config.issuer}/.well-known/openid-configuration",
                f"{config.issuer}/.well-known/oauth-authorization-server",
            ):
                return Reply.json(200, self.metadata())
            if endpoint == config.jwks_uri:
                return Reply.json(200, {"keys": [self.key.as_dict(private=False)]})
            if call.method != "POST":
                if endpoint == config.userinfo_endpoint:
                    return self._userinfo(call, web)
                return None
            if endpoint in config.token_endpoints:
                return self._token(call, web)
            if endpoint == config.revocation_endpoint:
                self._client(call)
                token = call.form.get("token", "")
                if token in web.tokens:
                    web.tokens[token].revoked = True
                self.refresh_tokens.pop(token, None)
                return Reply(200)
            if endpoint == config.introspection_endpoint:
                return self._introspect(call, web)
            if endpoint == config.device_authorization_endpoint:
                return self._device_authorization(call)
            if endpoint == config.pushed_authorization_request_endpoint:
                return self._push(call)
            if endpoint == config.userinfo_endpoint:
                return self._userinfo(call, web)
        except _Refused as refused:
            return refused.reply
        return None

    def metadata(self) -> dict[str, Any]:
        config = self.config
        doc: dict[str, Any] = {
            "issuer": config.issuer,
            "authorization_endpoint": config.authorization_endpoint,
            "token_endpoint": config.token_endpoints[0],
            "jwks_uri": config.jwks_uri,
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "client_secret_jwt",
                "private_key_jwt",
                "none",
            ],
            "dpop_signing_alg_values_supported": ["ES256", "ES384", "RS256", "PS256", "EdDSA"],
            "request_object_signing_alg_values_supported": ["RS256", "ES256", "EdDSA"],
            "scopes_supported": ["openid", "email", "profile", "offline_access"],
        }
        for name in (
            "revocation_endpoint",
            "introspection_endpoint",
            "userinfo_endpoint",
            "device_authorization_endpoint",
            "pushed_authorization_request_endpoint",
            "end_session_endpoint",
        ):
            value = getattr(config, name)
            if value is not None:
                doc[name] = value
        if config.advertise_iss:
            doc["authorization_response_iss_parameter_supported"] = True
        return doc

    # -- client authentication (RFC 6749 §2.3, RFC 7523 §2.2) ----------------------------

    def _client(self, call: Call) -> str:
        form = call.form
        basic = call.basic_credentials()
        if basic is not None:
            return basic[0]
        if form.get("client_assertion_type") == CLIENT_ASSERTION:
            claims = _unverified_claims(form.get("client_assertion", ""))
            if claims.get("iss") != claims.get("sub") or not claims.get("iss"):
                raise _Refused(401, "invalid_client", "iss and sub must be the client_id")
            audience = claims.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if not {self.config.issuer, *self.config.token_endpoints, call.endpoint} & set(
                audiences
            ):
                raise _Refused(401, "invalid_client", "the assertion is for another audience")
            return str(claims["iss"])
        if form.get("client_id"):
            return form["client_id"]
        raise _Refused(401, "invalid_client", "the client did not identify itself")

    # -- the token endpoint ----------------------------------------------------------------

    def _token(self, call: Call, web: FakeWeb) -> Reply:
        form = call.form
        grant_type = form.get("grant_type")
        resources = _check_resources(call.form_list("resource"))
        if grant_type == JWT_BEARER:
            claims = _unverified_claims(form.get("assertion", ""))
            audience = claims.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if call.endpoint not in audiences and self.config.issuer not in audiences:
                raise _Refused(400, "invalid_grant", "the assertion is for another audience")
            if not isinstance(claims.get("exp"), int) or claims["exp"] < time.time():
                raise _Refused(400, "invalid_grant", "the assertion has expired")
            scope = form.get("scope") or str(claims.get("scope", ""))
            subject = str(claims.get("sub") or claims.get("iss"))
            return self._issue(call, web, str(claims.get("iss")), subject, scope, resources)
        client_id = self._client(call)
        if grant_type == "authorization_code":
            return self._code(call, web, client_id, resources)
        if grant_type == "refresh_token":
            held = self.refresh_tokens.get(form.get("refresh_token", ""))
            if held is None or held.client_id != client_id:
                raise _Refused(400, "invalid_grant", "unknown refresh token")
            if self.config.rotate_refresh_tokens:
                del self.refresh_tokens[form["refresh_token"]]
            if resources and not set(resources) <= set(held.resource):
                raise _Refused(400, "invalid_target", "a resource outside the grant")
            return self._issue(
                call,
                web,
                client_id,
                held.subject,
                form.get("scope", held.scope),
                resources or held.resource,
                refresh=True,
                keep_refresh=None if self.config.rotate_refresh_tokens else form["refresh_token"],
                grant_resources=held.resource,
            )
        if grant_type == "client_credentials":
            return self._issue(call, web, client_id, None, form.get("scope", ""), resources)
        if grant_type == "password":
            if not form.get("username") or not form.get("password"):
                raise _Refused(400, "invalid_request", "username and password are needed")
            scope = form.get("scope", "")
            return self._issue(call, web, client_id, SUBJECT, scope, resources, refresh=True)
        if grant_type == DEVICE_CODE:
            device = self.device_codes.pop(form.get("device_code", ""), None)
            if device is None or device["client_id"] != client_id:
                raise _Refused(400, "invalid_grant", "unknown or used device code")
            scope = device["scope"]
            return self._issue(
                call, web, client_id, SUBJECT, scope, resources or device["resource"], True
            )
        if grant_type == TOKEN_EXCHANGE:
            return self._exchange(call, web, client_id, resources)
        raise _Refused(400, "unsupported_grant_type", f"{grant_type!r} is not supported here")

    def _code(self, call: Call, web: FakeWeb, client_id: str, resources: list[str]) -> Reply:
        form = call.form
        held = self.codes.pop(form.get("code", ""), None)
        if held is None or held.client_id != client_id:
            raise _Refused(400, "invalid_grant", "unknown or used code")
        if form.get("redirect_uri") != held.redirect_uri:
            raise _Refused(400, "invalid_grant", "redirect_uri differs from the request's")
        verifier = form.get("code_verifier", "")
        if held.method == "S256":
            expected = _b64url(hashlib.sha256(verifier.encode("ascii")).digest())
        else:
            expected = verifier
        if held.challenge is not None and expected != held.challenge:
            raise _Refused(400, "invalid_grant", "PKCE verification failed")
        if resources and held.resource and not set(resources) <= set(held.resource):
            raise _Refused(400, "invalid_target", "a resource outside the grant")
        return self._issue(
            call,
            web,
            client_id,
            SUBJECT,
            held.scope,
            resources or held.resource,
            refresh=True,
            nonce=held.nonce,
            grant_resources=held.resource,
        )

    def _exchange(self, call: Call, web: FakeWeb, client_id: str, resources: list[str]) -> Reply:
        form = call.form
        if not form.get("subject_token") or not form.get("subject_token_type"):
            raise _Refused(400, "invalid_request", "subject_token and its type are needed")
        if bool(form.get("actor_token")) != bool(form.get("actor_token_type")):
            raise _Refused(400, "invalid_request", "actor_token and its type go together")
        requested = form.get("requested_token_type", ACCESS_TOKEN_TYPE)
        reply = self._issue(call, web, client_id, SUBJECT, form.get("scope", ""), resources)
        payload = json.loads(reply.body)
        payload["issued_token_type"] = requested
        if requested != ACCESS_TOKEN_TYPE:
            payload["token_type"] = "N_A"
        return Reply.json(200, payload)

    def _dpop_jkt(self, call: Call) -> str | None:
        proof = call.headers.get("dpop")
        if proof is None:
            return None
        try:
            header = json.loads(base64.urlsafe_b64decode(proof.split(".")[0] + "=="))
            jwk = header["jwk"]
            key = jwk_import_key(jwk)
            claims = jwt.decode(proof, key).claims
        except Exception as error:
            raise _Refused(
                400, "invalid_dpop_proof", f"the proof does not verify: {error}"
            ) from error
        if header.get("typ") != "dpop+jwt" or claims.get("htu") != call.endpoint:
            raise _Refused(400, "invalid_dpop_proof", "typ or htu is wrong")
        return str(key.thumbprint())

    def _issue(
        self,
        call: Call,
        web: FakeWeb,
        client_id: str,
        subject: str | None,
        scope: str,
        resources: list[str],
        refresh: bool = False,
        nonce: str | None = None,
        keep_refresh: str | None = None,
        grant_resources: list[str] | None = None,
    ) -> Reply:
        jkt = self._dpop_jkt(call)
        access_token = new_secret("at")
        expires_in = 3600
        web.tokens[access_token] = Grant(
            client_id, subject, scope, time.time() + expires_in, jkt, resources
        )
        payload: dict[str, Any] = {
            "access_token": access_token,
            "token_type": "DPoP" if jkt else "Bearer",
            "expires_in": expires_in,
        }
        if scope:
            payload["scope"] = scope
        if refresh and keep_refresh is None:
            refresh_token = new_secret("rt")
            # a refresh token covers every resource of the grant (RFC 8707 §2.2)
            covered = grant_resources if grant_resources is not None else resources
            self.refresh_tokens[refresh_token] = _Refresh(client_id, scope, subject, covered)
            payload["refresh_token"] = refresh_token
        if self.config.openid and subject is not None and "openid" in scope.split():
            payload["id_token"] = self.id_token(client_id, subject, nonce)
        return Reply.json(200, payload)

    def id_token(self, client_id: str, subject: str, nonce: str | None) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.config.issuer,
            "sub": subject,
            "aud": client_id,
            "iat": now,
            "exp": now + 3600,
            "auth_time": now,
            **{k: v for k, v in USER.items() if k != "sub"},
        }
        claims.update(self.config.extra_claims)
        if nonce is not None:
            claims["nonce"] = nonce
        header = {"alg": "RS256", "kid": self.key.kid}
        return jwt.encode(header, claims, self.key)

    # -- the other endpoints ---------------------------------------------------------------

    def _userinfo(self, call: Call, web: FakeWeb) -> Reply:
        found = web.grant_for(call)
        if found is None or "openid" not in found[1].scope.split():
            return Reply(401, {"www-authenticate": 'Bearer error="invalid_token"'})
        return Reply.json(200, {**USER, "sub": found[1].subject})

    def _introspect(self, call: Call, web: FakeWeb) -> Reply:
        self._client(call)
        grant = web.tokens.get(call.form.get("token", ""))
        if grant is None or grant.revoked or (grant.expires_at or 0) < time.time():
            return Reply.json(200, {"active": False})
        return Reply.json(
            200,
            {
                "active": True,
                "client_id": grant.client_id,
                "scope": grant.scope,
                "sub": grant.subject,
                "exp": int(grant.expires_at or 0),
            },
        )

    def _device_authorization(self, call: Call) -> Reply:
        client_id = self._client(call)
        device_code = new_secret("dc")
        self.device_codes[device_code] = {
            "client_id": client_id,
            "scope": call.form.get("scope", ""),
            "resource": _check_resources(call.form_list("resource")),
        }
        verification = f"{self.config.issuer}/device"
        return Reply.json(
            200,
            {
                "device_code": device_code,
                "user_code": "WDJB-MJHT",
                self.config.verification_uri_name: verification,
                "verification_uri_complete": f"{verification}?user_code=WDJB-MJHT",
                "expires_in": 600,
                "interval": 5,
            },
        )

    def _push(self, call: Call) -> Reply:
        client_id = self._client(call)
        credentials = {"client_id", "client_secret", "client_assertion", "client_assertion_type"}
        items = [(k, v) for k, v in call.form_items() if k not in credentials]
        request_uri = f"urn:ietf:params:oauth:request_uri:{new_secret('par')}"
        self.pushed[request_uri] = [("client_id", client_id), *items]
        return Reply.json(201, {"request_uri": request_uri, "expires_in": 60})
