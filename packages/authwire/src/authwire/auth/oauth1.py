"""``OAuth1Auth``: sign every request of any httpx client with OAuth 1.0a (RFC 5849).

Also home to the two token flows (temporary credentials, token credentials). They are
sans-IO generators: they yield a signed ``httpx.Request``, receive the read
``httpx.Response`` and return the token, so that ``drive_sync`` and ``drive_async`` run
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

    The signature method is resolved and an RSA key loaded once, here. RFC 5849 §3.

    Args:
        client_id: The client identifier, sent as ``oauth_consumer_key``.
        client_secret: The client shared-secret; ``None`` with an RSA method.
        token: The ``oauth_token`` to sign with; ``None`` before the token flow. Or the
            dict a token step returns (``fetch_access_token()``): its ``oauth_token``, and
            its ``oauth_token_secret`` and ``oauth_verifier`` when present, in place of
            ``token_secret`` and ``verifier``. A mapping without ``oauth_token`` raises
            ``ValueError``.
        token_secret: The token shared-secret.
        redirect_uri: Sent as ``oauth_callback`` while there is no token (the
            temporary-credentials request, RFC 5849 §2.1).
        rsa_key: The client's RSA private key (PEM or a ``cryptography`` key), for
            ``RSA-SHA1`` and ``RSA-SHA256``.
        verifier: Sent as ``oauth_verifier`` while it is set (RFC 5849 §2.3).
        signature_method: One of the ``SIGNATURE_*`` methods, or one added with
            [`register_signature_method`][authwire.OAuth1Auth.register_signature_method].
        signature_type: Where the protocol parameters go: ``HEADER``, ``QUERY`` or ``BODY``
            (RFC 5849 §3.5).
        force_include_body: Cover a body that is not form-encoded with ``oauth_body_hash``.
        realm: The ``realm`` of the ``Authorization`` header; several are joined by spaces.
        nonce_factory: Returns each request's ``oauth_nonce``; for reproducible tests.
        clock: Returns the time for ``oauth_timestamp``; for reproducible tests.
    """

    requires_request_body = True
    """Tells httpx to read the body first: a form body's parameters are signed (§3.4.1.3)."""
    # slots rather than an instance dict: a service may hold thousands of signing clients
    __slots__ = ("_clock", "_nonce", "_signer", "redirect_uri", "verifier")

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
        nonce_factory: Callable[[], str] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if isinstance(token, Mapping):
            token, token_secret, verifier = _token_fields(token, token_secret, verifier)
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
        ``authwire.protocol.rfc5849.register_signature_method``. The function differs:
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
        """The client identifier, sent as ``oauth_consumer_key``."""
        return self._signer.client_id

    @property
    def signature_method(self) -> str:
        """The signature method's name, as sent in ``oauth_signature_method``."""
        return self._signer.signature_method

    @property
    def signature_type(self) -> str:
        """Where the protocol parameters go: ``HEADER``, ``QUERY`` or ``BODY``."""
        return self._signer.signature_type

    @property
    def force_include_body(self) -> bool:
        """Whether a body that is not form-encoded is covered by ``oauth_body_hash``."""
        return self._signer.force_include_body

    @property
    def realm(self) -> str | None:
        """The ``realm`` of the ``Authorization`` header; settable, for the requests that follow."""
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


def _token_fields(
    token: Mapping[str, Any], token_secret: str | None, verifier: str | None
) -> tuple[str, str | None, str | None]:
    """``(oauth_token, token secret, verifier)`` of ``token=`` given as a token step's dict.

    The dict's ``oauth_token_secret`` and ``oauth_verifier`` win; the arguments stand in
    for those it lacks. RFC 5849 §2.1, §2.3.
    """
    oauth_token = token.get("oauth_token")
    if not oauth_token:
        raise ValueError(
            "token must be an oauth_token str or a mapping with an oauth_token "
            "(as fetch_request_token() and fetch_access_token() return)"
        )
    secret = token.get("oauth_token_secret")
    return (
        oauth_token,
        token_secret if secret is None else secret,
        token.get("oauth_verifier") or verifier,
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
