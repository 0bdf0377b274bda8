"""``AssertionClient`` and ``AsyncAssertionClient``: service accounts (RFC 7523 §2.1).

They are :class:`OAuth2Client` / :class:`AsyncOAuth2Client` driven by an
:class:`~authwire.auth.assertion.AssertionAuth` engine: the token is fetched on first use,
fetched again on expiry (single-flight), and carried by every request, ``stream()`` included.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._compat import AsyncClient, Client
from .._metadata import split_kwargs
from ..auth.assertion import AssertionAuth
from ..auth.oauth2 import UpdateToken
from ..protocol.rfc7523 import JWT_BEARER_GRANT_TYPE, KeyInput
from .oauth2 import AsyncOAuth2Client, OAuth2Client

if TYPE_CHECKING:
    from ..stores import TokenStore

__all__ = ["AssertionClient", "AsyncAssertionClient"]

#: Authlib's fixed ``iat`` / ``exp`` arguments, refused (see ``expires_in``).
_FIXED_TIMES = ("issued_at", "expires_at")


class _AssertionClientBase:
    """The constructor both assertion clients share (the seed's signature)."""

    #: what ``from_provider`` configures (see :mod:`authwire.plugins.provider`)
    _provider_kind = "assertion"

    #: The grant type of RFC 7523 §2.1, the default ``grant_type`` (Authlib's name for it).
    JWT_BEARER_GRANT_TYPE = JWT_BEARER_GRANT_TYPE

    _oauth: Any
    _is_async: bool
    _httpx_class: type[Client] | type[AsyncClient]

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
        token_store: TokenStore | None = None,
        token_key: str | None = None,
        **kwargs: Any,
    ) -> None:
        owner = type(self).__name__
        if not self._is_async and inspect.iscoroutinefunction(update_token):
            raise TypeError(
                f"update_token is a coroutine function; {owner} calls it synchronously: "
                "pass a plain function, or use AsyncAssertionClient"
            )
        if "auth" in kwargs:
            raise TypeError(f"{owner}() manages its own auth")
        fixed = [name for name in _FIXED_TIMES if name in kwargs]
        if fixed:
            # Authlib signs every assertion with these same timestamps: stale after the first
            # expiry, while this client renews for as long as it lives
            raise TypeError(
                f"{owner}() does not take {' or '.join(f'{n}=' for n in fixed)}: each "
                "assertion gets iat = now and exp = iat + expires_in; pass expires_in= (seconds)"
            )
        metadata, httpx_kwargs = split_kwargs(owner, kwargs, self._httpx_class.__init__)
        if metadata:
            raise TypeError(
                f"{owner}() got unexpected keyword arguments: {', '.join(sorted(metadata))}"
            )
        self._oauth = AssertionAuth(
            token_endpoint,
            issuer,
            subject,
            audience,
            grant_type,
            claims,
            token_placement,
            scope,
            client_id,
            leeway,
            update_token,
            key=key,
            alg=alg,
            header=header,
            expires_in=expires_in,
            password=password,
            token=token,
            allow_insecure_transport=allow_insecure_transport,
            token_store=token_store,
            token_key=token_key,
        )
        self._httpx_class.__init__(self, auth=self._oauth, **httpx_kwargs)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._oauth!r}>"


class AssertionClient(_AssertionClientBase, OAuth2Client):  # type: ignore[misc]
    """An :class:`httpx.Client` authorised by the JWT-bearer grant, as a service account.

    ``key`` is PEM (str/bytes), a JWK dict or a joserfc key; ``alg`` is inferred from it
    (``header["alg"]`` wins). ``claims`` are added to every assertion (Google wants
    ``{"scope": ...}`` there). RFC 7521, RFC 7523 §2.1.

    A key that cannot sign, or whose ``alg`` is neither given nor inferable, raises
    ``ValueError`` here, at construction (Authlib raises on the first request). Authlib's
    ``issued_at=`` / ``expires_at=`` are refused with ``TypeError``: every assertion is
    dated afresh, valid for ``expires_in`` seconds.
    """


class AsyncAssertionClient(_AssertionClientBase, AsyncOAuth2Client):  # type: ignore[misc]
    """The async twin of :class:`AssertionClient` (asyncio and trio)."""
