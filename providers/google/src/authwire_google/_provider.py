"""The Google provider value and the user sign-in constructors (OAuth 2 / OpenID Connect)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.plugins import Provider, Quirk

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, OAuth2Client


__all__ = ["GOOGLE", "async_oauth2_client", "oauth2_client"]

#: The issuer Google's discovery document publishes, and the one it signs ID tokens with.
ISSUER = "https://accounts.google.com"
#: The older spelling Google still writes in some ID tokens' ``iss``.
LEGACY_ISSUER = "accounts.google.com"

#: The ``prompt`` values Google documents for its authorization endpoint.
PROMPT_VALUES = ("none", "consent", "select_account")

GOOGLE = Provider(
    name="google",
    title="Google",
    # https://accounts.google.com/.well-known/openid-configuration
    authorization_endpoint="https://accounts.google.com/o/oauth2/v2/auth",
    token_endpoint="https://oauth2.googleapis.com/token",
    revocation_endpoint="https://oauth2.googleapis.com/revoke",
    userinfo_endpoint="https://openidconnect.googleapis.com/v1/userinfo",
    device_authorization_endpoint="https://oauth2.googleapis.com/device/code",
    # v3 serves a JWK Set; the v1 URL serves PEM certificates by kid and is not a JWKS
    jwks_uri="https://www.googleapis.com/oauth2/v3/certs",
    issuer=ISSUER,
    accepted_issuers=(LEGACY_ISSUER,),
    scope=("openid", "email", "profile"),
    # Google takes client_secret_post and client_secret_basic; its own examples use the body
    token_endpoint_auth_method="client_secret_post",
    code_challenge_method="S256",
    extra={
        "discovery_url": f"{ISSUER}/.well-known/openid-configuration",
        "documentation": "https://developers.google.com/identity/openid-connect/openid-connect",
    },
    protocols=("oauth2", "openid"),
    flows=(
        "authorization_code",
        "refresh_token",
        "device_code",
        "jwt_bearer",
        "revocation",
        "userinfo",
    ),
    quirks=(
        Quirk(
            "ID tokens carry iss as https://accounts.google.com or as accounts.google.com",
            "https://developers.google.com/identity/openid-connect/reference",
        ),
        Quirk(
            "a refresh token only with access_type=offline (offline=True also asks for consent)",
            "https://developers.google.com/identity/protocols/oauth2/web-server#offline",
        ),
        Quirk(
            "service account assertions carry the scopes in a scope claim",
            "https://developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests",
        ),
    ),
)


def _non_empty(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty str")
    return value


def _prompt(prompt: str | Iterable[str] | None, offline: bool) -> str | None:
    if prompt is None:
        values: list[str] = []
    else:
        words = prompt.split() if isinstance(prompt, str) else list(prompt)
        values = []
        for word in words:
            if not isinstance(word, str) or word not in PROMPT_VALUES:
                raise ValueError(
                    f"prompt: {word!r} is not one of Google's values ({', '.join(PROMPT_VALUES)})"
                )
            if word not in values:
                values.append(word)
        if not values:
            raise ValueError("prompt must name at least one value, or be None")
        if "none" in values and len(values) > 1:
            raise ValueError("prompt 'none' cannot be combined with other values")
    if offline:
        if "none" in values:
            raise ValueError(
                "offline=True asks for the consent screen, which prompt='none' forbids; for "
                "access_type=offline without it pass authorize_params={'access_type': 'offline'}"
            )
        if "consent" not in values:
            values.append("consent")
    return " ".join(values) or None


def google_authorize_params(
    *,
    offline: bool = False,
    include_granted_scopes: bool | None = None,
    prompt: str | Iterable[str] | None = None,
    login_hint: str | None = None,
    hosted_domain: str | None = None,
) -> dict[str, str]:
    """Google's authorization parameters for the keyword arguments of :func:`oauth2_client`.

    ``offline=True`` gives ``access_type=offline`` and adds ``consent`` to ``prompt``;
    ``hosted_domain`` is sent as ``hd``; booleans are sent as ``true`` / ``false``.
    Raises ``ValueError`` for a value Google does not document.
    """
    if not isinstance(offline, bool):
        raise TypeError("offline must be a bool")
    params: dict[str, str] = {}
    if offline:
        params["access_type"] = "offline"
    if include_granted_scopes is not None:
        if not isinstance(include_granted_scopes, bool):
            raise TypeError("include_granted_scopes must be a bool or None")
        params["include_granted_scopes"] = "true" if include_granted_scopes else "false"
    prompt_text = _prompt(prompt, offline)
    if prompt_text is not None:
        params["prompt"] = prompt_text
    if login_hint is not None:
        params["login_hint"] = _non_empty("login_hint", login_hint)
    if hosted_domain is not None:
        params["hd"] = _non_empty("hosted_domain", hosted_domain)
    return params


def _merge(derived: Mapping[str, str], given: Mapping[str, str] | None) -> dict[str, str] | None:
    if given is not None and not isinstance(given, Mapping):
        raise TypeError("authorize_params must be a mapping of str to str")
    merged = dict(given or {})
    for key, value in derived.items():
        if key in merged and merged[key] != value:
            raise ValueError(
                f"{key!r} is given twice, by a keyword argument and in authorize_params, "
                "with different values"
            )
        merged[key] = value
    return merged or None


def _oauth2_kwargs(
    client_id: str,
    client_secret: Any,
    offline: bool,
    include_granted_scopes: bool | None,
    prompt: str | Iterable[str] | None,
    login_hint: str | None,
    hosted_domain: str | None,
    given_params: Mapping[str, str] | None,
    kwargs: dict[str, Any],
) -> dict[str, Any]:
    derived = google_authorize_params(
        offline=offline,
        include_granted_scopes=include_granted_scopes,
        prompt=prompt,
        login_hint=login_hint,
        hosted_domain=hosted_domain,
    )
    merged = _merge(derived, given_params)
    if merged is not None:
        kwargs["authorize_params"] = merged
    return {"client_id": client_id, "client_secret": client_secret, **kwargs}


def oauth2_client(
    client_id: str,
    client_secret: Any = None,
    *,
    offline: bool = False,
    include_granted_scopes: bool | None = None,
    prompt: str | Iterable[str] | None = None,
    login_hint: str | None = None,
    hosted_domain: str | None = None,
    authorize_params: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for signing in with Google.

    The same client as ``OAuth2Client.from_provider("google", client_id=..., client_secret=...,
    authorize_params=...)``, the authorization parameters built from the keyword arguments:

    Args:
        client_id: the OAuth client ID (``….apps.googleusercontent.com``).
        client_secret: its secret; without one the client is public (PKCE only).
        offline: ``access_type=offline`` and ``consent`` in ``prompt``, so that Google
            issues a refresh token at every sign-in, not only the first.
        include_granted_scopes: ``include_granted_scopes=true|false`` (incremental
            authorization: the new token also covers the scopes granted before).
        prompt: ``"consent"``, ``"select_account"``, ``"none"``, or several of the first
            two (a list or a space-separated string).
        login_hint: the email address or ``sub`` of the account to preselect.
        hosted_domain: ``hd``: preselect accounts of this Google Workspace domain. It is a
            hint for the sign-in page only: check the ID token's ``hd`` claim yourself.
        authorize_params: further authorization parameters (``{"access_type": "offline"}``
            alone, say); a key also set by a keyword argument must have the same value.
        **kwargs: any other ``OAuth2Client`` argument (``redirect_uri``, ``scope`` — the
            default is ``openid email profile`` —, ``token``, ``update_token``) or httpx
            argument.

    Every authorization URL carries these parameters unless the call gives its own.
    """
    return authwire.OAuth2Client.from_provider(
        GOOGLE,
        **_oauth2_kwargs(
            client_id,
            client_secret,
            offline,
            include_granted_scopes,
            prompt,
            login_hint,
            hosted_domain,
            authorize_params,
            kwargs,
        ),
    )


def async_oauth2_client(
    client_id: str,
    client_secret: Any = None,
    *,
    offline: bool = False,
    include_granted_scopes: bool | None = None,
    prompt: str | Iterable[str] | None = None,
    login_hint: str | None = None,
    hosted_domain: str | None = None,
    authorize_params: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """The :class:`~authwire.AsyncOAuth2Client` twin of :func:`oauth2_client` (same
    arguments)."""
    return authwire.AsyncOAuth2Client.from_provider(
        GOOGLE,
        **_oauth2_kwargs(
            client_id,
            client_secret,
            offline,
            include_granted_scopes,
            prompt,
            login_hint,
            hosted_domain,
            authorize_params,
            kwargs,
        ),
    )
