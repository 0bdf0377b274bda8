"""``RedisStore``: tokens shared by a fleet of hosts, one refresh per expiry.

Needs the ``redis`` package: ``pip install "authwire[redis]"``.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from .._exceptions import TokenStoreError, TokenStoreUnavailableError
from ._base import (
    DEFAULT_LEASE_TTL,
    Lease,
    StoredToken,
    TokenCodec,
    check_key,
    check_lease_ttl,
    in_thread,
    new_owner,
)

__all__ = ["RedisStore"]

T = TypeVar("T")

# Every step that reads then writes is one Lua script: Redis runs it atomically, so
# compare-and-set and taking a lease cannot interleave with another client's.
# KEYS[1] record hash {v: version, d: data, f: fence}; a deleted token keeps its version,
# so a compare-and-set that read an older record can never match a newer one.
_SAVE = """
local v = redis.call('HINCRBY', KEYS[1], 'v', 1)
redis.call('HSET', KEYS[1], 'd', ARGV[1])
return v
"""
# KEYS[1] record, KEYS[2] lease; ARGV: expected version ('' = no token), data,
# the caller's lease value ('' = none), its fence
_COMPARE_AND_SET = """
local current = false
if redis.call('HEXISTS', KEYS[1], 'd') == 1 then
  current = redis.call('HGET', KEYS[1], 'v')
end
if ARGV[1] == '' then
  if current then return -1 end
elseif current ~= ARGV[1] then
  return -1
end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[3] then return -1 end
local v = redis.call('HINCRBY', KEYS[1], 'v', 1)
redis.call('HSET', KEYS[1], 'd', ARGV[2], 'f', ARGV[4])
return v
"""
# KEYS[1] lease, KEYS[2] fence counter; ARGV: owner, ttl in ms. Returns the fence, 0 if held.
_ACQUIRE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local f = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. f, 'PX', ARGV[2])
return f
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_SCRIPTS = {"save": _SAVE, "cas": _COMPARE_AND_SET, "acquire": _ACQUIRE, "release": _RELEASE}


def _redis() -> Any:
    try:
        import redis
    except ImportError:
        raise ImportError(
            'RedisStore needs the redis package: pip install "authwire[redis]"'
        ) from None
    return redis


class RedisStore:
    """Tokens in Redis: many processes on many hosts, one refresh per expiry.

    Give ``url`` (``redis://host:port/db``, ``rediss://`` for TLS) or your own clients:
    ``client`` (a ``redis.Redis``) and, for asyncio, ``async_client`` (a
    ``redis.asyncio.Redis``). Under asyncio the async face uses the asyncio client (one per
    event loop when made from ``url``); under trio, whose Redis client does not exist, it
    runs the sync client in a worker thread.

    Keys are ``<prefix>{<token_key>}:token`` (a hash), ``:lease`` and ``:fence``: the braces
    keep one token's keys in one Redis Cluster slot. Compare-and-set and the lease are each
    one Lua script. The lease expires on Redis's own clock (``lease_ttl``), so a holder that
    dies stalls nobody for longer. A store it cannot reach raises
    [`TokenStoreUnavailableError`][authwire.TokenStoreUnavailableError] at once (one reconnect
    attempt, no backoff loop), and the client keeps its token until Redis is back.

    Args:
        url: Where Redis is; the store makes (and closes) its own clients from it.
        client: Your ``redis.Redis``, to share its pool; used for the sync face.
        async_client: Your ``redis.asyncio.Redis``, for the async face under asyncio.
        prefix: Put before every key, so several apps can share one Redis.
        encryption_key: An AES-GCM key of 16, 24 or 32 bytes (or its URL-safe base64) that
            seals each token, so Redis never holds one in clear text; ``None`` does not.
        lease_ttl: Seconds a refresh lease lasts: longer than a token request takes.
        socket_timeout: Seconds to connect or answer (clients made from ``url``), so a
            hung Redis fails a call instead of stalling it.

    Attributes:
        url: The URL the store was made from, or ``None`` when given clients.
        prefix: Put before every key.
        lease_ttl: Seconds a refresh lease lasts.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: Any = None,
        async_client: Any = None,
        prefix: str = "authwire:",
        encryption_key: bytes | str | None = None,
        lease_ttl: float = DEFAULT_LEASE_TTL,
        socket_timeout: float = 5.0,
    ) -> None:
        redis = _redis()
        if url is None and client is None and async_client is None:
            raise TypeError("RedisStore needs url= or client= (and/or async_client=)")
        if url is not None and not isinstance(url, str):
            raise TypeError(f"url must be a str, not {type(url).__name__}")
        if not isinstance(prefix, str):
            raise TypeError(f"prefix must be a str, not {type(prefix).__name__}")
        self.url = url
        self.prefix = prefix
        self.lease_ttl = check_lease_ttl(lease_ttl)
        self._options: dict[str, Any] = {
            "socket_timeout": socket_timeout,
            "socket_connect_timeout": socket_timeout,
        }
        if client is None and url is not None:
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            client = redis.Redis.from_url(url, retry=Retry(NoBackoff(), 1), **self._options)
        self._client = client
        self._async_client = async_client
        self._loop_clients: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
        self._scripts: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()
        self._codec = TokenCodec(encryption_key, repr(self))

    def __repr__(self) -> str:
        where = _safe_url(self.url) if self.url else "client"
        return f"RedisStore({where!r})"

    # -- keys and clients -------------------------------------------------------------------

    def _keys(self, key: str) -> tuple[str, str, str]:
        base = f"{self.prefix}{{{check_key(key)}}}"
        return base + ":token", base + ":lease", base + ":fence"

    def _script(self, client: Any, name: str) -> Any:
        scripts = self._scripts.get(client)
        if scripts is None:
            scripts = {n: client.register_script(src) for n, src in _SCRIPTS.items()}
            self._scripts[client] = scripts
        return scripts[name]

    def _sync_client(self) -> Any:
        if self._client is None:
            raise TypeError("this RedisStore was given only async_client=: use the async client")
        return self._client

    def _asyncio_client(self) -> Any:
        """The asyncio client for the running loop, or ``None`` (trio: use threads)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        if self._async_client is not None:
            return self._async_client
        if self.url is None:
            return None
        client = self._loop_clients.get(loop)
        if client is None:
            from redis.asyncio import Redis
            from redis.asyncio.retry import Retry
            from redis.backoff import NoBackoff

            client = Redis.from_url(self.url, retry=Retry(NoBackoff(), 1), **self._options)
            self._loop_clients[loop] = client
        return client

    def _failed(self, exc: Exception) -> TokenStoreError:
        redis = _redis()
        if isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
            return TokenStoreUnavailableError(
                f"Redis cannot be reached ({type(exc).__name__})", store=repr(self)
            )
        return TokenStoreError(f"Redis refused the call ({type(exc).__name__})", store=repr(self))

    def _run(self, op: Callable[[Any], T]) -> T:
        try:
            return op(self._sync_client())
        except _redis().exceptions.RedisError as exc:
            raise self._failed(exc) from None

    async def _await(self, call: Awaitable[T]) -> T:
        try:
            return await call
        except _redis().exceptions.RedisError as exc:
            raise self._failed(exc) from None

    # -- decoding ---------------------------------------------------------------------------

    def _loaded(self, key: str, row: list[Any]) -> StoredToken | None:
        version, data = row
        if data is None:
            return None
        return StoredToken(self._codec.decode(key, bytes(data)), int(version))

    def _cas_args(
        self, key: str, token: Mapping[str, Any], expected: int | None, lease: Lease | None
    ) -> tuple[list[str], list[Any], bytes]:
        data = self._codec.encode(key, token)
        record, lease_key, _ = self._keys(key)
        holder = f"{lease.owner}:{lease.fence}" if lease is not None else ""
        fence = lease.fence if lease is not None else 0
        args = ["" if expected is None else str(expected), data, holder, fence]
        return [record, lease_key], args, data

    def _lease(self, key: str, owner: str, fence: Any) -> Lease | None:
        if not fence:
            return None
        return Lease(key, owner, int(fence), time.time() + self.lease_ttl)

    # -- the sync face ----------------------------------------------------------------------

    def load(self, key: str) -> StoredToken | None:
        """The token stored under ``key`` and its version, or ``None``."""
        record = self._keys(key)[0]
        return self._loaded(key, self._run(lambda c: c.hmget(record, "v", "d")))

    def save(self, key: str, token: Mapping[str, Any]) -> StoredToken:
        """Store ``token`` whatever is there (a sign-in, an explicit refresh)."""
        data = self._codec.encode(check_key(key), token)
        record = self._keys(key)[0]
        version = self._run(lambda c: self._script(c, "save")(keys=[record], args=[data]))
        return StoredToken(self._codec.decode(key, data), int(version))

    def compare_and_set(
        self, key: str, token: Mapping[str, Any], expected: int | None, lease: Lease | None
    ) -> StoredToken | None:
        """Store ``token`` only over version ``expected`` and no later lease (one Lua script)."""
        keys, args, data = self._cas_args(key, token, expected, lease)
        version = self._run(lambda c: self._script(c, "cas")(keys=keys, args=args))
        if int(version) < 0:
            return None
        return StoredToken(self._codec.decode(key, data), int(version))

    def delete(self, key: str) -> None:
        """Forget the token stored under ``key``; its version is kept, so it never recurs."""
        record = self._keys(key)[0]
        self._run(lambda c: c.hdel(record, "d"))

    def acquire_lease(self, key: str) -> Lease | None:
        """Take the refresh lease on ``key`` if nobody holds it (never waits)."""
        _, lease_key, fence_key = self._keys(key)
        owner = new_owner()
        ttl = int(self.lease_ttl * 1000)
        fence = self._run(
            lambda c: self._script(c, "acquire")(keys=[lease_key, fence_key], args=[owner, ttl])
        )
        return self._lease(key, owner, fence)

    def release_lease(self, lease: Lease) -> None:
        """Give the lease back, if it is still this holder's."""
        lease_key = self._keys(lease.key)[1]
        value = f"{lease.owner}:{lease.fence}"
        self._run(lambda c: self._script(c, "release")(keys=[lease_key], args=[value]))

    # -- the async face ---------------------------------------------------------------------

    async def aload(self, key: str) -> StoredToken | None:
        """Async `load` (the asyncio client, or the sync one in a thread under trio)."""
        client = self._asyncio_client()
        if client is None:
            return await in_thread(self.load, key)
        row = await self._await(client.hmget(self._keys(key)[0], "v", "d"))
        return self._loaded(key, row)

    async def asave(self, key: str, token: Mapping[str, Any]) -> StoredToken:
        """Async `save` (the asyncio client, or the sync one in a thread under trio)."""
        client = self._asyncio_client()
        if client is None:
            return await in_thread(self.save, key, token)
        data = self._codec.encode(check_key(key), token)
        record = self._keys(key)[0]
        version = await self._await(self._script(client, "save")(keys=[record], args=[data]))
        return StoredToken(self._codec.decode(key, data), int(version))

    async def acompare_and_set(
        self, key: str, token: Mapping[str, Any], expected: int | None, lease: Lease | None
    ) -> StoredToken | None:
        """Async `compare_and_set` (asyncio client, or the sync one in a thread under trio)."""
        client = self._asyncio_client()
        if client is None:
            return await in_thread(self.compare_and_set, key, token, expected, lease)
        keys, args, data = self._cas_args(key, token, expected, lease)
        version = await self._await(self._script(client, "cas")(keys=keys, args=args))
        if int(version) < 0:
            return None
        return StoredToken(self._codec.decode(key, data), int(version))

    async def adelete(self, key: str) -> None:
        """Async `delete` (the asyncio client, or the sync one in a thread under trio)."""
        client = self._asyncio_client()
        if client is None:
            return await in_thread(self.delete, key)
        await self._await(client.hdel(self._keys(key)[0], "d"))
        return None

    async def aacquire_lease(self, key: str) -> Lease | None:
        """Async `acquire_lease` (asyncio client, or the sync one in a thread under trio)."""
        client = self._asyncio_client()
        if client is None:
            return await in_thread(self.acquire_lease, key)
        _, lease_key, fence_key = self._keys(key)
        owner = new_owner()
        ttl = int(self.lease_ttl * 1000)
        script = self._script(client, "acquire")
        fence = await self._await(script(keys=[lease_key, fence_key], args=[owner, ttl]))
        return self._lease(key, owner, fence)

    async def arelease_lease(self, lease: Lease) -> None:
        """Async `release_lease` (asyncio client, or the sync one in a thread under trio)."""
        client = self._asyncio_client()
        if client is None:
            return await in_thread(self.release_lease, lease)
        lease_key = self._keys(lease.key)[1]
        value = f"{lease.owner}:{lease.fence}"
        await self._await(self._script(client, "release")(keys=[lease_key], args=[value]))
        return None

    async def aclose(self) -> None:
        """Close the asyncio clients this store made (the sync one is closed by ``close``)."""
        for client in list(self._loop_clients.values()):
            await client.aclose()
        self._loop_clients.clear()

    def close(self) -> None:
        """Close the sync client's connections, if this store made it."""
        if self.url is not None and self._client is not None:
            self._client.close()


def _safe_url(url: str) -> str:
    """The URL without its password: a store's name appears in error messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None and parts.username is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))
