"""Spotify's redirect URI rules (enforced for new apps since 2025-04-09, for all by 2025-11-27).

https://developer.spotify.com/documentation/web-api/concepts/redirect_uri: HTTPS, except for
a loopback IP literal (``http://127.0.0.1:PORT``, ``http://[::1]:PORT``, whose port may vary);
``localhost`` is not allowed. Custom schemes (``com.example.app:/callback``) stay allowed
(https://developer.spotify.com/blog/2025-02-12-increasing-the-security-requirements-for-integrating-with-spotify).

Spotify answers a refused redirect URI on its own page ("INVALID_CLIENT: Invalid redirect
URI"), where the user is stuck: the plugin refuses it before a URL is ever built.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit

__all__ = ["REDIRECT_URI_RULES", "check_redirect_uri"]

#: Where the rules are written down.
REDIRECT_URI_RULES = "https://developer.spotify.com/documentation/web-api/concepts/redirect_uri"


def _is_loopback_literal(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_redirect_uri(redirect_uri: str) -> str:
    """Return ``redirect_uri`` if Spotify accepts its form; ``ValueError`` naming the rule if not.

    Refused: any URI whose host is ``localhost`` (or a name under it), and ``http://`` to
    anything but a loopback IP literal. Accepted: ``https://``, ``http://127.0.0.1[:port]``,
    ``http://[::1][:port]``, and custom schemes of native apps.
    """
    if not isinstance(redirect_uri, str) or not redirect_uri:
        raise TypeError("redirect_uri must be a non-empty str")
    parts = urlsplit(redirect_uri)
    scheme = parts.scheme.lower()
    if not scheme:
        raise ValueError(f"redirect_uri {redirect_uri!r} is not an absolute URI")
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        netloc = "127.0.0.1" + (f":{parts.port}" if parts.port else "")
        loopback = urlunsplit(("http", netloc, parts.path, parts.query, parts.fragment))
        raise ValueError(
            f"Spotify does not allow localhost in a redirect URI ({redirect_uri!r}): use the "
            f"loopback IP literal instead, e.g. {loopback!r}, and register it in the app's "
            f"settings (see {REDIRECT_URI_RULES})"
        )
    if scheme == "http" and not _is_loopback_literal(host):
        raise ValueError(
            f"Spotify allows http:// redirect URIs only for loopback IP literals "
            f"(http://127.0.0.1:PORT or http://[::1]:PORT), not {redirect_uri!r}: "
            f"use https:// (see {REDIRECT_URI_RULES})"
        )
    return redirect_uri
