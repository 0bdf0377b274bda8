"""Google service accounts: the JWT-bearer grant (RFC 7523 §2.1) from a key file.

The assertion is the one Google documents for "service account authorization without
OAuth client libraries": header ``{"alg": "RS256", "typ": "JWT", "kid": private_key_id}``,
claims ``iss`` = ``client_email``, ``scope`` (space-separated), ``aud`` = ``token_uri``,
``iat``, ``exp`` (at most an hour later) and, for domain-wide delegation, ``sub``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ._provider import GOOGLE

if TYPE_CHECKING:
    from authwire import AssertionClient, AsyncAssertionClient

__all__ = ["async_service_account_client", "service_account_client"]

#: Fields of a key file the client reads; every one must be present and a non-empty str.
REQUIRED_FIELDS = ("type", "client_email", "private_key", "private_key_id", "token_uri")
#: Google refuses assertions that live longer than this.
MAX_EXPIRES_IN = 3600

# Arguments the constructors set from the key file; passing them too would be ambiguous.
_FIXED = {
    "token_endpoint": "it is the key file's token_uri",
    "issuer": "it is the key file's client_email",
    "audience": "it is the key file's token_uri",
    "claims": "the scope claim is built from scopes",
    "key": "it is the key file's private_key",
    "header": "it is {'alg': 'RS256', 'kid': <private_key_id>}",
    "alg": "Google service account keys sign with RS256",
    "password": "Google key files hold an unencrypted key",
    "grant_type": "Google takes the jwt-bearer grant",
    "client_id": "Google identifies the account by the assertion's iss",
    "scope": "Google reads the scopes from the assertion's scope claim: pass them as scopes",
}

KeyFile = Mapping[str, Any] | str | os.PathLike[str]


def _read(path: str | os.PathLike[str]) -> Any:
    if os.fspath(path).lstrip().startswith("{"):
        # JSON text given where a path is expected; never echo it (it holds the key)
        raise ValueError(
            "info is a path to a service account key file or its parsed dict, not JSON text: "
            "json.loads() it first"
        )
    with open(path, encoding="utf-8") as f:
        content = f.read()
    try:
        return json.loads(content)
    except ValueError:
        pass
    # raised outside the except block so that the JSONDecodeError, whose .doc is the whole
    # file, is not chained to it
    raise ValueError(f"{os.fspath(path)!r} is not a JSON service account key file")


def load_info(info: KeyFile) -> dict[str, str]:
    """The fields of a service account key (a path to the JSON file, or its dict), checked.

    Raises ``ValueError`` naming the missing or bad field (never showing the private key)
    and ``TypeError`` for an argument that is neither a path nor a mapping.
    """
    if isinstance(info, str | os.PathLike):
        data = _read(info)
    elif isinstance(info, Mapping):
        data = info
    else:
        raise TypeError(
            "info must be a service account key: the path to its JSON file or the parsed "
            f"dict, not {type(info).__name__}"
        )
    if not isinstance(data, Mapping):
        raise ValueError("a service account key file holds a JSON object")
    kind = data.get("type")
    if kind is not None and kind != "service_account":
        shown = repr(kind)[:60] if isinstance(kind, str) else type(kind).__name__
        raise ValueError(f"not a service account key: its type is {shown}, not 'service_account'")
    checked: dict[str, str] = {}
    for name in REQUIRED_FIELDS:
        if name not in data:
            raise ValueError(f"the service account key has no {name!r} field")
        value = data[name]
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"the service account key's {name!r} field must be a non-empty str")
        checked[name] = value
    return checked


def _scope(scopes: str | Iterable[str]) -> str:
    if isinstance(scopes, str):
        words = scopes.split()
    elif isinstance(scopes, Iterable):
        words = list(scopes)
        for word in words:
            if not isinstance(word, str) or not word or word != word.strip() or " " in word:
                raise ValueError(f"scopes: {word!r} is not one scope")
    else:
        raise TypeError("scopes must be a str or an iterable of str")
    if not words:
        raise ValueError("scopes must name at least one scope (Google requires the claim)")
    return " ".join(words)


def _assertion_kwargs(
    info: KeyFile, scopes: str | Iterable[str], subject: str | None, kwargs: dict[str, Any]
) -> dict[str, Any]:
    for name in kwargs:
        if name in _FIXED:
            raise TypeError(
                f"{name}= cannot be given to a Google service account client: {_FIXED[name]}"
            )
    expires_in = kwargs.get("expires_in")
    if (
        isinstance(expires_in, int)
        and not isinstance(expires_in, bool)
        and expires_in > MAX_EXPIRES_IN
    ):
        raise ValueError(f"expires_in: Google accepts assertions of at most {MAX_EXPIRES_IN} s")
    if subject is not None and (not isinstance(subject, str) or not subject.strip()):
        raise ValueError("subject must be a user's email address, or None")
    fields = load_info(info)
    scope = _scope(scopes)
    token_uri = fields["token_uri"]
    return {
        "token_endpoint": token_uri,
        "issuer": fields["client_email"],
        "audience": token_uri,
        "claims": {"scope": scope},
        "subject": subject,
        "key": fields["private_key"],
        "header": {"alg": "RS256", "kid": fields["private_key_id"]},
        **kwargs,
    }


def service_account_client(
    info: KeyFile,
    scopes: str | Iterable[str],
    subject: str | None = None,
    **kwargs: Any,
) -> AssertionClient:
    """An :class:`~authwire.AssertionClient` acting as a Google service account.

    Args:
        info: the service account key: the path of the JSON file the Cloud console hands
            out, or that file's content as a dict.
        scopes: the scopes to ask for (a list, or a space-separated str); Google reads them
            from the assertion's ``scope`` claim.
        subject: for domain-wide delegation, the email address of the Workspace user to act
            for (the ``sub`` claim); ``None`` acts as the service account itself.
        **kwargs: other ``AssertionClient`` arguments (``update_token``, ``leeway``,
            ``token``, ``expires_in`` up to 3600) and httpx arguments.

    The client is the one ``AssertionClient.from_provider("google", token_endpoint=token_uri,
    issuer=client_email, audience=token_uri, claims={"scope": ...}, subject=subject,
    key=private_key, header={"alg": "RS256", "kid": private_key_id})`` builds. A token is
    fetched on first use and again whenever it expires.

    Raises:
        ValueError: the key is not a service account key (``type``), lacks a field (named
            in the message; the private key is never shown), or a value is out of range.
        TypeError: an argument the key file already decides (``issuer=``, ``scope=``, ...).
    """
    from authwire.client.assertion import AssertionClient

    return AssertionClient.from_provider(GOOGLE, **_assertion_kwargs(info, scopes, subject, kwargs))


def async_service_account_client(
    info: KeyFile,
    scopes: str | Iterable[str],
    subject: str | None = None,
    **kwargs: Any,
) -> AsyncAssertionClient:
    """The :class:`~authwire.AsyncAssertionClient` twin of :func:`service_account_client`."""
    from authwire.client.assertion import AsyncAssertionClient

    return AsyncAssertionClient.from_provider(
        GOOGLE, **_assertion_kwargs(info, scopes, subject, kwargs)
    )
