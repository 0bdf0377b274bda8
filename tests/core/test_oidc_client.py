"""OpenID Connect on OAuth2Client / AsyncOAuth2Client over MockTransport, every flavor.

A small provider (:class:`OP`, built on :class:`authwire.testing.FakeProvider`) serves
discovery, its JWKS, UserInfo and token responses whose ID tokens each test crafts with
joserfc. Every refused ID token must leave ``client.token`` exactly as it was.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from authwire import IDTokenError, OAuthError
from authwire.protocol.oidc_core import (
    ID_TOKEN_ALG,
    ID_TOKEN_AT_HASH,
    ID_TOKEN_AUDIENCE,
    ID_TOKEN_EXPIRED,
    ID_TOKEN_ISSUER,
    ID_TOKEN_NO_KEY,
    ID_TOKEN_NONCE,
    ID_TOKEN_SIGNATURE,
    ID_TOKEN_SUBJECT,
    USERINFO_MALFORMED,
    USERINFO_SUB,
    IssuerPolicy,
    UserInfoError,
    token_hash,
)
from authwire.testing import FakeProvider

from ..conftest import REGISTRY
from .conftest import Flavor, aw, opened

ISSUER = "https://op.example"
CLIENT_ID = "oidc-client"
CLIENT_SECRET = "oidc-client-secret-long-enough-for-hs256!"
REDIRECT = "https://app.test/callback"
SUB = "alice"
PREVIOUS = {"access_token": "previous-access-token", "token_type": "Bearer"}

REGISTRY.secret(CLIENT_SECRET)

KEY_A = RSAKey.generate_key(2048, parameters={"kid": "op-a", "use": "sig", "alg": "RS256"})
KEY_B = RSAKey.generate_key(2048, parameters={"kid": "op-b", "use": "sig", "alg": "RS256"})
KEY_C = RSAKey.generate_key(2048, parameters={"kid": "op-c", "use": "sig", "alg": "RS256"})
ATTACKER = RSAKey.generate_key(2048, parameters={"kid": "op-a"})  # KEY_A's kid, other key


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def compact(header: dict[str, Any], claims: dict[str, Any], sign: Callable[[bytes], bytes]) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{b64(sign(signing_input.encode('ascii')))}"


def header_of(token: str) -> dict[str, Any]:
    part = token.split(".")[0]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


class Clock:
    """The client's clock, moved by hand (it also dates the ID tokens the OP signs)."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def __call__(self) -> float:
        return self.now


class OP:
    """An OpenID provider over MockTransport: discovery, JWKS, token and UserInfo."""

    def __init__(self, issuer: str = ISSUER, *, published_issuer: str | None = None) -> None:
        self.issuer = issuer
        self.published_issuer = published_issuer or issuer
        self.fake = FakeProvider(base_url=issuer, resource=self.serve)
        self.keys: list[RSAKey] = [KEY_A]
        self.clock = Clock()
        self.userinfo: httpx.Response | None = None

    # -- what it serves -----------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.published_issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "HS256", "none"],
            "authorization_response_iss_parameter_supported": True,
        }

    def serve(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/.well-known/openid-configuration":
            return httpx.Response(200, json=self.discovery())
        if path == "/jwks":
            return httpx.Response(200, json={"keys": [k.as_dict(private=False) for k in self.keys]})
        if path == "/userinfo" and self.userinfo is not None:
            return self.userinfo
        return httpx.Response(404)

    def count(self, path: str) -> int:
        return sum(1 for r in self.fake.requests if r.url.path == path)

    @property
    def jwks_fetches(self) -> int:
        return self.count("/jwks")

    # -- ID tokens ----------------------------------------------------------------------------

    def claims(self, nonce: str | None, access_token: str, /, **overrides: Any) -> dict[str, Any]:
        now = int(self.clock())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": SUB,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 600,
            "auth_time": now,
            "nonce": nonce,
            "at_hash": token_hash(access_token, "RS256"),
            "email": "alice@example.com",
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    @staticmethod
    def sign(claims: dict[str, Any], key: RSAKey = KEY_A, **header: Any) -> str:
        return jwt.encode({"alg": "RS256", "kid": key.kid, **header}, claims, key)

    def answer(self, access_token: str, id_token: str | None, **fields: Any) -> None:
        """The next token response (and every one after it, until the next call)."""
        if id_token is not None:
            fields["id_token"] = id_token
        self.fake.token_responses[:] = [
            FakeProvider.token(access_token=access_token, expires_in=3600, **fields)
        ]


@pytest.fixture
def op() -> OP:
    return OP()


async def new_client(flavor: Flavor, op: OP, **kwargs: Any) -> Any:
    kwargs.setdefault("redirect_uri", REDIRECT)
    kwargs.setdefault("scope", "openid email")
    client = await aw(
        flavor.oauth2_client.from_issuer(
            op.issuer, CLIENT_ID, CLIENT_SECRET, transport=op.fake.transport(), **kwargs
        )
    )
    client.oauth.clock = op.clock
    return client


IdTokenMaker = Callable[[str | None, str], str]


def signed(**overrides: Any) -> Callable[[OP], IdTokenMaker]:
    """A maker of valid-but-for-``overrides`` ID tokens for a nonce and an access token."""

    def for_op(op: OP) -> IdTokenMaker:
        return lambda nonce, at: op.sign(op.claims(nonce, at, **overrides))

    return for_op


async def login(
    client: Any, op: OP, make: IdTokenMaker | None = None, *, access_token: str = "at-1"
) -> Any:
    """The authorization code flow; the OP answers with an ID token from ``make``."""
    _url, state = client.create_authorization_url()
    nonce = client.authorization_request.nonce
    make = make or signed()(op)
    op.answer(access_token, make(nonce, access_token), refresh_token=f"rt-for-{access_token}")
    response = str(httpx.URL(REDIRECT).copy_merge_params({"code": "c", "state": state}))
    response += f"&iss={op.issuer}"
    return await aw(client.fetch_token(authorization_response=response))


async def refused(client: Any, op: OP, make: IdTokenMaker, reason: str) -> IDTokenError:
    """A login whose ID token is refused for ``reason``; the client's token is untouched."""
    client.token = PREVIOUS
    before = client.token
    with pytest.raises(IDTokenError) as info:
        await login(client, op, make, access_token="at-refused")
    assert info.value.reason == reason, info.value
    assert client.token is before
    assert dict(client.token) == PREVIOUS
    return info.value


# -- the happy path ---------------------------------------------------------------------------


def test_login_validates_the_id_token_and_keeps_its_claims(flavor: Flavor, op: OP) -> None:
    async def scenario() -> None:
        async with opened(await new_client(flavor, op)) as client:
            assert client.metadata["jwks_uri"] == f"{ISSUER}/jwks"
            token = await login(client, op)
            assert client.token is token
            claims = token["userinfo"]
            assert claims["sub"] == SUB
            assert claims["email"] == "alice@example.com"
            assert claims["nonce"]  # the nonce sent, checked
            assert client.authorization_request is None

    flavor.run(scenario)


def test_the_jwks_is_fetched_once_and_cached_across_logins(flavor: Flavor, op: OP) -> None:
    async def scenario() -> None:
        async with opened(await new_client(flavor, op)) as client:
            await login(client, op, access_token="at-1")
            op.clock.now += 60
            await login(client, op, access_token="at-2")
            assert client.token["access_token"] == "at-2"

    flavor.run(scenario)
    assert op.count("/.well-known/openid-configuration") == 1
    assert op.jwks_fetches == 1


# -- every refused ID token -------------------------------------------------------------------


def _hs256_with_the_public_key(op: OP) -> IdTokenMaker:
    # the classic algorithm confusion: the RSA public key's PEM used as an HMAC secret
    pem = KEY_A.as_pem(private=False)

    def make(nonce: str | None, at: str) -> str:
        claims = op.claims(nonce, at, at_hash=None)
        return compact(
            {"alg": "HS256", "kid": KEY_A.kid},
            claims,
            lambda data: hmac.new(pem, data, hashlib.sha256).digest(),
        )

    return make


def _alg_none(op: OP) -> IdTokenMaker:
    return lambda nonce, at: compact(
        {"alg": "none", "kid": KEY_A.kid}, op.claims(nonce, at), lambda data: b""
    )


def _bad_signature(op: OP) -> IdTokenMaker:
    return lambda nonce, at: op.sign(op.claims(nonce, at), key=ATTACKER)


def _expired(op: OP) -> IdTokenMaker:
    now = int(op.clock())
    return signed(iat=now - 7200, exp=now - 3600, auth_time=now - 7200)(op)


REFUSED: dict[str, tuple[Callable[[OP], IdTokenMaker], str]] = {
    "bad signature": (_bad_signature, ID_TOKEN_SIGNATURE),
    "alg none": (_alg_none, ID_TOKEN_ALG),
    "HS256 keyed with the RSA public key": (_hs256_with_the_public_key, ID_TOKEN_ALG),
    "wrong iss": (signed(iss="https://evil.example"), ID_TOKEN_ISSUER),
    "aud without the client": (signed(aud=["someone-else", "another"]), ID_TOKEN_AUDIENCE),
    "expired": (_expired, ID_TOKEN_EXPIRED),
    "nonce mismatch": (signed(nonce="not-the-nonce-we-sent"), ID_TOKEN_NONCE),
    "at_hash mismatch": (signed(at_hash=token_hash("another-token", "RS256")), ID_TOKEN_AT_HASH),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_refused_id_token_leaves_the_token_untouched(flavor: Flavor, op: OP, case: str) -> None:
    maker, reason = REFUSED[case]

    async def scenario() -> None:
        async with opened(await new_client(flavor, op)) as client:
            await refused(client, op, maker(op), reason)
            # the callback was exchanged, so its pending request is spent: the same
            # callback cannot be exchanged a second time (the state check fails closed)
            assert client.authorization_request is None

    flavor.run(scenario)
    if reason == ID_TOKEN_ALG:  # refused on its alg alone: the provider's keys are not asked
        assert op.jwks_fetches == 0


def test_hs256_is_keyed_with_the_client_secret_only(flavor: Flavor, op: OP) -> None:
    # registered for HS256: the public-key-as-secret token still fails (on its signature),
    # and one keyed with the client secret passes
    def with_secret(nonce: str | None, at: str) -> str:
        claims = op.claims(nonce, at, at_hash=token_hash(at, "HS256"))
        secret = CLIENT_SECRET.encode()
        return compact(
            {"alg": "HS256"}, claims, lambda data: hmac.new(secret, data, hashlib.sha256).digest()
        )

    async def scenario() -> None:
        client = await new_client(flavor, op, id_token_signed_response_alg="HS256")
        async with opened(client):
            await refused(client, op, _hs256_with_the_public_key(op), ID_TOKEN_SIGNATURE)
            # an RS256 token is now outside the allow-list
            await refused(client, op, signed()(op), ID_TOKEN_ALG)
            token = await login(client, op, with_secret)
            assert token["userinfo"]["sub"] == SUB

    flavor.run(scenario)
    assert op.jwks_fetches == 0  # an HMAC token never needs the provider's keys


def test_unknown_kid_refetches_once_then_respects_the_min_interval(flavor: Flavor, op: OP) -> None:
    async def scenario() -> None:
        async with opened(await new_client(flavor, op)) as client:
            await login(client, op)
            assert op.jwks_fetches == 1

            # a kid the cached set lacks: fetched again once, still unknown, refused
            op.clock.now += 100
            await refused(
                client, op, lambda n, at: op.sign(op.claims(n, at), key=KEY_B), ID_TOKEN_NO_KEY
            )
            assert op.jwks_fetches == 2

            # another unknown kid within the min interval: refused with NO request at all
            op.clock.now += 5
            await refused(
                client, op, lambda n, at: op.sign(op.claims(n, at), key=KEY_C), ID_TOKEN_NO_KEY
            )
            assert op.jwks_fetches == 2

            # the provider rotates to B; still inside the interval: still no request
            op.keys = [KEY_B, KEY_A]
            op.clock.now += 5
            rotated = signed()(op)

            def with_b(nonce: str | None, at: str) -> str:
                return op.sign(op.claims(nonce, at), key=KEY_B)

            await refused(client, op, with_b, ID_TOKEN_NO_KEY)
            assert op.jwks_fetches == 2

            # once the interval has passed, the new key is fetched and accepted
            op.clock.now += client.oauth.jwks_min_interval
            token = await login(client, op, with_b)
            assert token["userinfo"]["sub"] == SUB
            assert op.jwks_fetches == 3
            # and the old key still verifies (both are published)
            await login(client, op, rotated)
            assert op.jwks_fetches == 3

    flavor.run(scenario)


def test_jwks_min_interval_is_a_public_knob(flavor: Flavor, op: OP) -> None:
    async def scenario() -> None:
        async with opened(await new_client(flavor, op)) as client:
            await login(client, op)
            client.oauth.jwks_min_interval = 0  # applies to the cache already built
            op.keys = [KEY_B]
            token = await login(client, op, lambda n, at: op.sign(op.claims(n, at), key=KEY_B))
            assert token["userinfo"]["sub"] == SUB
            assert op.jwks_fetches == 2
            with pytest.raises(ValueError):
                client.oauth.jwks_min_interval = -1

    flavor.run(scenario)


def test_a_replayed_callback_with_another_pending_nonce_is_refused(flavor: Flavor, op: OP) -> None:
    async def scenario() -> None:
        async with opened(await new_client(flavor, op)) as client:
            _url, state = client.create_authorization_url()
            op.answer("at-1", op.sign(op.claims(client.authorization_request.nonce, "at-1")))
            # the callback lands in a session whose pending request has another nonce
            client.authorization_request = {
                **client.authorization_request.to_dict(),
                "nonce": "the-nonce-of-another-login",
            }
            with pytest.raises(IDTokenError) as info:
                await aw(
                    client.fetch_token(
                        authorization_response=f"{REDIRECT}?code=c&state={state}&iss={ISSUER}"
                    )
                )
            assert info.value.reason == ID_TOKEN_NONCE
            assert client.token is None

    flavor.run(scenario)


# -- discovery and issuers --------------------------------------------------------------------


def test_discovery_for_another_issuer_is_refused(flavor: Flavor) -> None:
    op = OP(published_issuer="https://impostor.example")

    async def scenario() -> None:
        with pytest.raises(OAuthError) as info:
            await new_client(flavor, op)
        assert info.value.error == "invalid_discovery_document"
        assert "impostor" in str(info.value)

    flavor.run(scenario)
    assert op.count("/jwks") == 0


def test_issuer_alternatives_need_a_declared_policy(flavor: Flavor) -> None:
    # Google-style: the provider signs some ID tokens with its issuer without the scheme
    op = OP("https://accounts.example")
    bare = signed(iss="accounts.example")(op)

    async def scenario() -> None:
        async with opened(await new_client(flavor, op)) as client:
            await refused(client, op, bare, ID_TOKEN_ISSUER)
            client.oauth.issuer_policy = IssuerPolicy(
                "https://accounts.example", alternatives=("accounts.example",)
            )
            token = await login(client, op, bare)
            assert token["userinfo"]["iss"] == "accounts.example"
            # the policy adds that spelling only
            await refused(client, op, signed(iss="http://accounts.example")(op), ID_TOKEN_ISSUER)

    flavor.run(scenario)


# -- UserInfo ---------------------------------------------------------------------------------


def test_userinfo_plain_json_and_sub_mismatch(flavor: Flavor, op: OP) -> None:
    async def scenario() -> None:
        async with opened(await new_client(flavor, op)) as client:
            await login(client, op)
            op.userinfo = httpx.Response(200, json={"sub": SUB, "name": "Alice"})
            assert await aw(client.userinfo()) == {"sub": SUB, "name": "Alice"}
            op.userinfo = httpx.Response(200, json={"sub": "mallory", "name": "Mallory"})
            with pytest.raises(UserInfoError) as info:
                await aw(client.userinfo())
            assert info.value.reason == USERINFO_SUB

    flavor.run(scenario)
    [request] = [r for r in op.fake.requests if r.url.path == "/userinfo"][:1]
    assert request.headers["authorization"] == "Bearer at-1"


def test_userinfo_signed_jwt(flavor: Flavor, op: OP) -> None:
    def jwt_response(claims: dict[str, Any], key: RSAKey = KEY_A) -> httpx.Response:
        return httpx.Response(
            200, headers={"Content-Type": "application/jwt"}, content=op.sign(claims, key).encode()
        )

    base = {"iss": ISSUER, "aud": CLIENT_ID, "sub": SUB, "email": "alice@example.com"}

    async def scenario() -> None:
        client = await new_client(flavor, op, userinfo_signed_response_alg="RS256")
        async with opened(client):
            await login(client, op)
            op.userinfo = jwt_response(base)
            assert (await aw(client.userinfo()))["email"] == "alice@example.com"
            op.userinfo = jwt_response(base, key=ATTACKER)
            with pytest.raises(UserInfoError) as info:
                await aw(client.userinfo())
            assert info.value.reason == ID_TOKEN_SIGNATURE
            op.userinfo = jwt_response({**base, "sub": "mallory"})
            with pytest.raises(UserInfoError) as info:
                await aw(client.userinfo())
            assert info.value.reason == USERINFO_SUB
            # registered for signed responses: plain JSON is refused
            op.userinfo = httpx.Response(200, json={"sub": SUB})
            with pytest.raises(UserInfoError) as info:
                await aw(client.userinfo())
            assert info.value.reason == USERINFO_MALFORMED

    flavor.run(scenario)


# -- refresh and implicit ---------------------------------------------------------------------


def test_refresh_validates_the_new_id_token_and_keeps_the_subject(flavor: Flavor, op: OP) -> None:
    async def scenario() -> None:
        async with opened(await new_client(flavor, op)) as client:
            first = await login(client, op)
            # no ID token in the refresh response: the claims of the previous one stay
            op.answer("at-2", None, refresh_token="rt-2")
            second = await aw(client.refresh_token())
            assert second["userinfo"] == first["userinfo"]
            assert second["id_token"] == first["id_token"]
            # a new ID token (refreshes carry no nonce): validated, same sub
            op.clock.now += 10
            op.answer("at-3", op.sign(op.claims(None, "at-3")), refresh_token="rt-3")
            third = await aw(client.refresh_token())
            assert third["userinfo"]["iat"] == int(op.clock.now)
            # another subject: refused, the token stays
            op.answer("at-4", op.sign(op.claims(None, "at-4", sub="mallory")))
            with pytest.raises(IDTokenError) as info:
                await aw(client.refresh_token())
            assert info.value.reason == ID_TOKEN_SUBJECT
            assert client.token is third

    flavor.run(scenario)


@pytest.mark.parametrize("renewal", ["explicit", "automatic"])
def test_a_refused_refresh_keeps_the_rotated_refresh_token(
    flavor: Flavor, op: OP, renewal: str
) -> None:
    """The server rotated the refresh token, then its ID token was refused: the old refresh
    token is spent, so the new one is kept (and saved, and handed to update_token), never
    the refused access token."""
    from authwire.stores import MemoryStore

    store = MemoryStore()
    updates: list[tuple[dict[str, Any], Any]] = []

    def update_token(token: Any, refresh_token: Any = None, **kwargs: Any) -> None:
        updates.append((dict(token), refresh_token))

    async def update_async(token: Any, refresh_token: Any = None, **kwargs: Any) -> None:
        update_token(token, refresh_token)

    hook = update_async if flavor.is_async else update_token

    async def scenario() -> None:
        client = await new_client(flavor, op, update_token=hook, token_store=store)
        async with opened(client):
            first = await login(client, op, access_token="at-1")
            first_refresh = first["refresh_token"]
            op.answer(
                "at-evil",
                op.sign(op.claims(None, "at-evil", sub="mallory")),
                refresh_token="rt-rotated-2",
            )
            if renewal == "explicit":
                with pytest.raises(IDTokenError):
                    await aw(client.refresh_token())
            else:
                expired = {**first, "expires_at": int(op.clock.now) - 10}
                client.token = expired
                store.save(client.token_key, expired)  # due in the store as well
                with pytest.raises(IDTokenError):
                    await aw(client.get("https://api.example/data"))
            held = client.token
            assert held is not None
            assert held["refresh_token"] == "rt-rotated-2"
            assert held["access_token"] == "at-1"  # never the refused one
            stored = store.load(client.token_key)
            assert stored is not None
            assert stored.token["refresh_token"] == "rt-rotated-2"
            assert stored.token["access_token"] == "at-1"
            assert updates[-1][0]["refresh_token"] == "rt-rotated-2"
            assert updates[-1][1] == first_refresh
            assert all(u[0]["access_token"] != "at-evil" for u in updates)

    flavor.run(scenario)


def test_implicit_id_token_is_validated_before_it_is_kept(flavor: Flavor, op: OP) -> None:
    async def scenario() -> None:
        client = await new_client(flavor, op, response_type="id_token token")
        async with opened(client):
            for nonce_of, expected in ((lambda n: "another-nonce", ID_TOKEN_NONCE), (None, None)):
                client.token = PREVIOUS
                _url, state = client.create_authorization_url()
                nonce = client.authorization_request.nonce
                id_token = op.sign(op.claims(nonce_of(nonce) if nonce_of else nonce, "at-i"))
                fragment = (
                    f"{REDIRECT}#access_token=at-i&token_type=Bearer&expires_in=60"
                    f"&id_token={id_token}&state={state}&iss={ISSUER}"
                )
                if expected is not None:
                    with pytest.raises(IDTokenError) as info:
                        await aw(client.fetch_token(authorization_response=fragment))
                    assert info.value.reason == expected
                    assert dict(client.token) == PREVIOUS
                else:
                    token = await aw(client.fetch_token(authorization_response=fragment))
                    assert token["userinfo"]["sub"] == SUB
                    assert client.token is token

    flavor.run(scenario)


def test_logout_url_carries_the_id_token_hint(flavor: Flavor, op: OP) -> None:
    async def scenario() -> None:
        async with opened(await new_client(flavor, op)) as client:
            token = await login(client, op)
            url = httpx.URL(
                client.create_logout_url("https://app.test/bye", state="s-1", ui_locales="fr")
            )
            assert str(url).startswith(f"{ISSUER}/logout?")
            assert url.params["id_token_hint"] == token["id_token"]
            assert url.params["client_id"] == CLIENT_ID
            assert url.params["post_logout_redirect_uri"] == "https://app.test/bye"
            assert url.params["state"] == "s-1"
            assert header_of(token["id_token"])["kid"] == KEY_A.kid

    flavor.run(scenario)


def test_an_id_token_with_an_audience_the_client_does_not_trust_is_refused(
    flavor: Flavor, op: OP
) -> None:
    extra = signed(aud=[CLIENT_ID, "https://other.example"], azp=CLIENT_ID)

    async def scenario() -> None:
        async with opened(await new_client(flavor, op)) as client:
            await refused(client, op, extra(op), ID_TOKEN_AUDIENCE)
        trusting = await new_client(flavor, op, trusted_audiences=["https://other.example"])
        async with opened(trusting) as client:
            token = await login(client, op, extra(op))
            assert token["userinfo"]["aud"] == [CLIENT_ID, "https://other.example"]

    flavor.run(scenario)
