"""``OAuth1Client`` and ``AsyncOAuth1Client``: httpx clients that speak OAuth 1.0a.

The three steps (temporary credentials, resource-owner authorization, token credentials) and
the token bookkeeping live once, in ``_OAuth1ClientBase`` and the flows of
``authwire.auth.oauth1``; the two classes only say how a request is sent (RFC 5849 §2).

Every request a client sends is signed by its `authwire.OAuth1Auth`. OAuth 1 does not
need TLS for its signatures, so ``http://`` URLs are accepted for any host; they expose the
request to anyone on the path all the same (see the OAuth 1 guide).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Self, Unpack

from .._compat import URL, Request, Response
from .._drivers import Flow, drive_async, drive_sync
from .._exceptions import AuthorizationResponseError, MissingTokenError, OAuthError
from ..auth.oauth1 import OAuth1Auth, fetch_access_token_flow, fetch_request_token_flow
from ..protocol.rfc5849 import (
    SIGNATURE_HMAC_SHA1,
    SIGNATURE_TYPE_HEADER,
    OAuth1Token,
    build_authorization_url,
    parse_authorization_response,
)
from ._sending import AsyncSending, SyncSending

__all__ = ["AsyncOAuth1Client", "OAuth1Client"]

_TOKEN_FIELDS = ("oauth_token", "oauth_token_secret", "oauth_verifier")
_ENDPOINT_NAMES = ("request_token_url", "authorization_url", "access_token_url")


if TYPE_CHECKING:
    from ..plugins.provider import Provider
    from ._arguments import HttpxArguments


#: The server's extra token fields when it sent none: shared, read-only (replaced, never
#: mutated, when a token arrives).
_NO_EXTRA: Mapping[str, Any] = MappingProxyType({})


class _OAuth1ClientBase:
    """Everything the sync and async clients share: setup, token, URLs and the flows."""

    #: what ``from_provider`` configures (see `authwire.plugins.provider`)
    _provider_kind = "oauth1"

    _oauth1: OAuth1Auth
    _verifier: str | None
    _token_extra: Mapping[str, Any]
    _endpoints: dict[str, str | None] | None
    redirect_uri: str | None

    @classmethod
    def from_provider(cls, name: str | Provider, /, **kwargs: Any) -> Self:
        """A client set up for an installed provider plugin's OAuth 1.0a endpoints."""
        from ..plugins.provider import from_provider

        client: Self = from_provider(cls, name, **kwargs)
        return client

    def __init__(
        self,
        client_id: str,
        client_secret: str | None = None,
        token: str | Mapping[str, Any] | None = None,
        token_secret: str | None = None,
        redirect_uri: str | None = None,
        rsa_key: Any = None,
        verifier: str | None = None,
        signature_method: str = SIGNATURE_HMAC_SHA1,
        signature_type: str = SIGNATURE_TYPE_HEADER,
        force_include_body: bool = False,
        realm: str | Iterable[str] | None = None,
        *,
        request_token_url: str | None = None,
        authorization_url: str | None = None,
        access_token_url: str | None = None,
        **kwargs: Unpack[HttpxArguments],
    ) -> None:
        """Configure the client; no request is sent.

        Args:
            client_id: The client identifier, sent as ``oauth_consumer_key``.
            client_secret: The client shared-secret; `None` with an RSA method.
            token: The ``oauth_token`` (with ``token_secret``), or the dict a token step
                returns (`fetch_request_token()`, `fetch_access_token()`): its
                ``oauth_token_secret`` and ``oauth_verifier`` stand for ``token_secret``
                and ``verifier``, and its other fields stay in
                [`token`][authwire.OAuth1Client.token].
            token_secret: The token shared-secret.
            redirect_uri: The callback URL, sent as ``oauth_callback`` with the
                temporary-credentials request (``"oob"`` when `None`; RFC 5849 §2.1).
            rsa_key: The client's RSA private key (PEM or a ``cryptography`` key), for
                ``RSA-SHA1`` and ``RSA-SHA256``.
            verifier: The ``oauth_verifier`` for `fetch_access_token()` (RFC 5849 §2.3),
                when the callback was read elsewhere.
            signature_method: One of the ``SIGNATURE_*`` methods (RFC 5849 §3.4), or one
                added with `OAuth1Auth.register_signature_method()`.
            signature_type: Where the protocol parameters go: ``HEADER``, ``QUERY`` or
                ``BODY`` (RFC 5849 §3.5).
            force_include_body: Cover a body that is not form-encoded with
                ``oauth_body_hash``.
            realm: The ``realm`` of the ``Authorization`` header; several are joined by
                spaces.
            request_token_url: The temporary-credentials endpoint, for
                `fetch_request_token()` without a URL.
            authorization_url: The resource-owner authorization endpoint, for
                `create_authorization_url()` without a URL.
            access_token_url: The token-credentials endpoint, for `fetch_access_token()`
                without a URL.
            **kwargs: Any argument of the httpx client (``timeout``, ``transport``,
                ``headers``, ...); another name raises `TypeError`.

        Raises:
            TypeError: An unknown keyword, or ``auth=``.
            ValueError: A ``token`` mapping without ``oauth_token``.
        """
        if "auth" in kwargs:
            raise TypeError(
                f"{type(self).__name__} signs every request itself and takes no auth=; "
                "pass auth= to a single request to override it there"
            )
        self._oauth1 = OAuth1Auth(
            client_id,
            client_secret,
            token,
            token_secret,
            verifier=verifier,
            rsa_key=rsa_key,
            signature_method=signature_method,
            signature_type=signature_type,
            force_include_body=force_include_body,
            realm=realm,
        )
        # the verifier is for step 3 only, which this client signs itself (RFC 5849 §2.3):
        # its other requests never carry it
        self._verifier, self._oauth1.verifier = self._oauth1.verifier, None
        extra = (
            {k: v for k, v in token.items() if k not in _TOKEN_FIELDS}
            if isinstance(token, Mapping)
            else None
        )
        self._token_extra = extra or _NO_EXTRA
        self.redirect_uri = redirect_uri
        """The callback URL sent as ``oauth_callback`` (``"oob"`` when `None`)."""
        # made on first read when no endpoint is given: a client that only signs requests
        # (the usual one of many held by a service) never needs the dict
        self._endpoints: dict[str, str | None] | None = None
        if (request_token_url, authorization_url, access_token_url) != (None, None, None):
            self._endpoints = {
                "request_token_url": request_token_url,
                "authorization_url": authorization_url,
                "access_token_url": access_token_url,
            }
        super().__init__(auth=self._oauth1, **kwargs)  # type: ignore[call-arg, misc]

    @property
    def endpoints(self) -> dict[str, str | None]:
        """The provider's endpoints, used when a step is called without a URL."""
        if self._endpoints is None:
            self._endpoints = dict.fromkeys(_ENDPOINT_NAMES)
        return self._endpoints

    @endpoints.setter
    def endpoints(self, endpoints: dict[str, str | None]) -> None:
        self._endpoints = endpoints

    def _url(self, url: str | URL | None, name: str) -> str | URL:
        if url is not None:
            return url
        known = self._endpoints.get(name) if self._endpoints is not None else None
        if not known:
            raise ValueError(f"no {name} is known: pass the URL, or give {name}= to the client")
        return known

    @property
    def oauth(self) -> OAuth1Auth:
        """The signer; also usable on its own as ``httpx.Client(auth=client.oauth)``."""
        return self._oauth1

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} client_id={self._oauth1.client_id!r} "
            f"signature_method={self._oauth1.signature_method!r}>"
        )

    # -- the token ------------------------------------------------------------------------

    @property
    def token(self) -> OAuth1Token:
        """The current token: ``oauth_token``, ``oauth_token_secret``, ``oauth_verifier``
        (``None`` when unset) and whatever else the server returned with it."""
        auth = self._oauth1
        current = OAuth1Token(self._token_extra)
        current["oauth_token"] = auth.token
        current["oauth_token_secret"] = auth.token_secret if auth.token is not None else None
        current["oauth_verifier"] = self._verifier
        return current

    @token.setter
    def token(self, token: Mapping[str, Any] | None) -> None:
        if token is None:
            self._oauth1.set_token(None, None)
            self._verifier = None
            self._token_extra = _NO_EXTRA
            return
        if not isinstance(token, Mapping) or not token.get("oauth_token"):
            raise ValueError("token must be a mapping with an oauth_token (or None)")
        secret = token.get("oauth_token_secret", self._oauth1.token_secret)
        self._oauth1.set_token(token["oauth_token"], secret)
        if "oauth_verifier" in token:
            self._verifier = token["oauth_verifier"]
        self._token_extra = {k: v for k, v in token.items() if k not in _TOKEN_FIELDS}

    def _store_token(self, token: OAuth1Token) -> OAuth1Token:
        self._verifier = None
        self._oauth1.set_token(token["oauth_token"], token.get("oauth_token_secret", ""))
        self._token_extra = {k: v for k, v in token.items() if k not in _TOKEN_FIELDS}
        return token

    # -- step 2: send the resource owner to the server, read the redirect back --------------

    def create_authorization_url(
        self,
        url: str | URL | None = None,
        request_token: str | Mapping[str, Any] | None = None,
        **params: Any,
    ) -> str:
        """The URL to send the resource owner to: ``url`` plus ``oauth_token`` and ``params``.

        Uses the fetched request token unless ``request_token`` is given. RFC 5849 §2.2.
        """
        if isinstance(request_token, Mapping):
            request_token = request_token.get("oauth_token")
        token = request_token or self._oauth1.token
        if not token:
            raise MissingTokenError(
                description="no request token: call fetch_request_token() or pass request_token"
            )
        return build_authorization_url(self._url(url, "authorization_url"), token, params)

    def parse_authorization_response(self, url: str | URL) -> dict[str, str]:
        """Read the callback URL; remember its ``oauth_verifier`` for the next step.

        The ``oauth_token`` it names must be the request token this client holds (when it
        holds one). RFC 5849 §2.2.
        """
        params = parse_authorization_response(url)
        returned = params.get("oauth_token")
        if returned:
            current = self._oauth1.token
            if current is not None and returned != current:
                raise AuthorizationResponseError(
                    "mismatching_token",
                    "the oauth_token in the callback is not this client's request token",
                )
            if current is None:
                self._oauth1.token = returned
        if "oauth_verifier" in params:
            self._verifier = params["oauth_verifier"]
        return params

    # -- steps 1 and 3 as flows, driven by the subclasses -----------------------------------

    def _secrets(self) -> list[str]:
        """What an error message must never show (see ``authwire._drivers``)."""
        held = (self._oauth1.signer.client_secret, self._oauth1.token_secret, self._verifier)
        return [s for s in held if isinstance(s, str) and s]

    def _request_token_flow(
        self, request: Request, realm: str | Iterable[str] | None
    ) -> Flow[OAuth1Token]:
        token = yield from fetch_request_token_flow(
            self._oauth1, request, callback=self.redirect_uri or "oob", realm=realm
        )
        self._verifier = None
        return self._store_token(token)

    def _access_token_flow(self, request: Request, verifier: str | None) -> Flow[OAuth1Token]:
        if verifier:
            self._verifier = verifier
        if not self._verifier:
            raise OAuthError(
                "missing_verifier",
                "no oauth_verifier: pass verifier= or call parse_authorization_response() first",
            )
        token = yield from fetch_access_token_flow(self._oauth1, request, verifier=self._verifier)
        return self._store_token(token)


class OAuth1Client(_OAuth1ClientBase, SyncSending):
    """An ``httpx.Client`` whose every request is signed with OAuth 1.0a.

    Authlib's constructor; any other keyword goes to ``httpx.Client`` untouched. RFC 5849.
    """

    def fetch_request_token(
        self, url: str | URL | None = None, realm: str | Iterable[str] | None = None, **kwargs: Any
    ) -> OAuth1Token:
        """Step 1: POST to the temporary-credentials endpoint and keep the request token.

        ``kwargs`` go to ``httpx.Client.build_request`` (``params``, ``headers``, ``data``,
        ``timeout``, ...). Sends ``redirect_uri`` (or ``"oob"``) as ``oauth_callback``.
        RFC 5849 §2.1.
        """
        request = self.build_request("POST", self._url(url, "request_token_url"), **kwargs)
        flow = self._request_token_flow(request, realm)
        return drive_sync(flow, self._send_signed, secrets=self._secrets)

    def fetch_access_token(
        self, url: str | URL | None = None, verifier: str | None = None, **kwargs: Any
    ) -> OAuth1Token:
        """Step 3: trade the request token and verifier for the access token, and keep it.

        RFC 5849 §2.3.
        """
        request = self.build_request("POST", self._url(url, "access_token_url"), **kwargs)
        flow = self._access_token_flow(request, verifier)
        return drive_sync(flow, self._send_signed, secrets=self._secrets)

    def _send_signed(self, request: Request) -> Response:
        return self._send_endpoint(request, {})  # the flow signed it already


class AsyncOAuth1Client(_OAuth1ClientBase, AsyncSending):
    """The ``httpx.AsyncClient`` twin of [`OAuth1Client`][authwire.OAuth1Client]; steps are awaited.

    RFC 5849.
    """

    async def fetch_request_token(
        self, url: str | URL | None = None, realm: str | Iterable[str] | None = None, **kwargs: Any
    ) -> OAuth1Token:
        """Step 1, as `OAuth1Client.fetch_request_token()`. RFC 5849 §2.1.

        See [`OAuth1Client.fetch_request_token`][authwire.OAuth1Client.fetch_request_token].
        """
        request = self.build_request("POST", self._url(url, "request_token_url"), **kwargs)
        flow = self._request_token_flow(request, realm)
        return await drive_async(flow, self._send_signed, secrets=self._secrets)

    async def fetch_access_token(
        self, url: str | URL | None = None, verifier: str | None = None, **kwargs: Any
    ) -> OAuth1Token:
        """Step 3, as `OAuth1Client.fetch_access_token()`. RFC 5849 §2.3.

        See [`OAuth1Client.fetch_access_token`][authwire.OAuth1Client.fetch_access_token].
        """
        request = self.build_request("POST", self._url(url, "access_token_url"), **kwargs)
        flow = self._access_token_flow(request, verifier)
        return await drive_async(flow, self._send_signed, secrets=self._secrets)

    async def close(self) -> None:
        """``await client.close()``, as Authlib's async clients allow; same as ``aclose()``."""
        await self.aclose()

    async def _send_signed(self, request: Request) -> Response:
        return await self._send_endpoint(request, {})  # the flow signed it already
