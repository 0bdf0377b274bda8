"""Meta for authwire: Facebook Login and the Graph API, and the Instagram API with
Instagram Login.

::

    from authwire_facebook import fetch_long_lived_token, oauth2_client

    client = oauth2_client(APP_ID, APP_SECRET, redirect_uri="https://app.example/cb")
    url, state = client.create_authorization_url()
    ...
    client.fetch_token(authorization_response=callback_url)
    fetch_long_lived_token(client)           # about 60 days instead of about 2 hours
    me = client.get(graph_url("me"), params={"fields": "id,name"}).json()

What the plugin takes care of:

- versioned endpoints: ``https://www.facebook.com/{version}/dialog/oauth`` and
  ``https://graph.facebook.com/{version}/oauth/access_token``, ``version=`` a parameter
  (:data:`DEFAULT_VERSION` by default);
- ``appsecret_proof`` (HMAC-SHA256 of the access token keyed with the app secret) added to
  every Graph API request of a client with a ``client_secret``, whether it comes from
  :func:`oauth2_client` or ``OAuth2Client.from_provider("facebook", ...)``;
- the long-lived token exchange (``grant_type=fb_exchange_token``);
- the old ``text/plain`` form-encoded token answer (``access_token=...&expires=...``, no
  ``token_type``) and the nested Graph error object, read as RFC 6749 answers;
- Instagram (``instagram``): Business Login for Instagram, the one-token ``data`` list
  unwrapped, the token sent in the ``access_token`` query parameter, and the long-lived
  token exchange and refresh of ``graph.instagram.com``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.plugins import Provider, Quirk, hookimpl, oauth2_engine

from ._hooks import (
    GRAPH_HOSTS,
    INSTAGRAM_HOSTS,
    appsecret_proof,
    appsecret_proof_hook,
    graph_token_response,
    instagram_token_response,
    token_in_query,
)
from ._long_lived import (
    INSTAGRAM_GRAPH_URL,
    async_fetch_instagram_long_lived_token,
    async_fetch_long_lived_token,
    async_refresh_instagram_token,
    fetch_instagram_long_lived_token,
    fetch_long_lived_token,
    refresh_instagram_token,
)

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "DEFAULT_VERSION",
    "FACEBOOK",
    "GRAPH_HOSTS",
    "INSTAGRAM",
    "INSTAGRAM_GRAPH_URL",
    "INSTAGRAM_HOSTS",
    "appsecret_proof",
    "appsecret_proof_hook",
    "async_fetch_instagram_long_lived_token",
    "async_fetch_long_lived_token",
    "async_instagram_client",
    "async_oauth2_client",
    "async_refresh_instagram_token",
    "fetch_instagram_long_lived_token",
    "fetch_long_lived_token",
    "graph_token_response",
    "graph_url",
    "instagram_client",
    "instagram_token_response",
    "oauth2_client",
    "refresh_instagram_token",
    "register_providers",
    "token_in_query",
]

#: The Graph API version the endpoints use unless ``version=`` says otherwise (the latest
#: version named by https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
#: when this plugin was written).
DEFAULT_VERSION = "v21.0"
_VERSION = re.compile(r"v[1-9][0-9]*\.[0-9]+")

_MANUAL_FLOW = "https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow"
_LONG_LIVED = (
    "https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived"
)
_PROOF = "https://developers.facebook.com/docs/graph-api/securing-requests"
_ERRORS = "https://developers.facebook.com/docs/graph-api/guides/error-handling"
_IG_LOGIN = "https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login"


def _configure_facebook(client: Any, values: Mapping[str, str]) -> None:
    """Check the Graph API version, and sign Graph API calls with ``appsecret_proof`` keyed
    with the client's app secret (https://developers.facebook.com/docs/graph-api/securing-requests).
    """
    _version(values.get("version", DEFAULT_VERSION))
    engine = oauth2_engine(client)
    if engine is not None and isinstance(engine.client_secret, str) and engine.client_secret:
        engine.register_compliance_hook(
            "protected_request", appsecret_proof_hook(engine.client_secret)
        )


#: Facebook Login (manual flow) and the Graph API; ``{version}`` is a parameter.
FACEBOOK = Provider(
    name="facebook",
    title="Meta (Facebook Login)",
    authorization_endpoint="https://www.facebook.com/{version}/dialog/oauth",
    token_endpoint="https://graph.facebook.com/{version}/oauth/access_token",
    parameters={"version": DEFAULT_VERSION},
    scope=("public_profile", "email"),
    token_endpoint_auth_method="client_secret_post",
    code_challenge_method=None,
    compliance_hooks={
        "access_token_response": [graph_token_response],
        "refresh_token_response": [graph_token_response],
    },
    configure=_configure_facebook,
    extra={"graph_url": "https://graph.facebook.com/{version}", "documentation": _MANUAL_FLOW},
    protocols=("oauth2",),
    flows=("authorization_code", "fb_exchange_token"),
    quirks=(
        Quirk("every endpoint is versioned (/v21.0/...); the version is a parameter", _MANUAL_FLOW),
        Quirk(
            "Graph API calls carry appsecret_proof, the HMAC-SHA256 of the token keyed with "
            "the app secret",
            _PROOF,
        ),
        Quirk(
            "no refresh token: a short-lived token is exchanged for a long-lived one", _LONG_LIVED
        ),
        Quirk(
            "the old token answer is text/plain access_token=...&expires=... with no token_type",
            _MANUAL_FLOW,
        ),
        Quirk("errors are a nested Graph error object, not RFC 6749 error codes", _ERRORS),
    ),
)

#: The Instagram API with Instagram Login (Business Login for Instagram).
INSTAGRAM = Provider(
    name="instagram",
    title="Instagram (Instagram Login)",
    authorization_endpoint="https://www.instagram.com/oauth/authorize",
    token_endpoint="https://api.instagram.com/oauth/access_token",
    scope=("instagram_business_basic",),
    token_endpoint_auth_method="client_secret_post",
    code_challenge_method=None,
    compliance_hooks={
        "access_token_response": [instagram_token_response],
        "refresh_token_response": [instagram_token_response],
        "protected_request": [token_in_query],
    },
    extra={"graph_url": INSTAGRAM_GRAPH_URL, "documentation": _IG_LOGIN},
    protocols=("oauth2",),
    flows=("authorization_code", "ig_exchange_token", "ig_refresh_token"),
    quirks=(
        Quirk("the code exchange answers the token inside a one-item data list", _IG_LOGIN),
        Quirk(
            "the API takes the token as the access_token query parameter",
            "https://developers.facebook.com/docs/instagram-platform/reference/me",
        ),
        Quirk(
            "long-lived tokens come from GET /access_token and /refresh_access_token",
            "https://developers.facebook.com/docs/instagram-platform/reference/access_token",
        ),
    ),
)


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add :data:`FACEBOOK` and :data:`INSTAGRAM` to the registry (the entry point)."""
    register(FACEBOOK)
    register(INSTAGRAM)


def _version(version: str) -> str:
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        raise ValueError(f"version must look like 'v21.0', not {version!r}")
    return version


def graph_url(path: str = "", *, version: str = DEFAULT_VERSION) -> str:
    """``https://graph.facebook.com/<version>/<path>`` (``graph_url("me")``)."""
    return f"https://graph.facebook.com/{_version(version)}/" + path.lstrip("/")


def _scopes(kwargs: dict[str, Any]) -> None:
    scope = kwargs.get("scope")
    if scope is not None and not isinstance(scope, str):
        if not isinstance(scope, Iterable) or not all(isinstance(s, str) for s in scope):
            raise TypeError(f"scope must be a str or a sequence of str, not {scope!r}")
        kwargs["scope"] = ",".join(scope)  # Meta documents comma-separated scopes


def _facebook(
    cls: Any, client_id: str, client_secret: str | None, version: str, kwargs: dict[str, Any]
) -> Any:
    kwargs = {"client_id": client_id, "client_secret": client_secret, **kwargs}
    _scopes(kwargs)
    return cls.from_provider(FACEBOOK, version=_version(version), **kwargs)


def oauth2_client(
    client_id: str,
    client_secret: str | None = None,
    *,
    version: str = DEFAULT_VERSION,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for Facebook Login and the Graph API.

    ``OAuth2Client.from_provider("facebook", version=..., ...)``: with a ``client_secret``
    every Graph API request carries ``appsecret_proof``. ``scope`` may also be a sequence
    here (sent comma-separated).
    """
    return _facebook(authwire.OAuth2Client, client_id, client_secret, version, kwargs)  # type: ignore[no-any-return]


def async_oauth2_client(
    client_id: str,
    client_secret: str | None = None,
    *,
    version: str = DEFAULT_VERSION,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """:func:`oauth2_client` for :class:`~authwire.AsyncOAuth2Client`."""
    return _facebook(  # type: ignore[no-any-return]
        authwire.AsyncOAuth2Client, client_id, client_secret, version, kwargs
    )


def instagram_client(
    client_id: str, client_secret: str | None = None, **kwargs: Any
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for the Instagram API with Instagram Login:
    ``OAuth2Client.from_provider("instagram", ...)``; ``scope`` may be a sequence."""
    kwargs = {"client_id": client_id, "client_secret": client_secret, **kwargs}
    _scopes(kwargs)
    return authwire.OAuth2Client.from_provider(INSTAGRAM, **kwargs)


def async_instagram_client(
    client_id: str, client_secret: str | None = None, **kwargs: Any
) -> AsyncOAuth2Client:
    """:func:`instagram_client` for :class:`~authwire.AsyncOAuth2Client`."""
    kwargs = {"client_id": client_id, "client_secret": client_secret, **kwargs}
    _scopes(kwargs)
    return authwire.AsyncOAuth2Client.from_provider(INSTAGRAM, **kwargs)
