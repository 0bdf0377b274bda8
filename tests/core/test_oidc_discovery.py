"""Provider metadata: OpenID Connect Discovery 1.0 §4 and RFC 8414 §3."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from authwire import InsecureTransportError, OAuthError
from authwire.protocol.oidc_core import IssuerPolicy
from authwire.protocol.oidc_discovery import (
    INVALID_DISCOVERY_DOCUMENT,
    build_discovery_request,
    discovery_url,
    process_discovery_response,
)

ISSUER = "https://op.example"
MS_TEMPLATE = "https://login.microsoftonline.com/{tenantid}/v2.0"
MS_COMMON = "https://login.microsoftonline.com/common/v2.0"


def document(issuer: Any = ISSUER, **members: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "issuer": issuer,
        "authorization_endpoint": f"{ISSUER}/authorize",
        "token_endpoint": f"{ISSUER}/token",
        "userinfo_endpoint": f"{ISSUER}/userinfo",
        "jwks_uri": f"{ISSUER}/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "authorization_response_iss_parameter_supported": True,
    }
    doc.update(members)
    return {k: v for k, v in doc.items() if v is not ...}


def process(doc: Any, issuer: str = ISSUER, **kwargs: Any) -> Any:
    return process_discovery_response(httpx.Response(200, json=doc), issuer=issuer, **kwargs)


def invalid(doc: Any, issuer: str = ISSUER, **kwargs: Any) -> OAuthError:
    with pytest.raises(OAuthError) as info:
        process(doc, issuer, **kwargs)
    assert info.value.error == INVALID_DISCOVERY_DOCUMENT
    return info.value


# --- where the document lives ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issuer", "url"),
    [
        ("https://op.example", "https://op.example/.well-known/openid-configuration"),
        ("https://op.example/", "https://op.example/.well-known/openid-configuration"),
        (
            "https://op.example/tenant/1",
            "https://op.example/tenant/1/.well-known/openid-configuration",
        ),
        (
            "https://op.example/tenant/1/",
            "https://op.example/tenant/1/.well-known/openid-configuration",
        ),
        ("https://op.example:8443/a", "https://op.example:8443/a/.well-known/openid-configuration"),
    ],
)
def test_openid_configuration_is_appended_discovery_4_1(issuer: str, url: str) -> None:
    assert discovery_url(issuer) == url


@pytest.mark.parametrize(
    ("issuer", "url"),
    [
        ("https://as.example", "https://as.example/.well-known/oauth-authorization-server"),
        ("https://as.example/", "https://as.example/.well-known/oauth-authorization-server"),
        # RFC 8414 §3.1's own example
        (
            "https://example.com/issuer1",
            "https://example.com/.well-known/oauth-authorization-server/issuer1",
        ),
        (
            "https://as.example/a/b/",
            "https://as.example/.well-known/oauth-authorization-server/a/b",
        ),
    ],
)
def test_rfc8414_inserts_the_well_known_path_section_3_1(issuer: str, url: str) -> None:
    assert discovery_url(issuer, kind="oauth") == url


def test_loopback_http_issuer_is_allowed() -> None:
    url = discovery_url("http://127.0.0.1:9000/realms/x")
    assert url == "http://127.0.0.1:9000/realms/x/.well-known/openid-configuration"


def test_plain_http_issuer_is_refused() -> None:
    with pytest.raises(InsecureTransportError):
        discovery_url("http://op.example")


@pytest.mark.parametrize(
    "issuer", ["https://op.example?x=1", "https://op.example#f", "ftp://op.example", ""]
)
def test_bad_issuers(issuer: str) -> None:
    with pytest.raises(ValueError):
        discovery_url(issuer)


def test_unknown_kind() -> None:
    with pytest.raises(ValueError):
        discovery_url(ISSUER, kind="saml")  # type: ignore[arg-type]


@given(st.from_regex(r"(/[a-z0-9]{1,8}){0,3}/?", fullmatch=True))
def test_both_kinds_keep_the_path(path: str) -> None:
    issuer = "https://op.example" + path
    trimmed = path.rstrip("/")
    assert discovery_url(issuer).endswith(trimmed + "/.well-known/openid-configuration")
    assert discovery_url(issuer, kind="oauth").endswith(
        "/.well-known/oauth-authorization-server" + trimmed
    )


def test_build_discovery_request() -> None:
    request = build_discovery_request(ISSUER)
    assert request.method == "GET"
    assert str(request.url) == "https://op.example/.well-known/openid-configuration"
    assert request.headers["accept"] == "application/json"


# --- checking the document ---------------------------------------------------------------------


def test_a_good_document_is_returned_as_sent() -> None:
    doc = document(custom_member={"kept": True})
    metadata = process(doc)
    assert metadata == doc
    assert metadata["jwks_uri"] == "https://op.example/jwks"


@pytest.mark.parametrize(
    "published",
    [
        "https://op.example/",  # a trailing slash is another issuer
        "https://OP.example",
        "http://op.example",
        "https://attacker.example",
    ],
)
def test_issuer_mismatch_is_refused_discovery_4_3(published: str) -> None:
    invalid(document(issuer=published))


def test_missing_issuer_is_refused() -> None:
    invalid(document(issuer=...))


def test_tenant_template_needs_a_policy_that_declares_it() -> None:
    doc = document(issuer=MS_TEMPLATE)
    invalid(doc, issuer=MS_COMMON)
    invalid(doc, issuer=MS_COMMON, issuer_policy=IssuerPolicy("https://other/{tenantid}/v2.0"))
    assert process(doc, MS_COMMON, issuer_policy=IssuerPolicy(MS_TEMPLATE))["issuer"] == MS_TEMPLATE


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>login</html>"),
        httpx.Response(200, json=[1, 2]),
        httpx.Response(200, content=b""),
        httpx.Response(404, json=document()),
    ],
    ids=["html", "array", "empty", "http-404"],
)
def test_not_a_json_object(response: httpx.Response) -> None:
    with pytest.raises(OAuthError) as info:
        process_discovery_response(response, issuer=ISSUER)
    assert info.value.error == INVALID_DISCOVERY_DOCUMENT


@pytest.mark.parametrize("member", ["authorization_endpoint", "token_endpoint", "jwks_uri"])
def test_openid_required_members(member: str) -> None:
    error = invalid(document(**{member: ...}))
    assert member in str(error)


def test_rfc8414_needs_no_jwks_uri() -> None:
    process(document(jwks_uri=...), kind="oauth")


def test_implicit_only_needs_no_token_endpoint() -> None:
    process(document(token_endpoint=..., grant_types_supported=["implicit"]), kind="oauth")
    process(document(token_endpoint=..., grant_types_supported=["implicit"]))


def test_token_endpoint_only_server_needs_no_authorization_endpoint() -> None:
    doc = document(authorization_endpoint=..., grant_types_supported=["client_credentials"])
    process(doc, kind="oauth")
    invalid(doc)  # an OpenID Provider always has one (Discovery §3)


def test_plain_http_endpoint_is_refused() -> None:
    with pytest.raises(InsecureTransportError):
        process(document(token_endpoint="http://op.example/token"))
    with pytest.raises(InsecureTransportError):
        process(document(jwks_uri="http://op.example/jwks"))
    process(document(token_endpoint="http://op.example/token"), allow_insecure_transport=True)


def test_loopback_http_endpoints_are_allowed() -> None:
    base = "http://127.0.0.1:8080"
    doc = {
        "issuer": base,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "jwks_uri": f"{base}/jwks",
    }
    assert process(doc, issuer=base) == doc


@pytest.mark.parametrize(
    "members",
    [
        {"token_endpoint": "javascript:alert(1)"},
        {"token_endpoint": 42},
        {"userinfo_endpoint": None},
        {"response_types_supported": "code"},
        {"id_token_signing_alg_values_supported": ["RS256", 1]},
        {"token_endpoint_auth_methods_supported": {"a": 1}},
        {"authorization_response_iss_parameter_supported": "true"},
        {"mtls_endpoint_aliases": ["x"]},
        {"mtls_endpoint_aliases": {"token_endpoint": "file:///etc/passwd"}},
    ],
)
def test_members_of_the_wrong_type(members: dict[str, Any]) -> None:
    invalid(document(**members))


def test_mtls_aliases_must_be_secure() -> None:
    with pytest.raises(InsecureTransportError):
        process(document(mtls_endpoint_aliases={"token_endpoint": "http://mtls.op.example/t"}))
    process(document(mtls_endpoint_aliases={"token_endpoint": "https://mtls.op.example/t"}))


def test_kind_is_checked() -> None:
    with pytest.raises(ValueError):
        process(document(), kind="saml")
