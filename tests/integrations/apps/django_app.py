"""The minimal Django app of docs/integrations/django.md (views and URLconf in one module).

``configure()`` sets up Django's settings for the tests (once per process); the tests
register ``op`` on :data:`oauth` (``overwrite=True``) before they serve or call the app.
"""

from __future__ import annotations

import html
import json
import secrets
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from authwire import OAuthError
from authwire.integrations.django import OAuth

oauth = OAuth()

SIGNED_OUT = '<p id="status">Signed out</p><a id="login" href="/login">Sign in</a>'


def configure() -> None:
    from django.conf import settings

    if settings.configured:
        return
    settings.configure(
        DEBUG=False,
        SECRET_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS=["127.0.0.1", "localhost", "testserver"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
        ],
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
        USE_TZ=True,
    )
    import django

    django.setup()


def home(request: HttpRequest) -> HttpResponse:
    user = request.session.get("user")
    if user is None:
        return HttpResponse(SIGNED_OUT)
    return HttpResponse(
        f'<p id="status">Signed in as <span id="name">{html.escape(user["name"])}</span></p>'
        '<a id="api" href="/api">Call the API</a> <a id="logout" href="/logout">Sign out</a>'
    )


def login(request: HttpRequest) -> HttpResponse:
    params = {"response_mode": "form_post"} if request.GET.get("mode") == "form_post" else {}
    return oauth.op.authorize_redirect(request, request.build_absolute_uri("/auth"), **params)


@csrf_exempt  # the provider's form_post carries no CSRF token; the pending state binds it
def auth(request: HttpRequest) -> HttpResponse:
    try:
        token = oauth.op.authorize_access_token(request)
    except OAuthError as error:
        return HttpResponse(
            f'<p id="refused">Sign-in refused: {html.escape(error.error)}</p>', status=400
        )
    claims = token.get("userinfo") or {}  # OpenID providers; none from plain OAuth 2 ones
    request.session["user"] = {"name": claims.get("name") or claims.get("sub") or "you"}
    return _see_other("/")


def _see_other(url: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


def api(request: HttpRequest) -> HttpResponse:
    try:
        client = oauth.op.user_client(request)
    except OAuthError:
        return _see_other("/login")
    with client:
        answer = client.get(client.metadata["userinfo_endpoint"])
    body = json.dumps(answer.json(), sort_keys=True)
    return HttpResponse(f'<pre id="api-result">{html.escape(body)}</pre>')


def logout(request: HttpRequest) -> HttpResponse:
    request.session.pop("user", None)
    return oauth.op.logout_redirect(request, request.build_absolute_uri("/logged-out"))


def logged_out(request: HttpRequest) -> HttpResponse:
    return HttpResponse(SIGNED_OUT)


urlpatterns: list[Any] = [
    path("", home),
    path("login", login),
    path("auth", auth),
    path("api", api),
    path("logout", logout),
    path("logged-out", logged_out),
]
