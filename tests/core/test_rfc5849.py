"""RFC 5849 (OAuth 1.0a) signing, sans-IO: the RFC's and X's published vectors, and properties.

Where a second opinion helps, oauthlib's own signature functions (written independently of
ours) compute the expected base string or signature.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlencode
from urllib.request import parse_http_list, parse_keqv_list

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from hypothesis import given
from hypothesis import strategies as st
from oauthlib.oauth1.rfc5849 import signature as oauthlib_signature

from authwire import AuthorizationResponseError, OAuthError, TokenResponseError
from authwire.protocol import rfc5849
from authwire.protocol.rfc5849 import (
    OAuth1Signer,
    OAuth1Token,
    body_hash,
    build_authorization_url,
    build_base_string_uri,
    build_signature_base_string,
    collect_parameters,
    escape,
    load_rsa_private_key,
    normalize_parameters,
    parse_authorization_response,
    process_token_response,
    sign_request,
    unescape,
)
from tests._oauth1 import rsa_key_pair

VECTORS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent.parent / "vectors" / "rfc5849.json").read_text(encoding="utf-8")
)["cases"]
UNRESERVED_OR_ESCAPE = re.compile(r"^(?:[A-Za-z0-9._~-]|%[0-9A-F]{2})*$")
FORM = "application/x-www-form-urlencoded"


def oauthlib_client(client_secret: str, token_secret: str) -> SimpleNamespace:
    """What oauthlib's ``*_with_client`` signers read from their client argument."""
    return SimpleNamespace(client_secret=client_secret, resource_owner_secret=token_secret)


def oauth_header(request: httpx.Request) -> dict[str, str]:
    value = request.headers["Authorization"]
    assert value.startswith("OAuth ")
    return {k: unescape(v) for k, v in parse_keqv_list(parse_http_list(value[6:])).items()}


def vector_request(case: dict[str, Any]) -> httpx.Request:
    headers = {"Content-Type": case["content_type"]} if case.get("content_type") else {}
    content = case["body"].encode("ascii") if case.get("body") is not None else None
    return httpx.Request(case["method"], case["url"], headers=headers, content=content)


def vector_signer(case: dict[str, Any]) -> OAuth1Signer:
    return OAuth1Signer(
        case["client_id"],
        case["client_secret"],
        case["token"],
        case["token_secret"],
        signature_method=case["signature_method"],
        realm=case["realm"],
        include_version=case["include_version"],
    )


# --- published vectors -----------------------------------------------------------------------


@pytest.mark.parametrize("case", VECTORS, ids=[c["name"] for c in VECTORS])
def test_published_signature(case: dict[str, Any]) -> None:
    """RFC 5849 §1.2, §3.4.1 (erratum 2550) and X's example, signed end to end."""
    signed = sign_request(
        vector_request(case),
        vector_signer(case),
        extra_params=case["extra_params"],
        nonce=case["nonce"],
        timestamp=case["timestamp"],
    )
    params = oauth_header(signed)
    assert params["oauth_signature"] == case["signature"]
    assert params["oauth_nonce"] == case["nonce"]
    if case["realm"] is not None:
        assert signed.headers["Authorization"].startswith(f'OAuth realm="{case["realm"]}", ')
        assert params["realm"] == case["realm"]
    else:
        assert "realm" not in params


@pytest.mark.parametrize(
    "case", [c for c in VECTORS if "base_string" in c], ids=lambda c: c["name"]
)
def test_published_base_string(case: dict[str, Any]) -> None:
    """RFC 5849 §3.4.1's base string, byte for byte (and X's)."""
    oauth_params = {
        "oauth_consumer_key": case["client_id"],
        "oauth_signature_method": case["signature_method"],
        "oauth_timestamp": case["timestamp"],
        "oauth_nonce": case["nonce"],
        **case["extra_params"],
    }
    if case["token"]:
        oauth_params["oauth_token"] = case["token"]
    if case["include_version"]:
        oauth_params["oauth_version"] = "1.0"
    assert build_signature_base_string(vector_request(case), oauth_params) == case["base_string"]


def test_rfc5849_3_4_1_3_2_normalized_parameters() -> None:
    """The parameter table of RFC 5849 §3.4.1.3.1, normalized as §3.4.1.3.2 shows."""
    params = [
        ("b5", "=%3D"),
        ("a3", "a"),
        ("c@", ""),
        ("a2", "r b"),
        ("oauth_consumer_key", "9djdj82h48djs9d2"),
        ("oauth_token", "kkk9d7dh3k39sjv7"),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", "137131201"),
        ("oauth_nonce", "7d8f3e4a"),
        ("c2", ""),
        ("a3", "2 q"),
    ]
    assert normalize_parameters(params) == (
        "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&"
        "oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&"
        "oauth_token=kkk9d7dh3k39sjv7"
    )


def test_rfc5849_3_4_1_3_1_collected_parameters() -> None:
    request = httpx.Request(
        "POST",
        "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
        headers={"Content-Type": FORM},
        content=b"c2&a3=2+q",
    )
    assert sorted(collect_parameters(request)) == sorted(
        [("b5", "=%3D"), ("a3", "a"), ("c@", ""), ("a2", "r b"), ("c2", ""), ("a3", "2 q")]
    )


@pytest.mark.parametrize(
    ("url", "headers", "expected"),
    [
        ("HTTP://EXAMPLE.COM:80/r%20v/X?id=123", {}, "http://example.com/r%20v/X"),
        ("https://www.example.net:8080/?q=1", {}, "https://www.example.net:8080/"),
        ("https://example.com", {}, "https://example.com/"),
        ("http://[::1]:8080/a", {}, "http://[::1]:8080/a"),
        ("http://bücher.example/p", {}, "http://xn--bcher-kva.example/p"),
        ("https://10.0.0.1/x", {"Host": "API.Example.com:443"}, "https://api.example.com/x"),
        ("http://10.0.0.1/x", {"Host": "api.example.com:8000"}, "http://api.example.com:8000/x"),
    ],
)
def test_rfc5849_3_4_1_2_base_string_uri(url: str, headers: dict[str, str], expected: str) -> None:
    assert build_base_string_uri(httpx.Request("GET", url, headers=headers)) == expected


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("r b", "r%20b"),
        ("=%3D", "%3D%253D"),
        ("Ladies + Gentlemen", "Ladies%20%2B%20Gentlemen"),
        ("~-._", "~-._"),
        ("*!'()", "%2A%21%27%28%29"),
        ("é", "%C3%A9"),
        ("☃", "%E2%98%83"),
    ],
)
def test_rfc5849_3_6_percent_encoding(raw: str, encoded: str) -> None:
    assert escape(raw) == encoded
    assert unescape(encoded) == raw


# --- properties ------------------------------------------------------------------------------

pairs_strategy = st.lists(st.tuples(st.text(max_size=20), st.text(max_size=20)), max_size=8)


@given(st.text())
def test_escape_round_trips_and_emits_only_unreserved_or_escapes(value: str) -> None:
    encoded = escape(value)
    assert UNRESERVED_OR_ESCAPE.match(encoded)
    assert unescape(encoded) == value
    assert escape(value.encode("utf-8")) == encoded


@given(pairs_strategy, st.sampled_from([quote, None]))
def test_query_and_form_parameters_round_trip(pairs: list[tuple[str, str]], quote_via: Any) -> None:
    """What a form encoder (``+`` or ``%20`` for space) wrote, collection reads back."""
    encoded = urlencode(pairs, quote_via=quote_via) if quote_via else urlencode(pairs)
    request = httpx.Request(
        "POST", "http://h.example/p?" + encoded, headers={"Content-Type": FORM}, content=encoded
    )
    assert collect_parameters(request) == pairs + pairs


@given(pairs_strategy, st.randoms())
def test_normalization_ignores_order(pairs: list[tuple[str, str]], random: Any) -> None:
    shuffled = list(pairs)
    random.shuffle(shuffled)
    assert normalize_parameters(shuffled) == normalize_parameters(pairs)


@given(
    st.lists(
        st.tuples(
            st.text(min_size=1, max_size=12).filter(lambda n: not n.startswith("oauth_")),
            st.text(max_size=12),
        ),
        max_size=6,
    ),
    st.sampled_from(["GET", "POST"]),
)
def test_base_string_matches_oauthlib(pairs: list[tuple[str, str]], method: str) -> None:
    """Our base string equals the one oauthlib (an independent implementation) builds."""
    if method == "GET":
        request = httpx.Request(method, "https://Api.Example.com:443/a%20b/c", params=pairs)
        body = None
    else:
        body = urlencode(pairs)
        request = httpx.Request(
            method,
            "https://api.example.com/a%20b/c?x=1",
            headers={"Content-Type": FORM},
            content=body,
        )
    oauth = {"oauth_consumer_key": "key", "oauth_nonce": "n", "oauth_timestamp": "1"}
    ours = build_signature_base_string(request, oauth)
    collected = oauthlib_signature.collect_parameters(
        uri_query=request.url.query.decode("ascii"), body=body or []
    )
    theirs = oauthlib_signature.signature_base_string(
        method,
        oauthlib_signature.base_string_uri(str(request.url)),
        oauthlib_signature.normalize_parameters([*collected, *oauth.items()]),
    )
    assert ours == theirs


# --- signature methods -----------------------------------------------------------------------


def _signed(method: str, **kwargs: Any) -> tuple[httpx.Request, str]:
    signer = OAuth1Signer("key", "cs&1", "tok", "ts 2", signature_method=method, **kwargs)
    request = httpx.Request("GET", "https://example.com/r?a=1")
    oauth = {
        "oauth_consumer_key": "key",
        "oauth_signature_method": method,
        "oauth_token": "tok",
        "oauth_version": "1.0",
        "oauth_nonce": "abc",
        "oauth_timestamp": "1700000000",
    }
    base = build_signature_base_string(request, oauth)
    signed = sign_request(request, signer, nonce="abc", timestamp="1700000000")
    return signed, base


@pytest.mark.parametrize(
    ("method", "oauthlib_sign"),
    [
        ("HMAC-SHA1", oauthlib_signature.sign_hmac_sha1_with_client),
        ("HMAC-SHA256", oauthlib_signature.sign_hmac_sha256_with_client),
    ],
)
def test_hmac_methods_match_oauthlib(method: str, oauthlib_sign: Any) -> None:
    signed, base = _signed(method)
    expected = oauthlib_sign(base, oauthlib_client("cs&1", "ts 2"))
    assert oauth_header(signed)["oauth_signature"] == expected


@pytest.mark.parametrize(
    ("method", "digest"), [("RSA-SHA1", hashes.SHA1()), ("RSA-SHA256", hashes.SHA256())]
)
def test_rsa_methods_verify_with_the_public_key(method: str, digest: Any) -> None:
    private_pem, _ = rsa_key_pair()
    signed, base = _signed(method, rsa_key=private_pem)
    signature = base64.b64decode(oauth_header(signed)["oauth_signature"])
    public_key = load_rsa_private_key(private_pem).public_key()
    public_key.verify(signature, base.encode("ascii"), padding.PKCS1v15(), digest)


def test_plaintext_is_the_encoded_secrets() -> None:
    """RFC 5849 §3.4.4: no base string; each secret encoded, joined by '&'."""
    signed, _ = _signed("PLAINTEXT")
    assert oauth_header(signed)["oauth_signature"] == "cs%261&ts%202"
    assert 'oauth_signature="cs%25261%26ts%25202"' in signed.headers["Authorization"]


def test_plaintext_with_no_token_secret_keeps_the_ampersand() -> None:
    signer = OAuth1Signer("key", "secret", signature_method="PLAINTEXT")
    signed = sign_request(httpx.Request("POST", "https://example.com/initiate"), signer)
    assert oauth_header(signed)["oauth_signature"] == "secret&"


def test_rsa_key_is_loaded_once_per_signer_and_kept_across_tokens() -> None:
    private_pem, _ = rsa_key_pair()
    signer = OAuth1Signer("key", rsa_key=private_pem, signature_method="RSA-SHA1")
    other = signer.with_token("t", "s").with_realm("photos")
    assert other._key.private_key is signer._key.private_key
    assert load_rsa_private_key(signer._key.private_key) is signer._key.private_key


@pytest.mark.parametrize(
    ("rsa_key", "error"),
    [
        (None, ValueError),
        ("-----BEGIN PRIVATE KEY-----\nTOPSECRETGARBAGE\n-----END PRIVATE KEY-----\n", ValueError),
        (12345, TypeError),
    ],
)
def test_bad_rsa_key_fails_early_without_echoing_it(rsa_key: Any, error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        OAuth1Signer("key", rsa_key=rsa_key, signature_method="RSA-SHA256")
    assert "TOPSECRET" not in str(caught.value)
    assert caught.value.__cause__ is None


def test_non_rsa_key_is_refused() -> None:
    from cryptography.hazmat.primitives import serialization

    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(TypeError, match="RSA"):
        load_rsa_private_key(pem)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"client_id": ""}, "client_id"),
        ({"client_id": None}, "client_id"),
        ({"client_id": "k", "signature_method": "HMAC-MD5"}, "signature_method"),
        ({"client_id": "k", "signature_type": "COOKIE"}, "signature_type"),
    ],
)
def test_bad_arguments_raise_value_error(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        OAuth1Signer(**kwargs)


def test_signature_type_is_case_insensitive() -> None:
    assert OAuth1Signer("k", signature_type="query").signature_type == "QUERY"


def test_registry_adds_and_removes_methods() -> None:
    loaded: list[Any] = []

    def load(key: Any) -> Any:
        loaded.append(key)
        return f"loaded:{key}"

    def sign(base_string: str, key: rfc5849.SigningKey) -> str:
        return f"{key.private_key}:{len(base_string)}"

    rfc5849.register_signature_method("X-TEST", sign, load_key=load)
    try:
        signer = OAuth1Signer("key", rsa_key="k1", signature_method="X-TEST")
        for _ in range(3):
            signed = sign_request(httpx.Request("GET", "https://e.example/"), signer)
            assert oauth_header(signed)["oauth_signature"].startswith("loaded:k1:")
        assert loaded == ["k1"]
    finally:
        rfc5849.unregister_signature_method("X-TEST")
    with pytest.raises(ValueError, match="X-TEST"):
        OAuth1Signer("key", signature_method="X-TEST")


# --- placement and bodies --------------------------------------------------------------------


def test_query_placement_keeps_the_existing_query() -> None:
    signer = OAuth1Signer("key", "secret", signature_type="QUERY")
    signed = sign_request(httpx.Request("GET", "https://e.example/p?b=2&a=1"), signer)
    query = signed.url.query.decode("ascii")
    assert query.startswith("b=2&a=1&oauth_consumer_key=key&")
    assert "Authorization" not in signed.headers
    assert "oauth_signature=" in query


def test_body_placement_appends_to_a_form_body() -> None:
    signer = OAuth1Signer("key", "secret", signature_type="BODY")
    request = httpx.Request("POST", "https://e.example/p", data={"a": "1 2"})
    signed = sign_request(request, signer, nonce="n", timestamp="1")
    assert signed.content.startswith(b"a=1+2&oauth_consumer_key=key&")
    assert signed.headers["Content-Length"] == str(len(signed.content))
    assert signed.headers["Content-Type"] == FORM
    assert "Authorization" not in signed.headers


def test_body_placement_makes_a_form_body_for_an_empty_post() -> None:
    signer = OAuth1Signer("key", "secret", signature_type="BODY")
    signed = sign_request(httpx.Request("POST", "https://e.example/initiate"), signer)
    assert signed.headers["Content-Type"] == FORM
    assert signed.content.startswith(b"oauth_consumer_key=key&")


@pytest.mark.parametrize(
    "request_",
    [
        httpx.Request("POST", "https://e.example/", json={"a": 1}),
        httpx.Request("GET", "https://e.example/"),
    ],
    ids=["json-body", "get"],
)
def test_body_placement_refuses_what_cannot_carry_a_form(request_: httpx.Request) -> None:
    with pytest.raises(ValueError, match="BODY"):
        sign_request(request_, OAuth1Signer("key", "secret", signature_type="BODY"))


def test_realm_is_quoted() -> None:
    signer = OAuth1Signer("key", "secret", realm='my "photos"')
    signed = sign_request(httpx.Request("GET", "https://e.example/"), signer)
    assert signed.headers["Authorization"].startswith('OAuth realm="my \\"photos\\"", ')
    with pytest.raises(ValueError, match="control"):
        sign_request(httpx.Request("GET", "https://e.example/"), signer.with_realm("a\r\nb"))


def test_body_hash_of_the_empty_body() -> None:
    """The OAuth Request Body Hash draft's value for no body: SHA-1 of ''."""
    assert body_hash(b"") == "2jmj7l5rSw0yVb/vlWAYkK/YBwk="


@pytest.mark.parametrize("force_include_body", [False, True])
def test_json_body_is_kept_and_hashed_only_when_asked(force_include_body: bool) -> None:
    signer = OAuth1Signer("key", "secret", force_include_body=force_include_body)
    request = httpx.Request("POST", "https://e.example/", json={"a": "b"})
    original = request.content
    signed = sign_request(request, signer, nonce="n", timestamp="1")
    assert signed.content == original
    params = oauth_header(signed)
    if force_include_body:
        expected = base64.b64encode(hashlib.sha1(original).digest()).decode("ascii")
        assert params["oauth_body_hash"] == expected
    else:
        assert "oauth_body_hash" not in params
    oauth = {k: v for k, v in params.items() if k != "oauth_signature"}
    base = build_signature_base_string(signed, oauth)
    expected_signature = oauthlib_signature.sign_hmac_sha1_with_client(
        base, oauthlib_client("secret", "")
    )
    assert params["oauth_signature"] == expected_signature


def test_form_body_is_signed_not_hashed_even_when_forced() -> None:
    signer = OAuth1Signer("key", "secret", force_include_body=True)
    signed = sign_request(httpx.Request("POST", "https://e.example/", data={"a": "b"}), signer)
    assert "oauth_body_hash" not in oauth_header(signed)


# --- token responses and the authorization step ----------------------------------------------


def _response(status: int, body: str, content_type: str = FORM) -> httpx.Response:
    return httpx.Response(status, headers={"Content-Type": content_type}, text=body)


def test_form_and_json_token_responses() -> None:
    token = process_token_response(
        _response(200, "oauth_token=t&oauth_token_secret=SECRETVALUE&user_id=42")
    )
    assert token == {"oauth_token": "t", "oauth_token_secret": "SECRETVALUE", "user_id": "42"}
    assert "SECRETVALUE" not in repr(token)
    assert "SECRETVALUE" not in str(token)
    assert isinstance(token, OAuth1Token)
    assert isinstance(token, dict)
    token = process_token_response(
        _response(
            200, '{"oauth_token": "t", "oauth_token_secret": "s", "n": 1}', "application/json"
        )
    )
    assert token["n"] == 1


@pytest.mark.parametrize(
    ("status", "body", "content_type", "error"),
    [
        (401, "error=invalid_request&error_description=Missing+verifier.", FORM, "invalid_request"),
        (401, "", "text/plain", "fetch_token_denied"),
        (400, "<html><body>Bad</body></html>", "text/html", "fetch_token_denied"),
        (200, "oauth_token_secret=SECRETVALUE&x=1", FORM, "invalid_token_response"),
        (
            200,
            '{"oauth_token_secret": "SECRETVALUE"}',
            "application/json",
            "invalid_token_response",
        ),
        (200, "<html>not a token</html>", "text/html", "invalid_token_response"),
        (
            200,
            '{"oauth_token": "t", "oauth_token_secret": 7}',
            "application/json",
            "invalid_token_response",
        ),
    ],
)
def test_bad_token_responses(status: int, body: str, content_type: str, error: str) -> None:
    with pytest.raises(TokenResponseError) as caught:
        process_token_response(_response(status, body, content_type))
    assert caught.value.error == error
    assert caught.value.status_code == status
    assert "SECRETVALUE" not in str(caught.value)
    assert "SECRETVALUE" not in repr(caught.value)


def test_authorization_url_keeps_query_and_fragment() -> None:
    url = build_authorization_url("https://e.example/auth?lang=en#top", "rt", {"force": "1"})
    assert url == "https://e.example/auth?lang=en&oauth_token=rt&force=1#top"


def test_authorization_response() -> None:
    params = parse_authorization_response("https://app.example/cb?oauth_token=rt&oauth_verifier=v")
    assert params == {"oauth_token": "rt", "oauth_verifier": "v"}
    with pytest.raises(AuthorizationResponseError) as caught:
        parse_authorization_response("https://app.example/cb?denied=rt")
    assert caught.value.error == "access_denied"
    with pytest.raises(OAuthError, match="user_refused"):
        parse_authorization_response("https://app.example/cb?error=user_refused")


def test_reprs_show_no_secret() -> None:
    private_pem, _ = rsa_key_pair()
    signer = OAuth1Signer("key", "CLIENTSECRET", "tok", "TOKENSECRET")
    rsa_signer = OAuth1Signer("key", rsa_key=private_pem, signature_method="RSA-SHA1")
    for obj in (signer, signer._key, rsa_signer, rsa_signer._key):
        text = repr(obj) + str(obj)
        assert "SECRET" not in text
        assert "PRIVATE" not in text
