"""Compliance hooks for GitHub's token endpoint (``/login/oauth/access_token``).

GitHub answers a token request in the format the ``Accept`` header asks for and falls back
to ``application/x-www-form-urlencoded`` without one; it has also been seen to send a form
body under a wrong ``Content-Type``. It reports errors (``bad_verification_code``,
``bad_refresh_token``, ``incorrect_client_credentials``, ...) with HTTP 200, in the same
format as a token.

The request hook asks for JSON on every token request; the response hook turns a
form-encoded token or error into the equivalent JSON object, so the core always reads JSON
and raises :class:`~authwire.OAuthError` for an error object whatever its status.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from authwire.plugins import with_json

if TYPE_CHECKING:
    import httpx

__all__ = ["accept_json", "form_to_json"]

#: Response fields GitHub documents as integers; a form body carries them as digit strings.
_INTEGER_FIELDS = ("expires_in", "refresh_token_expires_in", "interval")


def accept_json(url: str, headers: dict[str, str], body: str) -> tuple[str, dict[str, str], str]:
    """Ask for a JSON answer: ``Accept: application/json``, whatever the caller's headers said.

    Any ``Accept`` header already present, in any letter case, is replaced: GitHub would
    answer ``application/xml`` in XML, which nothing downstream can read.
    """
    fixed = {name: value for name, value in headers.items() if name.lower() != "accept"}
    fixed["Accept"] = "application/json"
    return url, fixed, body


def _decode_form(content: bytes) -> dict[str, str | int] | None:
    """The fields of a form-encoded token or error response, or ``None`` when it is not one.

    A body counts as one only when it parses strictly as ``name=value`` pairs, names no
    field twice, and carries ``access_token`` or ``error``; an HTML page or anything else
    is left for the core to report.
    """
    try:
        text = content.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None
    if not text:
        return None
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return None
    fields: dict[str, str | int] = {}
    for name, value in pairs:
        if name in fields:
            return None  # ambiguous: refuse to guess which one GitHub meant
        fields[name] = value
    if "access_token" not in fields and "error" not in fields:
        return None
    for name in _INTEGER_FIELDS:
        number = fields.get(name)
        if isinstance(number, str) and number.isascii() and number.isdigit():
            fields[name] = int(number)
    return fields


def form_to_json(response: httpx.Response) -> httpx.Response:
    """Return ``response`` with a form-encoded token or error body rewritten as JSON.

    A body that already parses as JSON is returned untouched, whatever its
    ``Content-Type`` says; so is anything that is not a form-encoded token or error (an
    HTML error page, an empty body), so the core reports it as it is. The status code and
    the other headers are kept: GitHub's HTTP 200 error stays an error object, which the
    core raises as :class:`~authwire.OAuthError`.
    """
    content = response.content
    try:
        json.loads(content)
    except ValueError:
        pass
    else:
        return response
    fields = _decode_form(content)
    if fields is None:
        return response
    return with_json(response, fields)
