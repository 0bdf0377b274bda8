"""A provider's OAuth 1.0a side: its endpoints (RFC 5849 §2) and the request-token checks.

The checks run as an HTTP response event hook on the OAuth 1 client, on the successful POST
to the request-token URL, before the client reads the token: a check that raises stops the
flow (X refuses to go on without ``oauth_callback_confirmed=true``, RFC 5849 §2.1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

if TYPE_CHECKING:
    from .._compat import Response

__all__ = ["SIGNATURE_HMAC_SHA1", "OAuth1Endpoints", "RequestTokenCheck", "request_token_hook"]

SIGNATURE_HMAC_SHA1 = "HMAC-SHA1"
"""RFC 5849 §3.4.2 (``authwire.SIGNATURE_HMAC_SHA1``; spelled here so that a provider, shared by
every HTTP binding, imports none of them)."""

RequestTokenCheck = Callable[[Mapping[str, str]], None]
"""Called with the decoded temporary-credentials response; raises to reject it."""

_PORTS = {"http": 80, "https": 443}


def callables(value: object) -> tuple[Any, ...] | None:
    """A lone callable or an iterable of items as a tuple; ``None`` for anything else."""
    if callable(value):
        return (value,)
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return None
    return tuple(value)


@dataclass(frozen=True, slots=True)
class OAuth1Endpoints:
    """A provider's OAuth 1.0a endpoints (RFC 5849 §2).

    Attributes:
        request_token_url: the temporary credential request endpoint (§2.1).
        authorization_url: the resource owner authorization endpoint (§2.2).
        access_token_url: the token request endpoint (§2.3).
        signature_method: the signature method the provider expects (``HMAC-SHA1``).
        request_token_checks: called in order with the decoded temporary-credentials
            response; a check raises (an [`OAuthError`][authwire.OAuthError], say) to reject it,
            for example when ``oauth_callback_confirmed`` is not ``"true"``.
    """

    request_token_url: str
    authorization_url: str
    access_token_url: str
    signature_method: str = SIGNATURE_HMAC_SHA1
    request_token_checks: Sequence[RequestTokenCheck] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.signature_method, str) or not self.signature_method:
            raise ValueError("oauth1.signature_method must be a non-empty str")
        checks = callables(self.request_token_checks)
        if checks is None:
            raise ValueError("oauth1.request_token_checks must be a sequence of callables")
        for check in checks:
            if not callable(check):
                raise ValueError(f"oauth1.request_token_checks: {check!r} is not callable")
        object.__setattr__(self, "request_token_checks", checks)

    def _urls(self) -> dict[str, str]:
        return {
            "request_token_url": self.request_token_url,
            "authorization_url": self.authorization_url,
            "access_token_url": self.access_token_url,
        }


def request_token_hook(
    url: str, checks: tuple[RequestTokenCheck, ...], *, is_async: bool
) -> Callable[[Response], Any]:
    """An httpx response event hook running ``checks`` on successful POSTs to ``url``."""
    parts = urlsplit(url)
    target = (parts.scheme, parts.hostname, parts.port or _PORTS.get(parts.scheme), parts.path)

    def wanted(response: Response) -> bool:
        sent = response.request.url
        return (
            response.is_success
            and response.request.method == "POST"
            and (sent.scheme, sent.host, sent.port or _PORTS.get(sent.scheme), sent.path) == target
        )

    def run(response: Response) -> None:
        form = dict(parse_qsl(response.content.decode("utf-8", "replace"), keep_blank_values=True))
        for check in checks:
            check(form)

    if is_async:

        async def async_hook(response: Response) -> None:
            if wanted(response):
                await response.aread()
                run(response)

        return async_hook

    def sync_hook(response: Response) -> None:
        if wanted(response):
            response.read()
            run(response)

    return sync_hook
