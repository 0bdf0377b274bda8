"""Slack's token answers: the nested ``oauth.v2.access`` response, read as two tokens.

``oauth.v2.access`` (https://docs.slack.dev/reference/methods/oauth.v2.access) answers one
JSON object for an installation that may have asked for two kinds of token:

- the **bot** token at the top level (``access_token``, ``token_type: "bot"``, ``scope``,
  ``bot_user_id``), when the authorization asked for bot scopes (``scope=``);
- the **user** token under ``authed_user`` (``access_token``, ``token_type: "user"``,
  ``scope``, ``id``), when it asked for user scopes (``user_scope=``). A user-only
  installation has *no* top-level ``access_token`` at all.

With token rotation turned on (https://docs.slack.dev/authentication/using-token-rotation)
each of the two carries its own ``refresh_token`` and ``expires_in`` (12 hours), and a
refresh through ``oauth.v2.access`` answers the refreshed token at the top level with its
``token_type`` (``"bot"`` or ``"user"``).

Slack presents every token as ``Authorization: Bearer xox...``, but the core refuses to
present a token whose ``token_type`` is not ``Bearer`` (RFC 6750). The response hook below
keeps Slack's kind under ``slack_token_type``, sets ``token_type`` to ``Bearer``, and
promotes the user token to the top level of a user-only installation; :func:`bot_token` and
:func:`user_token` then give each token as an :class:`~authwire.token.OAuth2Token` of its own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from authwire.plugins import with_json
from authwire.token import OAuth2Token

if TYPE_CHECKING:
    import httpx

__all__ = ["SLACK_TOKEN_TYPE", "bot_token", "nested_token_response", "user_token"]

#: The member where the plugin keeps Slack's own ``token_type`` (``"bot"`` or ``"user"``).
SLACK_TOKEN_TYPE = "slack_token_type"

#: The members of a token that travel with it when it is promoted or split out.
_TOKEN_MEMBERS = ("access_token", "token_type", "scope", "refresh_token", "expires_in")


def _rewrite(response: httpx.Response, data: Mapping[str, Any]) -> httpx.Response:
    return with_json(response, data)


def _slack_kind(value: object) -> str | None:
    if isinstance(value, str) and value.lower() in ("bot", "user"):
        return value.lower()
    return None


def nested_token_response(response: httpx.Response) -> httpx.Response:
    """Return ``response`` with Slack's token object made readable by the core.

    - ``{"ok": false}`` without an ``error`` string gets ``error: "unknown_error"``, so the
      core raises :class:`~authwire.OAuthError` (Slack answers errors with HTTP 200:
      https://docs.slack.dev/apis/web-api/#responses);
    - a user-only installation (no top-level ``access_token``) has the ``authed_user``
      token promoted to the top level (``authed_user`` stays as it was);
    - ``token_type: "bot"`` / ``"user"`` becomes ``"Bearer"``, Slack's value kept under
      :data:`SLACK_TOKEN_TYPE`.

    Anything that is not a JSON object is returned untouched for the core to report.
    """
    try:
        data = json.loads(response.content)
    except ValueError:
        return response
    if not isinstance(data, dict):
        return response
    if data.get("ok") is False:
        if isinstance(data.get("error"), str) and data["error"]:
            return response
        return _rewrite(response, {**data, "error": "unknown_error"})
    fields = dict(data)
    authed = fields.get("authed_user")
    if (
        not fields.get("access_token")
        and isinstance(authed, Mapping)
        and isinstance(authed.get("access_token"), str)
        and authed["access_token"]
    ):
        for name in _TOKEN_MEMBERS:
            if name in authed:
                fields[name] = authed[name]
        fields.setdefault("token_type", "user")
    kind = _slack_kind(fields.get("token_type"))
    if kind is not None:
        fields[SLACK_TOKEN_TYPE] = kind
        fields["token_type"] = "Bearer"
    if fields == data:
        return response
    return _rewrite(response, fields)


def bot_token(token: Mapping[str, Any]) -> OAuth2Token | None:
    """The bot token (``xoxb-``) of an ``oauth.v2.access`` answer, or ``None``.

    The top-level token, without ``authed_user``, when Slack said it is a bot token.
    """
    if token.get(SLACK_TOKEN_TYPE) != "bot" or not token.get("access_token"):
        return None
    return OAuth2Token({k: v for k, v in token.items() if k != "authed_user"})


def user_token(token: Mapping[str, Any]) -> OAuth2Token | None:
    """The user token (``xoxp-``) of an ``oauth.v2.access`` answer, or ``None``.

    From ``authed_user`` (or the top level, for a user-only installation or a refreshed
    user token), as a Bearer token with its own ``scope``, ``refresh_token`` and expiry,
    ``user_id`` (Slack's ``authed_user.id``), and the installation's ``team`` and
    ``enterprise``. Its ``expires_at`` is dated from the same answer as the top-level
    token's, so splitting a stored token later does not extend it.
    """
    if token.get(SLACK_TOKEN_TYPE) == "user" and token.get("access_token"):
        return OAuth2Token(dict(token))
    authed = token.get("authed_user")
    if not isinstance(authed, Mapping) or not authed.get("access_token"):
        return None
    fields: dict[str, Any] = {k: authed[k] for k in _TOKEN_MEMBERS if k in authed}
    fields["token_type"] = "Bearer"
    fields[SLACK_TOKEN_TYPE] = "user"
    if isinstance(authed.get("id"), str):
        fields["user_id"] = authed["id"]
    for name in ("team", "enterprise", "app_id", "is_enterprise_install"):
        if name in token:
            fields[name] = token[name]
    issued = _issued_at(token)
    lifetime = authed.get("expires_in")
    if issued is not None and isinstance(lifetime, int) and lifetime > 0:
        fields["expires_at"] = issued + lifetime
    return OAuth2Token(fields)


def _issued_at(token: Mapping[str, Any]) -> int | None:
    expires_at = token.get("expires_at")
    expires_in = token.get("expires_in")
    if isinstance(expires_at, int) and isinstance(expires_in, int):
        return expires_at - expires_in
    return None
