"""Reddit's User-Agent rule, as request hooks.

https://github.com/reddit-archive/reddit/wiki/API#rules: every client must send a unique,
descriptive ``User-Agent`` (``<platform>:<app ID>:<version string> (by /u/<reddit
username>)``); default agents of HTTP libraries are drastically rate-limited, and lying
about it can get the client banned.

:class:`SetUserAgent` puts the app's agent on every request the client makes, token,
refresh and revocation requests included (it replaces an agent given in ``headers=``);
:func:`require_user_agent` refuses, before sending, any request that would go without an
agent of the app's own, httpx's default ``python-httpx/...`` included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

__all__ = ["USER_AGENT_RULES", "SetUserAgent", "check_user_agent", "require_user_agent"]

USER_AGENT_RULES = "https://github.com/reddit-archive/reddit/wiki/API#rules"

#: Agents that HTTP libraries send by default, which Reddit throttles (lowercase prefixes).
_LIBRARY_DEFAULTS = (
    "python-httpx/",
    "python-httpx2/",
    "python-requests/",
    "python-urllib/",
    "python/",
    "curl/",
    "java/",
)

B = TypeVar("B")


def check_user_agent(user_agent: object) -> str:
    """``user_agent`` if Reddit would accept it as an app's own; else a typed error.

    ``TypeError`` for a non-str; ``ValueError`` for a blank agent, one with control or
    non-ASCII characters (it goes into a header), or an HTTP library's default.
    """
    if not isinstance(user_agent, str):
        raise TypeError(
            "user_agent must be a str such as 'web:com.example.app:v1.0 (by /u/yourname)', "
            f"not {type(user_agent).__name__}"
        )
    agent = user_agent.strip()
    if not agent:
        raise ValueError(
            "Reddit requires a unique User-Agent: pass user_agent= like "
            f"'web:com.example.app:v1.0 (by /u/yourname)' (see {USER_AGENT_RULES})"
        )
    if not agent.isascii() or not agent.isprintable():
        raise ValueError("user_agent must be printable ASCII (it is sent as a header)")
    if agent.lower().startswith(_LIBRARY_DEFAULTS):
        raise ValueError(
            f"user_agent {agent!r} is an HTTP library's default, which Reddit throttles: "
            f"describe your app, e.g. 'web:com.example.app:v1.0 (by /u/yourname)' "
            f"(see {USER_AGENT_RULES})"
        )
    return agent


def _agent(headers: Mapping[str, str]) -> str | None:
    for name, value in headers.items():
        if name.lower() == "user-agent":
            return value
    return None


class SetUserAgent:
    """A request hook that sets ``User-Agent`` to the app's agent (replacing any other)."""

    def __init__(self, user_agent: str) -> None:
        self.user_agent = check_user_agent(user_agent)

    def __repr__(self) -> str:
        return f"SetUserAgent({self.user_agent!r})"

    def __call__(self, url: str, headers: dict[str, str], body: B) -> tuple[str, dict[str, str], B]:
        fixed = {k: v for k, v in headers.items() if k.lower() != "user-agent"}
        fixed["User-Agent"] = self.user_agent
        return url, fixed, body


def require_user_agent(url: str, headers: dict[str, str], body: B) -> tuple[str, dict[str, str], B]:
    """A request hook that refuses a request without the app's own ``User-Agent``.

    Registered by the ``reddit`` provider, so that a client made with
    ``OAuth2Client.from_provider("reddit", ...)`` without an agent in its ``headers`` fails
    here with a clear ``ValueError`` rather than being throttled or banned by Reddit.
    """
    agent = _agent(headers)
    try:
        check_user_agent(agent if agent is not None else "")
    except ValueError as exc:
        raise ValueError(
            f"refusing to call {url.split('?', 1)[0]} without the app's own User-Agent: "
            "make the client with authwire_reddit.oauth2_client(..., user_agent=...). "
            f"{exc}"
        ) from None
    return url, headers, body
