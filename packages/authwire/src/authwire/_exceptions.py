"""Errors raised by authwire.

Two families, never mixed:

* Caller misuse — a bad argument, a key that cannot sign, a missing endpoint — raises
  `ValueError` or `TypeError` as early as possible, naming the argument.
* Protocol failure — the other side said no, or said something that is not OAuth — raises
  [`OAuthError`][authwire._exceptions.OAuthError] or one of its subclasses::

    OAuthError(error, description=None, uri=None)
    ├── AuthorizationResponseError     an error in the redirect back (RFC 6749 §4.1.2.1)
    │   ├── MismatchingStateError      `state` differs from the one we sent
    │   ├── MismatchingIssuerError     `iss` differs from the expected issuer (RFC 9207)
    │   └── MissingCodeError           no `code` and no error in the redirect
    ├── ResponseError                  an endpoint answered with something that is not OAuth
    │   ├── TokenResponseError         the token endpoint answered with no usable token
    │   ├── RedirectRefusedError       an authorization server endpoint answered with a redirect
    │   └── ResponseTooLargeError      an answer longer than the client reads
    ├── MissingTokenError              a token is needed and none is known
    ├── InvalidTokenError              the resource server rejected the token
    ├── TokenExpiredError              expired, and nothing to renew it with
    ├── UnsupportedTokenTypeError      a token type we cannot present (RFC 6749 §7.1)
    ├── DeviceFlowError                the device flow ended without a token (RFC 8628)
    │   ├── AccessDeniedError          the user said no
    │   └── DeviceCodeExpiredError     the device code expired first
    ├── InsecureTransportError         plain http:// to a non-loopback host (also a ValueError)
    └── IDTokenError                   an OpenID Connect ID token check failed

No message built here ever contains a token, secret, key or signature: the text comes from
the error code, the server's ``error_description`` and safe excerpts only. What a server
sends is cleaned on the way in (control, escape and bidi characters dropped, length capped),
and the drivers [`redact()`][authwire._exceptions.OAuthError.redact] every secret the client knows
before an error
leaves a flow, so a server that echoes a secret back does not get it into a log.

Every error of the family survives `copy.copy()` and `pickle` with its type and
fields (a failed renewal is handed to each waiting request as its own copy).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

__all__ = [
    "AccessDeniedError",
    "AuthorizationResponseError",
    "DeviceCodeExpiredError",
    "DeviceFlowError",
    "IDTokenError",
    "InsecureTransportError",
    "InvalidTokenError",
    "MismatchingIssuerError",
    "MismatchingStateError",
    "MissingCodeError",
    "MissingTokenError",
    "OAuthError",
    "RedirectRefusedError",
    "ResponseError",
    "ResponseTooLargeError",
    "TokenExpiredError",
    "TokenResponseError",
    "TokenStoreConflictError",
    "TokenStoreError",
    "TokenStoreUnavailableError",
    "UnsupportedTokenTypeError",
]

MAX_TEXT = 300
"""The longest server-provided text kept in a message (``error_description``, a body excerpt)."""
MAX_CODE = 100
"""The longest ``error`` code or ``error_uri`` kept."""
MAX_URI = 300
_REDACTED = "[redacted]"
_BREAKS = frozenset("\t\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029")
MIN_SECRET = 4
"""Secrets shorter than this are not searched for: they would blank out ordinary words."""


def clean_text(value: object, limit: int = MAX_TEXT) -> str:
    """Server text made safe to print, at most ``limit`` characters.

    Control, escape, bidi and other invisible characters (Unicode categories C*) are
    dropped and line breaks become spaces, so a server cannot forge log lines or reorder
    what a reader sees.
    """
    text = str(value)
    if not text.isprintable():
        text = "".join(
            ch if ch.isprintable() else " " if ch in _BREAKS else ""
            for ch in text
            if ch.isprintable() or ch in _BREAKS or unicodedata.category(ch)[0] != "C"
        )
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, _REDACTED)
    return text


def _rebuild(cls: type[BaseException], args: tuple[Any, ...]) -> BaseException:
    error = cls.__new__(cls)
    error.args = args
    return error


def clone_exception(error: BaseException) -> BaseException:
    """A new exception of ``error``'s type with the same fields and no traceback.

    Each request that waited for a renewal which failed gets its own copy (one exception
    object raised in many threads or tasks would have its traceback rewritten under them).
    Unlike `copy.copy()` this never calls ``__init__``, so it works for any signature.
    """
    cls = type(error)
    try:
        clone = cls.__new__(cls)
        clone.args = error.args
        clone.__dict__.update(getattr(error, "__dict__", {}))
    except Exception:  # an exotic exception type: share the original rather than fail
        return error
    clone.__cause__ = error.__cause__
    clone.__suppress_context__ = error.__suppress_context__
    return clone


class OAuthError(Exception):
    """A protocol failure: the ``error`` code, its description and URI (RFC 6749 §5.2).

    Args:
        error: The error code; ``None`` keeps the class's own.
        description: Human-readable text; ``None`` keeps the class's own.
        uri: A page about the error, when the server names one.

    Attributes:
        error: The ``error`` code, which code can branch on (RFC 6749 §5.2).
        description: The ``error_description``, for people, not for branching.
        uri: The ``error_uri``, a page about the error, or ``None``.
        extra: Other members of the server's error object (GitHub's ``interval`` on
            ``slow_down``, for example); never part of ``str()`` or ``repr()``.
    """

    error: str = "oauth_error"
    description: str | None = None
    extra: dict[str, object]

    def __init__(
        self,
        error: str | None = None,
        description: str | None = None,
        uri: str | None = None,
    ) -> None:
        if error is not None:
            self.error = clean_text(error, MAX_CODE)
        if description is not None:
            self.description = clean_text(description)
        self.uri = None if uri is None else clean_text(uri, MAX_URI)
        self.extra = {}
        super().__init__(self.error, self.description, self.uri)

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt without calling __init__, whose signature differs per subclass
        return (_rebuild, (type(self), self.args), dict(self.__dict__))

    def redact(self, secrets: Iterable[str]) -> None:
        """Replace each of ``secrets`` in this error's text (a server may echo them)."""
        found = [s for s in secrets if len(s) >= MIN_SECRET]
        if not found:
            return
        self.error = _redact(self.error, found)
        if self.description is not None:
            self.description = _redact(self.description, found)
        if self.uri is not None:
            self.uri = _redact(self.uri, found)
        for name in ("excerpt", "reason"):
            value = self.__dict__.get(name)
            if isinstance(value, str):
                self.__dict__[name] = _redact(value, found)
        self.args = tuple(_redact(a, found) if isinstance(a, str) else a for a in self.args)

    def __str__(self) -> str:
        text = self.error
        if self.description:
            text = f"{text}: {self.description}"
        if self.uri:
            text = f"{text} ({self.uri})"
        return text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(error={self.error!r}, "
            f"description={self.description!r}, uri={self.uri!r})"
        )


class AuthorizationResponseError(OAuthError):
    """The redirect back from the authorization endpoint carries an error or fails a check."""

    error = "invalid_authorization_response"


class MismatchingStateError(AuthorizationResponseError):
    """The ``state`` in the redirect is not the one this client sent (CSRF protection)."""

    error = "mismatching_state"
    description = "the state in the authorization response does not match the request"


class MismatchingIssuerError(AuthorizationResponseError):
    """The ``iss`` in the redirect is absent or not the expected issuer (RFC 9207 §2.4)."""

    error = "mismatching_issuer"
    description = "the iss in the authorization response is not the expected issuer"


class MissingCodeError(AuthorizationResponseError):
    """The redirect carries neither a ``code`` nor an ``error``."""

    error = "missing_code"
    description = "the authorization response carries no code"


class ResponseError(OAuthError):
    """An endpoint answered with something that is not the OAuth answer it owes.

    HTML, an empty body, non-JSON, or JSON without a required member.

    Args:
        description: What was wrong; the class's default when ``None``.
        status_code: The HTTP status, to tell an outage (5xx) from a misconfiguration.
        excerpt: A short, secret-free description of the body.
        error: The error code; ``None`` keeps the class's own.

    Attributes:
        status_code: The HTTP status of the answer, or ``None``.
        excerpt: A short, secret-free description of the body, or ``None``.
    """

    error = "invalid_response"
    _default = "the endpoint returned no usable answer"

    def __init__(
        self,
        description: str | None = None,
        *,
        status_code: int | None = None,
        excerpt: str | None = None,
        error: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.excerpt = None if excerpt is None else clean_text(excerpt)
        excerpt = self.excerpt
        parts = [description or self._default]
        if status_code is not None:
            parts.append(f"HTTP {status_code}")
        if excerpt:
            parts.append(f"body: {excerpt}")
        super().__init__(error, "; ".join(parts))


class TokenResponseError(ResponseError):
    """The token endpoint answered with something that is not a token.

    HTML, an empty body, non-JSON, or JSON without ``access_token``. ``status_code`` is the
    HTTP status and ``excerpt`` a short, secret-free description of the body.
    """

    error = "invalid_token_response"
    _default = "the token endpoint returned no token"


class RedirectRefusedError(ResponseError):
    """An authorization server endpoint answered with a redirect, which is never followed.

    Following it would re-send the client's credentials (a refresh token, a code and its
    verifier, the client secret) to wherever the ``Location`` points.

    Args:
        description: What was refused; the class's default when ``None``.
        status_code: The redirect's HTTP status.
        origin: The origin of the ``Location``, never its path or query (they may hold
            secrets).

    Attributes:
        location_origin: Where the redirect pointed (scheme, host and port only).
    """

    error = "redirect_refused"
    _default = "the endpoint answered with a redirect, which is not followed"

    def __init__(
        self, description: str | None = None, *, status_code: int | None = None, origin: str = ""
    ) -> None:
        self.location_origin = clean_text(origin, MAX_URI)
        super().__init__(description, status_code=status_code)


class ResponseTooLargeError(ResponseError):
    """An endpoint's answer is longer than the client reads (``max_response_bytes``)."""

    error = "response_too_large"
    _default = "the endpoint's answer is larger than the client reads"


class TokenStoreError(OAuthError):
    """A token store ([`authwire.stores`][authwire.stores]) failed; ``store`` names which one.

    The token held in memory is kept: the client works again once the store does.

    Args:
        description: What failed.
        store: Which store, so a log tells two stores apart; prefixed to the description.

    Attributes:
        store: Which store failed (its class and where it keeps tokens), or ``""``.
    """

    error = "token_store_error"

    def __init__(self, description: str, *, store: str = "") -> None:
        self.store = clean_text(store, MAX_URI)
        super().__init__(description=f"{self.store}: {description}" if store else description)


class TokenStoreUnavailableError(TokenStoreError):
    """The store could not be reached (Redis down, a database locked for too long...)."""

    error = "token_store_unavailable"


class TokenStoreConflictError(TokenStoreError):
    """A renewed token could not be saved: another process saved a newer one first.

    Raised when this client's refresh lease expired while it was renewing (it stalled for
    longer than the store's ``lease_ttl``) and the token now stored is not usable either.
    """

    error = "token_store_conflict"


class MissingTokenError(OAuthError):
    """A token is required for this call and the client has none."""

    error = "missing_token"
    description = "no token is known; fetch one first"


class InvalidTokenError(OAuthError):
    """The resource server rejected the access token (RFC 6750 §3.1 ``invalid_token``)."""

    error = "invalid_token"


class TokenExpiredError(OAuthError):
    """The token has expired and there is neither a refresh token nor a grant to re-run."""

    error = "token_expired"
    description = "the access token has expired and cannot be renewed"


class UnsupportedTokenTypeError(OAuthError):
    """The token's ``token_type`` is not one this client can present (RFC 6749 §7.1)."""

    error = "unsupported_token_type"


class InsecureTransportError(OAuthError, ValueError):
    """Plain ``http://`` to a host other than loopback, without opting in (RFC 9700 §2.6)."""

    error = "insecure_transport"
    description = "OAuth 2 requires https:// except for loopback hosts"


class DeviceFlowError(OAuthError):
    """The device authorization grant ended without a token (RFC 8628 §3.5)."""

    error = "device_flow_error"


class AccessDeniedError(DeviceFlowError):
    """The user declined the device's request (RFC 8628 §3.5 ``access_denied``)."""

    error = "access_denied"
    description = "the user denied the authorization request"


class DeviceCodeExpiredError(DeviceFlowError):
    """The device code expired before the user approved (RFC 8628 §3.5 ``expired_token``)."""

    error = "expired_token"
    description = "the device code expired before the user approved the request"


class IDTokenError(OAuthError):
    """An ID token failed a check of OpenID Connect Core §3.1.3.7; ``reason`` names it.

    Args:
        reason: The check that failed, one of the ``ID_TOKEN_*`` codes of
            `authwire.protocol.oidc_core`, so code can branch on it.
        description: Longer text, for people; ``reason`` when ``None``.

    Attributes:
        reason: The check that failed (``"exp"``, ``"signature"``, ``"nonce"``...).
    """

    error = "invalid_id_token"

    def __init__(self, reason: str, description: str | None = None) -> None:
        self.reason = reason
        super().__init__(None, description or reason)
