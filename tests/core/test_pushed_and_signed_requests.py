"""RFC 9126 pushed and RFC 9101 signed authorization requests, over MockTransport.

Request objects are decoded and verified with joserfc against the public key, so the
signature, the header and every claim are checked the way an authorization server would.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc import jwt
from joserfc.jwk import ECKey, OctKey, RSAKey

from authwire import OAuthError, ResponseError
from authwire.protocol import rfc7636
from authwire.protocol.rfc9101 import REQUEST_OBJECT_TYP, RequestObjectSigner
from authwire.testing import FakeClock, RecordedRequest

from .conftest import Flavor, aw, opened

ISSUER = "https://as.test"
AUTHORIZE = f"{ISSUER}/authorize"
PAR_ENDPOINT = f"{ISSUER}/par"
TOKEN_ENDPOINT = f"{ISSUER}/token"
REDIRECT = "https://app.test/callback"
CLIENT_ID = "par-client"
CLIENT_SECRET = "par-client-secret-0123456789abcdef"
REQUEST_URI = "urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c"
RESOURCES = ["https://api.test/one", "https://api.test/two"]

_EC = ec.generate_private_key(ec.SECP256R1())
_RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key: Any) -> str:
    return key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()).decode()


def _public(key: Any) -> bytes:
    return key.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo)


EC_PEM = _pem(_EC)
RSA_PEM = _pem(_RSA)
EC_PUBLIC = ECKey.import_key(_public(_EC))
RSA_PUBLIC = RSAKey.import_key(_public(_RSA))
EC_PUBLIC_PEM = _public(_EC).decode()

# (constructor kwargs, verification key, alg)
SIGNING = {
    "ES256": ({"request_object_key": EC_PEM}, EC_PUBLIC, "ES256"),
    "RS256": ({"request_object_key": RSA_PEM}, RSA_PUBLIC, "RS256"),
    "HS256": ({"request_object_signing_alg": "HS256"}, OctKey.import_key(CLIENT_SECRET), "HS256"),
}


class Server:
    """Answers each path with its scripted responses in order; an unscripted request fails."""

    def __init__(self) -> None:
        self.responses: dict[str, list[httpx.Response]] = {}
        self.requests: list[RecordedRequest] = []

    def script(self, path: str, *responses: httpx.Response) -> None:
        self.responses.setdefault(path, []).extend(responses)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(
            RecordedRequest(request.method, request.url, request.headers.copy(), request.read())
        )
        queue = self.responses.get(request.url.path)
        if not queue:
            raise AssertionError(f"unscripted request to {request.url.path}")
        return queue.pop(0)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


def par_created(request_uri: str = REQUEST_URI, expires_in: Any = 60) -> httpx.Response:
    body = {"request_uri": request_uri, "expires_in": expires_in}
    return httpx.Response(201, json={k: v for k, v in body.items() if v is not None})


def make_client(flavor: Flavor, server: Server, **kwargs: Any) -> Any:
    kwargs.setdefault("issuer", ISSUER)
    kwargs.setdefault("authorization_endpoint", AUTHORIZE)
    kwargs.setdefault("pushed_authorization_request_endpoint", PAR_ENDPOINT)
    kwargs.setdefault("token_endpoint", TOKEN_ENDPOINT)
    kwargs.setdefault("redirect_uri", REDIRECT)
    client_id = kwargs.pop("client_id", CLIENT_ID)
    client_secret = kwargs.pop("client_secret", CLIENT_SECRET)
    return flavor.oauth2_client(client_id, client_secret, transport=server.transport(), **kwargs)


def pairs(text: str) -> list[tuple[str, str]]:
    return parse_qsl(text, keep_blank_values=True)


def query_of(url: str) -> list[tuple[str, str]]:
    return pairs(urlsplit(url).query)


def base(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def basic_pair(header: str) -> tuple[str, str]:
    scheme, _, value = header.partition(" ")
    assert scheme == "Basic"
    client_id, _, secret = base64.b64decode(value).decode("ascii").partition(":")
    return client_id, secret


def callback(**params: str) -> str:
    return str(httpx.URL(REDIRECT).copy_merge_params(params))


def token_response(**fields: Any) -> httpx.Response:
    fields.setdefault("token_type", "Bearer")
    return httpx.Response(200, json=fields)


# -- PAR (RFC 9126) -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post", "none"])
def test_push_posts_every_parameter_and_the_code_flow_completes(
    flavor: Flavor, method: str
) -> None:
    server = Server()
    server.script("/par", par_created())
    server.script("/token", token_response(access_token="par-access-token", expires_in=3600))
    secret = None if method == "none" else CLIENT_SECRET

    async def scenario() -> tuple[str, str, Any]:
        async with opened(
            make_client(
                flavor,
                server,
                client_secret=secret,
                token_endpoint_auth_method=method,
                scope="openid profile",
            )
        ) as client:
            url, state = await aw(
                client.push_authorization_request(resource=RESOURCES, prompt="consent")
            )
            pending = client.authorization_request
            assert pending is not None
            assert pending.state == state
            assert pending.redirect_uri == REDIRECT
            token = await aw(
                client.fetch_token(authorization_response=callback(code="code-1", state=state))
            )
            assert client.token is token
            assert client.authorization_request is None
            return url, state, pending

    url, state, pending = flavor.run(scenario)
    assert base(url) == AUTHORIZE
    assert query_of(url) == [("client_id", CLIENT_ID), ("request_uri", REQUEST_URI)]
    pushed, token_request = server.requests
    assert str(pushed.url) == PAR_ENDPOINT
    assert pushed.method == "POST"
    assert pushed.headers["accept"] == "application/json"
    assert pushed.headers["content-type"] == "application/x-www-form-urlencoded"
    sent = pairs(pushed.content.decode())
    form = dict(sent)
    assert form["response_type"] == "code"
    assert form["client_id"] == CLIENT_ID
    assert form["redirect_uri"] == REDIRECT
    assert form["scope"] == "openid profile"
    assert form["state"] == state
    assert form["nonce"] == pending.nonce
    assert form["prompt"] == "consent"
    assert form["code_challenge_method"] == "S256"
    assert form["code_challenge"] == rfc7636.create_code_challenge(pending.code_verifier, "S256")
    assert [v for k, v in sent if k == "resource"] == RESOURCES
    if method == "client_secret_basic":
        assert basic_pair(pushed.headers["authorization"]) == (CLIENT_ID, CLIENT_SECRET)
        assert "client_secret" not in form
    elif method == "client_secret_post":
        assert form["client_secret"] == CLIENT_SECRET
        assert "authorization" not in pushed.headers
    else:
        assert "client_secret" not in form
        assert "authorization" not in pushed.headers
    assert token_request.form["grant_type"] == "authorization_code"
    assert token_request.form["code"] == "code-1"
    assert token_request.form["code_verifier"] == pending.code_verifier
    assert token_request.form["redirect_uri"] == REDIRECT


def test_push_with_explicit_state_verifier_url_and_headers(flavor: Flavor) -> None:
    server = Server()
    server.script("/other-par", par_created())
    verifier = "v" * 50

    async def scenario() -> tuple[str, str]:
        async with opened(make_client(flavor, server)) as client:
            return await aw(
                client.push_authorization_request(
                    f"{ISSUER}/other-par",
                    "my-state",
                    verifier,
                    headers={"X-Trace": "t1"},
                )
            )

    url, state = flavor.run(scenario)
    assert state == "my-state"
    assert base(url) == AUTHORIZE
    [pushed] = server.requests
    assert pushed.headers["x-trace"] == "t1"
    assert pushed.form["state"] == "my-state"
    assert pushed.form["code_challenge"] == rfc7636.create_code_challenge(verifier, "S256")


@pytest.mark.parametrize(
    ("status", "content", "error"),
    [
        (400, {"json": {"error": "invalid_request", "error_description": "no"}}, "invalid_request"),
        (201, {"json": {"expires_in": 60}}, "invalid_response"),
        (201, {"json": {"request_uri": REQUEST_URI}}, "invalid_response"),
        (201, {"json": {"request_uri": REQUEST_URI, "expires_in": 0}}, "invalid_response"),
        (500, {"html": "<html>oops</html>"}, "invalid_response"),
    ],
    ids=["error-json", "no-request_uri", "no-expires_in", "zero-expires_in", "html-500"],
)
def test_push_errors(flavor: Flavor, status: int, content: dict[str, Any], error: str) -> None:
    server = Server()
    server.script("/par", httpx.Response(status, **content))

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            with pytest.raises(OAuthError) as info:
                await aw(client.push_authorization_request())
            assert info.value.error == error
            assert isinstance(info.value, ResponseError) == (error == "invalid_response")
            # nothing is remembered for a request the server did not take
            assert client.authorization_request is None

    flavor.run(scenario)
    assert len(server.requests) == 1


def test_start_authorization_pushes_only_when_required(flavor: Flavor) -> None:
    server = Server()
    server.script("/par", par_created())

    async def scenario() -> tuple[str, str]:
        async with opened(make_client(flavor, server)) as plain:
            plain_url, plain_state = await aw(plain.start_authorization(scope="s"))
            assert server.requests == []
            query = dict(query_of(plain_url))
            assert query["state"] == plain_state
            assert query["code_challenge_method"] == "S256"
            assert query["redirect_uri"] == REDIRECT
            assert "request_uri" not in query
        async with opened(
            make_client(flavor, server, require_pushed_authorization_requests=True)
        ) as pushing:
            return await aw(pushing.start_authorization(scope="s"))

    url, state = flavor.run(scenario)
    assert dict(query_of(url)) == {"client_id": CLIENT_ID, "request_uri": REQUEST_URI}
    [pushed] = server.requests
    assert pushed.form["state"] == state
    assert pushed.form["scope"] == "s"


def test_create_authorization_url_refuses_when_par_is_required(flavor: Flavor) -> None:
    server = Server()

    async def scenario() -> None:
        async with opened(
            make_client(flavor, server, require_pushed_authorization_requests=True)
        ) as client:
            with pytest.raises(ValueError, match="push"):
                client.create_authorization_url()
            assert client.authorization_request is None

    flavor.run(scenario)
    assert server.requests == []


def test_push_without_client_id_sends_nothing(flavor: Flavor) -> None:
    server = Server()
    server.script("/par", par_created())

    async def scenario() -> None:
        async with opened(
            make_client(flavor, server, client_id=None, client_secret=None)
        ) as client:
            with pytest.raises(ValueError, match="client_id"):
                await aw(client.push_authorization_request(auth=("someone", "secret-x")))

    flavor.run(scenario)
    assert server.requests == []


# -- JAR by value (RFC 9101 §5.1) ------------------------------------------------------------


def decode(token: str, key: Any, alg: str) -> Any:
    return jwt.decode(token, key, algorithms=[alg])


@pytest.mark.parametrize("signing", sorted(SIGNING))
def test_request_object_by_value(flavor: Flavor, signing: str) -> None:
    kwargs, public_key, alg = SIGNING[signing]
    server = Server()
    clock = FakeClock()

    async def scenario() -> list[tuple[str, Any, Any]]:
        async with opened(
            make_client(flavor, server, scope=["openid", "email"], **kwargs)
        ) as client:
            client.oauth.clock = clock
            made = []
            for _ in range(2):
                url, state = client.create_authorization_url(
                    resource=RESOURCES, max_age="600", prompt="login"
                )
                made.append((url, state, client.authorization_request))
            return made

    made = flavor.run(scenario)
    assert server.requests == []
    jtis = set()
    for url, state, pending in made:
        assert base(url) == AUTHORIZE
        outside = dict(query_of(url))
        assert set(outside) == {"client_id", "request", "response_type", "scope"}
        assert outside["client_id"] == CLIENT_ID
        assert outside["response_type"] == "code"
        assert outside["scope"] == "openid email"
        token = decode(outside["request"], public_key, alg)
        assert token.header == {"alg": alg, "typ": REQUEST_OBJECT_TYP}
        claims = token.claims
        assert claims["iss"] == CLIENT_ID
        assert claims["client_id"] == CLIENT_ID
        assert claims["aud"] == ISSUER
        assert claims["iat"] == int(clock.now)
        assert claims["nbf"] == claims["iat"]
        assert claims["exp"] - claims["iat"] == 300
        assert claims["response_type"] == "code"
        assert claims["scope"] == "openid email"
        assert claims["redirect_uri"] == REDIRECT
        assert claims["state"] == state
        assert claims["nonce"] == pending.nonce
        assert claims["max_age"] == 600
        assert claims["prompt"] == "login"
        assert claims["resource"] == RESOURCES
        assert claims["code_challenge_method"] == "S256"
        assert claims["code_challenge"] == rfc7636.create_code_challenge(
            pending.code_verifier, "S256"
        )
        assert pending.max_age == 600
        jtis.add(claims["jti"])
    assert len(jtis) == 2
    assert made[0][1] != made[1][1]


def test_request_object_pushed_by_reference(flavor: Flavor) -> None:
    server = Server()
    server.script("/par", par_created())

    async def scenario() -> tuple[str, str, Any]:
        async with opened(
            make_client(flavor, server, scope="openid", request_object_key=EC_PEM)
        ) as client:
            url, state = await aw(client.push_authorization_request())
            return url, state, client.authorization_request

    url, state, pending = flavor.run(scenario)
    assert dict(query_of(url)) == {"client_id": CLIENT_ID, "request_uri": REQUEST_URI}
    [pushed] = server.requests
    form = pushed.form
    assert set(form) == {"client_id", "request", "response_type", "scope"}
    assert basic_pair(pushed.headers["authorization"]) == (CLIENT_ID, CLIENT_SECRET)
    claims = decode(form["request"], EC_PUBLIC, "ES256").claims
    assert claims["state"] == state
    assert claims["nonce"] == pending.nonce
    assert claims["redirect_uri"] == REDIRECT
    assert claims["aud"] == ISSUER


def test_signer_object_and_repr(flavor: Flavor) -> None:
    server = Server()
    signer = RequestObjectSigner(RSA_PEM, "PS256", lifetime=60)
    assert repr(signer) == "RequestObjectSigner(alg='PS256', lifetime=60)"

    async def scenario() -> str:
        async with opened(make_client(flavor, server, request_object_key=signer)) as client:
            assert client.oauth.request_object_signer is signer
            url, _ = client.create_authorization_url()
            return url

    url = flavor.run(scenario)
    claims = decode(dict(query_of(url))["request"], RSA_PUBLIC, "PS256").claims
    assert claims["exp"] - claims["iat"] == 60


def test_request_object_needs_the_issuer(flavor: Flavor) -> None:
    server = Server()

    async def scenario() -> None:
        async with opened(
            make_client(flavor, server, issuer=None, request_object_key=EC_PEM)
        ) as client:
            with pytest.raises(ValueError, match="issuer"):
                client.create_authorization_url()
            with pytest.raises(ValueError, match="issuer"):
                await aw(client.push_authorization_request())
            assert client.authorization_request is None

    flavor.run(scenario)
    assert server.requests == []


def test_required_signed_request_object_without_a_key(flavor: Flavor) -> None:
    server = Server()

    async def scenario() -> None:
        async with opened(
            make_client(flavor, server, require_signed_request_object=True)
        ) as client:
            with pytest.raises(ValueError, match="request_object_key"):
                client.create_authorization_url()
            with pytest.raises(ValueError, match="request_object_key"):
                await aw(client.push_authorization_request())

    flavor.run(scenario)
    assert server.requests == []


def test_required_signed_request_object_with_a_key_signs(flavor: Flavor) -> None:
    server = Server()

    async def scenario() -> str:
        async with opened(
            make_client(
                flavor, server, require_signed_request_object=True, request_object_key=EC_PEM
            )
        ) as client:
            url, _ = client.create_authorization_url()
            return url

    url = flavor.run(scenario)
    assert "request" in dict(query_of(url))


def test_alg_none_is_refused(flavor: Flavor) -> None:
    with pytest.raises(ValueError, match=r"request_object_key.*'none'"):
        flavor.oauth2_client(
            CLIENT_ID,
            CLIENT_SECRET,
            issuer=ISSUER,
            request_object_key=EC_PEM,
            request_object_signing_alg="none",
        )
    with pytest.raises(ValueError, match="none"):
        RequestObjectSigner(EC_PEM, "none")


@pytest.mark.parametrize(
    "key",
    ["not a key", EC_PUBLIC_PEM, {"kty": "RSA"}, b"", 12],
    ids=["garbage", "public-pem", "incomplete-jwk", "empty", "int"],
)
def test_bad_key_names_request_object_key(flavor: Flavor, key: Any) -> None:
    with pytest.raises(ValueError, match=r"^request_object_key: "):
        flavor.oauth2_client(CLIENT_ID, CLIENT_SECRET, issuer=ISSUER, request_object_key=key)


def test_hs256_without_a_client_secret(flavor: Flavor) -> None:
    with pytest.raises(ValueError, match="client_secret"):
        flavor.oauth2_client(CLIENT_ID, None, issuer=ISSUER, request_object_signing_alg="HS256")


def test_key_and_secret_stay_out_of_reprs(flavor: Flavor) -> None:
    server = Server()

    async def scenario() -> None:
        async with opened(make_client(flavor, server, request_object_key=EC_PEM)) as client:
            body = "".join(EC_PEM.splitlines()[1:-1])
            for text in (
                repr(client),
                repr(client.oauth),
                repr(client.oauth.request_object_signer),
            ):
                assert body[:40] not in text
                assert "PRIVATE KEY" not in text
                assert CLIENT_SECRET not in text

    flavor.run(scenario)


# -- DPoP key binding of the authorization code (RFC 9449 §10) --------------------------------


def test_dpop_jkt_on_plain_signed_and_pushed_requests(flavor: Flavor) -> None:
    server = Server()
    server.script("/par", par_created())

    async def scenario() -> tuple[str, list[str]]:
        async with opened(make_client(flavor, server, dpop=True)) as plain:
            thumbprint = plain.dpop_key.thumbprint
            url, _ = plain.create_authorization_url()
            assert dict(query_of(url))["dpop_jkt"] == thumbprint
            await aw(plain.push_authorization_request())
        async with opened(
            make_client(flavor, server, dpop=True, request_object_key=EC_PEM)
        ) as signed:
            signed_url, _ = signed.create_authorization_url()
            return signed_url, [thumbprint, signed.dpop_key.thumbprint]

    signed_url, (plain_jkt, signed_jkt) = flavor.run(scenario)
    [pushed] = server.requests
    assert pushed.form["dpop_jkt"] == plain_jkt
    outside = dict(query_of(signed_url))
    assert "dpop_jkt" not in outside
    assert decode(outside["request"], EC_PUBLIC, "ES256").claims["dpop_jkt"] == signed_jkt
    assert plain_jkt != signed_jkt  # each client made its own key


def test_no_dpop_jkt_without_dpop_or_without_a_code(flavor: Flavor) -> None:
    server = Server()

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            url, _ = client.create_authorization_url()
            assert "dpop_jkt" not in dict(query_of(url))
        async with opened(make_client(flavor, server, dpop=True)) as implicit:
            url, _ = implicit.create_authorization_url(response_type="token")
            assert "dpop_jkt" not in dict(query_of(url))

    flavor.run(scenario)


# -- resource indicators on the authorization request (RFC 8707 §2) ---------------------------


def test_resource_is_repeated_on_the_authorization_url(flavor: Flavor) -> None:
    server = Server()

    async def scenario() -> tuple[str, str]:
        async with opened(make_client(flavor, server)) as client:
            url, _ = client.create_authorization_url(resource=RESOURCES)
        async with opened(make_client(flavor, server, resource=RESOURCES[0])) as default:
            default_url, _ = default.create_authorization_url()
        return url, default_url

    url, default_url = flavor.run(scenario)
    assert [v for k, v in query_of(url) if k == "resource"] == RESOURCES
    assert [v for k, v in query_of(default_url) if k == "resource"] == RESOURCES[:1]


@pytest.mark.parametrize(
    "resource",
    ["api", "/relative", "https://api.test/x#frag", [RESOURCES[0], "not absolute"]],
    ids=["word", "path", "fragment", "one-bad-in-list"],
)
def test_bad_resource_on_authorization_requests(flavor: Flavor, resource: Any) -> None:
    server = Server()

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            with pytest.raises(ValueError, match="resource"):
                client.create_authorization_url(resource=resource)
            with pytest.raises(ValueError, match="resource"):
                await aw(client.push_authorization_request(resource=resource))
            assert client.authorization_request is None

    flavor.run(scenario)
    assert server.requests == []


def test_resource_of_the_wrong_type(flavor: Flavor) -> None:
    server = Server()

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            with pytest.raises(TypeError, match="resource"):
                client.create_authorization_url(resource=[RESOURCES[0], 3])
            with pytest.raises(TypeError, match="resource"):
                client.create_authorization_url(resource={"https://api.test/"})

    flavor.run(scenario)
