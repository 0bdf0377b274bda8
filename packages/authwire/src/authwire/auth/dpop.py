"""DPoP (RFC 9449) on the OAuth 2 engine: sender-constrained tokens.

A mixin of [`OAuth2Auth`][authwire.OAuth2Auth]. With a DPoP key every token request
(code, refresh, device, exchange, ...) and every request presenting a ``DPoP`` token carries
a fresh proof; a ``use_dpop_nonce`` challenge is answered by exactly one retry. Nonces are
kept per origin, so the authorization server's and each resource server's never mix.
The JOSE machinery is imported only when a key is configured.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._exceptions import TokenResponseError
from ..token import is_dpop_token

if TYPE_CHECKING:
    from .._compat import Request, Response
    from ..protocol.rfc9449 import DPoPKey, NonceStore
    from ._engine import EngineParts
else:
    EngineParts = object

__all__ = ["DPoPSupport"]


class DPoPSupport(EngineParts):
    """The client's DPoP key, its proofs and the servers' nonces."""

    dpop_key: DPoPKey | None = None
    """The key proofs are signed with (``dpop=``); ``None`` when DPoP is off. RFC 9449 §4."""
    _dpop_nonces: NonceStore | None = None

    def _setup_dpop(self, dpop: Any) -> None:
        """Make the key and the nonce store; the engine calls this only when DPoP is on
        (``dpop=``, or ``dpop_bound_access_tokens`` in the metadata, which turns it on)."""
        if dpop is None or dpop is False:
            dpop = True
        from ..protocol.rfc9449 import DPoPKey, NonceStore

        if isinstance(dpop, DPoPKey):
            key = dpop
        else:
            try:
                key = DPoPKey(None if dpop is True else dpop)
            except ValueError as exc:
                raise ValueError(f"dpop: {exc}") from None
        self.dpop_key = key
        self._dpop_nonces = NonceStore()

    def _with_dpop_proof(self, request: Request, access_token: str | None = None) -> Request:
        """Add a fresh proof for ``request``; with ``access_token``, present it too.

        The token goes in ``Authorization: DPoP`` and its hash in the proof's ``ath``.
        RFC 9449 §4, §7.1.
        """
        key, nonces = self.dpop_key, self._dpop_nonces
        if key is None or nonces is None:
            return request
        from ..protocol.rfc9449 import DPOP_HEADER, authorization_header

        supported = self.metadata.get("dpop_signing_alg_values_supported")
        if isinstance(supported, list | tuple) and supported and key.alg not in supported:
            # refused here, with the reason, rather than by the server with invalid_dpop_proof
            raise ValueError(
                f"dpop: the server accepts DPoP proofs signed with {', '.join(map(str, supported))}"
                f", not {key.alg}; pass dpop=True (a P-256 key) or a key for one of those"
            )

        url = request.url  # an httpx.URL is parsed already: cheaper than its str
        if access_token is not None:
            request.headers["Authorization"] = authorization_header(access_token)
        request.headers[DPOP_HEADER] = key.proof(
            request.method,
            url,
            now=self.clock(),
            nonce=nonces.get(url),
            access_token=access_token,
        )
        return request

    def _check_dpop_binding(self, token: Mapping[str, Any]) -> None:
        """Refuse a Bearer token when this client registered for DPoP-bound ones.

        With ``dpop_bound_access_tokens`` a Bearer answer means the binding silently failed
        (a proxy dropped the header, a misconfigured server): the token would be replayable
        by whoever sees it. RFC 9449 §5.1.
        """
        if self.dpop_key is None or not self.metadata.get("dpop_bound_access_tokens"):
            return
        token_type = token.get("token_type")
        if not is_dpop_token(token_type):
            raise TokenResponseError(
                "the token is not DPoP-bound (token_type "
                f"{str(token_type)[:20]!r}) although this client registered "
                "dpop_bound_access_tokens"
            )

    def _dpop_nonce_retry(
        self, request: Request, response: Response, *, resource: bool = False
    ) -> bool:
        """Keep the server's newest nonce; ``True`` when it asks for a retry with it.

        RFC 9449 §8 (authorization server, 400 ``use_dpop_nonce``) and §9 (resource server,
        401 with a ``DPoP`` challenge). A resource response may be unread (streamed): only
        its headers are looked at.
        """
        nonces = self._dpop_nonces
        if nonces is None:
            return False
        from ..protocol.rfc9449 import nonce_challenge

        nonces.remember(request.url, response)
        if resource and response.status_code != 401:
            return False
        return nonce_challenge(response) is not None
