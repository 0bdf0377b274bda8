"""The named constructors: ``oauth2_client()`` and ``async_oauth2_client()``.

Each is ``OAuth2Client.from_provider("apple", client_secret=AppleClientSecret(...), ...)``,
after checking what Apple would refuse later: a redirect URI that is not HTTPS on a domain
name, and a response mode other than ``form_post`` with the ``name`` or ``email`` scope.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx

from ._provider import APPLE, DEFAULT_SCOPES, USER_SCOPES
from ._secret import DEFAULT_LIFETIME, AppleClientSecret

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = ["async_oauth2_client", "check_redirect_uri", "oauth2_client"]

C = TypeVar("C")


def check_redirect_uri(redirect_uri: str) -> str:
    """``redirect_uri`` if Apple can accept it: HTTPS, on a domain name.

    Apple: the URI "must use the HTTPS protocol, include a domain name, and cannot contain
    an IP address or localhost" ("Generate and validate tokens",
    https://developer.apple.com/documentation/sign_in_with_apple/generate_and_validate_tokens).
    """
    if not isinstance(redirect_uri, str):
        raise TypeError(f"redirect_uri must be a str, not {type(redirect_uri).__name__}")
    parts = urlsplit(redirect_uri)
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme != "https" or not host:
        raise ValueError(f"redirect_uri must be an https:// URL for Apple, not {redirect_uri!r}")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        is_ip = False
    else:
        is_ip = True
    if is_ip or host == "localhost" or host.endswith(".localhost") or "." not in host:
        raise ValueError(
            "redirect_uri must be on a domain name: Apple refuses IP addresses and localhost, "
            f"not {redirect_uri!r}"
        )
    return redirect_uri


def _scope_words(scope: object) -> list[str]:
    if scope is None:
        return list(DEFAULT_SCOPES)
    if isinstance(scope, str):
        return scope.split()
    if isinstance(scope, Iterable):
        return [str(word) for word in scope]
    raise TypeError("scope must be a str or an iterable of str")


def _arguments(
    client_id: str,
    client_secret: AppleClientSecret | None,
    team_id: str | None,
    key_id: str | None,
    private_key: str | bytes | ec.EllipticCurvePrivateKey | None,
    secret_lifetime: int,
    kwargs: dict[str, Any],
) -> dict[str, Any]:
    given = [name for name, v in (("team_id", team_id), ("key_id", key_id),
                                  ("private_key", private_key)) if v is not None]  # fmt: skip
    if client_secret is not None:
        if given:
            raise TypeError(f"give client_secret= or {', '.join(given)}=, not both")
        if not isinstance(client_secret, AppleClientSecret):
            raise TypeError(
                "client_secret must be an AppleClientSecret: Apple's secret is a JWT the "
                "plugin signs and renews (or give team_id=, key_id= and private_key=)"
            )
        secret = client_secret
    else:
        if team_id is None or key_id is None or private_key is None:
            raise TypeError("Sign in with Apple needs team_id=, key_id= and private_key=")
        secret = AppleClientSecret(team_id, key_id, private_key, lifetime=secret_lifetime)
    if kwargs.get("redirect_uri") is not None:
        check_redirect_uri(kwargs["redirect_uri"])
    mode = kwargs.get("response_mode")
    if mode is not None and mode != "form_post":
        asked = set(_scope_words(kwargs.get("scope"))) & set(USER_SCOPES)
        if asked:
            raise ValueError(
                f"response_mode={mode!r}: with the {' and '.join(sorted(asked))} scope Apple "
                "requires response_mode='form_post'"
            )
    return {"client_id": client_id, "client_secret": secret, **kwargs}


def _build(client_cls: Callable[..., C], arguments: dict[str, Any]) -> C:
    return client_cls(APPLE, **arguments)


def oauth2_client(
    client_id: str,
    client_secret: AppleClientSecret | None = None,
    *,
    team_id: str | None = None,
    key_id: str | None = None,
    private_key: str | bytes | ec.EllipticCurvePrivateKey | None = None,
    secret_lifetime: int = DEFAULT_LIFETIME,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for Sign in with Apple.

    ``OAuth2Client.from_provider("apple", client_id=..., client_secret=AppleClientSecret(
    team_id, key_id, private_key), ...)``.

    Args:
        client_id: the Services ID (web sign-in) or the App ID.
        client_secret: an :class:`AppleClientSecret`, or give the next three instead.
        team_id: the 10-character Team ID of the developer account.
        key_id: the 10-character Key ID of the Sign in with Apple key.
        private_key: the content of that key's ``.p8`` file.
        secret_lifetime: the lifetime of each generated client secret, in seconds (at most
            15777000, six months; default one day). Secrets are renewed automatically.
        **kwargs: other ``OAuth2Client`` arguments (``redirect_uri`` — HTTPS on a domain
            name —, ``scope`` — default ``openid name email`` —, ``update_token``) and httpx
            arguments.

    The callback is a form POST: finish it with :func:`complete_sign_in`.
    """
    return _build(
        authwire.OAuth2Client.from_provider,
        _arguments(client_id, client_secret, team_id, key_id, private_key, secret_lifetime, kwargs),
    )


def async_oauth2_client(
    client_id: str,
    client_secret: AppleClientSecret | None = None,
    *,
    team_id: str | None = None,
    key_id: str | None = None,
    private_key: str | bytes | ec.EllipticCurvePrivateKey | None = None,
    secret_lifetime: int = DEFAULT_LIFETIME,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """:func:`oauth2_client` for :class:`~authwire.AsyncOAuth2Client` (same arguments); finish
    the callback with :func:`async_complete_sign_in`."""
    return _build(
        authwire.AsyncOAuth2Client.from_provider,
        _arguments(client_id, client_secret, team_id, key_id, private_key, secret_lifetime, kwargs),
    )
