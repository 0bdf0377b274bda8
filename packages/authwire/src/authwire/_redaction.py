"""The secrets a request carries, so that an error built from its answer can hide them.

A server may echo what it was sent (``error_description: "refresh token X is revoked"``, an
HTML error page quoting the form). The drivers remember the requests a flow sent to the
authorization server and, when an :class:`~authwire.OAuthError` leaves the flow, redact every
credential those requests carried — and every secret the client itself holds — from it.
Nothing here runs unless an error does.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote, unquote_plus

from ._compat import Request, RequestNotRead

__all__ = ["SECRET_PARAMETERS", "request_secrets"]

#: Form and query parameters whose values are credentials (RFC 6749 §2.3.1, §4.1.3, §4.3.2,
#: §6; RFC 7636 §4.5; RFC 7523 §2; RFC 7009 §2.1; RFC 7662 §2.1; RFC 8628 §3.4; RFC 8693
#: §2.1; RFC 5849 §3.1).
SECRET_PARAMETERS = frozenset(
    {
        "access_token",
        "refresh_token",
        "id_token",
        "id_token_hint",
        "code",
        "code_verifier",
        "client_secret",
        "client_assertion",
        "assertion",
        "password",
        "token",
        "device_code",
        "subject_token",
        "actor_token",
        "request",
        "oauth_signature",
        "oauth_token",
        "oauth_verifier",
        "oauth_token_secret",
    }
)


def _authorization_secrets(value: str) -> Iterable[str]:
    scheme, _, credentials = value.strip().partition(" ")
    credentials = credentials.strip()
    scheme = scheme.lower()
    if scheme == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return
        _, _, password = decoded.partition(":")
        yield password
        yield unquote_plus(password)  # client_secret_basic form-encodes it (RFC 6749 §2.3.1)
    elif scheme == "oauth":
        for item in credentials.split(","):
            name, _, quoted = item.strip().partition("=")
            if name in SECRET_PARAMETERS:
                raw = quoted.strip('"')
                yield raw
                yield from unquote(raw).split("&")  # PLAINTEXT: the two secrets themselves
    elif credentials:
        yield credentials  # Bearer, DPoP: the token itself


def _form_secrets(text: str) -> Iterable[str]:
    for name, value in parse_qsl(text, keep_blank_values=False):
        if name in SECRET_PARAMETERS:
            yield value
            if name == "oauth_signature":
                yield from value.split("&")


def request_secrets(request: Request) -> set[str]:
    """Every credential ``request`` carries: in its headers, its query and its form body."""
    found: set[str] = set()
    authorization = request.headers.get("authorization")
    if authorization:
        found.update(_authorization_secrets(authorization))
    proof = request.headers.get("dpop")
    if proof:
        found.add(proof)
    query = request.url.query.decode("ascii", "replace")
    if query:
        found.update(_form_secrets(query))
    try:
        content = request.content
    except RequestNotRead:  # a streamed body: never read here
        content = b""
    if content:
        found.update(_form_secrets(content.decode("utf-8", "replace")))
    return {s for s in found if s}
