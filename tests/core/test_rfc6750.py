"""RFC 6750: token placement and the WWW-Authenticate challenge."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from authwire.protocol.rfc6750 import (
    is_invalid_token_challenge,
    parse_www_authenticate,
    place_bearer_token,
)


def test_rfc6750_section_3_example() -> None:
    value = (
        'Bearer realm="example", error="invalid_token", '
        'error_description="The access token expired"'
    )
    [challenge] = parse_www_authenticate(value)
    assert challenge.scheme == "Bearer"
    assert challenge.params == {
        "realm": "example",
        "error": "invalid_token",
        "error_description": "The access token expired",
    }
    assert is_invalid_token_challenge(value)


def test_several_challenges_and_token68() -> None:
    value = 'Basic realm="x", Bearer error="invalid_token", scope="a b", Negotiate abc123=='
    challenges = parse_www_authenticate(value)
    assert [c.scheme for c in challenges] == ["Basic", "Bearer", "Negotiate"]
    assert challenges[1].params == {"error": "invalid_token", "scope": "a b"}
    assert challenges[2].token68 == "abc123=="
    assert is_invalid_token_challenge(value)


def test_quoted_escapes() -> None:
    [challenge] = parse_www_authenticate(r'Bearer realm="a \"quoted\" realm"')
    assert challenge.params["realm"] == 'a "quoted" realm'


@pytest.mark.parametrize(
    "value",
    [None, "", "Bearer", 'Bearer error="insufficient_scope"', 'Basic error="invalid_token"'],
)
def test_not_an_invalid_token_challenge(value: str | None) -> None:
    assert not is_invalid_token_challenge(value)


@given(st.text(max_size=200))
def test_parser_never_crashes(value: str) -> None:
    for challenge in parse_www_authenticate(value):
        assert challenge.scheme


@given(
    st.from_regex(r"[A-Za-z]{1,10}", fullmatch=True),
    st.dictionaries(
        st.from_regex(r"[a-z_]{1,8}", fullmatch=True),
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=20),
        max_size=4,
    ),
)
def test_round_trip(scheme: str, params: dict[str, str]) -> None:
    def quote(v: str) -> str:
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'

    value = scheme + " " + ", ".join(f"{k}={quote(v)}" for k, v in params.items())
    [challenge] = parse_www_authenticate(value)
    assert challenge.scheme == scheme
    assert challenge.params == params


def test_header_placement() -> None:
    request = place_bearer_token(httpx.Request("GET", "https://api.test/x"), "tok", "header")
    assert request.headers["authorization"] == "Bearer tok"


def test_query_placement_replaces_an_existing_value() -> None:
    request = httpx.Request("GET", "https://api.test/x?a=1&access_token=old")
    request = place_bearer_token(request, "tok", "uri")
    assert request.url.params.get_list("access_token") == ["tok"]
    assert request.url.params["a"] == "1"


def test_body_placement_needs_a_form() -> None:
    form = httpx.Request("POST", "https://api.test/x", data={"a": "1"})
    placed = place_bearer_token(form, "tok", "body")
    assert placed.content == b"a=1&access_token=tok"
    with pytest.raises(ValueError, match="form-encoded"):
        place_bearer_token(httpx.Request("POST", "https://api.test/x", json={}), "t", "body")
