"""Resource Indicators for OAuth 2.0, RFC 8707: the ``resource`` parameter, checked early.

``resource`` names the protected resource a token is for; it may be sent on authorization,
token, refresh and token-exchange requests, once or repeated.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["check_resource"]

#: RFC 3986 §3.1, then a hier-part; compiled on first use (``re`` caches it), not at import
_SCHEME = r"^[A-Za-z][A-Za-z0-9+.-]*:."


def check_resource(resource: Any) -> None:
    """Refuse a ``resource`` that is not absolute URIs without a fragment. RFC 8707 §2."""
    if resource is None:
        return
    values: Any = [resource] if isinstance(resource, str) else resource
    if not isinstance(values, list | tuple):
        raise TypeError("resource must be a str or a list of str")
    for value in values:
        if not isinstance(value, str):
            raise TypeError(f"resource items must be str, not {type(value).__name__}")
        if "#" in value:
            raise ValueError(f"resource must not have a fragment: {value!r}")
        if not re.match(_SCHEME, value):
            raise ValueError(f"resource must be an absolute URI, not {value!r}")
