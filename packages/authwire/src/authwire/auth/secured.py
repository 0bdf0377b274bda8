"""Pushed (RFC 9126) and signed (RFC 9101) authorization requests on the OAuth 2 engine.

A mixin of [`OAuth2Auth`][authwire.OAuth2Auth]. ``create_authorization_url`` stays a
plain, sync URL builder; pushing needs a request, so it is a flow the clients drive.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._drivers import Flow

if TYPE_CHECKING:
    from ..protocol.rfc9101 import RequestObjectSigner
    from ._engine import EngineParts
else:
    EngineParts = object

__all__ = ["SecuredAuthorization"]


class SecuredAuthorization(EngineParts):
    """PAR and JAR: the authorization parameters posted, signed, or both."""

    request_object_signer: RequestObjectSigner | None = None
    """Signs request objects (RFC 9101 §4); set from ``request_object_key=``, else ``None``."""

    def _setup_request_objects(self, key: Any) -> None:
        alg = self.metadata.get("request_object_signing_alg")
        if key is None and isinstance(alg, str) and alg.upper().startswith("HS"):
            if not isinstance(self.client_secret, str | bytes) or not self.client_secret:
                raise ValueError(
                    f"request_object_signing_alg {alg!r} signs with the client secret; "
                    "give client_secret=, or request_object_key= for another key"
                )
            key = self.client_secret
        if key is None:
            return
        from ..protocol.rfc9101 import RequestObjectSigner

        if isinstance(key, RequestObjectSigner):
            self.request_object_signer = key
            return
        try:
            self.request_object_signer = RequestObjectSigner(
                key, alg if isinstance(alg, str) else None
            )
        except ValueError as exc:
            raise ValueError(f"request_object_key: {exc}") from None

    @property
    def requires_pushed_authorization(self) -> bool:
        """Whether the server (or this client's registration) insists on PAR. RFC 9126 §5, §6."""
        return bool(self.metadata.get("require_pushed_authorization_requests"))

    def _secured_query(self, query: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters as sent: as they are, or signed into a request object.

        Outside the object only ``client_id`` stays (RFC 9101 §5), plus ``response_type``
        and ``scope``, which OpenID Connect Core §6.1 also wants there; the server uses the
        signed values only.
        """
        signer = self.request_object_signer
        if signer is None:
            if self.metadata.get("require_signed_request_object"):
                raise ValueError(
                    "this client must sign its authorization requests "
                    "(require_signed_request_object): give request_object_key="
                )
            return dict(query)
        issuer = self.metadata.get("issuer")
        if not isinstance(issuer, str) or not issuer:
            raise ValueError(
                "a request object is addressed to the authorization server's issuer: "
                "give issuer= or use from_issuer()"
            )
        if not self.client_id:
            raise ValueError("a request object needs client_id")
        request = signer.sign(query, client_id=self.client_id, audience=issuer, now=self.clock())
        outside = {"client_id": self.client_id, "request": request}
        for name in ("response_type", "scope"):
            if query.get(name) is not None:
                outside[name] = query[name]
        return outside

    def push_authorization_request_flow(
        self,
        url: str | None = None,
        state: str | None = None,
        code_verifier: str | None = None,
        *,
        auth: Any = None,
        headers: Mapping[str, str] | None = None,
        **params: Any,
    ) -> Flow[tuple[str, str]]:
        """Post the authorization parameters; return the short URL and the ``state``.

        The parameters are those
        [`create_authorization_url`][authwire.OAuth2Auth.create_authorization_url] would send
        (signed into a request object when a key is set: JAR by reference), posted with the
        client's authentication to ``url`` or the ``pushed_authorization_request_endpoint``.
        RFC 9126 §2.1, §4.
        """
        from ..protocol import rfc9126

        if not self.client_id:
            raise ValueError("a pushed authorization request needs client_id")
        endpoint, query, pending = self._prepare_authorization(None, state, code_verifier, params)
        response = yield from self._endpoint_call(
            "pushed_authorization_request_endpoint",
            url,
            self._secured_query(query),
            None,
            auth,
            headers,
            None,
            self.token_endpoint_auth_method,
        )
        pushed = rfc9126.process_par_response(response, now=self.clock())
        self.authorization_request = pending
        short_url = rfc9126.authorization_url(endpoint, self.client_id, pushed.request_uri)
        return short_url, pending.state

    def start_authorization_flow(
        self, state: str | None = None, code_verifier: str | None = None, **params: Any
    ) -> Flow[tuple[str, str]]:
        """The URL to send the user to: pushed when the metadata requires it, else plain."""
        if self.requires_pushed_authorization:
            pushed = yield from self.push_authorization_request_flow(
                None, state, code_verifier, **params
            )
            return pushed
        return self.create_authorization_url(None, state, code_verifier, **params)
