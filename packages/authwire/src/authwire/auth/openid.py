"""OpenID Connect on the OAuth 2 engine: discovery, ID token validation, UserInfo, logout.

A mixin of [`OAuth2Auth`][authwire.OAuth2Auth]. The JOSE machinery (joserfc) is
imported only when a flow here first runs, so ``import authwire`` stays cheap for code that
never sees an ID token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._compat import Request
from .._drivers import Flow
from .._exceptions import IDTokenError, MissingTokenError
from ..token import OAuth2Token

if TYPE_CHECKING:
    from ..protocol.jwks import JWKSCache
    from ..protocol.oidc_core import IDTokenClaims, IssuerPolicy
    from ._engine import EngineParts
else:
    EngineParts = object

__all__ = ["OpenIDConnect"]

#: How long a fetched JWKS is trusted, and the least time between two fetches caused by an
#: unknown ``kid`` (so that tokens naming random kids cannot make us hammer the provider).
JWKS_MAX_AGE = 3600.0
JWKS_MIN_INTERVAL = 30.0


class OpenIDConnect(EngineParts):
    """The OpenID Connect steps of the engine (OpenID Connect Core 1.0, Discovery 1.0)."""

    issuer_policy: IssuerPolicy | None = None
    """The ``iss`` values accepted beyond the exact ``issuer`` (an
    [`IssuerPolicy`][authwire.protocol.issuers.IssuerPolicy] a provider plugin sets): another
    spelling, or a multi-tenant template. OpenID Connect Core §3.1.3.7, step 2."""
    id_token_leeway: float = 60.0
    """Seconds of clock skew tolerated on ``exp``, ``iat`` and ``auth_time``."""
    _jwks: JWKSCache | None = None
    _jwks_min_interval: float = JWKS_MIN_INTERVAL

    @property
    def jwks_min_interval(self) -> float:
        """The least number of seconds between two fetches of the provider's JWKS.

        A token naming an unknown ``kid`` makes the client fetch the JWKS again, but never
        sooner than this after the previous fetch (default 30). ``0`` refetches at once,
        which suits tests that rotate a provider's keys, not production.
        """
        return self._jwks_min_interval

    @jwks_min_interval.setter
    def jwks_min_interval(self, seconds: float) -> None:
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise TypeError("jwks_min_interval must be a number of seconds")
        if not 0 <= seconds <= JWKS_MAX_AGE:
            raise ValueError(f"jwks_min_interval must be between 0 and {JWKS_MAX_AGE:g} seconds")
        self._jwks_min_interval = float(seconds)
        if self._jwks is not None and not self._jwks.is_static:
            self._jwks.min_interval = float(seconds)

    # -- discovery --------------------------------------------------------------------------

    def discover_flow(self, issuer: str, *, kind: str = "openid") -> Flow[dict[str, Any]]:
        """Fetch the provider's metadata; values given to the constructor win.

        The document's ``issuer`` must be the one asked for (Discovery 1.0 §4.3,
        RFC 8414 §3.3). Members that belong to a client's registration or its requests
        (``authwire._metadata.CLIENT_SIDE_NAMES``) are ignored: the provider cannot set
        this client's nonce, prompt or accepted ID-token algorithm.
        """
        from ..protocol import oidc_discovery

        if kind not in (oidc_discovery.OPENID, oidc_discovery.OAUTH):
            raise ValueError("kind must be 'openid' or 'oauth'")
        response = yield oidc_discovery.build_discovery_request(issuer, kind=kind)  # type: ignore[arg-type]
        document = oidc_discovery.process_discovery_response(
            response,
            issuer=issuer,
            issuer_policy=self.issuer_policy,
            kind=kind,  # type: ignore[arg-type]
            allow_insecure_transport=self.allow_insecure_transport,
        )
        from .._metadata import CLIENT_SIDE_NAMES

        for name, value in document.items():
            # the provider describes itself; it does not configure this client
            if name not in CLIENT_SIDE_NAMES:
                self.metadata.setdefault(name, value)
        self._jwks = None
        return dict(document)

    # -- keys ---------------------------------------------------------------------------------

    def _jwks_cache(self) -> JWKSCache:
        if self._jwks is None:
            from ..protocol.jwks import JWKSCache

            jwks = self.metadata.get("jwks")
            jwks_uri = self.metadata.get("jwks_uri")
            if jwks is None and not jwks_uri:
                raise IDTokenError(
                    "no_key", "no jwks_uri is known: give jwks_uri= or use from_issuer()"
                )
            self._jwks = (
                JWKSCache(jwks=jwks)
                if jwks is not None
                else JWKSCache(
                    str(jwks_uri),
                    min_interval=self._jwks_min_interval,
                    max_age=JWKS_MAX_AGE,
                    allow_insecure_transport=self.allow_insecure_transport,
                )
            )
        return self._jwks

    def _keys_flow(
        self, token: str | None, algorithms: tuple[str, ...] | None = None
    ) -> Flow[JWKSCache | None]:
        """The provider's keys for ``token``, fetched again for an unknown ``kid``.

        Nothing is fetched for a token signed with an HMAC alg (its key is the client secret)
        or with an alg outside ``algorithms`` (it is refused without looking at keys).
        """
        from ..protocol.oidc_core import unverified_header

        header = unverified_header(token) if token else {}
        alg = str(header.get("alg", ""))
        if alg.startswith("HS") or (algorithms is not None and alg not in algorithms):
            return None
        cache = self._jwks_cache()
        now = self.clock()
        if not cache.is_static and cache.needs_fetch(header.get("kid"), now):
            response = yield cache.build_request()
            cache.process_response(response, now)
        return cache

    # -- ID tokens ----------------------------------------------------------------------------

    @property
    def validates_id_tokens(self) -> bool:
        """ID tokens are validated whenever the issuer is known (``issuer=`` or discovery)."""
        return bool(self.metadata.get("issuer") or self.issuer_policy)

    def _issuer(self) -> str | IssuerPolicy:
        if self.issuer_policy is not None:
            return self.issuer_policy
        return str(self.metadata["issuer"])

    def id_token_algorithms(self) -> tuple[str, ...]:
        """The accepted ``alg`` values: the client's registered one, else RS256.

        Never the provider's advertised list alone (OpenID Connect Core §3.1.3.7 step 7).
        """
        alg = self.metadata.get("id_token_signed_response_alg")
        return (str(alg),) if alg else ("RS256",)

    def validate_id_token_flow(
        self,
        token: Mapping[str, Any],
        *,
        nonce: str | None,
        max_age: int | None = None,
        code: str | None = None,
        refreshed: bool = False,
    ) -> Flow[IDTokenClaims]:
        """Validate the token's ``id_token`` (OpenID Connect Core §3.1.3.7, §12.2)."""
        from ..protocol import oidc_core

        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise IDTokenError(oidc_core.ID_TOKEN_MALFORMED, "the token has no id_token")
        if not self.client_id:
            raise ValueError("client_id is required to validate an ID token")
        algorithms = self.id_token_algorithms()
        keys = yield from self._keys_flow(id_token, algorithms)
        secret = self.client_secret if isinstance(self.client_secret, str | bytes) else None
        access_token = token.get("access_token")
        return oidc_core.validate_id_token(
            id_token,
            keys=keys,
            client_id=self.client_id,
            issuer=self._issuer(),
            algorithms=algorithms,
            client_secret=secret,
            nonce=oidc_core.SKIP_NONCE_CHECK if refreshed else nonce,
            max_age=max_age,
            auth_time_required=bool(self.metadata.get("require_auth_time")),
            leeway=self.id_token_leeway,
            now=self.clock(),
            access_token=access_token if isinstance(access_token, str) else None,
            code=code,
            trusted_audiences=self.trusted_audiences,
        )

    def _check_id_token_flow(
        self,
        token: OAuth2Token,
        *,
        nonce: str | None = None,
        max_age: int | None = None,
        code: str | None = None,
        previous: OAuth2Token | None = None,
    ) -> Flow[None]:
        """Validate a new token's ID token and keep its claims as ``token["userinfo"]``.

        After a refresh (``previous`` given) the nonce is not checked and ``sub`` must not
        change; a refresh response without an ID token keeps the previous claims.
        OpenID Connect Core §3.1.3.7, §12.2.
        """
        if "id_token" not in token:
            if previous is not None:
                for name in ("id_token", "userinfo"):
                    if name in previous:
                        token.setdefault(name, previous[name])
            return
        if not self.validates_id_tokens:
            return
        claims = yield from self.validate_id_token_flow(
            token, nonce=nonce, max_age=max_age, code=code, refreshed=previous is not None
        )
        old = previous.get("userinfo") if previous is not None else None
        if isinstance(old, Mapping) and old.get("sub") != claims.get("sub"):
            from ..protocol.oidc_core import ID_TOKEN_SUBJECT

            raise IDTokenError(ID_TOKEN_SUBJECT, "the refreshed ID token is for another subject")
        token["userinfo"] = claims

    # -- UserInfo and logout ------------------------------------------------------------------

    def userinfo_flow(self, url: str | None = None) -> Flow[dict[str, Any]]:
        """Claims about the signed-in user, checked against the ID token's ``sub``.

        Plain JSON and signed (``application/jwt``) responses are accepted. OpenID Connect
        Core §5.3.
        """
        from ..protocol import oidc_core

        token = yield from self.ensure_token_flow()
        claims = token.get("userinfo")
        if not isinstance(claims, Mapping) or not isinstance(claims.get("sub"), str):
            raise MissingTokenError(
                description="userinfo() needs a validated ID token to check the response's sub"
            )
        endpoint = self._endpoint(url, "userinfo_endpoint")
        request = Request("GET", endpoint, headers={"Accept": "application/json"})
        response = yield from self._send_presented(request, token, read=True)
        keys = None
        alg = self.metadata.get("userinfo_signed_response_alg")
        algorithms = (str(alg),) if alg else ("RS256",)
        content_type = response.headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() == "application/jwt":
            # the raw bytes: a hostile charset (base64, rot13) would make .text raise
            compact = response.content.decode("ascii", "replace").strip()
            keys = yield from self._keys_flow(compact, algorithms)
        secret = self.client_secret if isinstance(self.client_secret, str | bytes) else None
        return oidc_core.process_userinfo_response(
            response,
            expected_sub=str(claims["sub"]),
            keys=keys,
            issuer=self._issuer() if self.validates_id_tokens else None,
            client_id=self.client_id,
            algorithms=algorithms,
            client_secret=secret,
            require_signed=bool(alg),
        )

    def create_logout_url(
        self,
        post_logout_redirect_uri: str | None = None,
        state: str | None = None,
        id_token_hint: str | None = None,
        url: str | None = None,
        **params: Any,
    ) -> str:
        """The RP-initiated logout URL; the current ID token is the hint by default.

        OpenID Connect RP-Initiated Logout 1.0 §2.
        """
        from ..protocol.oidc_core import build_end_session_url

        endpoint = url or self.metadata.get("end_session_endpoint")
        if not endpoint:
            raise ValueError("no end_session_endpoint is known: pass url= or use from_issuer()")
        if id_token_hint is None and self._token is not None:
            hint = self._token.get("id_token")
            id_token_hint = hint if isinstance(hint, str) else None
        return build_end_session_url(
            str(endpoint),
            id_token_hint=id_token_hint,
            client_id=self.client_id,
            post_logout_redirect_uri=post_logout_redirect_uri,
            state=state,
            allow_insecure_transport=self.allow_insecure_transport,
            **params,
        )
