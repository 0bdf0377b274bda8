"""``Provider``: what authwire knows about one identity provider, and how a client uses it.

A provider is a frozen value. It is checked when it is built, so a typo in a plugin fails
when the plugin is loaded, naming the field, and not at a user's first login. Applying it
to a client is two steps, so that the client classes stay in charge of their constructors:

1. :meth:`Provider.oauth2_kwargs` (or :meth:`~Provider.oauth1_kwargs`,
   :meth:`~Provider.assertion_kwargs`) gives the constructor keyword arguments, the
   caller's own arguments winning;
2. :meth:`Provider.apply_oauth2` (or :meth:`~Provider.apply_oauth1`,
   :meth:`~Provider.apply_assertion`) registers on the new client what a constructor
   cannot take: compliance hooks, a preset client authentication method, default
   authorization parameters.

:func:`from_provider` does both; the client classes' ``from_provider`` class methods call it.

URLs may contain ``{placeholders}``. Names listed in :attr:`Provider.parameters` are filled
by :meth:`Provider.bind` (``tenant``, ``host``, ``domain``, ...). Names listed in
:attr:`Provider.issuer_claims` may appear only in the issuer spellings: they are filled from
an ID token's claims when an issuer is checked (``{tenantid}`` from ``tid``, as Microsoft's
multi-tenant discovery document publishes it).
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import parse_qsl, urlsplit

from .._metadata import HOOK_TYPES, is_metadata_name
from ..protocol.client_auth import named_method
from ..protocol.issuers import IssuerPolicy

if TYPE_CHECKING:
    from .._compat import Response
    from ..auth.oauth2 import OAuth2Auth
    from ..client.oauth1 import AsyncOAuth1Client, OAuth1Client

#: RFC 5849 §3.4.2 (``authwire.SIGNATURE_HMAC_SHA1``; spelled here so that a provider,
#: shared by every HTTP binding, imports none of them).
SIGNATURE_HMAC_SHA1 = "HMAC-SHA1"
#: The constructor parameters of the HTTP clients authwire binds (httpx 0.27-0.29, httpx2):
#: a provider parameter may not take one of these names.
_HTTP_CLIENT_ARGUMENTS = frozenset(
    {
        "auth",
        "params",
        "headers",
        "cookies",
        "verify",
        "cert",
        "trust_env",
        "http1",
        "http2",
        "proxy",
        "proxies",
        "mounts",
        "timeout",
        "follow_redirects",
        "limits",
        "max_redirects",
        "event_hooks",
        "base_url",
        "transport",
        "app",
        "default_encoding",
    }
)

__all__ = [
    "ENDPOINT_FIELDS",
    "ClientAuthFactory",
    "Hook",
    "OAuth1Endpoints",
    "Provider",
    "RequestTokenCheck",
    "from_provider",
]

#: A compliance hook (see :data:`authwire.auth.oauth2.HOOK_TYPES` for the call shapes).
Hook = Callable[..., Any]
#: Builds the preset client authentication method for a (bound) provider: an object with a
#: ``name`` such as :class:`~authwire.PrivateKeyJWT`, or a ``(name, fn)`` pair.
ClientAuthFactory = Callable[["Provider"], object]
#: Called with the decoded temporary-credentials response; raises to reject it.
RequestTokenCheck = Callable[[Mapping[str, str]], None]

#: The OAuth 2 endpoint fields of :class:`Provider`, in the order they are passed on.
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

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
_PARAMETER = re.compile(r"[a-z][a-z0-9_]*")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# a bound value is one host or one path segment: nothing that could change the URL's shape
_UNSAFE_VALUE = re.compile(r"[/?#@\\{}%\s]")
_CODE_CHALLENGE_METHODS = ("S256", "plain", None)

# The client classes own these: an authorization URL gets them from the client, not from
# a provider's defaults.
_CLIENT_MANAGED_PARAMS = frozenset(
    {
        "client_id",
        "response_type",
        "redirect_uri",
        "scope",
        "state",
        "endpoint",
        "code_challenge",
        "code_challenge_method",
        "nonce",
        "request",
        "request_uri",
    }
)

# Constructor arguments of the client classes and engines: a provider parameter with one of
# these names could never be told apart from the client's own argument in from_provider().
_CLIENT_ARGUMENTS = frozenset(
    {
        "client_id",
        "client_secret",
        "token_endpoint_auth_method",
        "revocation_endpoint_auth_method",
        "scope",
        "redirect_uri",
        "token",
        "token_secret",
        "token_placement",
        "update_token",
        "leeway",
        "state",
        "code_challenge_method",
        "allow_insecure_transport",
        "authorize_params",
        "rsa_key",
        "verifier",
        "request_token_url",
        "authorization_url",
        "access_token_url",
        "signature_method",
        "signature_type",
        "force_include_body",
        "realm",
        "subject",
        "claims",
        "grant_type",
        "key",
        "alg",
        "header",
        "expires_in",
        "password",
        "clock",
    }
)


def _reserved_parameter(name: str) -> bool:
    import inspect

    if name in _CLIENT_ARGUMENTS or name in _HTTP_CLIENT_ARGUMENTS or is_metadata_name(name):
        return True
    for module in (sys.modules.get("httpx"), sys.modules.get("httpx2")):  # a newer release's
        for cls in (getattr(module, "Client", None), getattr(module, "AsyncClient", None)):
            if cls is not None and name in inspect.signature(cls.__init__).parameters:
                return True
    return False


def _invalid(provider: str, message: str) -> ValueError:
    return ValueError(f"invalid provider {provider!r}: {message}")


def _placeholders(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template)


def _check_template(owner: str, name: str, value: object, allowed: Iterable[str]) -> str:
    if not isinstance(value, str) or not value:
        raise _invalid(owner, f"{name} must be a non-empty str, not {value!r}")
    if "{" in _PLACEHOLDER.sub("", value) or "}" in _PLACEHOLDER.sub("", value):
        raise _invalid(owner, f"{name} has a stray brace: {value!r}")
    allowed = set(allowed)
    for placeholder in _placeholders(value):
        if placeholder not in allowed:
            raise _invalid(
                owner,
                f"{name} uses {{{placeholder}}}, which is not declared "
                + ("in parameters" if "issuer" not in name else "in parameters or issuer_claims"),
            )
    return value


def _check_url(owner: str, name: str, value: object, allowed: Iterable[str]) -> str:
    url = _check_template(owner, name, value, allowed)
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise _invalid(owner, f"{name} must be an http(s) URL, not {url!r}")
    return url


def _callables(value: object) -> tuple[Any, ...] | None:
    """A lone callable or an iterable of items as a tuple; ``None`` for anything else."""
    if callable(value):
        return (value,)
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return None
    return tuple(value)


def _substitute(template: str, values: Mapping[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def _check_value(owner: str, name: str, value: object) -> str:
    if not isinstance(value, str) or not value or _UNSAFE_VALUE.search(value):
        raise ValueError(
            f"provider {owner!r}: {name} must be one host name or path segment "
            f"(no '/', '?', '#', '@', '%', braces or spaces), not {value!r}"
        )
    return value


@dataclass(frozen=True, slots=True)
class OAuth1Endpoints:
    """A provider's OAuth 1.0a endpoints (RFC 5849 §2).

    Attributes:
        request_token_url: the temporary credential request endpoint (§2.1).
        authorization_url: the resource owner authorization endpoint (§2.2).
        access_token_url: the token request endpoint (§2.3).
        signature_method: the signature method the provider expects (``HMAC-SHA1``).
        request_token_checks: called in order with the decoded temporary-credentials
            response; a check raises (an :class:`~authwire.OAuthError`, say) to reject it,
            for example when ``oauth_callback_confirmed`` is not ``"true"``.
    """

    request_token_url: str
    authorization_url: str
    access_token_url: str
    signature_method: str = SIGNATURE_HMAC_SHA1
    request_token_checks: Sequence[RequestTokenCheck] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.signature_method, str) or not self.signature_method:
            raise ValueError("oauth1.signature_method must be a non-empty str")
        checks = _callables(self.request_token_checks)
        if checks is None:
            raise ValueError("oauth1.request_token_checks must be a sequence of callables")
        for check in checks:
            if not callable(check):
                raise ValueError(f"oauth1.request_token_checks: {check!r} is not callable")
        object.__setattr__(self, "request_token_checks", checks)

    def _urls(self) -> dict[str, str]:
        return {
            "request_token_url": self.request_token_url,
            "authorization_url": self.authorization_url,
            "access_token_url": self.access_token_url,
        }


@dataclass(frozen=True, slots=True)
class Provider:
    """An identity provider: its endpoints, defaults and quirks.

    Attributes:
        name: the registry key: lowercase letters, digits, ``-`` and ``_``, starting with a
            letter or digit (``github``, ``microsoft``, ``x-oauth1``).
        title: a human name (``"GitHub"``); defaults to ``name``.
        authorization_endpoint: ... through ``end_session_endpoint``: the OAuth 2 / OpenID
            endpoints (RFC 8414 / OpenID Discovery names); http(s) URLs.
        issuer: the issuer identifier: what RFC 9207 and ID-token checks compare with, and
            the base of OpenID discovery.
        accepted_issuers: other exact spellings of the issuer that tokens may carry
            (Google's ``accounts.google.com`` beside ``https://accounts.google.com``); any
            string, templates allowed.
        issuer_claims: for each ``{placeholder}`` in ``issuer`` / ``accepted_issuers`` that is
            filled from the ID token, the claim that fills it (``{"tenantid": "tid"}``).
        parameters: the ``{placeholders}`` a user fills (``{"tenant": "common"}``) with
            their default, or ``None`` when the user must give one.
        scope: default scopes (a space-separated str or a sequence).
        token_endpoint_auth_method: the client authentication method to use when the
            client has a secret (``client_secret_post``, ``private_key_jwt``, ...).
        authorize_params: default parameters of every authorization URL
            (``{"access_type": "offline"}``); a call's own parameters win.
        compliance_hooks: hook type (one of :data:`~authwire.auth.oauth2.HOOK_TYPES`) to
            the hooks to register, in order.
        code_challenge_method: the PKCE method (``"S256"``, ``"plain"`` or ``None``).
        oauth1: the OAuth 1.0a endpoints, for a provider that speaks it.
        client_auth: builds a preset client authentication method (a configured
            :class:`~authwire.PrivateKeyJWT`, say) from the bound provider; it is registered
            when the client uses ``token_endpoint_auth_method``.
        extra: free metadata for the plugin's own use (documentation URL, API base, ...).

    Invalid values raise ``ValueError`` naming the field.
    """

    name: str
    title: str = ""
    authorization_endpoint: str | None = None
    token_endpoint: str | None = None
    revocation_endpoint: str | None = None
    introspection_endpoint: str | None = None
    userinfo_endpoint: str | None = None
    device_authorization_endpoint: str | None = None
    jwks_uri: str | None = None
    end_session_endpoint: str | None = None
    issuer: str | None = None
    accepted_issuers: Sequence[str] = ()
    issuer_claims: Mapping[str, str] = field(default_factory=dict)
    parameters: Mapping[str, str | None] = field(default_factory=dict)
    scope: Sequence[str] = ()
    token_endpoint_auth_method: str | None = None
    authorize_params: Mapping[str, str] = field(default_factory=dict)
    compliance_hooks: Mapping[str, Sequence[Hook]] = field(default_factory=dict)
    code_challenge_method: str | None = "S256"
    oauth1: OAuth1Endpoints | None = None
    client_auth: ClientAuthFactory | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:
        # the generated hash would fail on the mapping fields; equal providers agree on these
        return hash((self.name, self.issuer, self.authorization_endpoint, self.token_endpoint))

    # -- validation -------------------------------------------------------------------------

    def __post_init__(self) -> None:
        name = self.name
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ValueError(f"invalid provider: name must match [a-z0-9][a-z0-9_-]*, not {name!r}")
        set_ = object.__setattr__
        if not isinstance(self.title, str):
            raise _invalid(name, f"title must be a str, not {self.title!r}")
        if not self.title:
            set_(self, "title", name)

        parameters = self._check_parameters()
        issuer_claims = self._check_issuer_claims(parameters)
        for endpoint in ENDPOINT_FIELDS:
            value = getattr(self, endpoint)
            if value is not None:
                _check_url(name, endpoint, value, parameters)
        template_names = set(parameters) | set(issuer_claims)
        if self.issuer is not None:
            _check_url(name, "issuer", self.issuer, template_names)
        accepted = self.accepted_issuers
        if isinstance(accepted, str):
            accepted = (accepted,)
        if not isinstance(accepted, Iterable):
            raise _invalid(name, "accepted_issuers must be a sequence of str")
        accepted = tuple(accepted)
        for i, spelling in enumerate(accepted):
            _check_template(name, f"accepted_issuers[{i}]", spelling, template_names)
        set_(self, "accepted_issuers", accepted)

        set_(self, "scope", self._check_scope())
        method = self.token_endpoint_auth_method
        if method is not None and (not isinstance(method, str) or not method):
            raise _invalid(name, "token_endpoint_auth_method must be a non-empty str or None")
        set_(self, "authorize_params", self._check_authorize_params())
        set_(self, "compliance_hooks", self._check_hooks())
        if self.code_challenge_method not in _CODE_CHALLENGE_METHODS:
            raise _invalid(
                name,
                "code_challenge_method must be 'S256', 'plain' or None, "
                f"not {self.code_challenge_method!r}",
            )
        if self.oauth1 is not None:
            if not isinstance(self.oauth1, OAuth1Endpoints):
                raise _invalid(name, "oauth1 must be an OAuth1Endpoints or None")
            for field_name, url in self.oauth1._urls().items():
                _check_url(name, f"oauth1.{field_name}", url, parameters)
        if self.client_auth is not None:
            if not callable(self.client_auth):
                raise _invalid(name, "client_auth must be callable (a factory) or None")
            if method is None:
                raise _invalid(
                    name,
                    "client_auth needs token_endpoint_auth_method: the name of the method "
                    "it builds",
                )
        if not isinstance(self.extra, Mapping):
            raise _invalid(name, "extra must be a mapping")
        set_(self, "extra", MappingProxyType(dict(self.extra)))
        if not (
            any(getattr(self, f) is not None for f in ENDPOINT_FIELDS)
            or self.issuer is not None
            or self.oauth1 is not None
        ):
            raise _invalid(name, "it needs at least one endpoint, an issuer, or oauth1")

    def _check_parameters(self) -> Mapping[str, str | None]:
        name = self.name
        if not isinstance(self.parameters, Mapping):
            raise _invalid(name, "parameters must be a mapping of name to default (or None)")
        checked: dict[str, str | None] = {}
        for key, default in self.parameters.items():
            if not isinstance(key, str) or not _PARAMETER.fullmatch(key):
                raise _invalid(name, f"parameters: {key!r} must match [a-z][a-z0-9_]*")
            if _reserved_parameter(key):
                raise _invalid(
                    name,
                    f"parameters: {key!r} is a client argument name; choose another name",
                )
            if default is not None:
                _check_value(name, f"parameters[{key!r}]", default)
            checked[key] = default
        proxy = MappingProxyType(checked)
        object.__setattr__(self, "parameters", proxy)
        return proxy

    def _check_issuer_claims(self, parameters: Mapping[str, Any]) -> Mapping[str, str]:
        name = self.name
        if not isinstance(self.issuer_claims, Mapping):
            raise _invalid(name, "issuer_claims must be a mapping of placeholder to claim")
        checked: dict[str, str] = {}
        for key, claim in self.issuer_claims.items():
            if not isinstance(key, str) or not _PARAMETER.fullmatch(key):
                raise _invalid(name, f"issuer_claims: {key!r} must match [a-z][a-z0-9_]*")
            if key in parameters:
                raise _invalid(name, f"issuer_claims: {key!r} is also in parameters")
            if not isinstance(claim, str) or not claim:
                raise _invalid(name, f"issuer_claims[{key!r}] must name a claim")
            checked[key] = claim
        proxy = MappingProxyType(checked)
        object.__setattr__(self, "issuer_claims", proxy)
        return proxy

    def _check_scope(self) -> tuple[str, ...]:
        scope = self.scope
        if isinstance(scope, str):
            return tuple(scope.split())
        if not isinstance(scope, Iterable):
            raise _invalid(self.name, "scope must be a str or a sequence of str")
        words = tuple(scope)
        for word in words:
            if not isinstance(word, str) or not word or word != word.strip() or " " in word:
                raise _invalid(self.name, f"scope: {word!r} is not one scope token")
        return words

    def _check_authorize_params(self) -> Mapping[str, str]:
        if not isinstance(self.authorize_params, Mapping):
            raise _invalid(self.name, "authorize_params must be a mapping of str to str")
        checked: dict[str, str] = {}
        for key, value in self.authorize_params.items():
            if not isinstance(key, str) or not key:
                raise _invalid(self.name, f"authorize_params: {key!r} is not a parameter name")
            if key in _CLIENT_MANAGED_PARAMS:
                raise _invalid(
                    self.name,
                    f"authorize_params: {key!r} is set by the client"
                    + (" (use the scope field)" if key == "scope" else ""),
                )
            if not isinstance(value, str):
                raise _invalid(self.name, f"authorize_params[{key!r}] must be a str")
            checked[key] = value
        return MappingProxyType(checked)

    def _check_hooks(self) -> Mapping[str, tuple[Hook, ...]]:
        if not isinstance(self.compliance_hooks, Mapping):
            raise _invalid(self.name, "compliance_hooks must be a mapping of hook type to hooks")
        checked: dict[str, tuple[Hook, ...]] = {}
        for hook_type, given in self.compliance_hooks.items():
            if hook_type not in HOOK_TYPES:
                raise _invalid(
                    self.name,
                    f"compliance_hooks: unknown hook type {hook_type!r}; "
                    f"expected one of {', '.join(HOOK_TYPES)}",
                )
            hooks = _callables(given)
            if hooks is None:
                raise _invalid(
                    self.name, f"compliance_hooks[{hook_type!r}] must be a sequence of callables"
                )
            for hook in hooks:
                if not callable(hook):
                    raise _invalid(
                        self.name, f"compliance_hooks[{hook_type!r}]: {hook!r} is not callable"
                    )
            checked[hook_type] = hooks
        return MappingProxyType(checked)

    # -- placeholders and issuers -----------------------------------------------------------

    @property
    def is_bound(self) -> bool:
        """``True`` when no URL has a :attr:`parameters` placeholder left to fill."""
        return not self.parameters

    def bind(self, **values: str) -> Provider:
        """A copy with the :attr:`parameters` placeholders filled (defaults for the others).

        ``Provider.bind(tenant="contoso.onmicrosoft.com")``. A value is one host name or
        path segment. An unknown name, or a parameter without default and without value,
        is a ``ValueError``. Issuer claim placeholders stay (see :meth:`accepts_issuer`).
        """
        unknown = sorted(set(values) - set(self.parameters))
        if unknown:
            takes = ", ".join(self.parameters) or "none"
            raise ValueError(
                f"provider {self.name!r} has no parameter {unknown[0]!r} (it takes: {takes})"
            )
        filled: dict[str, str] = {}
        for key, default in self.parameters.items():
            value = values.get(key, default)
            if value is None:
                raise ValueError(
                    f"provider {self.name!r} needs {key}=: pass it to from_provider() or bind()"
                )
            filled[key] = _check_value(self.name, key, value)
        if not filled:
            return self
        changes: dict[str, Any] = {"parameters": {}}
        for endpoint in (*ENDPOINT_FIELDS, "issuer"):
            value = getattr(self, endpoint)
            if value is not None:
                changes[endpoint] = _substitute(value, filled)
        changes["accepted_issuers"] = tuple(_substitute(s, filled) for s in self.accepted_issuers)
        if self.oauth1 is not None:
            urls: dict[str, Any] = {
                k: _substitute(v, filled) for k, v in self.oauth1._urls().items()
            }
            changes["oauth1"] = dataclasses.replace(self.oauth1, **urls)
        return dataclasses.replace(self, **changes)

    def _bound(self) -> Provider:
        return self if self.is_bound else self.bind()

    @property
    def concrete_issuer(self) -> str | None:
        """The issuer when it has no placeholder left (what a client can compare exactly)."""
        issuer = self._bound().issuer
        if issuer is None or _placeholders(issuer):
            return None
        return issuer

    @property
    def discovery_url(self) -> str | None:
        """The OpenID Provider configuration URL (OpenID Connect Discovery §4), if known."""
        issuer = self.concrete_issuer
        if issuer is None:
            return None
        return issuer.rstrip("/") + "/.well-known/openid-configuration"

    def issuers(self, claims: Mapping[str, Any] | None = None) -> frozenset[str]:
        """Every issuer spelling a token may carry, templates filled from ``claims``.

        A template whose claim is missing (or not a plain identifier) is left out.
        """
        bound = self._bound()
        spellings = [bound.issuer] if bound.issuer is not None else []
        spellings.extend(bound.accepted_issuers)
        out: set[str] = set()
        for spelling in spellings:
            values: dict[str, str] = {}
            for placeholder in _placeholders(spelling):
                claim = (claims or {}).get(self.issuer_claims.get(placeholder, ""))
                if isinstance(claim, str) and claim and not _UNSAFE_VALUE.search(claim):
                    values[placeholder] = claim
            filled = _substitute(spelling, values)
            if not _placeholders(filled):
                out.add(filled)
        return frozenset(out)

    def accepts_issuer(self, iss: str, claims: Mapping[str, Any] | None = None) -> bool:
        """Whether ``iss`` is one of :meth:`issuers` (an exact, case-sensitive match)."""
        return isinstance(iss, str) and iss in self.issuers(claims)

    # -- OAuth 2 ----------------------------------------------------------------------------

    def oauth2_kwargs(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Constructor arguments for ``OAuth2Client`` / ``AsyncOAuth2Client`` / ``OAuth2Auth``.

        The endpoints, the issuer (when it has no template left), the default scope (as a
        space-separated str), ``code_challenge_method`` and — when ``overrides`` has a
        ``client_secret`` — ``token_endpoint_auth_method``; without a secret the client
        picks ``none`` (a public client) itself. Every key of ``overrides`` is passed on
        and wins, so ``client_id``, ``client_secret``, ``redirect_uri`` and httpx arguments
        go through unchanged. Unfilled parameters take their defaults.
        """
        bound = self._bound()
        if not bound._speaks_oauth2():
            raise ValueError(
                f"provider {self.name!r} has no OAuth 2 endpoints or issuer; "
                + (
                    "it speaks OAuth 1.0a: use OAuth1Client.from_provider()"
                    if bound.oauth1 is not None
                    else "it cannot configure an OAuth 2 client"
                )
            )
        overrides = dict(overrides or {})
        kwargs: dict[str, Any] = {}
        for endpoint in ENDPOINT_FIELDS:
            value = getattr(bound, endpoint)
            if value is not None:
                kwargs[endpoint] = value
        if bound.concrete_issuer is not None:
            kwargs["issuer"] = bound.concrete_issuer
        if bound.scope:
            kwargs["scope"] = " ".join(bound.scope)
        kwargs["code_challenge_method"] = bound.code_challenge_method
        if bound.token_endpoint_auth_method is not None and overrides.get("client_secret"):
            kwargs["token_endpoint_auth_method"] = bound.token_endpoint_auth_method
        kwargs.update(overrides)
        return kwargs

    def _speaks_oauth2(self) -> bool:
        return self.issuer is not None or any(
            getattr(self, f) is not None
            for f in ("authorization_endpoint", "token_endpoint", "device_authorization_endpoint")
        )

    def apply_oauth2(
        self, client: Any, *, authorize_params: Mapping[str, str] | None = None
    ) -> None:
        """Register on a new OAuth 2 client what its constructor cannot take.

        ``client`` is an ``OAuth2Client``, an ``AsyncOAuth2Client`` or an ``OAuth2Auth``.
        In order: the compliance hooks (each type's hooks in the provider's order, after
        any the client already has); the preset client authentication method, when
        :attr:`client_auth` is set and the client uses :attr:`token_endpoint_auth_method`
        (its ``prepare()`` runs now, so a bad key fails here); and the default
        authorization parameters, merged into the engine's ``authorize_params`` below the
        ones it already has. ``authorize_params`` given here win over the provider's.
        """
        bound = self._bound()
        engine = _oauth2_engine(client)
        bound._register_hooks(engine)
        if bound.client_auth is not None and (
            engine.token_endpoint_auth_method == bound.token_endpoint_auth_method
        ):
            method = named_method(bound.client_auth(bound))
            if method.name != bound.token_endpoint_auth_method:
                raise ValueError(
                    f"provider {self.name!r}: client_auth built a {method.name!r} method, "
                    f"but token_endpoint_auth_method is {bound.token_endpoint_auth_method!r}"
                )
            engine.register_client_auth_method(method)
        policy = bound.issuer_policy()
        if policy is not None and engine.issuer_policy is None:
            engine.issuer_policy = policy
        merged = {**bound.authorize_params, **(authorize_params or {})}
        for key, value in merged.items():
            if key in _CLIENT_MANAGED_PARAMS:
                raise ValueError(f"authorize_params: {key!r} is set by the client")
            engine.authorize_params.setdefault(key, value)

    def issuer_policy(self) -> IssuerPolicy | None:
        """The ID-token issuer policy: ``None`` when the exact issuer is the only form.

        Declared alternatives (Google's two spellings) and ``{tenantid}`` templates filled
        from the token's ``tid`` (Microsoft) are accepted; nothing else loosens the check.
        """
        issuer = self.issuer
        if issuer is None or (not self.accepted_issuers and "{" not in issuer):
            return None
        return IssuerPolicy(
            issuer,
            alternatives=tuple(self.accepted_issuers),
            tenant_claim=self.issuer_claims.get("tenantid", "tid"),
        )

    def _register_hooks(self, engine: OAuth2Auth) -> None:
        for hook_type, hooks in self.compliance_hooks.items():
            for hook in hooks:
                engine.register_compliance_hook(hook_type, hook)

    # -- assertion (RFC 7523 §2.1) ----------------------------------------------------------

    def assertion_kwargs(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Constructor arguments for ``AssertionClient`` / ``AsyncAssertionClient``.

        Only ``token_endpoint`` comes from the provider: the assertion's ``issuer`` is the
        service account, not the provider, and the provider's default scopes are for user
        sign-in. ``overrides`` pass on and win.
        """
        bound = self._bound()
        if bound.token_endpoint is None:
            raise ValueError(
                f"provider {self.name!r} has no token_endpoint; an assertion client needs one"
            )
        return {"token_endpoint": bound.token_endpoint, **(overrides or {})}

    def apply_assertion(self, client: Any) -> None:
        """Register the compliance hooks on a new assertion client (nothing else applies)."""
        self._bound()._register_hooks(_oauth2_engine(client))

    # -- OAuth 1.0a (RFC 5849) --------------------------------------------------------------

    def _require_oauth1(self) -> OAuth1Endpoints:
        oauth1 = self._bound().oauth1
        if oauth1 is None:
            raise ValueError(
                f"provider {self.name!r} has no OAuth 1.0a endpoints; "
                "use OAuth2Client.from_provider() for it"
            )
        return oauth1

    def oauth1_kwargs(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Constructor arguments for ``OAuth1Client`` / ``AsyncOAuth1Client``.

        ``signature_method`` and the three endpoint URLs from :attr:`oauth1`, so that the
        client's steps need no URL; ``overrides`` pass on and win.
        """
        oauth1 = self._require_oauth1()
        return {
            "signature_method": oauth1.signature_method,
            **oauth1._urls(),
            **(overrides or {}),
        }

    def apply_oauth1(self, client: OAuth1Client | AsyncOAuth1Client) -> None:
        """Install the :attr:`OAuth1Endpoints.request_token_checks` on a new OAuth 1 client.

        They run as an httpx response event hook on successful POSTs to the request-token
        URL, before the client reads the token, so a check that raises stops the flow.
        """
        oauth1 = self._require_oauth1()
        if not oauth1.request_token_checks:
            return
        hook = _request_token_hook(
            oauth1.request_token_url,
            tuple(oauth1.request_token_checks),
            is_async=_is_async(client),
        )
        hooks = client.event_hooks
        hooks["response"] = [*hooks.get("response", []), hook]
        client.event_hooks = hooks


def _is_async(client: Any) -> bool:
    import inspect

    return inspect.iscoroutinefunction(getattr(client, "send", None))


def _oauth2_engine(client: Any) -> OAuth2Auth:
    # by what it is for, not by class: each HTTP binding has its own engine class
    engine = client if _is_engine(client) else getattr(client, "oauth", None)
    if not _is_engine(engine):
        raise TypeError(
            "expected an OAuth2Client, AsyncOAuth2Client or OAuth2Auth, "
            f"not {type(client).__name__}"
        )
    return cast("OAuth2Auth", engine)


def _request_token_hook(
    url: str, checks: tuple[RequestTokenCheck, ...], *, is_async: bool
) -> Callable[[Response], Any]:
    parts = urlsplit(url)
    target = (parts.scheme, parts.hostname, parts.port or _PORTS.get(parts.scheme), parts.path)

    def wanted(response: Response) -> bool:
        sent = response.request.url
        return (
            response.is_success
            and response.request.method == "POST"
            and (sent.scheme, sent.host, sent.port or _PORTS.get(sent.scheme), sent.path) == target
        )

    def run(response: Response) -> None:
        form = dict(parse_qsl(response.content.decode("utf-8", "replace"), keep_blank_values=True))
        for check in checks:
            check(form)

    if is_async:

        async def async_hook(response: Response) -> None:
            if wanted(response):
                await response.aread()
                run(response)

        return async_hook

    def sync_hook(response: Response) -> None:
        if wanted(response):
            response.read()
            run(response)

    return sync_hook


# -- from_provider -------------------------------------------------------------------------

C = TypeVar("C")


_PORTS = {"http": 80, "https": 443}


def _is_engine(value: object) -> bool:
    # an OAuth2Auth of any binding: it runs the flows (a client only delegates to one)
    return callable(getattr(value, "ensure_token_flow", None)) and callable(
        getattr(value, "register_compliance_hook", None)
    )


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


def from_provider(client_cls: type[C], name: str | Provider, /, **kwargs: Any) -> C:
    """Build ``client_cls`` configured for the provider ``name`` (a registered name or a
    :class:`Provider`).

    Keyword arguments named after the provider's :attr:`~Provider.parameters` fill its URL
    placeholders (``tenant=``, ``host=``); ``authorize_params=`` (OAuth 2 only) adds to or
    overrides the provider's default authorization parameters; everything else goes to the
    client's constructor and wins over the provider's values. Works for ``OAuth2Client``,
    ``AsyncOAuth2Client``, ``OAuth2Auth``, the assertion clients and the OAuth 1 clients; a
    provider that lacks what the class needs raises ``ValueError``.
    """
    if isinstance(name, Provider):
        provider = name
    else:
        from . import registry

        provider = registry.default_registry().get(name)
    kind = _client_kind(client_cls)
    bound = provider.bind(**{k: kwargs.pop(k) for k in list(kwargs) if k in provider.parameters})
    authorize_params = kwargs.pop("authorize_params", None)
    if authorize_params is not None and kind != "oauth2":
        raise TypeError(f"authorize_params= applies to OAuth 2 clients, not {client_cls.__name__}")
    if kind == "oauth2":
        client = client_cls(**bound.oauth2_kwargs(kwargs))
        _apply_or_close(client, bound.apply_oauth2, authorize_params=authorize_params)
    elif kind == "assertion":
        client = client_cls(**bound.assertion_kwargs(kwargs))
        _apply_or_close(client, bound.apply_assertion)
    else:
        client = client_cls(**bound.oauth1_kwargs(kwargs))
        _apply_or_close(client, bound.apply_oauth1)
    return client


def _apply_or_close(client: Any, apply: Callable[..., None], **kwargs: Any) -> None:
    try:
        apply(client, **kwargs)
    except BaseException:
        if not _is_async(client):  # an async client holds nothing open yet
            client.close()
        raise
