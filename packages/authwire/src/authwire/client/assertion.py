"""``AssertionClient`` and ``AsyncAssertionClient``: service accounts (RFC 7523 §2.1).

They are `OAuth2Client` / `AsyncOAuth2Client` driven by an `authwire.AssertionAuth` engine:
the token is fetched on first use, fetched again on expiry (single-flight), and carried by
every request, ``stream()`` included.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NoReturn, Unpack

from .._compat import AsyncClient, Client
from .._metadata import split_kwargs
from ..auth.assertion import AssertionAuth
from ..auth.oauth2 import UpdateToken
from ..protocol.rfc7523 import JWT_BEARER_GRANT_TYPE, KeyInput
from .async_oauth2 import AsyncOAuth2Client
from .oauth2 import OAuth2Client

if TYPE_CHECKING:
    from ..stores import TokenStore
    from ._arguments import HttpxArguments

__all__ = ["AssertionClient", "AsyncAssertionClient"]

#: Authlib's fixed ``iat`` / ``exp`` arguments, refused (see ``expires_in``).
_FIXED_TIMES = ("issued_at", "expires_at")


class _AssertionClientBase:
    """The constructor both assertion clients share (the seed's signature)."""

    #: what ``from_provider`` configures (see `authwire.plugins.provider`)
    _provider_kind = "assertion"

    JWT_BEARER_GRANT_TYPE = JWT_BEARER_GRANT_TYPE
    """The grant type of RFC 7523 §2.1, the default ``grant_type`` (Authlib's name for it)."""

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
        **kwargs: Unpack[HttpxArguments],
    ) -> None:
        """Configure the client; the key is checked now, the first token fetched on first use.

        Args:
            token_endpoint: The token endpoint URL, where assertions are exchanged.
            issuer: The assertion's ``iss``: the service account (RFC 7523 §3, item 1).
            subject: Its ``sub``: the user the token acts for, or the issuer itself; `None`
                leaves it out (RFC 7523 §3, item 2).
            audience: Its ``aud``; the token endpoint when `None` (RFC 7523 §3, item 3).
            grant_type: The grant type sent; RFC 7523 §2.1's JWT bearer grant when `None`.
            claims: Claims added to every assertion (Google wants ``{"scope": ...}``);
                ``iat``, ``exp`` and ``jti`` are set per assertion and refused here.
            token_placement: Where the token goes on a resource request: ``"header"``,
                ``"body"`` or ``"uri"`` (RFC 6750 §2).
            scope: The scope asked for with each assertion (RFC 7521 §4.1).
            client_id: This client's identifier, when the provider wants one sent.
            leeway: Seconds before its expiry at which a token counts as expired.
            update_token: Called with each new token, to keep it; a coroutine function on
                the async client.
            key: The signing key: PEM (`str` or `bytes`), a private JWK (`dict`) or a
                joserfc key.
            alg: The signing algorithm; inferred from the key when `None`
                (``header["alg"]`` wins).
            header: JOSE header members added to ``{"typ": "JWT"}``, such as ``kid``.
            expires_in: Seconds each assertion is valid for (its ``exp`` minus ``iat``).
            password: The password of an encrypted PEM key.
            token: A token to start with (a dict as the token endpoint returns it).
            allow_insecure_transport: Allow a plain ``http://`` token endpoint on a host
                other than loopback (refused by default: RFC 9700 §2.6).
            token_store: Keep the token in this store, shared with other processes
                ([`authwire.stores`][authwire.stores]).
            token_key: The token's key in ``token_store``; derived from the issuer and
                subject when `None`.
            **kwargs: Any argument of the httpx client (``timeout``, ``transport``,
                ``headers``, ...); another name raises `TypeError`.

        Raises:
            TypeError: An unknown keyword, ``auth=``, Authlib's ``issued_at=`` or
                ``expires_at=``, or a coroutine ``update_token`` on the sync client.
            ValueError: A key that cannot sign, an ``alg`` neither given nor inferable,
                or ``claims`` that fix ``iat``, ``exp`` or ``jti``.
        """
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

    @classmethod
    def from_issuer(cls, *args: Any, **kwargs: Any) -> NoReturn:
        """Not for assertion clients: give the token endpoint itself.

        The OAuth 2 clients' ``from_issuer(issuer, client_id, ...)`` would build this class
        with its arguments in the wrong places (the client id as the token endpoint). Read
        the endpoint with ``OAuth2Client.from_issuer(...).metadata["token_endpoint"]`` and
        pass it as ``token_endpoint``.
        """
        raise TypeError(
            f"{cls.__name__}.from_issuer() is not supported: pass the token endpoint as "
            f"{cls.__name__}(token_endpoint, issuer, subject, key=...); a discovery document "
            "names it as metadata['token_endpoint'] of OAuth2Client.from_issuer(...)"
        )


class AssertionClient(_AssertionClientBase, OAuth2Client):  # type: ignore[misc]
    """An `httpx.Client` authorised by the JWT-bearer grant, as a service account.

    ``key`` is PEM (str/bytes), a JWK dict or a joserfc key; ``alg`` is inferred from it
    (``header["alg"]`` wins). ``claims`` are added to every assertion (Google wants
    ``{"scope": ...}`` there). RFC 7521, RFC 7523 §2.1.

    A key that cannot sign, or whose ``alg`` is neither given nor inferable, raises
    ``ValueError`` here, at construction (Authlib raises on the first request). Authlib's
    ``issued_at=`` / ``expires_at=`` are refused with ``TypeError``: every assertion is
    dated afresh, valid for ``expires_in`` seconds.
    """


class AsyncAssertionClient(_AssertionClientBase, AsyncOAuth2Client):  # type: ignore[misc]
    """The async twin of [`AssertionClient`][authwire.AssertionClient] (asyncio and trio)."""
