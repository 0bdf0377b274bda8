"""Sign in with Apple for authwire.

``pip install "authwire[apple]"``, then::

    from authwire_apple import complete_sign_in, oauth2_client

    client = oauth2_client(SERVICES_ID, team_id=TEAM_ID, key_id=KEY_ID,
                           private_key=P8_CONTENT,
                           redirect_uri="https://app.example/auth/apple/callback")
    url, state = client.create_authorization_url()
    ...  # Apple POSTs the callback
    sign_in = complete_sign_in(client, form_body)
    sign_in.token, sign_in.claims["sub"], sign_in.user  # user: first sign-in only

which is ``OAuth2Client.from_provider("apple", client_secret=AppleClientSecret(...))``.
What the plugin takes care of:

- the client secret: an ES256 JWT signed with the ``.p8`` key (Team ID, Key ID, at most six
  months long), made by the plugin and renewed before it expires (:class:`AppleClientSecret`);
- ``response_mode=form_post``, which Apple requires with the ``name`` and ``email`` scopes,
  and the POSTed callback (:func:`complete_sign_in`);
- the ``user`` JSON (the user's name) that Apple posts on the first sign-in only, surfaced
  on the result (:attr:`AppleSignIn.user`);
- token revocation at ``https://appleid.apple.com/auth/revoke`` (``client.revoke_token()``),
  with the same generated secret.
"""

from __future__ import annotations

from collections.abc import Callable

from authwire.plugins import Provider, hookimpl

from ._callback import (
    AppleCallback,
    AppleSignIn,
    AppleUser,
    async_complete_sign_in,
    complete_sign_in,
    parse_callback,
)
from ._clients import async_oauth2_client, check_redirect_uri, oauth2_client
from ._provider import APPLE, DEFAULT_SCOPES, ISSUER, USER_SCOPES
from ._secret import (
    AUDIENCE,
    DEFAULT_LIFETIME,
    MAX_LIFETIME,
    AppleClientAuth,
    AppleClientSecret,
)

__all__ = [
    "APPLE",
    "AUDIENCE",
    "DEFAULT_LIFETIME",
    "DEFAULT_SCOPES",
    "ISSUER",
    "MAX_LIFETIME",
    "USER_SCOPES",
    "AppleCallback",
    "AppleClientAuth",
    "AppleClientSecret",
    "AppleSignIn",
    "AppleUser",
    "async_complete_sign_in",
    "async_oauth2_client",
    "check_redirect_uri",
    "complete_sign_in",
    "oauth2_client",
    "parse_callback",
    "register_providers",
]


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add :data:`APPLE` to the authwire registry (the ``authwire`` entry point)."""
    register(APPLE)
