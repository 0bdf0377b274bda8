"""Sign-in with OAuth 2 / OpenID Connect providers for Starlette and FastAPI apps.

Install with ``pip install "authwire[starlette]"``; the app needs Starlette's
``SessionMiddleware`` (the pending sign-ins live in ``request.session``; the users' tokens
never do: they go to the registry's token store). Every step that may talk to the provider is
awaited. See ``docs/integrations/starlette.md`` for a complete app.

    oauth = OAuth()
    oauth.register("op", server_metadata_url=..., client_id=..., client_secret=...,
                   client_kwargs={"scope": "openid profile email"})

    async def login(request):
        return await oauth.op.authorize_redirect(request, request.url_for("auth"))

    async def auth(request):
        token = await oauth.op.authorize_access_token(request)
        request.session["user"] = dict(token["userinfo"])
        ...
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse

from ..client.async_oauth2 import AsyncOAuth2Client
from ..token import OAuth2Token
from ._base import BaseOAuth, BaseRemoteApp

__all__ = ["OAuth", "StarletteOAuth2App"]


def _session(request: Request) -> MutableMapping[str, Any]:
    if "session" not in request.scope:
        raise RuntimeError(
            "authwire.integrations.starlette needs a session: add Starlette's "
            "SessionMiddleware to the app"
        )
    session: MutableMapping[str, Any] = request.session
    return session


async def _callback_params(request: Request) -> dict[str, str]:
    """The authorization response: the query of a redirect, or a ``form_post`` body.

    OAuth 2.0 Form Post Response Mode §2.
    """
    if request.method == "POST":
        form = await request.form()
        return {k: v for k, v in form.items() if isinstance(v, str)}
    return dict(request.query_params)


class StarletteOAuth2App(BaseRemoteApp):
    """A registered provider, as ``oauth.<name>`` in a Starlette or FastAPI app."""

    async def authorize_redirect(
        self, request: Request, redirect_uri: Any = None, **params: Any
    ) -> RedirectResponse:
        """Send the browser to the provider; the pending sign-in goes to the session.

        ``redirect_uri`` (a str or Starlette's ``URL``) is this app's callback; ``params``
        are extra authorization parameters (``prompt``, ``login_hint``, ...). Each call
        starts its own sign-in, so two tabs signing in at once both complete.
        RFC 6749 §4.1.1.
        """
        url = await self._begin_async(
            _session(request), None if redirect_uri is None else str(redirect_uri), params
        )
        return RedirectResponse(url, status_code=302)

    async def authorize_access_token(self, request: Request, **kwargs: Any) -> OAuth2Token:
        """Complete the sign-in in the callback view: the token, its ID-token claims checked.

        The callback (query or ``form_post``) must match a sign-in this browser session
        started and that has not expired; it is consumed, so a replay is refused
        ([`MismatchingStateError`][authwire.MismatchingStateError]). ``token["userinfo"]`` holds the
        validated ID-token claims, with the UserInfo claims added. The token is saved in
        the registry's token store for
        [`user_client()`][authwire.integrations.starlette.StarletteOAuth2App.user_client]. RFC 6749
        §4.1.2, §10.12;
        OpenID Connect Core §3.1.3.7.
        """
        params = await _callback_params(request)
        return await self._complete_async(_session(request), params, **kwargs)

    async def user_client(self, request: Request, **kwargs: Any) -> AsyncOAuth2Client:
        """An ``AsyncOAuth2Client`` with the signed-in user's token, for API calls.

        Renewed tokens are saved back to the token store. ``base_url`` is the
        registration's ``api_base_url``. Use it as ``async with await
        oauth.op.user_client(request) as client:``. Raises
        [`MissingTokenError`][authwire.MissingTokenError] when no user is signed in.
        """
        return await self._user_client_async(_session(request), **kwargs)

    async def logout_redirect(
        self, request: Request, post_logout_redirect_uri: Any = None, **params: Any
    ) -> RedirectResponse:
        """Sign the user out: tokens dropped from the store, then RP-initiated logout.

        Redirects to the provider's ``end_session_endpoint`` (with the ID token as hint)
        when it has one, else straight to ``post_logout_redirect_uri`` (default ``/``).
        OpenID Connect RP-Initiated Logout 1.0 §2.
        """
        url = await self._sign_out_async(
            _session(request),
            None if post_logout_redirect_uri is None else str(post_logout_redirect_uri),
            params,
        )
        return RedirectResponse(url, status_code=302)


class OAuth(BaseOAuth[StarletteOAuth2App]):
    """The registry of a Starlette / FastAPI app's providers (see `BaseOAuth`)."""

    app_class = StarletteOAuth2App
    """The class of each ``oauth.<name>``; a subclass may set its own."""
