"""Sign-in with OAuth 2 / OpenID Connect providers for Django apps.

Install with ``pip install "authwire[django]"``. The pending sign-ins live in Django's session
framework (``request.session``; ``SessionMiddleware`` required); the users' tokens never do:
they go to the registry's token store. A registration's missing values are read from the
``AUTHWIRE_OAUTH_CLIENTS`` setting (``{"op": {"client_id": ..., ...}}``, the shape of
Authlib's ``AUTHLIB_OAUTH_CLIENTS``). See ``docs/integrations/django.md`` for a complete app.

    oauth = OAuth()
    oauth.register("op", server_metadata_url=..., client_kwargs={"scope": "openid profile"})

    def login(request):
        return oauth.op.authorize_redirect(request, request.build_absolute_uri("/auth"))
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect

from ..client.oauth2 import OAuth2Client
from ..token import OAuth2Token
from ._base import BaseOAuth, BaseRemoteApp

__all__ = ["DjangoOAuth2App", "OAuth"]

SETTING = "AUTHWIRE_OAUTH_CLIENTS"


def _session(request: HttpRequest) -> MutableMapping[str, Any]:
    session = getattr(request, "session", None)
    if session is None:
        raise RuntimeError(
            "authwire.integrations.django needs Django's session framework: add "
            "django.contrib.sessions.middleware.SessionMiddleware to MIDDLEWARE"
        )
    return cast(MutableMapping[str, Any], session)


def _callback_params(request: HttpRequest) -> dict[str, str]:
    """The authorization response: the query, or a ``form_post`` body (Form Post §2)."""
    source = request.POST if request.method == "POST" else request.GET
    return {key: str(source[key]) for key in source}


class DjangoOAuth2App(BaseRemoteApp):
    """A registered provider, as ``oauth.<name>`` in a Django project."""

    def authorize_redirect(
        self, request: HttpRequest, redirect_uri: str | None = None, **params: Any
    ) -> HttpResponseRedirect:
        """Send the browser to the provider; the pending sign-in goes to the session.

        Each call starts its own sign-in, so two tabs signing in at once both complete.
        RFC 6749 §4.1.1.
        """
        url = self._begin_sync(_session(request), redirect_uri, params)
        return HttpResponseRedirect(url)

    def authorize_access_token(self, request: HttpRequest, **kwargs: Any) -> OAuth2Token:
        """Complete the sign-in in the callback view: the token, its ID-token claims checked.

        See
        [`authwire.integrations.starlette.StarletteOAuth2App.authorize_access_token()`][authwire.integrations.starlette.StarletteOAuth2App.authorize_access_token]
        (the same steps, not awaited). A ``form_post`` callback view must be
        ``@csrf_exempt``: the provider's POST carries no CSRF token, and the pending
        request's ``state`` is what binds the callback to this browser.
        """
        return self._complete_sync(_session(request), _callback_params(request), **kwargs)

    def user_client(self, request: HttpRequest, **kwargs: Any) -> OAuth2Client:
        """An ``OAuth2Client`` with the signed-in user's token, for API calls.

        Use it as ``with oauth.op.user_client(request) as client:``. Raises
        [`MissingTokenError`][authwire.MissingTokenError] when no user is signed in.
        """
        return self._user_client_sync(_session(request), **kwargs)

    def logout_redirect(
        self, request: HttpRequest, post_logout_redirect_uri: str | None = None, **params: Any
    ) -> HttpResponseRedirect:
        """Sign the user out: tokens dropped from the store, then RP-initiated logout.

        OpenID Connect RP-Initiated Logout 1.0 §2.
        """
        url = self._sign_out_sync(_session(request), post_logout_redirect_uri, params)
        return HttpResponseRedirect(url)


class OAuth(BaseOAuth[DjangoOAuth2App]):
    """The registry of a Django project's providers (see `BaseOAuth`)."""

    app_class = DjangoOAuth2App
    """The class of each ``oauth.<name>``; a subclass may set its own."""

    def _settings(self, name: str) -> Mapping[str, Any]:
        clients = getattr(settings, SETTING, None) or {}
        found = clients.get(name) if isinstance(clients, Mapping) else None
        return found if isinstance(found, Mapping) else {}
