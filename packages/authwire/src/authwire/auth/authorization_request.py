"""``AuthorizationRequest``: what a client remembers between the redirect and the callback.

Loaded when an authorization URL is first built or a saved request is given back, not
with the client.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._value import Value

__all__ = ["AuthorizationRequest"]


class AuthorizationRequest(Value):
    """What the client must remember between the authorization URL and the callback.

    Convert it with [`to_dict`][authwire.AuthorizationRequest.to_dict] to keep it in a web
    session, and give it back with [`from_dict`][authwire.AuthorizationRequest.from_dict] to a
    new client to finish the flow there. Its ``state``, verifier and nonce are one-time
    secrets of this login: ``repr`` leaves them out. It is immutable, hashable and compares
    by value.

    Attributes:
        state: The ``state`` sent, which the callback must echo (RFC 6749 §10.12).
        code_verifier: The PKCE verifier sent with the code (RFC 7636 §4.1); ``None``
            without PKCE.
        nonce: The OpenID Connect ``nonce`` the ID token must carry (Core §3.1.2.1).
        redirect_uri: The ``redirect_uri`` sent, repeated in the token request (RFC 6749
            §4.1.3).
        max_age: The ``max_age`` sent, checked against the ID token's ``auth_time``
            (OpenID Connect Core §3.1.3.7).
    """

    __slots__ = ("code_verifier", "max_age", "nonce", "redirect_uri", "state")
    __match_args__ = ("state", "code_verifier", "nonce", "redirect_uri", "max_age")

    state: str
    code_verifier: str | None
    nonce: str | None
    redirect_uri: str | None
    max_age: int | None

    def __init__(
        self,
        state: str,
        code_verifier: str | None = None,
        nonce: str | None = None,
        redirect_uri: str | None = None,
        max_age: int | None = None,
    ) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "state", state)
        setattr_(self, "code_verifier", code_verifier)
        setattr_(self, "nonce", nonce)
        setattr_(self, "redirect_uri", redirect_uri)
        setattr_(self, "max_age", max_age)

    def to_dict(self) -> dict[str, str]:
        """The fields that are set, as a dict a web session can store (JSON-serializable)."""
        return {
            name: value
            for name, value in zip(self.__match_args__, self._values(), strict=True)
            if value is not None
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AuthorizationRequest:
        """Rebuild it from [`to_dict`][authwire.AuthorizationRequest.to_dict]'s output.

        Unknown keys are ignored, so a session written by a later version still loads; a
        missing or non-``str`` ``state`` raises ``ValueError``.
        """
        if not isinstance(data, Mapping) or not isinstance(data.get("state"), str):
            raise ValueError("an authorization request needs at least a str 'state'")
        return cls(**{k: v for k, v in data.items() if k in cls.__slots__})

    def __repr__(self) -> str:
        # state, verifier and nonce are one-time secrets of this login
        return f"AuthorizationRequest(redirect_uri={self.redirect_uri!r})"
