"""The provider registry: ``authwire.providers.get("github")``.

Providers come from installed plugins (packages with an ``authwire`` entry point, found
the first time this registry is used) and from [`register()`][authwire.providers.register] at run
time::

    from authwire import OAuth2Client, providers

    providers.names()                      # ['github', 'google', ...]
    providers.get("github").token_endpoint
    client = OAuth2Client.from_provider("github", client_id=..., client_secret=...)

A plugin that fails to load is skipped with a
[`ProviderPluginWarning`][authwire.providers.ProviderPluginWarning] naming it,
and [`errors()`][authwire.providers.errors] says why; the other plugins are not affected. An unknown
name raises
[`UnknownProviderError`][authwire.providers.UnknownProviderError], a `LookupError` whose message
lists the installed
providers. A name that two installed plugins both provide goes to neither of them (no
install order can decide who gets ``google``): both are skipped, and looking the name up
raises [`ProviderConflictError`][authwire.providers.ProviderConflictError] naming them, until one is
uninstalled or the provider
you want is passed to [`register()`][authwire.providers.register]. Writing a plugin: see the
"Writing a provider"
guide.
"""

from __future__ import annotations

from .plugins.apply import from_provider
from .plugins.oauth1 import OAuth1Endpoints
from .plugins.provider import Provider
from .plugins.registry import (
    ProviderConflictError,
    ProviderPluginWarning,
    ProviderRegistry,
    UnknownProviderError,
    default_registry,
)

__all__ = [
    "OAuth1Endpoints",
    "Provider",
    "ProviderConflictError",
    "ProviderPluginWarning",
    "ProviderRegistry",
    "UnknownProviderError",
    "errors",
    "from_provider",
    "get",
    "names",
    "register",
    "reload",
    "unregister",
]


def names() -> list[str]:
    """The names of the registered providers, sorted."""
    return default_registry().names()


def get(name: str) -> Provider:
    """The provider called ``name``.

    Raises:
        UnknownProviderError: no such provider (a ``LookupError``; the message lists the
            installed names and any plugin that failed to load).
        ProviderConflictError: (an ``UnknownProviderError``) more than one installed plugin
            provides ``name``, so none of them is used; the message names them.
    """
    return default_registry().get(name)


def register(
    plugin: Provider | object, *, name: str | None = None, replace: bool = False
) -> tuple[str, ...]:
    """Add a [`Provider`][authwire.providers.Provider], or a plugin module/object with ``@hookimpl``
    ``register_providers``; return the names of the providers added.

    For tests, private providers, and picking one of two plugins in conflict over a name.
    A name already taken is a ``ValueError`` unless ``replace=True`` (which swaps the new
    provider in at once); nothing is added when anything fails.
    """
    return default_registry().register(plugin, name=name, replace=replace)


def unregister(name: str) -> None:
    """Remove the provider ``name`` (or, failing that, the plugin ``name`` and all of its
    providers). [`UnknownProviderError`][authwire.providers.UnknownProviderError] when there is
    neither."""
    default_registry().unregister(name)


def errors() -> dict[str, str]:
    """Plugin name → what went wrong, for each installed plugin that was skipped."""
    return default_registry().errors()


def reload() -> None:
    """Forget every provider (run-time registrations too) and load the plugins again."""
    default_registry().reload()
