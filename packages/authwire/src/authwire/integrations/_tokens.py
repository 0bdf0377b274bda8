"""Where the signed-in users' tokens live: a server-side token store, keyed by user.

Only the pending sign-in goes in the framework's session (a signed, not encrypted, cookie by
default); the tokens go to an [`authwire.stores`][authwire.stores] store under a key per user. A
per-user
client is built with ``token_store=`` and ``token_key=``: it loads the token itself and
renews it single-flight per user (across processes with a shared store), saving each new one.
"""

from __future__ import annotations

from typing import Any

from ..stores import MemoryStore, TokenStore
from ..token import OAuth2Token

__all__ = ["client_token_kwargs", "default_token_store", "stored_token"]


def default_token_store() -> TokenStore:
    """A [`MemoryStore`][authwire.stores.MemoryStore]: one process only (documented as such)."""
    return MemoryStore()


def stored_token(stored: Any) -> OAuth2Token | None:
    """The token of a store's ``load`` answer (``StoredToken`` or ``None``)."""
    token = getattr(stored, "token", None)
    return token if isinstance(token, OAuth2Token) else None


def client_token_kwargs(store: TokenStore, key: str) -> dict[str, Any]:
    """The client constructor arguments that give a per-user client its token."""
    return {"token_store": store, "token_key": key}
