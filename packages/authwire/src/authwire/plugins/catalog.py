"""What the installed provider plugins offer, one entry per provider: the docs' provider table.

The documentation builds its provider table from `catalog()` at build time, so that the
table lists exactly the providers a ``pip install "authwire[...]"`` gives, with what each
plugin says about itself ([`protocols`][authwire.plugins.Provider.protocols],
[`flows`][authwire.plugins.Provider.flows], [`quirks`][authwire.plugins.Provider.quirks]).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .features import FLOW_LABELS, PROTOCOL_LABELS, Quirk

if TYPE_CHECKING:
    from .provider import Provider
    from .registry import ProviderRegistry

__all__ = ["CatalogEntry", "catalog", "flow_label", "protocol_label"]

CORE = "authwire"
"""The core's distribution, whose extras install the plugins of this repository."""


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One registered provider, as the documentation lists it.

    Attributes:
        name: the registry name (``OAuth2Client.from_provider(name, ...)``).
        title: the display name.
        distribution: the distribution that installed it (``authwire-google``), or ``None``
            for a provider registered at run time.
        install: what to install for it: ``authwire[google]`` when the core declares that
            extra, else the distribution's own name; ``None`` with no distribution.
        protocols: protocol identifiers (see `protocol_label()`).
        flows: flow identifiers (see `flow_label()`).
        quirks: the quirks the plugin handles, each with its documentation URL.
    """

    name: str
    title: str
    distribution: str | None
    install: str | None
    protocols: tuple[str, ...]
    flows: tuple[str, ...]
    quirks: tuple[Quirk, ...]


def protocol_label(protocol: str) -> str:
    """``"OpenID Connect"`` for ``"openid"``."""
    return PROTOCOL_LABELS.get(protocol, protocol)


def flow_label(flow: str) -> str:
    """``"device authorization (RFC 8628)"`` for ``"device_code"``; a plugin's own flow
    by its identifier."""
    return FLOW_LABELS.get(flow, flow)


def catalog(registry: ProviderRegistry | None = None) -> list[CatalogEntry]:
    """An entry for every provider of ``registry`` (the process-wide one by default), by name."""
    if registry is None:
        from .registry import default_registry

        registry = default_registry()
    extras = _core_extras()
    entries = []
    for name in registry.names():
        provider: Provider = registry.get(name)
        distribution = registry.distribution_of(name)
        entries.append(
            CatalogEntry(
                name=name,
                title=provider.title,
                distribution=distribution,
                install=_install(distribution, extras),
                protocols=tuple(provider.protocols),
                flows=tuple(provider.flows),
                quirks=tuple(provider.quirks),
            )
        )
    return entries


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _core_extras() -> frozenset[str]:
    import importlib.metadata

    try:
        declared = importlib.metadata.metadata(CORE).get_all("Provides-Extra") or []
    except importlib.metadata.PackageNotFoundError:  # run from a source tree
        return frozenset()
    return frozenset(_normalize(extra) for extra in declared)


def _install(distribution: str | None, extras: frozenset[str]) -> str | None:
    if distribution is None:
        return None
    normalized = _normalize(distribution)
    prefix = f"{CORE}-"
    if normalized.startswith(prefix) and normalized[len(prefix) :] in extras:
        return f"{CORE}[{normalized[len(prefix) :]}]"
    return distribution
