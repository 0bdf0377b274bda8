"""``OAuth1Auth``: sign every request of any httpx client with OAuth 1.0a (RFC 5849).

Also home to the two token flows (temporary credentials, token credentials). They are
sans-IO generators: they yield a signed :class:`httpx.Request`, receive the read
:class:`httpx.Response` and return the token, so that ``drive_sync`` and ``drive_async`` run
the same steps for ``OAuth1Client`` and ``AsyncOAuth1Client``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterable, Mapping
from typing import Any

from .._compat import Auth, Request, Response
from .._exceptions import MissingTokenError
from ..protocol.rfc5849 import (
    SIGNATURE_HMAC_SHA1,
    SIGNATURE_TYPE_HEADER,
    OAuth1Signer,
    OAuth1Token,
    SignatureMethod,
    Signer,
    generate_nonce,
    process_token_response,
    sign_request,
)
from ..protocol.rfc5849 import register_signature_method as _register_signature_method

__all__ = ["OAuth1Auth", "fetch_access_token_flow", "fetch_request_token_flow"]


class OAuth1Auth(Auth):
    """Signs each request with the client's (and the token's) credentials.

    Works with any ``httpx.Client`` / ``httpx.AsyncClient``::

        client = httpx.Client(auth=OAuth1Auth("key", "secret", token="t", token_secret="ts"))

    The signature method is resolved and an RSA key loaded once, here. Used on its own,
    ``verifier`` is sent as ``oauth_verifier`` while it is set, and ``redirect_uri`` as
    ``oauth_callback`` while there is no token (the temporary-credentials request).
    ``nonce_factory`` and ``clock`` make signatures reproducible in tests. RFC 5849 §3.
    """

    requires_request_body = True

    def __init__(
        self,
        client_id: str,
        client_secret: str | None = None,
        token: str | None = None,
        token_secret: str | None = None,
        redirect_uri: str | None = None,
        rsa_key: Any = None,
        verifier: str | None = None,
        signature_method: str = SIGNATURE_HMAC_SHA1,
        signature_type: str = SIGNATURE_TYPE_HEADER,
        force_include_body: bool = False,
        realm: str | Iterable[str] | None = None,
        *,
        nonce_factory: Callable[[], str] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._signer = OAuth1Signer(
            client_id,
            client_secret,
            token,
            token_secret,
            rsa_key=rsa_key,
            signature_method=signature_method,
            signature_type=signature_type,
            realm=realm,
            force_include_body=force_include_body,
        )
        self.redirect_uri = redirect_uri
        self.verifier = verifier
        self._nonce = nonce_factory or generate_nonce
        self._clock = clock or time.time

    @classmethod
    def register_signature_method(
        cls,
        name: str,
        sign: Signer,
        *,
        load_key: Callable[[Any], Any] | None = None,
        uses_base_string: bool = True,
    ) -> SignatureMethod:
        """Add a signature method for every client and signer built afterwards (Authlib's).

        As in Authlib it is class-level: the registry is the process-wide one of
        :func:`authwire.protocol.rfc5849.register_signature_method`. The function differs:
        authwire calls ``sign(base_string, key)`` with the signature base string already
        built and the secrets prepared (``key.hmac_key``, ``key.client_secret``,
        ``key.token_secret``, ``key.private_key``); an Authlib-style
        ``sign(client, request)`` is refused with ``TypeError`` saying so. RFC 5849 §3.4.
        """
        if not callable(sign):
            raise TypeError("sign must be callable: sign(base_string, key) -> signature")
        if _authlib_style(sign):
            raise TypeError(
                f"{getattr(sign, '__name__', 'sign')}(client, request) is Authlib's signature "
                "function shape; authwire calls sign(base_string, key), with the signature base "
                "string built and the secrets in key.hmac_key / key.client_secret / "
                "key.token_secret / key.private_key"
            )
        return _register_signature_method(
            name, sign, load_key=load_key, uses_base_string=uses_base_string
        )

    # -- configuration, read-only ---------------------------------------------------------

    @property
    def signer(self) -> OAuth1Signer:
        """The current immutable signer (client credentials plus the current token)."""
        return self._signer

    @property
    def client_id(self) -> str:
        return self._signer.client_id

    @property
    def signature_method(self) -> str:
        return self._signer.signature_method

    @property
    def signature_type(self) -> str:
        return self._signer.signature_type

    @property
    def force_include_body(self) -> bool:
        return self._signer.force_include_body

    @property
    def realm(self) -> str | None:
        return self._signer.realm

    @realm.setter
    def realm(self, realm: str | Iterable[str] | None) -> None:
        self._signer = self._signer.with_realm(realm)

    # -- the token ------------------------------------------------------------------------

    @property
    def token(self) -> str | None:
        """The ``oauth_token`` requests are signed with, or ``None``."""
        return self._signer.token

    @token.setter
    def token(self, token: str | None) -> None:
        self._signer = self._signer.with_token(token, self._signer.token_secret)

    @property
    def token_secret(self) -> str:
        """The token shared-secret ("" when none); never part of ``repr()``."""
        return self._signer.token_secret

    @token_secret.setter
    def token_secret(self, token_secret: str | None) -> None:
        self._signer = self._signer.with_token(self._signer.token, token_secret)

    def set_token(self, token: str | None, token_secret: str | None) -> None:
        """Replace token and secret together (one swap, so no request sees half of it)."""
        self._signer = self._signer.with_token(token, token_secret)

    # -- signing --------------------------------------------------------------------------

    def sign(
        self,
        request: Request,
        extra_params: Mapping[str, str] | None = None,
        *,
        signer: OAuth1Signer | None = None,
    ) -> Request:
        """Sign ``request`` (its body already read) with a fresh nonce and timestamp.

        RFC 5849 §3.1.
        """
        return sign_request(
            request,
            signer or self._signer,
            extra_params=extra_params,
            nonce=self._nonce(),
            timestamp=str(int(self._clock())),
        )

    def auth_flow(self, request: Request) -> Generator[Request, Response, None]:
        """Sign and send; one request, no retry (OAuth 1 has no token renewal). RFC 5849 §3."""
        extra: dict[str, str] | None = None
        if self.verifier:
            extra = {"oauth_verifier": self.verifier}
        if self.redirect_uri and self._signer.token is None:
            extra = {**(extra or {}), "oauth_callback": self.redirect_uri}
        yield self.sign(request, extra)

    def __repr__(self) -> str:
        return (
            f"OAuth1Auth(client_id={self.client_id!r}, "
            f"signature_method={self.signature_method!r}, "
            f"signature_type={self.signature_type!r}, has_token={self.token is not None})"
        )


def _authlib_style(sign: Callable[..., Any]) -> bool:
    """Whether ``sign`` takes Authlib's ``(client, request)`` rather than a base string."""
    import inspect

    try:
        names = list(inspect.signature(sign).parameters)
    except (TypeError, ValueError):
        return False
    return names[:2] == ["client", "request"]


def fetch_request_token_flow(
    auth: OAuth1Auth,
    request: Request,
    *,
    callback: str,
    realm: str | Iterable[str] | None = None,
) -> Generator[Request, Response, OAuth1Token]:
    """Ask for temporary credentials: ``request`` signed without a token, with ``callback``.

    ``callback`` is the redirect URI, or ``"oob"`` when there is none. ``realm`` overrides the
    auth's realm for this request. RFC 5849 §2.1.
    """
    signer = auth.signer.with_token(None, None)
    if realm is not None:
        signer = signer.with_realm(realm)
    response = yield auth.sign(request, {"oauth_callback": callback}, signer=signer)
    return process_token_response(response)


def fetch_access_token_flow(
    auth: OAuth1Auth, request: Request, *, verifier: str
) -> Generator[Request, Response, OAuth1Token]:
    """Trade the authorized temporary credentials and ``verifier`` for token credentials.

    RFC 5849 §2.3.
    """
    if auth.token is None:
        raise MissingTokenError(
            description="no request token: call fetch_request_token() or set the token first"
        )
    response = yield auth.sign(request, {"oauth_verifier": verifier})
    return process_token_response(response)
