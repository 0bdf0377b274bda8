"""Provider metadata: OpenID Connect Discovery 1.0 and RFC 8414, sans-IO.

:func:`discovery_url` says where the document lives, :func:`build_discovery_request` builds
the GET, and :func:`process_discovery_response` checks what came back before anything in it
is trusted: a JSON object, the very issuer that was asked for (the defence against a
provider impersonating another, Discovery §4.3 / RFC 8414 §3.3), the members a client needs,
and endpoints that are https (or http to a loopback host).
"""

from __future__ import annotations

from typing import Any, Final, Literal, TypedDict, cast
from urllib.parse import urlsplit

from .._compat import URL, Request, Response, httpx
from .._exceptions import InsecureTransportError, OAuthError
from . import _json
from ._transport import check_transport
from .oidc_core import IssuerPolicy
from .rfc6749 import safe_excerpt

__all__ = [
    "INVALID_DISCOVERY_DOCUMENT",
    "OAUTH",
    "OPENID",
    "ProviderMetadata",
    "build_discovery_request",
    "discovery_url",
    "process_discovery_response",
]

#: ``kind`` of an OpenID Provider: ``/.well-known/openid-configuration`` appended.
OPENID: Final = "openid"
#: ``kind`` of an RFC 8414 server: ``/.well-known/oauth-authorization-server`` inserted.
OAUTH: Final = "oauth"
#: The ``error`` of the :class:`OAuthError` raised for an unusable document.
INVALID_DISCOVERY_DOCUMENT: Final = "invalid_discovery_document"

Kind = Literal["openid", "oauth"]

_OPENID_SUFFIX = "/.well-known/openid-configuration"
_OAUTH_PREFIX = "/.well-known/oauth-authorization-server"

# Members that hold arrays of strings (Discovery §3, RFC 8414 §2, RFC 9449 §5.1, …).
_STRING_ARRAYS = frozenset(
    {
        "scopes_supported",
        "response_types_supported",
        "response_modes_supported",
        "grant_types_supported",
        "acr_values_supported",
        "subject_types_supported",
        "display_values_supported",
        "claim_types_supported",
        "claims_supported",
        "claims_locales_supported",
        "ui_locales_supported",
    }
)
_BOOLEANS = frozenset(
    {
        "claims_parameter_supported",
        "request_parameter_supported",
        "request_uri_parameter_supported",
        "require_request_uri_registration",
        "authorization_response_iss_parameter_supported",
        "require_pushed_authorization_requests",
        "tls_client_certificate_bound_access_tokens",
        "frontchannel_logout_supported",
        "frontchannel_logout_session_supported",
        "backchannel_logout_supported",
        "backchannel_logout_session_supported",
    }
)
# URLs a client sends credentials, tokens or trust to; plain http would expose them.
_SECURE_URLS = frozenset({"jwks_uri", "check_session_iframe"})
_FRONT_CHANNEL_GRANTS = frozenset({"authorization_code", "implicit"})


class ProviderMetadata(TypedDict, total=False):
    """The members of a discovery document that authwire reads; others are kept as sent.

    OpenID Connect Discovery 1.0 §3, RFC 8414 §2.
    """

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    registration_endpoint: str
    revocation_endpoint: str
    introspection_endpoint: str
    end_session_endpoint: str
    device_authorization_endpoint: str
    pushed_authorization_request_endpoint: str
    scopes_supported: list[str]
    response_types_supported: list[str]
    response_modes_supported: list[str]
    grant_types_supported: list[str]
    subject_types_supported: list[str]
    id_token_signing_alg_values_supported: list[str]
    userinfo_signing_alg_values_supported: list[str]
    token_endpoint_auth_methods_supported: list[str]
    token_endpoint_auth_signing_alg_values_supported: list[str]
    code_challenge_methods_supported: list[str]
    dpop_signing_alg_values_supported: list[str]
    claims_supported: list[str]
    authorization_response_iss_parameter_supported: bool
    require_pushed_authorization_requests: bool
    mtls_endpoint_aliases: dict[str, str]


def discovery_url(issuer: str, *, kind: Kind = "openid") -> str:
    """Where the metadata of ``issuer`` is published.

    ``openid``: ``/.well-known/openid-configuration`` appended to the issuer (Discovery §4).
    ``oauth``: ``/.well-known/oauth-authorization-server`` inserted between the host and
    the path (RFC 8414 §3.1). A terminating ``/`` of the path is removed first, in both.

    Raises:
        ValueError: the issuer is not an http(s) URL, or has a query or fragment
            (RFC 8414 §2).
        InsecureTransportError: plain http to a non-loopback host.

    OpenID Connect Discovery 1.0 §4.1, RFC 8414 §3.1.
    """
    if kind not in (OPENID, OAUTH):
        raise ValueError(f"kind must be 'openid' or 'oauth', not {kind!r}")
    if not isinstance(issuer, str) or not issuer:
        raise ValueError("issuer must be the issuer identifier URL")
    check_transport(issuer, what="issuer")
    parts = urlsplit(issuer)
    if parts.query or parts.fragment or issuer.endswith(("?", "#")):
        raise ValueError("an issuer identifier has no query or fragment (RFC 8414 §2)")
    path = parts.path.rstrip("/")
    base = f"{parts.scheme}://{parts.netloc}"
    if kind == OPENID:
        return f"{base}{path}{_OPENID_SUFFIX}"
    return f"{base}{_OAUTH_PREFIX}{path}"


def build_discovery_request(issuer: str, *, kind: Kind = "openid") -> Request:
    """The GET request for the metadata of ``issuer``. Discovery §4.1, RFC 8414 §3.1."""
    return Request("GET", discovery_url(issuer, kind=kind), headers={"Accept": "application/json"})


def _invalid(description: str) -> OAuthError:
    return OAuthError(INVALID_DISCOVERY_DOCUMENT, description)


def _check_url(name: str, value: object, allow_insecure: bool) -> None:
    """An absolute http(s) URL with a host (``https:op.example`` has none), safe to send to.

    Discovery §3, RFC 8414 §2.
    """
    if not isinstance(value, str) or not value:
        raise _invalid(f"{name} is not a URL string")
    try:
        check_transport(value, allow_insecure=allow_insecure, what=f"{name} of the metadata")
        host = URL(value).host
    except InsecureTransportError:
        raise
    except (ValueError, httpx.InvalidURL):  # httpx refuses control characters, bad ports…
        host = ""
    if not host:
        raise _invalid(f"{name} is not an http(s) URL with a host")


def _check_types(doc: dict[str, Any], allow_insecure: bool) -> None:
    for name, value in doc.items():
        if name.endswith("_endpoint") or name in _SECURE_URLS:
            _check_url(name, value, allow_insecure)
        elif name in _STRING_ARRAYS or name.endswith(("_values_supported", "_methods_supported")):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise _invalid(f"{name} is not an array of strings")
        elif name in _BOOLEANS and not isinstance(value, bool):
            raise _invalid(f"{name} is not a boolean")
    aliases = doc.get("mtls_endpoint_aliases")
    if aliases is not None:
        if not isinstance(aliases, dict):
            raise _invalid("mtls_endpoint_aliases is not a JSON object")
        for name, value in aliases.items():
            _check_url(f"mtls_endpoint_aliases.{name}", value, allow_insecure)


def _check_required(doc: dict[str, Any], kind: Kind) -> None:
    grants = doc.get("grant_types_supported")
    # read before _check_types has refused an array of anything but strings
    declared = {g for g in grants if isinstance(g, str)} if isinstance(grants, list) else None
    needs_authorization = (
        kind == OPENID or declared is None or bool(declared & _FRONT_CHANNEL_GRANTS)
    )
    needs_token = declared is None or declared != {"implicit"}
    required = []
    if needs_authorization:
        required.append("authorization_endpoint")
    if needs_token:
        required.append("token_endpoint")
    if kind == OPENID:
        required.append("jwks_uri")
    missing = [name for name in required if name not in doc]
    if missing:
        raise _invalid(f"the document lacks the required {', '.join(missing)}")


def process_discovery_response(
    response: Response,
    *,
    issuer: str,
    issuer_policy: IssuerPolicy | None = None,
    kind: Kind = "openid",
    allow_insecure_transport: bool = False,
) -> ProviderMetadata:
    """Check a discovery document and return it.

    Args:
        response: the response to :func:`build_discovery_request`.
        issuer: the issuer identifier the document was fetched for.
        issuer_policy: also accept, literally, a spelling the policy declares: a
            multi-tenant provider publishes its template (``…/{tenantid}/v2.0``) at the
            ``common`` issuer's URL.
        kind: ``openid`` also requires ``jwks_uri`` and ``authorization_endpoint``.
        allow_insecure_transport: allow plain http endpoints on non-loopback hosts.

    Returns:
        The document, with every member as sent.

    Raises:
        OAuthError: ``invalid_discovery_document``: an HTTP error, not a JSON object, an
            ``issuer`` other than the one asked for, a required member missing, a member
            of the wrong type, an endpoint that is not an http(s) URL.
        InsecureTransportError: an endpoint or ``jwks_uri`` on plain http to a non-loopback
            host.

    OpenID Connect Discovery 1.0 §3, §4.2, §4.3; RFC 8414 §2, §3.2, §3.3.
    """
    if kind not in (OPENID, OAUTH):
        raise ValueError(f"kind must be 'openid' or 'oauth', not {kind!r}")
    status = response.status_code
    if not 200 <= status < 300:
        raise _invalid(
            f"the discovery endpoint answered HTTP {status}; body: {safe_excerpt(response)}"
        )
    try:
        doc = _json.loads(response.content)
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        raise _invalid(
            f"the discovery document is not a JSON object; body: {safe_excerpt(response)}"
        )
    published = doc.get("issuer")
    if not isinstance(published, str):
        raise _invalid("the discovery document has no issuer")
    if published != issuer and not (
        issuer_policy is not None and issuer_policy.matches_metadata(published)
    ):
        shown = published if len(published) <= 200 else published[:200] + "…"
        raise _invalid(
            f"the discovery document is for the issuer {shown!r}, not {issuer!r} "
            "(Discovery §4.3, RFC 8414 §3.3)"
        )
    _check_required(doc, kind)
    _check_types(doc, allow_insecure_transport)
    return cast(ProviderMetadata, doc)
