"""Bearer Token Usage, RFC 6750: presenting a token and reading the challenge."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

from .._compat import Request
from .._value import Value

__all__ = [
    "TOKEN_PLACEMENTS",
    "Challenge",
    "is_invalid_token_challenge",
    "parse_www_authenticate",
    "place_bearer_token",
]

TOKEN_PLACEMENTS = frozenset({"header", "body", "uri", "query"})
_FORM = "application/x-www-form-urlencoded"


def place_bearer_token(request: Request, access_token: str, placement: str = "header") -> Request:
    """Put the token where ``placement`` says; returns the request to send.

    ``header`` (§2.1, the only one RFC 9700 recommends) updates ``request`` in place;
    ``body`` (§2.2) needs a form body; ``uri``/``query`` (§2.3) puts the token in the URL,
    which ends up in logs — httpx itself logs full URLs at INFO. RFC 6750 §2.
    """
    if placement == "header":
        request.headers["Authorization"] = f"Bearer {access_token}"
        return request
    if placement in ("uri", "query"):
        request.url = request.url.copy_set_param("access_token", access_token)
        return request
    if placement == "body":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if request.method in ("GET", "HEAD") or (ctype and ctype != _FORM):
            raise ValueError(
                "token_placement='body' needs a form-encoded request body (RFC 6750 §2.2)"
            )
        pairs = parse_qsl(request.content.decode("utf-8"), keep_blank_values=True)
        pairs = [(k, v) for k, v in pairs if k != "access_token"]
        pairs.append(("access_token", access_token))
        headers = request.headers.copy()
        headers.pop("content-length", None)
        headers["Content-Type"] = _FORM
        return Request(
            request.method,
            request.url,
            headers=headers,
            content=urlencode(pairs).encode("ascii"),
            extensions=request.extensions,
        )
    raise ValueError(f"token_placement must be 'header', 'body' or 'uri', not {placement!r}")


#: the marker of ``Challenge(scheme)`` built without ``params`` (never stored)
_NO_PARAMS: dict[str, str] = {}


class Challenge(Value):
    """One challenge of a ``WWW-Authenticate`` header: its scheme and parameters.

    Immutable, compared and hashed by value.
    """

    __slots__ = ("params", "scheme", "token68")
    __match_args__ = ("scheme", "params", "token68")

    scheme: str
    params: dict[str, str]
    token68: str | None

    def __init__(
        self, scheme: str, params: dict[str, str] = _NO_PARAMS, token68: str | None = None
    ) -> None:
        object.__setattr__(self, "scheme", scheme)
        # a new dict for each challenge built without one, as a default factory would give
        object.__setattr__(self, "params", {} if params is _NO_PARAMS else params)
        object.__setattr__(self, "token68", token68)

    def __repr__(self) -> str:
        return (
            f"Challenge(scheme={self.scheme!r}, params={self.params!r}, token68={self.token68!r})"
        )


_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_PATTERNS: tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]] | None = None


def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """``(scheme, auth-param, token68)``, compiled on the first challenge read, not at import."""
    global _PATTERNS  # a module-level cache, filled once
    if _PATTERNS is None:
        _PATTERNS = (
            re.compile(rf"\s*({_TOKEN})(?:\s+|$)"),
            re.compile(rf"\s*({_TOKEN})\s*=\s*({_TOKEN}|{_QUOTED})\s*"),
            re.compile(r"\s*([A-Za-z0-9\-._~+/]+=*)\s*(?:,|$)"),
        )
    return _PATTERNS


def parse_www_authenticate(value: str) -> list[Challenge]:
    """Split a ``WWW-Authenticate`` value into challenges (RFC 9110 §11.6.1, RFC 6750 §3).

    Never raises: what does not parse ends the list. Parameter names are case-insensitive
    and "MUST only occur once per challenge" (RFC 9110 §11.2); of a name sent again, the
    first value is kept, so a second ``error=`` cannot override the first.
    """
    scheme_re, param_re, token68_re = _patterns()
    challenges: list[Challenge] = []
    pos, end = 0, len(value)
    while pos < end:
        while pos < end and value[pos] in " ,":
            pos += 1
        match = scheme_re.match(value, pos)
        if match is None:
            break
        scheme, pos = match.group(1), match.end()
        params: dict[str, str] = {}
        token68 = None
        is_param = param_re.match(value, pos)
        t68 = token68_re.match(value, pos)
        if is_param is None and t68 is not None:
            token68, pos = t68.group(1), t68.end()
        else:
            while pos < end:
                param = param_re.match(value, pos)
                if param is None:
                    break
                raw = param.group(2)
                if raw.startswith('"'):
                    raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
                params.setdefault(param.group(1).lower(), raw)
                pos = param.end()
                if pos < end and value[pos] == ",":
                    # a comma ends this param; the next item is a param or a new scheme
                    nxt = param_re.match(value, pos + 1)
                    if nxt is None:
                        pos += 1
                        break
                    pos += 1
        challenges.append(Challenge(scheme, params, token68))
    return challenges


def is_invalid_token_challenge(value: str | None, scheme: str = "bearer") -> bool:
    """Whether a 401's ``WWW-Authenticate`` says the token is invalid or expired. RFC 6750 §3.1."""
    if not value:
        return False
    return any(
        c.scheme.lower() == scheme and c.params.get("error") == "invalid_token"
        for c in parse_www_authenticate(value)
    )
