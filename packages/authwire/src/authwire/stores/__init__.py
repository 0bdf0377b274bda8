"""Token stores: tokens that outlive the process, shared by a fleet with one refresh per expiry.

Give a client ``token_store=`` (and, to share a token on purpose, ``token_key=``):

* [`MemoryStore`][authwire.stores.MemoryStore] — the clients of one process (per-user tokens of a
  web app);
* [`FileStore`][authwire.stores.FileStore] — one user on one machine (a CLI), a JSON file of mode
  0600;
* [`SQLiteStore`][authwire.stores.SQLiteStore] — the processes of one host, a SQLite file in WAL
  mode;
* [`RedisStore`][authwire.stores.RedisStore] — many hosts (``pip install "authwire[redis]"``).

A held, valid token is used without touching the store. When it is due, the client reads
the store first (another process may have renewed it), and only if that one is due too takes
the store's refresh lease, renews, and saves the new token with compare-and-set before
anyone uses it. See the guide "Tokens across processes and hosts".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._base import DEFAULT_LEASE_TTL, Lease, StoredToken, TokenStore, default_token_key
from .memory import MemoryStore

if TYPE_CHECKING:
    from .file import FileStore
    from .redis import RedisStore
    from .sqlite import SQLiteStore

__all__ = [
    "DEFAULT_LEASE_TTL",
    "FileStore",
    "Lease",
    "MemoryStore",
    "RedisStore",
    "SQLiteStore",
    "StoredToken",
    "TokenStore",
    "default_token_key",
]

_LAZY = {"FileStore": ".file", "SQLiteStore": ".sqlite", "RedisStore": ".redis"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
