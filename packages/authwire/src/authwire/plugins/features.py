"""What a provider offers, told to people: its protocols, its flows and the quirks it handles.

These fields of [`Provider`][authwire.plugins.Provider] change nothing in how a client behaves;
they describe the plugin, and the documentation's provider table is generated from them
(see `authwire.plugins.catalog`), so the table says what the installed plugins say.
Each [`Quirk`][authwire.plugins.features.Quirk] carries the URL of the provider's page that
documents the behaviour.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .templates import invalid

if TYPE_CHECKING:
    from .provider import Provider

__all__ = [
    "FLOW_LABELS",
    "PROTOCOL_LABELS",
    "Quirk",
    "check_flows",
    "check_protocols",
    "check_quirks",
    "derived_flows",
    "derived_protocols",
]

PROTOCOL_LABELS = MappingProxyType(
    {
        "oauth2": "OAuth 2.0",
        "openid": "OpenID Connect",
        "oauth1": "OAuth 1.0a",
    }
)
"""The protocols a provider may declare, and how the documentation names them."""

FLOW_LABELS = MappingProxyType(
    {
        "authorization_code": "authorization code",
        "refresh_token": "refresh",
        "client_credentials": "client credentials",
        "device_code": "device authorization (RFC 8628)",
        "jwt_bearer": "JWT bearer (RFC 7523)",
        "saml2_bearer": "SAML 2.0 bearer (RFC 7522)",
        "token_exchange": "token exchange (RFC 8693)",
        "on_behalf_of": "on-behalf-of",
        "password": "resource owner password (legacy)",
        "implicit": "implicit (legacy)",
        "oauth1": "OAuth 1.0a three-legged",
        "revocation": "revocation (RFC 7009)",
        "introspection": "introspection (RFC 7662)",
        "userinfo": "UserInfo",
        "logout": "logout",
    }
)
"""The flows authwire knows by name, and how the documentation names them. A plugin may declare
others (a provider's own grant); the table shows those by their identifier."""

_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
MAX_SUMMARY = 160
"""A quirk's summary is one line of the table, not a paragraph."""


@dataclass(frozen=True, slots=True)
class Quirk:
    """A way the provider departs from the specifications, which the plugin handles.

    Attributes:
        summary: one short line, as the provider table shows it ("token errors come with
            HTTP 200").
        url: the provider's own documentation page that documents the behaviour.

    ``ValueError`` names the bad field.
    """

    summary: str
    url: str

    def __post_init__(self) -> None:
        summary = self.summary
        if not isinstance(summary, str) or not summary.strip():
            raise ValueError(f"Quirk.summary must be a non-empty str, not {summary!r}")
        if "\n" in summary or "|" in summary or len(summary) > MAX_SUMMARY:
            raise ValueError(
                f"Quirk.summary must be one line of at most {MAX_SUMMARY} characters, "
                f"without '|': {summary!r}"
            )
        object.__setattr__(self, "summary", summary.strip())
        url = self.url
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("https", "http") or not parts.netloc:
            raise ValueError(f"Quirk.url must be the http(s) URL of a documentation page: {url!r}")
        if any(c.isspace() for c in url) or ")" in url:
            raise ValueError(f"Quirk.url must be one URL without spaces or ')': {url!r}")


def _identifiers(owner: str, field: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, Iterable):
        raise invalid(owner, f"{field} must be a sequence of str")
    items: list[str] = []
    for item in value:
        if not isinstance(item, str) or not _IDENTIFIER.fullmatch(item):
            raise invalid(owner, f"{field}: {item!r} must match [a-z][a-z0-9_]*")
        if item in items:
            raise invalid(owner, f"{field}: {item!r} is listed twice")
        items.append(item)
    return tuple(items)


def check_protocols(owner: str, value: object) -> tuple[str, ...]:
    """The declared protocols, each one of
    [`PROTOCOL_LABELS`][authwire.plugins.features.PROTOCOL_LABELS]."""
    protocols = _identifiers(owner, "protocols", value)
    for protocol in protocols:
        if protocol not in PROTOCOL_LABELS:
            raise invalid(
                owner,
                f"protocols: unknown protocol {protocol!r}; expected some of "
                + ", ".join(PROTOCOL_LABELS),
            )
    return protocols


def check_flows(owner: str, value: object) -> tuple[str, ...]:
    """The declared flows: identifiers, preferably those of
    [`FLOW_LABELS`][authwire.plugins.features.FLOW_LABELS]."""
    return _identifiers(owner, "flows", value)


def check_quirks(owner: str, value: object) -> tuple[Quirk, ...]:
    """The declared quirks, each a [`Quirk`][authwire.plugins.features.Quirk]."""
    if isinstance(value, Quirk):
        value = (value,)
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise invalid(owner, "quirks must be a sequence of Quirk")
    quirks = tuple(value)
    for quirk in quirks:
        if not isinstance(quirk, Quirk):
            raise invalid(owner, f"quirks: {quirk!r} is not an authwire.plugins.Quirk")
    return quirks


def derived_protocols(provider: Provider) -> tuple[str, ...]:
    """The protocols a provider speaks, read from its fields (when it declares none).

    OAuth 2 with an authorization, token or device endpoint or an issuer; OpenID Connect
    with an issuer and a JWKS or the ``openid`` scope; OAuth 1.0a with `oauth1`.
    """
    protocols: list[str] = []
    if provider.issuer is not None or any(
        getattr(provider, f) is not None
        for f in ("authorization_endpoint", "token_endpoint", "device_authorization_endpoint")
    ):
        protocols.append("oauth2")
    if provider.issuer is not None and (
        provider.jwks_uri is not None or "openid" in provider.scope
    ):
        protocols.append("openid")
    if provider.oauth1 is not None:
        protocols.append("oauth1")
    return tuple(protocols)


def derived_flows(provider: Provider) -> tuple[str, ...]:
    """The flows a provider's endpoints imply (when it declares none).

    Only what the endpoints prove: a refresh token or a client credentials grant depends
    on the provider's rules, which a plugin states in [`flows`][authwire.plugins.Provider.flows].
    """
    flows: list[str] = []
    if provider.authorization_endpoint is not None or (
        provider.issuer is not None and provider.token_endpoint is None
    ):
        flows.append("authorization_code")
    for endpoint, flow in (
        ("device_authorization_endpoint", "device_code"),
        ("revocation_endpoint", "revocation"),
        ("introspection_endpoint", "introspection"),
        ("userinfo_endpoint", "userinfo"),
        ("end_session_endpoint", "logout"),
    ):
        if getattr(provider, endpoint) is not None:
            flows.append(flow)
    if provider.oauth1 is not None:
        flows.append("oauth1")
    return tuple(flows)
