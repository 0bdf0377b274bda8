"""``Provider``: what authwire knows about one identity provider.

A provider is a frozen value, checked when it is built (`authwire.plugins.validation`),
so a typo in a plugin fails when the plugin is loaded, naming the field, and not at a user's
first login. Applying it to a client is two steps, so that the client classes stay in charge
of their constructors:

1. [`Provider.oauth2_kwargs()`][authwire.plugins.provider.Provider.oauth2_kwargs] (or
   [`oauth1_kwargs()`][authwire.plugins.provider.Provider.oauth1_kwargs],
   [`assertion_kwargs()`][authwire.plugins.provider.Provider.assertion_kwargs]) gives the
   constructor keyword arguments, the caller's own arguments winning;
2. [`Provider.apply_oauth2()`][authwire.plugins.provider.Provider.apply_oauth2] (or
   [`apply_oauth1()`][authwire.plugins.provider.Provider.apply_oauth1],
   [`apply_assertion()`][authwire.plugins.provider.Provider.apply_assertion]) registers on the new
   client what a constructor cannot take: compliance hooks, a preset client authentication method,
   default authorization parameters (see `authwire.plugins.apply`).

[`from_provider()`][authwire.plugins.apply.from_provider] does both; the client classes'
``from_provider`` class methods call it.

URLs may contain ``{placeholders}`` (`authwire.plugins.templates`). Names listed in
[`Provider.parameters`][authwire.plugins.provider.Provider.parameters] are filled by
[`Provider.bind()`][authwire.plugins.provider.Provider.bind] (``tenant``, ``host``,
``domain``, ...). Names listed in
[`Provider.issuer_claims`][authwire.plugins.provider.Provider.issuer_claims] may appear only in the
issuer spellings: they are filled from an ID token's claims when an issuer is checked
(``{tenantid}`` from ``tid``, as Microsoft's multi-tenant discovery document publishes it).

The module depends on the protocol layer only; the client classes depend on it, never the
other way round.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..protocol.issuers import IssuerPolicy
from .features import Quirk
from .oauth1 import OAuth1Endpoints, RequestTokenCheck
from .templates import check_value, is_safe_value, placeholders, substitute
from .validation import ENDPOINT_FIELDS, validate

if TYPE_CHECKING:
    from .apply import EventHookClient, from_provider

__all__ = [
    "ENDPOINT_FIELDS",
    "ClientAuthFactory",
    "Configure",
    "Hook",
    "OAuth1Endpoints",
    "Provider",
    "Quirk",
    "RequestTokenCheck",
    "from_provider",
]

Hook = Callable[..., Any]
"""A compliance hook (see `authwire.auth.oauth2.HOOK_TYPES` for the call shapes)."""
ClientAuthFactory = Callable[["Provider"], object]
"""Builds the preset client authentication method for a (bound) provider: an object with a
``name`` such as [`PrivateKeyJWT`][authwire.PrivateKeyJWT], or a ``(name, fn)`` pair."""
Configure = Callable[[Any, Mapping[str, str]], None]
"""Finishes a client that ``from_provider`` built: called with the client (any class and
binding, sync or async) and the values the provider's ``parameters`` were bound with, for
what needs the client itself (its ``client_id``, its secret, its httpx event hooks)."""


def __getattr__(name: str) -> Any:
    # ``from authwire.plugins.provider import from_provider`` keeps working; it lives in
    # ``apply``, which imports this module (a module-level import back would be a cycle)
    if name == "from_provider":
        from .apply import from_provider

        return from_provider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True, slots=True)
class Provider:
    """An identity provider: its endpoints, defaults and quirks.

    Attributes:
        name: the registry key: lowercase letters, digits, ``-`` and ``_``, starting with a
            letter or digit (``github``, ``microsoft``, ``x-oauth1``).
        title: the display name (``"GitHub"``), as the documentation shows it; defaults to
            ``name``.
        authorization_endpoint: the OAuth 2 / OpenID endpoints, under their RFC 8414 /
            OpenID Discovery names; http(s) URLs, ``None`` when the provider has none.
        token_endpoint: where codes, refresh tokens and assertions become tokens.
        revocation_endpoint: RFC 7009 token revocation.
        introspection_endpoint: RFC 7662 token introspection.
        userinfo_endpoint: OpenID Connect Core §5.3 UserInfo.
        device_authorization_endpoint: RFC 8628 device authorization.
        jwks_uri: the keys ID tokens are signed with.
        end_session_endpoint: OpenID Connect RP-Initiated Logout.
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
        compliance_hooks: hook type (one of `HOOK_TYPES`) to
            the hooks to register, in order.
        code_challenge_method: the PKCE method (``"S256"``, ``"plain"`` or ``None``).
        oauth1: the OAuth 1.0a endpoints, for a provider that speaks it.
        client_auth: builds a preset client authentication method (a configured
            [`PrivateKeyJWT`][authwire.PrivateKeyJWT], say) from the bound provider; it is
            registered when the client uses ``token_endpoint_auth_method``.
        configure: finishes the client ``from_provider`` built, after everything else:
            ``configure(client, values)``, ``values`` the bound ``parameters`` (``{"tenant": ...}``,
            defaults included); for a fix that needs the client itself (a header carrying its
            ``client_id``, a hook keyed with its secret, an httpx event hook). It may raise; the
            client is then closed.
        extra: free metadata for the plugin's own use (documentation URL, API base, ...).
        protocols: the protocols the plugin supports, from
            [`PROTOCOL_LABELS`][authwire.plugins.features.PROTOCOL_LABELS] (``"oauth2"``,
            ``"openid"``, ``"oauth1"``); read from the endpoints when not given.
        flows: the flows the plugin offers (``"authorization_code"``, ``"refresh_token"``,
            ``"client_credentials"``, ``"device_code"``, ...; see
            [`FLOW_LABELS`][authwire.plugins.features.FLOW_LABELS]); read from the endpoints when
            not given.
        quirks: the provider's departures from the specifications that the plugin handles,
            each a [`Quirk`][authwire.plugins.Quirk] with the provider's documentation URL.

    The last three describe the plugin (the documentation's provider table is generated
    from them); they do not change what a client does. Invalid values raise ``ValueError``
    naming the field.
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
    configure: Configure | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    protocols: Sequence[str] = ()
    flows: Sequence[str] = ()
    quirks: Sequence[Quirk] = ()

    def __hash__(self) -> int:
        # the generated hash would fail on the mapping fields; equal providers agree on these
        return hash((self.name, self.issuer, self.authorization_endpoint, self.token_endpoint))

    def __post_init__(self) -> None:
        validate(self)

    # -- placeholders and issuers -----------------------------------------------------------

    @property
    def is_bound(self) -> bool:
        """``True`` when no URL has a [`parameters`][authwire.plugins.provider.Provider.parameters]
        placeholder left to fill."""
        return not self.parameters

    def bind(self, **values: str) -> Provider:
        """A copy with the [`parameters`][authwire.plugins.provider.Provider.parameters]
        placeholders filled (defaults for the others).

        ``Provider.bind(tenant="contoso.onmicrosoft.com")``. A value is one host name or
        path segment. An unknown name, or a parameter without default and without value,
        is a ``ValueError``. Issuer claim placeholders stay (see
        [`accepts_issuer()`][authwire.plugins.provider.Provider.accepts_issuer]).
        """
        filled = self.bound_values(**values)
        if not filled:
            return self
        changes: dict[str, Any] = {"parameters": {}}
        for endpoint in (*ENDPOINT_FIELDS, "issuer"):
            value = getattr(self, endpoint)
            if value is not None:
                changes[endpoint] = substitute(value, filled)
        changes["accepted_issuers"] = tuple(substitute(s, filled) for s in self.accepted_issuers)
        if self.oauth1 is not None:
            urls: dict[str, Any] = {
                k: substitute(v, filled) for k, v in self.oauth1._urls().items()
            }
            changes["oauth1"] = dataclasses.replace(self.oauth1, **urls)
        return dataclasses.replace(self, **changes)

    def bound_values(self, **values: str) -> dict[str, str]:
        """The value of each ``parameters`` placeholder that ``bind()`` fills.

        ``values`` as ``bind()`` takes them, with the defaults added; the same errors.
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
            filled[key] = check_value(self.name, key, value)
        return filled

    def _bound(self) -> Provider:
        return self if self.is_bound else self.bind()

    @property
    def concrete_issuer(self) -> str | None:
        """The issuer when it has no placeholder left (what a client can compare exactly)."""
        issuer = self._bound().issuer
        if issuer is None or placeholders(issuer):
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
            for placeholder in placeholders(spelling):
                claim = (claims or {}).get(self.issuer_claims.get(placeholder, ""))
                if isinstance(claim, str) and is_safe_value(claim):
                    values[placeholder] = claim
            filled = substitute(spelling, values)
            if not placeholders(filled):
                out.add(filled)
        return frozenset(out)

    def accepts_issuer(self, iss: str, claims: Mapping[str, Any] | None = None) -> bool:
        """Whether ``iss`` is one of [`issuers()`][authwire.plugins.provider.Provider.issuers] (an
        exact, case-sensitive match)."""
        return isinstance(iss, str) and iss in self.issuers(claims)

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

    # -- constructor arguments --------------------------------------------------------------

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

    def assertion_kwargs(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Constructor arguments for ``AssertionClient`` / ``AsyncAssertionClient``.

        Only ``token_endpoint`` comes from the provider: the assertion's ``issuer`` is the
        service account, not the provider, and the provider's default scopes are for user
        sign-in (RFC 7523 §2.1). ``overrides`` pass on and win.
        """
        bound = self._bound()
        if bound.token_endpoint is None:
            raise ValueError(
                f"provider {self.name!r} has no token_endpoint; an assertion client needs one"
            )
        return {"token_endpoint": bound.token_endpoint, **(overrides or {})}

    def _require_oauth1(self) -> OAuth1Endpoints:
        oauth1 = self._bound().oauth1
        if oauth1 is None:
            raise ValueError(
                f"provider {self.name!r} has no OAuth 1.0a endpoints; "
                "use OAuth2Client.from_provider() for it"
            )
        return oauth1

    def oauth1_kwargs(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Constructor arguments for ``OAuth1Client`` / ``AsyncOAuth1Client`` (RFC 5849).

        ``signature_method`` and the three endpoint URLs from
        [`oauth1`][authwire.plugins.provider.Provider.oauth1], so that the
        client's steps need no URL; ``overrides`` pass on and win.
        """
        oauth1 = self._require_oauth1()
        return {
            "signature_method": oauth1.signature_method,
            **oauth1._urls(),
            **(overrides or {}),
        }

    # -- applying to a new client (authwire.plugins.apply) ----------------------------------

    def apply_oauth2(
        self, client: Any, *, authorize_params: Mapping[str, str] | None = None
    ) -> None:
        """Register on a new OAuth 2 client what its constructor cannot take.

        See `authwire.plugins.apply.apply_oauth2()`.
        """
        from .apply import apply_oauth2

        apply_oauth2(self, client, authorize_params=authorize_params)

    def apply_assertion(self, client: Any) -> None:
        """Register the compliance hooks on a new assertion client (nothing else applies)."""
        from .apply import apply_assertion

        apply_assertion(self, client)

    def apply_oauth1(self, client: EventHookClient) -> None:
        """Install the request-token checks of [`oauth1`][authwire.plugins.Provider.oauth1] on a new
        OAuth 1 client
        ([`request_token_checks`][authwire.plugins.OAuth1Endpoints.request_token_checks]).

        See `authwire.plugins.apply.apply_oauth1()`.
        """
        from .apply import apply_oauth1

        apply_oauth1(self, client)
