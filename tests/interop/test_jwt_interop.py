"""RFC 7523 against the real oidc-provider, on every flavor.

JWT client authentication (``client_secret_jwt``, ``private_key_jwt``) at the token,
introspection and revocation endpoints, and the JWT-bearer grant of a service account
(``AssertionClient`` / ``AsyncAssertionClient``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc import jws

import authwire
from authwire import OAuth2Token
from authwire.rfc7523 import ClientSecretJWT, PrivateKeyJWT
from tests._flavors import Flavor, aw, opened
from tests.interop._oidc import KeyPair, OidcClient, OidcProvider

pytestmark = pytest.mark.interop

KEY_FORMS = ["pem", "jwk"]
# The private_key_jwt clients by the alg they are registered for; Ed25519's key is EdDSA.
PKJWT = {"RS256": "pkjwt_rs256", "PS256": "pkjwt_ps256", "ES256": "pkjwt_es256"}
PKJWT["EdDSA"] = "pkjwt_ed25519"


class Recorder:
    """An httpx request hook that keeps every request, for the sync and async clients."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> None:
        self.requests.append(request)

    async def hook(self, request: httpx.Request) -> None:
        self.requests.append(request)

    def for_flavor(self, flavor: Flavor) -> dict[str, Any]:
        return {"event_hooks": {"request": [flavor.pick(self.__call__, self.hook)]}}

    def forms(self, path: str) -> list[dict[str, str]]:
        """The form bodies sent to ``path``."""
        return [
            dict(httpx.QueryParams(r.content.decode("ascii")))
            for r in self.requests
            if r.url.path == path
        ]


def header_of(assertion: str) -> dict[str, Any]:
    header: dict[str, Any] = jws.extract_compact(assertion.encode("ascii")).protected
    return header


def basic_client(flavor: Flavor, provider: OidcProvider) -> Any:
    """The client_secret_basic client: it introspects tokens that other clients got."""
    return flavor.oauth2_client(
        provider.basic.client_id,
        provider.basic.client_secret,
        introspection_endpoint=provider.introspection_endpoint,
    )


async def introspect(flavor: Flavor, provider: OidcProvider, token: str) -> dict[str, Any]:
    async with opened(basic_client(flavor, provider)) as client:
        response = await aw(client.introspect_token(token=token))
        result: dict[str, Any] = response.json()
        return result


# -- the seed's usages -----------------------------------------------------------------------


def test_public_names() -> None:
    assert authwire.ClientSecretJWT is ClientSecretJWT
    assert authwire.PrivateKeyJWT is PrivateKeyJWT


def test_seed_client_secret_jwt(flavor: Flavor, oidc_provider: OidcProvider) -> None:
    registered = oidc_provider.secret_jwt

    async def scenario() -> OAuth2Token:
        client = flavor.oauth2_client(
            registered.client_id,
            registered.client_secret,
            token_endpoint_auth_method="client_secret_jwt",
        )
        token_endpoint = oidc_provider.token_endpoint
        client.register_client_auth_method(ClientSecretJWT(token_endpoint))
        # Exactly the seed's call: only the URL. The grant is guessed as client_credentials,
        # and oidc-provider issues that grant without a scope, so none is passed.
        token: OAuth2Token = await aw(client.fetch_token(token_endpoint))
        await aw(client.close())
        # the provider only takes client_secret_jwt from this client: the token proves it
        introspection = await introspect(flavor, oidc_provider, token["access_token"])
        assert introspection["active"] is True
        assert introspection["client_id"] == registered.client_id
        return token

    token = flavor.run(scenario)
    assert token["token_type"] == "Bearer"


def test_client_secret_jwt_sends_an_hs256_assertion_and_no_secret(
    flavor: Flavor, oidc_provider: OidcProvider
) -> None:
    registered = oidc_provider.secret_jwt
    recorder = Recorder()

    async def scenario() -> None:
        async with opened(
            flavor.oauth2_client(
                registered.client_id,
                registered.client_secret,
                token_endpoint_auth_method="client_secret_jwt",
                token_endpoint=oidc_provider.token_endpoint,
                **recorder.for_flavor(flavor),
            )
        ) as client:
            client.register_client_auth_method(ClientSecretJWT(oidc_provider.token_endpoint))
            token = await aw(client.fetch_token(scope="api:read api:write"))
            assert token["scope"] == "api:read api:write"

    flavor.run(scenario)
    [form] = recorder.forms("/token")
    assert form["grant_type"] == "client_credentials"
    assert form["client_id"] == registered.client_id
    assert header_of(form["client_assertion"]) == {"alg": "HS256"}
    assert "client_secret" not in form
    assert registered.client_secret not in str(recorder.requests[0].url)


def test_seed_private_key_jwt(flavor: Flavor, oidc_provider: OidcProvider) -> None:
    registered = oidc_provider.pkjwt_rs256
    assert registered.private_key_pem is not None
    private_key = registered.private_key_pem  # bytes, as read from the .pem file

    async def scenario() -> OAuth2Token:
        client = flavor.oauth2_client(
            registered.client_id,
            private_key,
            token_endpoint_auth_method="private_key_jwt",
        )
        token_endpoint = oidc_provider.token_endpoint
        client.register_client_auth_method(PrivateKeyJWT(token_endpoint))
        # the seed passes only the URL: client_credentials, no scope needed
        token: OAuth2Token = await aw(client.fetch_token(token_endpoint))
        await aw(client.close())
        return token

    token = flavor.run(scenario)
    assert token["access_token"]
    assert token.expires_at is not None


# -- private_key_jwt, every key type, PEM and JWK --------------------------------------------


def key_input(registered: OidcClient, form: str) -> bytes | dict[str, Any]:
    key = registered.key
    assert key is not None
    return key.private_key_pem if form == "pem" else key.private_jwk


@pytest.mark.parametrize("form", KEY_FORMS)
@pytest.mark.parametrize("alg", list(PKJWT))
def test_private_key_jwt_key_types(
    flavor: Flavor, oidc_provider: OidcProvider, alg: str, form: str
) -> None:
    registered: OidcClient = getattr(oidc_provider, PKJWT[alg])
    recorder = Recorder()

    async def scenario() -> None:
        async with opened(
            flavor.oauth2_client(
                registered.client_id,
                key_input(registered, form),
                token_endpoint_auth_method="private_key_jwt",
                token_endpoint=oidc_provider.token_endpoint,
                **recorder.for_flavor(flavor),
            )
        ) as client:
            # RSA keys infer RS256: a PS256 client names its alg
            method = PrivateKeyJWT(
                oidc_provider.token_endpoint, alg="PS256" if alg == "PS256" else None
            )
            client.register_client_auth_method(method)
            token = await aw(client.fetch_token(grant_type="client_credentials", scope="api:read"))
            assert token["scope"] == "api:read"

    flavor.run(scenario)
    [form_sent] = recorder.forms("/token")
    header = header_of(form_sent["client_assertion"])
    # a JWK names its kid; a PEM has none, and the client's one-key JWKS needs none
    assert header.get("kid") == (registered.kid if form == "jwk" else None)
    # A PEM Ed25519 key infers EdDSA; the JWK carries its own alg member, Ed25519 (RFC 9864).
    expected = "Ed25519" if alg == "EdDSA" and form == "jwk" else alg
    assert header["alg"] == expected


# -- jti: fresh each time; the provider rejects a replay --------------------------------------


def test_jti_never_repeats_and_a_replay_is_refused(
    flavor: Flavor, oidc_provider: OidcProvider
) -> None:
    registered = oidc_provider.pkjwt_es256
    recorder = Recorder()

    async def scenario() -> None:
        async with opened(
            flavor.oauth2_client(
                registered.client_id,
                registered.private_key_pem,
                token_endpoint_auth_method="private_key_jwt",
                token_endpoint=oidc_provider.token_endpoint,
                **recorder.for_flavor(flavor),
            )
        ) as client:
            client.register_client_auth_method(PrivateKeyJWT(oidc_provider.token_endpoint))
            first = await aw(client.fetch_token(grant_type="client_credentials"))
            second = await aw(client.fetch_token(grant_type="client_credentials"))
            assert first["access_token"] != second["access_token"]

    flavor.run(scenario)
    forms = recorder.forms("/token")
    assert len(forms) == 2
    assert forms[0]["client_assertion"] != forms[1]["client_assertion"]
    # the same request body again, by hand: the provider has seen that jti
    with httpx.Client(trust_env=False, timeout=10.0) as plain:
        replay = plain.post(oidc_provider.token_endpoint, data=forms[0])
    assert replay.status_code == 401
    assert replay.json()["error"] == "invalid_client"


# -- introspection and revocation authenticated with private_key_jwt --------------------------


@pytest.mark.parametrize("alg", ["RS256", "EdDSA"])
def test_introspection_and_revocation_with_private_key_jwt(
    flavor: Flavor, oidc_provider: OidcProvider, alg: str
) -> None:
    registered: OidcClient = getattr(oidc_provider, PKJWT[alg])
    recorder = Recorder()

    async def scenario() -> None:
        async with opened(
            flavor.oauth2_client(
                registered.client_id,
                registered.private_jwk,
                token_endpoint_auth_method="private_key_jwt",
                token_endpoint=oidc_provider.token_endpoint,
                introspection_endpoint=oidc_provider.introspection_endpoint,
                revocation_endpoint=oidc_provider.revocation_endpoint,
                **recorder.for_flavor(flavor),
            )
        ) as client:
            client.register_client_auth_method(PrivateKeyJWT(oidc_provider.token_endpoint))
            await aw(client.fetch_token(grant_type="client_credentials", scope="api:write"))
            introspection = (await aw(client.introspect_token())).json()
            assert introspection["active"] is True
            assert introspection["client_id"] == registered.client_id
            assert introspection["scope"] == "api:write"
            await aw(client.revoke_token())  # the access token: there is no refresh token
            assert (await aw(client.introspect_token())).json()["active"] is False

    flavor.run(scenario)
    introspect_path = httpx.URL(oidc_provider.introspection_endpoint).path
    revoke_path = httpx.URL(oidc_provider.revocation_endpoint).path
    for path in (introspect_path, revoke_path):
        for form in recorder.forms(path):
            assert form["client_assertion_type"].endswith(":jwt-bearer")
            assert "client_secret" not in form


# -- the service account: the JWT-bearer grant ------------------------------------------------


def service_account_key(provider: OidcProvider, alg: str) -> KeyPair:
    return provider.service_account.keys[alg]


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_service_account_gets_a_token_on_first_request(
    flavor: Flavor, oidc_provider: OidcProvider, alg: str
) -> None:
    key = service_account_key(oidc_provider, alg)
    token_endpoint = oidc_provider.token_endpoint
    recorder = Recorder()

    async def scenario() -> str:
        async with opened(
            flavor.assertion_client(
                token_endpoint=token_endpoint,
                issuer=oidc_provider.service_account.issuer,
                audience=token_endpoint,
                claims={"scope": "api:read"},
                subject=None,
                key=key.private_key_pem,
                header={"alg": alg, "kid": key.kid},
                **recorder.for_flavor(flavor),
            )
        ) as client:
            assert client.token is None
            response = await aw(client.get(oidc_provider.discovery_url))
            assert response.status_code == 200
            access_token = client.token["access_token"]
            assert response.request.headers["authorization"] == f"Bearer {access_token}"
            # a second request reuses the token
            await aw(client.get(oidc_provider.jwks_uri))
            assert client.token["access_token"] == access_token
            # the provider vouches for it, asked by another client
            introspection = await introspect(flavor, oidc_provider, access_token)
            assert introspection["active"] is True
            assert introspection["scope"] == "api:read"
            assert introspection["sub"] == oidc_provider.service_account.issuer
            return str(access_token)

    flavor.run(scenario)
    [form] = recorder.forms(httpx.URL(token_endpoint).path)
    assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert header_of(form["assertion"]) == {"alg": alg, "kid": key.kid, "typ": "JWT"}


def test_service_account_jwk_and_subject(flavor: Flavor, oidc_provider: OidcProvider) -> None:
    """A JWK key with its alg inferred, ``scope=`` as a parameter, and a ``sub``."""
    key = service_account_key(oidc_provider, "ES256")

    async def scenario() -> None:
        async with opened(
            flavor.assertion_client(
                token_endpoint=oidc_provider.token_endpoint,
                issuer=oidc_provider.service_account.issuer,
                subject="alice",
                scope="api:write",
                key=key.private_jwk,
            )
        ) as client:
            await aw(client.get(oidc_provider.discovery_url))
            introspection = await introspect(flavor, oidc_provider, client.token["access_token"])
            assert introspection["active"] is True
            assert introspection["scope"] == "api:write"
            assert introspection["sub"] == "alice"

    flavor.run(scenario)


def test_seed_service_account_shape(
    flavor: Flavor, oidc_provider: OidcProvider, tmp_path: Path
) -> None:
    """The seed's Google example line by line, from a JSON key file, on the (async) client."""
    key = service_account_key(oidc_provider, "RS256")
    key_file = tmp_path / "MyProject-1234.json"
    key_file.write_text(
        json.dumps(
            {
                "type": "service_account",
                "private_key_id": key.kid,
                "private_key": key.private_key_pem.decode("ascii"),
                "client_email": oidc_provider.service_account.issuer,
                "token_uri": oidc_provider.token_endpoint,
            }
        ),
        encoding="utf-8",
    )
    scope = "api:read api:write"
    recorder = Recorder()

    async def scenario() -> None:
        with key_file.open(encoding="utf-8") as f:
            conf = json.load(f)

        token_uri = conf["token_uri"]
        header = {"alg": "RS256"}
        key_id = conf.get("private_key_id")
        if key_id:
            header["kid"] = key_id

        claims = {"scope": scope}

        client = flavor.assertion_client(
            token_endpoint=token_uri,
            issuer=conf["client_email"],
            audience=token_uri,
            claims=claims,
            subject=None,
            key=conf["private_key"],
            header=header,
            **recorder.for_flavor(flavor),
        )
        resp = await aw(client.get(oidc_provider.discovery_url))
        assert resp.status_code == 200
        resp = await aw(client.post(oidc_provider.discovery_url))
        assert resp.request.headers["authorization"] == f"Bearer {client.token['access_token']}"
        introspection = await introspect(flavor, oidc_provider, client.token["access_token"])
        assert introspection["active"] is True
        assert introspection["scope"] == scope
        await aw(client.close())

    flavor.run(scenario)
    assert [r.method for r in recorder.requests] == ["POST", "GET", "POST"]
