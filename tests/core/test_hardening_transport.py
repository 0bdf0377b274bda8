"""Transport hardening of the client classes: redirects and answer sizes, on every flavor.

A. A request to the authorization server's own endpoints never follows a redirect, whatever
   the client or the call says: the 30x raises :class:`RedirectRefusedError` naming the
   ``Location``'s origin, and that place is never contacted.
B. A resource request that follows redirects presents its credentials afresh at each hop that
   stays on the origin it was sent to, and none at all once a hop leaves it.
C. The authorization server's answers are read up to ``max_response_bytes`` and no further.

One :class:`Net` behind ``httpx.MockTransport`` stands for every host; each test runs on the
sync client and on the async client under asyncio and trio (the ``flavor`` fixture).
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import AsyncIterator, Callable, Iterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from joserfc import jws
from joserfc.jwk import ECKey
from oauthlib.oauth1.rfc5849 import signature as oauthlib_signature

from authwire import (
    SIGNATURE_HMAC_SHA1,
    SIGNATURE_PLAINTEXT,
    SIGNATURE_TYPE_BODY,
    SIGNATURE_TYPE_HEADER,
    SIGNATURE_TYPE_QUERY,
    OAuthError,
    RedirectRefusedError,
    ResponseError,
    ResponseTooLargeError,
)
from tests._oauth1 import oauth1_client

from .conftest import Flavor, aw, opened

AS = "https://as.test"
RS = "https://api.test"
EVIL = "https://evil.test"
CLIENT_ID = "hardening-client"
CLIENT_SECRET = "hardening-secret-0123456789"
ACCESS = "access-token-0123456789"
REFRESH = "refresh-token-0123456789"
OAUTH1_TOKEN = "oauth1-token-0123456789"
TOKEN_SECRET = "oauth1-token-secret-0123456789"
FORM = "application/x-www-form-urlencoded"
MIB = 1 << 20

Answer = Callable[[httpx.Request], httpx.Response]


# -- the network -------------------------------------------------------------------------------


def _where(url: httpx.URL) -> str:
    """Scheme, host, port and path: what a scripted answer is keyed by (the query is not)."""
    return f"{url.scheme}://{url.netloc.decode('ascii')}{url.path}"


class Net:
    """Every host at once: answers scripted by URL, every request kept in order.

    An unscripted URL answers 200 with the ``Authorization`` header it received.
    """

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.requests: list[httpx.Request] = []

    def on(self, url: str, answer: Answer) -> None:
        self.answers[_where(httpx.URL(url))] = answer

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        answer = self.answers.get(_where(request.url))
        if answer is not None:
            return answer(request)
        return httpx.Response(200, json={"authorization": request.headers.get("authorization")})

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def hosts(self) -> set[str]:
        return {request.url.host for request in self.requests}

    def to(self, url: str) -> list[httpx.Request]:
        return [r for r in self.requests if _where(r.url) == _where(httpx.URL(url))]


def redirect(location: str, status: int = 302) -> Answer:
    return lambda request: httpx.Response(status, headers={"Location": location})


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# an ID token whose header names an RS256 key: validating it starts with a JWKS fetch
ID_TOKEN = ".".join(
    [b64(json.dumps({"alg": "RS256", "kid": "k1"}).encode()), b64(b'{"sub": "alice"}'), "c2ln"]
)


def token_answer(**fields: Any) -> Answer:
    body = {"access_token": "new-access-token-0123", "token_type": "Bearer", **fields}
    return lambda request: httpx.Response(200, json=body)


def oauth2(flavor: Flavor, net: Net, **kwargs: Any) -> Any:
    """An OAuth 2 client of ``flavor`` that knows every endpoint of the AS at ``AS``."""
    endpoints = {
        "token_endpoint": f"{AS}/token",
        "authorization_endpoint": f"{AS}/authorize",
        "revocation_endpoint": f"{AS}/revoke",
        "introspection_endpoint": f"{AS}/introspect",
        "device_authorization_endpoint": f"{AS}/device_authorization",
        "pushed_authorization_request_endpoint": f"{AS}/par",
        "userinfo_endpoint": f"{AS}/userinfo",
        "redirect_uri": "https://app.test/callback",
    }
    return flavor.oauth2_client(
        CLIENT_ID, CLIENT_SECRET, transport=net.transport(), **{**endpoints, **kwargs}
    )


def bearer(**fields: Any) -> dict[str, Any]:
    return {"access_token": ACCESS, "token_type": "Bearer", "refresh_token": REFRESH, **fields}


def oauth1(flavor: Flavor, net: Net, **kwargs: Any) -> Any:
    return oauth1_client(
        flavor,
        CLIENT_ID,
        client_secret=CLIENT_SECRET,
        token=OAUTH1_TOKEN,
        token_secret=TOKEN_SECRET,
        transport=net.transport(),
        **kwargs,
    )


def assert_no_credential(request: httpx.Request) -> None:
    """No header, query, body or proof of ``request`` carries a credential or a signature."""
    assert "authorization" not in request.headers
    assert "dpop" not in request.headers
    seen = " ".join(
        [str(request.url), repr(request.headers.multi_items()), request.content.decode()]
    )
    for secret in (
        ACCESS,
        REFRESH,
        CLIENT_SECRET,
        OAUTH1_TOKEN,
        TOKEN_SECRET,
        "access_token",
        "oauth_",
    ):
        assert secret not in seen, (secret, seen)


# -- A. the authorization server's endpoints never follow a redirect -------------------------

# kind: (the endpoint's path at AS, client arguments, the call that reaches it)
ENDPOINT_CALLS: dict[str, tuple[str, dict[str, Any], Callable[[Any], Any]]] = {
    "token": ("/token", {}, lambda c: c.fetch_token(grant_type="client_credentials")),
    "refresh": ("/token", {"token": bearer()}, lambda c: c.refresh_token()),
    "revocation": ("/revoke", {"token": bearer()}, lambda c: c.revoke_token()),
    "introspection": ("/introspect", {"token": bearer()}, lambda c: c.introspect_token()),
    "device authorization": (
        "/device_authorization",
        {},
        lambda c: c.request_device_authorization(),
    ),
    "pushed authorization": ("/par", {}, lambda c: c.push_authorization_request()),
    "userinfo": (
        "/userinfo",
        {"token": bearer(userinfo={"sub": "alice"})},
        lambda c: c.userinfo(),
    ),
    "jwks": (
        "/jwks",
        {"issuer": AS, "jwks_uri": f"{AS}/jwks"},
        lambda c: c.fetch_token(grant_type="client_credentials"),
    ),
    "automatic refresh": (
        "/token",
        {"token": bearer(expires_at=1)},
        lambda c: c.get(f"{RS}/data", follow_redirects=True),
    ),
    "discovery": ("/.well-known/openid-configuration", {}, lambda c: None),
}


async def call_endpoint(flavor: Flavor, net: Net, kind: str, **kwargs: Any) -> None:
    """Make the call of ``kind`` (``discovery`` is ``from_issuer``, which makes the client)."""
    _, client_kwargs, call = ENDPOINT_CALLS[kind]
    if kind == "discovery":
        factory: Any = flavor.oauth2_client
        made = factory.from_issuer(
            AS, CLIENT_ID, CLIENT_SECRET, transport=net.transport(), **kwargs
        )
        async with opened(await aw(made)):
            return
    client_kwargs = copy.deepcopy(client_kwargs)  # the table's tokens stay as written
    async with opened(oauth2(flavor, net, **client_kwargs, **kwargs)) as client:
        await aw(call(client))


@pytest.mark.parametrize("client_follows", [False, True], ids=["client-default", "client-follows"])
@pytest.mark.parametrize("kind", list(ENDPOINT_CALLS))
def test_an_authorization_server_endpoint_refuses_a_redirect_and_never_contacts_its_target(
    flavor: Flavor, kind: str, client_follows: bool
) -> None:
    path = ENDPOINT_CALLS[kind][0]
    net = Net()
    net.on(f"{AS}/token", token_answer(id_token=ID_TOKEN))  # the JWKS case validates it
    net.on(f"{AS}{path}", redirect(f"{EVIL}/collect?from=as"))

    async def scenario() -> RedirectRefusedError:
        with pytest.raises(RedirectRefusedError) as caught:
            await call_endpoint(flavor, net, kind, follow_redirects=client_follows)
        return caught.value

    error = flavor.run(scenario)
    assert isinstance(error, ResponseError)
    assert isinstance(error, OAuthError)
    assert error.error == "redirect_refused"
    assert error.location_origin == EVIL
    assert error.status_code == 302
    assert EVIL in str(error)
    assert "evil.test" not in net.hosts()
    assert len(net.to(f"{AS}{path}")) == 1
    assert "api.test" not in net.hosts()  # the automatic refresh failed: nothing was sent


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_every_redirect_status_of_the_token_endpoint_is_refused(
    flavor: Flavor, status: int
) -> None:
    net = Net()
    net.on(f"{AS}/token", redirect(f"{EVIL}:8443/token", status))

    async def scenario() -> RedirectRefusedError:
        async with opened(oauth2(flavor, net, follow_redirects=True)) as client:
            with pytest.raises(RedirectRefusedError) as caught:
                await aw(client.fetch_token(grant_type="client_credentials"))
            assert client.token is None
            return caught.value

    error = flavor.run(scenario)
    assert error.status_code == status
    assert error.location_origin == f"{EVIL}:8443"
    assert net.hosts() == {"as.test"}


def test_a_redirect_within_the_authorization_server_is_refused_too(flavor: Flavor) -> None:
    net = Net()
    net.on(f"{AS}/token", redirect("/token-moved", 307))

    async def scenario() -> RedirectRefusedError:
        async with opened(oauth2(flavor, net, follow_redirects=True)) as client:
            with pytest.raises(RedirectRefusedError) as caught:
                await aw(client.fetch_token(grant_type="client_credentials"))
            return caught.value

    error = flavor.run(scenario)
    assert error.location_origin == AS
    assert net.to(f"{AS}/token-moved") == []
    assert len(net.requests) == 1


@pytest.mark.parametrize("step", ["request", "access"])
def test_oauth1_token_endpoints_refuse_a_redirect_and_never_contact_its_target(
    flavor: Flavor, step: str
) -> None:
    net = Net()
    net.on(f"{AS}/{step}_token", redirect(f"{EVIL}/collect"))

    async def scenario() -> RedirectRefusedError:
        client = oauth1(flavor, net, verifier="verifier-1", follow_redirects=True)
        async with opened(client):
            call = client.fetch_request_token if step == "request" else client.fetch_access_token
            with pytest.raises(RedirectRefusedError) as caught:
                await aw(call(f"{AS}/{step}_token"))
            assert client.token["oauth_token"] == OAUTH1_TOKEN  # unchanged
            return caught.value

    error = flavor.run(scenario)
    assert isinstance(error, ResponseError)
    assert error.location_origin == EVIL
    assert error.status_code == 302
    assert net.hosts() == {"as.test"}
    assert len(net.requests) == 1


# the endpoint calls that take httpx's per-request options
OPTION_CALLS: dict[str, Callable[..., Any]] = {
    "fetch_token": lambda c, **kw: c.fetch_token(grant_type="client_credentials", **kw),
    "refresh_token": lambda c, **kw: c.refresh_token(**kw),
    "revoke_token": lambda c, **kw: c.revoke_token(**kw),
    "introspect_token": lambda c, **kw: c.introspect_token(**kw),
    "request_device_authorization": lambda c, **kw: c.request_device_authorization(**kw),
    "push_authorization_request": lambda c, **kw: c.push_authorization_request(**kw),
}


@pytest.mark.parametrize("method", list(OPTION_CALLS))
def test_follow_redirects_true_on_an_endpoint_call_is_refused_with_the_reason(
    flavor: Flavor, method: str
) -> None:
    net = Net()

    async def scenario() -> None:
        async with opened(oauth2(flavor, net, token=bearer())) as client:
            with pytest.raises(ValueError, match=r"follow_redirects=True is refused") as caught:
                await aw(OPTION_CALLS[method](client, follow_redirects=True))
            assert "authorization server" in str(caught.value)

    flavor.run(scenario)
    assert net.requests == []


def _endpoint_answers(net: Net) -> None:
    """What every endpoint of ``OPTION_CALLS`` answers when it is called."""
    net.on(f"{AS}/token", token_answer())
    net.on(f"{AS}/introspect", lambda request: httpx.Response(200, json={"active": True}))
    net.on(
        f"{AS}/device_authorization",
        lambda request: httpx.Response(
            200,
            json={
                "device_code": "device-code-0123456789",
                "user_code": "ABCD-EFGH",
                "verification_uri": f"{AS}/device",
                "expires_in": 600,
            },
        ),
    )
    net.on(
        f"{AS}/par",
        lambda request: httpx.Response(
            201, json={"request_uri": "urn:ietf:params:oauth:request_uri:x1", "expires_in": 60}
        ),
    )


@pytest.mark.parametrize("method", list(OPTION_CALLS))
def test_timeout_of_an_endpoint_call_goes_to_httpx_and_not_into_the_form(
    flavor: Flavor, method: str
) -> None:
    net = Net()
    _endpoint_answers(net)

    async def scenario() -> None:
        client = oauth2(flavor, net, token=bearer(), scope="read", timeout=30)
        async with opened(client):
            await aw(OPTION_CALLS[method](client, timeout=5, follow_redirects=False))

    flavor.run(scenario)
    [sent] = net.requests
    assert sent.extensions["timeout"] == {"connect": 5, "read": 5, "write": 5, "pool": 5}
    form = dict(parse_qsl(sent.content.decode()))
    assert form  # a form was sent, and httpx's options are not in it
    assert "timeout" not in form
    assert "follow_redirects" not in form


#: the client's own headers: two go to the authorization server, the credentials never do
CLIENT_HEADERS = {
    "User-Agent": "example-app/1.0",
    "X-Gateway-Key": "gateway-key-0123",
    "Authorization": "Bearer other-api-credential",
    "Cookie": "session=other-site",
}


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
@pytest.mark.parametrize("method", list(OPTION_CALLS))
def test_an_endpoint_call_carries_the_clients_headers_but_not_its_credentials(
    flavor: Flavor, method: str, auth_method: str
) -> None:
    """As httpx merges a client's ``headers=`` into every request it builds."""
    net = Net()
    _endpoint_answers(net)

    async def scenario() -> None:
        client = oauth2(
            flavor,
            net,
            token=bearer(),
            headers=CLIENT_HEADERS,
            token_endpoint_auth_method=auth_method,
            revocation_endpoint_auth_method=auth_method,
        )
        async with opened(client):
            await aw(OPTION_CALLS[method](client))

    flavor.run(scenario)
    [sent] = net.requests
    assert sent.headers["user-agent"] == "example-app/1.0"
    assert sent.headers["x-gateway-key"] == "gateway-key-0123"
    assert "cookie" not in sent.headers
    assert "other-api-credential" not in sent.headers.get("authorization", "")
    if auth_method == "client_secret_basic":
        assert sent.headers["authorization"].startswith("Basic ")
    else:
        assert "authorization" not in sent.headers
    assert sent.headers["accept"] == "application/json"  # the engine's own header wins
    assert "accept-encoding" in sent.headers  # httpx's defaults come too


def test_an_endpoint_call_without_client_headers_carries_httpx_defaults(flavor: Flavor) -> None:
    net = Net()
    _endpoint_answers(net)

    async def scenario() -> None:
        async with opened(oauth2(flavor, net)) as client:
            await aw(client.fetch_token(grant_type="client_credentials"))

    flavor.run(scenario)
    [sent] = net.requests
    with httpx.Client() as bare:  # httpx2's own under the httpx2 run
        assert sent.headers["user-agent"] == bare.headers["user-agent"]
    assert sent.headers["accept"] == "application/json"


@pytest.mark.parametrize("step", ["request", "access"])
def test_oauth1_token_endpoints_carry_the_clients_headers_and_their_own_signature(
    flavor: Flavor, step: str
) -> None:
    net = Net()
    net.on(f"{AS}/{step}_token", oauth1_answer(120))

    async def scenario() -> None:
        client = oauth1(flavor, net, verifier="verifier-1", headers=CLIENT_HEADERS)
        async with opened(client):
            call = client.fetch_request_token if step == "request" else client.fetch_access_token
            await aw(call(f"{AS}/{step}_token"))

    flavor.run(scenario)
    [sent] = net.requests
    assert sent.headers["user-agent"] == "example-app/1.0"
    assert sent.headers["x-gateway-key"] == "gateway-key-0123"
    # built by the client's own build_request, as Authlib's are: the signature replaces the
    # client's Authorization header
    assert sent.headers["authorization"].startswith("OAuth ")
    assert [name for name, _ in oauth1_params(sent)].count("oauth_signature") == 1


# -- B. resource requests that follow redirects ----------------------------------------------

# how follow_redirects=True is asked for: (client arguments, call arguments)
FOLLOW: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "per-call": ({}, {"follow_redirects": True}),
    "client-wide": ({"follow_redirects": True}, {}),
}

# redirect targets that leave the origin https://api.test
OFF_ORIGIN = {
    "another-host": "https://other.test/b",
    "another-port": "https://api.test:8443/b",
    "https-to-http": "http://api.test/b",
}

SAME_OR_OFF = {"same-origin": "/b", **OFF_ORIGIN}


@pytest.mark.parametrize("how", list(FOLLOW))
def test_a_same_origin_redirect_presents_the_bearer_token_again(flavor: Flavor, how: str) -> None:
    client_kwargs, call_kwargs = FOLLOW[how]
    net = Net()
    net.on(f"{RS}/a", redirect("/b"))

    async def scenario() -> httpx.Response:
        async with opened(oauth2(flavor, net, token=bearer(), **client_kwargs)) as client:
            return await aw(client.get(f"{RS}/a", **call_kwargs))

    response = flavor.run(scenario)
    assert response.status_code == 200
    assert [hop.status_code for hop in response.history] == [302]
    assert response.json() == {"authorization": f"Bearer {ACCESS}"}
    first, second = net.requests
    assert first.headers["authorization"] == second.headers["authorization"] == f"Bearer {ACCESS}"
    assert second.url == f"{RS}/b"


@pytest.mark.parametrize("how", list(FOLLOW))
@pytest.mark.parametrize("where", list(OFF_ORIGIN))
def test_a_redirect_off_the_origin_is_followed_without_the_bearer_token(
    flavor: Flavor, where: str, how: str
) -> None:
    client_kwargs, call_kwargs = FOLLOW[how]
    net = Net()
    net.on(f"{RS}/a", redirect(OFF_ORIGIN[where]))

    async def scenario() -> httpx.Response:
        async with opened(oauth2(flavor, net, token=bearer(), **client_kwargs)) as client:
            return await aw(client.get(f"{RS}/a", **call_kwargs))

    response = flavor.run(scenario)
    assert response.status_code == 200
    assert response.json() == {"authorization": None}
    first, second = net.requests
    assert first.headers["authorization"] == f"Bearer {ACCESS}"
    assert second.url == OFF_ORIGIN[where]
    assert_no_credential(second)


def test_an_http_to_https_upgrade_on_the_same_host_keeps_the_token(flavor: Flavor) -> None:
    net = Net()
    net.on("http://api.test/a", redirect("https://api.test/b", 301))

    async def scenario() -> httpx.Response:
        client = oauth2(flavor, net, token=bearer(), allow_insecure_transport=True)
        async with opened(client):
            return await aw(client.get("http://api.test/a", follow_redirects=True))

    response = flavor.run(scenario)
    assert response.json() == {"authorization": f"Bearer {ACCESS}"}
    assert [str(r.url) for r in net.requests] == ["http://api.test/a", "https://api.test/b"]


def test_once_off_the_origin_the_way_back_stays_credential_free(flavor: Flavor) -> None:
    net = Net()
    net.on(f"{RS}/a", redirect("https://other.test/b"))
    net.on("https://other.test/b", redirect(f"{RS}/c", 307))

    async def scenario() -> httpx.Response:
        async with opened(oauth2(flavor, net, token=bearer())) as client:
            return await aw(client.get(f"{RS}/a", follow_redirects=True))

    response = flavor.run(scenario)
    assert [hop.status_code for hop in response.history] == [302, 307]
    assert response.json() == {"authorization": None}
    first, second, back_home = net.requests
    assert first.headers["authorization"] == f"Bearer {ACCESS}"
    assert back_home.url == f"{RS}/c"
    assert_no_credential(second)
    assert_no_credential(back_home)


@pytest.mark.parametrize("where", list(SAME_OR_OFF))
def test_a_token_in_the_form_body_is_resent_on_a_307_only_to_its_origin(
    flavor: Flavor, where: str
) -> None:
    net = Net()
    net.on(f"{RS}/a", redirect(SAME_OR_OFF[where], 307))

    async def scenario() -> httpx.Response:
        async with opened(oauth2(flavor, net, token=bearer(), token_placement="body")) as client:
            return await aw(client.post(f"{RS}/a", data={"x": "1"}, follow_redirects=True))

    response = flavor.run(scenario)
    assert response.status_code == 200
    first, second = net.requests
    assert first.content == f"x=1&access_token={ACCESS}".encode()
    assert second.method == "POST"
    if where == "same-origin":
        assert parse_qsl(second.content.decode()) == [("x", "1"), ("access_token", ACCESS)]
    else:
        assert second.content == b"x=1"
        assert_no_credential(second)


@pytest.mark.parametrize("where", list(SAME_OR_OFF))
def test_a_token_in_the_query_is_carried_only_to_its_origin(flavor: Flavor, where: str) -> None:
    net = Net()
    net.on(f"{RS}/a", redirect(SAME_OR_OFF[where]))

    async def scenario() -> httpx.Response:
        async with opened(oauth2(flavor, net, token=bearer(), token_placement="uri")) as client:
            return await aw(client.get(f"{RS}/a?page=1", follow_redirects=True))

    flavor.run(scenario)
    first, second = net.requests
    assert first.url.params["access_token"] == ACCESS
    if where == "same-origin":
        assert second.url.path == "/b"
        assert second.url.params.get_list("access_token") == [ACCESS]
    else:
        assert_no_credential(second)


def dpop_claims(request: httpx.Request) -> dict[str, Any]:
    """The claims of the request's DPoP proof, its signature checked with its own ``jwk``."""
    proof = request.headers["DPoP"]
    header = json.loads(base64.urlsafe_b64decode(proof.split(".")[0] + "=="))
    registry = jws.JWSRegistry(algorithms=[header["alg"]])
    verified = jws.deserialize_compact(proof, ECKey.import_key(header["jwk"]), registry=registry)
    claims: dict[str, Any] = json.loads(verified.payload)
    return claims


@pytest.mark.parametrize("where", list(SAME_OR_OFF))
def test_a_dpop_proof_is_made_afresh_for_a_same_origin_hop_and_never_sent_off_it(
    flavor: Flavor, where: str
) -> None:
    net = Net()
    net.on(f"{RS}/a", redirect(SAME_OR_OFF[where]))

    async def scenario() -> httpx.Response:
        token = {"access_token": ACCESS, "token_type": "DPoP"}
        async with opened(oauth2(flavor, net, token=token, dpop=True)) as client:
            return await aw(client.get(f"{RS}/a?page=1", follow_redirects=True))

    response = flavor.run(scenario)
    assert response.status_code == 200
    first, second = net.requests
    first_proof = dpop_claims(first)
    assert (first_proof["htm"], first_proof["htu"]) == ("GET", f"{RS}/a")
    assert first.headers["authorization"] == f"DPoP {ACCESS}"
    if where == "same-origin":
        second_proof = dpop_claims(second)
        assert (second_proof["htm"], second_proof["htu"]) == ("GET", f"{RS}/b")
        assert second_proof["jti"] != first_proof["jti"]
        assert second_proof["ath"] == first_proof["ath"]
        assert second.headers["authorization"] == f"DPoP {ACCESS}"
    else:
        assert_no_credential(second)


def test_max_redirects_is_honoured_as_plain_httpx_honours_it(flavor: Flavor) -> None:
    net = Net()
    net.on(f"{RS}/loop", redirect("/loop"))

    async def scenario() -> None:
        async with opened(oauth2(flavor, net, token=bearer(), max_redirects=2)) as client:
            with pytest.raises(httpx.TooManyRedirects):
                await aw(client.get(f"{RS}/loop", follow_redirects=True))
            with pytest.raises(httpx.TooManyRedirects):  # plain httpx: no token to manage
                await aw(client.get(f"{RS}/loop", follow_redirects=True, withhold_token=True))

    flavor.run(scenario)
    assert len(net.requests) == 6
    with_token, plain = net.requests[:3], net.requests[3:]
    assert all(r.headers["authorization"] == f"Bearer {ACCESS}" for r in with_token)
    assert all("authorization" not in r.headers for r in plain)


@pytest.mark.parametrize("where", ["same-origin", "another-host"])
def test_stream_follows_redirects_by_the_same_rules(flavor: Flavor, where: str) -> None:
    net = Net()
    net.on(f"{RS}/a", redirect(SAME_OR_OFF[where]))

    async def scenario() -> tuple[list[int], bytes]:
        async with opened(oauth2(flavor, net, token=bearer())) as client:
            if flavor.is_async:
                async with client.stream("GET", f"{RS}/a", follow_redirects=True) as response:
                    body = await response.aread()
            else:
                with client.stream("GET", f"{RS}/a", follow_redirects=True) as response:
                    body = response.read()
            return [hop.status_code for hop in response.history], body

    history, body = flavor.run(scenario)
    assert history == [302]
    expected = f"Bearer {ACCESS}" if where == "same-origin" else None
    assert json.loads(body) == {"authorization": expected}
    assert len(net.requests) == 2


def test_without_follow_redirects_the_redirect_is_returned_as_before(flavor: Flavor) -> None:
    net = Net()
    net.on(f"{RS}/a", redirect(f"{EVIL}/b"))

    async def scenario() -> httpx.Response:
        async with opened(oauth2(flavor, net, token=bearer())) as client:
            return await aw(client.get(f"{RS}/a"))

    response = flavor.run(scenario)
    assert response.status_code == 302
    assert response.headers["location"] == f"{EVIL}/b"
    assert response.history == []
    [sent] = net.requests
    assert sent.headers["authorization"] == f"Bearer {ACCESS}"


def test_withhold_token_requests_follow_redirects_with_no_token_at_all(flavor: Flavor) -> None:
    net = Net()
    net.on(f"{RS}/a", redirect("/b"))

    async def scenario() -> httpx.Response:
        async with opened(oauth2(flavor, net, token=bearer())) as client:
            return await aw(client.get(f"{RS}/a", follow_redirects=True, withhold_token=True))

    response = flavor.run(scenario)
    assert response.json() == {"authorization": None}
    assert [str(r.url) for r in net.requests] == [f"{RS}/a", f"{RS}/b"]
    for sent in net.requests:
        assert_no_credential(sent)


# -- B. OAuth 1 resource requests that follow redirects --------------------------------------

SIGNATURE_TYPES = [SIGNATURE_TYPE_HEADER, SIGNATURE_TYPE_QUERY, SIGNATURE_TYPE_BODY]


def oauth1_params(request: httpx.Request) -> list[tuple[str, str]]:
    """Every parameter of the request that a signature covers, the signature included."""
    header = request.headers.get("authorization")
    form = request.headers.get("content-type", "").startswith(FORM)
    params: list[tuple[str, str]] = oauthlib_signature.collect_parameters(
        uri_query=request.url.query.decode("ascii"),
        body=request.content.decode() if form else [],
        headers={"Authorization": header} if header else None,
        exclude_oauth_signature=False,
    )
    return params


def hmac_sha1_signature_ok(request: httpx.Request) -> bool:
    """Whether the request's one ``oauth_signature`` is right for its method, URL and body."""
    params = oauth1_params(request)
    signatures = [value for name, value in params if name == "oauth_signature"]
    unsigned = [(name, value) for name, value in params if name != "oauth_signature"]
    base = oauthlib_signature.signature_base_string(
        request.method,
        oauthlib_signature.base_string_uri(str(request.url)),
        oauthlib_signature.normalize_parameters(unsigned),
    )
    secrets = SimpleNamespace(client_secret=CLIENT_SECRET, resource_owner_secret=TOKEN_SECRET)
    return signatures == [oauthlib_signature.sign_hmac_sha1_with_client(base, secrets)]


@pytest.mark.parametrize("signature_type", SIGNATURE_TYPES)
def test_oauth1_a_same_origin_hop_is_signed_afresh_for_its_own_url(
    flavor: Flavor, signature_type: str
) -> None:
    net = Net()
    net.on(f"{RS}/a", redirect("/b?page=2", 307))

    async def scenario() -> httpx.Response:
        async with opened(oauth1(flavor, net, signature_type=signature_type)) as client:
            return await aw(client.post(f"{RS}/a", data={"title": "a b"}, follow_redirects=True))

    response = flavor.run(scenario)
    assert response.status_code == 200
    first, second = net.requests
    assert (second.method, second.url.path, second.url.params["page"]) == ("POST", "/b", "2")
    assert hmac_sha1_signature_ok(first)
    assert hmac_sha1_signature_ok(second)  # for POST https://api.test/b?page=2
    nonces = [dict(oauth1_params(sent))["oauth_nonce"] for sent in (first, second)]
    assert nonces[0] != nonces[1]
    assert dict(parse_qsl(second.content.decode()))["title"] == "a b"


@pytest.mark.parametrize("where", list(OFF_ORIGIN))
@pytest.mark.parametrize("signature_method", [SIGNATURE_HMAC_SHA1, SIGNATURE_PLAINTEXT])
@pytest.mark.parametrize("signature_type", SIGNATURE_TYPES)
def test_oauth1_a_hop_off_the_origin_carries_no_signature(
    flavor: Flavor, signature_type: str, signature_method: str, where: str
) -> None:
    net = Net()
    net.on(f"{RS}/a", redirect(OFF_ORIGIN[where], 307))

    async def scenario() -> httpx.Response:
        client = oauth1(
            flavor, net, signature_type=signature_type, signature_method=signature_method
        )
        async with opened(client):
            return await aw(client.post(f"{RS}/a", data={"title": "a b"}, follow_redirects=True))

    response = flavor.run(scenario)
    assert response.status_code == 200
    first, second = net.requests
    signature = dict(oauth1_params(first))["oauth_signature"]
    if signature_method == SIGNATURE_PLAINTEXT:
        assert signature == f"{CLIENT_SECRET}&{TOKEN_SECRET}"  # the secrets themselves
    assert (second.method, str(second.url)) == ("POST", OFF_ORIGIN[where])
    assert second.content == b"title=a+b"  # the caller's body, as the caller made it
    assert_no_credential(second)


def test_oauth1_once_off_the_origin_the_way_back_stays_unsigned(flavor: Flavor) -> None:
    net = Net()
    net.on(f"{RS}/a", redirect("https://other.test/b", 307))
    net.on("https://other.test/b", redirect(f"{RS}/c", 307))

    async def scenario() -> httpx.Response:
        async with opened(oauth1(flavor, net, signature_type=SIGNATURE_TYPE_QUERY)) as client:
            return await aw(client.get(f"{RS}/a", follow_redirects=True))

    response = flavor.run(scenario)
    assert [hop.status_code for hop in response.history] == [307, 307]
    first, second, back_home = net.requests
    assert hmac_sha1_signature_ok(first)
    assert back_home.url == f"{RS}/c"
    assert_no_credential(second)
    assert_no_credential(back_home)


def test_oauth1_an_http_to_https_upgrade_is_signed_for_the_https_url(flavor: Flavor) -> None:
    net = Net()
    net.on("http://api.test/a", redirect("https://api.test/a", 301))

    async def scenario() -> httpx.Response:
        async with opened(oauth1(flavor, net)) as client:
            return await aw(client.get("http://api.test/a", follow_redirects=True))

    flavor.run(scenario)
    first, second = net.requests
    assert second.url == "https://api.test/a"
    assert hmac_sha1_signature_ok(first)
    assert hmac_sha1_signature_ok(second)
    assert first.headers["authorization"] != second.headers["authorization"]


# -- C. answers are read up to max_response_bytes ---------------------------------------------


class EndlessBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body with no Content-Length that goes on and on; counts the bytes pulled from it.

    Capped at ``cap`` so that a client that reads it all fails its test instead of hanging.
    """

    CHUNK = 64 * 1024

    def __init__(self, cap: int = 50 * MIB) -> None:
        self.cap = cap
        self.pulled = 0

    def _next(self) -> bytes | None:
        if self.pulled >= self.cap:
            return None
        self.pulled += self.CHUNK
        return b" " * self.CHUNK

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._next, None)

    # an iterator object rather than an async generator: nothing left for trio to finalize
    def __aiter__(self) -> AsyncIterator[bytes]:
        return self

    async def __anext__(self) -> bytes:
        chunk = self._next()
        if chunk is None:
            raise StopAsyncIteration
        return chunk


def streamed(body: EndlessBody, **headers: str) -> Answer:
    return lambda request: httpx.Response(
        200, headers={"Content-Type": "application/json", **headers}, stream=body
    )


def json_of_size(size: int) -> bytes:
    """A valid token answer of exactly ``size`` bytes: the padding is an extra member."""
    head = b'{"access_token": "big-access-token-01", "token_type": "Bearer", "padding": "'
    tail = b'"}'
    return head + b"p" * (size - len(head) - len(tail)) + tail


def sized(size: int) -> Answer:
    content = json_of_size(size)
    return lambda request: httpx.Response(
        200, headers={"Content-Type": "application/json"}, content=content
    )


@pytest.mark.parametrize("kind", list(ENDPOINT_CALLS))
def test_an_oversized_answer_of_any_authorization_server_endpoint_is_refused(
    flavor: Flavor, kind: str
) -> None:
    path = ENDPOINT_CALLS[kind][0]
    net = Net()
    net.on(f"{AS}/token", token_answer(id_token=ID_TOKEN))
    net.on(f"{AS}{path}", sized(MIB + 1))

    async def scenario() -> ResponseTooLargeError:
        with pytest.raises(ResponseTooLargeError) as caught:
            await call_endpoint(flavor, net, kind)
        return caught.value

    error = flavor.run(scenario)
    assert isinstance(error, ResponseError)
    assert error.error == "response_too_large"
    assert error.status_code == 200
    assert str(MIB) in str(error)
    assert "api.test" not in net.hosts()


def test_a_token_answer_of_exactly_the_default_limit_is_read(flavor: Flavor) -> None:
    net = Net()
    net.on(f"{AS}/token", sized(MIB))

    async def scenario() -> Any:
        async with opened(oauth2(flavor, net)) as client:
            return await aw(client.fetch_token(grant_type="client_credentials"))

    token = flavor.run(scenario)
    assert token["access_token"] == "big-access-token-01"


def test_max_response_bytes_raised_accepts_a_large_valid_token_answer(flavor: Flavor) -> None:
    net = Net()
    net.on(f"{AS}/token", sized(2 * MIB))

    async def scenario() -> Any:
        async with opened(oauth2(flavor, net, max_response_bytes=4 << 20)) as client:
            token = await aw(client.fetch_token(grant_type="client_credentials"))
            assert client.token is token
            return token

    token = flavor.run(scenario)
    assert token["access_token"] == "big-access-token-01"
    assert len(token["padding"]) > 2 * MIB - 100


def test_max_response_bytes_lowered_refuses_what_the_default_reads(flavor: Flavor) -> None:
    net = Net()
    net.on(f"{AS}/token", sized(2048))

    async def scenario() -> None:
        async with opened(oauth2(flavor, net, max_response_bytes=2047)) as client:
            with pytest.raises(ResponseTooLargeError, match="2047"):
                await aw(client.fetch_token(grant_type="client_credentials"))
            assert client.token is None
        async with opened(oauth2(flavor, net)) as client:
            await aw(client.fetch_token(grant_type="client_credentials"))

    flavor.run(scenario)


def token_call(client: Any, via: str) -> Any:
    """``fetch_token``, or a resource request whose expired token is refreshed first."""
    if via == "fetch_token":
        return client.fetch_token(grant_type="client_credentials")
    return client.get(f"{RS}/data")


@pytest.mark.parametrize("via", ["fetch_token", "automatic refresh"])
def test_an_endless_token_answer_is_read_only_a_little_past_the_limit(
    flavor: Flavor, via: str
) -> None:
    body = EndlessBody()
    net = Net()
    net.on(f"{AS}/token", streamed(body))

    async def scenario() -> None:
        async with opened(oauth2(flavor, net, token=bearer(expires_at=1))) as client:
            with pytest.raises(ResponseTooLargeError):
                await aw(token_call(client, via))

    flavor.run(scenario)
    assert MIB < body.pulled < 2 * MIB
    assert net.hosts() == {"as.test"}


@pytest.mark.parametrize("via", ["fetch_token", "automatic refresh"])
def test_a_declared_length_over_the_limit_is_refused_without_reading_the_body(
    flavor: Flavor, via: str
) -> None:
    body = EndlessBody(cap=8 * MIB)
    net = Net()
    net.on(f"{AS}/token", streamed(body, **{"Content-Length": str(8 * MIB)}))

    async def scenario() -> None:
        async with opened(oauth2(flavor, net, token=bearer(expires_at=1))) as client:
            with pytest.raises(ResponseTooLargeError):
                await aw(token_call(client, via))

    flavor.run(scenario)
    assert body.pulled == 0


@pytest.mark.parametrize("kind", ["jwks", "discovery"])
def test_an_endless_jwks_or_discovery_answer_is_read_only_a_little_past_the_limit(
    flavor: Flavor, kind: str
) -> None:
    body = EndlessBody()
    net = Net()
    net.on(f"{AS}/token", token_answer(id_token=ID_TOKEN))
    net.on(f"{AS}{ENDPOINT_CALLS[kind][0]}", streamed(body))

    async def scenario() -> None:
        with pytest.raises(ResponseTooLargeError):
            await call_endpoint(flavor, net, kind)

    flavor.run(scenario)
    assert MIB < body.pulled < 2 * MIB


def oauth1_answer(size: int) -> Answer:
    head = b"oauth_token=t-0123456789&oauth_token_secret=s-0123456789&padding="
    content = head + b"p" * (size - len(head))
    return lambda request: httpx.Response(200, headers={"Content-Type": FORM}, content=content)


@pytest.mark.parametrize("answer", ["oversized", "endless", "declared-length"])
@pytest.mark.parametrize("step", ["request", "access"])
def test_oauth1_token_answers_are_read_up_to_the_limit(
    flavor: Flavor, step: str, answer: str
) -> None:
    body = EndlessBody(cap=8 * MIB)
    net = Net()
    url = f"{AS}/{step}_token"
    if answer == "oversized":
        net.on(url, oauth1_answer(MIB + 1))
    elif answer == "endless":
        net.on(url, streamed(body))
    else:
        net.on(url, streamed(body, **{"Content-Length": str(8 * MIB)}))

    async def scenario() -> None:
        async with opened(oauth1(flavor, net, verifier="verifier-1")) as client:
            call = client.fetch_request_token if step == "request" else client.fetch_access_token
            with pytest.raises(ResponseTooLargeError):
                await aw(call(url))
            assert client.token["oauth_token"] == OAUTH1_TOKEN  # unchanged

    flavor.run(scenario)
    if answer == "endless":
        assert MIB < body.pulled < 2 * MIB
    elif answer == "declared-length":
        assert body.pulled == 0


@pytest.mark.parametrize("step", ["request", "access"])
def test_oauth1_token_answer_of_exactly_the_limit_is_read(flavor: Flavor, step: str) -> None:
    net = Net()
    url = f"{AS}/{step}_token"
    net.on(url, oauth1_answer(MIB))

    async def scenario() -> Any:
        async with opened(oauth1(flavor, net, verifier="verifier-1")) as client:
            call = client.fetch_request_token if step == "request" else client.fetch_access_token
            return await aw(call(url))

    token = flavor.run(scenario)
    assert token["oauth_token"] == "t-0123456789"
