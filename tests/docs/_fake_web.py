"""The fake internet the documentation's examples run against, and how it is plugged in.

Every request an example sends, from any httpx or httpx2 client built without a transport of
its own, reaches :class:`FakeWeb` instead of a socket: :func:`install` replaces the
``handle_request`` / ``handle_async_request`` of both libraries' HTTP transports for the
duration of a test (the same seam as ``httpx.MockTransport``, one level down, so that the
examples need no ``transport=`` argument they would not have in a real program).

The web holds *sites*: the authorization servers (:mod:`tests.docs._fake_oauth2`), the
OAuth 1.0a servers (:mod:`tests.docs._fake_oauth1`) and the APIs (:mod:`tests.docs._fake_apis`).
A request no site answers goes, on a reserved example domain (``example.com``, ``*.example``,
``*.test``: RFC 2606), to a generic API that wants a valid token; on any other host it fails
as an unreachable host would, with :class:`httpx.ConnectError`, naming the host.

:class:`Browser` plays the person at the browser: it opens an authorization URL, approves,
and returns the URL the provider redirects back to.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable
from urllib.parse import parse_qsl, unquote, urlsplit
from urllib.request import parse_http_list, parse_keqv_list

import httpx
import pytest

__all__ = [
    "Browser",
    "BrowserError",
    "Call",
    "FakeWeb",
    "Grant",
    "Reply",
    "Site",
    "install",
    "new_secret",
]

RESERVED_SUFFIXES = (".example.com", ".example", ".test")


def new_secret(prefix: str) -> str:
    """A fresh random value with a prefix that says what it is (``at-``, ``code-``...)."""
    return f"{prefix}-{secrets.token_urlsafe(16)}"


@dataclass(frozen=True)
class Call:
    """A request as the fake internet sees it, whichever library sent it."""

    method: str
    url: str
    headers: dict[str, str]  # lower-case names; repeated headers joined by ", "
    body: bytes

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def endpoint(self) -> str:
        """The URL without its query: what names an endpoint."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))

    def form_items(self) -> list[tuple[str, str]]:
        if "application/x-www-form-urlencoded" not in self.headers.get("content-type", ""):
            return []
        return parse_qsl(self.body.decode("utf-8"), keep_blank_values=True)

    @property
    def form(self) -> dict[str, str]:
        return dict(self.form_items())

    def form_list(self, name: str) -> list[str]:
        return [value for key, value in self.form_items() if key == name]

    def basic_credentials(self) -> tuple[str, str] | None:
        """HTTP Basic credentials, each part form-decoded (RFC 6749 §2.3.1)."""
        scheme, _, value = self.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return None
        user, _, password = base64.b64decode(value).decode("utf-8").partition(":")
        return unquote(user.replace("+", " ")), unquote(password.replace("+", " "))

    def oauth1_params(self) -> dict[str, str]:
        """The ``oauth_*`` parameters, from the header, the query or the form (RFC 5849 §3.5)."""
        params: dict[str, str] = {}
        scheme, _, value = self.headers.get("authorization", "").partition(" ")
        if scheme == "OAuth":
            items = parse_keqv_list(parse_http_list(value))
            params.update({k: unquote(v) for k, v in items.items() if k.startswith("oauth_")})
        for key, item in [*self.query.items(), *self.form_items()]:
            if key.startswith("oauth_"):
                params[key] = item
        return params


@dataclass
class Reply:
    """What a site answers: a status, headers and a body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def json(cls, status: int, payload: Any, **headers: str) -> Reply:
        return cls(
            status, {"content-type": "application/json", **headers}, json.dumps(payload).encode()
        )

    @classmethod
    def form(cls, status: int, payload: dict[str, str]) -> Reply:
        body = httpx.QueryParams(payload).__str__().encode()
        return cls(status, {"content-type": "application/x-www-form-urlencoded"}, body)

    @classmethod
    def error(cls, status: int, error: str, description: str, **headers: str) -> Reply:
        return cls.json(status, {"error": error, "error_description": description}, **headers)


@dataclass
class Grant:
    """What an issued access token stands for, as the resource servers check it."""

    client_id: str
    subject: str | None
    scope: str
    expires_at: float | None
    dpop_jkt: str | None = None
    resource: list[str] = field(default_factory=list)
    revoked: bool = False


class Site(Protocol):
    """A part of the fake internet: answers the requests it knows, ``None`` for the others."""

    def handle(self, call: Call, web: FakeWeb) -> Reply | None: ...


class BrowserError(AssertionError):
    """The provider would show the person an error page instead of redirecting back."""


@runtime_checkable
class Approver(Protocol):
    """A site with an authorization page the browser can approve at."""

    def approve(self, url: str, web: FakeWeb) -> str | None: ...


@dataclass
class FakeWeb:
    """The sites, the access tokens they issued, and every call made (for the tests' checks)."""

    sites: list[Site] = field(default_factory=list)
    tokens: dict[str, Grant] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    fallback: Site | None = None

    def handle(self, call: Call) -> Reply:
        self.calls.append(call)
        for site in self.sites:
            reply = site.handle(call, self)
            if reply is not None:
                return reply
        host = call.host
        reserved = host == "example.com" or host.endswith(RESERVED_SUFFIXES)
        if reserved and self.fallback is not None:
            reply = self.fallback.handle(call, self)
            if reply is not None:
                return reply
        if reserved:
            return Reply.json(404, {"error": "not_found", "path": call.path})
        raise httpx.ConnectError(
            f"the documentation's fake internet has no host {host!r}: play it in "
            "tests/docs, or mark the block as needing a third-party host"
        )

    def approvers(self) -> Iterable[Approver]:
        return [site for site in self.sites if isinstance(site, Approver)]

    def grant_for(self, call: Call) -> tuple[str, Grant] | None:
        """The valid access token a resource request carries, with its grant, if any.

        ``Bearer`` in the header (or ``access_token`` in the query or form, RFC 6750 §2.2,
        §2.3) for a Bearer token; ``DPoP`` with a proof for a DPoP-bound one (RFC 9449 §7.1).
        """
        scheme, _, value = call.headers.get("authorization", "").partition(" ")
        token = value.strip() if scheme.lower() in ("bearer", "dpop") else None
        if token is None:
            token = call.query.get("access_token") or call.form.get("access_token")
            scheme = "bearer"
        if not token:
            return None
        grant = self.tokens.get(token)
        if grant is None or grant.revoked:
            return None
        if grant.expires_at is not None and grant.expires_at < time.time():
            return None
        bound = grant.dpop_jkt is not None
        if bound != (scheme.lower() == "dpop") or (bound and "dpop" not in call.headers):
            return None
        return token, grant


@dataclass
class Browser:
    """The person at the browser: opens an authorization URL, approves, comes back."""

    web: FakeWeb
    visited: list[str] = field(default_factory=list)

    def approve(self, url: object) -> str:
        """The callback URL the provider redirects to once the person has approved."""
        if not isinstance(url, str):
            raise BrowserError(f"the browser opens URLs given as str, not {type(url).__name__}")
        self.visited.append(url)
        for site in self.web.approvers():
            callback = site.approve(url, self.web)
            if callback is not None:
                return callback
        raise BrowserError(f"no provider of the fake internet serves the page {url!r}")


def _call_from_httpx(request: Any, body: bytes) -> Call:
    headers: dict[str, str] = {}
    for name, value in request.headers.multi_items():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return Call(request.method, str(request.url), headers, body)


def install(monkeypatch: pytest.MonkeyPatch, web: FakeWeb) -> None:
    """Send every request of httpx's and httpx2's HTTP transports to ``web``."""
    libraries: list[Any] = [httpx]
    try:
        import httpx2

        libraries.append(httpx2)
    except ImportError:  # pragma: no cover - httpx2 is in the dev environment
        pass
    for library in libraries:
        _patch(monkeypatch, library, web)


def _patch(monkeypatch: pytest.MonkeyPatch, library: Any, web: FakeWeb) -> None:
    def respond(request: Any, body: bytes) -> Any:
        try:
            reply = web.handle(_call_from_httpx(request, body))
        except httpx.ConnectError as error:
            raise library.ConnectError(str(error), request=request) from None
        return library.Response(
            reply.status, headers=reply.headers, content=reply.body, request=request
        )

    def handle_request(self: Any, request: Any) -> Any:
        return respond(request, request.read())

    async def handle_async_request(self: Any, request: Any) -> Any:
        return respond(request, await request.aread())

    monkeypatch.setattr(library.HTTPTransport, "handle_request", handle_request)
    monkeypatch.setattr(library.AsyncHTTPTransport, "handle_async_request", handle_async_request)
