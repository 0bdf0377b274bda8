"""The real OpenID provider that interop tests run against: its description and helpers.

The provider is panva's ``oidc-provider`` (``tests/interop/oidc_provider``), started by
:func:`run_provider` (for the ``oidc_provider`` fixture in ``conftest.py`` and for the demo) on
``127.0.0.1`` with a free port. Everything
secret is made here, fresh for each test session, and handed to the server as one JSON config
file (see ``ProviderSetup.config``); nothing secret is committed.

Static clients (attribute of :class:`OidcProvider` -> ``client_id``), all with the one
``redirect_uri`` ``http://127.0.0.1/callback`` (a "web" client: oidc-provider accepts plain
http loopback redirect URIs for web clients that do not use the implicit flow). Every client
allowed the authorization code grant also registers the ``post_logout_redirect_uri``
``http://127.0.0.1/logged-out`` (RP-initiated logout):

``basic_special`` -> ``basic:special%2Fid +&=~``
    client_secret_basic, authorization_code + refresh_token + client_credentials. Its id and
    secret hold ``:``, ``%``, space, ``+``, ``&``, ``=`` so that only a client that
    form-encodes both before base64 (RFC 6749 section 2.3.1) authenticates. They hold no
    non-ASCII character: RFC 6749 (appendix A) restricts both to VSCHAR (%x20-7E) and
    oidc-provider enforces that, for registration and when decoding the Basic header.
``basic`` -> ``basic-client``
    The same with an ordinary id and secret; also allowed the jwt-bearer grant (a client that
    authenticates on a jwt-bearer request).
``post`` -> ``post-client``
    client_secret_post, same grants.
``public`` -> ``public-client``
    ``token_endpoint_auth_method: none``, authorization_code + refresh_token, PKCE required.
``signed_userinfo`` -> ``signed-userinfo-client``
    client_secret_basic, authorization_code + refresh_token; registered with
    ``userinfo_signed_response_alg: RS256``, so its UserInfo responses are signed JWTs
    (``application/jwt``).
``short_lived`` -> ``short-lived-client``
    client_secret_basic, authorization_code + refresh_token + client_credentials; its access
    tokens (both kinds) live ``SHORT_ACCESS_TOKEN_TTL`` (2) seconds, for auto-refresh tests.
``secret_jwt`` -> ``secret-jwt-client``
    client_secret_jwt, HS256 (the secret is the HMAC key), same grants as ``basic``.
``pkjwt_rs256``, ``pkjwt_ps256``, ``pkjwt_es256``, ``pkjwt_ed25519`` -> ``pkjwt-<alg>``
    private_key_jwt, one client per key type; same grants as ``basic``. Each registers a
    one-key JWKS. The first three pin ``token_endpoint_auth_signing_alg``; the Ed25519 client
    pins none and its public JWK has no ``alg``, so the server takes both ``EdDSA`` and the
    fully-specified ``Ed25519`` (RFC 9864). Its ``alg`` attribute says ``Ed25519``.
``jwt_bearer_public`` -> ``jwt-bearer-client``
    Public client (auth ``none``) allowed only the jwt-bearer grant. oidc-provider insists on
    identifying a client on every token request, custom grants included, so the server names
    this client itself when a jwt-bearer request carries no client identification at all: a
    test may send the assertion alone (Google style), or send ``client_id=jwt-bearer-client``.
``device`` -> ``device-client``
    Public client (auth ``none``, send ``client_id``), device_code + refresh_token grants, no
    redirect URI.
``device_confidential``, ``device_post``, ``device_pkjwt`` -> ``device-confidential-client``,
``device-post-client``, ``device-pkjwt-client``
    The same grants with client_secret_basic, client_secret_post and private_key_jwt (ES256)
    authentication: the device authorization request authenticates the client like the token
    endpoint does (a private_key_jwt assertion may name the issuer as ``aud``).
``par_required`` -> ``par-required-client``
    client_secret_basic, authorization_code + refresh_token, registered with
    ``require_pushed_authorization_requests``: an authorization request without a PAR
    ``request_uri`` is answered (at the redirect_uri) ``invalid_request`` "Pushed
    Authorization Request must be used". A ``request_uri`` lives 60 s and is single-use.
``jar_required`` -> ``jar-required-client``
    private_key_jwt (its own ES256 key, also the request-object key), authorization_code +
    refresh_token, registered with ``require_signed_request_object`` and
    ``request_object_signing_alg: ES256``. Without a request object: ``invalid_request``
    "Request Object must be used by this client". What oidc-provider requires of a request
    object: signed ES256 with the client's key (``kid`` optional; ``typ`` is not checked, use
    ``oauth-authz-req+jwt``); ``iss`` = the client_id and ``aud`` = the issuer (else
    ``invalid_request_object`` "Request Object claims are invalid"); ``exp``, ``nbf``,
    ``iat`` and ``jti`` are optional but checked when present. Every authorization parameter
    must be a claim: the ones outside the object are ignored, except ``client_id``, which must
    be BOTH in the query (to find the client) and a claim (without the claim the request fails
    with a 400 page, no redirect). By reference through PAR: POST ``request=<JWT>`` (plus the
    client's authentication) to the PAR endpoint, whose ``client_id`` claim must be the
    authenticated client; then ``?client_id=...&request_uri=...``.
``dpop_required`` -> ``dpop-client``
    client_secret_basic, authorization_code + refresh_token + client_credentials, registered
    with ``dpop_bound_access_tokens``, and the one client that must put a server nonce in its
    DPoP proofs (``dpop_nonce_required``, a server policy). Token endpoint: no proof ->
    ``invalid_grant`` (400); a proof without nonce -> 400 ``use_dpop_nonce`` with a
    ``DPoP-Nonce`` header (no WWW-Authenticate); with the nonce -> ``token_type: DPoP``. At
    UserInfo, a proof without nonce for its token -> 401, ``WWW-Authenticate: DPoP realm=...,
    error="use_dpop_nonce", ..., algs="ES256 Ed25519 EdDSA"`` and ``DPoP-Nonce``. Other clients
    may use DPoP without nonces (while ``iat`` is within 300 s); every DPoP answer that did not
    use the current nonce offers one in ``DPoP-Nonce``. The nonce changes every 60 s and is
    accepted for a few minutes. Proofs: ES256, Ed25519 or EdDSA (not RSA). A DPoP-bound token
    presented as ``Bearer`` is ``invalid_token``.
``exchanger`` -> ``token-exchange-client``
    client_secret_basic, the token exchange grant (``TOKEN_EXCHANGE_GRANT``) and
    client_credentials (to get itself an actor token).

Resource indicators (RFC 8707): every client may ask for ``API_RESOURCE`` or
``OTHER_RESOURCE`` (exactly these strings; any other is ``invalid_target``) in authorization,
device authorization, token (code, refresh, device code, client credentials) requests. The
access token issued for a resource is a JWT (``typ: at+jwt``, RS256 from the provider's JWKS)
with ``aud`` = the resource and the scopes of ``RESOURCE_SCOPES`` it was granted. oidc-provider
does not store JWT access tokens: UserInfo answers 401 ``invalid_token`` and introspection 400
``unsupported_token_type`` to them. Without ``resource`` access tokens stay opaque as before.
A token request naming no resource, for a code (or refresh token, device code) granted with
one, gets an opaque UserInfo token when ``openid`` was granted, else a JWT for that resource;
a refresh request may name any resource of the grant, another one is ``invalid_target``.

The device authorization grant (RFC 8628): the answer carries ``device_code``, ``user_code``
(``XXXX-XXXX``), ``verification_uri`` (``<issuer>/device``), ``verification_uri_complete``,
``expires_in`` (600) and ``interval``. oidc-provider itself sends no ``interval`` and never
answers ``slow_down``; the server adds our polling policy (``oidc_provider/device_flow.mjs``,
``ProviderSetup.device_poll_interval``, ``DEVICE_POLL_INTERVAL`` = 1 s): ``interval`` in the
answer, and ``slow_down`` for a pending device code polled again within the interval.
:func:`approve_device` (and :func:`aapprove_device`) play the user.

The token exchange grant (RFC 8693) is our own handler in ``oidc_provider/token_exchange.mjs``
(see the comment at its top): subject and actor tokens must be opaque access tokens of this
provider (``ACCESS_TOKEN_TYPE``); the answer is an opaque access token whose introspection
shows ``sub`` (the subject token's user, else its jwt-bearer principal, else its client id),
``act: {"sub": ...}`` (the actor token's principal, when one was given) and ``aud`` (the
``audience`` or ``resource``, at most one).

The jwt-bearer grant (RFC 7523 section 2.1) is our own handler in
``oidc_provider/jwt_bearer.mjs``: it checks the assertion against :attr:`OidcProvider.
service_account` (issuer ``SERVICE_ACCOUNT_ISSUER``, RS256 and ES256 keys), and takes the
scope from the ``scope`` parameter or the assertion's ``scope`` claim.

The provider's signing keys (kids ``op-<alg>-<generation>``) can be rotated while it runs:
:meth:`OidcProvider.rotate_keys` calls the server's test-only admin route, which publishes a
new key per alg first in the JWKS (signing with it from then on) and keeps the old ones after
it; sessions, grants and tokens survive. RP-initiated logout is on, with a confirmation page
that a plain HTTP client can submit (:func:`follow_logout`).
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import json
import secrets
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urljoin, urlsplit

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from joserfc import jwt
from joserfc.jwk import ECKey, OKPKey, RSAKey

REDIRECT_URI = "http://127.0.0.1/callback"
POST_LOGOUT_REDIRECT_URI = "http://127.0.0.1/logged-out"
ADMIN_ROTATE_KEYS_PATH = "/__admin__/rotate-keys"
SHORT_ACCESS_TOKEN_TTL = 2
CLIENT_CREDENTIALS_SCOPES = ("api:read", "api:write")
SERVICE_ACCOUNT_ISSUER = "robot@service-accounts.authwire.test"
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
API_RESOURCE = "https://api.authwire.test/"
OTHER_RESOURCE = "https://other.authwire.test/"
RESOURCE_SCOPES = CLIENT_CREDENTIALS_SCOPES
DEVICE_POLL_INTERVAL = 1  # seconds; our polling policy (oidc-provider itself sends none)

_CODE_GRANTS = ("authorization_code", "refresh_token", "client_credentials")
_DEVICE_GRANTS = (DEVICE_CODE_GRANT, "refresh_token")

# ---------------------------------------------------------------------------------------------
# keys


@dataclass(frozen=True)
class KeyPair:
    """A freshly generated signing key, as PEM and as JWK."""

    alg: str
    kid: str
    private_key_pem: bytes
    public_key_pem: bytes
    private_jwk: dict[str, Any]
    public_jwk: dict[str, Any]

    def sign(self, claims: Mapping[str, Any], *, alg: str | None = None, **headers: Any) -> str:
        """A compact JWT of ``claims`` signed with this key (``alg`` defaults to the key's)."""
        alg = alg or self.alg
        jwk = {k: v for k, v in self.private_jwk.items() if k != "alg"}  # allow EdDSA too
        key = _JOSE_KEY_TYPES[jwk["kty"]].import_key(jwk)
        header = {"alg": alg, "kid": self.kid, **headers}
        return jwt.encode(header, dict(claims), key, algorithms=[alg])


_JOSE_KEY_TYPES: dict[str, Any] = {"RSA": RSAKey, "EC": ECKey, "OKP": OKPKey}


def generate_key(alg: str, *, public_alg: bool = True) -> KeyPair:
    """Generate a key for ``alg`` (RS256, PS256, ES256, Ed25519 or EdDSA).

    ``kid`` is the RFC 7638 thumbprint. With ``public_alg=False`` the public JWK carries no
    ``alg`` member (so a verifier does not tie the key to one algorithm name).
    """
    private: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
    if alg in ("RS256", "PS256"):
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif alg == "ES256":
        private = ec.generate_private_key(ec.SECP256R1())
    elif alg in ("Ed25519", "EdDSA"):
        private = ed25519.Ed25519PrivateKey.generate()
    else:
        raise ValueError(f"unsupported alg {alg!r}")
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    kty = {"RS": "RSA", "PS": "RSA", "ES": "EC"}.get(alg[:2], "OKP")
    jose_key = _JOSE_KEY_TYPES[kty].import_key(private_pem)
    kid = jose_key.thumbprint()
    common = {"kid": kid, "use": "sig"}
    public_jwk = {**jose_key.as_dict(private=False), **common}
    if public_alg:
        public_jwk["alg"] = alg
    return KeyPair(
        alg=alg,
        kid=kid,
        private_key_pem=private_pem,
        public_key_pem=public_pem,
        private_jwk={**jose_key.as_dict(private=True), **common, "alg": alg},
        public_jwk=public_jwk,
    )


# ---------------------------------------------------------------------------------------------
# the provider's cast


@dataclass(frozen=True)
class Account:
    """The one end-user; the interaction logs them in and grants everything asked for."""

    sub: str = "alice"
    claims: Mapping[str, Any] = field(
        default_factory=lambda: {
            "email": "alice@example.com",
            "email_verified": True,
            "name": "Alice Liddell",
            "given_name": "Alice",
            "family_name": "Liddell",
        }
    )


@dataclass(frozen=True)
class OidcClient:
    """A static client registered with the provider."""

    client_id: str
    token_endpoint_auth_method: str
    grant_types: tuple[str, ...]
    client_secret: str | None = None
    redirect_uri: str = REDIRECT_URI
    key: KeyPair | None = None
    token_endpoint_auth_signing_alg: str | None = None
    access_token_ttl: int | None = None
    post_logout_redirect_uri: str = POST_LOGOUT_REDIRECT_URI
    userinfo_signed_response_alg: str | None = None
    require_pushed_authorization_requests: bool = False
    require_signed_request_object: bool = False
    request_object_signing_alg: str | None = None
    dpop_bound_access_tokens: bool = False
    dpop_nonce_required: bool = False  # server policy (provider.mjs), not client metadata

    @property
    def alg(self) -> str | None:
        """The client-authentication signing alg (HS256 for client_secret_jwt)."""
        if self.key is not None:
            return self.key.alg
        return self.token_endpoint_auth_signing_alg

    @property
    def kid(self) -> str | None:
        return self.key.kid if self.key else None

    @property
    def private_key_pem(self) -> bytes | None:
        return self.key.private_key_pem if self.key else None

    @property
    def private_jwk(self) -> dict[str, Any] | None:
        return self.key.private_jwk if self.key else None

    @property
    def public_jwk(self) -> dict[str, Any] | None:
        return self.key.public_jwk if self.key else None

    @property
    def basic_auth(self) -> tuple[str, str]:
        """(id, secret) as RFC 6749 section 2.3.1 wants them before base64: form-encoded."""
        if self.client_secret is None:
            raise ValueError(f"{self.client_id!r} has no secret")
        return form_encode(self.client_id), form_encode(self.client_secret)

    def metadata(self) -> dict[str, Any]:
        """The client's registration, as oidc-provider takes it."""
        code = "authorization_code" in self.grant_types
        meta: dict[str, Any] = {
            "client_id": self.client_id,
            "token_endpoint_auth_method": self.token_endpoint_auth_method,
            "grant_types": list(self.grant_types),
            "response_types": ["code"] if code else [],
            "redirect_uris": [self.redirect_uri] if code else [],
        }
        if code:
            meta["post_logout_redirect_uris"] = [self.post_logout_redirect_uri]
        if self.userinfo_signed_response_alg is not None:
            meta["userinfo_signed_response_alg"] = self.userinfo_signed_response_alg
        if self.client_secret is not None:
            meta["client_secret"] = self.client_secret
        if self.key is not None:
            meta["jwks"] = {"keys": [self.key.public_jwk]}
        if self.token_endpoint_auth_signing_alg is not None:
            meta["token_endpoint_auth_signing_alg"] = self.token_endpoint_auth_signing_alg
        if self.require_pushed_authorization_requests:
            meta["require_pushed_authorization_requests"] = True
        if self.require_signed_request_object:
            meta["require_signed_request_object"] = True
        if self.request_object_signing_alg is not None:
            meta["request_object_signing_alg"] = self.request_object_signing_alg
        if self.dpop_bound_access_tokens:
            meta["dpop_bound_access_tokens"] = True
        return meta


@dataclass(frozen=True)
class ServiceAccount:
    """The issuer of jwt-bearer assertions and its keys (by alg: RS256, ES256)."""

    issuer: str
    keys: Mapping[str, KeyPair]
    scope: str = " ".join(CLIENT_CREDENTIALS_SCOPES)

    def assertion(
        self,
        audience: str | list[str],
        *,
        alg: str = "RS256",
        lifetime: int = 300,
        jti: str | None = "new",
        **claims: Any,
    ) -> str:
        """A signed assertion for the jwt-bearer grant (``jti="new"``: a fresh uuid)."""
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": self.issuer,
            "sub": self.issuer,
            "aud": audience,
            "iat": now,
            "exp": now + lifetime,
        }
        if jti is not None:
            payload["jti"] = uuid.uuid4().hex if jti == "new" else jti
        payload.update(claims)
        return self.keys[alg].sign(payload)

    def config(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "jwks": {"keys": [key.public_jwk for key in self.keys.values()]},
            "scope": self.scope,
        }


def form_encode(value: str) -> str:
    """application/x-www-form-urlencoded encoding of one value (space as ``+``)."""
    return quote_plus(value, safe="")


def _secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class ProviderSetup:
    """Everything made before the server starts: clients, keys, the account."""

    basic_special: OidcClient
    basic: OidcClient
    post: OidcClient
    public: OidcClient
    signed_userinfo: OidcClient
    short_lived: OidcClient
    secret_jwt: OidcClient
    pkjwt_rs256: OidcClient
    pkjwt_ps256: OidcClient
    pkjwt_es256: OidcClient
    pkjwt_ed25519: OidcClient
    jwt_bearer_public: OidcClient
    device: OidcClient
    device_confidential: OidcClient
    device_post: OidcClient
    device_pkjwt: OidcClient
    par_required: OidcClient
    jar_required: OidcClient
    dpop_required: OidcClient
    exchanger: OidcClient
    service_account: ServiceAccount
    account: Account
    admin_token: str
    dpop_nonce_secret: str  # 32 random bytes, base64url: the key of the DPoP-Nonce values
    device_poll_interval: int | None  # our device polling policy; None: oidc-provider's own

    @classmethod
    def generate(cls) -> ProviderSetup:
        def pkjwt(alg: str, *, pin_alg: bool = True) -> OidcClient:
            return OidcClient(
                client_id=f"pkjwt-{alg.lower()}",
                token_endpoint_auth_method="private_key_jwt",
                grant_types=_CODE_GRANTS,
                key=generate_key(alg, public_alg=pin_alg),
                token_endpoint_auth_signing_alg=alg if pin_alg else None,
            )

        return cls(
            basic_special=OidcClient(
                client_id="basic:special%2Fid +&=~",
                client_secret=f"s3cret:with%25pct +&=~{_secret()}",
                token_endpoint_auth_method="client_secret_basic",
                grant_types=_CODE_GRANTS,
            ),
            basic=OidcClient(
                client_id="basic-client",
                client_secret=_secret(),
                token_endpoint_auth_method="client_secret_basic",
                grant_types=(*_CODE_GRANTS, JWT_BEARER_GRANT),
            ),
            post=OidcClient(
                client_id="post-client",
                client_secret=_secret(),
                token_endpoint_auth_method="client_secret_post",
                grant_types=_CODE_GRANTS,
            ),
            public=OidcClient(
                client_id="public-client",
                token_endpoint_auth_method="none",
                grant_types=("authorization_code", "refresh_token"),
            ),
            signed_userinfo=OidcClient(
                client_id="signed-userinfo-client",
                client_secret=_secret(),
                token_endpoint_auth_method="client_secret_basic",
                grant_types=("authorization_code", "refresh_token"),
                userinfo_signed_response_alg="RS256",
            ),
            short_lived=OidcClient(
                client_id="short-lived-client",
                client_secret=_secret(),
                token_endpoint_auth_method="client_secret_basic",
                grant_types=_CODE_GRANTS,
                access_token_ttl=SHORT_ACCESS_TOKEN_TTL,
            ),
            secret_jwt=OidcClient(
                client_id="secret-jwt-client",
                client_secret=_secret(),
                token_endpoint_auth_method="client_secret_jwt",
                grant_types=_CODE_GRANTS,
                token_endpoint_auth_signing_alg="HS256",
            ),
            pkjwt_rs256=pkjwt("RS256"),
            pkjwt_ps256=pkjwt("PS256"),
            pkjwt_es256=pkjwt("ES256"),
            pkjwt_ed25519=pkjwt("Ed25519", pin_alg=False),
            jwt_bearer_public=OidcClient(
                client_id="jwt-bearer-client",
                token_endpoint_auth_method="none",
                grant_types=(JWT_BEARER_GRANT,),
            ),
            device=OidcClient(
                client_id="device-client",
                token_endpoint_auth_method="none",
                grant_types=_DEVICE_GRANTS,
            ),
            device_confidential=OidcClient(
                client_id="device-confidential-client",
                client_secret=_secret(),
                token_endpoint_auth_method="client_secret_basic",
                grant_types=_DEVICE_GRANTS,
            ),
            device_post=OidcClient(
                client_id="device-post-client",
                client_secret=_secret(),
                token_endpoint_auth_method="client_secret_post",
                grant_types=_DEVICE_GRANTS,
            ),
            device_pkjwt=OidcClient(
                client_id="device-pkjwt-client",
                token_endpoint_auth_method="private_key_jwt",
                grant_types=_DEVICE_GRANTS,
                key=generate_key("ES256"),
                token_endpoint_auth_signing_alg="ES256",
            ),
            par_required=OidcClient(
                client_id="par-required-client",
                client_secret=_secret(),
                token_endpoint_auth_method="client_secret_basic",
                grant_types=("authorization_code", "refresh_token"),
                require_pushed_authorization_requests=True,
            ),
            jar_required=OidcClient(
                client_id="jar-required-client",
                token_endpoint_auth_method="private_key_jwt",
                grant_types=("authorization_code", "refresh_token"),
                key=generate_key("ES256"),
                token_endpoint_auth_signing_alg="ES256",
                require_signed_request_object=True,
                request_object_signing_alg="ES256",
            ),
            dpop_required=OidcClient(
                client_id="dpop-client",
                client_secret=_secret(),
                token_endpoint_auth_method="client_secret_basic",
                grant_types=_CODE_GRANTS,
                dpop_bound_access_tokens=True,
                dpop_nonce_required=True,
            ),
            exchanger=OidcClient(
                client_id="token-exchange-client",
                client_secret=_secret(),
                token_endpoint_auth_method="client_secret_basic",
                grant_types=(TOKEN_EXCHANGE_GRANT, "client_credentials"),
            ),
            service_account=ServiceAccount(
                issuer=SERVICE_ACCOUNT_ISSUER,
                keys={alg: generate_key(alg) for alg in ("RS256", "ES256")},
            ),
            account=Account(),
            admin_token=_secret(),
            dpop_nonce_secret=base64.urlsafe_b64encode(secrets.token_bytes(32))
            .rstrip(b"=")
            .decode("ascii"),
            device_poll_interval=DEVICE_POLL_INTERVAL,
        )

    @property
    def clients(self) -> dict[str, OidcClient]:
        """Every client by attribute name."""
        return {
            f.name: value
            for f in dataclasses.fields(self)
            if isinstance(value := getattr(self, f.name), OidcClient)
        }

    def config(self) -> dict[str, Any]:
        """The JSON config that ``server.mjs --config`` reads."""
        clients = self.clients.values()
        return {
            "account": {"sub": self.account.sub, "claims": dict(self.account.claims)},
            "clients": [client.metadata() for client in clients],
            "scopes": list(CLIENT_CREDENTIALS_SCOPES),
            "accessTokenTtl": {
                c.client_id: c.access_token_ttl for c in clients if c.access_token_ttl is not None
            },
            "jwtBearer": {
                "clientId": self.jwt_bearer_public.client_id,
                "serviceAccounts": [self.service_account.config()],
            },
            "dpop": {
                "nonceSecret": self.dpop_nonce_secret,
                "nonceRequiredFor": [c.client_id for c in clients if c.dpop_nonce_required],
            },
            "resourceServers": {
                resource: {"scope": " ".join(RESOURCE_SCOPES)}
                for resource in (API_RESOURCE, OTHER_RESOURCE)
            },
            "deviceFlow": (
                None
                if self.device_poll_interval is None
                else {"interval": self.device_poll_interval}
            ),
            "adminToken": self.admin_token,
        }


@dataclass(frozen=True)
class OidcProvider(ProviderSetup):
    """The running provider: its endpoints (from discovery) plus every client and key."""

    issuer: str = ""
    port: int = 0
    discovery: Mapping[str, Any] = field(default_factory=dict)
    log_path: Path | None = None

    @classmethod
    def running(
        cls,
        setup: ProviderSetup,
        *,
        port: int,
        discovery: Mapping[str, Any],
        log_path: Path | None = None,
    ) -> OidcProvider:
        fields = {f.name: getattr(setup, f.name) for f in dataclasses.fields(setup)}
        return cls(
            **fields, issuer=discovery["issuer"], port=port, discovery=discovery, log_path=log_path
        )

    def server_log(self) -> str:
        """What the server wrote on stderr so far (warnings and one line per OAuth error)."""
        if self.log_path is None:
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def authorization_endpoint(self) -> str:
        return str(self.discovery["authorization_endpoint"])

    @property
    def token_endpoint(self) -> str:
        return str(self.discovery["token_endpoint"])

    @property
    def introspection_endpoint(self) -> str:
        return str(self.discovery["introspection_endpoint"])

    @property
    def revocation_endpoint(self) -> str:
        return str(self.discovery["revocation_endpoint"])

    @property
    def userinfo_endpoint(self) -> str:
        return str(self.discovery["userinfo_endpoint"])

    @property
    def jwks_uri(self) -> str:
        return str(self.discovery["jwks_uri"])

    @property
    def pushed_authorization_request_endpoint(self) -> str:
        return str(self.discovery["pushed_authorization_request_endpoint"])

    @property
    def end_session_endpoint(self) -> str:
        return str(self.discovery["end_session_endpoint"])

    @property
    def device_authorization_endpoint(self) -> str:
        return str(self.discovery["device_authorization_endpoint"])

    def rotate_keys(self, *, timeout: float = 10.0) -> dict[str, str]:
        """Rotate the provider's signing keys now; returns the new ``kid`` by alg.

        From now on the provider signs with the new keys (published first in its JWKS); the
        previous keys stay published after them. Sessions, grants and tokens survive.
        """
        with httpx.Client(timeout=timeout, trust_env=False) as http:
            response = http.post(
                f"{self.issuer}{ADMIN_ROTATE_KEYS_PATH}",
                headers={"Authorization": f"Bearer {self.admin_token}"},
            )
        if response.status_code != 200:
            raise AssertionError(f"key rotation failed: {response.status_code} {response.text}")
        kids: dict[str, str] = response.json()["kids"]
        return kids

    @property
    def private_key_jwt_clients(self) -> dict[str, OidcClient]:
        """The private_key_jwt clients by alg: RS256, PS256, ES256, Ed25519."""
        clients = (self.pkjwt_rs256, self.pkjwt_ps256, self.pkjwt_es256, self.pkjwt_ed25519)
        return {str(c.alg): c for c in clients}


# ---------------------------------------------------------------------------------------------
# running the provider

OIDC_PROVIDER_DIR = Path(__file__).parent / "oidc_provider"
NPM_CI = "npm ci --prefix tests/interop/oidc_provider"

START_TIMEOUT = 20.0  # seconds until the discovery document must answer
POLL_INTERVAL = 0.1
STOP_TIMEOUT = 5.0
PORT_ATTEMPTS = 3  # a port taken between picking and binding it, or a slow start


class ProviderError(RuntimeError):
    """The provider could not start, or died while it was in use; the message says why."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_TIMEOUT)


@dataclass
class _Started:
    process: subprocess.Popen[bytes]
    port: int
    discovery: dict[str, Any]


@dataclass
class _Failed:
    reason: str
    retry: bool  # a port taken meanwhile, or a start slower than START_TIMEOUT (a busy machine)


def _start(node: str, config: Path, workdir: Path, attempt: int) -> _Started | _Failed:
    """Start the server; return it once discovery answers, or the reason it could not."""
    port = _free_port()
    stdout = workdir / f"stdout-{attempt}.log"
    stderr = workdir / f"stderr-{attempt}.log"
    command = [node, "server.mjs", "--port", str(port), "--config", str(config)]
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(  # the command is ours, with no shell
            command, cwd=OIDC_PROVIDER_DIR, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
    url = f"http://127.0.0.1:{port}/.well-known/openid-configuration"
    deadline = time.monotonic() + START_TIMEOUT
    max_polls = int(START_TIMEOUT / POLL_INTERVAL) + 1
    try:
        with httpx.Client(timeout=1.0, trust_env=False) as client:
            for _ in range(max_polls):
                if process.poll() is not None:
                    reason = (
                        f"`node server.mjs` exited with status {process.returncode} before "
                        f"answering.\nstderr:\n{_read(stderr)}"
                    )
                    return _Failed(reason, retry="EADDRINUSE" in reason)
                with contextlib.suppress(httpx.TransportError):
                    response = client.get(url)
                    if response.status_code == 200:
                        return _Started(process, port, response.json())
                if time.monotonic() >= deadline:
                    break
                time.sleep(POLL_INTERVAL)
    except BaseException:  # e.g. Ctrl-C while waiting: never leave node running
        _stop(process)
        raise
    _stop(process)
    reason = (
        f"`node server.mjs` did not answer {url} within {START_TIMEOUT:.0f} s.\n"
        f"stdout:\n{_read(stdout)}\nstderr:\n{_read(stderr)}"
    )
    return _Failed(reason, retry=True)


@contextlib.contextmanager
def run_provider(setup: ProviderSetup, workdir: Path) -> Iterator[OidcProvider]:
    """Run panva's oidc-provider on 127.0.0.1 (a free port) for ``setup`` until the block ends.

    ``workdir`` (an existing directory) receives the config file and the server's logs. Raises
    :class:`ProviderError` when ``node`` or the npm packages are missing, when the server does
    not answer in time, or (when the block ends without an exception) when it died meanwhile.
    The server is stopped in every case: SIGTERM, then SIGKILL after ``STOP_TIMEOUT``.
    """
    if not (OIDC_PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        missing = OIDC_PROVIDER_DIR / "node_modules"
        raise ProviderError(f"{missing} is missing: run `{NPM_CI}` first")
    node = shutil.which("node")
    if node is None:
        raise ProviderError("`node` (Node.js) is not on PATH; the interop provider needs it")

    config = workdir / "config.json"
    config.write_text(json.dumps(setup.config(), indent=2), encoding="utf-8")

    started: _Started | _Failed = _Failed("not started", retry=True)
    attempt = 0
    for attempt in range(PORT_ATTEMPTS):
        started = _start(node, config, workdir, attempt)
        if isinstance(started, _Started) or not started.retry:
            break
    if not isinstance(started, _Started):
        raise ProviderError(started.reason)

    stderr = workdir / f"stderr-{attempt}.log"
    provider = OidcProvider.running(
        setup, port=started.port, discovery=started.discovery, log_path=stderr
    )
    try:
        yield provider
    finally:
        died = started.process.poll()
        _stop(started.process)
    if died is not None:
        raise ProviderError(
            f"`node server.mjs` died during the tests (status {died}).\nstderr:\n{_read(stderr)}"
        )


# ---------------------------------------------------------------------------------------------
# the user agent


def pkce_pair() -> tuple[str, str]:
    """A fresh (code_verifier, S256 code_challenge)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class AuthorizationWalkError(AssertionError):
    """The walk from the authorization URL did not reach the client's redirect_uri."""


_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def _next_hop(current: str, response: httpx.Response) -> str | None:
    """The next URL to request at the provider, or None when ``response`` leaves it."""
    if response.status_code not in _REDIRECTS:
        raise AuthorizationWalkError(
            f"GET {current} answered {response.status_code}, not a redirect: {response.text[:500]}"
        )
    location = urljoin(current, response.headers["location"])
    here, there = urlsplit(current), urlsplit(location)
    if (here.scheme, here.netloc) != (there.scheme, there.netloc):
        return None
    return location


def browser(*, timeout: float = 10.0) -> httpx.Client:
    """A user agent that keeps the provider's cookies between walks (its login session)."""
    return httpx.Client(follow_redirects=False, timeout=timeout, trust_env=False)


def abrowser(*, timeout: float = 10.0) -> httpx.AsyncClient:
    """The async twin of :func:`browser`."""
    return httpx.AsyncClient(follow_redirects=False, timeout=timeout, trust_env=False)


def follow_authorization(
    url: str, *, max_hops: int = 10, timeout: float = 10.0, agent: httpx.Client | None = None
) -> str:
    """Walk from an authorization URL through login and consent, as a browser would.

    Requests every redirect that stays at the provider (cookies kept) and returns the first
    one that leaves it: the client's redirect_uri with ``code``, ``state`` and ``iss`` (or
    ``error``), which is NOT requested. Raises :class:`AuthorizationWalkError` on a non-redirect
    answer or after ``max_hops`` requests. ``agent`` (see :func:`browser`) keeps the login
    session for a later walk; by default each walk starts without cookies.
    """
    if agent is None:
        with browser(timeout=timeout) as fresh:
            return follow_authorization(url, max_hops=max_hops, agent=fresh)
    current = url
    for _ in range(max_hops):
        response = agent.get(current)
        nxt = _next_hop(current, response)
        if nxt is None:
            return urljoin(current, response.headers["location"])
        current = nxt
    raise AuthorizationWalkError(f"no redirect to the client after {max_hops} requests")


async def afollow_authorization(
    url: str, *, max_hops: int = 10, agent: httpx.AsyncClient | None = None
) -> str:
    """The async twin of :func:`follow_authorization` (each request times out after 10 s)."""
    if agent is None:
        async with abrowser() as fresh:
            return await afollow_authorization(url, max_hops=max_hops, agent=fresh)
    current = url
    for _ in range(max_hops):
        response = await agent.get(current)
        nxt = _next_hop(current, response)
        if nxt is None:
            return urljoin(current, response.headers["location"])
        current = nxt
    raise AuthorizationWalkError(f"no redirect to the client after {max_hops} requests")


class _FormReader(HTMLParser):
    """The first form of a page: its action, method, inputs and named submit buttons.

    Also the page's ``data-outcome`` and ``data-error`` markers (the device-flow pages of
    ``oidc_provider/device_flow.mjs`` carry them on ``<body>``).
    """

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.method = "get"
        self.fields: dict[str, str] = {}
        self.buttons: dict[str, str] = {}
        self.outcome: str | None = None
        self.error: str | None = None
        self._inside = False
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if self.outcome is None and "data-outcome" in values:
            self.outcome = values["data-outcome"]
            self.error = values.get("data-error")
        if tag == "form" and self.action is None:
            self.action = values.get("action", "")
            self.method = values.get("method", "get").lower()
            self._inside = True
        elif tag == "input" and self._inside and not self._done and "name" in values:
            self.fields[values["name"]] = values.get("value", "")
        elif tag == "button" and self._inside and not self._done and "name" in values:
            self.buttons[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._inside:
            self._inside = False
            self._done = True


def _logout_form(current: str, response: httpx.Response) -> tuple[str, dict[str, str]]:
    if response.status_code != 200 or "html" not in response.headers.get("content-type", ""):
        raise AuthorizationWalkError(
            f"GET {current} answered {response.status_code}, not the logout page: "
            f"{response.text[:500]}"
        )
    reader = _FormReader()
    reader.feed(response.text)
    if not reader.action or reader.method != "post":
        raise AuthorizationWalkError(f"no POST form on the logout page: {response.text[:500]}")
    return urljoin(current, reader.action), reader.fields


def _logged_out_at(action: str, response: httpx.Response) -> str:
    if response.status_code not in _REDIRECTS:
        raise AuthorizationWalkError(
            f"POST {action} answered {response.status_code}, not a redirect: {response.text[:500]}"
        )
    return urljoin(action, response.headers["location"])


def follow_logout(url: str, *, timeout: float = 10.0, agent: httpx.Client | None = None) -> str:
    """Follow an RP-initiated logout URL as a browser would; return where it sends the user.

    GETs the URL, submits the confirmation form the provider answers with (it asks to end the
    whole session), and returns the redirect that follows: the ``post_logout_redirect_uri``
    with ``state``, or the provider's own success page. Pass the ``agent`` that signed in to
    end its session.
    """
    if agent is None:
        with browser(timeout=timeout) as fresh:
            return follow_logout(url, agent=fresh)
    action, fields = _logout_form(url, agent.get(url))
    return _logged_out_at(action, agent.post(action, data=fields))


async def afollow_logout(url: str, *, agent: httpx.AsyncClient | None = None) -> str:
    """The async twin of :func:`follow_logout`."""
    if agent is None:
        async with abrowser() as fresh:
            return await afollow_logout(url, agent=fresh)
    action, fields = _logout_form(url, await agent.get(url))
    return _logged_out_at(action, await agent.post(action, data=fields))


# ---------------------------------------------------------------------------------------------
# the device flow's user (RFC 8628)

_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_DEVICE_MAX_HOPS = 12


@dataclass
class _DeviceUser:
    """The scripted user of the device flow: from each answer, the next request (or the end).

    Requests are ``(method, url, form or None)``; the end is the final page's HTML.
    """

    user_code: str | None
    deny: bool
    code_sent: bool = False

    def start(self, url: str) -> tuple[str, str, dict[str, str] | None]:
        if urlsplit(url).hostname not in _LOOPBACK_HOSTS:
            raise ValueError(f"the device flow user only visits loopback URLs, not {url!r}")
        return "GET", url, None

    def next(
        self, url: str, response: httpx.Response
    ) -> tuple[str, str, dict[str, str] | None] | str:
        if response.status_code in _REDIRECTS:
            location = urljoin(url, response.headers["location"])
            here, there = urlsplit(url), urlsplit(location)
            if (here.scheme, here.netloc) != (there.scheme, there.netloc):
                raise AuthorizationWalkError(f"{url} redirected away from the provider: {location}")
            return "GET", location, None
        page = _FormReader()
        page.feed(response.text)
        action = urljoin(url, page.action or "")
        where = f"{response.request.method} {url} answered {response.status_code}"
        if page.outcome == "success" and not self.deny:
            return response.text
        if page.outcome == "error" and self.deny and page.error == "AbortedError":
            return response.text
        if page.outcome == "enter-code" and not self.code_sent:
            if self.user_code is None:
                raise AuthorizationWalkError(f"{where}: it asks for a user code; pass user_code")
            self.code_sent = True
            return "POST", action, {**page.fields, "user_code": self.user_code}
        if page.outcome == "confirm":
            button = "abort" if self.deny else "confirm"
            return "POST", action, {**page.fields, button: page.buttons[button]}
        if page.outcome is None and page.method == "post" and "user_code" in page.fields:
            self.code_sent = True  # verification_uri_complete: a self-submitting form
            return "POST", action, page.fields
        raise AuthorizationWalkError(
            f"{where}, a page the device flow user did not expect (outcome {page.outcome!r}, "
            f"error {page.error!r}): {response.text[:500]}"
        )


def approve_device(
    verification_uri_or_complete: str,
    user_code: str | None = None,
    *,
    deny: bool = False,
    agent: httpx.Client | None = None,
    max_hops: int = _DEVICE_MAX_HOPS,
    timeout: float = 10.0,
) -> str:
    """Play the user of the device flow (RFC 8628 section 3.3) in a plain HTTP client.

    Opens ``verification_uri`` and submits ``user_code`` in its form, or opens
    ``verification_uri_complete`` (its self-submitting form carries the code); then, on the
    confirmation page, chooses Continue (or Abort with ``deny=True``), goes through the
    automatic login and consent and returns the final page's HTML: the success page, or with
    ``deny=True`` the "aborted" page (the device then gets ``access_denied``). Raises
    :class:`AuthorizationWalkError` on any other page (wrong, expired or used code, ...) or
    after ``max_hops`` requests; only loopback URLs and same-origin redirects are followed.
    ``agent`` (see :func:`browser`) keeps a login session; by default each call starts fresh.
    """
    if agent is None:
        with browser(timeout=timeout) as fresh:
            return approve_device(
                verification_uri_or_complete, user_code, deny=deny, agent=fresh, max_hops=max_hops
            )
    user = _DeviceUser(user_code, deny)
    method, url, form = user.start(verification_uri_or_complete)
    for _ in range(max_hops):
        step = user.next(url, agent.request(method, url, data=form))
        if isinstance(step, str):
            return step
        method, url, form = step
    raise AuthorizationWalkError(f"the device flow did not end after {max_hops} requests")


async def aapprove_device(
    verification_uri_or_complete: str,
    user_code: str | None = None,
    *,
    deny: bool = False,
    agent: httpx.AsyncClient | None = None,
    max_hops: int = _DEVICE_MAX_HOPS,
) -> str:
    """The async twin of :func:`approve_device` (each request times out after 10 s)."""
    if agent is None:
        async with abrowser() as fresh:
            return await aapprove_device(
                verification_uri_or_complete, user_code, deny=deny, agent=fresh, max_hops=max_hops
            )
    user = _DeviceUser(user_code, deny)
    method, url, form = user.start(verification_uri_or_complete)
    for _ in range(max_hops):
        step = user.next(url, await agent.request(method, url, data=form))
        if isinstance(step, str):
            return step
        method, url, form = step
    raise AuthorizationWalkError(f"the device flow did not end after {max_hops} requests")


__all__ = [
    "ACCESS_TOKEN_TYPE",
    "ADMIN_ROTATE_KEYS_PATH",
    "API_RESOURCE",
    "CLIENT_CREDENTIALS_SCOPES",
    "DEVICE_CODE_GRANT",
    "DEVICE_POLL_INTERVAL",
    "JWT_BEARER_GRANT",
    "NPM_CI",
    "OIDC_PROVIDER_DIR",
    "OTHER_RESOURCE",
    "POST_LOGOUT_REDIRECT_URI",
    "REDIRECT_URI",
    "RESOURCE_SCOPES",
    "SERVICE_ACCOUNT_ISSUER",
    "SHORT_ACCESS_TOKEN_TTL",
    "TOKEN_EXCHANGE_GRANT",
    "Account",
    "AuthorizationWalkError",
    "KeyPair",
    "OidcClient",
    "OidcProvider",
    "ProviderError",
    "ProviderSetup",
    "ServiceAccount",
    "aapprove_device",
    "abrowser",
    "afollow_authorization",
    "afollow_logout",
    "approve_device",
    "browser",
    "follow_authorization",
    "follow_logout",
    "form_encode",
    "generate_key",
    "pkce_pair",
    "run_provider",
]
