"""Names a client accepts as provider metadata, so that a misspelt argument is an error."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

__all__ = [
    "AUTHORIZE_DEFAULTS",
    "CLIENT_SIDE_NAMES",
    "HOOK_TYPES",
    "check_metadata",
    "is_metadata_name",
    "split_kwargs",
]

#: The compliance hook types, in the order a token's life meets them.
HOOK_TYPES = (
    "access_token_request",
    "access_token_response",
    "refresh_token_request",
    "refresh_token_response",
    "device_authorization_request",
    "device_authorization_response",
    "revoke_token_request",
    "introspect_token_request",
    "protected_request",
)

#: Authorization-request parameters Authlib users pass to the constructor to have them sent
#: on every authorization URL (RFC 6749 §4.1.1, OpenID Connect Core §3.1.2.1, RFC 8707).
AUTHORIZE_DEFAULTS = (
    "response_mode",
    "nonce",
    "prompt",
    "login_hint",
    "max_age",
    "acr_values",
    "display",
    "ui_locales",
    "claims",
    "audience",
    "resource",
)

#: This client's registration that changes how responses are checked (RFC 7591 §2, OpenID
#: Connect Dynamic Client Registration §2, RFC 9101 §10.5, RFC 9449 §5.2).
_REGISTRATION = (
    "id_token_signed_response_alg",
    "userinfo_signed_response_alg",
    "require_auth_time",
    "request_object_signing_alg",
    "require_signed_request_object",
    "dpop_bound_access_tokens",
)

#: Names that describe this client or its requests, never the provider: a discovery
#: document that carries them (``nonce``, ``prompt``, ``id_token_signed_response_alg``...)
#: must not change how the client behaves. Provider metadata (RFC 8414 §2, Discovery §3)
#: and client registration are different namespaces; only
#: ``require_pushed_authorization_requests`` is in both (RFC 9126 §5, §6).
CLIENT_SIDE_NAMES = frozenset(
    {
        *AUTHORIZE_DEFAULTS,
        *_REGISTRATION,
        "grant_type",
        "response_type",
        "id_token_hint",
        "client_id",
        "client_secret",
        "redirect_uri",
        "redirect_uris",
        "scope",
        "token_endpoint_auth_method",
        "token_endpoint_auth_signing_alg",
        "jwks",
    }
)

# RFC 8414 §2 and OpenID Connect Discovery 1.0 §3, the authorization defaults, and the
# registration names above.
_NAMES = frozenset(
    {
        "issuer",
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
        "registration_endpoint",
        "revocation_endpoint",
        "introspection_endpoint",
        "device_authorization_endpoint",
        "pushed_authorization_request_endpoint",
        "end_session_endpoint",
        "check_session_iframe",
        "backchannel_authentication_endpoint",
        "service_documentation",
        "op_policy_uri",
        "op_tos_uri",
        "signed_metadata",
        "mtls_endpoint_aliases",
        "require_pushed_authorization_requests",
        "require_request_uri_registration",
        "tls_client_certificate_bound_access_tokens",
        "frontchannel_logout_session_required",
        "backchannel_logout_session_required",
        "grant_type",
        "response_type",
        "id_token_hint",
        "dpop_signing_alg_values_supported",
        *AUTHORIZE_DEFAULTS,
        *_REGISTRATION,
    }
)
_SUFFIXES = ("_supported",)  # capability flags: harmless if unknown


def is_metadata_name(name: str) -> bool:
    return name in _NAMES or name.endswith(_SUFFIXES)


_STRINGS = frozenset({"issuer", "grant_type", "response_type", "response_mode", "nonce"})
_FLAGS = frozenset(
    {
        "require_pushed_authorization_requests",
        "require_request_uri_registration",
        "tls_client_certificate_bound_access_tokens",
        "frontchannel_logout_session_required",
        "backchannel_logout_session_required",
        "require_auth_time",
        "require_signed_request_object",
        "dpop_bound_access_tokens",
    }
)
_NOT_A_URL = (bool, int, float, list, tuple, set, frozenset, dict, bytes)


def check_metadata(metadata: Mapping[str, Any]) -> None:
    """Refuse, at construction, a value whose type cannot be right for its name.

    An ``id_token_signed_response_alg`` given as a list, say, would otherwise be accepted
    and fail only after the authorization code was redeemed.
    """
    for name, value in metadata.items():
        if value is None:
            continue
        if name in _STRINGS or name.endswith(("_alg", "_enc")):
            if not isinstance(value, str) or not value:
                raise TypeError(f"{name} must be a non-empty str, not {type(value).__name__}")
        elif name in _FLAGS:
            if not isinstance(value, bool):
                raise TypeError(f"{name} must be True or False, not {type(value).__name__}")
        elif name.endswith(("_endpoint", "_uri")) and isinstance(value, _NOT_A_URL):
            raise TypeError(f"{name} must be a URL (a str), not {type(value).__name__}")
        elif name == "max_age" and (
            isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit()
        ):
            raise ValueError(f"max_age must be a whole number of seconds, not {value!r}")


@cache
def _parameters_of(init: Callable[..., Any]) -> frozenset[str]:
    return frozenset(inspect.signature(init).parameters) - {"self"}


def split_kwargs(
    owner: str, kwargs: Mapping[str, Any], httpx_init: Callable[..., Any] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``kwargs`` into (provider metadata, httpx arguments); refuse anything else.

    Every argument of the httpx client's constructor passes through, including ones added by
    a later httpx version; a name that is neither is a :class:`TypeError` naming it.
    """
    httpx_names = _parameters_of(httpx_init) if httpx_init is not None else frozenset()
    metadata: dict[str, Any] = {}
    passthrough: dict[str, Any] = {}
    for name, value in kwargs.items():
        if name in httpx_names:
            passthrough[name] = value
        elif is_metadata_name(name):
            metadata[name] = value
        else:
            raise TypeError(
                f"{owner}() got an unexpected keyword argument {name!r}: it is neither "
                "provider metadata (RFC 8414 / OpenID Discovery names) nor an httpx argument"
            )
    return metadata, passthrough
