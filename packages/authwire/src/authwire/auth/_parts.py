"""The engine's optional parts, each loaded when it is first used.

:class:`~authwire.auth.oauth2.OAuth2Auth` is one class split by topic into mixins: the
device flow, pushed and signed authorization requests, DPoP, OpenID Connect, token stores.
A program uses a few of them at most, and their code is a third of the engine's, so at run
time the engine inherits these stand-ins instead: classes named like the mixins, holding
their plain defaults and, for each method and property, a placeholder. The first lookup of
any placeholder imports the mixin's module and puts every real attribute of that mixin in
place of the placeholders, so later lookups cost what an ordinary method's do.

The type checker and the documentation see the real mixins (``OAuth2Auth`` imports them
under ``TYPE_CHECKING``). A test keeps each stand-in equal to its mixin.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

__all__ = ["DPoPSupport", "DeviceFlow", "OpenIDConnect", "SecuredAuthorization", "StoredTokens"]


class _Deferred:
    """A placeholder for a mixin's method: loads the mixin, then steps aside."""

    __slots__ = ("name", "part")

    def __set_name__(self, owner: type[_Part], name: str) -> None:
        self.part = owner
        self.name = name

    def real(self) -> Any:
        """The mixin's own attribute, after putting all of the mixin's in place."""
        part = self.part
        mixin = getattr(importlib.import_module(part._module, __package__), part.__name__)
        found = vars(mixin)
        for name in part._deferred:
            # concurrent first uses put the same objects: setting twice is harmless
            setattr(part, name, found[name])
        return found[self.name]

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        return self.real().__get__(instance, owner)


class _DeferredProperty(_Deferred):
    """A placeholder for a mixin's property: a data descriptor, as a property is, so that
    assigning to it reaches the property's setter (or its refusal), not the instance."""

    __slots__ = ()

    def __set__(self, instance: object, value: Any) -> None:
        self.real().__set__(instance, value)

    def __delete__(self, instance: object) -> None:
        self.real().__delete__(instance)


class _Part:
    """A stand-in for one mixin: ``module`` holds the mixin of the same class name."""

    _module: ClassVar[str]
    #: the placeholders' names and kinds ("method" or "property"), kept for the drift test
    _deferred: ClassVar[dict[str, str]]

    def __init_subclass__(cls, module: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if module is None:  # the engine and its subclasses, not a stand-in
            return
        cls._module = module
        cls._deferred = {
            name: "property" if isinstance(value, _DeferredProperty) else "method"
            for name, value in vars(cls).items()
            if isinstance(value, _Deferred)
        }


class DeviceFlow(_Part, module=".device"):
    """Stand-in for :class:`authwire.auth.device.DeviceFlow` (RFC 8628)."""

    device_authorization_flow = _Deferred()
    poll_device_token_flow = _Deferred()


class SecuredAuthorization(_Part, module=".secured"):
    """Stand-in for :class:`authwire.auth.secured.SecuredAuthorization` (RFC 9126, 9101)."""

    request_object_signer = None
    _setup_request_objects = _Deferred()
    requires_pushed_authorization = _DeferredProperty()
    _secured_query = _Deferred()
    push_authorization_request_flow = _Deferred()
    start_authorization_flow = _Deferred()


class DPoPSupport(_Part, module=".dpop"):
    """Stand-in for :class:`authwire.auth.dpop.DPoPSupport` (RFC 9449)."""

    dpop_key = None
    _dpop_nonces = None
    _setup_dpop = _Deferred()
    _with_dpop_proof = _Deferred()
    _check_dpop_binding = _Deferred()
    _dpop_nonce_retry = _Deferred()


class OpenIDConnect(_Part, module=".openid"):
    """Stand-in for :class:`authwire.auth.openid.OpenIDConnect`."""

    issuer_policy = None
    id_token_leeway = 60.0
    _jwks = None
    _jwks_min_interval = 30.0
    jwks_min_interval = _DeferredProperty()
    discover_flow = _Deferred()
    _jwks_cache = _Deferred()
    _keys_flow = _Deferred()
    validates_id_tokens = _DeferredProperty()
    _issuer = _Deferred()
    id_token_algorithms = _Deferred()
    validate_id_token_flow = _Deferred()
    _check_id_token_flow = _Deferred()
    userinfo_flow = _Deferred()
    create_logout_url = _Deferred()


class StoredTokens(_Part, module=".stored"):
    """Stand-in for :class:`authwire.auth.stored.StoredTokens` (``authwire.stores``)."""

    _setup_store = _Deferred()
    _key_subject = _Deferred()
    token_key = _DeferredProperty()
    _adopt = _Deferred()
    _load = _Deferred()
    _keep_flow = _Deferred()
    _forget_flow = _Deferred()
    _renew_through_store = _Deferred()
    _renew_leased = _Deferred()
    _release = _Deferred()
