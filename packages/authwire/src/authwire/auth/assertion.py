"""``AssertionAuth``: the JWT-bearer authorization grant, or "service account" (RFC 7523 §2.1).

The client has no refresh token and needs none: whenever the token is missing or expired it
signs a fresh assertion and asks for a new one. Everything else — single-flight renewal,
``update_token``, the 401 retry, token placement — is [`OAuth2Auth`][authwire.OAuth2Auth]'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._clock import Clock, system_clock
from .._drivers import Flow
from ..protocol.rfc7523 import (
    _PER_ASSERTION_CLAIMS,
    JWT_BEARER_GRANT_TYPE,
    JWTAssertion,
    KeyInput,
)
from ..token import OAuth2Token
from .oauth2 import OAuth2Auth, UpdateToken

if TYPE_CHECKING:
    from ..stores import TokenStore

__all__ = ["AssertionAuth"]


class AssertionAuth(OAuth2Auth):
    """Presents a token obtained with a signed JWT assertion, and obtains it again on expiry.

    The key is imported and checked when the object is built: a key that cannot sign, an
    ``alg`` that does not fit it or cannot be inferred from it, or an encrypted PEM without
    ``password`` raise ``ValueError`` here, not on the first request (where Authlib raises
    its "Missing 'alg'"). RFC 7521 §4.1, RFC 7523 §2.1, §3.

    Args:
        token_endpoint: Where the assertion is exchanged for a token.
        issuer: The assertion's ``iss``: who signs it (a service account's email, a client
            id).
        subject: The assertion's ``sub``: on whose behalf the token is asked; ``None``
            leaves it out.
        audience: The assertion's ``aud``; the token endpoint when ``None``.
        grant_type: The ``grant_type`` sent; ``JWT_BEARER_GRANT_TYPE`` when ``None``.
        claims: More claims for every assertion (not ``jti``, ``iat`` or ``exp``, which
            each assertion sets afresh).
        token_placement: Where the token goes on a resource request: ``"header"``,
            ``"body"`` or ``"uri"`` (RFC 6750 §2).
        scope: The scope asked for, sent with each token request.
        client_id: A client identifier, for servers that want one beside the assertion.
        leeway: Seconds before its expiry at which a token counts as expired.
        update_token: Called with each new token, so the application can keep it.
        key: The signing key, as [`JWTAssertion`][authwire.rfc7523.JWTAssertion] takes it.
        alg: The JWS algorithm; inferred from the key when ``None``.
        header: More JWS header members (``kid``, ...); ``typ`` is ``JWT`` unless given.
        expires_in: Seconds from ``iat`` to ``exp`` of each assertion.
        password: The password of an encrypted PEM key.
        token: A token to start with.
        allow_insecure_transport: Allow plain ``http://`` to hosts other than loopback.
        clock: Returns the time in seconds since the epoch; for tests.
        token_store: Share the token with other processes through this store.
        token_key: The token's key in ``token_store``; derived from the token endpoint,
            ``client_id``, the issuer and the subject when ``None``.

    Attributes:
        signer: The imported key, which signs each assertion.
    """

    JWT_BEARER_GRANT_TYPE = JWT_BEARER_GRANT_TYPE
    """The grant type of RFC 7523 §2.1, the default ``grant_type``."""

    # what ``from_provider`` configures (see ``authwire.plugins.provider``)
    _provider_kind = "assertion"

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
        clock: Clock = system_clock,
        token_store: TokenStore | None = None,
        token_key: str | None = None,
    ) -> None:
        if not isinstance(token_endpoint, str) or not token_endpoint:
            raise ValueError("token_endpoint must be the token endpoint URL")
        if not isinstance(issuer, str) or not issuer:
            raise ValueError("issuer must be a non-empty str (the assertion's iss)")
        if subject is not None and not isinstance(subject, str):
            raise TypeError("subject must be a str or None")
        if isinstance(expires_in, bool) or not isinstance(expires_in, int) or expires_in <= 0:
            raise ValueError("expires_in must be a positive number of seconds")
        # a fixed jti would be refused as a replay, a fixed exp would go stale: never allow them
        fixed = sorted(_PER_ASSERTION_CLAIMS & dict(claims or {}).keys())
        if fixed:
            raise ValueError(f"claims must not fix {', '.join(fixed)}: each assertion sets its own")
        super().__init__(
            token,
            client_id=client_id,
            token_endpoint_auth_method="none",
            scope=scope,
            token_placement=token_placement,
            update_token=update_token,
            leeway=leeway,
            code_challenge_method=None,
            allow_insecure_transport=allow_insecure_transport,
            clock=clock,
            token_store=token_store,
            token_key=token_key,
            token_endpoint=token_endpoint,
        )
        # Authlib and Google's documentation put typ=JWT in the header; keep it unless replaced
        self.signer = JWTAssertion(key, alg, {"typ": "JWT", **(header or {})}, password)
        self.issuer = issuer
        self.subject = subject
        self.audience = audience or token_endpoint
        self.grant_type = grant_type or JWT_BEARER_GRANT_TYPE
        self.claims = dict(claims or {})
        self.expires_in = expires_in

    def __repr__(self) -> str:
        # getattr: a repr must not fail on an object whose construction was refused midway
        signer = getattr(self, "signer", None)
        return (
            f"{type(self).__name__}(issuer={getattr(self, 'issuer', None)!r}, "
            f"subject={getattr(self, 'subject', None)!r}, "
            f"token_endpoint={self.metadata.get('token_endpoint')!r}, "
            f"alg={getattr(signer, 'alg', None)!r})"
        )

    def _renewal_plan(self, token: OAuth2Token | None) -> str | None:
        return "assertion"

    def _key_subject(self) -> str | None:
        # the issuer is the client here (client_id is usually unset), the subject the user
        return f"{self.issuer}\n{self.subject or ''}"

    def _assertion_grant(self) -> Flow[OAuth2Token]:
        """Sign a fresh assertion and exchange it for a token. RFC 7523 §2.1."""
        assertion = self.signer.sign(
            self.issuer,
            self.audience,
            self.subject,
            self.claims,
            self.expires_in,
            now=self.clock(),
        )
        params: dict[str, Any] = {"assertion": assertion}
        if self.scope is not None:
            params["scope"] = self.scope
        url = self._endpoint(None, "token_endpoint")
        token = yield from self._token_request(self.grant_type, url, params)
        return token

    def _renew(self, token: OAuth2Token | None) -> Flow[tuple[OAuth2Token, dict[str, Any]]]:
        new = yield from self._assertion_grant()
        return new, {"access_token": token.access_token if token is not None else None}

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
        """Fetch a token now with a fresh assertion (it is automatic on first use).

        The grant's parameters come from the constructor; only ``url`` may be given here.
        """
        extra = [
            name
            for name, value in (
                ("body", body),
                ("headers", headers),
                ("auth", auth),
                ("grant_type", grant_type),
                ("state", state),
            )
            if value
        ]
        if extra or params or method != "POST":
            names = ", ".join([*extra, *params] or ["method"])
            raise TypeError(
                f"an assertion client takes its grant from its constructor; unexpected: {names}"
            )
        if url is not None:
            self.metadata["token_endpoint"] = url
        token = yield from self._assertion_grant()
        yield from self._keep_flow(token)
        return token
