"""The minimal Starlette app of docs/integrations/starlette.md, as the browser tests run it.

``create_app(oauth)`` takes a registry where ``op`` is registered; the docs page registers it
inline. Routes: ``/`` (who is signed in), ``/login`` (``?mode=form_post`` asks for a form_post
callback), ``/auth`` (the callback, GET or POST), ``/api`` (an API call with the user's
token: the provider's UserInfo), ``/logout`` and ``/logged-out``.
"""

from __future__ import annotations

import html
import json
import secrets

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from authwire import OAuthError
from authwire.integrations.starlette import OAuth


def create_app(oauth: OAuth) -> Starlette:
    signed_out = '<p id="status">Signed out</p><a id="login" href="/login">Sign in</a>'

    async def home(request: Request) -> Response:
        user = request.session.get("user")
        if user is None:
            return HTMLResponse(
                '<p id="status">Signed out</p><a id="login" href="/login">Sign in</a>'
            )
        return HTMLResponse(
            f'<p id="status">Signed in as <span id="name">{html.escape(user["name"])}</span></p>'
            '<a id="api" href="/api">Call the API</a> <a id="logout" href="/logout">Sign out</a>'
        )

    async def login(request: Request) -> Response:
        params = {}
        if request.query_params.get("mode") == "form_post":
            params["response_mode"] = "form_post"
        return await oauth.op.authorize_redirect(request, request.url_for("auth"), **params)

    async def auth(request: Request) -> Response:
        try:
            token = await oauth.op.authorize_access_token(request)
        except OAuthError as error:
            return HTMLResponse(
                f'<p id="refused">Sign-in refused: {html.escape(error.error)}</p>', status_code=400
            )
        claims = token["userinfo"]
        request.session["user"] = {"sub": claims["sub"], "name": claims.get("name", claims["sub"])}
        return RedirectResponse("/", status_code=303)

    async def api(request: Request) -> Response:
        try:
            client = await oauth.op.user_client(request)
        except OAuthError:
            return RedirectResponse("/login", status_code=303)
        async with client:
            response = await client.get(client.metadata["userinfo_endpoint"])
        body = json.dumps(response.json(), sort_keys=True)
        return HTMLResponse(f'<pre id="api-result">{html.escape(body)}</pre>')

    async def logout(request: Request) -> Response:
        request.session.pop("user", None)
        return await oauth.op.logout_redirect(request, request.url_for("logged_out"))

    async def logged_out(request: Request) -> Response:
        return HTMLResponse(signed_out)

    return Starlette(
        routes=[
            Route("/", home),
            Route("/login", login),
            Route("/auth", auth, methods=["GET", "POST"]),
            Route("/api", api),
            Route("/logout", logout),
            Route("/logged-out", logged_out, name="logged_out"),
        ],
        middleware=[Middleware(SessionMiddleware, secret_key=secrets.token_urlsafe(32))],
    )
