"""The emulator kit (``authwire.testing``): every flow it plays, on the sync and async clients.

The emulator is itself test machinery, so each test drives it with a real authwire client
and checks both sides: what the client ends up with, and what the emulator saw and refused.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import httpx
import pytest

from authwire import MismatchingStateError, OAuth2Client, OAuthError
from authwire.plugins import Provider
from authwire.testing import (
    CLIENT_CREDENTIALS,
    DEVICE_CODE,
    Emulator,
    FakeClock,
    Flavor,
    Grant,
    Refusal,
    SigningKey,
    TokenCall,
    aw,
    decode_jwt,
    each_flavor,
    form_response,
    json_response,
    oauth_error,
    opened,
    token_hash,
)

ISSUER = "https://id.acme.test"
REDIRECT = "https://app.test/callback"
# the shape of a provider's published document: real spellings, endpoints on two hosts
DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/oauth2/authorize",
    "token_endpoint": f"{ISSUER}/oauth2/token",
    "userinfo_endpoint": "https://api.acme.test/v1/userinfo",
    "jwks_uri": f"{ISSUER}/oauth2/keys",
    "revocation_endpoint": f"{ISSUER}/oauth2/revoke",
    "introspection_endpoint": f"{ISSUER}/oauth2/introspect",
    "device_authorization_endpoint": f"{ISSUER}/oauth2/device",
    "response_types_supported": ["code"],
    "id_token_signing_alg_values_supported": ["RS256"],
}
ACME = Provider(
    name="acme-test",
    title="Acme",
    issuer=ISSUER,
    authorization_endpoint=DISCOVERY["authorization_endpoint"],
    token_endpoint=DISCOVERY["token_endpoint"],
    userinfo_endpoint=DISCOVERY["userinfo_endpoint"],
    jwks_uri=DISCOVERY["jwks_uri"],
    revocation_endpoint=DISCOVERY["revocation_endpoint"],
    device_authorization_endpoint=DISCOVERY["device_authorization_endpoint"],
    introspection_endpoint=DISCOVERY["introspection_endpoint"],
    scope=("openid", "email"),
    token_endpoint_auth_method="client_secret_basic",
)


def emulator(**kwargs: Any) -> Emulator:
    emu = Emulator(issuer=ISSUER, discovery=DISCOVERY, userinfo={"email": "a@acme.test"}, **kwargs)
    emu.add_client("app", "s3cret-value", redirect_uris=[REDIRECT])
    emu.add_client("public-app", redirect_uris=[REDIRECT])
    return emu


def client_for(flavor: Flavor, emu: Emulator, **kwargs: Any) -> Any:
    kwargs.setdefault("client_id", "app")
    kwargs.setdefault("client_secret", "s3cret-value")
    return flavor.oauth2_client.from_provider(
        ACME, redirect_uri=REDIRECT, transport=emu.transport(), **kwargs
    )


# -- authorization code, PKCE, ID token, UserInfo ----------------------------------------------


@each_flavor
def test_sign_in_with_pkce_and_an_id_token(flavor: Flavor) -> None:
    emu = emulator()

    async def scenario() -> None:
        async with opened(client_for(flavor, emu)) as client:
            url, _ = client.create_authorization_url()
            approval = emu.approve(url)
            token = await aw(client.fetch_token(authorization_response=approval.url))
            assert await aw(client.userinfo()) == {"sub": "user-1", "email": "a@acme.test"}
        [call] = emu.calls("authorization_code")
        assert call.auth_method == "client_secret_basic"
        assert call.pkce == "S256"
        assert call.outcome == "issued"
        claims = decode_jwt(token["id_token"]).claims
        assert claims["iss"] == ISSUER
        assert claims["aud"] == "app"
        assert claims["at_hash"] == token_hash(token["access_token"])
        assert emu.is_active(token["access_token"])

    flavor.run(scenario)


def test_a_wrong_pkce_verifier_is_refused() -> None:
    emu = emulator()
    with client_for(Flavor("sync"), emu) as client:
        url, state = client.create_authorization_url(code_verifier="a" * 50)
        approval = emu.approve(url)
        with pytest.raises(OAuthError) as caught:
            client.fetch_token(
                authorization_response=approval.url, state=state, code_verifier="b" * 50
            )
    assert caught.value.error == "invalid_grant"
    assert emu.calls()[-1].outcome == "invalid_grant"


def test_the_challenge_is_checked_independently_of_the_client() -> None:
    # S256 by hand (RFC 7636 appendix B's verifier and challenge)
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    assert challenge.rstrip(b"=").decode() == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    emu = emulator()
    approval = emu.approve(
        f"{ISSUER}/oauth2/authorize?response_type=code&client_id=app&redirect_uri={REDIRECT}"
        f"&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
    )
    with client_for(Flavor("sync"), emu) as client:
        token = client.fetch_token(code=approval.code, code_verifier=verifier)
    assert token["token_type"] == "Bearer"


def test_a_code_is_used_once() -> None:
    emu = emulator()
    with client_for(Flavor("sync"), emu, code_challenge_method=None) as client:
        url, _ = client.create_authorization_url()
        approval = emu.approve(url)
        client.fetch_token(code=approval.code)
        with pytest.raises(OAuthError, match="invalid_grant"):
            client.fetch_token(code=approval.code)


def test_approve_checks_what_a_provider_checks() -> None:
    emu = emulator(require_pkce=True)
    base = f"{ISSUER}/oauth2/authorize?response_type=code"
    with pytest.raises(AssertionError, match="PKCE"):
        emu.approve(f"{base}&client_id=app&redirect_uri={REDIRECT}")
    with pytest.raises(AssertionError, match="redirect_uri"):
        emu.approve(f"{base}&client_id=app&redirect_uri=https://evil.test/&code_challenge=x")
    with pytest.raises(AssertionError, match="unknown client_id"):
        emu.approve(f"{base}&client_id=nobody&redirect_uri={REDIRECT}&code_challenge=x")


def test_deny_sends_the_error_back() -> None:
    emu = emulator()
    with client_for(Flavor("sync"), emu) as client:
        url, _ = client.create_authorization_url()
        denial = emu.deny(url)
        assert denial.code is None
        assert denial.params["error"] == "access_denied"
        with pytest.raises(OAuthError, match="access_denied"):
            client.fetch_token(authorization_response=denial.url)


def test_a_forged_state_never_reaches_the_emulator() -> None:
    emu = emulator()
    with client_for(Flavor("sync"), emu) as client:
        url, _ = client.create_authorization_url()
        approval = emu.approve(url)
        with pytest.raises(MismatchingStateError):
            client.fetch_token(authorization_response=approval.url.replace("state=", "state=x"))
    assert emu.calls() == []


def test_issuer_in_the_authorization_response() -> None:
    emu = emulator(issuer_in_response=True)
    url = f"{ISSUER}/oauth2/authorize?response_type=code&client_id=app&redirect_uri={REDIRECT}"
    assert emu.approve(url).params["iss"] == ISSUER


# -- client authentication ---------------------------------------------------------------------


def test_client_authentication_methods_are_recorded_and_checked() -> None:
    emu = emulator()
    with client_for(Flavor("sync"), emu, token_endpoint_auth_method="client_secret_post") as c:
        c.fetch_token(grant_type="client_credentials")
    assert emu.calls()[-1].auth_method == "client_secret_post"
    with (
        client_for(Flavor("sync"), emu, client_secret="wrong") as client,
        pytest.raises(OAuthError) as caught,
    ):
        client.fetch_token(grant_type="client_credentials")
    assert caught.value.error == "invalid_client"
    with (
        client_for(Flavor("sync"), emu, client_id="public-app", client_secret=None) as client,
        pytest.raises(OAuthError, match="unauthorized_client"),
    ):
        client.fetch_token(grant_type="client_credentials")
    assert [c.auth_method for c in emu.calls()] == [
        "client_secret_post",
        "client_secret_basic",
        "none",
    ]


def test_private_key_jwt_is_verified_with_the_registered_key() -> None:
    from authwire import PrivateKeyJWT

    key = SigningKey.shared("ES256")
    emu = emulator()
    emu.add_client("robot", jwt_key=key)
    token_url = DISCOVERY["token_endpoint"]

    def robot(pem: bytes) -> OAuth2Client:
        client = OAuth2Client(
            "robot",
            pem.decode(),
            token_endpoint=token_url,
            token_endpoint_auth_method="private_key_jwt",
            transport=emu.transport(),
        )
        client.register_client_auth_method(PrivateKeyJWT(token_url, alg="ES256"))
        return client

    with robot(key.private_pem) as client:
        client.fetch_token(grant_type="client_credentials")
    call = emu.calls()[-1]
    assert call.auth_method == "private_key_jwt"
    assert call.client_assertion is not None
    assert call.client_assertion.header["alg"] == "ES256"
    with (
        robot(SigningKey.generate("ES256").private_pem) as client,
        pytest.raises(OAuthError, match="invalid_client"),
    ):
        client.fetch_token(grant_type="client_credentials")


# -- refresh rotation --------------------------------------------------------------------------


@each_flavor
def test_refresh_rotates_and_a_used_refresh_token_is_refused(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = emulator(clock=clock, access_token_lifetime=600)

    async def scenario() -> None:
        async with opened(client_for(flavor, emu)) as client:
            client.oauth.clock = clock
            url, _ = client.create_authorization_url()
            first = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            clock.advance(601)
            response = await aw(client.get("https://api.acme.test/v1/userinfo"))
            assert response.status_code == 200  # refreshed on the way
            second = client.token
            assert second["refresh_token"] != first["refresh_token"]
            assert not emu.is_active(first["refresh_token"])
            with pytest.raises(OAuthError, match="invalid_grant"):
                await aw(client.refresh_token(refresh_token=first["refresh_token"]))
        assert [c.outcome for c in emu.calls("refresh_token")] == ["issued", "invalid_grant"]

    flavor.run(scenario)


def test_without_rotation_the_refresh_token_stays() -> None:
    emu = emulator(rotate_refresh_tokens=False)
    with client_for(Flavor("sync"), emu) as client:
        url, _ = client.create_authorization_url()
        first = client.fetch_token(authorization_response=emu.approve(url).url)
        client.refresh_token()
        client.refresh_token()
    assert client.token["refresh_token"] == first["refresh_token"]


def test_an_expired_access_token_is_refused_at_userinfo() -> None:
    clock = FakeClock()
    emu = emulator(clock=clock)
    token = emu.issue_token("app", lifetime=60)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(transport=emu.transport()) as http:
        assert http.get(DISCOVERY["userinfo_endpoint"], headers=headers).status_code == 200
        clock.advance(61)
        refused = http.get(DISCOVERY["userinfo_endpoint"], headers=headers)
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == 'Bearer error="invalid_token"'


# -- device flow, revocation, introspection ----------------------------------------------------


@each_flavor
def test_device_flow_pending_slow_down_then_approved(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = emulator(clock=clock)
    emu.script("POST", DISCOVERY["token_endpoint"], oauth_error("authorization_pending"))

    async def scenario() -> None:
        client = client_for(flavor, emu, client_id="public-app", client_secret=None)
        async with opened(client):
            client.oauth.clock = clock
            authorization = await aw(client.request_device_authorization(scope="openid"))
            emu.approve_device(authorization.user_code)
            token = await aw(client.poll_device_token(authorization))
        assert token["access_token"]
        outcomes = [c.outcome for c in emu.calls(DEVICE_CODE)]
        assert outcomes[-1] == "issued"

    flavor.run(scenario)


def test_device_polling_too_fast_is_slowed_down() -> None:
    clock = FakeClock()
    emu = emulator(clock=clock)
    with httpx.Client(transport=emu.transport()) as http:
        answer = http.post(
            DISCOVERY["device_authorization_endpoint"], data={"client_id": "public-app"}
        )
        device_code = answer.json()["device_code"]
        poll = {"grant_type": DEVICE_CODE, "device_code": device_code, "client_id": "public-app"}
        errors = [
            http.post(DISCOVERY["token_endpoint"], data=poll).json()["error"] for _ in range(2)
        ]
        clock.advance(10)
        errors.append(http.post(DISCOVERY["token_endpoint"], data=poll).json()["error"])
        emu.deny_device()
        clock.advance(10)
        errors.append(http.post(DISCOVERY["token_endpoint"], data=poll).json()["error"])
    assert errors == [
        "authorization_pending",
        "slow_down",
        "authorization_pending",
        "access_denied",
    ]


def test_revocation_and_introspection() -> None:
    emu = emulator()
    with client_for(Flavor("sync"), emu) as client:
        token = client.fetch_token(grant_type="client_credentials", scope="read")
        assert client.introspect_token(token=token["access_token"]).json()["active"] is True
        assert client.revoke_token(token=token["access_token"]).status_code == 200
        assert client.introspect_token(token=token["access_token"]).json() == {"active": False}
    assert not emu.is_active(token["access_token"])


# -- discovery, scripted answers, own grants and shapes ----------------------------------------


@each_flavor
def test_from_issuer_reads_the_documented_discovery_document(flavor: Flavor) -> None:
    emu = emulator()

    async def scenario() -> None:
        made = flavor.oauth2_client.from_issuer(
            ISSUER, "app", "s3cret-value", transport=emu.transport()
        )
        client = await aw(made)
        async with opened(client):
            assert client.oauth.metadata["token_endpoint"] == DISCOVERY["token_endpoint"]
            token = await aw(client.fetch_token(grant_type=CLIENT_CREDENTIALS))
        assert token["token_type"] == "Bearer"

    flavor.run(scenario)


def test_scripted_answers_come_first_then_the_route() -> None:
    emu = emulator()
    token_url = DISCOVERY["token_endpoint"]
    emu.script(
        "POST",
        token_url,
        oauth_error("temporarily_unavailable", status=503),
        form_response({"error": "bad_verification_code"}),
    )
    assert emu.scripted("POST", token_url) == 2
    with httpx.Client(transport=emu.transport()) as http:
        statuses = [
            http.post(
                token_url, data={"grant_type": "client_credentials"}, auth=("app", "s3cret-value")
            )
            for _ in range(3)
        ]
    assert [r.status_code for r in statuses] == [503, 200, 200]
    assert statuses[1].text == "error=bad_verification_code"
    assert "access_token" in statuses[2].json()
    assert len(emu.sent(token_url, "POST")) == 3


def test_a_provider_shape_by_subclassing() -> None:
    class Quirky(Emulator):
        """Answers errors with HTTP 200 and adds created_at, like some providers do."""

        def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
            fields = super().token_fields(grant, call)
            fields["created_at"] = 1_700_000_000
            del fields["expires_in"]
            return fields

        def error_reply(self, refusal: Refusal, request: httpx.Request) -> httpx.Response:
            return json_response({"error": refusal.error}, 200)

    emu = Quirky(issuer=ISSUER, discovery=DISCOVERY)
    emu.grants["password"] = lambda call: Grant(
        call.client_id or "", subject=call.params["username"]
    )
    with httpx.Client(transport=emu.transport()) as http:
        ok = http.post(
            DISCOVERY["token_endpoint"],
            data={"grant_type": "password", "username": "bo", "client_id": "x"},
        )
        bad = http.post(DISCOVERY["token_endpoint"], data={"grant_type": "nope"})
    assert ok.json()["created_at"] == 1_700_000_000
    assert "expires_in" not in ok.json()
    assert bad.status_code == 200
    assert bad.json() == {"error": "unsupported_grant_type"}


def test_an_api_route_checks_the_bearer_token() -> None:
    emu = emulator()

    @emu.route("GET", "https://api.acme.test/v2/me")
    def me(request: httpx.Request) -> httpx.Response:
        grant = emu.bearer_grant(request)
        return json_response({"id": grant.subject})

    token = emu.issue_token("app", subject="bob")
    with httpx.Client(transport=emu.transport()) as http:
        assert http.get(
            "https://api.acme.test/v2/me", headers={"Authorization": f"Bearer {token}"}
        ).json() == {"id": "bob"}
        assert http.get("https://api.acme.test/v2/me").status_code == 401
        assert http.get("https://api.acme.test/nowhere").status_code == 404
    [seen] = emu.sent("https://api.acme.test/v2/me")[:1]
    assert seen.bearer == token


def test_recorded_request_decoders() -> None:
    emu = emulator()
    with httpx.Client(transport=emu.transport()) as http:
        http.post(
            "https://api.acme.test/echo?x=1",
            json={"a": 1},
            auth=("id:with colon", "p&ss"),
        )
    [seen] = emu.requests
    assert seen.query == {"x": "1"}
    assert seen.json == {"a": 1}
    assert seen.data == {"a": 1}
    # httpx does not form-encode Basic credentials, so the colon splits the id
    assert seen.basic_auth == ("id", "with colon:p&ss")


# -- loopback ----------------------------------------------------------------------------------


@each_flavor
def test_served_on_loopback_sockets(flavor: Flavor) -> None:
    emu = emulator()

    async def scenario() -> None:
        with emu.serve() as served:
            local = served.rebase(ACME)
            assert local.token_endpoint is not None
            assert local.token_endpoint.startswith("http://127.0.0.1:")
            assert emu.metadata()["issuer"] == served.url(ISSUER)
            client = flavor.oauth2_client.from_provider(
                local, client_id="app", client_secret="s3cret-value", redirect_uri=REDIRECT
            )
            async with opened(client):
                url, _ = client.create_authorization_url()
                approval = emu.approve(url)
                token = await aw(client.fetch_token(authorization_response=approval.url))
                assert decode_jwt(token["id_token"]).claims["iss"] == local.issuer
                assert (await aw(client.userinfo()))["sub"] == "user-1"
        assert emu.metadata()["issuer"] == ISSUER  # back to the documented spelling

    flavor.run(scenario)
