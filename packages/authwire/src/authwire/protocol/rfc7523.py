"""The JWT profile for OAuth 2.0 client authentication and authorization grants, sans-IO.

One signed JWT, two uses (RFC 7523):

* client authentication at the token endpoint: ``client_secret_jwt`` (an HMAC keyed with
  the client secret) and ``private_key_jwt`` (a signature with the client's private key),
  sent as ``client_assertion`` in the form body (RFC 7523 §2.2, RFC 7521 §4.2);
* the JWT-bearer authorization grant, where a signed assertion is exchanged for an access
  token, as a "service account" does (RFC 7523 §2.1).

Both sign through [`JWTAssertion`][authwire.rfc7523.JWTAssertion]. It imports the key once,
settles ``alg`` once (and refuses a key that cannot sign with it), and builds the JWS header
once; each assertion then costs a claims dict, a random ``jti`` and one joserfc signature.

Keys may be PEM (``str`` or ``bytes``, optionally encrypted), a JWK ``dict``, a joserfc key
or a ``cryptography`` private key. ``alg`` is inferred from the key when not given:

=====================  =========
key                    ``alg``
=====================  =========
RSA                    ``RS256``
EC P-256               ``ES256``
EC P-384               ``ES384``
EC P-521               ``ES512``
EC secp256k1           ``ES256K``
OKP Ed25519 / Ed448    ``EdDSA``
oct (shared secret)    ``HS256``
=====================  =========

A JWK's own ``alg`` member is used before inference. ``EdDSA`` is inferred rather than the
fully-specified ``Ed25519`` of RFC 9864 because servers deployed today accept it; pass
``alg="Ed25519"`` where the server knows the new name.
"""

from __future__ import annotations

import enum
import json
import secrets
import time
from collections.abc import Hashable, Mapping
from typing import Any, ClassVar
from urllib.parse import quote_plus

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_private_key,
    load_ssh_private_key,
)
from joserfc import jwt
from joserfc.errors import JoseError, UnsupportedAlgorithmError
from joserfc.jwa import JWSAlgModel
from joserfc.jwk import ECKey, JWKRegistry, OctKey, OKPKey, RSAKey
from joserfc.jws import JWSRegistry
from joserfc.util import urlsafe_b64encode

from .._clock import Clock, system_clock
from . import _json
from .client_auth import ClientCredentials, Headers, add_form_params, require_client_id

__all__ = [
    "CLIENT_SECRET_JWT",
    "JWT_BEARER_CLIENT_ASSERTION_TYPE",
    "JWT_BEARER_GRANT_TYPE",
    "PRIVATE_KEY_JWT",
    "Audience",
    "ClientSecretJWT",
    "JWTAssertion",
    "PrivateKeyJWT",
]

CLIENT_SECRET_JWT = "client_secret_jwt"
"""The ``token_endpoint_auth_method`` of [`ClientSecretJWT`][authwire.rfc7523.ClientSecretJWT].
OpenID Connect Core §9."""
PRIVATE_KEY_JWT = "private_key_jwt"
"""The ``token_endpoint_auth_method`` of [`PrivateKeyJWT`][authwire.rfc7523.PrivateKeyJWT].
OpenID Connect Core §9."""
JWT_BEARER_CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
"""The ``client_assertion_type`` sent beside a client assertion. RFC 7523 §2.2."""
JWT_BEARER_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
"""The ``grant_type`` that trades a signed assertion for an access token. RFC 7523 §2.1."""

SigningKey = OctKey | RSAKey | ECKey | OKPKey
KeyInput = str | bytes | Mapping[str, Any] | SigningKey | PrivateKeyTypes

_ALG_FOR_CURVE = {
    "P-256": "ES256",
    "P-384": "ES384",
    "P-521": "ES512",
    "secp256k1": "ES256K",
    "Ed25519": "EdDSA",
    "Ed448": "EdDSA",
}
_SUPPORTED_EC_CURVES = frozenset({"secp256r1", "secp384r1", "secp521r1", "secp256k1"})
_SIGNING_ALGS = frozenset(name for name in JWSRegistry.algorithms if name != "none")
# Set on every assertion, so a fixed value in a method's `claims` would defeat them.
_PER_ASSERTION_CLAIMS = frozenset({"jti", "iat", "exp"})
_JTI_BYTES = 16  # 128 random bits, 22 characters
_PROBE_CLAIMS = {"iss": "authwire", "aud": "authwire", "iat": 0, "exp": 1, "jti": "probe"}
_CACHE_SIZE = 8
#: The form parameters client authentication by assertion sets. RFC 7523 §2.2.
_ASSERTION_PARAMS = frozenset({"client_id", "client_assertion_type", "client_assertion"})
_ENCODED_ASSERTION_TYPE = quote_plus(JWT_BEARER_CLIENT_ASSERTION_TYPE)


class _OneAlgorithm(JWSRegistry):
    """A JWS registry that allows exactly one algorithm, resolved in advance.

    Resolving the model once skips a lookup on every signature, and skips joserfc's
    deprecation warning for ``EdDSA``, which is inferred on purpose (see the module notes).
    """

    def __init__(self, model: JWSAlgModel) -> None:
        super().__init__(algorithms=[model.name], strict_check_header=False)
        self._model = model

    def get_alg(self, name: str) -> JWSAlgModel:
        if name != self._model.name:
            raise UnsupportedAlgorithmError(f"Algorithm of '{name}' is not allowed")
        return self._model


def _describe(key: SigningKey) -> str:
    """A secret-free description of a key for error messages: ``"an EC P-384 key"``."""
    if isinstance(key, ECKey | OKPKey):
        try:
            curve = key.curve_name
        except (KeyError, ValueError):
            curve = "unknown-curve"
        return f"an {key.key_type} {curve} key"
    return f"an {key.key_type} key"


def _load_pem(data: bytes, password: bytes | None) -> PrivateKeyTypes:
    if b"PRIVATE KEY" not in data and (b"PUBLIC KEY" in data or b"CERTIFICATE" in data):
        raise ValueError("key is a public key or certificate; signing needs the private key")
    try:
        if b"OPENSSH PRIVATE KEY" in data:
            return load_ssh_private_key(data, password)
        return load_pem_private_key(data, password)
    except TypeError:
        if password is None:
            raise ValueError("the PEM private key is encrypted: pass password=") from None
        raise ValueError("password= was given but the PEM private key is not encrypted") from None
    except UnsupportedAlgorithm:
        raise ValueError("the PEM private key is of an unsupported type") from None
    except ValueError:
        raise ValueError(
            "could not load the PEM private key: it is malformed or the password is wrong"
        ) from None


def _wrap_native(native: object) -> SigningKey:
    if isinstance(native, rsa.RSAPrivateKey):
        return RSAKey.import_key(native)
    if isinstance(native, ec.EllipticCurvePrivateKey):
        if native.curve.name not in _SUPPORTED_EC_CURVES:
            raise ValueError(f"EC curve {native.curve.name} is not supported for JWS")
        return ECKey.import_key(native)
    if isinstance(native, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
        return OKPKey.import_key(native)
    if isinstance(
        native,
        rsa.RSAPublicKey
        | ec.EllipticCurvePublicKey
        | ed25519.Ed25519PublicKey
        | ed448.Ed448PublicKey,
    ):
        raise ValueError("key is a public key; signing needs the private key")
    raise ValueError(f"key of type {type(native).__name__} cannot sign a JWT")


def _from_jwk(data: Mapping[str, Any]) -> SigningKey:
    try:
        key = JWKRegistry.import_key(dict(data))
    except (JoseError, ValueError, TypeError, KeyError):
        # joserfc's message may quote a member; ours never quotes key material.
        raise ValueError("key is not a valid JWK (check 'kty' and its required members)") from None
    if not isinstance(key, SigningKey):  # pragma: no cover - joserfc returns one of these
        raise ValueError("key is not a signing JWK")
    return key


def _import_key(
    key: object, password: str | bytes | None, *, raw_secret_alg: str | None = None
) -> SigningKey:
    """Turn any accepted key form into a joserfc private key, checking it can sign.

    ``raw_secret_alg``: when it names an HMAC alg, a ``str``/``bytes`` key that is neither
    PEM nor a JSON JWK is taken as the shared secret itself.
    """
    if password is not None and not isinstance(key, str | bytes):
        raise ValueError("password= applies only to a PEM key")
    imported: SigningKey
    if isinstance(key, SigningKey):
        imported = key
    elif isinstance(key, Mapping):
        imported = _from_jwk(key)
    elif isinstance(key, str | bytes):
        data = key.encode("utf-8") if isinstance(key, str) else key
        if not data.strip():
            raise ValueError("key is empty")
        if b"-----BEGIN " in data:
            pw = password.encode("utf-8") if isinstance(password, str) else password
            imported = _wrap_native(_load_pem(data, pw))
        elif data.lstrip().startswith(b"{"):
            try:
                parsed = _json.loads(data)
            except ValueError:  # also nested too deeply (RecursionError), NaN/Infinity
                raise ValueError("key looks like JSON but is not a valid JWK") from None
            if not isinstance(parsed, dict):
                raise ValueError("key looks like JSON but is not a JWK object")
            imported = _from_jwk(parsed)
        elif raw_secret_alg is not None and raw_secret_alg.startswith("HS"):
            imported = OctKey.import_key(data)
        else:
            raise ValueError(
                "key is neither PEM nor a JWK; for an HMAC secret pass alg='HS256' "
                "(or use client_secret_jwt)"
            )
    else:
        imported = _wrap_native(key)
    if not imported.is_private:
        raise ValueError(f"key is {_describe(imported)} without its private part; signing needs it")
    use = imported.get("use")
    if use is not None and use != "sig":
        raise ValueError(f"key has use={use!r}; signing needs a key with use='sig' or none")
    return imported


def _resolve_alg(key: SigningKey, alg: str | None) -> JWSAlgModel:
    """The algorithm to sign with: given, else the JWK's ``alg``, else from the key type."""
    if alg is None:
        jwk_alg = key.get("alg")
        alg = jwk_alg if isinstance(jwk_alg, str) else None
    if alg is None:
        if isinstance(key, RSAKey):
            alg = "RS256"
        elif isinstance(key, OctKey):
            alg = "HS256"
        else:
            try:
                alg = _ALG_FOR_CURVE.get(key.curve_name)
            except (KeyError, ValueError):
                alg = None
            if alg is None:
                raise ValueError(f"cannot infer alg from {_describe(key)}; pass alg=")
    if not isinstance(alg, str) or alg not in _SIGNING_ALGS:
        allowed = ", ".join(sorted(_SIGNING_ALGS))
        raise ValueError(f"alg {alg!r} is unknown or cannot sign; expected one of {allowed}")
    model = JWSRegistry.algorithms[alg]
    try:
        model.check_key(key)
    except JoseError:
        raise ValueError(f"alg {alg!r} does not match the key ({_describe(key)})") from None
    if alg == "EdDSA" and isinstance(key, OKPKey) and key.curve_name not in ("Ed25519", "Ed448"):
        raise ValueError(f"alg 'EdDSA' does not match the key ({_describe(key)})")
    return model


def _certificate_thumbprint(certificate: str | bytes | x509.Certificate, key: SigningKey) -> str:
    """``x5t#S256``: base64url SHA-256 of the DER certificate, after checking it holds the key.

    RFC 7515 §4.1.8.
    """
    if isinstance(key, OctKey):
        raise ValueError("certificate= needs an asymmetric key; the key is an oct key")
    if isinstance(certificate, x509.Certificate):
        cert = certificate
    else:
        data = certificate.encode("ascii") if isinstance(certificate, str) else certificate
        try:
            cert = x509.load_pem_x509_certificate(data)
        except (ValueError, TypeError):
            raise ValueError("certificate= is not a PEM X.509 certificate") from None
    der = Encoding.DER
    spki = PublicFormat.SubjectPublicKeyInfo
    if cert.public_key().public_bytes(der, spki) != key.public_key.public_bytes(der, spki):
        raise ValueError("certificate= does not certify the signing key's public key")
    return urlsafe_b64encode(cert.fingerprint(hashes.SHA256())).decode("ascii")


class JWTAssertion:
    """A private key ready to sign JWT assertions, imported and checked once.

    Args:
        key: PEM (``str``/``bytes``), a JWK ``dict`` (or its JSON), a joserfc key or a
            ``cryptography`` private key. With an ``HS*`` ``alg``, a plain ``str``/``bytes``
            is taken as the shared secret.
        alg: the JWS algorithm; ``header["alg"]`` wins over it; inferred from the key when
            neither is given.
        header: extra JWS header members, e.g. ``{"kid": ...}``; a JWK's ``kid`` is used
            when the header names none.
        password: the password of an encrypted PEM key.
        certificate: the key's X.509 certificate (PEM or ``x509.Certificate``); adds its
            ``x5t#S256`` thumbprint to the header.

    Raises:
        ValueError: the key cannot be read, is public, or cannot sign with ``alg``; or
            ``alg`` is unknown. The message never contains key material.

    RFC 7523 §2.1, §3.
    """

    __slots__ = ("_header", "_key", "_registry")

    def __init__(
        self,
        key: KeyInput,
        alg: str | None = None,
        header: Mapping[str, Any] | None = None,
        password: str | bytes | None = None,
        *,
        certificate: str | bytes | x509.Certificate | None = None,
    ) -> None:
        extra = dict(header or {})
        header_alg = extra.pop("alg", None)
        if header_alg is not None:
            alg = header_alg
        if alg is not None and not isinstance(alg, str):
            raise ValueError("alg must be a str such as 'RS256'")
        signing_key = _import_key(key, password, raw_secret_alg=alg)
        model = _resolve_alg(signing_key, alg)
        built: dict[str, Any] = {"alg": model.name}
        kid = signing_key.kid
        if kid:
            built["kid"] = kid
        if certificate is not None:
            built["x5t#S256"] = _certificate_thumbprint(certificate, signing_key)
        built.update(extra)
        self._key = signing_key
        self._registry = _OneAlgorithm(model)
        self._header = built
        try:
            self._registry.check_header(built)
        except JoseError as exc:
            raise ValueError(f"header is not a valid JWS header: {exc}") from None
        try:
            self._encode(dict(_PROBE_CLAIMS))
        except (JoseError, ValueError, TypeError):
            raise ValueError(
                f"{_describe(signing_key)} cannot sign with alg {model.name!r}"
            ) from None

    @property
    def alg(self) -> str:
        """The JWS algorithm every assertion is signed with. RFC 7515 §4.1.1."""
        return str(self._header["alg"])

    @property
    def header(self) -> dict[str, Any]:
        """A copy of the JWS header every assertion carries. RFC 7515 §4.1."""
        return dict(self._header)

    def _encode(self, claims: dict[str, Any]) -> str:
        return jwt.encode(
            self._header, claims, self._key, registry=self._registry, default_type=None
        )

    def encode(self, claims: Mapping[str, Any]) -> str:
        """Sign exactly ``claims`` (no claim added): for JWTs that are not RFC 7523 assertions."""
        return self._encode(dict(claims))

    def sign(
        self,
        issuer: str,
        audience: str | list[str],
        subject: str | None = None,
        claims: Mapping[str, Any] | None = None,
        expires_in: int = 3600,
        now: float | None = None,
    ) -> str:
        """A fresh signed assertion: ``iss``, ``sub``, ``aud``, ``iat``, ``exp``, ``jti``.

        Args:
            issuer: ``iss``.
            audience: ``aud``.
            subject: ``sub``; left out when ``None``.
            claims: more claims, merged last (they may replace the ones above); the mapping
                is not modified.
            expires_in: seconds from ``iat`` to ``exp``.
            now: the time in seconds since the epoch; the system clock when ``None``.

        Returns:
            The JWT in compact serialization, with a new random ``jti``.

        RFC 7523 §3.
        """
        if expires_in <= 0:
            raise ValueError("expires_in must be a positive number of seconds")
        iat = int(time.time() if now is None else now)
        payload: dict[str, Any] = {"iss": issuer}
        if subject is not None:
            payload["sub"] = subject
        payload["aud"] = audience
        payload["iat"] = iat
        payload["exp"] = iat + int(expires_in)
        payload["jti"] = secrets.token_urlsafe(_JTI_BYTES)
        if claims:
            payload.update(claims)
        return self._encode(payload)

    def __repr__(self) -> str:
        kid = self._header.get("kid")
        return f"JWTAssertion(alg={self.alg!r}, kid={kid!r})"


class Audience(enum.Enum):
    """Where a client assertion's ``aud`` comes from, when it is not a fixed string.

    ``TOKEN_ENDPOINT``: the ``token_endpoint`` given to the method, else the URL the request
    goes to. ``ISSUER``: the authorization server's issuer identifier (``issuer`` of the
    client), as FAPI 2.0 and the update of RFC 7523 (draft-ietf-oauth-rfc7523bis) require.

    RFC 7523 §3.
    """

    TOKEN_ENDPOINT = "token_endpoint"
    """The token endpoint URL, the audience RFC 7523 §3 names."""
    ISSUER = "issuer"
    """The authorization server's issuer identifier, for servers that refuse any other."""


def _cache_key(secret: object) -> Hashable:
    if isinstance(secret, str | bytes):
        return secret
    if isinstance(secret, Mapping):
        return ("jwk", json.dumps(dict(secret), sort_keys=True, default=str))
    return ("object", id(secret))


class _JWTClientAuth:
    """The shared part of ``client_secret_jwt`` and ``private_key_jwt``.

    Args:
        token_endpoint: the ``aud`` of every assertion; the request URL when ``None``.
        claims: extra claims for every assertion (not ``jti``, ``iat`` or ``exp``).
        headers: extra JWS header members; ``headers["alg"]`` wins over ``alg``.
        alg: the JWS algorithm; the subclass's default when ``None``.
        audience: a fixed ``aud`` string, or an [`Audience`][authwire.rfc7523.Audience].
        expires_in: seconds from ``iat`` to ``exp``.
        include_client_id: also send ``client_id`` in the body.
        clock: returns the time in seconds since the epoch; for tests.
    """

    name: ClassVar[str]
    """The ``token_endpoint_auth_method`` this method is registered under."""

    def __init__(
        self,
        token_endpoint: str | None = None,
        claims: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        alg: str | None = None,
        *,
        audience: str | Audience = Audience.TOKEN_ENDPOINT,
        expires_in: int = 60,
        include_client_id: bool = True,
        clock: Clock = system_clock,
    ) -> None:
        if not isinstance(audience, Audience) and not (isinstance(audience, str) and audience):
            raise ValueError("audience must be a non-empty str, Audience.TOKEN_ENDPOINT or ISSUER")
        if isinstance(expires_in, bool) or not isinstance(expires_in, int) or expires_in <= 0:
            raise ValueError("expires_in must be a positive int (seconds)")
        extra_claims = dict(claims or {})
        fixed = sorted(_PER_ASSERTION_CLAIMS & extra_claims.keys())
        if fixed:
            raise ValueError(f"claims must not fix {', '.join(fixed)}: each assertion sets its own")
        self.token_endpoint = None if token_endpoint is None else str(token_endpoint)
        self.audience = audience
        self.alg = alg
        self.expires_in = expires_in
        self.include_client_id = include_client_id
        self._claims = extra_claims
        self._headers = dict(headers or {})
        self._clock = clock
        self._cache: dict[Hashable, tuple[object, JWTAssertion]] = {}
        self._last: tuple[object, JWTAssertion] | None = None

    def _build(self, secret: object) -> JWTAssertion:
        raise NotImplementedError

    def _assertion_for(self, secret: object) -> JWTAssertion:
        last = self._last
        if last is not None and last[0] is secret:
            return last[1]
        key = _cache_key(secret)
        entry = self._cache.get(key)
        if entry is None:
            entry = (secret, self._build(secret))
            cache = self._cache
            if len(cache) >= _CACHE_SIZE:
                cache.pop(next(iter(cache), None), None)
            cache[key] = entry
        self._last = entry
        return entry[1]

    def prepare(self, client: ClientCredentials) -> None:
        """Import and check the key now, so a bad one fails at registration. RFC 7523 §3."""
        require_client_id(client)
        self._assertion_for(client.client_secret)

    def _audience_for(self, client: ClientCredentials, uri: str) -> str:
        if isinstance(self.audience, str):
            return self.audience
        if self.audience is Audience.ISSUER:
            if not client.issuer:
                raise ValueError(
                    f"{self.name} with audience=Audience.ISSUER needs the authorization "
                    "server's issuer; give issuer= to the client"
                )
            return client.issuer
        return self.token_endpoint or uri

    def __call__(
        self, client: ClientCredentials, method: str, uri: str, headers: Headers, body: str
    ) -> tuple[str, Headers, str]:
        """Add a fresh ``client_assertion`` (and ``client_id``) to the form body.

        RFC 7523 §2.2, RFC 7521 §4.2.
        """
        client_id = require_client_id(client)
        assertion = self._assertion_for(client.client_secret).sign(
            client_id,
            self._audience_for(client, uri),
            subject=client_id,
            claims=self._claims,
            expires_in=self.expires_in,
            now=self._clock(),
        )
        client_id_param = client_id if self.include_client_id else None
        return uri, headers, _with_assertion(body, client_id_param, assertion)

    def __repr__(self) -> str:
        shown = repr(self.audience) if isinstance(self.audience, str) else str(self.audience)
        return (
            f"{type(self).__name__}(token_endpoint={self.token_endpoint!r}, alg={self.alg!r}, "
            f"audience={shown}, expires_in={self.expires_in})"
        )


def _with_assertion(body: str, client_id: str | None, assertion: str) -> str:
    """``body`` with ``client_id`` (unless ``None``), ``client_assertion_type`` and
    ``client_assertion`` set, as ``add_form_params`` would. RFC 7523 §2.2.

    The common case costs a few string joins instead of parsing and re-encoding the whole
    form: a body whose fields are none of the three (and whose names hold no escapes) is
    kept as it is, the assertion type is encoded once, and a compact JWS (base64url and
    dots, RFC 7515 §7.1) needs no escaping. Any other body takes the general path.
    """
    if body:
        for part in body.split("&"):
            name = part.partition("=")[0]
            if not part or name in _ASSERTION_PARAMS or "%" in name:
                params: dict[str, str] = {}
                if client_id is not None:
                    params["client_id"] = client_id
                params["client_assertion_type"] = JWT_BEARER_CLIENT_ASSERTION_TYPE
                params["client_assertion"] = assertion
                return add_form_params(body, params)
        head = body + "&"
    else:
        head = ""
    if client_id is not None:
        head += f"client_id={quote_plus(client_id)}&"
    return f"{head}client_assertion_type={_ENCODED_ASSERTION_TYPE}&client_assertion={assertion}"


class ClientSecretJWT(_JWTClientAuth):
    """``client_secret_jwt``: an HMAC-signed assertion keyed with the client secret.

    Args:
        token_endpoint: the ``aud`` of every assertion; the request URL when ``None``.
        claims: extra claims for every assertion (not ``jti``, ``iat`` or ``exp``).
        headers: extra JWS header members; ``headers["alg"]`` wins over ``alg``.
        alg: ``HS256`` (default), ``HS384`` or ``HS512``.
        audience: a fixed ``aud`` string, or
            [`Audience.ISSUER`][authwire.rfc7523.Audience.ISSUER] to address the authorization
            server's issuer identifier instead of the token endpoint.
        expires_in: seconds from ``iat`` to ``exp`` (default 60).
        include_client_id: also send ``client_id`` in the body (default ``True``).
        clock: returns the time in seconds since the epoch; for tests.

    The key is the client's ``client_secret`` (a ``str``/``bytes``, an oct JWK or OctKey).

    RFC 7523 §2.2, §3.
    """

    name = CLIENT_SECRET_JWT
    """``client_secret_jwt``, the name the client registers this method under."""

    def _build(self, secret: object) -> JWTAssertion:
        if secret is None or (isinstance(secret, str | bytes) and not secret):
            raise ValueError("client_secret_jwt needs the client_secret; it is empty")
        key: SigningKey
        if isinstance(secret, str | bytes):
            data = secret.encode("utf-8") if isinstance(secret, str) else secret
            if b"-----BEGIN " in data:
                raise ValueError(
                    "client_secret looks like a PEM key; use private_key_jwt to sign with it"
                )
            key = OctKey.import_key(data)
        else:
            key = _import_key(secret, None)
        if not isinstance(key, OctKey):
            raise ValueError(
                f"client_secret_jwt signs with a shared secret, not {_describe(key)}; "
                "use private_key_jwt"
            )
        return JWTAssertion(key, self.alg, self._headers)


class PrivateKeyJWT(_JWTClientAuth):
    """``private_key_jwt``: an assertion signed with the client's private key.

    Args:
        token_endpoint: the ``aud`` of every assertion; the request URL when ``None``.
        claims: extra claims for every assertion (not ``jti``, ``iat`` or ``exp``).
        headers: extra JWS header members; ``headers["alg"]`` wins over ``alg``.
        alg: the JWS algorithm; inferred from the key when ``None``.
        audience: a fixed ``aud`` string, or
            [`Audience.ISSUER`][authwire.rfc7523.Audience.ISSUER] to address the authorization
            server's issuer identifier instead of the token endpoint.
        expires_in: seconds from ``iat`` to ``exp`` (default 60).
        include_client_id: also send ``client_id`` in the body (default ``True``).
        clock: returns the time in seconds since the epoch; for tests.
        password: the password of an encrypted PEM key.
        certificate: the key's X.509 certificate; adds ``x5t#S256`` to the header.

    The key is the client's ``client_secret``: PEM, a JWK ``dict``, a joserfc key or a
    ``cryptography`` private key (RSA, EC or Ed25519/Ed448).

    RFC 7523 §2.2, §3.
    """

    name = PRIVATE_KEY_JWT
    """``private_key_jwt``, the name the client registers this method under."""

    def __init__(
        self,
        token_endpoint: str | None = None,
        claims: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        alg: str | None = None,
        *,
        audience: str | Audience = Audience.TOKEN_ENDPOINT,
        expires_in: int = 60,
        include_client_id: bool = True,
        clock: Clock = system_clock,
        password: str | bytes | None = None,
        certificate: str | bytes | x509.Certificate | None = None,
    ) -> None:
        super().__init__(
            token_endpoint,
            claims,
            headers,
            alg,
            audience=audience,
            expires_in=expires_in,
            include_client_id=include_client_id,
            clock=clock,
        )
        self._password = password
        self._certificate = certificate

    def _build(self, secret: object) -> JWTAssertion:
        if secret is None or (isinstance(secret, str | bytes) and not secret.strip()):
            raise ValueError("private_key_jwt needs the private key as client_secret; it is empty")
        key = _import_key(secret, self._password)
        if isinstance(key, OctKey):
            raise ValueError(
                "private_key_jwt needs an asymmetric private key; "
                "for a shared secret use client_secret_jwt"
            )
        return JWTAssertion(key, self.alg, self._headers, certificate=self._certificate)
