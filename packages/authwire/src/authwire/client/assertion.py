"""``AssertionClient`` and ``AsyncAssertionClient``: service accounts (RFC 7523 §2.1).

They are :class:`OAuth2Client` / :class:`AsyncOAuth2Client` driven by an
:class:`~authwire.auth.assertion.AssertionAuth` engine: the token is fetched on first use,
fetched again on expiry (single-flight), and carried by every request, ``stream()`` included.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from typing import Any

from .._compat import AsyncClient, Client
from .._metadata import split_kwargs
from ..auth.assertion import AssertionAuth
from ..auth.oauth2 import UpdateToken
from ..protocol.rfc7523 import KeyInput
from .oauth2 import AsyncOAuth2Client, OAuth2Client

__all__ = ["AssertionClient", "AsyncAssertionClient"]


class _AssertionClientBase:
    _oauth: Any
    _httpx_init: Any

    def _setup_assertion(
        self, args: dict[str, Any], kwargs: dict[str, Any], *, sync: bool
    ) -> dict[str, Any]:
        owner = type(self).__name__
        update_token = args.get("update_token")
        if sync and update_token is not None and inspect.iscoroutinefunction(update_token):
            raise TypeError(
                f"update_token is a coroutine function; {owner} calls it synchronously: "
                "pass a plain function, or use AsyncAssertionClient"
            )
        if "auth" in kwargs:
            raise TypeError(f"{owner}() manages its own auth")
        metadata, httpx_kwargs = split_kwargs(owner, kwargs, self._httpx_init)
        if metadata:
            raise TypeError(
                f"{owner}() got unexpected keyword arguments: {', '.join(sorted(metadata))}"
            )
        self._oauth = AssertionAuth(**args)
        return httpx_kwargs


class AssertionClient(_AssertionClientBase, OAuth2Client):
    """An :class:`httpx.Client` authorised by the JWT-bearer grant, as a service account.

    ``key`` is PEM (str/bytes), a JWK dict or a joserfc key; ``alg`` is inferred from it
    (``header["alg"]`` wins). ``claims`` are added to every assertion (Google wants
    ``{"scope": ...}`` there). RFC 7521, RFC 7523 §2.1.
    """

    _httpx_init = Client.__init__

    def __init__(
        self,
        token_endpoint: str,
        issuer: str,
        subject: str | None,
        audience: str | list[str] | None = None,
        grant_type: str | None = None,
        claims: Mapping[str, Any] | None = None,
        token_placement: str = "header",
        scope: str | Iterable[str] | None = None,
        client_id: str | None = None,
        leeway: float = 60,
        update_token: UpdateToken | None = None,
        *,
        key: KeyInput,
        alg: str | None = None,
        header: Mapping[str, Any] | None = None,
        expires_in: int = 3600,
        password: str | bytes | None = None,
        token: Mapping[str, Any] | None = None,
        allow_insecure_transport: bool = False,
        **kwargs: Any,
    ) -> None:
        args = dict(locals())
        for name in ("self", "kwargs", "__class__"):
            args.pop(name, None)
        httpx_kwargs = self._setup_assertion(args, kwargs, sync=True)
        Client.__init__(self, auth=self._oauth, **httpx_kwargs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._oauth!r}>"


class AsyncAssertionClient(_AssertionClientBase, AsyncOAuth2Client):
    """The async twin of :class:`AssertionClient` (asyncio and trio)."""

    _httpx_init = AsyncClient.__init__

    def __init__(
        self,
        token_endpoint: str,
        issuer: str,
        subject: str | None,
        audience: str | list[str] | None = None,
        grant_type: str | None = None,
        claims: Mapping[str, Any] | None = None,
        token_placement: str = "header",
        scope: str | Iterable[str] | None = None,
        client_id: str | None = None,
        leeway: float = 60,
        update_token: UpdateToken | None = None,
        *,
        key: KeyInput,
        alg: str | None = None,
        header: Mapping[str, Any] | None = None,
        expires_in: int = 3600,
        password: str | bytes | None = None,
        token: Mapping[str, Any] | None = None,
        allow_insecure_transport: bool = False,
        **kwargs: Any,
    ) -> None:
        args = dict(locals())
        for name in ("self", "kwargs", "__class__"):
            args.pop(name, None)
        httpx_kwargs = self._setup_assertion(args, kwargs, sync=False)
        AsyncClient.__init__(self, auth=self._oauth, **httpx_kwargs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._oauth!r}>"
