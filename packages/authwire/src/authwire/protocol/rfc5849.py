"""OAuth 1.0a, sans-IO: signing requests and reading token responses (RFC 5849).

Nothing here opens a socket. The signing step takes an ``httpx.Request`` and returns it
signed; the token steps build URLs and read ``httpx.Response`` objects. The shells in
``authwire.auth.oauth1`` and ``authwire.client.oauth1`` drive these functions.

The hot path is ``sign_request``. Everything that does not change between two requests
is worked out once, when an ``OAuth1Signer`` is built: the signature method is looked up,
an RSA key is loaded, the HMAC key ``escape(client_secret) & escape(token_secret)`` is encoded,
and the constant ``oauth_*`` pairs are percent-encoded. A request then costs one parse of its
query (and form body), one sort, one join and one MAC.

Signature methods live in a registry (``register_signature_method``), so a provider that
wants ``HMAC-SHA512`` or something stranger can add it without touching this module.

Plain ``http://`` is accepted for any host: OAuth 1 signatures do not rely on TLS for their
integrity. They do not hide anything either, and ``PLAINTEXT`` sends the secrets themselves,
so use ``https://`` wherever the server offers it.
"""

from __future__ import annotations

import binascii
import functools
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import (
    parse_qsl,
    quote_from_bytes,
    unquote,
    unquote_to_bytes,
    urlencode,
    urlsplit,
    urlunsplit,
)

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from .._compat import URL, Request, Response
from .._exceptions import AuthorizationResponseError, TokenResponseError
from . import _json

__all__ = [
    "CONTENT_TYPE_FORM_URLENCODED",
    "SIGNATURE_HMAC_SHA1",
    "SIGNATURE_HMAC_SHA256",
    "SIGNATURE_PLAINTEXT",
    "SIGNATURE_RSA_SHA1",
    "SIGNATURE_RSA_SHA256",
    "SIGNATURE_TYPE_BODY",
    "SIGNATURE_TYPE_HEADER",
    "SIGNATURE_TYPE_QUERY",
    "OAuth1Signer",
    "OAuth1Token",
    "SignatureMethod",
    "SigningKey",
    "body_hash",
    "build_authorization_url",
    "build_base_string_uri",
    "build_signature_base_string",
    "collect_parameters",
    "escape",
    "generate_nonce",
    "generate_timestamp",
    "get_signature_method",
    "load_rsa_private_key",
    "normalize_parameters",
    "parse_authorization_response",
    "process_token_response",
    "register_signature_method",
    "sign_hmac_sha1",
    "sign_hmac_sha256",
    "sign_plaintext",
    "sign_request",
    "sign_rsa_sha1",
    "sign_rsa_sha256",
    "unescape",
    "unregister_signature_method",
]

SIGNATURE_HMAC_SHA1 = "HMAC-SHA1"
"""HMAC-SHA1 keyed with the client and token secrets, the default. RFC 5849 §3.4.2."""
SIGNATURE_HMAC_SHA256 = "HMAC-SHA256"
"""HMAC-SHA1's construction with SHA-256: not in RFC 5849, but some servers require it."""
SIGNATURE_RSA_SHA1 = "RSA-SHA1"
"""RSASSA-PKCS1-v1_5 with SHA-1 and the client's RSA key (``rsa_key=``). RFC 5849 §3.4.3."""
SIGNATURE_RSA_SHA256 = "RSA-SHA256"
"""RSA-SHA1's construction with SHA-256: not in RFC 5849, but some servers require it."""
SIGNATURE_PLAINTEXT = "PLAINTEXT"
"""The secrets themselves, no signature: only over TLS. RFC 5849 §3.4.4."""

SIGNATURE_TYPE_HEADER = "HEADER"
"""The protocol parameters in the ``Authorization`` header, the default. RFC 5849 §3.5.1."""
SIGNATURE_TYPE_QUERY = "QUERY"
"""The protocol parameters in the URL's query string. RFC 5849 §3.5.3."""
SIGNATURE_TYPE_BODY = "BODY"
"""The protocol parameters in a form-encoded body. RFC 5849 §3.5.2."""
_SIGNATURE_TYPES = frozenset({SIGNATURE_TYPE_HEADER, SIGNATURE_TYPE_QUERY, SIGNATURE_TYPE_BODY})

CONTENT_TYPE_FORM_URLENCODED = "application/x-www-form-urlencoded"

_REDACTED = "<redacted>"
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}
_NO_BODY_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


# --- percent-encoding and parameters ---------------------------------------------------------


_UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"


def escape(value: str | bytes) -> str:
    """Percent-encode everything but the unreserved characters, UTF-8 first.

    Unlike form encoding, a space becomes ``%20`` and ``~`` stays as it is; hex digits are
    upper case. RFC 5849 §3.6.
    """
    data = value.encode("utf-8") if isinstance(value, str) else value
    if not data.translate(None, _UNRESERVED):  # nothing to encode: the common case
        # the str itself, not an equal copy: a signer holds its escaped credentials, and a
        # service may hold thousands of signers
        return value if type(value) is str else data.decode("ascii")
    return quote_from_bytes(data, safe="")


def _escape_escaped(value: str) -> str:
    # escape() of a string already made of escape() output joined by '=' and '&': only '%',
    # '=' and '&' need encoding, and three C-level replaces beat a per-byte quote().
    return value.replace("%", "%25").replace("=", "%3D").replace("&", "%26")


@functools.lru_cache(maxsize=512)
def _escape_uri(uri: str) -> str:
    # the same few endpoints are signed again and again
    return escape(uri)


def unescape(value: str) -> str:
    """Undo ``escape`` (``+`` is left alone: it is not a space here). RFC 5849 §3.6."""
    return unquote(value, errors="strict")


def _split_raw(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    # application/x-www-form-urlencoded → (name, value) still encoded; a name without '='
    # has an empty value.
    for part in data.split(b"&"):
        if part:
            name, _, value = part.partition(b"=")
            yield name, value


def _form_decode(raw: bytes) -> bytes:
    # '+' is a space; decoding to bytes (not str) keeps the round trip exact.
    return unquote_to_bytes(raw.replace(b"+", b" "))


def _split_form(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    for name, value in _split_raw(data):
        yield _form_decode(name), _form_decode(value)


def _canonical(raw: bytes) -> str:
    # escape(_form_decode(raw)), skipping the round trip when raw is unreserved bytes only
    if not raw.translate(None, _UNRESERVED):
        return raw.decode("ascii")
    return escape(_form_decode(raw))


def _escaped_form(data: bytes) -> Iterator[tuple[str, str]]:
    for name, value in _split_raw(data):
        yield _canonical(name), _canonical(value)


_FORM_LEN = len(CONTENT_TYPE_FORM_URLENCODED)


def _is_form(content_type: str) -> bool:
    return content_type[:_FORM_LEN].lower() == CONTENT_TYPE_FORM_URLENCODED


def collect_parameters(request: Request) -> list[tuple[str, str]]:
    """The request's own parameters that a signature covers, decoded.

    These are the query parameters and, for a form-encoded body, the body parameters; the
    ``oauth_*`` protocol parameters are added by the signer. RFC 5849 §3.4.1.3.1.
    """
    pairs = list(_split_form(request.url.query))
    if _is_form(request.headers.get("content-type", "")):
        pairs.extend(_split_form(request.content))
    return [(n.decode("utf-8", "replace"), v.decode("utf-8", "replace")) for n, v in pairs]


def normalize_parameters(params: Iterable[tuple[str | bytes, str | bytes]]) -> str:
    """Encode every name and value, sort by name then value, join with ``=`` and ``&``.

    RFC 5849 §3.4.1.3.2.
    """
    return "&".join(f"{n}={v}" for n, v in sorted((escape(n), escape(v)) for n, v in params))


# --- the signature base string ---------------------------------------------------------------


def build_base_string_uri(request: Request) -> str:
    """Scheme, authority and path of the request, as the server will see them.

    The authority is the ``Host`` header (falling back to the URL), lower-cased and without a
    default port; the path is the one sent on the wire, still percent-encoded; query and
    fragment are dropped. RFC 5849 §3.4.1.2.
    """
    url = request.url
    scheme = url.scheme
    host = request.headers.get("host")
    if host:
        authority = host.lower()
        default_port = _DEFAULT_PORTS.get(scheme)
        if default_port is not None and authority.endswith(default_port):
            authority = authority[: -len(default_port)]
    else:
        authority = url.raw_host.decode("ascii")
        if ":" in authority:
            authority = f"[{authority}]"
        if url.port is not None:
            authority = f"{authority}:{url.port}"
    raw_path = url.raw_path
    path = raw_path.partition(b"?")[0] if b"?" in raw_path else raw_path
    return f"{scheme}://{authority}{path.decode('ascii') or '/'}"


def _base_string(
    request: Request, oauth_pairs: Iterable[tuple[str, str]], body: bytes | None
) -> str:
    # oauth_pairs are already percent-encoded; body is the form body to include, if any.
    pairs = list(oauth_pairs)
    query = request.url.query
    if query:
        pairs.extend(_escaped_form(query))
    if body:
        pairs.extend(_escaped_form(body))
    pairs.sort()
    normalized = "&".join([f"{n}={v}" for n, v in pairs])
    return (
        f"{request.method.upper()}&{_escape_uri(build_base_string_uri(request))}&"
        f"{_escape_escaped(normalized)}"
    )


def build_signature_base_string(request: Request, oauth_params: Mapping[str, str]) -> str:
    """The exact string a signature covers: method, base string URI, normalized parameters.

    ``oauth_params`` are the protocol parameters (without ``realm`` and ``oauth_signature``);
    the request's query and form body are collected from ``request``. RFC 5849 §3.4.1.
    """
    body = request.content if _is_form(request.headers.get("content-type", "")) else None
    return _base_string(request, ((escape(k), escape(v)) for k, v in oauth_params.items()), body)


# --- signature methods and their registry ----------------------------------------------------


@dataclass(frozen=True, slots=True, repr=False)
class SigningKey:
    """The secrets one signature needs, prepared once per credentials change.

    ``hmac_key`` is ``escape(client_secret) & escape(token_secret)`` as bytes (the HMAC key and
    the PLAINTEXT signature); ``private_key`` is whatever the method's ``load_key`` returned
    (an RSA private key for the RSA methods). RFC 5849 §3.4.2.
    """

    client_secret: str
    token_secret: str
    private_key: Any
    hmac_key: bytes

    def __repr__(self) -> str:
        return f"SigningKey({_REDACTED})"


Signer = Callable[[str, SigningKey], str]
"""A signature function: ``(signature_base_string, key) -> oauth_signature``."""


@dataclass(frozen=True, slots=True)
class SignatureMethod:
    """A named signature method.

    ``load_key`` turns the user's ``rsa_key`` argument into what ``sign`` needs; it runs once
    per signer, never per request. ``uses_base_string=False`` (PLAINTEXT) skips building the
    base string. RFC 5849 §3.4.
    """

    name: str
    sign: Signer
    load_key: Callable[[Any], Any] | None = None
    uses_base_string: bool = True


def _b64(data: bytes) -> str:
    return binascii.b2a_base64(data, newline=False).decode("ascii")


def sign_hmac_sha1(base_string: str, key: SigningKey) -> str:
    """HMAC-SHA1 over the base string, base64-encoded. RFC 5849 §3.4.2."""
    return _b64(hmac.digest(key.hmac_key, base_string.encode("ascii"), "sha1"))


def sign_hmac_sha256(base_string: str, key: SigningKey) -> str:
    """HMAC-SHA256: RFC 5849 §3.4.2 with SHA-256 (the common extension method)."""
    return _b64(hmac.digest(key.hmac_key, base_string.encode("ascii"), "sha256"))


_PKCS1V15 = padding.PKCS1v15()


def _rsa_sign(base_string: str, key: SigningKey, algorithm: hashes.HashAlgorithm) -> str:
    private_key: RSAPrivateKey = key.private_key
    return _b64(private_key.sign(base_string.encode("ascii"), _PKCS1V15, algorithm))


def sign_rsa_sha1(base_string: str, key: SigningKey) -> str:
    """RSASSA-PKCS1-v1_5 with SHA-1 over the base string, base64-encoded. RFC 5849 §3.4.3."""
    return _rsa_sign(base_string, key, hashes.SHA1())  # noqa: S303 - the method is SHA-1 by name


def sign_rsa_sha256(base_string: str, key: SigningKey) -> str:
    """RSA-SHA256: RFC 5849 §3.4.3 with SHA-256 (the common extension method)."""
    return _rsa_sign(base_string, key, hashes.SHA256())


def sign_plaintext(base_string: str, key: SigningKey) -> str:
    """The encoded secrets joined by ``&``, no base string. Only safe over TLS. RFC 5849 §3.4.4."""
    return key.hmac_key.decode("ascii")


def load_rsa_private_key(rsa_key: Any) -> RSAPrivateKey:
    """Load ``rsa_key`` (PEM ``str``/``bytes`` or a loaded key) as an RSA private key.

    Called once per signer so that no request pays for parsing the key. RFC 5849 §3.4.3.
    """
    if isinstance(rsa_key, RSAPrivateKey):
        return rsa_key
    if rsa_key is None:
        raise ValueError("rsa_key is required for the RSA signature methods")
    if isinstance(rsa_key, str):
        rsa_key = rsa_key.encode("utf-8")
    if not isinstance(rsa_key, bytes):
        raise TypeError("rsa_key must be a PEM str/bytes or an RSAPrivateKey")
    try:
        key = serialization.load_pem_private_key(rsa_key, password=None)
    except (ValueError, TypeError):
        # cryptography's message is safe, but say nothing about the key's content.
        raise ValueError("rsa_key is not an unencrypted PEM private key") from None
    if not isinstance(key, RSAPrivateKey):
        raise TypeError("rsa_key must be an RSA private key")
    return key


_METHODS: dict[str, SignatureMethod] = {}


def register_signature_method(
    name: str,
    sign: Signer,
    *,
    load_key: Callable[[Any], Any] | None = None,
    uses_base_string: bool = True,
) -> SignatureMethod:
    """Add (or replace) a signature method for every signer built afterwards.

    ``sign(base_string, key)`` returns the ``oauth_signature`` value; ``load_key(rsa_key)``,
    when given, prepares the client's ``rsa_key`` argument once. RFC 5849 §3.4.
    """
    if not name or not isinstance(name, str):
        raise ValueError("name must be a non-empty str")
    method = SignatureMethod(name, sign, load_key, uses_base_string)
    _METHODS[name] = method
    return method


def unregister_signature_method(name: str) -> None:
    """Remove a signature method added by ``register_signature_method``. RFC 5849 §3.4."""
    _METHODS.pop(name, None)


def get_signature_method(name: str) -> SignatureMethod:
    """Look a signature method up by its ``oauth_signature_method`` name. RFC 5849 §3.4."""
    try:
        return _METHODS[name]
    except (KeyError, TypeError):
        known = ", ".join(sorted(_METHODS))
        raise ValueError(f"signature_method {name!r} is not registered (known: {known})") from None


register_signature_method(SIGNATURE_HMAC_SHA1, sign_hmac_sha1)
register_signature_method(SIGNATURE_HMAC_SHA256, sign_hmac_sha256)
register_signature_method(SIGNATURE_RSA_SHA1, sign_rsa_sha1, load_key=load_rsa_private_key)
register_signature_method(SIGNATURE_RSA_SHA256, sign_rsa_sha256, load_key=load_rsa_private_key)
register_signature_method(SIGNATURE_PLAINTEXT, sign_plaintext, uses_base_string=False)


# --- nonces, timestamps, body hash -----------------------------------------------------------


def generate_nonce() -> str:
    """30 random hex characters: unique per request, and inside oauthlib's default limits.

    RFC 5849 §3.3.
    """
    return secrets.token_hex(15)


def generate_timestamp(clock: Callable[[], float] = time.time) -> str:
    """Whole seconds since the epoch, as a string. RFC 5849 §3.3."""
    return str(int(clock()))


def body_hash(body: bytes) -> str:
    """``oauth_body_hash``: base64 of the SHA-1 digest of the raw body bytes.

    Lets a signature cover a body that is not form-encoded (OAuth Request Body Hash §3.2).
    """
    return _b64(hashlib.sha1(body).digest())  # noqa: S324 - the extension mandates SHA-1


# --- the signer ------------------------------------------------------------------------------


class OAuth1Signer:
    """Signs requests for one client and, optionally, one token; immutable.

    Built once (the signature method is resolved and an RSA key loaded here); a new token gives
    a new signer through ``with_token``, which keeps the loaded key. ``repr()`` shows no
    secret. RFC 5849 §3.
    """

    __slots__ = (
        "_header_start",
        "_key",
        "_method",
        "_static",
        "client_id",
        "force_include_body",
        "include_version",
        "realm",
        "signature_method",
        "signature_type",
        "token",
    )

    client_id: str
    token: str | None
    signature_method: str
    signature_type: str
    realm: str | None
    force_include_body: bool
    include_version: bool
    _method: SignatureMethod
    _key: SigningKey
    _static: tuple[tuple[str, str], ...]
    _header_start: str

    def __init__(
        self,
        client_id: str,
        client_secret: str | None = None,
        token: str | None = None,
        token_secret: str | None = None,
        *,
        rsa_key: Any = None,
        signature_method: str = SIGNATURE_HMAC_SHA1,
        signature_type: str = SIGNATURE_TYPE_HEADER,
        realm: str | Iterable[str] | None = None,
        force_include_body: bool = False,
        include_version: bool = True,
    ) -> None:
        if not client_id or not isinstance(client_id, str):
            raise ValueError("client_id is required (a non-empty str)")
        if client_secret is not None and not isinstance(client_secret, str):
            raise TypeError("client_secret must be a str or None")
        method = get_signature_method(signature_method)
        kind = signature_type.upper() if isinstance(signature_type, str) else signature_type
        if kind not in _SIGNATURE_TYPES:
            raise ValueError(f"signature_type {signature_type!r} is not one of HEADER, QUERY, BODY")
        private_key = method.load_key(rsa_key) if method.load_key is not None else rsa_key
        self.client_id = client_id
        self.signature_method = method.name
        self.signature_type = kind
        self.realm = _join_realm(realm)
        self.force_include_body = bool(force_include_body)
        self.include_version = include_version
        self._method = method
        self._finish(token, client_secret or "", token_secret, private_key)

    def _finish(
        self, token: str | None, client_secret: str, token_secret: str | None, private_key: Any
    ) -> None:
        if token is not None and not isinstance(token, str):
            raise TypeError("token must be a str or None")
        if token_secret is not None and not isinstance(token_secret, str):
            raise TypeError("token_secret must be a str or None")
        token_secret = token_secret or ""
        self.token = token or None
        self._key = SigningKey(
            client_secret,
            token_secret,
            private_key,
            f"{escape(client_secret)}&{escape(token_secret)}".encode("ascii"),
        )
        static = [
            ("oauth_consumer_key", escape(self.client_id)),
            _method_param(self.signature_method),
        ]
        if self.token:
            static.append(("oauth_token", escape(self.token)))
        if self.include_version:
            static.append(_VERSION_PARAM)
        self._static = tuple(static)
        self._header_start = (
            f'OAuth realm="{_quote_realm(self.realm)}", ' if self.realm is not None else "OAuth "
        )

    def _copy(self) -> OAuth1Signer:
        clone = object.__new__(OAuth1Signer)
        for name in OAuth1Signer.__slots__:
            object.__setattr__(clone, name, getattr(self, name))
        return clone

    @property
    def token_secret(self) -> str:
        """The token shared-secret ("" when none). Never shown by ``repr()``."""
        return self._key.token_secret

    @property
    def client_secret(self) -> str:
        """The client shared-secret ("" when none). Never shown by ``repr()``."""
        return self._key.client_secret

    def with_token(self, token: str | None, token_secret: str | None) -> OAuth1Signer:
        """The same client with another token (or none); the loaded key is reused."""
        clone = self._copy()
        clone._finish(token, self._key.client_secret, token_secret, self._key.private_key)
        return clone

    def with_realm(self, realm: str | Iterable[str] | None) -> OAuth1Signer:
        """The same signer with another ``realm`` for the ``Authorization`` header."""
        clone = self._copy()
        clone.realm = _join_realm(realm)
        clone._finish(
            self.token, self._key.client_secret, self._key.token_secret, self._key.private_key
        )
        return clone

    def __repr__(self) -> str:
        return (
            f"OAuth1Signer(client_id={self.client_id!r}, "
            f"signature_method={self.signature_method!r}, "
            f"signature_type={self.signature_type!r}, has_token={self.token is not None})"
        )


_VERSION_PARAM = ("oauth_version", "1.0")
#: ``("oauth_signature_method", escaped name)`` per method name, shared by the signers
_METHOD_PARAMS: dict[str, tuple[str, str]] = {}


def _method_param(name: str) -> tuple[str, str]:
    """The ``oauth_signature_method`` parameter: one tuple per method, not one per signer.

    RFC 5849 §3.1.
    """
    param = _METHOD_PARAMS.get(name)
    if param is None:
        param = _METHOD_PARAMS.setdefault(name, ("oauth_signature_method", escape(name)))
    return param


def _join_realm(realm: str | Iterable[str] | None) -> str | None:
    if realm is None or isinstance(realm, str):
        return realm
    return " ".join(realm)


def _quote_realm(realm: str) -> str:
    if any(ord(c) < 0x20 or c == "\x7f" for c in realm):
        raise ValueError("realm must not contain control characters")
    return realm.replace("\\", "\\\\").replace('"', '\\"')


def sign_request(
    request: Request,
    signer: OAuth1Signer,
    *,
    extra_params: Mapping[str, str] | None = None,
    nonce: str | None = None,
    timestamp: str | None = None,
) -> Request:
    """Sign ``request`` and place the protocol parameters where the signer says.

    ``extra_params`` are further ``oauth_*`` parameters for this request only
    (``oauth_callback``, ``oauth_verifier``). The body must have been read. A form body's
    parameters are signed; any other body is sent as it is and, with ``force_include_body``,
    covered by ``oauth_body_hash``. Header and query placement change ``request`` in place and
    return it; body placement returns a new request with the longer body.
    RFC 5849 §3.1, §3.4, §3.5.
    """
    headers = request.headers
    body = request.content
    is_form = _is_form(headers.get("content-type", ""))
    placement = signer.signature_type
    if (
        placement == SIGNATURE_TYPE_BODY
        and not is_form
        and (body or request.method.upper() in _NO_BODY_METHODS)
    ):
        raise ValueError(
            "signature_type BODY needs a form-encoded body (or an empty one on a method that "
            "may carry a body); use HEADER or QUERY for this request"
        )
    oauth = list(signer._static)
    oauth.append(("oauth_nonce", escape(nonce) if nonce is not None else generate_nonce()))
    oauth.append(
        ("oauth_timestamp", escape(timestamp) if timestamp is not None else generate_timestamp())
    )
    if extra_params:
        oauth.extend((escape(k), escape(v)) for k, v in extra_params.items())
    if signer.force_include_body and not is_form and placement != SIGNATURE_TYPE_BODY:
        oauth.append(("oauth_body_hash", escape(body_hash(body))))
    method = signer._method
    if method.uses_base_string:
        base = _base_string(request, oauth, body if is_form else None)
        signature = method.sign(base, signer._key)
    else:
        signature = method.sign("", signer._key)
    oauth.append(("oauth_signature", escape(signature)))

    if placement == SIGNATURE_TYPE_HEADER:
        headers["Authorization"] = signer._header_start + ", ".join(
            [f'{n}="{v}"' for n, v in oauth]
        )
        return request
    encoded = "&".join([f"{n}={v}" for n, v in oauth]).encode("ascii")
    if placement == SIGNATURE_TYPE_QUERY:
        query = request.url.query
        request.url = request.url.copy_with(query=query + b"&" + encoded if query else encoded)
        return request
    new_body = body + b"&" + encoded if body else encoded
    new_headers = headers.copy()
    new_headers.pop("transfer-encoding", None)
    new_headers["Content-Type"] = headers.get("content-type", CONTENT_TYPE_FORM_URLENCODED)
    new_headers["Content-Length"] = str(len(new_body))
    return Request(
        request.method,
        request.url,
        headers=new_headers,
        content=new_body,
        extensions=request.extensions,
    )


# --- tokens ----------------------------------------------------------------------------------


_SECRET_FIELDS = frozenset({"oauth_token_secret"})


class OAuth1Token(dict[str, Any]):
    """A token response (or the client's current token) as a plain dict.

    Holds ``oauth_token``, ``oauth_token_secret`` and whatever else the server sent; only
    ``repr()``/``str()`` differ from ``dict``: they hide the token secret. RFC 5849 §2.3.
    """

    def __repr__(self) -> str:
        shown = {k: (_REDACTED if k in _SECRET_FIELDS and v else v) for k, v in self.items()}
        return f"OAuth1Token({shown!r})"

    __str__ = __repr__


def _clean(text: str, limit: int = 200) -> str:
    # cut first: a hostile server's text may be megabytes long
    value = "".join(c if c.isprintable() else " " for c in text[:limit])
    return value if len(text) <= limit else value[: limit - 1] + "…"


def _parse_token_body(content: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """The fields of a token response body, or ``None`` and why it has none.

    The body is UTF-8 (RFC 5849 §3.6 encodes every parameter as UTF-8), decoded here rather
    than by httpx, whose ``response.text`` raises on a hostile ``charset``. A parameter sent
    twice makes the response ambiguous: it is refused rather than read as the first or
    the last. JSON (some servers answer with it) is parsed by ``_json.loads``.
    """
    try:
        text = content.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None, "the token response is not UTF-8"
    if text.startswith("{"):
        try:
            data = _json.loads(text)
        except ValueError:
            return None, None
        return (data, None) if isinstance(data, dict) else (None, None)
    try:
        pairs = parse_qsl(
            text.rstrip("&"), keep_blank_values=True, strict_parsing=True, errors="strict"
        )
    except ValueError:  # not a form body, or percent-encoded bytes that are not UTF-8
        return None, None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        return None, "the token response repeats a parameter"
    return fields, None


def _describe(response: Response, fields: Mapping[str, Any] | None) -> str:
    content_type = response.headers.get("content-type", "no content type").split(";")[0]
    parts = [f"{_clean(content_type, 60)}, {len(response.content)} bytes"]
    if fields:
        parts.append("fields: " + _clean(", ".join(sorted(map(str, fields))), 160))
    return "; ".join(parts)


def process_token_response(response: Response) -> OAuth1Token:
    """Read a temporary-credentials or token-credentials response.

    The body is form-encoded UTF-8 (JSON is accepted too) and must carry ``oauth_token``. An
    HTTP error, an OAuth error body, a body without a token, one that is not UTF-8 or that
    repeats a parameter raises [`TokenResponseError`][authwire.TokenResponseError] with the
    status and a secret-free excerpt (field names, never values). RFC 5849 §2.1, §2.3, §3.6.
    """
    fields, problem = _parse_token_body(response.content)
    status = response.status_code
    if status >= 400:
        error = fields.get("error") if fields else None
        if isinstance(error, str) and error:
            description = fields.get("error_description") if fields else None
            raise TokenResponseError(
                _clean(description)
                if isinstance(description, str) and description
                else "the server refused the token request",
                status_code=status,
                excerpt=_describe(response, None),
                error=_clean(error, 64),
            )
        raise TokenResponseError(
            "the server refused the token request",
            status_code=status,
            excerpt=_describe(response, fields),
            error="fetch_token_denied",
        )
    if not fields or not isinstance(fields.get("oauth_token"), str) or not fields["oauth_token"]:
        raise TokenResponseError(
            problem or "the token response carries no oauth_token",
            status_code=status,
            excerpt=_describe(response, fields),
        )
    secret = fields.get("oauth_token_secret", "")
    if not isinstance(secret, str):
        raise TokenResponseError(
            "oauth_token_secret in the token response is not a string",
            status_code=status,
            excerpt=_describe(response, fields),
        )
    return OAuth1Token(fields)


def build_authorization_url(url: str | URL, token: str, params: Mapping[str, Any]) -> str:
    """The resource-owner authorization URL: ``url`` plus ``oauth_token`` and ``params``.

    The URL's own query is kept as it is. RFC 5849 §2.2.
    """
    parts = urlsplit(str(url))
    added = urlencode([("oauth_token", token), *params.items()])
    query = f"{parts.query}&{added}" if parts.query else added
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


#: Callback parameters whose value ``parse_authorization_response`` acts on (with the
#: ``oauth_*`` ones): each may appear once.
_CALLBACK_SINGLE = frozenset({"denied", "error", "error_description", "error_uri"})


def parse_authorization_response(url: str | URL) -> dict[str, str]:
    """Read the redirect back from the authorization step into a dict.

    Expect ``oauth_token`` and ``oauth_verifier``. A ``denied`` parameter (as Twitter/X sends)
    or an ``error`` parameter raises
    [`AuthorizationResponseError`][authwire.AuthorizationResponseError]. So does a URL that
    cannot be parsed, percent-encoded bytes that are not UTF-8 (RFC 5849 §3.6), or an
    ``oauth_*``, ``denied`` or ``error*`` parameter given twice: which of the two was meant
    is unknowable, and an attacker who can add to the URL chooses. RFC 5849 §2.2.
    """
    try:
        text = str(url)
        text.encode("utf-8")  # a lone surrogate could never be signed or sent (RFC 5849 §3.6)
        pairs = parse_qsl(urlsplit(text).query, keep_blank_values=True, errors="strict")
    except ValueError:  # bad UTF-8 either way (UnicodeError), a bad IPv6 literal…
        raise AuthorizationResponseError(
            None, "the authorization response URL cannot be parsed"
        ) from None
    params = dict(pairs)
    if len(params) != len(pairs):
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen and (name.startswith("oauth_") or name in _CALLBACK_SINGLE):
                raise AuthorizationResponseError(
                    None, f"the authorization response repeats {_clean(name, 64)!r}"
                )
            seen.add(name)
    if "denied" in params:
        raise AuthorizationResponseError(
            "access_denied", "the resource owner denied the authorization request"
        )
    if "error" in params:
        description = params.get("error_description")
        raise AuthorizationResponseError(
            _clean(params["error"], 64) or None, _clean(description) if description else None
        )
    return params
