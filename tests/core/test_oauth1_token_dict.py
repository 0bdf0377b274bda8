"""``token=`` takes the dict a token step returns, on ``OAuth1Auth`` as on ``OAuth1Client``.

``fetch_access_token()`` returns ``{"oauth_token", "oauth_token_secret", ...}``; both
constructors take it as it is, read ``oauth_token_secret`` and ``oauth_verifier`` from it
(the arguments standing in for fields it lacks), and refuse a mapping with no
``oauth_token``, naming the argument. RFC 5849 §2.1, §2.3.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx
import pytest

from authwire import AsyncOAuth1Client, OAuth1Auth, OAuth1Client

from .test_oauth1_client import BASE, CLIENT_ID, CLIENT_SECRET, MockProvider, oauth_params

URL = "https://api.example/resource"
ACCESS = {"oauth_token": "at", "oauth_token_secret": "ACCESS-SECRET-22", "user_id": "7"}


def fixed(**kwargs: Any) -> OAuth1Auth:
    """An ``OAuth1Auth`` whose signatures are reproducible (fixed nonce and time)."""
    return OAuth1Auth(
        "ck", "CLIENT-SECRET", nonce_factory=lambda: "n0nce", clock=lambda: 1e9, **kwargs
    )


def signed(auth: OAuth1Auth) -> httpx.Request:
    return auth.sign(httpx.Request("GET", URL))


def test_a_mapping_signs_as_its_fields_given_one_by_one() -> None:
    from_dict = fixed(token=ACCESS)
    by_hand = fixed(token="at", token_secret="ACCESS-SECRET-22")
    assert from_dict.token == "at"
    assert from_dict.token_secret == "ACCESS-SECRET-22"
    assert from_dict.verifier is None
    assert signed(from_dict).headers["Authorization"] == signed(by_hand).headers["Authorization"]
    # the secret takes part in the signature: a wrong one would not sign alike
    other = fixed(token="at", token_secret="ANOTHER-SECRET")
    assert signed(from_dict).headers["Authorization"] != signed(other).headers["Authorization"]


def test_the_mapping_s_secret_and_verifier_win_over_the_arguments() -> None:
    auth = fixed(
        token={"oauth_token": "rt", "oauth_token_secret": "FROM-DICT", "oauth_verifier": "v1"},
        token_secret="FROM-ARGUMENT",
        verifier="v0",
    )
    assert (auth.token, auth.token_secret, auth.verifier) == ("rt", "FROM-DICT", "v1")
    assert oauth_params(signed(auth))["oauth_token"] == "rt"


def test_the_arguments_stand_in_for_fields_the_mapping_lacks() -> None:
    auth = fixed(token={"oauth_token": "rt"}, token_secret="FROM-ARGUMENT", verifier="v0")
    assert (auth.token, auth.token_secret, auth.verifier) == ("rt", "FROM-ARGUMENT", "v0")
    # OAuth1Client.token reads None for fields it does not hold: None stands for "absent"
    auth = fixed(
        token={"oauth_token": "rt", "oauth_token_secret": None, "oauth_verifier": None},
        token_secret="FROM-ARGUMENT",
        verifier="v0",
    )
    assert (auth.token_secret, auth.verifier) == ("FROM-ARGUMENT", "v0")
    sent = oauth_params(auth.sign(httpx.Request("GET", URL), {"oauth_verifier": "v0"}))
    assert sent["oauth_verifier"] == "v0"


@pytest.mark.parametrize("token", [{}, {"oauth_token_secret": "s"}, {"oauth_token": ""}])
def test_a_mapping_without_an_oauth_token_is_refused(token: Mapping[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"^token must be .*oauth_token"):
        OAuth1Auth("ck", "cs", token=token)
    with pytest.raises(ValueError, match=r"^token must be .*oauth_token"):
        OAuth1Client("ck", "cs", token=token)


def test_a_string_token_still_works() -> None:
    auth = OAuth1Auth("ck", "cs", token="at", token_secret="ts", verifier="v")
    assert (auth.token, auth.token_secret, auth.verifier) == ("at", "ts", "v")


Factory = Callable[..., OAuth1Client | AsyncOAuth1Client]


@pytest.mark.parametrize("make", [OAuth1Client, AsyncOAuth1Client])
def test_the_client_hands_its_dict_through_and_keeps_the_extra_fields(make: Factory) -> None:
    client = make("ck", "cs", token={**ACCESS, "oauth_verifier": "v1"}, verifier="v0")
    assert client.oauth.token == "at"
    assert client.oauth.token_secret == "ACCESS-SECRET-22"
    assert dict(client.token) == {**ACCESS, "oauth_verifier": "v1"}
    # the verifier is for the access-token step only: resource requests never carry it
    assert client.oauth.verifier is None


def test_the_guide_s_flow_signs_with_oauth1auth_given_the_access_token_dict() -> None:
    """docs/guides/oauth1.md: ``OAuth1Auth(..., token=client.fetch_access_token(...))``."""
    provider = MockProvider()
    transport = httpx.MockTransport(provider)
    with OAuth1Client(CLIENT_ID, CLIENT_SECRET, transport=transport, base_url=BASE) as client:
        client.fetch_request_token("/request_token")
        client.parse_authorization_response(
            "https://app.example/cb?oauth_token=rt&oauth_verifier=v"
        )
        token = client.fetch_access_token("/access_token")
    assert token["screen_name"] == "ada"
    auth = OAuth1Auth(CLIENT_ID, CLIENT_SECRET, token=token)
    with httpx.Client(auth=auth, transport=transport, base_url=BASE) as http:
        assert http.get("/resource").json() == {"ok": True}
    sent = oauth_params(provider.last)
    assert sent["oauth_token"] == "at"
    assert "oauth_verifier" not in sent
    assert provider.signature_ok(provider.last)  # with ACCESS-SECRET-22, read from the dict
