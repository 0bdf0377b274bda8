"""Demonstrating Proof of Possession (DPoP), RFC 9449, sans-IO.

A DPoP client holds an asymmetric key pair and sends, with every token request and every
request that presents a DPoP-bound access token, a fresh proof: a JWT signed with the
private key, carrying the public key in its header and naming the request it goes with
(RFC 9449 §4). A stolen token is then useless without the key.

[`DPoPKey`][authwire.protocol.rfc9449.DPoPKey] imports the key once and builds the JWS
header once, like [`JWTAssertion`][authwire.rfc7523.JWTAssertion]; each proof costs a claims
dict, a random ``jti`` and one signature. The rest are pure helpers: the ``htu`` and ``ath``
claims, the ``DPoP-Nonce`` a server hands out (§8, §9) and the ``use_dpop_nonce`` challenge
that asks for one retry with it.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, JWKRegistry, OctKey

from .._compat import URL, Response, httpx
from ..token import is_dpop_token
from . import _json
from .rfc6750 import parse_www_authenticate
from .rfc7523 import KeyInput, SigningKey, _describe, _import_key, _OneAlgorithm, _resolve_alg

__all__ = [
    "DPOP_HEADER",
    "DPOP_TOKEN_TYPE",
    "NONCE_HEADER",
    "PROOF_TYP",
    "USE_DPOP_NONCE",
    "DPoPKey",
    "NonceStore",
    "ath",
    "authorization_header",
    "htu",
    "is_dpop_token",
    "jwk_thumbprint",
    "nonce_challenge",
    "origin",
]

DPOP_HEADER = "DPoP"
"""The request header that carries the proof. RFC 9449 §4.1."""
NONCE_HEADER = "DPoP-Nonce"
"""The response header a server hands a nonce out in. RFC 9449 §8.1."""
PROOF_TYP = "dpop+jwt"
"""The ``typ`` of a proof's JWS header. RFC 9449 §4.2."""
DPOP_TOKEN_TYPE = "DPoP"
"""The ``token_type`` of a DPoP-bound access token, and its ``Authorization`` scheme.
RFC 9449 §5, §7.1."""
USE_DPOP_NONCE = "use_dpop_nonce"
"""The error that asks the client to retry once with the nonce it was given. RFC 9449 §8."""

_JTI_BYTES = 24  # 192 random bits, 32 characters
_DEFAULT_PORTS = {"http": 80, "https": 443}
# nonce = 1*NQCHAR; NQCHAR = %x21 / %x23-5B / %x5D-7E (RFC 9449 §8.1)
_NONCE = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")
_MAX_ORIGINS = 64


def _b64url_sha256(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


def _parse(url: str | URL) -> tuple[str, str, str]:
    """``(scheme, host[:port], path)`` of an absolute http(s) URL, in the form sent.

    The scheme and host are lower-cased (IDNA hosts in their ASCII form), a default port is
    dropped, userinfo never appears, an empty path is ``/``: the syntax- and scheme-based
    normalisation of RFC 3986 §6.2.2-6.2.3 that RFC 9449 §4.3 has servers apply.
    """
    try:
        parsed = url if isinstance(url, URL) else URL(url)
    except (httpx.InvalidURL, TypeError):
        raise ValueError("url is not a valid URL") from None
    scheme = parsed.scheme.lower()
    host = parsed.raw_host.decode("ascii").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        raise ValueError("url must be an absolute http:// or https:// URL")
    if ":" in host:
        host = f"[{host}]"
    port = parsed.port
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = parsed.raw_path.partition(b"?")[0].decode("ascii") or "/"
    return scheme, host, path


def htu(url: str | URL) -> str:
    """The ``htu`` claim: the target URI without query and fragment. RFC 9449 §4.2.

    Userinfo is left out too (it is never part of a request's target URI) and the scheme,
    host and port are normalised as servers compare them (§4.3).

    Raises:
        ValueError: ``url`` is not an absolute http(s) URL; the message does not quote it.
    """
    scheme, authority, path = _parse(url)
    return f"{scheme}://{authority}{path}"


def origin(url: str | URL) -> str:
    """``scheme://host[:port]``, lower-cased, default port dropped: whose nonce to use.

    A nonce is issued by one server and good only there, so nonces are kept per origin;
    the authorization server's and a resource server's stay apart. RFC 9449 §8, §9.
    """
    scheme, authority, _ = _parse(url)
    return f"{scheme}://{authority}"


def ath(access_token: str) -> str:
    """The ``ath`` claim: base64url SHA-256 of the ASCII access token, unpadded. RFC 9449 §4.2.

    Raises:
        ValueError: the token is not ASCII (and so not a valid token, RFC 6750 §2.1).
    """
    try:
        data = access_token.encode("ascii")
    except UnicodeEncodeError:
        # the UnicodeEncodeError would carry the whole token in its repr
        raise ValueError("access_token must be ASCII") from None
    return _b64url_sha256(data)


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """The RFC 7638 SHA-256 thumbprint of a JWK, base64url: the ``jkt`` and ``dpop_jkt``.

    RFC 9449 §6.1, §10.
    """
    try:
        # the key's own thumbprint hashes only its required members, as RFC 7638 §3.2 says
        return JWKRegistry.import_key(dict(jwk)).thumbprint()
    except (JoseError, KeyError, ValueError, TypeError):
        raise ValueError("jwk is not a valid JWK (check 'kty' and its required members)") from None


def authorization_header(access_token: str) -> str:
    """The ``Authorization`` value that presents a DPoP-bound token. RFC 9449 §7.1."""
    return f"{DPOP_TOKEN_TYPE} {access_token}"


def _valid_nonce(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value if _NONCE.fullmatch(value) else None


def _import_asymmetric(key: KeyInput | None, password: str | bytes | None) -> SigningKey:
    """The private key to sign proofs with: generated, or imported by RFC 7523's rules."""
    if key is None:
        if password is not None:
            raise ValueError("password= applies only to a PEM key")
        return ECKey.generate_key("P-256", private=True)
    if isinstance(key, str | bytes):
        data = (key.encode("utf-8") if isinstance(key, str) else key).strip()
        # rfc7523 would suggest an HMAC secret here; a DPoP key cannot be one
        if data and not data.startswith(b"{") and b"-----BEGIN " not in data:
            raise ValueError("key is neither PEM nor a JWK")
    imported = _import_key(key, password)
    if isinstance(imported, OctKey):
        raise ValueError(
            "key is a symmetric (oct) key; a DPoP key must be an asymmetric private key"
        )
    return imported


class DPoPKey:
    """The client's DPoP key pair, imported and checked once, that signs proofs.

    Args:
        key: ``None`` for a fresh EC P-256 key (``ES256``); otherwise an asymmetric private
            key as [`JWTAssertion`][authwire.rfc7523.JWTAssertion] takes it: PEM
            (``str``/``bytes``), a private JWK ``dict`` (or its JSON), a joserfc
            ``ECKey``/``RSAKey``/``OKPKey`` or a ``cryptography`` private key.
        alg: the JWS algorithm; the JWK's ``alg``, else inferred from the key (``RS256``,
            ``ES256``/``ES384``/``ES512``, ``EdDSA``), when ``None``.
        password: the password of an encrypted PEM key.

    Raises:
        ValueError: the key cannot be read, is public or symmetric, or cannot sign with
            ``alg``; or ``alg`` is ``none``, an HMAC or unknown. A DPoP proof must be
            verifiable with the public key it carries (RFC 9449 §4.2, §4.3), so symmetric
            keys are refused. The message never contains key material.

    RFC 9449 §4.
    """

    __slots__ = ("_header", "_jwk", "_key", "_registry", "_thumbprint")

    def __init__(
        self,
        key: KeyInput | None = None,
        alg: str | None = None,
        *,
        password: str | bytes | None = None,
    ) -> None:
        if alg is not None:
            if not isinstance(alg, str):
                raise ValueError("alg must be a str such as 'ES256'")
            if alg == "none" or alg.startswith("HS"):
                raise ValueError(
                    f"alg {alg!r} cannot sign a DPoP proof: it needs an asymmetric algorithm"
                )
        signing_key = _import_asymmetric(key, password)
        model = _resolve_alg(signing_key, alg)
        # Only the members that define the public key: no private part, no kid/use/alg.
        public = {
            name: signing_key.dict_value[name]
            for name, member in signing_key.value_registry.items()
            if member.required
        }
        public = {"kty": signing_key.key_type, **public}
        self._key = signing_key
        self._registry = _OneAlgorithm(model)
        self._jwk = public
        self._header: dict[str, Any] = {"typ": PROOF_TYP, "alg": model.name, "jwk": public}
        self._thumbprint = signing_key.thumbprint()
        try:
            self._encode({"jti": "probe", "htm": "GET", "htu": "https://authwire/", "iat": 0})
        except (JoseError, ValueError, TypeError):
            raise ValueError(
                f"{_describe(signing_key)} cannot sign with alg {model.name!r}"
            ) from None

    @property
    def alg(self) -> str:
        """The JWS algorithm every proof is signed with. RFC 9449 §4.2."""
        return str(self._header["alg"])

    @property
    def public_jwk(self) -> dict[str, Any]:
        """A copy of the public JWK carried in each proof's ``jwk`` header. RFC 9449 §4.2."""
        return dict(self._jwk)

    @property
    def thumbprint(self) -> str:
        """The RFC 7638 SHA-256 thumbprint of the public key: ``jkt``, ``dpop_jkt``.

        RFC 9449 §6.1, §10.
        """
        return self._thumbprint

    def _encode(self, claims: dict[str, Any]) -> str:
        return jwt.encode(
            self._header, claims, self._key, registry=self._registry, default_type=None
        )

    def proof(
        self,
        method: str,
        url: str | URL,
        *,
        now: float,
        nonce: str | None = None,
        access_token: str | None = None,
    ) -> str:
        """A fresh DPoP proof for one request, for the ``DPoP`` header.

        Args:
            method: the HTTP method (``htm``, upper-cased).
            url: the request URL (``htu`` drops its query and fragment).
            now: the time in seconds since the epoch (``iat``).
            nonce: the server's latest ``DPoP-Nonce``, as ``nonce``; left out when ``None``.
            access_token: the token the request presents; its hash goes in ``ath``.

        Returns:
            The proof JWT in compact serialization, with a new random ``jti``.

        RFC 9449 §4.2, §7.1.
        """
        if not isinstance(method, str) or not method:
            raise ValueError("method must be a non-empty str such as 'POST'")
        claims: dict[str, Any] = {
            "jti": secrets.token_urlsafe(_JTI_BYTES),
            "htm": method.upper(),
            "htu": htu(url),
            "iat": int(now),
        }
        if nonce is not None:
            claims["nonce"] = nonce
        if access_token is not None:
            claims["ath"] = ath(access_token)
        return self._encode(claims)

    def __repr__(self) -> str:
        return f"DPoPKey(alg={self.alg!r}, thumbprint={self._thumbprint!r})"


class NonceStore:
    """The latest ``DPoP-Nonce`` of each server, by origin.

    A server may send a fresh nonce on any response, not only in a challenge (RFC 9449
    §8.2), so [`remember`][authwire.protocol.rfc9449.NonceStore.remember] reads every
    response. The least recently updated origin is dropped first. Each method is a few
    single dict operations, which are atomic, so threads may share a store without a lock.

    Args:
        max_origins: How many origins' nonces are kept (64 by default), so a client that
            talks to many servers holds bounded memory.

    Raises:
        ValueError: ``max_origins`` is not a positive int.

    RFC 9449 §8, §9.
    """

    __slots__ = ("_max", "_nonces")

    def __init__(self, max_origins: int = _MAX_ORIGINS) -> None:
        if isinstance(max_origins, bool) or not isinstance(max_origins, int) or max_origins < 1:
            raise ValueError("max_origins must be a positive int")
        self._max = max_origins
        self._nonces: OrderedDict[str, str] = OrderedDict()

    def get(self, url: str | URL) -> str | None:
        """The nonce to put in the next proof for ``url``, if its server gave one."""
        return self._nonces.get(origin(url))

    def remember(self, url: str | URL, response: Response) -> str | None:
        """Keep the ``DPoP-Nonce`` of ``response`` (to a request for ``url``), if any.

        Returns the nonce kept, or ``None`` when the response has none (or an invalid one),
        in which case the one known is kept.
        """
        nonce = _valid_nonce(response.headers.get(NONCE_HEADER))
        if nonce is None:
            return None
        self.set(url, nonce)
        return nonce

    def set(self, url: str | URL, nonce: str) -> None:
        """Keep ``nonce`` for the origin of ``url``."""
        key = origin(url)
        nonces = self._nonces
        nonces.pop(key, None)
        nonces[key] = nonce
        while len(nonces) > self._max:
            try:
                nonces.popitem(last=False)
            except KeyError:  # pragma: no cover - emptied by another thread
                break

    def forget(self, url: str | URL) -> None:
        """Drop the nonce kept for the origin of ``url``."""
        self._nonces.pop(origin(url), None)

    def __len__(self) -> int:
        return len(self._nonces)

    def __repr__(self) -> str:
        return f"NonceStore(origins={len(self._nonces)}, max_origins={self._max})"


def _is_as_challenge(response: Response) -> bool:
    """A 400 error object ``{"error": "use_dpop_nonce"}``. RFC 9449 §8."""
    try:
        data = _json.loads(response.content)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("error") == USE_DPOP_NONCE


def _is_rs_challenge(response: Response) -> bool:
    """A 401 with ``WWW-Authenticate: DPoP error="use_dpop_nonce"``. RFC 9449 §9."""
    return any(
        challenge.scheme.lower() == "dpop" and challenge.params.get("error") == USE_DPOP_NONCE
        for value in response.headers.get_list("www-authenticate")
        for challenge in parse_www_authenticate(value)
    )


def nonce_challenge(response: Response) -> str | None:
    """The new nonce when ``response`` asks for a retry with it, else ``None``.

    Two shapes, each with a ``DPoP-Nonce`` header: the authorization server's HTTP 400 with
    the error object ``{"error": "use_dpop_nonce"}`` (RFC 9449 §8), and a resource server's
    HTTP 401 with a ``DPoP`` challenge ``error="use_dpop_nonce"`` (§9). Answer it with one
    retry, not more: a server that keeps asking is not going to accept.

    The body is read only for a 400 that carries a nonce; it must have been loaded then.
    """
    status = response.status_code
    if status not in (400, 401):
        return None
    nonce = _valid_nonce(response.headers.get(NONCE_HEADER))
    if nonce is None:
        return None
    if status == 400 and _is_as_challenge(response):
        return nonce
    if status == 401 and _is_rs_challenge(response):
        return nonce
    return None
