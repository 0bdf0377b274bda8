"""Token exchange as Keycloak spells it.

Keycloak has two implementations on the realm's token endpoint
(https://www.keycloak.org/securing-apps/token-exchange):

- standard token exchange ("V2", on by default in current releases): RFC 8693 for a
  confidential client, ``subject_token_type`` an access token, ``audience`` the client IDs
  the new token is for (several allowed), ``requested_token_type`` an access (default),
  refresh or ID token; no ``resource`` parameter;
- legacy token exchange ("V1", a preview feature): adds ``requested_subject`` (impersonate
  a user, with or without a subject token), ``subject_issuer`` (an external token, named by
  the identity provider's alias) and ``requested_issuer`` (get the token of a linked
  identity provider), takes a single ``audience``, and answers without
  ``issued_token_type`` (added by :func:`~authwire_keycloak.exchange_token_type`).

:func:`exchange_token` takes both sets of parameters by name; the server decides which
implementation answers. The new token becomes the client's token, as with
``client.exchange_token()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ._hooks import ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, OAuth2Client, OAuth2Token

__all__ = ["ID_TOKEN_TYPE", "async_exchange_token", "exchange_token"]

#: The ``requested_token_type`` for an ID token; Keycloak then answers ``token_type: "N_A"``.
ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token"


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError(f"{name} must be a non-empty str")
    return value


def _plan(
    subject_token: str | None,
    subject_token_type: str | None,
    audience: str | Iterable[str] | None,
    scope: str | Iterable[str] | None,
    requested_token_type: str | None,
    legacy: dict[str, str | None],
    kwargs: dict[str, Any],
) -> tuple[str, dict[str, Any]]:
    """``("exchange", kwargs)`` for ``client.exchange_token``, or ``("fetch", kwargs)`` for a
    token exchange without a subject token (direct impersonation)."""
    if "resource" in kwargs:
        raise ValueError(
            "Keycloak's token exchange does not support the resource parameter; name the "
            "target clients with audience="
        )
    params: dict[str, Any] = dict(kwargs)
    for name, value in legacy.items():
        if value is not None:
            params[name] = _text(name, value)
    if requested_token_type is not None:
        params["requested_token_type"] = _text("requested_token_type", requested_token_type)
    if scope is not None:
        params["scope"] = scope
    if audience is not None:
        params["audience"] = audience
    if subject_token is not None:
        _text("subject_token", subject_token)
        params["subject_token_type"] = (
            ACCESS_TOKEN_TYPE if subject_token_type is None else subject_token_type
        )
        params["subject_token"] = subject_token
        return "exchange", params
    if subject_token_type is not None or legacy.get("subject_issuer") is not None:
        raise TypeError("subject_token_type and subject_issuer describe a subject_token: give it")
    if legacy.get("requested_subject") is None:
        raise TypeError(
            "give subject_token (the token to exchange), or requested_subject alone to "
            "impersonate a user (legacy token exchange, confidential clients)"
        )
    if audience is not None and not isinstance(audience, str):
        audience = list(audience)
        if len(audience) != 1:
            raise ValueError("legacy token exchange takes a single audience")
        params["audience"] = audience[0]
    if scope is not None and not isinstance(scope, str):
        params["scope"] = " ".join(scope)
    return "fetch", params


def exchange_token(
    client: OAuth2Client,
    subject_token: str | None = None,
    *,
    subject_token_type: str | None = None,
    audience: str | Iterable[str] | None = None,
    scope: str | Iterable[str] | None = None,
    requested_token_type: str | None = None,
    requested_subject: str | None = None,
    subject_issuer: str | None = None,
    requested_issuer: str | None = None,
    **kwargs: Any,
) -> OAuth2Token:
    """Exchange a token at the realm's token endpoint; the new token becomes the client's.

    Args:
        client: a client of the realm (:func:`~authwire_keycloak.oauth2_client`), normally
            confidential: standard token exchange refuses public clients.
        subject_token: the token to exchange (an access token issued to another client of
            the realm, or an external token with ``subject_issuer``). Leave it out only to
            impersonate a user with ``requested_subject`` alone.
        subject_token_type: its type; an access token by default.
        audience: the client ID(s) the new token is for.
        scope: optional client scopes to add (standard) or the scopes to keep (legacy).
        requested_token_type: ``urn:ietf:params:oauth:token-type:access_token`` (standard
            default), ``...:refresh_token`` (legacy default) or ``...:id_token``.
        requested_subject: legacy: the username or user ID to impersonate.
        subject_issuer: legacy: the alias of the identity provider that issued the
            external ``subject_token``.
        requested_issuer: legacy: the alias of the identity provider whose token you want.
        **kwargs: other form parameters, and httpx request options.

    Raises:
        ValueError: ``resource=``, which Keycloak does not support.
        authwire.OAuthError: Keycloak's refusal (``unauthorized_client``: token exchange is
            not enabled for this client; ``access_denied``: not allowed to exchange).
    """
    legacy = {
        "requested_subject": requested_subject,
        "subject_issuer": subject_issuer,
        "requested_issuer": requested_issuer,
    }
    how, params = _plan(
        subject_token, subject_token_type, audience, scope, requested_token_type, legacy, kwargs
    )
    if how == "exchange":
        token = params.pop("subject_token")
        token_type = params.pop("subject_token_type")
        return client.exchange_token(token, token_type, **params)
    return client.fetch_token(grant_type=TOKEN_EXCHANGE_GRANT, **params)


async def async_exchange_token(
    client: AsyncOAuth2Client,
    subject_token: str | None = None,
    *,
    subject_token_type: str | None = None,
    audience: str | Iterable[str] | None = None,
    scope: str | Iterable[str] | None = None,
    requested_token_type: str | None = None,
    requested_subject: str | None = None,
    subject_issuer: str | None = None,
    requested_issuer: str | None = None,
    **kwargs: Any,
) -> OAuth2Token:
    """:func:`exchange_token` for the async client."""
    legacy = {
        "requested_subject": requested_subject,
        "subject_issuer": subject_issuer,
        "requested_issuer": requested_issuer,
    }
    how, params = _plan(
        subject_token, subject_token_type, audience, scope, requested_token_type, legacy, kwargs
    )
    if how == "exchange":
        token = params.pop("subject_token")
        token_type = params.pop("subject_token_type")
        return await client.exchange_token(token, token_type, **params)
    return await client.fetch_token(grant_type=TOKEN_EXCHANGE_GRANT, **params)
