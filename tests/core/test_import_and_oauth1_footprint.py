"""What the import-time and OAuth 1 memory cuts of issue 20 must leave unchanged.

``Challenge``, ``ClientCredentials``, ``AuthorizationRequest`` and the registered
``(name, fn)`` method are plain slotted classes now, not frozen dataclasses; the
bearer-token character check is string tests, not a regular expression; an OAuth 1
client makes its endpoints dict on first read when none was given, and its signers share
the constant protocol parameters. Each must behave as before; ``OAuth2Client`` loads
neither its async twin nor the rarely used protocol steps. No timing here: the figures are
in ``benchmarks/``.
"""

from __future__ import annotations

import copy
import json
import pickle
import re
import subprocess
import sys

import httpx
import pytest

from authwire import AuthorizationRequest, OAuth1Client
from authwire._value import Value
from authwire.protocol.client_auth import ClientCredentials, _NamedFunction, named_method
from authwire.protocol.rfc5849 import OAuth1Signer, escape
from authwire.protocol.rfc6749 import _is_header_safe
from authwire.protocol.rfc6750 import Challenge, parse_www_authenticate

CREDENTIALS = {"client_id": "ck", "client_secret": "cs", "token": "t", "token_secret": "ts"}


# -- value classes ----------------------------------------------------------------------


def test_a_challenge_is_an_immutable_value() -> None:
    first = Challenge("Bearer", {"error": "invalid_token"})
    assert first == Challenge("Bearer", {"error": "invalid_token"}, None)
    assert first != Challenge("Bearer", {"error": "insufficient_scope"})
    assert first != ("Bearer", {"error": "invalid_token"}, None)
    assert (
        repr(first) == "Challenge(scheme='Bearer', params={'error': 'invalid_token'}, token68=None)"
    )
    with pytest.raises(AttributeError):
        first.scheme = "Basic"
    with pytest.raises(AttributeError):
        del first.token68
    assert pickle.loads(pickle.dumps(first)) == first
    assert copy.copy(first) == first
    with pytest.raises(TypeError):  # its params are a dict, as with the frozen dataclass
        hash(first)
    match first:
        case Challenge(scheme, params, token68):
            assert (scheme, params, token68) == ("Bearer", {"error": "invalid_token"}, None)


def test_an_authorization_request_is_an_immutable_hashable_value() -> None:
    first = AuthorizationRequest("st", "verifier", nonce="n", redirect_uri="https://app/cb")
    same = AuthorizationRequest(
        state="st", code_verifier="verifier", nonce="n", redirect_uri="https://app/cb"
    )
    assert first == same
    assert hash(first) == hash(same)
    assert len({first, same}) == 1
    assert first != AuthorizationRequest("st", "verifier", nonce="other")
    assert first != ("st", "verifier", "n", "https://app/cb", None)
    with pytest.raises(AttributeError):
        first.state = "forged"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del first.nonce  # type: ignore[misc]
    with pytest.raises(AttributeError):
        first.extra = 1  # type: ignore[attr-defined]
    assert pickle.loads(pickle.dumps(first)) == first
    assert copy.copy(first) == first
    assert copy.deepcopy(first) == first
    match first:
        case AuthorizationRequest(state, verifier, nonce, redirect_uri, max_age):
            assert (state, verifier, nonce, redirect_uri, max_age) == (
                "st",
                "verifier",
                "n",
                "https://app/cb",
                None,
            )
    # the one-time secrets stay out of its repr
    assert repr(first) == "AuthorizationRequest(redirect_uri='https://app/cb')"


def test_an_authorization_request_round_trips_through_a_session() -> None:
    first = AuthorizationRequest("st", None, nonce="n", max_age=300)
    saved = json.loads(json.dumps(first.to_dict()))
    assert saved == {"state": "st", "nonce": "n", "max_age": 300}
    assert AuthorizationRequest.from_dict({**saved, "from_a_later_version": 1}) == first
    for broken in ({}, {"state": 1}, "st", None):
        with pytest.raises(ValueError, match="state"):
            AuthorizationRequest.from_dict(broken)  # type: ignore[arg-type]


def test_the_sync_client_loads_no_async_client_and_no_rarely_used_step() -> None:
    """First use of ``OAuth2Client`` loads what a request needs, nothing more (issue 20)."""
    code = (
        "import sys, json, httpx; before = set(sys.modules); "
        "import authwire; authwire.OAuth2Client; "
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(json.loads(out.stdout))
    for module in (
        "authwire.client.async_oauth2",
        "authwire._binding",
        "authwire.auth.device",
        "authwire.auth.dpop",
        "authwire.auth.openid",
        "authwire.auth.secured",
        "authwire.auth.stored",
        "authwire.protocol.client_auth",
        "authwire.protocol.rfc6750",
        "authwire._value",
        "authwire.protocol.rfc7009",
        "authwire.protocol.rfc7636",
        "authwire.protocol.rfc7662",
        "authwire.protocol.rfc8707",
        "authwire.protocol.rfc9207",
        "dataclasses",
        "hmac",
        "secrets",
    ):
        assert module not in loaded, module
    assert "authwire.client.oauth2" in loaded


def test_the_async_client_is_still_reachable_from_its_old_module() -> None:
    from authwire.client import oauth2
    from authwire.client.async_oauth2 import AsyncOAuth2Client

    assert oauth2.AsyncOAuth2Client is AsyncOAuth2Client
    with pytest.raises(AttributeError):
        oauth2.NoSuchClient  # noqa: B018


def test_challenges_built_without_params_do_not_share_a_dict() -> None:
    first, second = Challenge("Basic"), Challenge("Basic")
    first.params["realm"] = "r"
    assert second.params == {}


def test_parsed_challenges_are_unchanged() -> None:
    value = 'Bearer realm="a \\"b\\"", error="invalid_token", Basic realm=x, Negotiate abc=='
    assert parse_www_authenticate(value) == [
        Challenge("Bearer", {"realm": 'a "b"', "error": "invalid_token"}),
        Challenge("Basic", {"realm": "x"}),
        Challenge("Negotiate", {}, "abc=="),
    ]


def test_client_credentials_are_an_immutable_value_that_hides_the_secret() -> None:
    creds = ClientCredentials("id", "s3cret", "client_secret_post", issuer="https://as.test")
    assert creds == ClientCredentials("id", "s3cret", "client_secret_post", "https://as.test")
    assert creds != ClientCredentials("id", "other", "client_secret_post", "https://as.test")
    assert creds.issuer == "https://as.test"
    assert ClientCredentials("id", "s", "none").issuer is None
    assert "s3cret" not in repr(creds)
    with pytest.raises(AttributeError):
        creds.client_secret = "x"
    assert pickle.loads(pickle.dumps(creds)) == creds
    assert (
        len({creds, ClientCredentials("id", "s3cret", "client_secret_post", "https://as.test")})
        == 1
    )


def _sign(
    client: ClientCredentials, method: str, uri: str, headers: dict[str, str], body: str
) -> tuple[str, dict[str, str], str]:
    return uri, {**headers, "X-Signed": client.auth_method}, body


def test_a_name_and_function_pair_is_still_a_method() -> None:
    method = named_method(("custom", _sign))
    assert isinstance(method, _NamedFunction)
    assert method.name == "custom"
    assert method == named_method(("custom", _sign))
    creds = ClientCredentials("id", None, "custom")
    assert method(creds, "POST", "u", {}, "b") == ("u", {"X-Signed": "custom"}, "b")
    with pytest.raises(AttributeError):
        method.name = "other"


@pytest.mark.parametrize(
    "value",
    [
        Challenge("Bearer", {"realm": "api"}, None),
        ClientCredentials("id", "secret", "client_secret_post", "https://as.example"),
        named_method(("custom", _sign)),
        AuthorizationRequest("st", "verifier", "n", "https://app/cb", 60),
    ],
    ids=lambda value: type(value).__name__,
)
def test_every_value_class_names_its_fields_in_the_constructors_order(value: Value) -> None:
    """``Value`` compares, hashes and pickles by ``__match_args__``, in the constructor's
    order: each class must list every field, and only its fields, in that order."""
    cls = type(value)
    assert sorted(cls.__match_args__) == sorted(cls.__slots__)
    assert cls(*value._values()) == value
    assert pickle.loads(pickle.dumps(value)) == value
    with pytest.raises(AttributeError, match=f"{cls.__name__} is immutable"):
        del value.__match_args__


_VCHAR = re.compile(r"[\x21-\x7e]+")


@pytest.mark.parametrize("extra", ["", "a", "é", "\u2028", "\x00", "\x7f"])
def test_the_access_token_character_check_is_visible_ascii(extra: str) -> None:
    for code in range(0x100):
        for token in (chr(code), f"tok{chr(code)}", f"{chr(code)}{extra}"):
            assert _is_header_safe(token) is bool(_VCHAR.fullmatch(token)), repr(token)
    assert _is_header_safe("") is False


# -- OAuth 1 ------------------------------------------------------------------------------


def test_endpoints_read_without_any_given_are_all_none_and_per_client() -> None:
    first, second = OAuth1Client(**CREDENTIALS), OAuth1Client(**CREDENTIALS)
    assert first.endpoints == {
        "request_token_url": None,
        "authorization_url": None,
        "access_token_url": None,
    }
    first.endpoints["request_token_url"] = "https://api.test/request_token"
    assert second.endpoints["request_token_url"] is None
    assert first.endpoints["request_token_url"] == "https://api.test/request_token"


def test_endpoints_given_are_kept_as_given() -> None:
    client = OAuth1Client(**CREDENTIALS, authorization_url="", access_token_url="https://a.test")
    assert client.endpoints == {
        "request_token_url": None,
        "authorization_url": "",
        "access_token_url": "https://a.test",
    }


def test_an_endpoint_set_after_construction_is_used_by_the_step() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="oauth_token=rt&oauth_token_secret=rts")

    client = OAuth1Client(
        client_id="ck", client_secret="cs", transport=httpx.MockTransport(handler)
    )
    with pytest.raises(ValueError, match="request_token_url"):
        client.fetch_request_token()
    client.endpoints["request_token_url"] = "https://api.test/request_token"
    assert client.fetch_request_token()["oauth_token"] == "rt"
    client.endpoints = {"request_token_url": "https://api.test/other"}
    client.fetch_request_token()
    assert [str(r.url) for r in seen] == [
        "https://api.test/request_token",
        "https://api.test/other",
    ]


def test_the_client_secret_is_still_kept_out_of_error_messages() -> None:
    client = OAuth1Client(**CREDENTIALS)
    assert "cs" in client._secrets()
    assert "ts" in client._secrets()
    assert OAuth1Client(client_id="ck")._secrets() == []


def test_signers_share_the_constant_parameters_but_not_the_credentials() -> None:
    hmac = OAuth1Signer("ck", "cs", "t", "ts")
    other = OAuth1Signer("other", "cs2", "t2", "ts2")
    plain = OAuth1Signer("ck", "cs", signature_method="PLAINTEXT", include_version=False)
    assert dict(hmac._static) == {
        "oauth_consumer_key": "ck",
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_token": "t",
        "oauth_version": "1.0",
    }
    assert hmac._static[1] is other._static[1]
    assert dict(other._static)["oauth_consumer_key"] == "other"
    assert dict(plain._static) == {
        "oauth_consumer_key": "ck",
        "oauth_signature_method": "PLAINTEXT",
    }
    assert dict(hmac.with_token(None, None)._static).get("oauth_token") is None


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("abcXYZ019-._~", "abcXYZ019-._~"),
        ("a b+c", "a%20b%2Bc"),
        ("é", "%C3%A9"),
        (b"a/b", "a%2Fb"),
        (b"plain", "plain"),
        ("", ""),
    ],
)
def test_escape_is_unchanged(value: str | bytes, escaped: str) -> None:
    # RFC 5849 §3.6: unreserved characters as they are, everything else percent-encoded
    result = escape(value)
    assert result == escaped
    assert type(result) is str
