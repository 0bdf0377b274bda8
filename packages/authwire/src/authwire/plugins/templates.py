"""URL templates: the ``{placeholders}`` of a provider's URLs, and the values that fill them.

A provider that lives at a customer-specific place (a tenant, a self-managed host, a realm)
writes the variable part as ``{name}``. A value that fills a placeholder is one host name or
one path segment, never anything that could change the URL's shape (a ``/``, ``?``, ``#``,
``@``, ``%``, a brace or a space), so a user's input cannot point a client elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

__all__ = [
    "check_template",
    "check_url",
    "check_value",
    "invalid",
    "is_safe_value",
    "placeholders",
    "substitute",
]

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# a bound value is one host or one path segment: nothing that could change the URL's shape
_UNSAFE_VALUE = re.compile(r"[/?#@\\{}%\s]")


def invalid(provider: str, message: str) -> ValueError:
    """The error a bad [`Provider`][authwire.plugins.Provider] field raises, naming the provider."""
    return ValueError(f"invalid provider {provider!r}: {message}")


def placeholders(template: str) -> list[str]:
    """The placeholder names of ``template``, in order (``{tenant}`` → ``tenant``)."""
    return _PLACEHOLDER.findall(template)


def substitute(template: str, values: Mapping[str, str]) -> str:
    """``template`` with the placeholders that ``values`` names filled; the others stay."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def is_safe_value(value: object) -> bool:
    """Whether ``value`` may fill a placeholder: a non-empty str that is one host or segment."""
    return isinstance(value, str) and bool(value) and not _UNSAFE_VALUE.search(value)


def check_value(owner: str, name: str, value: object) -> str:
    """``value`` when it may fill the placeholder ``name`` of provider ``owner``."""
    if not is_safe_value(value):
        raise ValueError(
            f"provider {owner!r}: {name} must be one host name or path segment "
            f"(no '/', '?', '#', '@', '%', braces or spaces), not {value!r}"
        )
    return str(value)


def check_template(owner: str, name: str, value: object, allowed: Iterable[str]) -> str:
    """``value`` when it is a non-empty str whose placeholders are all in ``allowed``."""
    if not isinstance(value, str) or not value:
        raise invalid(owner, f"{name} must be a non-empty str, not {value!r}")
    rest = _PLACEHOLDER.sub("", value)
    if "{" in rest or "}" in rest:
        raise invalid(owner, f"{name} has a stray brace: {value!r}")
    allowed = set(allowed)
    for placeholder in placeholders(value):
        if placeholder not in allowed:
            raise invalid(
                owner,
                f"{name} uses {{{placeholder}}}, which is not declared "
                + ("in parameters" if "issuer" not in name else "in parameters or issuer_claims"),
            )
    return value


def check_url(owner: str, name: str, value: object, allowed: Iterable[str]) -> str:
    """`check_template()`, and the value is an ``http(s)`` URL with a host."""
    url = check_template(owner, name, value, allowed)
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise invalid(owner, f"{name} must be an http(s) URL, not {url!r}")
    return url
