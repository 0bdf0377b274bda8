"""``OAuth2Client``: the httpx client that carries an OAuth 2 token.

It and its async twin (in :mod:`authwire.client.async_oauth2`, loaded on first use, so that
a sync program never loads it) are thin shells over `authwire.OAuth2Auth`: the shared,
non-I/O part lives in `_OAuth2ClientBase`; each class only drives the engine's flows with
its own ``send``.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Self, Unpack

from .._compat import USE_CLIENT_DEFAULT, AsyncClient, Client, Request, Response, reopenable
from .._drivers import MAX_RESPONSE_BYTES, Flow, T
from .._metadata import split_kwargs
from ..auth.oauth2 import S256, OAuth2Auth, UpdateToken
from ..protocol import rfc6749
from ..token import OAuth2Token
from ._sending import SyncSending, lock_wait, request_options

if TYPE_CHECKING:
    from ..auth.authorization_request import AuthorizationRequest
    from ..auth.client_auth import OAuth2ClientAuth
    from ..auth.device import Progress
    from ..plugins.provider import Provider
    from ..protocol.rfc8628 import DeviceAuthorization
    from ..stores import TokenStore
    from ._arguments import OAuth2Arguments, OAuth2Options

__all__ = ["OAuth2Client"]


class _OAuth2ClientBase:
    """What the two client classes share: construction and every non-I/O method."""

    #: what ``from_provider`` configures (see `authwire.plugins.provider`)
    _provider_kind = "oauth2"

    _oauth: OAuth2Auth
    _is_async: bool = False
    _httpx_class: type[Client] | type[AsyncClient]

    def __init__(
        self,
        client_id: str | None = None,
        client_secret: Any = None,
        token_endpoint_auth_method: str | None = None,
        revocation_endpoint_auth_method: str | None = None,
        scope: str | Iterable[str] | None = None,
        redirect_uri: str | None = None,
        token: Mapping[str, Any] | None = None,
        token_placement: str = "header",
        update_token: UpdateToken | None = None,
        leeway: float = 60,
        state: str | None = None,
        code_challenge_method: str | None = S256,
        allow_insecure_transport: bool = False,
        dpop: Any = None,
        request_object_key: Any = None,
        trusted_audiences: Iterable[str] = (),
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        token_store: TokenStore | None = None,
        token_key: str | None = None,
        **kwargs: Unpack[OAuth2Arguments],
    ) -> None:
        """Configure the client; no request is sent.

        Args:
            client_id: This client's identifier at the provider (RFC 6749 §2.2).
            client_secret: Its secret, for the token endpoint's client authentication; a
                private key (PEM, JWK or joserfc key) with ``private_key_jwt``.
            token_endpoint_auth_method: How the client authenticates at the token endpoint
                (RFC 7591 §2): ``client_secret_basic`` (the default with a secret),
                ``client_secret_post``, ``client_secret_jwt``, ``private_key_jwt``, ``none``
                (the default without), or a method added with
                [`register_client_auth_method`][authwire.OAuth2Client.register_client_auth_method].
            revocation_endpoint_auth_method: The same for the revocation and introspection
                endpoints; the token endpoint's when `None`.
            scope: The scope to ask for: a space-separated `str` or an iterable of `str`.
            redirect_uri: The callback URL registered with the provider.
            token: A token to start with (a dict as `fetch_token()` returns it).
            token_placement: Where the token goes on a resource request: ``"header"``
                (RFC 6750 §2.1), ``"body"`` or ``"uri"``.
            update_token: Called with each new token obtained without the caller asking
                (renewal, refresh), to keep it; a coroutine function on the async client.
            leeway: Seconds before its expiry at which a token counts as expired.
            state: A fixed ``state`` for the authorization request; a fresh random one when
                `None` (RFC 6749 §10.12).
            code_challenge_method: PKCE method, ``"S256"`` (the default), ``"plain"`` or
                `None` to send no challenge (RFC 7636 §4.2).
            allow_insecure_transport: Allow ``http://`` endpoints and resource URLs on
                hosts other than loopback (refused by default: RFC 9700 §2.6).
            dpop: Bind tokens to a key with DPoP (RFC 9449): `True` for a fresh P-256 key,
                or a key (PEM, JWK, joserfc key, [`DPoPKey`][authwire.DPoPKey]).
            request_object_key: Sign authorization requests into a request object with this
                key (RFC 9101), or a [`RequestObjectSigner`][authwire.RequestObjectSigner].
            trusted_audiences: ID token audiences accepted besides ``client_id`` (OpenID
                Connect Core §3.1.3.7, step 3).
            max_response_bytes: The largest response body read from the authorization
                server; a longer one is refused.
            token_store: Keep the token in this store, shared with other processes
                ([`authwire.stores`][authwire.stores]).
            token_key: The token's key in ``token_store``; derived from the client when
                `None`.
            **kwargs: Provider metadata (``token_endpoint``, ``authorization_endpoint``,
                ``issuer``, ...: RFC 8414 §2, OpenID Connect Discovery 1.0 §3), defaults of
                the authorization request (``nonce``, ``prompt``, ``audience``,
                ``resource``, ...), and any argument of the httpx client (``timeout``,
                ``transport``, ``headers``, ...). Another name raises `TypeError`.

        Raises:
            TypeError: An unknown keyword, ``auth=``, a value of the wrong type, or a
                coroutine ``update_token`` on the sync client.
            ValueError: A value out of range (``token_placement``, ``leeway``, ...).
        """
        owner = type(self).__name__
        if not self._is_async and inspect.iscoroutinefunction(update_token):
            raise TypeError(
                f"update_token is a coroutine function; {owner} calls it synchronously: "
                "pass a plain function, or use the async client"
            )
        if "auth" in kwargs:
            raise TypeError(
                f"{owner}() manages its own auth; pass auth= to fetch_token() for the token "
                "endpoint, or use httpx.Client with OAuth2Auth"
            )
        metadata, httpx_kwargs = split_kwargs(owner, kwargs, self._httpx_class.__init__)
        self._oauth = OAuth2Auth(
            token,
            client_id=client_id,
            client_secret=client_secret,
            token_endpoint_auth_method=token_endpoint_auth_method,
            revocation_endpoint_auth_method=revocation_endpoint_auth_method,
            scope=scope,
            redirect_uri=redirect_uri,
            token_placement=token_placement,
            update_token=update_token,
            leeway=leeway,
            state=state,
            code_challenge_method=code_challenge_method,
            allow_insecure_transport=allow_insecure_transport,
            dpop=dpop,
            request_object_key=request_object_key,
            trusted_audiences=trusted_audiences,
            max_response_bytes=max_response_bytes,
            token_store=token_store,
            token_key=token_key,
            **metadata,
        )
        self._httpx_class.__init__(self, auth=self._oauth, **httpx_kwargs)  # type: ignore[arg-type]

    # state delegated to the engine
    @property
    def oauth(self) -> OAuth2Auth:
        """The engine; also usable on its own as ``httpx.Client(auth=client.oauth)``."""
        return self._oauth

    @property
    def token(self) -> OAuth2Token | None:
        """The current token, or `None`; setting a dict replaces it (RFC 6749 §5.1)."""
        return self._oauth.token

    @token.setter
    def token(self, token: Mapping[str, Any] | None) -> None:
        self._oauth.token = token

    @property
    def metadata(self) -> dict[str, Any]:
        """The provider metadata: the constructor's, or the discovery document's."""
        return self._oauth.metadata

    @property
    def client_id(self) -> str | None:
        """This client's identifier at the provider (RFC 6749 §2.2)."""
        return self._oauth.client_id

    @property
    def client_secret(self) -> Any:
        """The client's secret or private key, as given."""
        return self._oauth.client_secret

    @property
    def scope(self) -> str | Iterable[str] | None:
        """The scope asked for by default (RFC 6749 §3.3)."""
        return self._oauth.scope

    @property
    def redirect_uri(self) -> str | None:
        """The registered callback URL sent with the authorization request."""
        return self._oauth.redirect_uri

    @property
    def update_token(self) -> UpdateToken | None:
        """The callback that keeps each token obtained by renewal, or `None`."""
        return self._oauth.update_token

    @property
    def token_store(self) -> TokenStore | None:
        """Where the token is kept beyond this client (``token_store=``), or ``None``."""
        return self._oauth.token_store

    @property
    def token_key(self) -> str:
        """The key of the token in `token_store` (``token_key=``, else derived)."""
        return self._oauth.token_key

    @property
    def dpop_key(self) -> Any:
        """The DPoP key proofs are signed with (``None`` when DPoP is off)."""
        return self._oauth.dpop_key

    @property
    def authorize_params(self) -> dict[str, Any]:
        """Parameters added to every authorization URL unless a call gives them."""
        return self._oauth.authorize_params

    @property
    def authorization_request(self) -> AuthorizationRequest | None:
        """The pending authorization request, or `None`.

        An [`AuthorizationRequest`][authwire.AuthorizationRequest]; set it from a dict
        (`AuthorizationRequest.to_dict()`) to finish, in another process, a flow started
        elsewhere.
        """
        return self._oauth.authorization_request

    @authorization_request.setter
    def authorization_request(self, value: AuthorizationRequest | Mapping[str, Any] | None) -> None:
        from ..auth.authorization_request import AuthorizationRequest

        if value is not None and not isinstance(value, AuthorizationRequest):
            value = AuthorizationRequest.from_dict(value)
        self._oauth.authorization_request = value

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} client_id={self._oauth.client_id!r} "
            f"token_endpoint={self._oauth.metadata.get('token_endpoint')!r}>"
        )

    def create_authorization_url(
        self,
        url: str | None = None,
        state: str | None = None,
        code_verifier: str | None = None,
        **kwargs: Any,
    ) -> tuple[str, str]:
        """The URL to send the user to, and its ``state``. RFC 6749 §4.1.1, RFC 7636 §4.3."""
        return self._oauth.create_authorization_url(url, state, code_verifier, **kwargs)

    def create_logout_url(
        self,
        post_logout_redirect_uri: str | None = None,
        state: str | None = None,
        id_token_hint: str | None = None,
        **kwargs: Any,
    ) -> str:
        """The OpenID Connect RP-initiated logout URL (the ID token is the default hint)."""
        return self._oauth.create_logout_url(
            post_logout_redirect_uri, state, id_token_hint, **kwargs
        )

    @classmethod
    def from_provider(cls, name: str | Provider, /, **kwargs: Any) -> Self:
        """A client set up for an installed provider plugin (``authwire.providers``)."""
        from ..plugins.provider import from_provider

        client: Self = from_provider(cls, name, **kwargs)
        return client

    def register_client_auth_method(self, auth: Any) -> None:
        """Add a client auth method: ``(name, fn)`` or an object with ``.name``."""
        self._oauth.register_client_auth_method(auth)

    def client_auth(self, auth_method: Any = None) -> OAuth2ClientAuth:
        """Client authentication as an ``httpx.Auth`` (Authlib's ``client_auth``).

        ``auth_method`` is a registered method's name (default: the token endpoint's) or a
        method; use the result as ``auth=``: ``fetch_token(auth=client.client_auth(...))``.
        """
        return self._oauth.client_auth(auth_method)

    def register_compliance_hook(self, hook_type: str, hook: Any) -> None:
        """Run ``hook`` at ``hook_type`` (``access_token_response``, ``protected_request``, ...).

        Authlib's compliance hooks, for providers that stray from the RFCs.
        """
        self._oauth.register_compliance_hook(hook_type, hook)


_NO_OPTIONS: Mapping[str, Any] = {}


def _withhold(kwargs: dict[str, Any]) -> None:
    """``withhold_token=True`` sends no token: the caller's ``auth=`` if given, else none.

    As Authlib: with both, the caller's auth is used (and the token withheld).
    """
    if kwargs.get("auth", USE_CLIENT_DEFAULT) is USE_CLIENT_DEFAULT:
        kwargs["auth"] = None


class OAuth2Client(_OAuth2ClientBase, SyncSending):
    """An `httpx.Client` that fetches, presents and renews an OAuth 2 token.

    Every ``httpx.Client`` argument passes through; other keyword arguments are provider
    metadata (``token_endpoint``, ``authorization_endpoint``, ``issuer``, ...), and a name
    that is neither raises `TypeError`. RFC 6749, RFC 6750.
    """

    _httpx_class = Client

    def _drive(self, flow: Flow[T], options: Mapping[str, Any] = _NO_OPTIONS) -> T:
        def send(request: Request) -> Response:
            return self._send_endpoint(request, options)

        return self._oauth.run_sync(flow, send, lock_wait(self, options))

    def fetch_token(
        self,
        url: str | None = None,
        body: str = "",
        method: str = "POST",
        headers: Mapping[str, str] | None = None,
        auth: Any = None,
        grant_type: str | None = None,
        state: str | None = None,
        **kwargs: Any,
    ) -> OAuth2Token:
        """Obtain a token by any grant, and keep it. RFC 6749 §4.

        With ``authorization_response=`` (the callback URL) the ``state`` and ``iss`` are
        checked and the code, PKCE verifier and redirect URI of the pending request are used.
        A callback whose fragment carries ``access_token`` (and no ``code``) is read as an
        implicit-grant response, as Authlib does, unless the pending request sent a PKCE
        challenge. The password and implicit grants are legacy (RFC 9700 §2.4): prefer the
        code flow.
        """
        options = request_options(kwargs)
        return self._drive(
            self._oauth.fetch_token_flow(
                url, body, method, headers, auth, grant_type, state, **kwargs
            ),
            options,
        )

    def token_from_fragment(
        self, authorization_response: str, state: str | None = None
    ) -> OAuth2Token:
        """Keep the token of an implicit-grant callback, read from its fragment (legacy).

        Authlib's method, under the same rules as ``fetch_token(authorization_response=...)``:
        the ``state`` is checked against ``state=``, else the pending request (fails closed
        without either), and the pending request is spent. RFC 6749 §4.2.2; the implicit
        grant is legacy (RFC 9700 §2.1.2): prefer the code flow.
        """
        return self._drive(
            self._oauth.fetch_token_flow(
                authorization_response=authorization_response,
                state=state,
                grant_type=rfc6749.IMPLICIT,
            )
        )

    def refresh_token(
        self,
        url: str | None = None,
        refresh_token: str | None = None,
        body: str = "",
        auth: Any = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> OAuth2Token:
        """Refresh the token now and hand the result to ``update_token``. RFC 6749 §6."""
        options = request_options(kwargs)
        return self._drive(
            self._oauth.refresh_token_flow(url, refresh_token, body, auth, headers, **kwargs),
            options,
        )

    @classmethod
    def from_issuer(
        cls,
        issuer: str,
        client_id: str | None = None,
        client_secret: Any = None,
        *,
        kind: str = "openid",
        **kwargs: Unpack[OAuth2Options],
    ) -> Self:
        """A client whose endpoints come from the issuer's discovery document.

        ``kind="oauth"`` reads RFC 8414 metadata instead of OpenID Discovery 1.0. The
        document's ``issuer`` must equal ``issuer``; arguments given here win over it.
        """
        client = cls(client_id, client_secret, **kwargs)
        try:
            client._drive(client._oauth.discover_flow(issuer, kind=kind))
        except BaseException:
            client.close()
            raise
        reopenable(client)  # ``with OAuth2Client.from_issuer(...) as client:`` still works
        return client

    def push_authorization_request(
        self,
        url: str | None = None,
        state: str | None = None,
        code_verifier: str | None = None,
        **kwargs: Any,
    ) -> tuple[str, str]:
        """Push the authorization parameters; the short URL to send the user to, and ``state``.

        RFC 9126 §2, §4. With a request-object key they are signed (RFC 9101, by reference).
        """
        options = request_options(kwargs)
        return self._drive(
            self._oauth.push_authorization_request_flow(url, state, code_verifier, **kwargs),
            options,
        )

    def start_authorization(
        self, state: str | None = None, code_verifier: str | None = None, **kwargs: Any
    ) -> tuple[str, str]:
        """Where to send the user: pushed (RFC 9126) when the provider requires it, else plain."""
        options = request_options(kwargs)
        return self._drive(
            self._oauth.start_authorization_flow(state, code_verifier, **kwargs), options
        )

    def request_device_authorization(
        self, url: str | None = None, scope: str | Iterable[str] | None = None, **kwargs: Any
    ) -> DeviceAuthorization:
        """Start the device flow: the codes to show the user. RFC 8628 §3.1."""
        options = request_options(kwargs)
        return self._drive(self._oauth.device_authorization_flow(url, scope, **kwargs), options)

    def poll_device_token(
        self,
        authorization: DeviceAuthorization,
        progress: Progress | None = None,
        **kwargs: Any,
    ) -> OAuth2Token:
        """Poll until the user approves (the token), declines or the code expires (errors).

        RFC 8628 §3.4, §3.5; ``progress`` gets the user code and the countdown.
        """
        options = request_options(kwargs)
        return self._drive(
            self._oauth.poll_device_token_flow(authorization, progress, **kwargs), options
        )

    def exchange_token(
        self,
        subject_token: str,
        subject_token_type: str | None = None,
        **kwargs: Any,
    ) -> OAuth2Token:
        """Trade ``subject_token`` for a new token (``actor_token=``, ``audience=``, ...).

        RFC 8693 §2; see [`OAuth2Auth.exchange_token_flow`]
        [authwire.OAuth2Auth.exchange_token_flow].
        """
        options = request_options(kwargs)
        return self._drive(
            self._oauth.exchange_token_flow(subject_token, subject_token_type, **kwargs), options
        )

    def userinfo(self, url: str | None = None) -> dict[str, Any]:
        """The UserInfo claims, checked against the ID token (OpenID Connect Core §5.3)."""
        return self._drive(self._oauth.userinfo_flow(url))

    def ensure_active_token(self, token: Mapping[str, Any] | None = None) -> bool:
        """Renew the token if it has expired (single-flight); ``True`` once it is usable."""
        if token is not None:
            self.token = token
        self._drive(self._oauth.ensure_token_flow())
        return True

    def revoke_token(
        self,
        url: str | None = None,
        token: str | Mapping[str, Any] | None = None,
        token_type_hint: str | None = None,
        body: str | None = None,
        auth: Any = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Response:
        """Revoke a token (RFC 7009); an error response raises [`OAuthError`]
        [authwire.OAuthError]."""
        options = request_options(kwargs)
        return self._drive(
            self._oauth.revoke_token_flow(
                url, token, token_type_hint, body, auth, headers, **kwargs
            ),
            options,
        )

    def introspect_token(
        self,
        url: str | None = None,
        token: str | Mapping[str, Any] | None = None,
        token_type_hint: str | None = None,
        body: str | None = None,
        auth: Any = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Response:
        """Introspect a token (RFC 7662); the response's JSON has ``active``."""
        options = request_options(kwargs)
        return self._drive(
            self._oauth.introspect_token_flow(
                url, token, token_type_hint, body, auth, headers, **kwargs
            ),
            options,
        )

    def request(
        self, method: str, url: Any, *, withhold_token: bool = False, **kwargs: Any
    ) -> Response:
        """As ``httpx.Client.request``; ``withhold_token=True`` sends no token.

        With ``auth=`` as well, that auth is used instead, as in Authlib.
        """
        if withhold_token:
            _withhold(kwargs)
        return super().request(method, url, **kwargs)

    @contextmanager
    def stream(
        self, method: str, url: Any, *, withhold_token: bool = False, **kwargs: Any
    ) -> Iterator[Response]:
        """As ``httpx.Client.stream``, with the token; ``withhold_token=True`` sends none."""
        if withhold_token:
            _withhold(kwargs)
        with super().stream(method, url, **kwargs) as response:
            yield response

    def get(self, url: Any, **kwargs: Any) -> Response:
        """Send a ``GET`` request with the token; ``withhold_token=True`` sends none."""
        return self.request("GET", url, **kwargs)

    def options(self, url: Any, **kwargs: Any) -> Response:
        """Send a ``OPTIONS`` request with the token; ``withhold_token=True`` sends none."""
        return self.request("OPTIONS", url, **kwargs)

    def head(self, url: Any, **kwargs: Any) -> Response:
        """Send a ``HEAD`` request with the token; ``withhold_token=True`` sends none."""
        return self.request("HEAD", url, **kwargs)

    def post(self, url: Any, **kwargs: Any) -> Response:
        """Send a ``POST`` request with the token; ``withhold_token=True`` sends none."""
        return self.request("POST", url, **kwargs)

    def put(self, url: Any, **kwargs: Any) -> Response:
        """Send a ``PUT`` request with the token; ``withhold_token=True`` sends none."""
        return self.request("PUT", url, **kwargs)

    def patch(self, url: Any, **kwargs: Any) -> Response:
        """Send a ``PATCH`` request with the token; ``withhold_token=True`` sends none."""
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: Any, **kwargs: Any) -> Response:
        """Send a ``DELETE`` request with the token; ``withhold_token=True`` sends none."""
        return self.request("DELETE", url, **kwargs)


def __getattr__(name: str) -> Any:
    # ``authwire.client.oauth2.AsyncOAuth2Client`` still resolves, from its own module
    if name == "AsyncOAuth2Client":
        from .async_oauth2 import AsyncOAuth2Client

        return AsyncOAuth2Client
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
