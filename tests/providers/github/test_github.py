"""The GitHub plugin: its provider, its named constructors, and GitHub's token endpoint quirks.

The fake below answers as docs.github.com documents: the token endpoint speaks JSON only
when asked with ``Accept: application/json`` and form encoding otherwise, and reports errors
with HTTP 200; ``GET /user`` and ``GET /user/emails`` answer the REST API's JSON.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import authwire_github
import httpx
import pytest
from authwire_github import (
    GITHUB,
    accept_json,
    async_fetch_primary_email,
    async_fetch_user,
    async_oauth2_client,
    fetch_primary_email,
    fetch_user,
    form_to_json,
    oauth2_client,
    primary_email,
)

from authwire import (
    AsyncOAuth2Client,
    OAuth2Client,
    OAuthError,
    TokenResponseError,
    providers,
)

from ..._flavors import Flavor, aw, opened

AUTHORIZE_URL = "https://github.com/login/oauth/authorize"
TOKEN_URL = "https://github.com/login/oauth/access_token"
DEVICE_URL = "https://github.com/login/device/code"
REDIRECT = "https://app.example/callback"
CLIENT_ID = "Iv1.8a61f9b3a7aba766"
CLIENT_SECRET = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"

# docs.github.com, "Authorizing OAuth apps" (OAuth app token) and "Generating a user access
# token for a GitHub App" / "Refreshing user access tokens" (expiring GitHub App tokens)
OAUTH_APP_TOKEN = {
    "access_token": "gho_16C7e42F292c6912E7710c838347Ae178B4a",
    "scope": "repo,gist",
    "token_type": "bearer",
}
APP_TOKEN = {
    "access_token": "ghu_16C7e42F292c6912E7710c838347Ae178B4a",
    "expires_in": 28800,
    "refresh_token": (
        "ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498"
    ),
    "refresh_token_expires_in": 15897600,
    "scope": "",
    "token_type": "bearer",
}
ROTATED_TOKEN = {
    **APP_TOKEN,
    "access_token": "ghu_2nd7e42F292c6912E7710c838347Ae178B4b",
    "refresh_token": (
        "ghr_2nd2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1499"
    ),
}
THIRD_TOKEN = {
    **APP_TOKEN,
    "access_token": "ghu_3rd7e42F292c6912E7710c838347Ae178B4c",
    "refresh_token": (
        "ghr_3rd2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1490"
    ),
}
# "Troubleshooting OAuth app access token request errors" (answered with HTTP 200)
BAD_VERIFICATION_CODE = {
    "error": "bad_verification_code",
    "error_description": "The code passed is incorrect or expired.",
    # the docs' examples give error_uri as a path on docs.github.com
    "error_uri": (
        "/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors"
        "/#bad-verification-code"
    ),
}
# not in GitHub's docs: what GitHub answers (HTTP 200) to a used, revoked or expired refresh token
BAD_REFRESH_TOKEN = {
    "error": "bad_refresh_token",
    "error_description": "The refresh token passed is incorrect or expired.",
    "error_uri": "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors",
}
# REST API, "Get the authenticated user" and "List email addresses for the authenticated user"
USER = {
    "login": "octocat",
    "id": 1,
    "node_id": "MDQ6VXNlcjE=",
    "avatar_url": "https://github.com/images/error/octocat_happy.gif",
    "html_url": "https://github.com/octocat",
    "type": "User",
    "site_admin": False,
    "name": "monalisa octocat",
    "company": "GitHub",
    "email": None,
}
EMAILS = [
    {"email": "octocat@users.noreply.github.com", "verified": True, "primary": False,
     "visibility": None},
    {"email": "octocat@github.com", "verified": True, "primary": True, "visibility": "private"},
]  # fmt: skip

FORM = "application/x-www-form-urlencoded; charset=utf-8"


# -- a GitHub over MockTransport -------------------------------------------------------------


@dataclass
class FakeGitHub:
    """github.com's token endpoint and REST API, scripted and recorded.

    ``token_answers`` are field dicts, used in order (the last one repeats). The answer is
    JSON when the request asks for it and ``honour_accept`` is true; otherwise it is form
    encoded, under ``form_content_type``.
    """

    token_answers: list[dict[str, Any]] = field(default_factory=list)
    honour_accept: bool = True
    form_content_type: str = FORM
    requests: list[httpx.Request] = field(default_factory=list)

    def token_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if str(r.url) == TOKEN_URL]

    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.host == "api.github.com"]

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if str(request.url) == TOKEN_URL and request.method == "POST":
            fields = (
                self.token_answers.pop(0) if len(self.token_answers) > 1 else self.token_answers[0]
            )
            wants_json = "application/json" in request.headers.get("accept", "")
            if wants_json and self.honour_accept:
                return httpx.Response(200, json=fields)
            return httpx.Response(
                200,
                content=urlencode(fields).encode(),
                headers={"Content-Type": self.form_content_type},
            )
        if request.url.host == "api.github.com":
            if not request.headers.get("authorization", "").startswith("Bearer gh"):
                return httpx.Response(401, json={"message": "Requires authentication"})
            if request.url.path == "/user":
                return httpx.Response(200, json=USER)
            if request.url.path == "/user/emails":
                return httpx.Response(200, json=EMAILS)
        return httpx.Response(404, json={"message": "Not Found"})

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


def form(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode(), keep_blank_values=True))


def make_client(flavor: Flavor, github: FakeGitHub, **kwargs: Any) -> Any:
    constructor: Any = flavor.pick(oauth2_client, async_oauth2_client)
    kwargs.setdefault("client_secret", CLIENT_SECRET)
    kwargs.setdefault("redirect_uri", REDIRECT)
    return constructor(CLIENT_ID, transport=github.transport(), **kwargs)


def callback(**params: str) -> str:
    return f"{REDIRECT}?{urlencode(params)}"


def expired(token: dict[str, Any]) -> dict[str, Any]:
    return {**token, "expires_at": int(time.time()) - 10}


# -- the registry and the provider ------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def registry_loaded() -> None:
    """Load the plugins once; only a warning about this plugin fails the module.

    Other plugins installed in the same environment may be broken or half written; their
    warnings are not this plugin's business (they fail their own tests).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        providers.names()
    mine = [str(w.message) for w in caught if "'github'" in str(w.message)]
    assert mine == []


def test_the_registry_lists_github() -> None:
    assert "github" in providers.names()
    assert "github" not in providers.errors()
    assert providers.get("github") is GITHUB


def test_entry_point() -> None:
    [ep] = [ep for ep in entry_points(group="authwire") if ep.name == "github"]
    assert ep.load() is authwire_github


def test_provider_values() -> None:
    assert GITHUB.name == "github"
    assert GITHUB.title == "GitHub"
    assert GITHUB.authorization_endpoint == AUTHORIZE_URL
    assert GITHUB.token_endpoint == TOKEN_URL
    assert GITHUB.device_authorization_endpoint == DEVICE_URL
    assert GITHUB.issuer is None  # not an OpenID provider for user sign-in
    assert GITHUB.userinfo_endpoint is None  # userinfo() needs an ID token: see fetch_user
    assert GITHUB.revocation_endpoint is None  # no RFC 7009 endpoint
    assert GITHUB.scope == ("read:user", "user:email")
    assert GITHUB.token_endpoint_auth_method == "client_secret_post"
    assert GITHUB.code_challenge_method == "S256"
    assert GITHUB.extra["user_url"] == "https://api.github.com/user"
    assert GITHUB.extra["emails_url"] == "https://api.github.com/user/emails"
    assert set(GITHUB.compliance_hooks) == {
        "access_token_request",
        "access_token_response",
        "refresh_token_request",
        "refresh_token_response",
    }


def summary(client: Any) -> dict[str, Any]:
    engine = client.oauth
    return {
        "type": type(client),
        "client_id": engine.client_id,
        "client_secret": engine.client_secret,
        "auth_method": engine.token_endpoint_auth_method,
        "scope": engine.scope,
        "redirect_uri": engine.redirect_uri,
        "pkce": engine.code_challenge_method,
        "metadata": engine.metadata,
        "authorize_params": engine.authorize_params,
        "hooks": engine._hooks,
        "timeout": client.timeout,
    }


@pytest.mark.parametrize(
    ("constructor", "cls"),
    [(oauth2_client, OAuth2Client), (async_oauth2_client, AsyncOAuth2Client)],
)
@pytest.mark.parametrize(
    "kwargs",
    [
        {"client_secret": CLIENT_SECRET},
        {},
        {"client_secret": CLIENT_SECRET, "redirect_uri": REDIRECT, "scope": "repo", "timeout": 9},
        {"client_secret": CLIENT_SECRET, "prompt": "select_account"},
    ],
)
def test_named_constructors_equal_from_provider(
    constructor: Callable[..., Any], cls: Any, kwargs: dict[str, Any]
) -> None:
    named = constructor(CLIENT_ID, **kwargs)
    by_name = cls.from_provider("github", client_id=CLIENT_ID, **kwargs)
    assert type(named) is cls
    assert summary(named) == summary(by_name)
    expected = "client_secret_post" if kwargs.get("client_secret") else "none"
    assert named.oauth.token_endpoint_auth_method == expected


def test_allow_signup() -> None:
    client = oauth2_client(CLIENT_ID, CLIENT_SECRET, allow_signup=False)
    same = OAuth2Client.from_provider(
        "github",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        authorize_params={"allow_signup": "false"},
    )
    assert summary(client) == summary(same)
    query = parse_qs(urlsplit(client.create_authorization_url()[0]).query)
    assert query["allow_signup"] == ["false"]
    with pytest.raises(TypeError, match="allow_signup"):
        oauth2_client(CLIENT_ID, allow_signup="no")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not both"):
        oauth2_client(CLIENT_ID, allow_signup=True, authorize_params={"allow_signup": "false"})


# -- authorization URL -------------------------------------------------------------------------


def test_authorization_url(flavor: Flavor) -> None:
    github = FakeGitHub()

    async def scenario() -> None:
        async with opened(make_client(flavor, github)) as client:
            url, state = client.create_authorization_url()
            parts = urlsplit(url)
            assert f"{parts.scheme}://{parts.netloc}{parts.path}" == AUTHORIZE_URL
            query = parse_qs(parts.query)
            assert query["client_id"] == [CLIENT_ID]
            assert query["redirect_uri"] == [REDIRECT]
            assert query["scope"] == ["read:user user:email"]
            assert query["state"] == [state]
            assert query["code_challenge_method"] == ["S256"]
            assert len(query["code_challenge"][0]) == 43
            assert "prompt" not in query
            assert "nonce" not in query

            url, _ = client.create_authorization_url(prompt="select_account", login="octocat")
            query = parse_qs(urlsplit(url).query)
            assert query["prompt"] == ["select_account"]
            assert query["login"] == ["octocat"]

        async with opened(make_client(flavor, github, prompt="select_account")) as client:
            query = parse_qs(urlsplit(client.create_authorization_url()[0]).query)
            assert query["prompt"] == ["select_account"]

    flavor.run(scenario)
    assert github.requests == []


# -- code exchange -----------------------------------------------------------------------------


def test_code_exchange(flavor: Flavor) -> None:
    github = FakeGitHub([OAUTH_APP_TOKEN])

    async def scenario() -> None:
        async with opened(make_client(flavor, github)) as client:
            _, state = client.create_authorization_url()
            verifier = client.authorization_request.code_verifier
            token = await aw(
                client.fetch_token(authorization_response=callback(code="c0de", state=state))
            )
            assert token["access_token"] == OAUTH_APP_TOKEN["access_token"]
            assert token["scope"] == "repo,gist"  # GitHub's commas, kept as sent
            assert client.token is token
            [sent] = github.token_requests()
            assert form(sent)["code_verifier"] == verifier

    flavor.run(scenario)
    [sent] = github.token_requests()
    assert sent.headers["accept"] == "application/json"
    assert "authorization" not in sent.headers  # client_secret_post
    body = form(sent)
    assert body["client_id"] == CLIENT_ID
    assert body["client_secret"] == CLIENT_SECRET
    assert body["grant_type"] == "authorization_code"
    assert body["code"] == "c0de"
    assert body["redirect_uri"] == REDIRECT


def test_a_callers_accept_header_is_replaced(flavor: Flavor) -> None:
    github = FakeGitHub([OAUTH_APP_TOKEN])

    async def scenario() -> None:
        async with opened(make_client(flavor, github)) as client:
            await aw(client.fetch_token(code="c0de", headers={"accept": "application/xml"}))

    flavor.run(scenario)
    [sent] = github.token_requests()
    assert sent.headers.get_list("accept") == ["application/json"]


@pytest.mark.parametrize(
    "content_type",
    [FORM, "application/json; charset=utf-8", "text/plain"],
    ids=["form", "mislabelled-json", "text-plain"],
)
def test_form_encoded_token_from_a_server_that_ignores_accept(
    flavor: Flavor, content_type: str
) -> None:
    github = FakeGitHub([OAUTH_APP_TOKEN], honour_accept=False, form_content_type=content_type)

    async def scenario() -> dict[str, Any]:
        async with opened(make_client(flavor, github)) as client:
            token = await aw(client.fetch_token(code="c0de"))
            # the token works for the API
            assert (await aw(fetch(flavor)(client)))["login"] == "octocat"
            return dict(token)

    token = flavor.run(scenario)
    assert token["access_token"] == OAUTH_APP_TOKEN["access_token"]
    assert token["token_type"] == "bearer"
    assert token["scope"] == "repo,gist"
    assert github.api_requests()[0].headers["authorization"] == (
        f"Bearer {OAUTH_APP_TOKEN['access_token']}"
    )


def test_form_encoded_expiring_token_gets_numbers(flavor: Flavor) -> None:
    github = FakeGitHub([APP_TOKEN], honour_accept=False)

    async def scenario() -> dict[str, Any]:
        async with opened(make_client(flavor, github)) as client:
            return dict(await aw(client.fetch_token(code="c0de")))

    before = time.time()
    token = flavor.run(scenario)
    assert token["expires_in"] == 28800
    assert token["refresh_token_expires_in"] == 15897600
    assert token["refresh_token"] == APP_TOKEN["refresh_token"]
    assert before + 28800 - 5 <= token["expires_at"] <= time.time() + 28800


@pytest.mark.parametrize("honour_accept", [True, False], ids=["json", "form"])
def test_an_error_with_http_200_on_code_exchange(flavor: Flavor, honour_accept: bool) -> None:
    github = FakeGitHub([BAD_VERIFICATION_CODE], honour_accept=honour_accept)

    async def scenario() -> None:
        async with opened(make_client(flavor, github)) as client:
            _, state = client.create_authorization_url()
            with pytest.raises(OAuthError) as caught:
                await aw(
                    client.fetch_token(authorization_response=callback(code="old", state=state))
                )
            assert client.token is None
            error = caught.value
            assert error.error == "bad_verification_code"
            assert error.description == BAD_VERIFICATION_CODE["error_description"]
            assert error.uri == BAD_VERIFICATION_CODE["error_uri"]

    flavor.run(scenario)


def test_an_html_page_is_not_taken_for_a_token(flavor: Flavor) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            502, text="<html><body>Bad gateway</body></html>", headers={"Content-Type": "text/html"}
        )

    async def scenario() -> None:
        constructor: Any = flavor.pick(oauth2_client, async_oauth2_client)
        client = constructor(CLIENT_ID, CLIENT_SECRET, transport=httpx.MockTransport(handle))
        async with opened(client):
            with pytest.raises(TokenResponseError) as caught:
                await aw(client.fetch_token(code="c0de"))
            assert caught.value.status_code == 502

    flavor.run(scenario)


# -- expiring user tokens of GitHub Apps: refresh rotates both tokens -------------------------


def fetch(flavor: Flavor) -> Any:
    return flavor.pick(fetch_user, async_fetch_user)


@pytest.mark.parametrize("honour_accept", [True, False], ids=["json", "form"])
def test_refresh_rotates_both_tokens(flavor: Flavor, honour_accept: bool) -> None:
    github = FakeGitHub([ROTATED_TOKEN, THIRD_TOKEN], honour_accept=honour_accept)
    updates: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def update_token(token: dict[str, Any], **kwargs: Any) -> None:
        updates.append((dict(token), kwargs))

    async def scenario() -> None:
        client = make_client(flavor, github, token=expired(APP_TOKEN), update_token=update_token)
        async with opened(client):
            # an API call with the expired token refreshes it first
            assert (await aw(fetch(flavor)(client)))["login"] == "octocat"
            assert client.token["access_token"] == ROTATED_TOKEN["access_token"]
            assert client.token["refresh_token"] == ROTATED_TOKEN["refresh_token"]
            # the rotated refresh token is the one used next
            token = await aw(client.refresh_token())
            assert token["access_token"] == THIRD_TOKEN["access_token"]
            assert token["refresh_token"] == THIRD_TOKEN["refresh_token"]

    flavor.run(scenario)
    first, second = github.token_requests()
    for sent, used in ((first, APP_TOKEN), (second, ROTATED_TOKEN)):
        assert sent.headers["accept"] == "application/json"
        assert "authorization" not in sent.headers
        assert form(sent) == {
            "grant_type": "refresh_token",
            "refresh_token": used["refresh_token"],
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }
    [api] = github.api_requests()
    assert api.headers["authorization"] == f"Bearer {ROTATED_TOKEN['access_token']}"
    assert [(t["access_token"], t["refresh_token"], kw) for t, kw in updates] == [
        (
            ROTATED_TOKEN["access_token"],
            ROTATED_TOKEN["refresh_token"],
            {"refresh_token": APP_TOKEN["refresh_token"]},
        ),
        (
            THIRD_TOKEN["access_token"],
            THIRD_TOKEN["refresh_token"],
            {"refresh_token": ROTATED_TOKEN["refresh_token"]},
        ),
    ]
    assert updates[0][0]["refresh_token_expires_in"] == 15897600


@pytest.mark.parametrize("honour_accept", [True, False], ids=["json", "form"])
def test_an_error_with_http_200_on_refresh(flavor: Flavor, honour_accept: bool) -> None:
    github = FakeGitHub([BAD_REFRESH_TOKEN], honour_accept=honour_accept)
    updates: list[Any] = []

    async def scenario() -> None:
        client = make_client(
            flavor, github, token=expired(APP_TOKEN), update_token=lambda *a, **k: updates.append(a)
        )
        async with opened(client):
            old = client.token
            with pytest.raises(OAuthError) as caught:
                await aw(client.refresh_token())
            assert caught.value.error == "bad_refresh_token"
            assert caught.value.description == BAD_REFRESH_TOKEN["error_description"]
            assert caught.value.uri == BAD_REFRESH_TOKEN["error_uri"]
            assert client.token is old
            # and on the automatic refresh before an API call
            with pytest.raises(OAuthError, match="bad_refresh_token"):
                await aw(fetch(flavor)(client))
            assert client.token is old

    flavor.run(scenario)
    assert updates == []
    assert len(github.token_requests()) == 2
    assert github.api_requests() == []


def test_public_client_refresh_sends_no_secret(flavor: Flavor) -> None:
    # a token from the device flow: GitHub refreshes it without client_secret
    github = FakeGitHub([ROTATED_TOKEN])

    async def scenario() -> None:
        client = make_client(flavor, github, client_secret=None, token=expired(APP_TOKEN))
        async with opened(client):
            token = await aw(client.refresh_token())
            assert token["refresh_token"] == ROTATED_TOKEN["refresh_token"]

    flavor.run(scenario)
    [sent] = github.token_requests()
    assert "authorization" not in sent.headers
    assert form(sent) == {
        "grant_type": "refresh_token",
        "refresh_token": APP_TOKEN["refresh_token"],
        "client_id": CLIENT_ID,
    }


# -- REST API helpers --------------------------------------------------------------------------


def test_fetch_user_and_primary_email(flavor: Flavor) -> None:
    github = FakeGitHub()

    async def scenario() -> tuple[dict[str, Any], str | None]:
        async with opened(make_client(flavor, github, token=OAUTH_APP_TOKEN)) as client:
            user = await aw(fetch(flavor)(client))
            fetch_email: Any = flavor.pick(fetch_primary_email, async_fetch_primary_email)
            email = await aw(fetch_email(client))
            return user, email

    user, email = flavor.run(scenario)
    assert user == USER
    assert user["email"] is None  # private: hence /user/emails
    assert email == "octocat@github.com"
    user_request, emails_request = github.api_requests()
    assert str(user_request.url) == "https://api.github.com/user"
    assert str(emails_request.url) == "https://api.github.com/user/emails"
    for sent in (user_request, emails_request):
        assert sent.headers["authorization"] == f"Bearer {OAUTH_APP_TOKEN['access_token']}"
        assert sent.headers["accept"] == "application/vnd.github+json"
        assert sent.headers["x-github-api-version"] == "2022-11-28"


def test_fetch_user_raises_for_an_http_error(flavor: Flavor) -> None:
    github = FakeGitHub()

    async def scenario() -> None:
        token = {**OAUTH_APP_TOKEN, "access_token": "revoked-token-value"}
        async with opened(make_client(flavor, github, token=token)) as client:
            with pytest.raises(httpx.HTTPStatusError):
                await aw(fetch(flavor)(client))

    flavor.run(scenario)


def test_fetch_user_on_a_github_enterprise_server() -> None:
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=USER)

    client = oauth2_client(CLIENT_ID, token=OAUTH_APP_TOKEN, transport=httpx.MockTransport(handle))
    with client:
        fetch_user(client, api_url="https://ghe.example/api/v3/")
    assert seen == ["https://ghe.example/api/v3/user"]


@pytest.mark.parametrize(
    ("emails", "expected"),
    [
        (EMAILS, "octocat@github.com"),
        ([{**EMAILS[1], "verified": False}], None),  # unverified: proves nothing
        ([EMAILS[0]], None),  # no primary
        ([], None),
        (["junk", None, {"primary": True, "verified": True}], None),
    ],
)
def test_primary_email(emails: list[Any], expected: str | None) -> None:
    assert primary_email(emails) == expected


# -- the hooks on their own --------------------------------------------------------------------


def test_accept_json_replaces_any_accept_header() -> None:
    url, headers, body = accept_json(
        TOKEN_URL, {"ACCEPT": "application/xml", "Content-Type": FORM}, "code=x"
    )
    assert (url, body) == (TOKEN_URL, "code=x")
    assert headers == {"Content-Type": FORM, "Accept": "application/json"}


def response(content: bytes | str, content_type: str = FORM, status: int = 200) -> httpx.Response:
    body = content.encode() if isinstance(content, str) else content
    return httpx.Response(
        status,
        content=body,
        headers={"Content-Type": content_type, "X-GitHub-Request-Id": "ABCD:1234"},
        request=httpx.Request("POST", TOKEN_URL),
    )


def test_form_to_json_rewrites_a_form_token() -> None:
    fixed = form_to_json(response(urlencode(APP_TOKEN)))
    assert fixed.status_code == 200
    assert fixed.headers["content-type"] == "application/json"
    assert fixed.headers["x-github-request-id"] == "ABCD:1234"
    assert int(fixed.headers["content-length"]) == len(fixed.content)
    assert json.loads(fixed.content) == APP_TOKEN  # the numbers are numbers again
    assert fixed.request.url == TOKEN_URL


def test_form_to_json_rewrites_a_form_error_and_keeps_its_status() -> None:
    fixed = form_to_json(response(urlencode(BAD_VERIFICATION_CODE)))
    assert fixed.status_code == 200
    assert json.loads(fixed.content) == BAD_VERIFICATION_CODE
    fixed = form_to_json(response(urlencode({"error": "invalid_request"}), status=400))
    assert fixed.status_code == 400
    assert json.loads(fixed.content) == {"error": "invalid_request"}


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (json.dumps(OAUTH_APP_TOKEN), "application/json"),
        (json.dumps(OAUTH_APP_TOKEN), FORM),  # JSON under a form label: already readable
        (json.dumps(["not", "an", "object"]), "application/json"),
        ("", FORM),
        ("<html><body>access_token=nope</body></html>", "text/html"),
        ("Not Found", "text/plain"),
        ("foo=bar&baz=1", FORM),  # neither a token nor an error
        ("access_token=a&access_token=b&token_type=bearer", FORM),  # ambiguous
        (b"access_token=\xff\xfe", FORM),  # not UTF-8
    ],
)
def test_form_to_json_leaves_everything_else_alone(content: str | bytes, content_type: str) -> None:
    original = response(content, content_type)
    assert form_to_json(original) is original


def test_form_to_json_without_a_request() -> None:
    fixed = form_to_json(httpx.Response(200, content=b"access_token=abc&token_type=bearer"))
    assert json.loads(fixed.content) == {"access_token": "abc", "token_type": "bearer"}
