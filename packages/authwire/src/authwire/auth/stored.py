"""The engine's side of token stores: load, renew under the store's lease, save (CAS).

One process renews in-process single-flight (the engine's lock); a store extends that to
every process sharing it. With a store, a renewal due in memory first reads the store
(another process may have renewed already); only if the stored token is due too does the
client take the store's refresh lease, read once more under it, renew from the latest
stored token (its refresh token may have rotated), and save the result with compare-and-set
before anyone uses it. Waiting for another holder's lease is bounded by the request's pool
timeout. See [`authwire.stores`][authwire.stores].
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any

from .._compat import httpx
from .._drivers import IO, WAIT_LIMIT, Flow, Sleep
from .._exceptions import TokenStoreConflictError, TokenStoreError
from ..token import OAuth2Token

if TYPE_CHECKING:
    from ..stores import Lease, StoredToken, TokenStore
    from ._engine import EngineParts
else:
    EngineParts = object

__all__ = ["StoredTokens", "check_store"]

logger = logging.getLogger("authwire")

#: How long a waiter sleeps between looks at the store while another holds the lease.
_FIRST_POLL = 0.02
_LAST_POLL = 0.25
_STORE_METHODS = (
    "load",
    "save",
    "compare_and_set",
    "delete",
    "acquire_lease",
    "release_lease",
    "aload",
    "asave",
    "acompare_and_set",
    "adelete",
    "aacquire_lease",
    "arelease_lease",
)


def check_store(token_store: object, token_key: object) -> None:
    """Refuse what cannot be a token store, or a key, at construction."""
    if token_store is not None:
        missing = [m for m in _STORE_METHODS if not callable(getattr(token_store, m, None))]
        ttl = getattr(token_store, "lease_ttl", None)
        if missing or isinstance(ttl, bool) or not isinstance(ttl, int | float):
            raise TypeError(
                "token_store must be a token store (authwire.stores), not "
                f"{type(token_store).__name__}"
            )
    if token_key is not None and (not isinstance(token_key, str) or not token_key):
        raise TypeError("token_key must be a non-empty str")
    if token_key is not None and token_store is None:
        raise TypeError("token_key= names a token in a store: give token_store= too")


class StoredTokens(EngineParts):
    """Token-store support of [`OAuth2Auth`][authwire.OAuth2Auth]."""

    token_store: TokenStore | None
    """Where the token is shared with other processes (``token_store=``), or ``None``."""
    _token_key: str | None
    _stored_version: int | None

    def _setup_store(self, token_store: Any, token_key: str | None) -> None:
        check_store(token_store, token_key)
        self.token_store = token_store
        self._token_key = token_key
        #: the store's version of the held token, when it came from (or went to) the store
        self._stored_version = None

    def _key_subject(self) -> str | None:
        """Who the token is for, beyond the client (assertion clients: the subject)."""
        return None

    @property
    def token_key(self) -> str:
        """The key of this client's token in its store (``token_key=``, else derived).

        Derived from the token endpoint, the client id and (assertion clients) the subject:
        see [`default_token_key`][authwire.stores.default_token_key].
        """
        if self._token_key is not None:
            return self._token_key
        from ..stores._base import default_token_key

        return default_token_key(
            self.metadata.get("token_endpoint"), self.client_id, self._key_subject()
        )

    # -- steps ------------------------------------------------------------------------------

    def _adopt(self, stored: StoredToken | None, stale: OAuth2Token | None) -> bool:
        """Hold the stored token if it is usable (and not the one a server just refused)."""
        if stored is None:
            return False
        token = stored.token
        if stale is not None and token.get("access_token") == stale.get("access_token"):
            return False
        if token.is_expired(self.leeway, clock=self.clock):
            return False
        self._token = token
        self._stored_version = stored.version
        return True

    def _load(self, store: TokenStore, key: str) -> Flow[StoredToken | None]:
        stored: StoredToken | None = yield IO(store.load, store.aload, key)
        return stored

    def _keep_flow(self, token: OAuth2Token) -> Flow[None]:
        """Hold ``token``, and save it to the store (a sign-in, an explicit refresh)."""
        self._token = token
        store = self.token_store
        if store is not None:
            saved: StoredToken = yield IO(store.save, store.asave, self.token_key, token)
            self._stored_version = saved.version

    def _forget_flow(self) -> Flow[None]:
        """Drop the held token, and remove it from the store (revocation, sign-out)."""
        self._token = None
        self._stored_version = None
        store = self.token_store
        if store is not None:
            yield IO(store.delete, store.adelete, self.token_key)

    def _renew_through_store(
        self, token: OAuth2Token | None, stale: OAuth2Token | None
    ) -> Flow[tuple[OAuth2Token, dict[str, Any]] | None]:
        """Renew under the store's lease; ``None`` when a usable stored token was adopted."""
        store = self.token_store
        assert store is not None
        key = self.token_key
        stored = yield from self._load(store, key)
        if self._adopt(stored, stale):
            return None
        limit: float | None = yield WAIT_LIMIT
        if limit is None:
            limit = 2 * store.lease_ttl + 5  # a dead holder's lease has expired by then
        deadline = self.clock() + limit
        delay = _FIRST_POLL
        while True:
            lease: Lease | None = yield IO(store.acquire_lease, store.aacquire_lease, key)
            if lease is not None:
                break
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise httpx.PoolTimeout(
                    f"timed out waiting for another process's token renewal ({store!r})"
                )
            yield Sleep(min(delay, remaining), self.clock)
            delay = min(delay * 1.5, _LAST_POLL)
            stored = yield from self._load(store, key)
            if self._adopt(stored, stale):
                return None
        try:
            renewed = yield from self._renew_leased(store, key, lease, token, stale)
        except Exception:
            yield from self._release(store, lease)
            raise
        yield from self._release(store, lease)
        return renewed

    def _renew_leased(
        self,
        store: TokenStore,
        key: str,
        lease: Lease,
        token: OAuth2Token | None,
        stale: OAuth2Token | None,
    ) -> Flow[tuple[OAuth2Token, dict[str, Any]] | None]:
        stored = yield from self._load(store, key)  # under the lease: the latest word
        if self._adopt(stored, stale):
            return None
        expected = None
        if stored is not None:
            # renew from the stored token: its refresh token is the current one
            token, expected = stored.token, stored.version
            self._token = token
        new, update_kwargs = yield from self._renew(token)
        saved: StoredToken | None = yield IO(
            store.compare_and_set, store.acompare_and_set, key, new, expected, lease
        )
        if saved is None:
            # our lease ran out while renewing, and a later holder saved first
            stored = yield from self._load(store, key)
            if self._adopt(stored, None):
                logger.warning("a renewal outlived its store lease; using the newer stored token")
                return None
            raise TokenStoreConflictError(
                "the renewed token could not be saved: another process saved a newer one "
                "(this renewal outlived the store's lease_ttl)",
                store=repr(store),
            )
        self._stored_version = saved.version
        return new, update_kwargs

    def _release(self, store: TokenStore, lease: Lease) -> Flow[None]:
        with contextlib.suppress(TokenStoreError):  # the lease expires on its own
            yield IO(store.release_lease, store.arelease_lease, lease)
