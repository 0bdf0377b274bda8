"""The minimal Flask app of docs/integrations/flask.md (an app factory), as the tests run it."""

from __future__ import annotations

import html
import json
import secrets
from typing import Any

from flask import Flask, redirect, request, session, url_for

from authwire import OAuthError
from authwire.integrations.flask import OAuth

SIGNED_OUT = '<p id="status">Signed out</p><a id="login" href="/login">Sign in</a>'


def create_app(oauth: OAuth, registration: dict[str, Any]) -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = secrets.token_urlsafe(32)
    oauth.init_app(app)
    oauth.register("op", **registration)

    @app.get("/")
    def home() -> Any:
        user = session.get("user")
        if user is None:
            return SIGNED_OUT
        return (
            f'<p id="status">Signed in as <span id="name">{html.escape(user["name"])}</span></p>'
            '<a id="api" href="/api">Call the API</a> <a id="logout" href="/logout">Sign out</a>'
        )

    @app.get("/login")
    def login() -> Any:
        params = {"response_mode": "form_post"} if request.args.get("mode") == "form_post" else {}
        return oauth.op.authorize_redirect(url_for("auth", _external=True), **params)

    @app.route("/auth", methods=["GET", "POST"])
    def auth() -> Any:
        try:
            token = oauth.op.authorize_access_token()
        except OAuthError as error:
            return f'<p id="refused">Sign-in refused: {html.escape(error.error)}</p>', 400
        claims = token["userinfo"]
        session["user"] = {"sub": claims["sub"], "name": claims.get("name", claims["sub"])}
        return redirect("/", code=303)

    @app.get("/api")
    def api() -> Any:
        try:
            client = oauth.op.user_client()
        except OAuthError:
            return redirect("/login", code=303)
        with client:
            answer = client.get(client.metadata["userinfo_endpoint"])
        body = json.dumps(answer.json(), sort_keys=True)
        return f'<pre id="api-result">{html.escape(body)}</pre>'

    @app.get("/logout")
    def logout() -> Any:
        session.pop("user", None)
        return oauth.op.logout_redirect(url_for("logged_out", _external=True))

    @app.get("/logged-out")
    def logged_out() -> Any:
        return SIGNED_OUT

    return app
