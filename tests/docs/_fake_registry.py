"""Every installed provider plugin, played from its own ``Provider`` value.

A provider without a site of its own in the fake internet (Google, GitHub and X have theirs)
is played by a plain :class:`~tests.docs._fake_oauth2.AuthorizationServer` at the endpoints
its plugin declares. Templated endpoints (``https://{domain}/authorize``) are matched
against the URL a client calls, and the server for those values is made on first use; an
issuer template filled from a token claim (``{tenantid}`` from ``tid``) gets a fixed value,
and the claim goes into the ID tokens. What a generic server cannot know — a value that
appears in no URL the client calls, a provider's own answer shapes — is for the plugin's
author to add, or the example to be marked as needing the third-party host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from joserfc.jwk import RSAKey

from authwire import providers
from authwire.plugins.templates import placeholders, substitute

from ._fake_apis import ExampleAPI
from ._fake_oauth2 import AuthorizationServer, ServerConfig
from ._fake_web import Call, FakeWeb, Reply

__all__ = ["RegistryProviders"]

#: Played by their own sites (tests/docs/_fake_oauth2.py).
PLAYED_ELSEWHERE = frozenset({"google", "github", "twitter", "x"})
ENDPOINTS = (
    "authorization_endpoint",
    "token_endpoint",
    "revocation_endpoint",
    "introspection_endpoint",
    "userinfo_endpoint",
    "device_authorization_endpoint",
    "jwks_uri",
    "end_session_endpoint",
)
#: The value a claim-filled issuer placeholder gets (Microsoft's ``tid``, say).
CLAIM_VALUE = "9188040d-6c67-4c5b-b112-36a304b66dad"


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", template)
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/?#@%{{}}\\s]+)"
        for index, part in enumerate(parts)
    )
    return re.compile(regex + "$")


@dataclass
class RegistryProviders:
    """Authorization servers for the installed plugins, made when a URL of theirs is used."""

    key: RSAKey
    servers: dict[tuple[str, tuple[tuple[str, str], ...]], AuthorizationServer] = field(
        default_factory=dict
    )

    def _server(self, url: str) -> AuthorizationServer | None:
        for name in providers.names():
            if name in PLAYED_ELSEWHERE:
                continue
            provider = providers.get(name)
            for endpoint in ENDPOINTS:
                template = getattr(provider, endpoint, None)
                if not template:
                    continue
                match = _pattern(template).match(url)
                if match is not None:
                    return self._server_for(provider, match.groupdict())
        return None

    def _server_for(self, provider: Any, matched: dict[str, str]) -> AuthorizationServer | None:
        values = {k: v for k, v in provider.parameters.items() if v is not None}
        values.update(matched)
        cache_key = (provider.name, tuple(sorted(values.items())))
        if cache_key in self.servers:
            return self.servers[cache_key]
        claims = {placeholder: CLAIM_VALUE for placeholder in provider.issuer_claims if placeholder}
        issuer = substitute(provider.issuer or "", {**values, **claims})
        urls: dict[str, str | None] = {}
        for endpoint in ENDPOINTS:
            url = substitute(getattr(provider, endpoint) or "", values)
            # a value no URL showed leaves a placeholder: that endpoint is not played
            urls[endpoint] = url if url and not placeholders(url) else None
        if not urls["authorization_endpoint"] or not urls["token_endpoint"]:
            return None
        openid = bool(issuer) and not placeholders(issuer)
        config = ServerConfig(
            name=provider.name,
            issuer=issuer if openid else urls["authorization_endpoint"] or "",
            authorization_endpoint=urls["authorization_endpoint"] or "",
            token_endpoints=(urls["token_endpoint"] or "",),
            openid=openid and urls["jwks_uri"] is not None,
            revocation_endpoint=urls["revocation_endpoint"],
            introspection_endpoint=urls["introspection_endpoint"],
            userinfo_endpoint=urls["userinfo_endpoint"],
            jwks_uri=urls["jwks_uri"],
            device_authorization_endpoint=urls["device_authorization_endpoint"],
            end_session_endpoint=urls["end_session_endpoint"],
            advertise_iss=False,
            extra_claims=tuple((claim, CLAIM_VALUE) for claim in provider.issuer_claims.values()),
        )
        server = AuthorizationServer(config, key=self.key)
        self.servers[cache_key] = server
        return server

    def approve(self, url: str, web: FakeWeb) -> str | None:
        server = self._server(url.split("?", 1)[0])
        return None if server is None else server.approve(url, web)

    def handle(self, call: Call, web: FakeWeb) -> Reply | None:
        server = self._server(call.endpoint)
        if server is None and call.endpoint.endswith("/.well-known/openid-configuration"):
            server = self._server_by_issuer(call.endpoint)
        if server is not None:
            reply = server.handle(call, web)
            if reply is not None:
                return reply
        if any(call.host == _host(s.config.token_endpoints[0]) for s in self.servers.values()):
            # the provider's own APIs (a management API on the tenant's host): a valid token
            return ExampleAPI().handle(call, web)
        return None

    def _server_by_issuer(self, url: str) -> AuthorizationServer | None:
        issuer = url.removesuffix("/.well-known/openid-configuration")
        for server in self.servers.values():
            if server.config.issuer.rstrip("/") == issuer.rstrip("/"):
                return server
        return None
