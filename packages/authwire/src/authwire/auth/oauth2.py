"""``OAuth2Auth``: the OAuth 2 client engine, usable as an ``httpx.Auth`` on any client.

It holds the client's credentials, the provider metadata, the token and its life cycle.
Every protocol step is a flow (see ``authwire._drivers``): the same generator serves
``OAuth2Client`` and ``AsyncOAuth2Client``, and ``sync_auth_flow`` / ``async_auth_flow``
only choose the driver and the lock. The protocol extensions (device flow, PAR/JAR, DPoP,
OpenID Connect, token stores) are mixins, each loaded on its first use
(``authwire.auth._parts``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import (
    AsyncGenerator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Mapping,
    Sequence,
)
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .._clock import Clock, system_clock
from .._compat import Auth, Request, Response, httpx
from .._drivers import (
    ACQUIRE,
    MAX_RESPONSE_BYTES,
    RELEASE,
    Call,
    Flow,
    T,
    Unread,
    async_steps,
    drive_async,
    drive_sync,
    sync_steps,
)
from .._exceptions import (
    MismatchingStateError,
    MissingTokenError,
    OAuthError,
    TokenExpiredError,
    UnsupportedTokenTypeError,
    clone_exception,
)
from .._metadata import AUTHORIZE_DEFAULTS, HOOK_TYPES, check_metadata, is_metadata_name
from ..protocol import rfc6749
from ..protocol._transport import check_transport, is_loopback_url
from ..token import SECRET_TOKEN_FIELDS, OAuth2Token, is_dpop_token

if not TYPE_CHECKING:  # stand-ins that load each mixin on its first use (see auth/_parts.py)
    from ._parts import DeviceFlow, DPoPSupport, OpenIDConnect, SecuredAuthorization, StoredTokens
if TYPE_CHECKING:  # after the stand-ins: the type checker and the docs see the mixins
    import anyio

    from ..protocol.client_auth import ClientAuthMethod, ClientCredentials
    from ..stores import TokenStore
    from .authorization_request import AuthorizationRequest
    from .client_auth import OAuth2ClientAuth
    from .device import DeviceFlow
    from .dpop import DPoPSupport
    from .openid import OpenIDConnect
    from .secured import SecuredAuthorization
    from .stored import StoredTokens

__all__ = ["HOOK_TYPES", "OAuth2Auth", "UpdateToken"]

logger = logging.getLogger("authwire")

#: The PKCE methods (RFC 7636 §4.2), named here so that ``protocol.rfc7636`` loads only when
#: an authorization URL is built
S256 = "S256"
PLAIN = "plain"


#: Grants that are never re-run on expiry: they need the user or a one-time value.
_NOT_REFETCHABLE = frozenset(
    {
        rfc6749.AUTHORIZATION_CODE,
        rfc6749.IMPLICIT,
        rfc6749.PASSWORD,
        rfc6749.REFRESH_TOKEN,
        "urn:ietf:params:oauth:grant-type:device_code",
    }
)

#: Grants with no user redirect: the constructor's ``scope`` and these metadata values are
#: sent on each of their token requests (first fetch, re-fetch, explicit ``fetch_token()``)
#: unless the call gives them. RFC 6749 §4.3.2, §4.4.2; RFC 8707 §2.
_UNATTENDED_GRANTS = frozenset({rfc6749.CLIENT_CREDENTIALS, rfc6749.PASSWORD})
_GRANT_METADATA = ("audience", "resource")

UpdateToken = Callable[..., Any]
Hook = Callable[..., Any]
Form = "application/x-www-form-urlencoded"

#: What an engine with no hook registered reads: one shared, read-only mapping of empty
#: tuples (an engine builds its own dict of lists at its first registration).
_NO_HOOKS: Mapping[str, Sequence[Hook]] = MappingProxyType(dict.fromkeys(HOOK_TYPES, ()))
_NO_AUDIENCES: frozenset[str] = frozenset()
#: Guards the first creation of what an engine makes on first use (its thread lock, its
#: ``authorize_params``).
_LOCK_CREATION = threading.Lock()


class _Grant:
    """A token request to run again when its token expires (never a password or code)."""

    __slots__ = ("auth", "body", "grant_type", "headers", "method", "params", "url")

    def __init__(
        self,
        grant_type: str,
        url: str,
        method: str,
        params: dict[str, Any],
        body: str,
        headers: dict[str, str] | None,
        auth: Any,
    ) -> None:
        self.grant_type = grant_type
        self.url = url
        self.method = method
        self.params = params
        self.body = body
        self.headers = headers
        self.auth = auth


def _check_resource(resource: Any) -> None:
    """RFC 8707 §2, with ``protocol.rfc8707`` loaded only when a ``resource`` is given."""
    if resource is not None:
        from ..protocol.rfc8707 import check_resource

        check_resource(resource)


def _is_coroutine_function(fn: object) -> bool:
    import inspect

    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(
        getattr(fn, "__call__", None)  # noqa: B004 - an object with an async __call__
    )


class OAuth2Auth(DeviceFlow, SecuredAuthorization, DPoPSupport, OpenIDConnect, StoredTokens, Auth):
    """Presents an OAuth 2 token on every request, fetching and renewing it as needed.

    Use it with any httpx client (``httpx.Client(auth=OAuth2Auth(...))``); the client classes
    are built on it. Renewal is single-flight: concurrent requests that find the token expired
    cause one token request, and the others wait for its result.

    Args:
        token: A token to start with (a dict such as a token response).
        client_id: The client identifier (RFC 6749 §2.2).
        client_secret: The client secret, or the private key with ``private_key_jwt``.
        token_endpoint_auth_method: How the client authenticates at the token endpoint
            (RFC 6749 §2.3, RFC 7591 §2): ``client_secret_basic`` when there is a secret,
            else ``none``; ``client_secret_post``, ``client_secret_jwt``,
            ``private_key_jwt`` or a registered method's name.
        revocation_endpoint_auth_method: The same for revocation and introspection; the
            token endpoint's when ``None``.
        scope: The scope asked for: a space-separated ``str`` or an iterable of ``str``.
        redirect_uri: The callback URL registered with the provider (RFC 6749 §3.1.2).
        token_placement: Where the token goes on a resource request: ``"header"``
            (RFC 6750 §2.1), ``"body"`` (§2.2) or ``"uri"`` (§2.3).
        update_token: Called with each token obtained without the caller asking (renewal,
            refresh), so the application can keep it.
        leeway: Seconds before its expiry at which a token counts as expired, so a request
            never carries one that lapses in flight.
        state: A fixed ``state`` for authorization requests; a fresh random one when
            ``None`` (RFC 6749 §10.12).
        code_challenge_method: PKCE: ``"S256"`` (the default), ``"plain"``, or ``None`` for
            no challenge (RFC 7636 §4.2).
        allow_insecure_transport: Allow plain ``http://`` to hosts other than loopback,
            refused by default (RFC 6749 §3.1, §3.2).
        clock: Returns the time in seconds since the epoch; for tests.
        dpop: Bind tokens to a key with DPoP (RFC 9449): ``True`` for a fresh P-256 key, a
            key as [`DPoPKey`][authwire.DPoPKey] takes it, or a ``DPoPKey``. On by itself
            when the metadata has ``dpop_bound_access_tokens``.
        request_object_key: Sign authorization requests into a request object (RFC 9101):
            a key, or a [`RequestObjectSigner`][authwire.RequestObjectSigner]. With an
            ``HS*`` ``request_object_signing_alg`` the client secret is the key.
        trusted_audiences: ID token audiences accepted besides ``client_id`` (OpenID Connect
            Core §3.1.3.7, step 3).
        max_response_bytes: The largest response body read from the authorization server;
            a longer one is refused rather than held in memory.
        token_store: Share the token with other processes through this store
            ([`authwire.stores`][authwire.stores]).
        token_key: The token's key in ``token_store``; derived from the client when
            ``None``.
        **metadata: Provider metadata (``token_endpoint``, ``issuer``, ...: RFC 8414 §2,
            OpenID Connect Discovery §3) and defaults of the authorization request
            (``nonce``, ``prompt``, ``audience``, ``resource``, ...); another name raises
            ``TypeError``.

    Attributes:
        authorization_request: What the last authorization URL needs at the callback
            (``state``, PKCE verifier, ``nonce``), until the code is exchanged; ``None``
            outside a login.

    Raises:
        TypeError: An unknown keyword, or a value of the wrong type.
        ValueError: A value out of range (``token_placement``, ``leeway``, ...).
    """

    # what ``from_provider`` configures (see ``authwire.plugins.provider``)
    _provider_kind = "oauth2"

    # Slots, not an instance dict: with some thirty attributes the dict is a 1.5 KiB table
    # per engine, most of a client's own memory when a service holds thousands of clients.
    # Subclasses (and the mixins' optional state, e.g. DPoP) still get a ``__dict__``.
    __slots__ = (
        "_async_lock",
        "_auth_methods",
        "_authorize_params",
        "_failure",
        "_grant",
        "_hooks",
        "_ready",
        "_refetchable",
        "_renewals",
        "_stored_version",
        "_thread_lock",
        "_token",
        "_token_key",
        "_world",
        "allow_insecure_transport",
        "authorization_request",
        "client_id",
        "client_secret",
        "clock",
        "code_challenge_method",
        "leeway",
        "max_response_bytes",
        "metadata",
        "redirect_uri",
        "revocation_endpoint_auth_method",
        "scope",
        "state",
        "token_endpoint_auth_method",
        "token_placement",
        "token_store",
        "trusted_audiences",
        "update_token",
    )

    def __init__(
        self,
        token: Mapping[str, Any] | None = None,
        *,
        client_id: str | None = None,
        client_secret: Any = None,
        token_endpoint_auth_method: str | None = None,
        revocation_endpoint_auth_method: str | None = None,
        scope: str | Iterable[str] | None = None,
        redirect_uri: str | None = None,
        token_placement: str = "header",
        update_token: UpdateToken | None = None,
        leeway: float = 60,
        state: str | None = None,
        code_challenge_method: str | None = S256,
        allow_insecure_transport: bool = False,
        clock: Clock = system_clock,
        dpop: Any = None,
        request_object_key: Any = None,
        trusted_audiences: Iterable[str] = (),
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        token_store: TokenStore | None = None,
        token_key: str | None = None,
        **metadata: Any,
    ) -> None:
        for name in metadata:
            if not is_metadata_name(name):
                raise TypeError(f"OAuth2Auth() got an unexpected keyword argument {name!r}")
        check_metadata(metadata)
        _check_resource(metadata.get("resource"))
        if client_id is not None and not isinstance(client_id, str):
            raise TypeError(f"client_id must be a str, not {type(client_id).__name__}")
        _check_secret(client_secret)
        if state is not None and not isinstance(state, str):
            raise TypeError(f"state must be a str, not {type(state).__name__}")
        if redirect_uri is not None and not isinstance(redirect_uri, str):
            raise TypeError(f"redirect_uri must be a str, not {type(redirect_uri).__name__}")
        if (
            isinstance(max_response_bytes, bool)
            or not isinstance(max_response_bytes, int)
            or max_response_bytes < 1
        ):
            raise ValueError("max_response_bytes must be a positive whole number of bytes")
        if token_placement != "header":  # the default; RFC 6750 loads for the others
            from ..protocol.rfc6750 import TOKEN_PLACEMENTS

            if token_placement not in TOKEN_PLACEMENTS:
                raise ValueError(
                    f"token_placement must be 'header', 'body' or 'uri', not {token_placement!r}"
                )
        if code_challenge_method not in (None, S256, PLAIN):
            raise ValueError(
                "code_challenge_method must be 'S256', 'plain' or None, "
                f"not {code_challenge_method!r}"
            )
        if update_token is not None and not callable(update_token):
            raise TypeError("update_token must be callable")
        if isinstance(leeway, bool) or not isinstance(leeway, int | float) or leeway < 0:
            raise ValueError("leeway must be a non-negative number of seconds")
        self.client_id = client_id
        self.client_secret = client_secret
        if token_endpoint_auth_method is None:
            # RFC 7591 §2 names; the methods (protocol.client_auth) load with the first use
            token_endpoint_auth_method = "client_secret_basic" if client_secret else "none"
        self.token_endpoint_auth_method = token_endpoint_auth_method
        self.revocation_endpoint_auth_method = revocation_endpoint_auth_method
        # a generator would be used up by the first request: keep its items
        self.scope = (
            scope if scope is None or isinstance(scope, str | list | tuple) else list(scope)
        )
        rfc6749.scope_to_string(self.scope)  # item types checked now, not on first use
        self.redirect_uri = redirect_uri
        self.token_placement = token_placement
        self.update_token = update_token
        self.leeway = leeway
        self.state = state
        self.code_challenge_method = code_challenge_method
        self.allow_insecure_transport = allow_insecure_transport
        self.clock = clock
        self.max_response_bytes = max_response_bytes
        self.trusted_audiences = _audiences(trusted_audiences)
        self.metadata: dict[str, Any] = dict(metadata)
        self.authorization_request: AuthorizationRequest | None = None
        # made on first use (see the properties): most clients never need their own
        self._authorize_params: dict[str, Any] | None = None
        self._auth_methods: Mapping[str, ClientAuthMethod] | None = None  # the built-ins
        self._hooks: Mapping[str, Sequence[Hook]] = _NO_HOOKS
        self._token: OAuth2Token | None = None
        self._grant: _Grant | None = None
        #: False while the held token came from a grant that cannot run again unattended.
        self._refetchable = True
        self._renewals = 0
        self._failure: Exception | None = None
        self._thread_lock: threading.Lock | None = None
        self._async_lock: anyio.Lock | None = None
        #: "sync" or "async" once a flow has run: one engine serves one world (its lock
        #: cannot make a thread and an event loop wait for each other)
        self._world: str | None = None
        self._ready: tuple[OAuth2Token, Any, Any, float, str] | None = None
        # the optional parts load only for a client that uses them (see auth/_parts.py)
        if not (dpop is None or dpop is False) or metadata.get("dpop_bound_access_tokens"):
            self._setup_dpop(dpop)
        if request_object_key is not None or metadata.get("request_object_signing_alg"):
            self._setup_request_objects(request_object_key)
        self.token_store = self._token_key = self._stored_version = None
        if token_store is not None or token_key is not None:
            self._setup_store(token_store, token_key)
        if token is not None:
            self.token = token

    @property
    def authorize_params(self) -> dict[str, Any]:
        """Parameters added to every authorization URL unless the call gives them.

        A provider's ``access_type=offline``, for example. Made on first use.
        """
        params = self._authorize_params
        if params is None:
            with _LOCK_CREATION:  # two threads' first use must fill one dict
                params = self._authorize_params
                if params is None:
                    params = self._authorize_params = {}
        return params

    @authorize_params.setter
    def authorize_params(self, value: Mapping[str, Any]) -> None:
        if not isinstance(value, Mapping):
            raise TypeError(f"authorize_params must be a mapping, not {type(value).__name__}")
        self._authorize_params = dict(value)

    @property
    def thread_lock(self) -> threading.Lock:
        """The lock of single-flight renewal on threads (made on first sync use)."""
        lock = self._thread_lock
        if lock is None:
            with _LOCK_CREATION:  # two threads' first requests must share one lock
                lock = self._thread_lock
                if lock is None:
                    lock = self._thread_lock = threading.Lock()
        return lock

    @property
    def async_lock(self) -> anyio.Lock:
        """The lock of single-flight renewal on tasks (made on first async use)."""
        if self._async_lock is None:
            import anyio  # only async users pay for it

            self._async_lock = anyio.Lock()
        return self._async_lock

    # -- driving flows ----------------------------------------------------------------------

    def _enter(self, world: str) -> None:
        """Refuse, before any request, a flow this engine cannot finish in ``world``."""
        if self._world != world:
            if self._world is not None:
                raise TypeError(
                    f"this OAuth2Auth already serves {self._world} clients and cannot serve "
                    f"{world} ones: single-flight renewal cannot make threads and an event "
                    "loop wait for each other, so both would refresh with the same refresh "
                    "token. Give each its own engine (pass token= to share the token)"
                )
            self._world = world
        if world == "sync":
            named = [("update_token", self.update_token)] + [
                (f"the {kind} hook", fn) for kind, fns in self._hooks.items() for fn in fns
            ]
            for what, fn in named:
                if fn is not None and _is_coroutine_function(fn):
                    raise TypeError(
                        f"{what} is a coroutine function and a sync client cannot await it; "
                        "pass a plain function, or use the async client"
                    )

    def _known_secrets(self) -> list[str]:
        """What the client holds that an error message must never show."""
        found: list[str] = []
        if isinstance(self.client_secret, str):
            found.append(self.client_secret)
        token = self._token
        if token is not None:
            found.extend(
                v for k, v in token.items() if k in SECRET_TOKEN_FIELDS and isinstance(v, str)
            )
        pending = self.authorization_request
        if pending is not None and pending.code_verifier:
            found.append(pending.code_verifier)
        return found

    def _options(self, wait: float | None = None, request: Request | None = None) -> dict[str, Any]:
        """The drivers' settings; inside an auth flow, taken from the caller's ``request``."""
        timeout = None
        if request is not None:
            timeout = request.extensions.get("timeout")
            wait = _pool_timeout(timeout)
        return {
            "lock_timeout": wait,
            "max_bytes": self.max_response_bytes,
            "secrets": self._known_secrets,
            "request_timeout": timeout if isinstance(timeout, Mapping) else None,
        }

    def run_sync(
        self, flow: Flow[T], send: Callable[[Request], Response], wait: float | None = None
    ) -> T:
        """Run one of this engine's flows on a sync client; ``wait`` bounds lock waits.

        ``send`` must send without following redirects (see ``authwire._drivers``).
        """
        try:
            self._enter("sync")
        except BaseException:
            flow.close()
            raise
        return drive_sync(flow, send, self.thread_lock, **self._options(wait=wait))

    async def run_async(
        self,
        flow: Flow[T],
        send: Callable[[Request], Awaitable[Response]],
        wait: float | None = None,
    ) -> T:
        """Async twin of [`run_sync`][authwire.OAuth2Auth.run_sync] (asyncio and trio)."""
        try:
            self._enter("async")
        except BaseException:
            flow.close()
            raise
        return await drive_async(flow, send, self.async_lock, **self._options(wait=wait))

    # -- plain state ------------------------------------------------------------------------

    @property
    def token(self) -> OAuth2Token | None:
        """The token held in memory, or ``None``; setting it does not write to a store."""
        return self._token

    @token.setter
    def token(self, token: Mapping[str, Any] | None) -> None:
        # held in memory only: a token store learns of it at the next renewal or save
        self._token = None if token is None else OAuth2Token.from_dict(token)
        self._stored_version = None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(client_id={self.client_id!r}, "
            f"token_endpoint_auth_method={self.token_endpoint_auth_method!r}, "
            f"token_endpoint={self.metadata.get('token_endpoint')!r})"
        )

    def client_auth(self, auth_method: Any = None) -> OAuth2ClientAuth:
        """Client authentication as an ``httpx.Auth``, for ``auth=`` (as Authlib's).

        ``auth_method`` is a registered method's name (the token endpoint's by default), or
        a method itself (``(name, fn)`` or an object with a ``name``). An unknown name raises
        ``ValueError`` now. RFC 6749 §2.3.
        """
        if auth_method is None:
            auth_method = self.token_endpoint_auth_method
        if isinstance(auth_method, str):
            method = self._method(auth_method)
        else:
            from ..protocol.client_auth import named_method

            method = named_method(auth_method)
            prepare = getattr(method, "prepare", None)
            if callable(prepare):
                prepare(self._credentials(method.name))
        from .client_auth import OAuth2ClientAuth

        return OAuth2ClientAuth(self, method)

    def register_client_auth_method(self, auth: Any) -> None:
        """Add a client authentication method: ``(name, fn)`` or an object with ``.name``.

        A method's ``prepare(client)`` runs now, so a bad key fails here, not on first use.
        """
        from ..protocol.client_auth import named_method

        method = named_method(auth)
        prepare = getattr(method, "prepare", None)
        if callable(prepare):
            prepare(self._credentials(method.name))
        self._auth_methods = {**self._methods(), method.name: method}

    def _methods(self) -> Mapping[str, ClientAuthMethod]:
        """The client auth methods by name: the shared built-ins until one is registered."""
        methods = self._auth_methods
        if methods is None:
            from ..protocol.client_auth import BUILTIN_METHODS

            return BUILTIN_METHODS
        return methods

    def _method(self, name: str) -> ClientAuthMethod:
        """The registered method ``name``; ``ValueError`` naming it when there is none."""
        method = self._methods().get(name)
        if method is None:
            raise ValueError(
                f"the client auth method {name!r} is not registered; "
                "call register_client_auth_method() with it first"
            )
        return method

    def register_compliance_hook(self, hook_type: str, hook: Hook) -> None:
        """Run ``hook`` at ``hook_type``; hooks of one type run in registration order."""
        if hook_type not in self._hooks:
            raise ValueError(f"hook_type must be one of {', '.join(HOOK_TYPES)}; not {hook_type!r}")
        if not callable(hook):
            raise TypeError("hook must be callable")
        # a new dict of new lists (never the shared empty one); earlier hooks kept in order
        hooks = {name: [*fns] for name, fns in self._hooks.items()}
        hooks[hook_type].append(hook)
        self._hooks = hooks

    def _credentials(self, auth_method: str) -> ClientCredentials:
        from ..protocol.client_auth import ClientCredentials

        issuer = self.metadata.get("issuer")
        return ClientCredentials(
            self.client_id,
            self.client_secret,
            auth_method,
            issuer if isinstance(issuer, str) else None,
        )

    def _endpoint(self, url: str | None, name: str) -> str:
        if url is None:
            url = self.metadata.get(name)
            if url is None and name == "token_endpoint" and self._grant is not None:
                url = self._grant.url
        if not url:
            raise ValueError(f"no {name} is known: pass url= or give {name}= to the client")
        url = str(url)
        check_transport(url, allow_insecure=self.allow_insecure_transport, what=name)
        return url

    # -- the authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3) ------------------------

    def _prepare_authorization(
        self,
        url: str | None,
        state: str | None,
        code_verifier: str | None,
        params: dict[str, Any],
    ) -> tuple[str, dict[str, Any], AuthorizationRequest]:
        """The endpoint, every authorization parameter, and what the callback will need.

        Shared by the plain URL, the signed request object and the pushed request.
        RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 8707 §2, RFC 9449 §10.
        """
        import secrets

        from ..protocol import rfc7636

        endpoint = self._endpoint(url, "authorization_endpoint")
        state = state or self.state or secrets.token_urlsafe(32)
        response_type = params.pop("response_type", None) or self.metadata.get(
            "response_type", "code"
        )
        redirect_uri = params.pop("redirect_uri", None) or self.redirect_uri
        scope = params.pop("scope", None) or self.scope
        for name in AUTHORIZE_DEFAULTS:
            if name not in params and self.metadata.get(name) is not None:
                params[name] = self.metadata[name]
        for name, value in (self._authorize_params or {}).items():
            params.setdefault(name, value)
        _check_resource(params.get("resource"))
        scope_text = rfc6749.scope_to_string(scope)
        if "openid" in (scope_text or "").split() or "id_token" in response_type.split():
            params.setdefault("nonce", secrets.token_urlsafe(24))
        method = params.pop("code_challenge_method", self.code_challenge_method)
        if "code" in response_type.split() and (method or code_verifier):
            if code_verifier is None:
                code_verifier = rfc7636.generate_code_verifier()
            method = method or rfc7636.S256
            params["code_challenge"] = rfc7636.create_code_challenge(code_verifier, method)
            params["code_challenge_method"] = method
        if self.dpop_key is not None and "code" in response_type.split():
            params.setdefault("dpop_jkt", self.dpop_key.thumbprint)
        query: dict[str, Any] = {
            "response_type": response_type,
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "scope": scope_text,
            "state": state,
            **params,
        }
        from .authorization_request import AuthorizationRequest

        pending = AuthorizationRequest(
            state=state,
            code_verifier=code_verifier,
            nonce=params.get("nonce"),
            redirect_uri=redirect_uri,
            max_age=_int_or_none(params.get("max_age")),
        )
        return endpoint, query, pending

    def create_authorization_url(
        self,
        url: str | None = None,
        state: str | None = None,
        code_verifier: str | None = None,
        **params: Any,
    ) -> tuple[str, str]:
        """Build the URL to send the user to, and remember what the callback will need.

        A ``state`` is generated when none is given, PKCE S256 is added by default, and a
        ``nonce`` when ``openid`` is in the scope. With a request-object key the parameters
        travel signed, by value (RFC 9101 §5.1). RFC 6749 §4.1.1, RFC 7636 §4.3.
        """
        if self.requires_pushed_authorization:
            raise ValueError(
                "this client must push its authorization requests "
                "(require_pushed_authorization_requests): use push_authorization_request() "
                "or start_authorization()"
            )
        endpoint, query, pending = self._prepare_authorization(url, state, code_verifier, params)
        authorization_url = rfc6749.url_with_params(endpoint, self._secured_query(query))
        self.authorization_request = pending
        return authorization_url, pending.state

    def token_from_fragment(
        self, authorization_response: str, state: str | None = None
    ) -> OAuth2Token:
        """The token of an implicit-grant callback, read from its fragment (legacy).

        What ``fetch_token_flow(authorization_response=..., grant_type="implicit")`` does,
        run here without a driver: the ``state`` check fails closed, the access token must
        be one a header can carry, and an ID token is validated. If that needs the
        provider's JWKS fetched, ``TypeError`` names ``fetch_token(authorization_response=)``
        instead, and the pending request is kept for it. RFC 6749 §4.2.2; RFC 9700 §2.1.2.
        """
        pending, constructor_state = self.authorization_request, self.state
        flow = self.fetch_token_flow(
            authorization_response=authorization_response,
            state=state,
            grant_type=rfc6749.IMPLICIT,
        )
        try:
            return drive_sync(flow, _refuse_request, None, **self._options())
        except _RequestNeeded:
            self.authorization_request, self.state = pending, constructor_state
            raise TypeError(
                "token_from_fragment() sends no request, and the fragment's id_token needs "
                "the provider's JWKS: use fetch_token(authorization_response=...) instead "
                "(awaited on an async client)"
            ) from None

    def _validate_authorization_response(
        self, url: str, state: str, *, require_code: bool = True
    ) -> dict[str, str]:
        """The callback's parameters once repeats, ``state``, ``iss`` and ``error`` are checked.

        RFC 6749 §3.1, §4.1.2, §10.12; RFC 9207 §2.4.
        """
        issuer = self.metadata.get("issuer")
        return rfc6749.parse_authorization_response(
            url,
            state=state,
            require_code=require_code,
            issuer=issuer if isinstance(issuer, str) else None,
            issuer_required=bool(
                self.metadata.get("authorization_response_iss_parameter_supported")
            ),
        )

    def _callback_state(self, state: str | None) -> str:
        """The state a callback must carry; taking it consumes the pending request.

        Fails closed: with no pending request and no ``state=`` there is nothing to check
        the callback against (a new worker, a replayed callback, a forged one), and it is
        refused rather than exchanged unchecked. RFC 6749 §10.12, RFC 9700 §4.7.1.
        """
        pending = self.authorization_request
        expected = state or (pending.state if pending is not None else None) or self.state
        if expected is None:
            raise MismatchingStateError(
                description=(
                    "no authorization request is pending and no state= was given, so the "
                    "callback cannot be checked; restore the request (authorization_request="
                    "AuthorizationRequest.from_dict(...)) or pass the state you sent"
                )
            )
        return expected

    def _consume_authorization(self) -> None:
        """A callback was exchanged: its request (and a constructor ``state``) is spent."""
        self.authorization_request = None
        self.state = None

    @staticmethod
    def _is_legacy_fragment(url: str, pending: AuthorizationRequest | None) -> bool:
        """Whether a callback on a code client is an implicit-grant response (legacy).

        Authlib parses any callback with a fragment as one; here the fragment must carry the
        response (no query parameters) with an ``access_token`` and no ``code``, and the
        pending request must not be a PKCE code request. A ``#_=_`` appended to a code
        callback (Facebook) stays a code callback. RFC 6749 §4.2.2.
        """
        if pending is not None and pending.code_verifier:
            return False
        params = rfc6749.fragment_response_params(url)
        return params is not None and "access_token" in params and "code" not in params

    def _add_grant_defaults(self, grant_type: str, params: dict[str, Any]) -> dict[str, Any]:
        """``params`` with the constructor's ``scope``, ``audience`` and ``resource``.

        Only for the client credentials and password grants, and only where the call did not
        give the parameter (an explicit ``None`` sends none). Authlib sends ``scope`` alone
        and drops the others on its automatic fetches (its issue #783).
        """
        if grant_type in _UNATTENDED_GRANTS:
            if self.scope:
                params.setdefault("scope", self.scope)
            for name in _GRANT_METADATA:
                value = self.metadata.get(name)
                if value is not None:
                    params.setdefault(name, value)
        return params

    # -- token requests (RFC 6749 §4, §6) ---------------------------------------------------

    def _request_hooks(
        self, kind: str, url: str, headers: dict[str, str], body: str
    ) -> Flow[tuple[str, dict[str, str], str]]:
        """Run the ``kind`` hooks on a request about to be built; each returns the triple."""
        for fn in self._hooks[kind]:
            result = yield Call(fn, (url, headers, body))
            url, headers, raw = _hook_result(kind, fn, result)
            body = raw.decode("utf-8") if isinstance(raw, bytes) else raw or ""
        return url, headers, body

    def _response_hooks(self, kind: str, response: Response) -> Flow[Response]:
        """Run the ``kind`` hooks on a response; each returns the (possibly new) response."""
        for fn in self._hooks[kind]:
            result = yield Call(fn, (response,))
            if not isinstance(result, Response):
                raise TypeError(
                    f"the {kind} compliance hook {_name(fn)} must return the httpx.Response, "
                    f"not {type(result).__name__}"
                )
            response = result
        return response

    def _client_request(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: str,
        auth: Any,
        auth_method: str,
    ) -> Request:
        """Apply client authentication (RFC 6749 §2.3) and build the request."""
        if auth is None:
            fn = self._method(auth_method)
            url, headers, body = fn(self._credentials(auth_method), method, url, headers, body)
        elif isinstance(auth, tuple) and len(auth) == 2:
            from ..protocol.client_auth import basic_authorization

            headers = dict(headers)
            headers["Authorization"] = basic_authorization(str(auth[0]), str(auth[1]))
        elif isinstance(auth, str):
            return self._client_request(method, url, headers, body, None, auth)
        elif callable(auth) and isinstance(getattr(auth, "name", None), str):
            url, headers, body = auth(self._credentials(auth.name), method, url, headers, body)
        elif isinstance(auth, httpx.Auth):
            request = self._build(method, url, headers, body)
            return next(auth.auth_flow(request))
        else:
            raise TypeError("auth must be an httpx.Auth, an (id, secret) pair or an auth method")
        return self._build(method, url, headers, body)

    @staticmethod
    def _build(method: str, url: str, headers: dict[str, str], body: str) -> Request:
        if method.upper() == "GET":
            request = Request("GET", url, headers=headers)
            if body:
                request.url = request.url.copy_merge_params(httpx.QueryParams(body))
            return request
        return Request(method.upper(), url, headers=headers, content=body.encode("utf-8"))

    def _token_request(
        self,
        grant_type: str,
        url: str,
        params: Mapping[str, Any],
        *,
        body: str = "",
        method: str = "POST",
        headers: Mapping[str, str] | None = None,
        auth: Any = None,
        hook: str = "access_token",
    ) -> Flow[OAuth2Token]:
        """Send one token request and process its response. RFC 6749 §3.2, §5."""
        text = rfc6749.build_token_request_body(grant_type, params, body)
        all_headers = {"Accept": "application/json", "Content-Type": Form}
        all_headers.update(headers or {})
        url, all_headers, text = yield from self._request_hooks(
            f"{hook}_request", url, all_headers, text
        )

        dpop = self.dpop_key is not None  # proofs, nonces and binding: RFC 9449 §5, §8

        def build() -> Request:
            # client authentication afresh on each send: an assertion's jti is single-use
            request = self._client_request(
                method, url, all_headers, text, auth, self.token_endpoint_auth_method
            )
            return self._with_dpop_proof(request) if dpop else request

        request = build()
        logger.debug("token request: grant_type=%s to %s", grant_type, request.url.host)
        response: Response = yield request
        if dpop and self._dpop_nonce_retry(request, response):
            request = build()
            response = yield request
            self._dpop_nonce_retry(request, response)
        response = yield from self._response_hooks(f"{hook}_response", response)
        token = rfc6749.process_token_response(response, clock=self.clock)
        if dpop:
            self._check_dpop_binding(token)
        return token

    def fetch_token_flow(
        self,
        url: str | None = None,
        body: str = "",
        method: str = "POST",
        headers: Mapping[str, str] | None = None,
        auth: Any = None,
        grant_type: str | None = None,
        state: str | None = None,
        **params: Any,
    ) -> Flow[OAuth2Token]:
        """Obtain a token by any grant. RFC 6749 §4.

        The arguments are those of
        [`OAuth2Client.fetch_token`][authwire.OAuth2Client.fetch_token].
        """
        authorization_response = params.pop("authorization_response", None)
        if state is not None and not isinstance(state, str):
            raise TypeError(f"state must be a str, not {type(state).__name__}")
        if authorization_response is not None and not isinstance(authorization_response, str):
            raise TypeError(
                "authorization_response must be the callback URL as a str, "
                f"not {type(authorization_response).__name__}"
            )
        pending = self.authorization_request
        if authorization_response is not None:
            expected_state = self._callback_state(state)
            implicit = grant_type == rfc6749.IMPLICIT or (
                grant_type is None
                and (
                    "token" in str(self.metadata.get("response_type", "code")).split()
                    or self._is_legacy_fragment(authorization_response, pending)
                )
            )
            if implicit:
                self._validate_authorization_response(
                    authorization_response, expected_state, require_code=False
                )
                self._consume_authorization()
                token = rfc6749.token_from_fragment(authorization_response, state=None)
                yield from self._check_id_token_flow(
                    token,
                    nonce=pending.nonce if pending is not None else None,
                    max_age=pending.max_age if pending is not None else None,
                )
                yield from self._keep_flow(token)
                return token
            response_params = self._validate_authorization_response(
                authorization_response, expected_state
            )
            self._consume_authorization()
            params["code"] = response_params["code"]
            grant_type = grant_type or rfc6749.AUTHORIZATION_CODE
        endpoint = self._endpoint(url, "token_endpoint")
        _check_resource(params.get("resource"))
        if grant_type is None:
            grant_type = self.metadata.get("grant_type") or rfc6749.guess_grant_type(params)
        if grant_type == rfc6749.AUTHORIZATION_CODE:
            redirect_uri = pending.redirect_uri if pending else self.redirect_uri
            if redirect_uri is not None:
                params.setdefault("redirect_uri", redirect_uri)
            if pending is not None and pending.code_verifier:
                params.setdefault("code_verifier", pending.code_verifier)
        else:
            self._add_grant_defaults(grant_type, params)
        token = yield from self._token_request(
            grant_type,
            endpoint,
            params,
            body=body,
            method=method,
            headers=headers,
            auth=auth,
        )
        yield from self._check_id_token_flow(
            token,
            nonce=pending.nonce if pending is not None else None,
            max_age=pending.max_age if pending is not None else None,
            code=params.get("code") if grant_type == rfc6749.AUTHORIZATION_CODE else None,
        )
        self._refetchable = grant_type not in _NOT_REFETCHABLE
        if grant_type not in _NOT_REFETCHABLE:
            self._grant = _Grant(
                grant_type, endpoint, method, dict(params), body, dict(headers or {}), auth
            )
        if grant_type == rfc6749.AUTHORIZATION_CODE:
            self.authorization_request = None
        yield from self._keep_flow(token)
        return token

    def _refresh(
        self,
        url: str,
        refresh_token: str,
        *,
        body: str = "",
        auth: Any = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Flow[OAuth2Token]:
        """Refresh; a response without a new refresh token keeps the old one. RFC 6749 §6."""
        token = yield from self._token_request(
            rfc6749.REFRESH_TOKEN,
            url,
            {"refresh_token": refresh_token, **(params or {})},
            body=body,
            headers=headers,
            auth=auth,
            hook="refresh_token",
        )
        if not token.get("refresh_token"):
            token["refresh_token"] = refresh_token
        try:
            yield from self._check_id_token_flow(token, previous=self._token)
        except OAuthError:
            if token["refresh_token"] != refresh_token:
                yield from self._keep_rotated(token["refresh_token"], refresh_token)
            raise
        return token

    def _keep_rotated(self, rotated: str, spent: str) -> Flow[None]:
        """Keep a rotated refresh token whose answer was refused (its ID token failed).

        The old refresh token is spent once the server rotated it: dropping the new one would
        lose the grant. The refused answer's access and ID tokens are not used; the held token
        keeps its own, with the new refresh token, and reaches the store and ``update_token``
        before the refusal is raised.
        """
        held = dict(self._token or {})
        held["refresh_token"] = rotated
        survivor = OAuth2Token(held)
        logger.warning("a refreshed token was refused; its rotated refresh token is kept")
        yield from self._keep_flow(survivor)
        if self.update_token is not None:
            yield Call(self.update_token, (survivor,), {"refresh_token": spent})

    def refresh_token_flow(
        self,
        url: str | None = None,
        refresh_token: str | None = None,
        body: str = "",
        auth: Any = None,
        headers: Mapping[str, str] | None = None,
        **params: Any,
    ) -> Flow[OAuth2Token]:
        """Refresh explicitly, then hand the new token to ``update_token``. RFC 6749 §6."""
        endpoint = self._endpoint(url, "token_endpoint")
        _check_resource(params.get("resource"))
        old = self._token
        refresh_token = refresh_token or (old.refresh_token if old is not None else None)
        if not refresh_token:
            raise MissingTokenError(description="no refresh token is known")
        token = yield from self._refresh(
            endpoint, refresh_token, body=body, auth=auth, headers=headers, params=params
        )
        yield from self._keep_flow(token)
        if self.update_token is not None:
            yield Call(self.update_token, (token,), {"refresh_token": refresh_token})
        return token

    # -- token exchange (RFC 8693) ---------------------------------------------------------

    def exchange_token_flow(
        self,
        subject_token: str,
        subject_token_type: str | None = None,
        *,
        actor_token: str | None = None,
        actor_token_type: str | None = None,
        audience: str | Iterable[str] | None = None,
        resource: str | Iterable[str] | None = None,
        requested_token_type: str | None = None,
        scope: str | Iterable[str] | None = None,
        url: str | None = None,
        auth: Any = None,
        headers: Mapping[str, str] | None = None,
        **params: Any,
    ) -> Flow[OAuth2Token]:
        """Trade a token for another (for a service downstream, or acting for someone).

        The new token becomes the client's token; it is not re-fetched on expiry (the
        subject token may be gone by then), only refreshed if it came with a refresh token.
        ``subject_token_type`` defaults to an access token's. RFC 8693 §2.1, §2.2.
        """
        from ..protocol import rfc8693

        exchange = rfc8693.build_token_exchange_params(
            subject_token,
            rfc8693.ACCESS_TOKEN_TYPE if subject_token_type is None else subject_token_type,
            actor_token=actor_token,
            actor_token_type=actor_token_type,
            audience=audience,
            resource=resource,
            requested_token_type=requested_token_type,
            scope=scope,
        )
        endpoint = self._endpoint(url, "token_endpoint")
        token = yield from self._token_request(
            rfc8693.TOKEN_EXCHANGE_GRANT,
            endpoint,
            {**params, **exchange},
            headers=headers,
            auth=auth,
        )
        rfc8693.check_token_exchange_response(token)
        self._hold_one_time_token(token)
        yield from self._keep_flow(token)
        return token

    def _hold_one_time_token(self, token: OAuth2Token) -> None:
        """Keep a token whose grant cannot run again unattended (device code, exchange)."""
        self._token = token
        self._grant = None
        self._refetchable = False

    # -- automatic life cycle ---------------------------------------------------------------

    def _is_usable(self, token: OAuth2Token | None, stale: OAuth2Token | None) -> bool:
        if token is None or token is stale:
            return False
        return not token.is_expired(self.leeway, clock=self.clock)

    def _renewal_plan(self, token: OAuth2Token | None) -> str | None:
        if token is not None and token.refresh_token and self._refresh_url() is not None:
            return "refresh"
        if self._refetch_grant() is not None:
            return "refetch"
        return None

    def _refresh_url(self) -> str | None:
        url = self.metadata.get("token_endpoint") or (self._grant.url if self._grant else None)
        return str(url) if url else None

    def _refetch_grant(self) -> _Grant | None:
        if self._grant is not None:
            return self._grant
        if not self._refetchable:
            return None  # the token came from a one-time grant (device code, exchange)
        url = self.metadata.get("token_endpoint")
        if url and self.metadata.get("grant_type") == rfc6749.CLIENT_CREDENTIALS:
            return _Grant(rfc6749.CLIENT_CREDENTIALS, str(url), "POST", {}, "", None, None)
        return None

    def _renew(self, token: OAuth2Token | None) -> Flow[tuple[OAuth2Token, dict[str, Any]]]:
        plan = self._renewal_plan(token)
        if plan == "refresh":
            assert token is not None
            assert token.refresh_token is not None
            url = self._endpoint(self._refresh_url(), "token_endpoint")
            logger.debug("refreshing the access token")
            new = yield from self._refresh(url, token.refresh_token)
            return new, {"refresh_token": token.refresh_token}
        grant = self._refetch_grant()
        if plan == "refetch" and grant is not None:
            params = self._add_grant_defaults(grant.grant_type, dict(grant.params))
            logger.debug("fetching a new token by %s", grant.grant_type)
            url = self._endpoint(grant.url, "token_endpoint")
            new = yield from self._token_request(
                grant.grant_type,
                url,
                params,
                body=grant.body,
                method=grant.method,
                headers=grant.headers,
                auth=grant.auth,
            )
            return new, {"access_token": token.access_token if token is not None else None}
        if token is None:
            raise MissingTokenError()
        raise TokenExpiredError()

    def ensure_token_flow(self, stale: OAuth2Token | None = None) -> Flow[OAuth2Token]:
        """A usable token: the current one, or a renewed one (single-flight).

        ``stale`` is a token the resource server rejected: it is renewed even if it looks
        unexpired, unless another request renewed it meanwhile.
        """
        token = self._token
        if self._is_usable(token, stale):
            assert token is not None
            return token
        renewals = self._renewals
        yield ACQUIRE
        token = self._token
        if self._is_usable(token, stale):
            yield RELEASE
            assert token is not None
            return token
        if self._renewals != renewals and self._failure is not None:
            # we queued behind a renewal that failed: report it rather than retry in a herd,
            # each waiter with its own copy of the error (same type, same fields)
            raise clone_exception(self._failure)
        self._renewals += 1
        try:
            if self.token_store is None:
                renewed: tuple[OAuth2Token, dict[str, Any]] | None = yield from self._renew(token)
            else:
                renewed = yield from self._renew_through_store(token, stale)
        except Exception as exc:
            self._failure = exc
            raise
        except BaseException:
            # cancelled (or closed) before an outcome: the next in line renews
            self._failure = None
            raise
        self._failure = None
        if renewed is None:  # another process renewed it: the store's token is held now
            yield RELEASE
            assert self._token is not None
            return self._token
        new, update_kwargs = renewed
        self._token = new
        yield RELEASE
        if self.update_token is not None:
            yield Call(self.update_token, (new,), update_kwargs)
        return new

    def _present(self, request: Request, token: OAuth2Token) -> Flow[Request]:
        """Put the token on a resource request. RFC 6750 §2, RFC 9449 §7.1."""
        token_type = token.get("token_type")
        dpop = is_dpop_token(token_type)
        if token_type is not None and not dpop and str(token_type).lower() != "bearer":
            raise UnsupportedTokenTypeError(
                description=f"cannot present a token of type {str(token_type)[:40]!r}"
            )
        access_token = token.access_token
        if not access_token:
            raise MissingTokenError(description="the token has no access_token")
        if request.url.scheme != "https":
            check_transport(
                request.url, allow_insecure=self.allow_insecure_transport, what="resource URL"
            )
        if dpop:
            if self.dpop_key is None:
                raise UnsupportedTokenTypeError(
                    description="a DPoP-bound token needs the client's DPoP key (dpop=)"
                )
            request = self._with_dpop_proof(request, access_token)
        elif self.token_placement == "header":  # RFC 6750 §2.1, as the fast path sets it
            request.headers["Authorization"] = f"Bearer {access_token}"
        else:
            from ..protocol.rfc6750 import place_bearer_token

            request = place_bearer_token(request, access_token, self.token_placement)
        for fn in self._hooks["protected_request"]:
            try:
                content: bytes | None = request.content
            except httpx.RequestNotRead:
                content = None
            result = yield Call(fn, (str(request.url), dict(request.headers), content))
            url, headers, body = _hook_result("protected_request", fn, result)
            request = Request(
                request.method,
                url,
                headers=headers,
                content=body if body is not None else request.stream,
                extensions=request.extensions,
            )
        return request

    def _send_presented(
        self, request: Request, token: OAuth2Token, *, read: bool
    ) -> Flow[Response]:
        """Present ``token`` and send; answer a resource server's DPoP nonce challenge once.

        ``read=False`` hands the caller's response back unread (it may be streamed).
        RFC 9449 §9.
        """
        sent = yield from self._present(request, token)
        response: Response = yield (sent if read else Unread(sent))
        if (
            self.dpop_key is not None
            and self._dpop_nonce_retry(sent, response, resource=True)
            and _replayable(request)
        ):
            sent = yield from self._present(request, token)
            response = yield (sent if read else Unread(sent))
            self._dpop_nonce_retry(sent, response, resource=True)
        return response

    def protected_flow(self, request: Request) -> Flow[None]:
        """Send ``request`` with a usable token; on a 401 ``invalid_token``, renew once."""
        token = yield from self.ensure_token_flow()
        response = yield from self._send_presented(request, token, read=False)
        yield from self._retry_flow(request, token, response)

    def _retry_flow(self, request: Request, token: OAuth2Token, response: Response) -> Flow[None]:
        """After a 401 ``invalid_token``: renew once and resend.

        Only for a token without expiry, or one that is due by now (it expired while the
        request waited for a connection or a slow server): an unexpired token refused is the
        server's decision, not staleness. RFC 6750 §3.1 (``Bearer`` challenge), RFC 9449
        §7.1 (``DPoP`` challenge for DPoP tokens). Requests whose body is a stream cannot be
        resent and are left alone.
        """
        if response.status_code != 401:
            return
        from ..protocol.rfc6750 import is_invalid_token_challenge

        if (
            (token.expires_at is None or token.is_expired(self.leeway, clock=self.clock))
            and is_invalid_token_challenge(
                response.headers.get("www-authenticate"),
                "dpop" if is_dpop_token(token.get("token_type")) else "bearer",
            )
            and self._renewal_plan(token) is not None
            and _replayable(request)
        ):
            token = yield from self.ensure_token_flow(stale=token)
            yield from self._send_presented(request, token, read=False)

    def _ready_header(self, request: Request) -> tuple[OAuth2Token, str] | None:
        """The ``Authorization`` value when the common case applies, else ``None``.

        The hot path: a held, unexpired bearer token placed in the header of an https
        request with no protected-request hook. Its header and deadline are computed once
        per token (and again if the token's ``access_token`` or ``expires_at`` changes);
        everything else goes through ``protected_flow``.
        """
        token = self._token
        if token is None or self._hooks["protected_request"] or self.token_placement != "header":
            return None
        url = request.url
        scheme = url.scheme
        if (
            scheme != "https"
            and not self.allow_insecure_transport
            and not (scheme == "http" and is_loopback_url(url))
        ):
            return None  # the general path says why (InsecureTransportError)
        cached = self._ready
        expires_at = token.get("expires_at")
        access_token = token.get("access_token")
        if (
            cached is None
            or cached[0] is not token
            or cached[1] != expires_at
            or cached[2] is not access_token
        ):
            token_type = token.get("token_type")
            if (
                not isinstance(access_token, str)
                or not access_token
                or (token_type is not None and str(token_type).lower() != "bearer")
            ):
                return None
            deadline = (
                token.expires_at - token.effective_leeway(self.leeway)
                if token.expires_at is not None
                else float("inf")
            )
            cached = (token, expires_at, access_token, deadline, f"Bearer {access_token}")
            self._ready = cached
        if self.clock() > cached[3]:
            return None
        return token, cached[4]

    def _sync_steps(self, flow: Flow[None], request: Request) -> Generator[Request, Response, None]:
        self._enter("sync")
        return sync_steps(flow, self.thread_lock, **self._options(request=request))

    def _async_steps(self, flow: Flow[None], request: Request) -> AsyncGenerator[Request, Response]:
        self._enter("async")
        return async_steps(flow, [], self.async_lock, **self._options(request=request))

    def sync_auth_flow(self, request: Request) -> Generator[Request, Response, None]:
        """httpx's hook on a sync client: present the token, renewed single-flight when due.

        A 401 ``invalid_token`` renews it once more and replays the request (RFC 6750 §3.1).
        A held, unexpired bearer token in the header takes a short path with no lock.
        """
        ready = self._ready_header(request)
        if ready is None:
            return self._sync_steps(self.protected_flow(request), request)
        return self._sync_ready(request, *ready)

    def _sync_ready(
        self, request: Request, token: OAuth2Token, header: str
    ) -> Generator[Request, Response, None]:
        request.headers["Authorization"] = header
        response = yield request
        if response.status_code == 401:
            yield from self._sync_steps(self._retry_flow(request, token, response), request)

    def async_auth_flow(self, request: Request) -> AsyncGenerator[Request, Response]:
        """httpx's hook on an async client: the same steps, under the task lock."""
        ready = self._ready_header(request)
        if ready is None:
            return self._async_steps(self.protected_flow(request), request)
        return self._async_ready(request, *ready)

    async def _async_ready(
        self, request: Request, token: OAuth2Token, header: str
    ) -> AsyncGenerator[Request, Response]:
        request.headers["Authorization"] = header
        response = yield request
        if response.status_code == 401:
            steps = self._async_steps(self._retry_flow(request, token, response), request)
            try:
                sent = await anext(steps)
                while True:
                    response = yield sent
                    sent = await steps.asend(response)
            except StopAsyncIteration:
                return
            finally:
                await steps.aclose()

    # -- revocation and introspection (RFC 7009, RFC 7662) ----------------------------------

    def _token_to_send(
        self, token: str | Mapping[str, Any] | None, hint: str | None
    ) -> tuple[str, str | None]:
        if hint is not None and not isinstance(hint, str):
            raise TypeError(f"token_type_hint must be a str, not {type(hint).__name__}")
        if isinstance(token, str):
            return token, hint
        if token is not None and not isinstance(token, Mapping):
            raise TypeError(f"token must be a str or a token mapping, not {type(token).__name__}")
        source = token if token is not None else self._token
        if source is None:
            raise MissingTokenError()
        if hint in (None, "refresh_token") and source.get("refresh_token"):
            return str(source["refresh_token"]), hint or "refresh_token"
        if source.get("access_token"):
            return str(source["access_token"]), hint or "access_token"
        raise MissingTokenError()

    def _endpoint_call(
        self,
        name: str,
        url: str | None,
        params: Mapping[str, Any],
        body: str | None,
        auth: Any,
        headers: Mapping[str, str] | None,
        hook: str | None,
        auth_method: str | None = None,
    ) -> Flow[Response]:
        """POST a form to an endpoint of the token family, with client authentication.

        Revocation, introspection, device authorization, pushed authorization: the body is
        ``body`` then ``params`` (lists repeated), ``hook`` runs on it, and the client
        authenticates with ``auth_method`` (the revocation one, else the token one).
        """
        endpoint = self._endpoint(url, name)
        text = "&".join(part for part in (body, rfc6749.form_body(params)) if part)
        all_headers = {"Accept": "application/json", "Content-Type": Form}
        all_headers.update(headers or {})
        if hook is not None:
            endpoint, all_headers, text = yield from self._request_hooks(
                hook, endpoint, all_headers, text
            )
        method = auth_method or self.revocation_endpoint_auth_method
        method = method or self.token_endpoint_auth_method
        request = self._client_request("POST", endpoint, all_headers, text, auth, method)
        response: Response = yield request
        return response

    def revoke_token_flow(
        self,
        url: str | None = None,
        token: str | Mapping[str, Any] | None = None,
        token_type_hint: str | None = None,
        body: str | None = None,
        auth: Any = None,
        headers: Mapping[str, str] | None = None,
        **params: Any,
    ) -> Flow[Response]:
        """Revoke a token (the refresh token by default). RFC 7009 §2.

        With a token store, revoking the held token also removes it from the store and from
        memory: a revoked token must not be loaded again by another process.
        """
        from ..protocol import rfc7009

        value, hint = self._token_to_send(token, token_type_hint)
        params = {**rfc7009.build_revocation_params(value, hint), **params}
        response = yield from self._endpoint_call(
            "revocation_endpoint", url, params, body, auth, headers, "revoke_token_request"
        )
        result = rfc7009.process_revocation_response(response)
        held = self._token
        if (
            self.token_store is not None
            and held is not None
            and value
            in (
                held.get("access_token"),
                held.get("refresh_token"),
            )
        ):
            yield from self._forget_flow()
        return result

    def introspect_token_flow(
        self,
        url: str | None = None,
        token: str | Mapping[str, Any] | None = None,
        token_type_hint: str | None = None,
        body: str | None = None,
        auth: Any = None,
        headers: Mapping[str, str] | None = None,
        **params: Any,
    ) -> Flow[Response]:
        """Ask whether a token is active (the access token by default). RFC 7662 §2."""
        if token is None and token_type_hint is None:
            token_type_hint = "access_token"
        from ..protocol import rfc7662

        value, hint = self._token_to_send(token, token_type_hint)
        params = {**rfc7662.build_introspection_params(value, hint), **params}
        response = yield from self._endpoint_call(
            "introspection_endpoint", url, params, body, auth, headers, "introspect_token_request"
        )
        rfc7662.process_introspection_response(response)
        return response


class _RequestNeeded(Exception):
    """A flow run without a driver wanted to send a request."""


def _refuse_request(request: Request) -> Response:
    raise _RequestNeeded


def _name(fn: object) -> str:
    return str(getattr(fn, "__qualname__", None) or type(fn).__name__)


def _hook_result(kind: str, fn: object, result: Any) -> tuple[str, dict[str, str], Any]:
    """A request hook's ``(url, headers, body)``, or a TypeError naming the hook."""
    if (
        not isinstance(result, tuple)
        or len(result) != 3
        or not isinstance(result[0], str | httpx.URL)
        or not isinstance(result[1], Mapping)
        or not (result[2] is None or isinstance(result[2], str | bytes))
    ):
        raise TypeError(
            f"the {kind} compliance hook {_name(fn)} must return (url, headers, body), "
            f"not {type(result).__name__}"
        )
    url, headers, body = result
    return str(url), dict(headers), body


def _pool_timeout(timeout: object) -> float | None:
    """How long a request may wait for the renewal lock: its pool timeout.

    Waiting behind another request's renewal is waiting for a shared resource before the
    request can go out, as waiting for a pooled connection is; httpx users bound that with
    ``Timeout(pool=...)`` (or one number for all four), and get ``httpx.PoolTimeout``.
    """
    value = timeout.get("pool") if isinstance(timeout, Mapping) else None
    return float(value) if isinstance(value, int | float) else None


def _check_secret(secret: object) -> None:
    """A client secret is a str, bytes, or a key (for ``private_key_jwt``): never a number."""
    if isinstance(secret, bool | int | float | complex | list | tuple | set | frozenset):
        raise TypeError(
            f"client_secret must be a str (or a key for private_key_jwt), "
            f"not {type(secret).__name__}"
        )


def _audiences(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        value = (value,)
    items = tuple(value)
    for item in items:
        if not isinstance(item, str) or not item:
            raise TypeError("trusted_audiences must be an iterable of non-empty str")
    return frozenset(items) if items else _NO_AUDIENCES


def _int_or_none(value: Any) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"max_age must be a whole number of seconds, not {value!r}") from None


def _replayable(request: Request) -> bool:
    try:
        request.content  # noqa: B018 - raises when the body is a stream we cannot resend
    except httpx.RequestNotRead:
        return False
    return True


def __getattr__(name: str) -> Any:
    # the value classes live in modules of their own, loaded on first use
    if name == "AuthorizationRequest":
        from .authorization_request import AuthorizationRequest

        return AuthorizationRequest
    if name == "OAuth2ClientAuth":
        from .client_auth import OAuth2ClientAuth

        return OAuth2ClientAuth
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
