"""Which URLs may carry OAuth credentials: https, or plain http to loopback only."""

from __future__ import annotations

import functools
import ipaddress
import os

from .._compat import URL
from .._exceptions import InsecureTransportError

__all__ = ["INSECURE_TRANSPORT_ENV", "check_transport", "is_loopback_host", "is_loopback_url"]

_LOOPBACK_HOSTS: dict[str, bool] = {}

#: Set to ``1`` to allow plain ``http://`` to any host (development only).
INSECURE_TRANSPORT_ENV = "AUTHWIRE_INSECURE_TRANSPORT"


@functools.lru_cache(maxsize=256)
def is_loopback_host(host: str) -> bool:
    """``localhost``, 127.0.0.0/8 or ``::1`` (RFC 8252 §8.3); remembered per host name."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: URL) -> bool:
    """Whether ``url``'s host is a loopback one (any scheme), for the request hot path.

    Reads the host as parsed (httpx's and httpx2's ``URL`` keep it), skipping the IDNA
    decoding of ``URL.host``: an internationalised name is never an IP address, and its
    ``.localhost`` suffix stays as it is in the encoded form. Answers are remembered per
    host (a bounded table: hosts past it are checked each time).
    """
    try:
        host: str = url._uri_reference.host
    except AttributeError:
        host = url.host
    known = _LOOPBACK_HOSTS.get(host)
    if known is None:
        known = is_loopback_host(host)
        if len(_LOOPBACK_HOSTS) < 256:
            _LOOPBACK_HOSTS[host] = known
    return known


def check_transport(url: str | URL, *, allow_insecure: bool = False, what: str = "URL") -> None:
    """Refuse plain ``http://`` to a non-loopback host (RFC 9700 §2.6, RFC 6750 §5.3)."""
    parsed = url if isinstance(url, URL) else URL(url)
    scheme = parsed.scheme
    if scheme == "https":
        return
    if scheme == "http":
        if (
            allow_insecure
            or is_loopback_host(parsed.host)
            or os.environ.get(INSECURE_TRANSPORT_ENV) in {"1", "true", "yes"}
        ):
            return
        raise InsecureTransportError(
            description=(
                f"refusing to send OAuth credentials to the {what} {parsed.host!r} over "
                "plain http://; use https://, a loopback host, or allow_insecure_transport=True"
            )
        )
    raise ValueError(f"the {what} must be an http(s) URL, got scheme {scheme!r}")
