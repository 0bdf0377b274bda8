"""End to end in a real browser: headless Chromium signs in to each framework's example app.

For each framework, the minimal app of its docs page runs on a real server on 127.0.0.1 and
the interop oidc-provider shows real HTML login and consent pages. The browser fills them,
lands back in the app, sees the user's name, calls an API with the user's token (the
provider's UserInfo), and signs out through RP-initiated logout. Also: two tabs signing in
at once, a form_post callback, a forged callback and a replayed one (both refused).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.integrations import _servers
from tests.integrations._provider import (
    CALLBACK_PATH,
    LOGGED_OUT_PATH,
    PASSWORD,
    WEBAPP_CLIENT_ID,
    WEBAPP_SECRET,
)
from tests.interop._oidc import OidcProvider

pytestmark = pytest.mark.browser

FRAMEWORKS = ["starlette", "flask", "django"]


def _registration(provider: OidcProvider) -> dict[str, Any]:
    return {
        "server_metadata_url": provider.discovery_url,
        "client_id": WEBAPP_CLIENT_ID,
        "client_secret": WEBAPP_SECRET,
        "client_kwargs": {"scope": "openid profile email"},
    }


def _starlette(provider: OidcProvider) -> Any:
    from authwire.integrations.starlette import OAuth
    from tests.integrations.apps.starlette_app import create_app

    oauth = OAuth()
    oauth.register("op", **_registration(provider))
    return _servers.run_asgi(create_app(oauth))


def _flask(provider: OidcProvider) -> Any:
    from werkzeug.serving import make_server

    from authwire.integrations.flask import OAuth
    from tests.integrations.apps.flask_app import create_app

    app = create_app(OAuth(), _registration(provider))
    return _servers.run_wsgi(
        lambda sock: make_server("127.0.0.1", 0, app, threaded=True, fd=sock.fileno()), "werkzeug"
    )


def _django(provider: OidcProvider) -> Any:
    from tests.integrations.apps import django_app

    django_app.configure()
    django_app.oauth.register("op", overwrite=True, **_registration(provider))

    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    def server(sock: Any) -> Any:
        made = ThreadedWSGIServer(sock.getsockname(), WSGIRequestHandler, bind_and_activate=False)
        made.socket.close()
        made.socket = sock.dup()  # already bound and listening
        made.server_address = sock.getsockname()
        made.server_name, made.server_port = made.server_address
        made.setup_environ()  # what server_bind() does after binding
        made.set_app(WSGIHandler())
        return made

    return _servers.run_wsgi(server, "django")


SERVERS: dict[str, Callable[[OidcProvider], Any]] = {
    "starlette": _starlette,
    "flask": _flask,
    "django": _django,
}


@pytest.fixture(params=FRAMEWORKS)
def app_url(request: pytest.FixtureRequest, browser_provider: OidcProvider) -> Iterator[str]:
    """The base URL of the framework's example app, served on 127.0.0.1."""
    with SERVERS[request.param](browser_provider) as url:
        yield url


def _fill_login(page: Any, provider: OidcProvider) -> None:
    page.wait_for_selector("body[data-page=login]")
    page.fill("#username", provider.account.sub)
    page.fill("#password", PASSWORD)
    page.click("#login")


def _consent(page: Any) -> None:
    page.wait_for_selector("body[data-page=consent]")
    assert "openid" in page.inner_text("#scopes")
    page.click("#allow")


def _signed_in_name(page: Any, app_url: str) -> str:
    page.wait_for_url(f"{app_url}/")
    name: str = page.inner_text("#name")
    return name


def _sign_in(page: Any, app_url: str, provider: OidcProvider, login: str = "/login") -> None:
    page.goto(app_url + login)
    _fill_login(page, provider)
    _consent(page)


def test_sign_in_call_api_sign_out(new_page: Any, app_url: str, browser_provider: Any) -> None:
    page = new_page("main")
    page.goto(app_url + "/")
    assert page.inner_text("#status") == "Signed out"
    page.click("#login")
    page.wait_for_selector("body[data-page=login]")
    assert page.url.startswith(browser_provider.issuer)  # at the provider, not the app

    # a wrong password is refused by the provider's own form
    page.fill("#username", browser_provider.account.sub)
    page.fill("#password", PASSWORD + "-wrong")
    page.click("#login")
    assert page.inner_text("#error") == "Wrong username or password"

    _fill_login(page, browser_provider)
    _consent(page)
    assert _signed_in_name(page, app_url) == browser_provider.account.claims["name"]

    page.click("#api")
    page.wait_for_url(f"{app_url}/api")
    claims = json.loads(page.inner_text("#api-result"))
    assert claims["sub"] == browser_provider.account.sub
    assert claims["email"] == browser_provider.account.claims["email"]

    page.goto(app_url + "/")
    page.click("#logout")
    page.wait_for_url(f"{app_url}{LOGGED_OUT_PATH}*")
    assert page.inner_text("#status") == "Signed out"
    # the app forgot the user and its token: the API sends the browser to sign in again
    page.goto(app_url + "/api")
    page.wait_for_selector("body[data-page=login]")  # the provider session ended too


def test_two_tabs_sign_in_at_once(new_page: Any, app_url: str, browser_provider: Any) -> None:
    first = new_page("first-tab")
    second = new_page("second-tab", context=first.context)  # same cookies: two tabs
    first.goto(app_url + "/login")
    second.goto(app_url + "/login")
    first.wait_for_selector("body[data-page=login]")
    second.wait_for_selector("body[data-page=login]")

    _fill_login(first, browser_provider)
    _consent(first)
    assert _signed_in_name(first, app_url) == browser_provider.account.claims["name"]

    # the second tab's login is still pending at the app: finishing it works as well
    # (the provider may ask its consent again: that interaction began before the grant)
    _fill_login(second, browser_provider)
    second.wait_for_selector("body[data-page=consent], #name")
    if second.query_selector("body[data-page=consent]"):
        second.click("#allow")
    assert _signed_in_name(second, app_url) == browser_provider.account.claims["name"]


def test_form_post_callback(new_page: Any, app_url: str, browser_provider: Any) -> None:
    page = new_page("form-post")
    posted: list[str] = []
    page.on(
        "request",
        lambda r: posted.append(r.method) if r.url.startswith(app_url + CALLBACK_PATH) else None,
    )
    _sign_in(page, app_url, browser_provider, login="/login?mode=form_post")
    assert _signed_in_name(page, app_url) == browser_provider.account.claims["name"]
    assert posted == ["POST"]


def test_forged_callback_is_refused(new_page: Any, app_url: str) -> None:
    page = new_page("forged")
    page.goto(app_url + "/login")  # a real sign-in in flight, with its own state
    page.wait_for_selector("body[data-page=login]")
    response = page.goto(f"{app_url}{CALLBACK_PATH}?code=forged-code&state=forged-state")
    assert response is not None
    assert response.status == 400
    assert page.inner_text("#refused") == "Sign-in refused: mismatching_state"
    page.goto(app_url + "/")
    assert page.inner_text("#status") == "Signed out"


def test_replayed_callback_is_refused(new_page: Any, app_url: str, browser_provider: Any) -> None:
    page = new_page("replay")
    callbacks: list[str] = []
    page.on(
        "request",
        lambda r: callbacks.append(r.url) if r.url.startswith(app_url + CALLBACK_PATH) else None,
    )
    _sign_in(page, app_url, browser_provider)
    assert _signed_in_name(page, app_url) == browser_provider.account.claims["name"]
    assert len(callbacks) == 1
    assert "code=" in callbacks[0]

    response = page.goto(callbacks[0])  # the same callback, code and state again
    assert response is not None
    assert response.status == 400
    assert page.inner_text("#refused") == "Sign-in refused: mismatching_state"

    # and from another browser (a stolen callback URL): no pending request there either
    other = new_page("replay-elsewhere")
    response = other.goto(callbacks[0])
    assert response is not None
    assert response.status == 400
