"""The OAuth 2 token as a dict, with expiry helpers and a repr that hides its secrets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._clock import Clock, system_clock
from .protocol._json import finite_number

__all__ = ["SECRET_TOKEN_FIELDS", "OAuth2Token", "is_dpop_token"]

SECRET_TOKEN_FIELDS = frozenset(
    {"access_token", "refresh_token", "id_token", "assertion", "code", "device_code"}
)
"""Token fields whose values are credentials: never shown by ``repr``/``str``."""


def is_dpop_token(token_type: object) -> bool:
    """Whether a token response's ``token_type`` says the token is DPoP-bound. RFC 9449 §5."""
    return isinstance(token_type, str) and token_type.lower() == "dpop"


def _number(value: Any) -> float | None:
    """A server's ``expires_in`` / ``expires_at`` as a usable number, else ``None``.

    NaN, infinities, a 400-digit integer and anything beyond
    `MAX_NUMBER` are no one's expiry: they are ignored like a
    missing member rather than raising ``OverflowError`` (RFC 6749 §5.1 makes ``expires_in``
    optional, so a token without a usable one is still a token).
    """
    return finite_number(value)


def _masked(value: Any, depth: int = 0) -> Any:
    """``value`` with every secret field hidden, at any depth (Slack nests a user token under
    ``authed_user``; other providers nest theirs too). Bounded: hostile nesting is cut off."""
    if depth > 20:
        return "..."
    if isinstance(value, Mapping):
        return {
            k: ("***" if k in SECRET_TOKEN_FIELDS else _masked(v, depth + 1))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_masked(v, depth + 1) for v in value]
    return value


class OAuth2Token(dict[str, Any]):
    """A token response (RFC 6749 §5.1) that knows when it expires.

    ``expires_at`` (seconds since the epoch) is computed from ``expires_in`` when the token is
    made, unless the provider or a stored copy already gives it. The dict keeps every field the
    provider returned.

    Args:
        params: The token response's fields (or a stored copy of them).
        clock: Where ``expires_at`` is dated from; a
            [`FakeClock`][authwire.testing.FakeClock] in tests.
    """

    def __init__(
        self, params: Mapping[str, Any] | None = None, *, clock: Clock = system_clock
    ) -> None:
        super().__init__(params or {})
        expires_at = _number(self.get("expires_at"))
        expires_in = _number(self.get("expires_in"))
        if expires_at is not None:
            self["expires_at"] = int(expires_at)
        elif expires_in is not None and expires_in > 0:
            self["expires_at"] = int(clock() + expires_in)
        elif "expires_at" in self:
            del self["expires_at"]

    @classmethod
    def from_dict(cls, token: Mapping[str, Any] | OAuth2Token) -> OAuth2Token:
        """Wrap a stored or provider dict (an ``OAuth2Token`` is returned as is)."""
        if isinstance(token, OAuth2Token):
            return token
        if not isinstance(token, Mapping):
            raise TypeError(f"token must be a mapping, not {type(token).__name__}")
        return cls(token)

    @property
    def expires_at(self) -> int | None:
        """When the token expires, in seconds since the epoch; ``None`` when unknown."""
        value = self.get("expires_at")
        return value if isinstance(value, int) else None

    @property
    def access_token(self) -> str | None:
        """The ``access_token``, or ``None`` when the field is absent or not a string."""
        value = self.get("access_token")
        return value if isinstance(value, str) else None

    @property
    def refresh_token(self) -> str | None:
        """The ``refresh_token``, or ``None`` when the field is absent or not a string."""
        value = self.get("refresh_token")
        return value if isinstance(value, str) else None

    def lifetime(self) -> float | None:
        """The lifetime the provider gave (``expires_in``), when known."""
        value = _number(self.get("expires_in"))
        return value if value is not None and value > 0 else None

    def effective_leeway(self, leeway: float) -> float:
        """``leeway``, but never more than half the token's lifetime.

        A 30-second token with the default 60-second leeway would otherwise be "expired on
        arrival" and refreshed before every request.
        """
        lifetime = self.lifetime()
        if lifetime is None:
            return leeway
        return min(leeway, lifetime / 2)

    def is_expired(self, leeway: float = 60, *, clock: Clock = system_clock) -> bool | None:
        """Whether the token expires within ``leeway`` seconds; ``None`` when it has no expiry."""
        expires_at = self.expires_at
        if expires_at is None:
            return None
        return expires_at - self.effective_leeway(leeway) < clock()

    def __repr__(self) -> str:
        return f"OAuth2Token({_masked(self)!r})"

    __str__ = __repr__
