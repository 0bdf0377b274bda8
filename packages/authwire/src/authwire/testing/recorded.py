"""A request as a fake server saw it, decoded the ways a test wants to read it.

``form`` (RFC 6749 §B ``application/x-www-form-urlencoded``), ``json``, ``query``,
``basic_auth`` (RFC 6749 §2.3.1: each half form-url-decoded after base64), ``bearer``
(RFC 6750 §2.1), and [`decode_jwt()`][authwire.testing.recorded.decode_jwt] to read an assertion or
a client secret JWT without
verifying it.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from .._compat import Request, httpx

__all__ = ["DecodedJWT", "RecordedRequest", "decode_jwt"]


@dataclass(frozen=True)
class RecordedRequest:
    """A request as the provider saw it, with its body kept for decoding.

    Attributes:
        method: the HTTP method, upper case.
        url: the full URL, query included.
        headers: a copy of the headers, so later changes to the request do not show.
        content: the body, read once so it can be decoded any number of times.
    """

    method: str
    url: httpx.URL
    headers: httpx.Headers
    content: bytes

    @classmethod
    def of(cls, request: Request) -> RecordedRequest:
        """Record ``request`` (its body is read)."""
        return cls(request.method, request.url, request.headers.copy(), request.read())

    @property
    def path(self) -> str:
        """The URL's path, what most assertions compare."""
        return self.url.path

    @property
    def query(self) -> dict[str, str]:
        """The query parameters (the last value of a repeated one)."""
        return dict(self.url.params.items())

    @property
    def form(self) -> dict[str, str]:
        """The body decoded as a form (blank values kept; the last of a repeated name)."""
        return dict(parse_qsl(self.content.decode("utf-8"), keep_blank_values=True))

    @property
    def json(self) -> Any:
        """The body decoded as JSON (``ValueError`` when it is not JSON)."""
        return json.loads(self.content)

    @property
    def data(self) -> dict[str, Any]:
        """The body's fields, read by its ``Content-Type``: a JSON object or a form."""
        if "json" in self.headers.get("content-type", ""):
            value = self.json
            if not isinstance(value, dict):
                raise ValueError("the JSON body is not an object")
            return value
        return dict(self.form)

    @property
    def basic_auth(self) -> tuple[str, str] | None:
        """``(client_id, client_secret)`` from ``Authorization: Basic``, or ``None``.

        RFC 6749 §2.3.1: both halves are form-url-encoded before base64, so they are
        decoded here (``%3A`` in an id is a colon, ``+`` a space).
        """
        scheme, _, value = self.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        user, colon, password = decoded.partition(":")
        if not colon:
            return None
        return unquote_plus(user), unquote_plus(password)

    @property
    def bearer(self) -> str | None:
        """The token of ``Authorization: Bearer <token>``, or ``None``."""
        scheme, _, value = self.headers.get("authorization", "").partition(" ")
        return value.strip() or None if scheme.lower() == "bearer" else None


@dataclass(frozen=True)
class DecodedJWT:
    """A compact JWS, decoded but NOT verified: for looking at what a client sent.

    Attributes:
        header: the JOSE header (``alg``, ``kid``, ``typ``...).
        claims: the payload's claims.
    """

    header: dict[str, Any]
    claims: dict[str, Any]


def _segment(text: str) -> dict[str, Any]:
    padded = text + "=" * (-len(text) % 4)
    value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    if not isinstance(value, dict):
        raise ValueError("a JWT segment is not a JSON object")
    return value


def decode_jwt(token: str) -> DecodedJWT:
    """The header and claims of a compact JWT, without checking the signature.

    ``ValueError`` when ``token`` is not three base64url segments of JSON objects.
    """
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("a compact JWT has three segments")
    try:
        return DecodedJWT(_segment(parts[0]), _segment(parts[1]))
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError("a JWT segment is not base64url JSON") from exc
