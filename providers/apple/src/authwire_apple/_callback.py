"""Apple's callback: a form POST, with the ``user`` JSON only on the first sign-in.

With ``response_mode=form_post`` Apple sends the browser back with a POST whose
``application/x-www-form-urlencoded`` body holds ``code``, ``state`` (and ``id_token``),
or ``error`` — there is nothing in the callback URL's query for
``fetch_token(authorization_response=...)`` to read. The first time a user authorizes the
app, the body also holds ``user``: a JSON object with the name the user chose to share
(``{"name": {"firstName": ..., "lastName": ...}, "email": ...}``). Apple never sends the
name again, in no token and on no endpoint; an app that loses it cannot get it back.
(https://developer.apple.com/documentation/signinwithapplejs/incorporating_sign_in_with_apple_into_other_platforms)

:func:`complete_sign_in` reads that body, redeems the code on the client, and returns the
token together with the ``user`` (when there was one) as :class:`AppleSignIn`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from authwire import AuthorizationResponseError

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, AuthorizationRequest, OAuth2Client, OAuth2Token

__all__ = [
    "AppleCallback",
    "AppleSignIn",
    "AppleUser",
    "async_complete_sign_in",
    "complete_sign_in",
    "parse_callback",
]

#: The callback fields that go to the code exchange (RFC 6749 §4.1.2, §4.1.2.1).
_RESPONSE_FIELDS = ("code", "state", "error", "error_description", "error_uri")
#: Bounds on what a browser may post: Apple's body is a few kilobytes at most.
MAX_FORM_BYTES = 65_536
MAX_USER_BYTES = 8_192

Form = Mapping[str, Any] | str | bytes


def _invalid(description: str) -> AuthorizationResponseError:
    return AuthorizationResponseError("invalid_authorization_response", description)


@dataclass(frozen=True, slots=True)
class AppleUser:
    """What the user shared on their first sign-in (Apple's ``user`` field).

    ``email`` repeats the ID token's ``email``; the name exists nowhere else. The field
    comes through the browser, unsigned: treat it as what the user typed.
    """

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None

    @property
    def name(self) -> str | None:
        """First and last name joined by a space, or ``None`` when neither was shared."""
        parts = [p for p in (self.first_name, self.last_name) if p]
        return " ".join(parts) or None


def _optional_str(data: Mapping[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _invalid(f"the callback's user JSON has a non-string {where}{key}")
    return value.strip() or None


def parse_user(text: str) -> AppleUser:
    """Apple's ``user`` field as an :class:`AppleUser`; malformed JSON raises."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_USER_BYTES:
        raise _invalid(f"the callback's user field is over {MAX_USER_BYTES} bytes")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise _invalid("the callback's user field is not JSON") from None
    if not isinstance(data, Mapping):
        raise _invalid("the callback's user field is not a JSON object")
    name = data.get("name")
    if name is None:
        name = {}
    if not isinstance(name, Mapping):
        raise _invalid("the callback's user JSON has a name that is not an object")
    return AppleUser(
        first_name=_optional_str(name, "firstName", "name."),
        last_name=_optional_str(name, "lastName", "name."),
        email=_optional_str(data, "email", ""),
    )


def _pairs(form: Form) -> list[tuple[str, str]]:
    if isinstance(form, str | bytes):
        raw = form.encode("utf-8") if isinstance(form, str) else form
        if len(raw) > MAX_FORM_BYTES:
            raise _invalid(f"the callback body is over {MAX_FORM_BYTES} bytes")
        try:
            text = raw.decode("utf-8")
            return parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
        except (UnicodeDecodeError, ValueError):
            raise _invalid("the callback body is not application/x-www-form-urlencoded") from None
    if not isinstance(form, Mapping):
        raise TypeError(
            "form must be the callback's POST body (bytes or str) or its parsed fields "
            f"(a mapping), not {type(form).__name__}"
        )
    pairs: list[tuple[str, str]] = []
    for key, value in form.items():
        values = value if isinstance(value, Sequence) and not isinstance(value, str) else [value]
        for item in values:
            if not isinstance(key, str) or not isinstance(item, str):
                raise TypeError("the callback's fields must be str (or lists of str)")
            pairs.append((key, item))
    return pairs


@dataclass(frozen=True, slots=True)
class AppleCallback:
    """Apple's form POST, read: the fields of the authorization response and the user.

    Attributes:
        params: ``code`` and ``state``, or ``error`` (and its description).
        user: the first sign-in's ``user`` field, else ``None``.
    """

    params: Mapping[str, str]
    user: AppleUser | None = None

    def authorization_response(self, redirect_uri: str) -> str:
        """The callback as the URL :meth:`~authwire.OAuth2Client.fetch_token` reads."""
        parts = urlsplit(redirect_uri)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(self.params), ""))


def parse_callback(form: Form) -> AppleCallback:
    """Read Apple's form POST: the raw body (``bytes``/``str``) or the parsed fields.

    A field sent twice, a body that is not form-encoded, or a malformed ``user`` JSON raises
    :class:`~authwire.AuthorizationResponseError` (``invalid_authorization_response``).
    """
    params: dict[str, str] = {}
    user_text: str | None = None
    seen: set[str] = set()
    for key, value in _pairs(form):
        if key in seen:
            raise _invalid(f"the callback repeats the field {key[:40]!r} (RFC 6749 §3.1)")
        seen.add(key)
        if key == "user":
            user_text = value
        elif key in _RESPONSE_FIELDS:
            params[key] = value
    user = parse_user(user_text) if user_text else None
    return AppleCallback(params=params, user=user)


def _boolean(value: object) -> bool | None:
    # Apple writes these claims as JSON booleans or as the strings "true" / "false"
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    return None


@dataclass(frozen=True, slots=True)
class AppleSignIn:
    """A completed sign-in: the token, its ID token claims, and the first sign-in's user.

    Attributes:
        token: the client's new token (``access_token``, ``refresh_token``, ``id_token``;
            the validated claims are ``token["userinfo"]``).
        user: what Apple posted on the user's first authorization, else ``None``: store
            the name now, Apple will not send it again.
    """

    token: OAuth2Token
    user: AppleUser | None = None
    claims: Mapping[str, Any] = field(default_factory=dict)

    @property
    def subject(self) -> str | None:
        """``sub``: the user's stable identifier for this developer team."""
        sub = self.claims.get("sub")
        return sub if isinstance(sub, str) else None

    @property
    def email(self) -> str | None:
        """The ID token's ``email`` (possibly a private relay address)."""
        email = self.claims.get("email")
        return email if isinstance(email, str) else None

    @property
    def email_verified(self) -> bool | None:
        """``email_verified`` as a bool (Apple sends ``true`` or ``"true"``)."""
        return _boolean(self.claims.get("email_verified"))

    @property
    def is_private_email(self) -> bool | None:
        """Whether ``email`` is a private relay address (``is_private_email``)."""
        return _boolean(self.claims.get("is_private_email"))

    @property
    def name(self) -> str | None:
        """The shared name, on the first sign-in only."""
        return self.user.name if self.user is not None else None


def _prepare(
    client: OAuth2Client | AsyncOAuth2Client,
    form: Form,
    authorization_request: AuthorizationRequest | Mapping[str, Any] | None,
) -> tuple[AppleCallback, str]:
    callback = parse_callback(form)
    if authorization_request is not None:
        client.authorization_request = authorization_request
    pending = client.authorization_request
    redirect_uri = (pending.redirect_uri if pending is not None else None) or client.redirect_uri
    if not redirect_uri:
        raise ValueError("the client has no redirect_uri: Apple's token request needs it")
    return callback, callback.authorization_response(redirect_uri)


def _result(token: OAuth2Token, callback: AppleCallback) -> AppleSignIn:
    claims = token.get("userinfo")
    return AppleSignIn(
        token=token,
        user=callback.user,
        claims=dict(claims) if isinstance(claims, Mapping) else {},
    )


def complete_sign_in(
    client: OAuth2Client,
    form: Form,
    *,
    authorization_request: AuthorizationRequest | Mapping[str, Any] | None = None,
) -> AppleSignIn:
    """Finish Sign in with Apple from its form POST: check it, redeem the code, keep ``user``.

    Args:
        client: the client that made the authorization URL (or any client for the app,
            given ``authorization_request``).
        form: the callback's POST body (``await request.body()``) or its parsed fields
            (``request.form``).
        authorization_request: the pending request kept in the user's session
            (``client.authorization_request.to_dict()`` when the URL was made); Apple's
            POST is cross-site, so a ``SameSite=Lax`` session cookie does not come with it.

    The ``state`` is checked, the code redeemed with PKCE, and the ID token validated
    (issuer, audience, signature, nonce) as by ``fetch_token(authorization_response=...)``.
    An ``error`` in the body (``user_cancelled_authorize``) raises
    :class:`~authwire.AuthorizationResponseError`.
    """
    callback, url = _prepare(client, form, authorization_request)
    return _result(client.fetch_token(authorization_response=url), callback)


async def async_complete_sign_in(
    client: AsyncOAuth2Client,
    form: Form,
    *,
    authorization_request: AuthorizationRequest | Mapping[str, Any] | None = None,
) -> AppleSignIn:
    """:func:`complete_sign_in` for an :class:`~authwire.AsyncOAuth2Client`."""
    callback, url = _prepare(client, form, authorization_request)
    return _result(await client.fetch_token(authorization_response=url), callback)
