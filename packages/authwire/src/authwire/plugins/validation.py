"""Checking a [`Provider`][authwire.plugins.Provider] when it is built.

A provider is checked once, when it is constructed, so that a typo in a plugin fails when the
plugin is loaded, with a ``ValueError`` naming the provider and the field, and not at a user's
first sign-in. `validate()` also normalizes: sequences become tuples, mappings read-only
views, and the descriptive fields (`authwire.plugins.features`) get their defaults.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .._metadata import HOOK_TYPES
from .features import (
    check_flows,
    check_protocols,
    check_quirks,
    derived_flows,
    derived_protocols,
)
from .oauth1 import OAuth1Endpoints, callables
from .reserved import CLIENT_MANAGED_PARAMS, NAME, PARAMETER, is_reserved_parameter
from .templates import check_template, check_url, check_value, invalid

if TYPE_CHECKING:
    from .provider import Provider

__all__ = ["ENDPOINT_FIELDS", "validate"]

ENDPOINT_FIELDS = (
    "authorization_endpoint",
    "token_endpoint",
    "revocation_endpoint",
    "introspection_endpoint",
    "userinfo_endpoint",
    "device_authorization_endpoint",
    "jwks_uri",
    "end_session_endpoint",
)
"""The OAuth 2 endpoint fields of :class:`Provider`, in the order they are passed on."""

_CODE_CHALLENGE_METHODS = ("S256", "plain", None)


def validate(provider: Provider) -> None:
    """Check every field of ``provider`` and store the normalized values on it."""
    name = provider.name
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ValueError(f"invalid provider: name must match [a-z0-9][a-z0-9_-]*, not {name!r}")

    def set_(field: str, value: object) -> None:
        object.__setattr__(provider, field, value)

    if not isinstance(provider.title, str):
        raise invalid(name, f"title must be a str, not {provider.title!r}")
    if not provider.title:
        set_("title", name)

    parameters = _parameters(name, provider.parameters)
    set_("parameters", parameters)
    issuer_claims = _issuer_claims(name, provider.issuer_claims, parameters)
    set_("issuer_claims", issuer_claims)
    for endpoint in ENDPOINT_FIELDS:
        value = getattr(provider, endpoint)
        if value is not None:
            check_url(name, endpoint, value, parameters)
    template_names = set(parameters) | set(issuer_claims)
    if provider.issuer is not None:
        check_url(name, "issuer", provider.issuer, template_names)
    set_("accepted_issuers", _accepted_issuers(name, provider.accepted_issuers, template_names))

    set_("scope", _scope(name, provider.scope))
    method = provider.token_endpoint_auth_method
    if method is not None and (not isinstance(method, str) or not method):
        raise invalid(name, "token_endpoint_auth_method must be a non-empty str or None")
    set_("authorize_params", _authorize_params(name, provider.authorize_params))
    set_("compliance_hooks", _hooks(name, provider.compliance_hooks))
    if provider.code_challenge_method not in _CODE_CHALLENGE_METHODS:
        raise invalid(
            name,
            "code_challenge_method must be 'S256', 'plain' or None, "
            f"not {provider.code_challenge_method!r}",
        )
    if provider.oauth1 is not None:
        if not isinstance(provider.oauth1, OAuth1Endpoints):
            raise invalid(name, "oauth1 must be an OAuth1Endpoints or None")
        for field_name, url in provider.oauth1._urls().items():
            check_url(name, f"oauth1.{field_name}", url, parameters)
    if provider.client_auth is not None:
        if not callable(provider.client_auth):
            raise invalid(name, "client_auth must be callable (a factory) or None")
        if method is None:
            raise invalid(
                name,
                "client_auth needs token_endpoint_auth_method: the name of the method it builds",
            )
    if provider.configure is not None and not callable(provider.configure):
        raise invalid(name, "configure must be callable (client, values) or None")
    if not isinstance(provider.extra, Mapping):
        raise invalid(name, "extra must be a mapping")
    set_("extra", MappingProxyType(dict(provider.extra)))
    if not (
        any(getattr(provider, f) is not None for f in ENDPOINT_FIELDS)
        or provider.issuer is not None
        or provider.oauth1 is not None
    ):
        raise invalid(name, "it needs at least one endpoint, an issuer, or oauth1")

    # what the plugin says it offers, for people (the documentation's provider table)
    set_("protocols", check_protocols(name, provider.protocols) or derived_protocols(provider))
    set_("flows", check_flows(name, provider.flows) or derived_flows(provider))
    set_("quirks", check_quirks(name, provider.quirks))


def _parameters(name: str, given: object) -> Mapping[str, str | None]:
    if not isinstance(given, Mapping):
        raise invalid(name, "parameters must be a mapping of name to default (or None)")
    checked: dict[str, str | None] = {}
    for key, default in given.items():
        if not isinstance(key, str) or not PARAMETER.fullmatch(key):
            raise invalid(name, f"parameters: {key!r} must match [a-z][a-z0-9_]*")
        if is_reserved_parameter(key):
            raise invalid(
                name, f"parameters: {key!r} is a client argument name; choose another name"
            )
        if default is not None:
            check_value(name, f"parameters[{key!r}]", default)
        checked[key] = default
    return MappingProxyType(checked)


def _issuer_claims(name: str, given: object, parameters: Mapping[str, Any]) -> Mapping[str, str]:
    if not isinstance(given, Mapping):
        raise invalid(name, "issuer_claims must be a mapping of placeholder to claim")
    checked: dict[str, str] = {}
    for key, claim in given.items():
        if not isinstance(key, str) or not PARAMETER.fullmatch(key):
            raise invalid(name, f"issuer_claims: {key!r} must match [a-z][a-z0-9_]*")
        if key in parameters:
            raise invalid(name, f"issuer_claims: {key!r} is also in parameters")
        if not isinstance(claim, str) or not claim:
            raise invalid(name, f"issuer_claims[{key!r}] must name a claim")
        checked[key] = claim
    return MappingProxyType(checked)


def _accepted_issuers(name: str, given: object, template_names: set[str]) -> tuple[str, ...]:
    if isinstance(given, str):
        given = (given,)
    if not isinstance(given, Iterable):
        raise invalid(name, "accepted_issuers must be a sequence of str")
    accepted = tuple(given)
    for i, spelling in enumerate(accepted):
        check_template(name, f"accepted_issuers[{i}]", spelling, template_names)
    return accepted


def _scope(name: str, scope: object) -> tuple[str, ...]:
    if isinstance(scope, str):
        return tuple(scope.split())
    if not isinstance(scope, Iterable):
        raise invalid(name, "scope must be a str or a sequence of str")
    words = tuple(scope)
    for word in words:
        if not isinstance(word, str) or not word or word != word.strip() or " " in word:
            raise invalid(name, f"scope: {word!r} is not one scope token")
    return words


def _authorize_params(name: str, given: object) -> Mapping[str, str]:
    if not isinstance(given, Mapping):
        raise invalid(name, "authorize_params must be a mapping of str to str")
    checked: dict[str, str] = {}
    for key, value in given.items():
        if not isinstance(key, str) or not key:
            raise invalid(name, f"authorize_params: {key!r} is not a parameter name")
        if key in CLIENT_MANAGED_PARAMS:
            raise invalid(
                name,
                f"authorize_params: {key!r} is set by the client"
                + (" (use the scope field)" if key == "scope" else ""),
            )
        if not isinstance(value, str):
            raise invalid(name, f"authorize_params[{key!r}] must be a str")
        checked[key] = value
    return MappingProxyType(checked)


def _hooks(name: str, given: object) -> Mapping[str, tuple[Callable[..., Any], ...]]:
    if not isinstance(given, Mapping):
        raise invalid(name, "compliance_hooks must be a mapping of hook type to hooks")
    checked: dict[str, tuple[Callable[..., Any], ...]] = {}
    for hook_type, hooks_given in given.items():
        if hook_type not in HOOK_TYPES:
            raise invalid(
                name,
                f"compliance_hooks: unknown hook type {hook_type!r}; "
                f"expected one of {', '.join(HOOK_TYPES)}",
            )
        hooks = callables(hooks_given)
        if hooks is None:
            raise invalid(name, f"compliance_hooks[{hook_type!r}] must be a sequence of callables")
        for hook in hooks:
            if not callable(hook):
                raise invalid(name, f"compliance_hooks[{hook_type!r}]: {hook!r} is not callable")
        checked[hook_type] = hooks
    return MappingProxyType(checked)
