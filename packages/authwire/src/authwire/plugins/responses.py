"""Reading and rewriting an endpoint's JSON answer, for compliance hooks.

A hook that fixes a provider's token answer (a wrong ``token_type``, a missing ``expires_in``)
reads the JSON object, changes it and hands back a response carrying the new body. These
helpers do both for every hook, on either HTTP binding: the new response is built by the
class of the one it replaces, so no HTTP library is imported here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

__all__ = ["json_object", "with_json"]

R = TypeVar("R")

#: Headers that describe the old body and must not describe the new one.
_BODY_HEADERS = frozenset(
    {"content-type", "content-length", "content-encoding", "transfer-encoding"}
)


def json_object(response: Any) -> dict[str, Any] | None:
    """The response's body as a JSON object, or ``None`` when it is not one."""
    try:
        data = json.loads(response.content)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def with_json(response: R, data: Mapping[str, Any]) -> R:
    """``response`` with ``data`` as its JSON body; the status and other headers are kept."""
    source: Any = response
    headers = [
        (name, value)
        for name, value in source.headers.multi_items()
        if name.lower() not in _BODY_HEADERS
    ]
    headers.append(("Content-Type", "application/json"))
    try:
        request = source.request
    except RuntimeError:  # a response built by hand, without a request
        request = None
    rebuilt: R = type(response)(  # type: ignore[call-arg]
        source.status_code,
        headers=headers,
        content=json.dumps(dict(data)).encode("utf-8"),
        request=request,
    )
    return rebuilt
