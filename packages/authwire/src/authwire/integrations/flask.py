"""Sign-in with OAuth 2 / OpenID Connect providers for Flask apps.

Install with ``pip install "authwire[flask]"``. The pending sign-ins live in Flask's
``session`` (so the app needs a ``SECRET_KEY``); the users' tokens never do: they go to the
registry's token store. Works with the app factory: ``oauth = OAuth()`` at import time, then
``oauth.init_app(app)`` in ``create_app()``. A registration's missing values are read from
the app's config as ``<NAME>_CLIENT_ID``, ``<NAME>_CLIENT_SECRET`` and so on (Authlib's
convention). See ``docs/integrations/flask.md`` for a complete app.

    oauth = OAuth()
    oauth.register("op", server_metadata_url=..., client_kwargs={"scope": "openid profile"})

    @app.route("/login")
    def login():
        return oauth.op.authorize_redirect(url_for("auth", _external=True))
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from flask import Flask, current_app, redirect, request, session
from werkzeug.wrappers import Response

from ..client.oauth2 import OAuth2Client
from ..token import OAuth2Token
from ._base import BaseOAuth, BaseRemoteApp

__all__ = ["FlaskOAuth2App", "OAuth"]

_CONFIG_KEYS = (
    "client_id",
    "client_secret",
    "server_metadata_url",
    "issuer",
    "authorize_url",
    "access_token_url",
    "api_base_url",
    "client_kwargs",
    "authorize_params",
)
"""Registration values read from ``app.config["<NAME>_<KEY>"]`` when not given."""


def _session() -> MutableMapping[str, Any]:
    return session


def _callback_params() -> dict[str, str]:
    """The authorization response: the query, or a ``form_post`` body (Form Post §2)."""
    source = request.form if request.method == "POST" else request.args
    return {k: v for k, v in source.items() if isinstance(v, str)}


class FlaskOAuth2App(BaseRemoteApp):
    """A registered provider, as ``oauth.<name>`` in a Flask app.

    As in Authlib's Flask client, the methods work on Flask's current request and session,
    so they take no ``request`` argument.
    """

    def authorize_redirect(self, redirect_uri: str | None = None, **params: Any) -> Response:
        """Send the browser to the provider; the pending sign-in goes to the session.

        Each call starts its own sign-in, so two tabs signing in at once both complete.
        RFC 6749 §4.1.1.
        """
        url = self._begin_sync(_session(), redirect_uri, params)
        return redirect(url, code=302)

    def authorize_access_token(self, **kwargs: Any) -> OAuth2Token:
        """Complete the sign-in in the callback view: the token, its ID-token claims checked.

        See
        [`authwire.integrations.starlette.StarletteOAuth2App.authorize_access_token()`][authwire.integrations.starlette.StarletteOAuth2App.authorize_access_token]
        (the same steps, not awaited).
        """
        return self._complete_sync(_session(), _callback_params(), **kwargs)

    def user_client(self, **kwargs: Any) -> OAuth2Client:
        """An ``OAuth2Client`` with the signed-in user's token, for API calls.

        Use it as ``with oauth.op.user_client() as client:``. Raises
        [`MissingTokenError`][authwire.MissingTokenError] when no user is signed in.
        """
        return self._user_client_sync(_session(), **kwargs)

    def logout_redirect(
        self, post_logout_redirect_uri: str | None = None, **params: Any
    ) -> Response:
        """Sign the user out: tokens dropped from the store, then RP-initiated logout.

        OpenID Connect RP-Initiated Logout 1.0 §2.
        """
        url = self._sign_out_sync(_session(), post_logout_redirect_uri, params)
        return redirect(url, code=302)


class OAuth(BaseOAuth[FlaskOAuth2App]):
    """The registry of a Flask app's providers (see `BaseOAuth`).

    ``OAuth(app)`` or, with an app factory, ``OAuth()`` then
    [`init_app()`][authwire.integrations.flask.OAuth.init_app].

    Args:
        app: the Flask app, or ``None`` to attach one later with ``init_app()``.
        **kwargs: the options of `BaseOAuth` (``token_store``, ``pending_ttl``...).

    Attributes:
        app: the app attached, or ``None``: then the current app's config is read.
    """

    app_class = FlaskOAuth2App
    """The class of each ``oauth.<name>``; a subclass may set its own."""

    def __init__(self, app: Flask | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app = app
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Attach to ``app`` (``app.extensions["authwire"]``); its config fills registrations."""
        self.app = app
        app.extensions["authwire"] = self

    def _settings(self, name: str) -> Mapping[str, Any]:
        app = self.app
        if app is None:
            try:
                app = current_app._get_current_object()  # type: ignore[attr-defined]
            except RuntimeError:  # outside an app context, with no app yet: nothing to read
                return {}
        config = app.config
        prefix = name.upper() + "_"
        return {
            key: config[prefix + key.upper()]
            for key in _CONFIG_KEYS
            if prefix + key.upper() in config
        }
