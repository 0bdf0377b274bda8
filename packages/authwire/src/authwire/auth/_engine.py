"""The parts of :class:`~authwire.auth.oauth2.OAuth2Auth` its mixins build on, named once.

The engine is one class split by topic: OpenID Connect, the device flow, pushed and signed
authorization requests, DPoP. Each mixin inherits from :class:`EngineParts` for the type
checker only (from ``object`` at run time), so the state and steps they share with the
engine are declared here and nowhere else. Imported only under ``TYPE_CHECKING``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .._clock import Clock
from .._compat import Request, Response
from .._drivers import Flow
from ..token import OAuth2Token
from .authorization_request import AuthorizationRequest

__all__ = ["EngineParts"]


class EngineParts:
    """What OAuth2Auth provides to its mixins: its settings, its token, its protocol steps."""

    metadata: dict[str, Any]
    client_id: str | None
    client_secret: Any
    scope: str | Iterable[str] | None
    clock: Clock
    allow_insecure_transport: bool
    token_endpoint_auth_method: str
    authorization_request: AuthorizationRequest | None
    trusted_audiences: frozenset[str]
    leeway: float
    _token: OAuth2Token | None
    _hooks: Mapping[str, Sequence[Callable[..., Any]]]

    def _endpoint(self, url: str | None, name: str) -> str:
        raise NotImplementedError

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
        raise NotImplementedError

    def _response_hooks(self, kind: str, response: Response) -> Flow[Response]:
        raise NotImplementedError

    def _hold_one_time_token(self, token: OAuth2Token) -> None:
        raise NotImplementedError

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
        raise NotImplementedError

    def _prepare_authorization(
        self,
        url: str | None,
        state: str | None,
        code_verifier: str | None,
        params: dict[str, Any],
    ) -> tuple[str, dict[str, Any], AuthorizationRequest]:
        raise NotImplementedError

    def create_authorization_url(
        self,
        url: str | None = None,
        state: str | None = None,
        code_verifier: str | None = None,
        **params: Any,
    ) -> tuple[str, str]:
        raise NotImplementedError

    def _keep_flow(self, token: OAuth2Token) -> Flow[None]:
        raise NotImplementedError

    def ensure_token_flow(self, stale: OAuth2Token | None = None) -> Flow[OAuth2Token]:
        raise NotImplementedError

    def _renew(self, token: OAuth2Token | None) -> Flow[tuple[OAuth2Token, dict[str, Any]]]:
        raise NotImplementedError

    def _send_presented(
        self, request: Request, token: OAuth2Token, *, read: bool
    ) -> Flow[Response]:
        raise NotImplementedError

    def _check_id_token_flow(
        self,
        token: OAuth2Token,
        *,
        nonce: str | None = None,
        max_age: int | None = None,
        code: str | None = None,
        previous: OAuth2Token | None = None,
    ) -> Flow[None]:
        raise NotImplementedError
