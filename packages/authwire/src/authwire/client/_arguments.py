"""The keyword arguments the client constructors take beyond their own, for type checkers.

A constructor's extra keywords are provider metadata (RFC 8414 §2, OpenID Connect Discovery
1.0 §3, and the names of ``authwire._metadata``) or arguments of the httpx client it is.
At run time ``authwire._metadata.split_kwargs`` sorts them and refuses any other name;
these ``TypedDict`` s say the same to mypy and pyright, so that ``token_endpiont=`` is an
error before the code runs (``**kwargs: Unpack[...]``, PEP 692).

The httpx arguments are those of ``httpx.Client`` / ``httpx.AsyncClient`` 0.28, less
``auth`` (the client brings its own). Their types come from the binding's library as the
type checker sees it (``authwire._compat``); httpx2 has the same arguments and types.
``transport`` and ``mounts`` take either kind of transport: one constructor serves the sync
and the async class. httpx 0.27's deprecated ``proxies=`` and ``app=`` still pass at run
time on that version, untyped.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from collections.abc import Iterable

    from httpx import URL, AsyncBaseTransport, BaseTransport, Limits
    from httpx._types import (
        CertTypes,
        CookieTypes,
        HeaderTypes,
        ProxyTypes,
        QueryParamTypes,
        TimeoutTypes,
    )

    from ..stores import TokenStore

__all__ = [
    "HttpxArguments",
    "OAuth2Arguments",
    "OAuth2Options",
    "ProviderMetadata",
]


class HttpxArguments(TypedDict, total=False):
    """``httpx.Client`` / ``httpx.AsyncClient`` constructor arguments, ``auth`` excepted."""

    params: QueryParamTypes | None
    headers: HeaderTypes | None
    cookies: CookieTypes | None
    verify: ssl.SSLContext | str | bool
    cert: CertTypes | None
    trust_env: bool
    http1: bool
    http2: bool
    proxy: ProxyTypes | None
    mounts: Mapping[str, BaseTransport | AsyncBaseTransport | None] | None
    timeout: TimeoutTypes
    follow_redirects: bool
    limits: Limits
    max_redirects: int
    event_hooks: Mapping[str, list[Callable[..., Any]]] | None
    base_url: URL | str
    transport: BaseTransport | AsyncBaseTransport | None
    default_encoding: str | Callable[[bytes], str]


class _MetadataBesideIssuer(TypedDict, total=False):
    """`ProviderMetadata` less ``issuer``: what ``from_issuer`` takes beside its own
    ``issuer`` argument (the discovery document names the issuer)."""

    # endpoints and documents
    authorization_endpoint: str | None
    token_endpoint: str | None
    userinfo_endpoint: str | None
    jwks_uri: str | None
    registration_endpoint: str | None
    revocation_endpoint: str | None
    introspection_endpoint: str | None
    device_authorization_endpoint: str | None
    pushed_authorization_request_endpoint: str | None
    end_session_endpoint: str | None
    check_session_iframe: str | None
    backchannel_authentication_endpoint: str | None
    service_documentation: str | None
    op_policy_uri: str | None
    op_tos_uri: str | None
    signed_metadata: str | None
    mtls_endpoint_aliases: Mapping[str, str] | None
    # provider flags
    require_pushed_authorization_requests: bool | None
    require_request_uri_registration: bool | None
    tls_client_certificate_bound_access_tokens: bool | None
    frontchannel_logout_session_required: bool | None
    backchannel_logout_session_required: bool | None
    # capabilities (RFC 8414 §2, Discovery §3, RFC 9449 §5.1, RFC 9207 §3, CIBA §4)
    scopes_supported: Sequence[str] | None
    response_types_supported: Sequence[str] | None
    response_modes_supported: Sequence[str] | None
    grant_types_supported: Sequence[str] | None
    acr_values_supported: Sequence[str] | None
    subject_types_supported: Sequence[str] | None
    token_endpoint_auth_methods_supported: Sequence[str] | None
    token_endpoint_auth_signing_alg_values_supported: Sequence[str] | None
    revocation_endpoint_auth_methods_supported: Sequence[str] | None
    revocation_endpoint_auth_signing_alg_values_supported: Sequence[str] | None
    introspection_endpoint_auth_methods_supported: Sequence[str] | None
    introspection_endpoint_auth_signing_alg_values_supported: Sequence[str] | None
    code_challenge_methods_supported: Sequence[str] | None
    id_token_signing_alg_values_supported: Sequence[str] | None
    id_token_encryption_alg_values_supported: Sequence[str] | None
    id_token_encryption_enc_values_supported: Sequence[str] | None
    userinfo_signing_alg_values_supported: Sequence[str] | None
    userinfo_encryption_alg_values_supported: Sequence[str] | None
    userinfo_encryption_enc_values_supported: Sequence[str] | None
    request_object_signing_alg_values_supported: Sequence[str] | None
    request_object_encryption_alg_values_supported: Sequence[str] | None
    request_object_encryption_enc_values_supported: Sequence[str] | None
    display_values_supported: Sequence[str] | None
    claim_types_supported: Sequence[str] | None
    claims_supported: Sequence[str] | None
    claims_locales_supported: Sequence[str] | None
    ui_locales_supported: Sequence[str] | None
    dpop_signing_alg_values_supported: Sequence[str] | None
    backchannel_token_delivery_modes_supported: Sequence[str] | None
    backchannel_authentication_request_signing_alg_values_supported: Sequence[str] | None
    claims_parameter_supported: bool | None
    request_parameter_supported: bool | None
    request_uri_parameter_supported: bool | None
    frontchannel_logout_supported: bool | None
    frontchannel_logout_session_supported: bool | None
    backchannel_logout_supported: bool | None
    backchannel_logout_session_supported: bool | None
    backchannel_user_code_parameter_supported: bool | None
    authorization_response_iss_parameter_supported: bool | None
    # sent with requests (the grant's and the authorization request's defaults)
    grant_type: str | None
    response_type: str | None
    id_token_hint: str | None
    response_mode: str | None
    nonce: str | None
    prompt: str | None
    login_hint: str | None
    max_age: int | str | None
    acr_values: str | None
    display: str | None
    ui_locales: str | None
    claims: Mapping[str, Any] | str | None
    audience: str | Sequence[str] | None
    resource: str | Sequence[str] | None
    # this client's registration
    id_token_signed_response_alg: str | None
    userinfo_signed_response_alg: str | None
    require_auth_time: bool | None
    request_object_signing_alg: str | None
    require_signed_request_object: bool | None
    dpop_bound_access_tokens: bool | None


class ProviderMetadata(_MetadataBesideIssuer, total=False):
    """Provider metadata and client registration a constructor accepts by name.

    The names of RFC 8414 §2 and OpenID Connect Discovery 1.0 §3 (the ``*_supported``
    capability lists included), the endpoints of RFC 7009, RFC 7662, RFC 8628 §4, RFC 9126
    §5, OpenID Connect RP-Initiated Logout §2.1 and CIBA §4, the authorization-request
    defaults sent on every authorization URL, and this client's registration (RFC 7591 §2,
    OpenID Connect Dynamic Client Registration §2, RFC 9101 §10.5, RFC 9449 §5.2).
    """

    issuer: str | None


class OAuth2Arguments(ProviderMetadata, HttpxArguments, total=False):
    """The extra keywords of ``OAuth2Client`` and ``AsyncOAuth2Client``."""


class OAuth2Options(_MetadataBesideIssuer, HttpxArguments, total=False):
    """The keywords of ``from_issuer(issuer, client_id, client_secret, **kwargs)``.

    Every keyword the ``OAuth2Client`` / ``AsyncOAuth2Client`` constructor takes after
    ``client_secret`` but ``issuer``, which the discovery document gives; a test keeps it
    equal to the constructor's own parameters.
    """

    token_endpoint_auth_method: str | None
    revocation_endpoint_auth_method: str | None
    scope: str | Iterable[str] | None
    redirect_uri: str | None
    token: Mapping[str, Any] | None
    token_placement: str
    update_token: Callable[..., Any] | None
    leeway: float
    state: str | None
    code_challenge_method: str | None
    allow_insecure_transport: bool
    dpop: Any
    request_object_key: Any
    trusted_audiences: Iterable[str]
    max_response_bytes: int
    token_store: TokenStore | None
    token_key: str | None
