"""JWK Sets (RFC 7517): the sans-IO cache, when it fetches, and which keys it offers."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from joserfc.jwk import ECKey, KeySet, OctKey, OKPKey, RSAKey

from authwire import InsecureTransportError, OAuthError
from authwire.protocol.jwks import INVALID_JWKS, JWKSCache, key_requirements

JWKS_URI = "https://op.example/jwks"
T0 = 1_700_000_000.0

RSA_1 = RSAKey.generate_key(2048, parameters={"kid": "rsa-1", "use": "sig"}, private=False)
RSA_2 = RSAKey.generate_key(2048, parameters={"kid": "rsa-2"}, private=False)
EC_256 = ECKey.generate_key("P-256", parameters={"kid": "ec-256"}, private=False)
EC_384 = ECKey.generate_key("P-384", parameters={"kid": "ec-384"}, private=False)
ED = OKPKey.generate_key("Ed25519", parameters={"kid": "ed"}, private=False)


def public(key: Any, **members: Any) -> dict[str, Any]:
    return {**key.as_dict(private=False), **members}


def jwks_response(*keys: dict[str, Any], status: int = 200) -> httpx.Response:
    return httpx.Response(status, json={"keys": list(keys)})


def fetched(*keys: Any, at: float = T0, **options: Any) -> JWKSCache:
    cache = JWKSCache(JWKS_URI, **options)
    cache.process_response(jwks_response(*keys), at)
    return cache


def kids(keys: list[Any]) -> list[str | None]:
    return [key.kid for key in keys]


# --- when to fetch -----------------------------------------------------------------------------


def test_a_new_cache_needs_a_fetch() -> None:
    cache = JWKSCache(JWKS_URI)
    assert cache.needs_fetch(None, T0)
    assert cache.needs_fetch("rsa-1", T0)
    assert cache.keys is None
    assert cache.fetched_at is None


def test_fresh_keys_with_a_known_kid_need_no_fetch() -> None:
    cache = fetched(public(RSA_1))
    assert cache.fetched_at == T0
    assert not cache.needs_fetch("rsa-1", T0 + 10)
    assert not cache.needs_fetch(None, T0 + 10)


def test_unknown_kid_refetches_only_after_min_interval() -> None:
    cache = fetched(public(RSA_1), min_interval=30.0)
    assert not cache.needs_fetch("attacker-random-kid", T0 + 29.9)
    assert cache.needs_fetch("attacker-random-kid", T0 + 30.0)


def test_min_interval_counts_from_the_last_attempt_even_a_failed_one() -> None:
    cache = fetched(public(RSA_1), min_interval=30.0)
    with pytest.raises(OAuthError):
        cache.process_response(httpx.Response(503, text="down"), T0 + 40)
    assert not cache.needs_fetch("rotated", T0 + 60)
    assert cache.needs_fetch("rotated", T0 + 70)


def test_stale_keys_are_fetched_again() -> None:
    cache = fetched(public(RSA_1), max_age=3600.0)
    assert not cache.needs_fetch("rsa-1", T0 + 3599)
    assert cache.needs_fetch("rsa-1", T0 + 3600)
    assert cache.needs_fetch(None, T0 + 3600)


def test_a_clock_that_went_backwards_allows_a_fetch() -> None:
    cache = fetched(public(RSA_1))
    assert cache.needs_fetch("rsa-1", T0 - 1000)


def test_rotation_replaces_the_keys() -> None:
    cache = fetched(public(RSA_1))
    assert cache.needs_fetch("rsa-2", T0 + 31)
    cache.process_response(jwks_response(public(RSA_2)), T0 + 31)
    assert cache.has_kid("rsa-2")
    assert not cache.has_kid("rsa-1")
    assert cache.fetched_at == T0 + 31


@settings(max_examples=50, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.floats(min_value=0, max_value=50), st.sampled_from(["rsa-1", "x", None])),
        max_size=60,
    )
)
def test_fetches_are_never_closer_than_min_interval(
    steps: list[tuple[float, str | None]],
) -> None:
    cache = JWKSCache(JWKS_URI, min_interval=30.0, max_age=120.0)
    now, fetches = T0, []
    for delta, kid in steps:
        now += delta
        if cache.needs_fetch(kid, now):
            fetches.append(now)
            cache.process_response(jwks_response(public(RSA_1)), now)
    assert all(b - a >= 30.0 for a, b in itertools.pairwise(fetches))


# --- the request and the response --------------------------------------------------------------


def test_build_request() -> None:
    request = JWKSCache(JWKS_URI).build_request()
    assert request.method == "GET"
    assert str(request.url) == JWKS_URI
    assert "application/json" in request.headers["accept"]


def test_process_response_returns_a_key_set() -> None:
    cache = JWKSCache(JWKS_URI)
    key_set = cache.process_response(jwks_response(public(RSA_1), public(EC_256)), T0)
    assert isinstance(key_set, KeySet)
    assert cache.keys is key_set
    assert len(key_set.keys) == 2


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>oops</html>"),
        httpx.Response(200, json=["not", "a", "set"]),
        httpx.Response(200, json={"keys": "nope"}),
        httpx.Response(200, json={"keys": []}),
        httpx.Response(200, json={"keys": [{"kty": "RSA", "n": "AQAB", "e": "AQAB"}]}),
        httpx.Response(500, json={"keys": []}),
    ],
    ids=["html", "array", "keys-not-list", "empty", "only-invalid-key", "http-500"],
)
def test_invalid_jwks_keeps_the_old_keys(response: httpx.Response) -> None:
    cache = fetched(public(RSA_1))
    with pytest.raises(OAuthError) as info:
        cache.process_response(response, T0 + 100)
    assert info.value.error == INVALID_JWKS
    assert cache.has_kid("rsa-1")
    assert cache.fetched_at == T0
    assert kids(cache.select({"alg": "RS256", "kid": "rsa-1"})) == ["rsa-1"]


def test_unusable_members_are_skipped() -> None:
    cache = fetched(
        {"kty": "PQC-future", "kid": "pq"},
        {"kty": "RSA", "kid": "broken"},
        "not-an-object",
        public(RSA_1),
    )
    assert cache.has_kid("rsa-1")
    assert not cache.has_kid("pq")
    assert not cache.has_kid("broken")


def test_symmetric_members_of_a_published_set_are_dropped() -> None:
    secret = OctKey.generate_key(256, parameters={"kid": "hs"})
    cache = fetched(secret.as_dict(private=True), public(RSA_1))
    assert not cache.has_kid("hs")
    assert cache.select({"alg": "HS256", "kid": "hs"}) == []


def test_plain_http_jwks_uri_is_refused() -> None:
    with pytest.raises(InsecureTransportError):
        JWKSCache("http://op.example/jwks")
    JWKSCache("http://127.0.0.1:8080/jwks")


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"jwks_uri": JWKS_URI, "jwks": {"keys": []}},
        {"jwks_uri": JWKS_URI, "min_interval": -1},
        {"jwks_uri": JWKS_URI, "min_interval": 100, "max_age": 10},
        {"jwks": {"keys": []}},
        {"jwks": {"nokeys": 1}},
        {"jwks": [OctKey.generate_key(256)]},
    ],
)
def test_bad_arguments(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        JWKSCache(**kwargs)


# --- static sets -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "jwks",
    [
        {"keys": [public(RSA_1), public(EC_256)]},
        KeySet([RSA_1, EC_256]),
        [RSA_1, EC_256],
    ],
    ids=["dict", "KeySet", "list"],
)
def test_a_static_set_never_fetches(jwks: Any) -> None:
    cache = JWKSCache(jwks=jwks)
    assert cache.is_static
    assert not cache.needs_fetch("unknown", T0)
    assert kids(cache.select({"alg": "ES256", "kid": "ec-256"})) == ["ec-256"]
    with pytest.raises(ValueError):
        cache.build_request()
    with pytest.raises(ValueError):
        cache.process_response(jwks_response(public(RSA_1)), T0)


# --- selection ---------------------------------------------------------------------------------


def test_select_by_kid() -> None:
    cache = fetched(public(RSA_1), public(RSA_2))
    assert kids(cache.select({"alg": "RS256", "kid": "rsa-2"})) == ["rsa-2"]
    assert cache.select({"alg": "RS256", "kid": "rsa-3"}) == []


def test_select_without_kid_offers_every_compatible_key() -> None:
    cache = fetched(public(RSA_1), public(RSA_2), public(EC_256))
    assert kids(cache.select({"alg": "PS256"})) == ["rsa-1", "rsa-2"]


def test_select_matches_the_key_type_and_curve_to_the_alg() -> None:
    cache = fetched(public(RSA_1), public(EC_256), public(EC_384), public(ED))
    assert kids(cache.select({"alg": "ES256"})) == ["ec-256"]
    assert kids(cache.select({"alg": "ES384"})) == ["ec-384"]
    assert kids(cache.select({"alg": "EdDSA"})) == ["ed"]
    assert kids(cache.select({"alg": "Ed25519"})) == ["ed"]
    assert cache.select({"alg": "ES256", "kid": "rsa-1"}) == []
    assert cache.select({"alg": "RS256", "kid": "ec-256"}) == []


def test_select_honours_use_key_ops_and_alg_of_the_jwk() -> None:
    cache = fetched(
        public(RSA_1, use="enc", kid="enc"),
        public(RSA_2, kid="ops-sign-only", key_ops=["sign"]),
        public(RSA_2, kid="ps-only", alg="PS256"),
        public(RSA_2, kid="ok", use="sig", key_ops=["verify"], alg="RS256"),
    )
    assert kids(cache.select({"alg": "RS256"})) == ["ok"]
    assert kids(cache.select({"alg": "PS256"})) == ["ps-only"]


@pytest.mark.parametrize("alg", ["none", "HS256", "XX999", None, 7])
def test_select_offers_nothing_for_hmac_none_or_unknown_algs(alg: object) -> None:
    cache = fetched(public(RSA_1))
    assert cache.select({"alg": alg}) == []


def test_select_ignores_keys_named_or_carried_by_the_header() -> None:
    attacker = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
    cache = fetched(public(RSA_1))
    header = {
        "alg": "RS256",
        "kid": "rsa-1",
        "jwk": public(attacker),
        "jku": "https://attacker.example/jwks",
        "x5u": "https://attacker.example/cert.pem",
        "x5c": ["MIIB..."],
    }
    [key] = cache.select(header)
    assert key.as_dict(private=False) == public(RSA_1)


def test_a_jwk_without_kid_is_not_offered_for_a_header_that_names_one() -> None:
    bare = {k: v for k, v in public(RSA_1).items() if k != "kid"}
    cache = fetched(bare)
    assert cache.select({"alg": "RS256", "kid": "rsa-1"}) == []
    assert len(cache.select({"alg": "RS256"})) == 1


def test_key_requirements() -> None:
    assert key_requirements("RS256") == ("RSA", None)
    assert key_requirements("ES256K") == ("EC", frozenset({"secp256k1"}))
    assert key_requirements("HS256") is None
    assert key_requirements("none") is None


def test_repr_shows_no_key_material() -> None:
    cache = fetched(public(RSA_1))
    text = repr(cache)
    assert JWKS_URI in text
    assert str(public(RSA_1)["n"])[:20] not in text
