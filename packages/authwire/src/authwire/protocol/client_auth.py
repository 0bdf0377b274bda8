"""Client authentication at the token endpoint (RFC 6749 §2.3) as values, not subclasses.

A client authentication method is anything with a ``name`` that can be called as
``method(client, http_method, uri, headers, body) -> (uri, headers, body)`` — the same shape
Authlib's ``register_client_auth_method`` accepts — where ``body`` is the
``application/x-www-form-urlencoded`` string about to be sent. A method may also define
``prepare(client)``: it is called once when the method is registered (or the client is built)
so that a bad key or secret fails early, and so that keys are imported once, not per request.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable
from urllib.parse import parse_qsl, quote, urlencode

from .._value import Value

__all__ = [
    "BUILTIN_METHODS",
    "CLIENT_SECRET_BASIC",
    "CLIENT_SECRET_POST",
    "NONE",
    "ClientAuthMethod",
    "ClientCredentials",
    "ClientSecretBasic",
    "ClientSecretPost",
    "NoneAuth",
    "add_form_params",
    "basic_authorization",
    "named_method",
    "require_client_id",
]

CLIENT_SECRET_BASIC = "client_secret_basic"
CLIENT_SECRET_POST = "client_secret_post"
NONE = "none"

Headers = dict[str, str]


class ClientCredentials(Value):
    """What a client authentication method is told about the client.

    ``issuer`` is the authorization server's issuer identifier when known (RFC 8414), for
    methods that address assertions to it. Immutable, compared and hashed by value.
    """

    __slots__ = ("auth_method", "client_id", "client_secret", "issuer")
    __match_args__ = ("client_id", "client_secret", "auth_method", "issuer")

    client_id: str | None
    client_secret: Any
    auth_method: str
    issuer: str | None

    def __init__(
        self, client_id: str | None, client_secret: Any, auth_method: str, issuer: str | None = None
    ) -> None:
        object.__setattr__(self, "client_id", client_id)
        object.__setattr__(self, "client_secret", client_secret)
        object.__setattr__(self, "auth_method", auth_method)
        object.__setattr__(self, "issuer", issuer)

    def __repr__(self) -> str:
        return (
            f"ClientCredentials(client_id={self.client_id!r}, auth_method={self.auth_method!r}, "
            f"issuer={self.issuer!r})"
        )


@runtime_checkable
class ClientAuthMethod(Protocol):
    """The shape of a client authentication method (see the module docstring)."""

    @property
    def name(self) -> str: ...

    def __call__(
        self, client: ClientCredentials, method: str, uri: str, headers: Headers, body: str
    ) -> tuple[str, Headers, str]: ...


def _form_encode(value: str) -> str:
    # RFC 6749 §2.3.1 / Appendix B: application/x-www-form-urlencoded, where a space is '+'.
    return quote(value, safe="").replace("%20", "+")


def basic_authorization(client_id: str, client_secret: str) -> str:
    """The ``Authorization`` value for ``client_secret_basic``.

    The id and the secret are each form-urlencoded *before* they are joined with ``:`` and
    base64-encoded, so that a ``:`` or a non-ASCII character in either survives.
    RFC 6749 §2.3.1.
    """
    pair = f"{_form_encode(client_id)}:{_form_encode(client_secret)}"
    return "Basic " + base64.b64encode(pair.encode("ascii")).decode("ascii")


def add_form_params(body: str, params: Mapping[str, str]) -> str:
    """``body`` with ``params`` set (replacing any earlier value of the same names)."""
    pairs = [(k, v) for k, v in parse_qsl(body, keep_blank_values=True) if k not in params]
    pairs.extend(params.items())
    return urlencode(pairs)


def require_client_id(client: ClientCredentials) -> str:
    """The client's id, or a ``ValueError`` naming the method that needs it."""
    if not client.client_id:
        raise ValueError(f"client_id is required for the {client.auth_method!r} auth method")
    return client.client_id


class ClientSecretBasic:
    """HTTP Basic with the form-encoded id and secret. RFC 6749 §2.3.1."""

    name = CLIENT_SECRET_BASIC

    def prepare(self, client: ClientCredentials) -> None:
        require_client_id(client)
        if not isinstance(client.client_secret, str):
            raise TypeError("client_secret must be a str for client_secret_basic")

    def __call__(
        self, client: ClientCredentials, method: str, uri: str, headers: Headers, body: str
    ) -> tuple[str, Headers, str]:
        headers = dict(headers)
        headers["Authorization"] = basic_authorization(
            require_client_id(client), client.client_secret or ""
        )
        return uri, headers, body


class ClientSecretPost:
    """``client_id`` and ``client_secret`` in the form body. RFC 6749 §2.3.1."""

    name = CLIENT_SECRET_POST

    def prepare(self, client: ClientCredentials) -> None:
        require_client_id(client)
        if not isinstance(client.client_secret, str):
            raise TypeError("client_secret must be a str for client_secret_post")

    def __call__(
        self, client: ClientCredentials, method: str, uri: str, headers: Headers, body: str
    ) -> tuple[str, Headers, str]:
        params = {
            "client_id": require_client_id(client),
            "client_secret": client.client_secret or "",
        }
        return uri, headers, add_form_params(body, params)


class NoneAuth:
    """A public client: ``client_id`` in the body, no secret. RFC 6749 §2.3, §3.2.1.

    Without a ``client_id`` nothing is added: a JWT-bearer grant (RFC 7523 §2.1) may
    identify the client by its assertion alone.
    """

    name = NONE

    def __call__(
        self, client: ClientCredentials, method: str, uri: str, headers: Headers, body: str
    ) -> tuple[str, Headers, str]:
        if not client.client_id:
            return uri, headers, body
        return uri, headers, add_form_params(body, {"client_id": client.client_id})


class _NamedFunction(Value):
    """A ``(name, fn)`` pair registered as a method: immutable, compared by value."""

    __slots__ = ("fn", "name")
    __match_args__ = ("name", "fn")

    name: str
    fn: Callable[..., tuple[str, Headers, str]]

    def __init__(self, name: str, fn: Callable[..., tuple[str, Headers, str]]) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "fn", fn)

    def __repr__(self) -> str:
        return f"_NamedFunction(name={self.name!r}, fn={self.fn!r})"

    def __call__(
        self, client: ClientCredentials, method: str, uri: str, headers: Headers, body: str
    ) -> tuple[str, Headers, str]:
        return self.fn(client, method, uri, headers, body)


def named_method(auth: object) -> ClientAuthMethod:
    """Accept ``(name, fn)`` or an object with a ``name``, as registration does."""
    if isinstance(auth, tuple):
        if len(auth) != 2 or not isinstance(auth[0], str) or not callable(auth[1]):
            raise TypeError("auth must be a (name, callable) pair or an object with a .name")
        return _NamedFunction(auth[0], auth[1])
    name = getattr(auth, "name", None)
    if not isinstance(name, str) or not name or not callable(auth):
        raise TypeError("auth must be a (name, callable) pair or a callable with a str .name")
    return auth  # type: ignore[return-value]


#: The three methods every client knows. They hold no state: every client shares this
#: read-only mapping until it registers a method of its own (then it copies it).
BUILTIN_METHODS: Mapping[str, ClientAuthMethod] = MappingProxyType(
    {
        CLIENT_SECRET_BASIC: ClientSecretBasic(),
        CLIENT_SECRET_POST: ClientSecretPost(),
        NONE: NoneAuth(),
    }
)
