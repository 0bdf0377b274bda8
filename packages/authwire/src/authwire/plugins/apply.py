"""Applying a [`Provider`][authwire.plugins.Provider] to a client: ``from_provider``.

The plugin layer depends on the engine, never on the client classes: a client class says
what it is through its ``_provider_kind`` attribute (``"oauth2"``, ``"assertion"`` or
``"oauth1"``), and an OAuth 2 engine is recognised by what it can do (every HTTP binding has
its own engine class). The client classes call
[`from_provider()`][authwire.plugins.apply.from_provider] from their
``from_provider`` class methods, importing this module when they are first asked to.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from ..protocol.client_auth import named_method
from .oauth1 import request_token_hook
from .provider import Configure, Provider
from .reserved import CLIENT_MANAGED_PARAMS

if TYPE_CHECKING:
    from ..auth.oauth2 import OAuth2Auth

__all__ = [
    "EventHookClient",
    "add_response_hook",
    "apply_assertion",
    "apply_oauth1",
    "apply_oauth2",
    "from_provider",
    "is_async_client",
    "oauth2_engine",
]

C = TypeVar("C")


class EventHookClient(Protocol):
    """What `apply_oauth1()` needs of an OAuth 1 client: httpx's ``event_hooks``."""

    @property
    def event_hooks(self) -> dict[str, list[Callable[..., Any]]]: ...

    @event_hooks.setter
    def event_hooks(self, value: dict[str, list[Callable[..., Any]]]) -> None: ...


def from_provider(client_cls: type[C], name: str | Provider, /, **kwargs: Any) -> C:
    """Build ``client_cls`` configured for the provider ``name`` (a registered name or a
    [`Provider`][authwire.plugins.apply.Provider]).

    Keyword arguments named after the provider's
    [`parameters`][authwire.plugins.Provider.parameters] fill its URL placeholders (``tenant=``,
    ``host=``); ``authorize_params=`` (OAuth 2 only) adds to or overrides the provider's default
    authorization parameters; everything else goes to the client's constructor and wins over the
    provider's values. Works for ``OAuth2Client``, ``AsyncOAuth2Client``, ``OAuth2Auth``, the
    assertion clients and the OAuth 1 clients; a provider that lacks what the class needs raises
    ``ValueError``.

    The provider's ``configure``, if any, runs last, with the bound parameter values. When
    a step raises, the client is closed before the error propagates.
    """
    if isinstance(name, Provider):
        provider = name
    else:
        from . import registry

        provider = registry.default_registry().get(name)
    kind = _client_kind(client_cls)
    values = provider.bound_values(
        **{k: kwargs.pop(k) for k in list(kwargs) if k in provider.parameters}
    )
    bound = provider.bind(**values)
    authorize_params = kwargs.pop("authorize_params", None)
    if authorize_params is not None and kind != "oauth2":
        raise TypeError(f"authorize_params= applies to OAuth 2 clients, not {client_cls.__name__}")
    if kind == "oauth2":
        client = client_cls(**bound.oauth2_kwargs(kwargs))
        _apply_or_close(client, apply_oauth2, bound, authorize_params=authorize_params)
    elif kind == "assertion":
        client = client_cls(**bound.assertion_kwargs(kwargs))
        _apply_or_close(client, apply_assertion, bound)
    else:
        client = client_cls(**bound.oauth1_kwargs(kwargs))
        _apply_or_close(client, apply_oauth1, bound)
    if bound.configure is not None:
        _apply_or_close(client, _configure, bound.configure, values=MappingProxyType(values))
    return client


def apply_oauth2(
    provider: Provider, client: Any, *, authorize_params: Mapping[str, str] | None = None
) -> None:
    """Register on a new OAuth 2 client what its constructor cannot take.

    ``client`` is an ``OAuth2Client``, an ``AsyncOAuth2Client`` or an ``OAuth2Auth``.
    In order: the compliance hooks (each type's hooks in the provider's order, after
    any the client already has); the preset client authentication method, when
    [`client_auth`][authwire.plugins.Provider.client_auth] is set and the client uses
    [`token_endpoint_auth_method`][authwire.plugins.Provider.token_endpoint_auth_method] (its
    ``prepare()`` runs now, so a bad key
    fails here); the issuer policy; and the default authorization parameters, merged into
    the engine's ``authorize_params`` below the ones it already has. ``authorize_params``
    given here win over the provider's.
    """
    bound = provider._bound()
    engine = _oauth2_engine(client)
    _register_hooks(bound, engine)
    if bound.client_auth is not None and (
        engine.token_endpoint_auth_method == bound.token_endpoint_auth_method
    ):
        method = named_method(bound.client_auth(bound))
        if method.name != bound.token_endpoint_auth_method:
            raise ValueError(
                f"provider {provider.name!r}: client_auth built a {method.name!r} method, "
                f"but token_endpoint_auth_method is {bound.token_endpoint_auth_method!r}"
            )
        engine.register_client_auth_method(method)
    policy = bound.issuer_policy()
    if policy is not None and engine.issuer_policy is None:
        engine.issuer_policy = policy
    merged = {**bound.authorize_params, **(authorize_params or {})}
    for key, value in merged.items():
        if key in CLIENT_MANAGED_PARAMS:
            raise ValueError(f"authorize_params: {key!r} is set by the client")
        engine.authorize_params.setdefault(key, value)


def apply_assertion(provider: Provider, client: Any) -> None:
    """Register the compliance hooks on a new assertion client (nothing else applies)."""
    _register_hooks(provider._bound(), _oauth2_engine(client))


def apply_oauth1(provider: Provider, client: EventHookClient) -> None:
    """Install the [`request_token_checks`][authwire.plugins.OAuth1Endpoints.request_token_checks]
    on a new OAuth 1 client.

    They run as an httpx response event hook on successful POSTs to the request-token
    URL, before the client reads the token, so a check that raises stops the flow
    (RFC 5849 §2.1).
    """
    oauth1 = provider._require_oauth1()
    if not oauth1.request_token_checks:
        return
    hook = request_token_hook(
        oauth1.request_token_url,
        tuple(oauth1.request_token_checks),
        is_async=_is_async(client),
    )
    hooks = client.event_hooks
    hooks["response"] = [*hooks.get("response", []), hook]
    client.event_hooks = hooks


def oauth2_engine(client: object) -> OAuth2Auth | None:
    """The OAuth 2 engine of ``client``: itself for an ``OAuth2Auth``, ``client.oauth`` for an
    ``OAuth2Client`` / ``AsyncOAuth2Client`` (any binding); ``None`` for an assertion or an
    OAuth 1 client. For a provider's ``configure`` that sets up OAuth 2 clients only.
    """
    if getattr(type(client), "_provider_kind", None) != "oauth2":
        return None
    engine = client if _is_engine(client) else getattr(client, "oauth", None)
    return cast("OAuth2Auth", engine) if _is_engine(engine) else None


def is_async_client(client: object) -> bool:
    """Whether ``client`` is an async client (its ``send`` is a coroutine function)."""
    return _is_async(client)


def add_response_hook(
    client: object, hook: Callable[[Any], Any], async_hook: Callable[[Any], Any]
) -> bool:
    """Append an httpx ``response`` event hook to ``client``: ``async_hook`` on an async
    client, ``hook`` on a sync one. ``False``, and nothing done, when ``client`` has no
    ``event_hooks`` (an ``OAuth2Auth``, which another client uses as its ``auth=``).
    """
    if not hasattr(client, "event_hooks"):
        return False
    hooks = cast("EventHookClient", client).event_hooks
    hooks["response"] = [*hooks.get("response", []), async_hook if _is_async(client) else hook]
    cast("EventHookClient", client).event_hooks = hooks
    return True


def _configure(configure: Configure, client: Any, *, values: Mapping[str, str]) -> None:
    configure(client, values)


def _register_hooks(provider: Provider, engine: OAuth2Auth) -> None:
    for hook_type, hooks in provider.compliance_hooks.items():
        for hook in hooks:
            engine.register_compliance_hook(hook_type, hook)


def _is_async(client: Any) -> bool:
    return inspect.iscoroutinefunction(getattr(client, "send", None))


def _is_engine(value: object) -> bool:
    # an OAuth2Auth of any binding: it runs the flows (a client only delegates to one)
    return callable(getattr(value, "ensure_token_flow", None)) and callable(
        getattr(value, "register_compliance_hook", None)
    )


def _oauth2_engine(client: Any) -> OAuth2Auth:
    engine = client if _is_engine(client) else getattr(client, "oauth", None)
    if not _is_engine(engine):
        raise TypeError(
            "expected an OAuth2Client, AsyncOAuth2Client or OAuth2Auth, "
            f"not {type(client).__name__}"
        )
    return cast("OAuth2Auth", engine)


def _client_kind(client_cls: type[Any]) -> str:
    """``"oauth2"``, ``"assertion"`` or ``"oauth1"``: what the class says it is.

    Each client class (and engine) of every HTTP binding declares ``_provider_kind``.
    """
    if not isinstance(client_cls, type):
        raise TypeError(f"from_provider() needs a client class, not {client_cls!r}")
    kind = getattr(client_cls, "_provider_kind", None)
    if kind not in ("oauth2", "assertion", "oauth1"):
        raise TypeError(f"from_provider() does not know how to configure {client_cls.__name__}")
    return str(kind)


def _apply_or_close(client: Any, apply: Callable[..., None], *args: Any, **kwargs: Any) -> None:
    try:
        apply(*args, client, **kwargs)
    except BaseException:
        if not _is_async(client):  # an async client holds nothing open yet
            client.close()
        raise
