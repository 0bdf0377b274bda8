"""The framework-independent half of the web integrations: the registry and the sign-in steps.

An ``OAuth`` registry (one per web app) holds the providers the app registered once, each a
*remote app* reached as ``oauth.<name>``. A remote app turns a registration into a fresh
``OAuth2Client`` / ``AsyncOAuth2Client`` per browser request (discovery runs once and is
kept), and owns the steps every framework shares: where to send the browser and what to keep
for the callback, how to complete a callback (GET query or ``form_post`` body), where the
user's tokens go, and how to sign out. The framework modules only read the request, touch the
session and build the response.

The registration vocabulary is Authlib's (``client_id``, ``client_secret``,
``server_metadata_url``, ``access_token_url``, ``authorize_url``, ``api_base_url``,
``client_kwargs``, ``authorize_params``) plus authwire's: ``provider=`` (a plugin name),
``issuer=`` (discovery) and the RFC 8414 endpoint names.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any, ClassVar, Generic, TypeVar
from urllib.parse import urlencode, urlsplit, urlunsplit

from .._exceptions import MissingTokenError
from ..auth.authorization_request import AuthorizationRequest
from ..client.async_oauth2 import AsyncOAuth2Client
from ..client.oauth2 import OAuth2Client
from ..plugins.provider import Provider
from ..stores import TokenStore
from ..token import OAuth2Token
from . import _pending
from ._tokens import client_token_kwargs, default_token_store, stored_token

__all__ = ["BaseOAuth", "BaseRemoteApp", "RemoteAppConfig"]

_WELL_KNOWN = {
    "/.well-known/openid-configuration": "openid",
    "/.well-known/oauth-authorization-server": "oauth",
}
_AUTHLIB_ALIASES = {
    "authorize_url": "authorization_endpoint",
    "access_token_url": "token_endpoint",
    "userinfo_url": "userinfo_endpoint",
    "jwks_url": "jwks_uri",
}
"""Authlib's registration names and the metadata names they stand for."""
_CALLBACK_PARAMS = frozenset(
    {"code", "state", "iss", "error", "error_description", "error_uri", "session_state"}
)
"""Callback parameters of an authorization response (RFC 6749 §4.1.2, RFC 9207 §2, OpenID Connect
Core §3.3.2.5); anything else a form_post carries is not forwarded to the engine."""
_OWN = frozenset(
    {"provider", "server_metadata_url", "api_base_url", "client_kwargs", "authorize_params"}
)
"""Registration names that are this module's, not the client constructor's."""

C = TypeVar("C", OAuth2Client, AsyncOAuth2Client)


def _discovery_target(url: str) -> tuple[str, str]:
    """The issuer and kind (``openid``/``oauth``) a ``server_metadata_url`` names."""
    parts = urlsplit(url)
    for suffix, kind in _WELL_KNOWN.items():
        if parts.path.endswith(suffix):
            path = parts.path[: -len(suffix)]
            return urlunsplit((parts.scheme, parts.netloc, path, "", "")), kind
        if parts.path.startswith(suffix):  # RFC 8414 §3.1: the issuer's path comes after
            path = parts.path[len(suffix) :]
            return urlunsplit((parts.scheme, parts.netloc, path, "", "")), kind
    raise ValueError(
        "server_metadata_url must end with /.well-known/openid-configuration or name "
        f"/.well-known/oauth-authorization-server, not {url!r}"
    )


def _started(pending: AuthorizationRequest | None) -> AuthorizationRequest:
    """The request a sign-in just started (``start_authorization`` always leaves one)."""
    if pending is None:
        raise RuntimeError("the client started no authorization request")
    return pending


class RemoteAppConfig:
    """One registration, checked once: what each per-request client is built from."""

    def __init__(self, name: str, **kwargs: Any) -> None:
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
            raise ValueError(f"name must be a Python identifier not starting with _: {name!r}")
        self.name = name
        kwargs = dict(kwargs)
        client_kwargs = kwargs.pop("client_kwargs", None) or {}
        if not isinstance(client_kwargs, Mapping):
            raise TypeError("client_kwargs must be a mapping of client constructor arguments")
        provider = kwargs.pop("provider", None)
        if provider is not None and not isinstance(provider, str | Provider):
            raise TypeError("provider must be a plugin name or an authwire Provider")
        self.provider: str | Provider | None = provider
        metadata_url = kwargs.pop("server_metadata_url", None)
        self.discovery: tuple[str, str] | None = None
        if metadata_url is not None:
            self.discovery = _discovery_target(str(metadata_url))
        api_base_url = kwargs.pop("api_base_url", None)
        self.api_base_url: str | None = None if api_base_url is None else str(api_base_url)
        authorize_params = kwargs.pop("authorize_params", None) or {}
        if not isinstance(authorize_params, Mapping):
            raise TypeError("authorize_params must be a mapping")
        self.authorize_params: dict[str, Any] = dict(authorize_params)
        for alias, canonical in _AUTHLIB_ALIASES.items():
            if alias in kwargs:
                kwargs.setdefault(canonical, kwargs.pop(alias))
        self.kwargs: dict[str, Any] = {**client_kwargs, **kwargs}
        if self.discovery is None and self.provider is None:
            issuer = self.kwargs.get("issuer")
            has_endpoints = self.kwargs.get("authorization_endpoint") and self.kwargs.get(
                "token_endpoint"
            )
            if isinstance(issuer, str) and not has_endpoints:
                self.discovery = (issuer, "openid")
            elif not has_endpoints:
                self.provider = name  # a plugin of the same name: oauth.register("google", ...)
        # built now so that a misspelt argument fails at registration, not at the first login
        self.build(OAuth2Client, {}).close()

    def build(self, cls: type[C], discovered: Mapping[str, Any], **extra: Any) -> C:
        """A new client of ``cls`` for this registration (``extra`` wins over it)."""
        kwargs = {**self.kwargs, **extra}
        if self.api_base_url is not None:
            kwargs.setdefault("base_url", self.api_base_url)
        client: C
        if self.provider is not None:
            if self.authorize_params:
                kwargs["authorize_params"] = self.authorize_params
            client = cls.from_provider(self.provider, **kwargs)
        else:
            client = cls(**kwargs)
            for key, value in self.authorize_params.items():
                client.authorize_params.setdefault(key, value)
        for key, value in discovered.items():
            client.metadata.setdefault(key, value)
        return client


class BaseRemoteApp:
    """One registered provider, as ``oauth.<name>``: the steps shared by every framework.

    Made by ``register()``, not by hand.

    Args:
        registry: the registry it belongs to, whose token store and settings it uses.
        config: the checked registration each per-request client is built from.

    Attributes:
        registry: the registry it belongs to.
        config: the checked registration.
        name: the registered name (``oauth.<name>``); it also keys this provider's
            sign-ins in the session and prefixes its users' token keys.
    """

    def __init__(self, registry: BaseOAuth[Any], config: RemoteAppConfig) -> None:
        self.registry = registry
        self.config = config
        self.name = config.name
        self._discovered: dict[str, Any] | None = None if config.discovery else {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    def _discovery_target(self) -> tuple[str, str]:
        if self.config.discovery is None:
            raise RuntimeError(f"{self.name!r} was registered without discovery")
        return self.config.discovery

    # -- discovery (once per registration) ------------------------------------------------------

    def _discover_sync(self) -> dict[str, Any]:
        if self._discovered is None:
            issuer, kind = self._discovery_target()
            insecure = bool(self.config.kwargs.get("allow_insecure_transport", False))
            with OAuth2Client.from_issuer(
                issuer, kind=kind, allow_insecure_transport=insecure
            ) as client:
                self._discovered = dict(client.metadata)
        return self._discovered

    async def _discover_async(self) -> dict[str, Any]:
        if self._discovered is None:
            issuer, kind = self._discovery_target()
            insecure = bool(self.config.kwargs.get("allow_insecure_transport", False))
            client = await AsyncOAuth2Client.from_issuer(
                issuer, kind=kind, allow_insecure_transport=insecure
            )
            async with client:
                self._discovered = dict(client.metadata)
        return self._discovered

    def _client(self, cls: type[C], **extra: Any) -> C:
        if self._discovered is None:
            raise RuntimeError("discovery has not run")  # the framework modules run it first
        return self.config.build(cls, self._discovered, **extra)

    # -- the pieces of each step ----------------------------------------------------------------

    def _remember(self, session: MutableMapping[str, Any], pending: AuthorizationRequest) -> None:
        _pending.remember_pending(
            session, self.name, pending, now=self.registry.clock(), ttl=self.registry.pending_ttl
        )

    def _take(
        self, session: MutableMapping[str, Any], params: Mapping[str, str]
    ) -> tuple[AuthorizationRequest, str]:
        """The callback's pending request (consumed) and its URL for the engine."""
        pending = _pending.take_pending(
            session, self.name, params.get("state"), now=self.registry.clock()
        )
        query = urlencode({k: v for k, v in params.items() if k in _CALLBACK_PARAMS})
        base = pending.redirect_uri or "http://localhost/"
        return pending, f"{base.split('?')[0]}?{query}"

    def _user_key(self, token: OAuth2Token) -> str:
        """The token-store key of the user who just signed in.

        ``<app>:<iss>:<sub>`` from the validated ID token, so each user has one entry per
        provider; without an ID token (plain OAuth 2), one random key per sign-in.
        """
        claims = token.get("userinfo")
        if isinstance(claims, Mapping) and isinstance(claims.get("sub"), str):
            return f"{self.name}:{claims.get('iss', '')}:{claims['sub']}"
        return f"{self.name}:session:{secrets.token_urlsafe(16)}"

    def _signed_in_key(self, session: Mapping[str, Any]) -> str:
        key = _pending.signed_in_key(session, self.name)
        if key is None:
            raise MissingTokenError(description=f"no user is signed in with {self.name!r}")
        return key

    def _logout_url(
        self,
        token: OAuth2Token | None,
        post_logout_redirect_uri: str | None,
        params: dict[str, Any],
    ) -> str:
        """RP-initiated logout at the provider when it has an end_session_endpoint, else home.

        OpenID Connect RP-Initiated Logout 1.0 §2.
        """
        with self._client(OAuth2Client) as client:
            if not client.metadata.get("end_session_endpoint"):
                return post_logout_redirect_uri or "/"
            hint = token.get("id_token") if token is not None else None
            return client.create_logout_url(
                post_logout_redirect_uri,
                id_token_hint=hint if isinstance(hint, str) else None,
                **params,
            )

    @staticmethod
    def _merge_userinfo(token: OAuth2Token, userinfo: Mapping[str, Any]) -> None:
        """UserInfo claims beside the ID token's (whose own values win). Core §5.3.2."""
        claims = token.get("userinfo")
        if isinstance(claims, Mapping):
            token["userinfo"] = {**userinfo, **claims}

    def _wants_userinfo(self, client: OAuth2Client | AsyncOAuth2Client, token: OAuth2Token) -> bool:
        claims = token.get("userinfo")
        return bool(
            self.registry.fetch_userinfo
            and client.metadata.get("userinfo_endpoint")
            and isinstance(claims, Mapping)
            and isinstance(claims.get("sub"), str)
        )

    # -- sync steps (Flask, Django) ---------------------------------------------------------------

    def _begin_sync(
        self, session: MutableMapping[str, Any], redirect_uri: str | None, params: dict[str, Any]
    ) -> str:
        self._discover_sync()
        with self._client(OAuth2Client) as client:
            if redirect_uri is not None:
                params["redirect_uri"] = redirect_uri
            url, _state = client.start_authorization(**params)
            pending = client.authorization_request
        self._remember(session, _started(pending))
        return url

    def _complete_sync(
        self, session: MutableMapping[str, Any], params: Mapping[str, str], **kwargs: Any
    ) -> OAuth2Token:
        self._discover_sync()
        pending, url = self._take(session, params)
        with self._client(OAuth2Client) as client:
            client.authorization_request = pending
            token = client.fetch_token(authorization_response=url, **kwargs)
            if self._wants_userinfo(client, token):
                self._merge_userinfo(token, client.userinfo())
        key = self._user_key(token)
        self.registry.token_store.save(key, token)
        _pending.remember_user(session, self.name, key)
        return token

    def _user_client_sync(self, session: Mapping[str, Any], **kwargs: Any) -> OAuth2Client:
        self._discover_sync()
        key = self._signed_in_key(session)
        return self._client(
            OAuth2Client, **client_token_kwargs(self.registry.token_store, key), **kwargs
        )

    def _sign_out_sync(
        self,
        session: MutableMapping[str, Any],
        post_logout_redirect_uri: str | None,
        params: dict[str, Any],
    ) -> str:
        self._discover_sync()
        key = _pending.signed_in_key(session, self.name)
        token = None
        if key is not None:
            token = stored_token(self.registry.token_store.load(key))
            self.registry.token_store.delete(key)
        _pending.forget_user(session, self.name)
        return self._logout_url(token, post_logout_redirect_uri, params)

    # -- async steps (Starlette, FastAPI) -------------------------------------------------------

    async def _begin_async(
        self, session: MutableMapping[str, Any], redirect_uri: str | None, params: dict[str, Any]
    ) -> str:
        await self._discover_async()
        async with self._client(AsyncOAuth2Client) as client:
            if redirect_uri is not None:
                params["redirect_uri"] = redirect_uri
            url, _state = await client.start_authorization(**params)
            pending = client.authorization_request
        self._remember(session, _started(pending))
        return url

    async def _complete_async(
        self, session: MutableMapping[str, Any], params: Mapping[str, str], **kwargs: Any
    ) -> OAuth2Token:
        await self._discover_async()
        pending, url = self._take(session, params)
        async with self._client(AsyncOAuth2Client) as client:
            client.authorization_request = pending
            token = await client.fetch_token(authorization_response=url, **kwargs)
            if self._wants_userinfo(client, token):
                self._merge_userinfo(token, await client.userinfo())
        key = self._user_key(token)
        await self.registry.token_store.asave(key, token)
        _pending.remember_user(session, self.name, key)
        return token

    async def _user_client_async(
        self, session: Mapping[str, Any], **kwargs: Any
    ) -> AsyncOAuth2Client:
        await self._discover_async()
        key = self._signed_in_key(session)
        return self._client(
            AsyncOAuth2Client, **client_token_kwargs(self.registry.token_store, key), **kwargs
        )

    async def _sign_out_async(
        self,
        session: MutableMapping[str, Any],
        post_logout_redirect_uri: str | None,
        params: dict[str, Any],
    ) -> str:
        await self._discover_async()
        key = _pending.signed_in_key(session, self.name)
        token = None
        if key is not None:
            token = stored_token(await self.registry.token_store.aload(key))
            await self.registry.token_store.adelete(key)
        _pending.forget_user(session, self.name)
        return self._logout_url(token, post_logout_redirect_uri, params)


A = TypeVar("A", bound=BaseRemoteApp)


class BaseOAuth(Generic[A]):
    """The registry of an app's providers; each is then ``oauth.<name>`` (Authlib's shape).

    Args:
        token_store: where signed-in users' tokens live, keyed by user (default: a memory
            store, for a single process; use a shared store when the app runs in several).
        pending_ttl: seconds a sign-in may take between the redirect and the callback.
        fetch_userinfo: after sign-in, add the UserInfo endpoint's claims to
            ``token["userinfo"]`` (OpenID providers only).
        clock: the time source of the pending requests' expiry (tests inject one).
    """

    app_class: ClassVar[type[BaseRemoteApp]]

    def __init__(
        self,
        *,
        token_store: TokenStore | None = None,
        pending_ttl: float = _pending.PENDING_TTL,
        fetch_userinfo: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if isinstance(pending_ttl, bool) or not isinstance(pending_ttl, int | float):
            raise TypeError("pending_ttl must be a number of seconds")
        if pending_ttl <= 0:
            raise ValueError("pending_ttl must be positive")
        self.token_store: TokenStore = (
            token_store if token_store is not None else default_token_store()
        )
        self.pending_ttl = float(pending_ttl)
        self.fetch_userinfo = fetch_userinfo
        self.clock = clock
        self._apps: dict[str, A] = {}

    def _settings(self, name: str) -> Mapping[str, Any]:
        """Registration values the framework's configuration holds for ``name`` (none here)."""
        return {}

    def register(self, name: str, overwrite: bool = False, **kwargs: Any) -> A:
        """Register a provider once; it is then ``oauth.<name>`` (and ``oauth.create_client``).

        By plugin name (``provider="google"``, or ``name`` itself when nothing else says
        where the provider is), by issuer with discovery (``issuer=`` or
        ``server_metadata_url=``), or by endpoints (``authorization_endpoint=`` /
        ``authorize_url=``, ``token_endpoint=`` / ``access_token_url=``, ...). Other keyword
        arguments (and ``client_kwargs``) go to the client's constructor.
        """
        if name in self._apps and not overwrite:
            raise ValueError(f"{name!r} is already registered; pass overwrite=True to replace it")
        merged = {**self._settings(name), **kwargs}
        app: A = self.app_class(self, RemoteAppConfig(name, **merged))  # type: ignore[assignment]
        self._apps[name] = app
        return app

    def create_client(self, name: str) -> A | None:
        """The registered app ``name``, or ``None`` (Authlib's spelling)."""
        return self._apps.get(name)

    def __getattr__(self, name: str) -> A:
        if name.startswith("_"):
            raise AttributeError(name)
        app = self._apps.get(name)
        if app is None:
            raise AttributeError(f"no OAuth app is registered as {name!r}")
        return app
