"""Sync and async drivers for the sans-IO flows.

A flow is a generator that yields *effects* and is sent their results:

* an :class:`httpx.Request` — send it; the flow receives the :class:`httpx.Response`,
  already read; an :class:`Unread` request is sent and its response handed back unread
  (the caller's own response, which may be streamed);
* a :class:`Call` — call a user function (a compliance hook, ``update_token``); on the async
  drivers an awaitable result is awaited, on the sync drivers it is refused;
* :data:`ACQUIRE` / :data:`RELEASE` — take or give back the flow owner's lock (single-flight
  renewal). A driver releases a lock still held when the flow ends, however it ends. The
  wait is bounded by the driver's ``lock_timeout`` (the request's pool timeout) and ends in
  :class:`httpx.PoolTimeout`;
* a :class:`Sleep` — wait on the flow owner's clock (polling); async waits are cancellable;
* an :class:`IO` — a blocking operation with a sync and an async implementation (a token
  store's): the sync drivers call one, the async drivers await the other;
* :data:`WAIT_LIMIT` — the flow receives how long it may wait for another's renewal (the
  driver's ``lock_timeout``, ``None`` for no limit).

A plain request is one to the authorization server (token, revocation, discovery, JWKS,
...). Its answer is read up to ``max_bytes`` (:class:`ResponseTooLargeError` beyond), and a
redirect is never followed (:class:`RedirectRefusedError`): following it would re-send the
credentials to wherever it points. When an :class:`OAuthError` leaves the flow, every
credential the flow's requests carried, and every secret ``secrets()`` names, is redacted
from it (a server may echo them).

The flow ``return``\\ s its result. Everything that differs between sync and async — sending,
awaiting user callbacks, locking, sleeping — lives here and nowhere else (compare httpx's own
``Auth.sync_auth_flow`` / ``Auth.async_auth_flow``).
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ._clock import Clock, sleep_async, sleep_sync
from ._compat import Request, Response, aread_at_most, httpx, read_at_most
from ._exceptions import OAuthError, RedirectRefusedError, ResponseTooLargeError

__all__ = [
    "ACQUIRE",
    "IO",
    "MAX_RESPONSE_BYTES",
    "RELEASE",
    "WAIT_LIMIT",
    "Call",
    "Flow",
    "Sleep",
    "Unread",
    "async_steps",
    "drive_async",
    "drive_sync",
    "sync_steps",
]

T = TypeVar("T")

#: The most bytes a driver reads of an authorization server's answer, unless told otherwise.
MAX_RESPONSE_BYTES = 1 << 20

Secrets = Callable[[], Iterable[str]]


class _LockStep:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


ACQUIRE = _LockStep("ACQUIRE")
RELEASE = _LockStep("RELEASE")
WAIT_LIMIT = _LockStep("WAIT_LIMIT")


class Unread:
    """Send ``request`` and hand the response back *unread* (the caller's own response)."""

    # plain slotted classes: a frozen dataclass costs about half a millisecond of import time
    __slots__ = ("request",)

    def __init__(self, request: Request) -> None:
        self.request = request

    def __repr__(self) -> str:
        return f"Unread({self.request!r})"


class Call:
    """Ask the driver to call a user function and send back its result."""

    __slots__ = ("args", "fn", "kwargs")

    def __init__(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        self.fn = fn
        self.args = args
        self.kwargs = {} if kwargs is None else kwargs

    def __repr__(self) -> str:
        return f"Call({getattr(self.fn, '__qualname__', self.fn)!r})"


class Sleep:
    """Ask the driver to wait ``seconds`` on ``clock`` (see :mod:`authwire._clock`)."""

    # a plain class: a frozen dataclass costs about a millisecond of import time
    __slots__ = ("clock", "seconds")

    def __init__(self, seconds: float, clock: Clock) -> None:
        self.seconds = seconds
        self.clock = clock

    def __repr__(self) -> str:
        return f"Sleep({self.seconds!r})"


class IO:
    """Ask the driver to run ``sync(*args)`` (sync drivers) or ``await asynchronous(*args)``."""

    __slots__ = ("args", "asynchronous", "sync")

    def __init__(
        self,
        sync: Callable[..., Any],
        asynchronous: Callable[..., Awaitable[Any]],
        *args: Any,
    ) -> None:
        self.sync = sync
        self.asynchronous = asynchronous
        self.args = args

    def __repr__(self) -> str:
        return f"IO({getattr(self.sync, '__qualname__', self.sync)!r})"


Effect = Request | Unread | Call | Sleep | IO | _LockStep
Flow = Generator[Effect, Any, T]


if TYPE_CHECKING:  # the locks' shapes, for the type checker only (a Protocol costs import time)

    class SyncLock(Protocol):
        def acquire(self, blocking: bool = ..., timeout: float = ...) -> bool: ...
        def release(self) -> None: ...

    class AsyncLock(Protocol):
        async def acquire(self) -> None: ...
        def release(self) -> None: ...


def _call_sync(call: Call) -> Any:
    result = call.fn(*call.args, **call.kwargs)
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if close is not None:
            close()  # do not leave a never-awaited coroutine behind
        name = getattr(call.fn, "__qualname__", repr(call.fn))
        raise TypeError(
            f"{name} returned an awaitable on a sync client; use the async client "
            "or pass a plain function"
        )
    return result


def _lock_timeout() -> httpx.PoolTimeout:
    return httpx.PoolTimeout("timed out waiting for another request's token renewal")


def _acquire_sync(lock: SyncLock | None, timeout: float | None) -> None:
    if not _require(lock).acquire(True, -1 if timeout is None else max(timeout, 0)):
        raise _lock_timeout()


async def _acquire_async(lock: AsyncLock | None, wait: float | None) -> None:
    if wait is None:
        await _require(lock).acquire()
        return
    import anyio

    with anyio.move_on_after(max(wait, 0)) as scope:
        await _require(lock).acquire()
    if scope.cancelled_caught:
        raise _lock_timeout()


def _origin(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}"


def _check_answer(request: Request, response: Response, read: bool, limit: int) -> None:
    """Refuse a redirect (followed or not) and an answer longer than ``limit``.

    The response is closed by then: read whole, or closed by the bounded read.
    """
    if response.request is not request or response.has_redirect_location:
        if response.request is not request:  # an httpx.Client(auth=...) followed it
            target = _origin(response.request.url)
        else:
            try:
                target = _origin(request.url.join(response.headers["location"]))
            except (httpx.InvalidURL, ValueError, UnicodeError):
                target = "an unparseable Location"
        raise RedirectRefusedError(
            f"the {request.url.host} endpoint redirected to {target}; requests to the "
            "authorization server never follow redirects (they carry credentials)",
            status_code=response.status_code,
            origin=target,
        )
    if not read:
        raise ResponseTooLargeError(
            f"the answer from {request.url.host} is larger than {limit} bytes (max_response_bytes)",
            status_code=response.status_code,
        )


def _redacted(error: OAuthError, sent: list[Request], secrets: Secrets | None) -> None:
    from ._redaction import request_secrets

    found: set[str] = set()
    for request in sent:
        found |= request_secrets(request)
    if secrets is not None:
        found.update(s for s in secrets() if isinstance(s, str))
    # longest first, so that a secret containing another is replaced whole
    error.redact(sorted(found, key=len, reverse=True))


def sync_steps(
    flow: Flow[T],
    lock: SyncLock | None = None,
    *,
    lock_timeout: float | None = None,
    max_bytes: int = MAX_RESPONSE_BYTES,
    secrets: Secrets | None = None,
    request_timeout: Mapping[str, Any] | None = None,
) -> Generator[Request, Response, T]:
    """Run ``flow``, yielding its requests to the caller (an ``httpx.Auth`` flow).

    ``request_timeout`` (httpx's timeout extension) is given to requests that have none: httpx
    sets the client's timeout only on the request it was asked to send, not on the ones an
    auth flow adds, which would otherwise wait forever on a hanging server.
    """
    held = False
    sent: list[Request] = []
    try:
        value: Any = None
        error: BaseException | None = None
        while True:
            try:
                effect = flow.throw(error) if error is not None else flow.send(value)
            except StopIteration as stop:
                result: T = stop.value
                return result
            value, error = None, None
            if isinstance(effect, Request):
                sent.append(effect)
                if request_timeout is not None:
                    effect.extensions.setdefault("timeout", request_timeout)
                response = yield effect
                try:
                    _check_answer(effect, response, read_at_most(response, max_bytes), max_bytes)
                except OAuthError as exc:
                    error = exc
                value = response
            elif isinstance(effect, Unread):
                value = yield effect.request
            elif isinstance(effect, Call):
                try:
                    value = _call_sync(effect)
                except Exception as exc:
                    error = exc
            elif isinstance(effect, IO):
                try:
                    value = effect.sync(*effect.args)
                except Exception as exc:
                    error = exc
            elif isinstance(effect, Sleep):
                sleep_sync(effect.clock, effect.seconds)
            elif effect is WAIT_LIMIT:
                value = lock_timeout
            elif effect is ACQUIRE:
                _acquire_sync(lock, lock_timeout)
                held = True
            elif effect is RELEASE:
                held = False
                _require(lock).release()
    except OAuthError as exc:
        _redacted(exc, sent, secrets)
        raise
    finally:
        if held:
            _require(lock).release()
        flow.close()


async def async_steps(
    flow: Flow[T],
    box: list[T],
    lock: AsyncLock | None = None,
    *,
    lock_timeout: float | None = None,
    max_bytes: int = MAX_RESPONSE_BYTES,
    secrets: Secrets | None = None,
    request_timeout: Mapping[str, Any] | None = None,
) -> AsyncGenerator[Request, Response]:
    """Async twin of :func:`sync_steps`; the flow's result is appended to ``box`` (an async
    generator cannot return a value)."""
    held = False
    sent: list[Request] = []
    try:
        value: Any = None
        error: BaseException | None = None
        while True:
            try:
                effect = flow.throw(error) if error is not None else flow.send(value)
            except StopIteration as stop:
                box.append(stop.value)
                return
            value, error = None, None
            if isinstance(effect, Request):
                sent.append(effect)
                if request_timeout is not None:
                    effect.extensions.setdefault("timeout", request_timeout)
                response = yield effect
                try:
                    read = await aread_at_most(response, max_bytes)
                    _check_answer(effect, response, read, max_bytes)
                except OAuthError as exc:
                    error = exc
                value = response
            elif isinstance(effect, Unread):
                value = yield effect.request
            elif isinstance(effect, Call):
                try:
                    value = effect.fn(*effect.args, **effect.kwargs)
                    if inspect.isawaitable(value):
                        value = await value
                except Exception as exc:
                    error = exc
            elif isinstance(effect, IO):
                try:
                    value = await effect.asynchronous(*effect.args)
                except Exception as exc:
                    error = exc
            elif isinstance(effect, Sleep):
                await sleep_async(effect.clock, effect.seconds)
            elif effect is WAIT_LIMIT:
                value = lock_timeout
            elif effect is ACQUIRE:
                await _acquire_async(lock, lock_timeout)
                held = True
            elif effect is RELEASE:
                held = False
                _require(lock).release()
    except OAuthError as exc:
        _redacted(exc, sent, secrets)
        raise
    finally:
        if held:
            _require(lock).release()
        flow.close()


def _require(lock: T | None) -> T:
    if lock is None:
        raise RuntimeError("this flow needs a lock and its driver was given none")
    return lock


def drive_sync(
    flow: Flow[T],
    send: Callable[[Request], Response],
    lock: SyncLock | None = None,
    **options: Any,
) -> T:
    """Run ``flow`` to completion, sending each request with ``send``.

    ``send`` must not follow redirects and should not read the body (``stream=True``):
    the driver reads it, up to its limit. ``options`` are :func:`sync_steps`'s.
    """
    steps = sync_steps(flow, lock, **options)
    try:
        request = next(steps)
        while True:
            request = steps.send(send(request))
    except StopIteration as stop:
        result: T = stop.value
        return result
    finally:
        steps.close()


async def drive_async(
    flow: Flow[T],
    send: Callable[[Request], Awaitable[Response]],
    lock: AsyncLock | None = None,
    **options: Any,
) -> T:
    """Async twin of :func:`drive_sync`."""
    box: list[T] = []
    steps = async_steps(flow, box, lock, **options)
    try:
        request = await anext(steps)
        while True:
            request = await steps.asend(await send(request))
    except StopAsyncIteration:
        return box[0]
    finally:
        await steps.aclose()
