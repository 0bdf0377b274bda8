"""Resource-server scopes: the only scopes of Cognito's client credentials grant.

A user pool defines its own APIs as *resource servers*, each with an identifier and custom
scopes; a client asks for a scope by its full name ``{identifier}/{scope name}``
(``https://myphotosapi.example.com/photos.read``, ``com.example.photos/read``). The client
credentials grant only grants such custom scopes, and a client that asks for one it is not
allowed gets ``invalid_scope`` and no token.

https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

__all__ = ["RESOURCE_SERVERS_DOCS", "client_credentials_scope", "resource_server_scope"]

#: Cognito's page on resource servers and custom scopes.
RESOURCE_SERVERS_DOCS: Final = (
    "https://docs.aws.amazon.com/cognito/latest/developerguide/"
    "cognito-user-pools-define-resource-servers.html"
)


def resource_server_scope(identifier: str, name: str) -> str:
    """The full name of a custom scope: ``{identifier}/{name}``.

    ``resource_server_scope("com.example.photos", "read")`` is ``"com.example.photos/read"``.
    Raises ``ValueError`` for an empty part or one with spaces, or a ``name`` with ``/``.
    """
    for label, value in (("identifier", identifier), ("name", name)):
        if not isinstance(value, str) or not value or any(c.isspace() for c in value):
            raise ValueError(f"{label} must be a non-empty str without spaces, not {value!r}")
    if "/" in name:
        raise ValueError(f"name is the scope's own name, without '/': {name!r}")
    return f"{identifier.rstrip('/')}/{name}"


def client_credentials_scope(scopes: str | Iterable[str] | None) -> str | None:
    """``scopes`` as the ``scope`` parameter of a client credentials request, checked.

    ``None`` asks for no scope, and Cognito then grants every custom scope the app client
    is allowed. Each scope must be a resource-server scope (``identifier/name``): the
    grant has no others (``openid``, ``email`` belong to user sign-in), so a bare name is
    refused here with the reason, rather than by Cognito with a bare ``invalid_scope``.
    https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
    """
    if scopes is None:
        return None
    if isinstance(scopes, str):
        words = scopes.split()
    elif isinstance(scopes, Iterable):
        words = list(scopes)
    else:
        raise TypeError("scopes must be a str, an iterable of str, or None")
    if not words:
        raise ValueError("scopes must name at least one scope, or be None for all allowed")
    for word in words:
        if not isinstance(word, str) or not word or any(c.isspace() for c in word):
            raise ValueError(f"scopes: {word!r} is not one scope")
        identifier, slash, name = word.rpartition("/")
        if not slash or not identifier or not name:
            raise ValueError(
                f"scopes: {word!r} is not a resource-server scope; Cognito's client "
                "credentials grant takes '{identifier}/{scope name}' (use "
                "resource_server_scope(identifier, name))"
            )
    return " ".join(words)
