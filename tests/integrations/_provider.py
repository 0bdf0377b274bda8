"""The interop oidc-provider with its HTML login and consent pages on, and a web-app client.

The browser tests run the same Node peer as ``tests/interop`` (see ``tests/interop/_oidc.py``)
with two additions to its config file: ``interactive`` (the password of the one account, which
switches ``oidc_provider/interaction.mjs`` from automatic login and consent to real forms),
and :data:`WEBAPP` below, the client the example apps sign in with. It is a ``native`` client
(OpenID Connect Registration §2) so that its loopback redirect URIs match on any port
(RFC 8252 §7.3): the apps listen on free ports chosen at run time.
"""

from __future__ import annotations

import dataclasses
import secrets
from typing import Any

from tests.interop._oidc import ProviderSetup

#: Every secret is fresh for each test session.
PASSWORD = secrets.token_urlsafe(16)
WEBAPP_CLIENT_ID = "webapp-client"
WEBAPP_SECRET = secrets.token_urlsafe(32)
#: The callback and post-logout paths of the example apps (any loopback port).
CALLBACK_PATH = "/auth"
LOGGED_OUT_PATH = "/logged-out"

WEBAPP: dict[str, Any] = {
    "client_id": WEBAPP_CLIENT_ID,
    "client_secret": WEBAPP_SECRET,
    "application_type": "native",
    "token_endpoint_auth_method": "client_secret_basic",
    "grant_types": ["authorization_code", "refresh_token"],
    "response_types": ["code"],
    "redirect_uris": [f"http://127.0.0.1{CALLBACK_PATH}"],
    "post_logout_redirect_uris": [f"http://127.0.0.1{LOGGED_OUT_PATH}"],
}


class BrowserProviderSetup(ProviderSetup):
    """``ProviderSetup`` whose config turns the interaction pages on and adds :data:`WEBAPP`."""

    def config(self) -> dict[str, Any]:
        config = super().config()
        config["clients"] = [*config["clients"], dict(WEBAPP)]
        config["interactive"] = {"password": PASSWORD}
        return config


def browser_setup() -> BrowserProviderSetup:
    base = ProviderSetup.generate()
    return BrowserProviderSetup(**{f.name: getattr(base, f.name) for f in dataclasses.fields(base)})
