"""The engine's optional parts load on first use and behave as the mixins they stand for.

``OAuth2Auth`` inherits stand-ins (``authwire.auth._parts``) for its device-flow, PAR/JAR,
DPoP, OpenID Connect and token-store mixins: each placeholder loads its mixin when first
looked up. Every stand-in must hold exactly its mixin's attributes, a client that uses none
of the features must load none of them, and the first use must behave as the mixin does.
The checks of a first use run in a fresh interpreter: in this one the tests before may
have loaded the parts already.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from authwire import OAuth2Auth
from authwire.auth import _parts

PART_MODULES = [
    f"authwire.auth.{name}" for name in ("device", "dpop", "openid", "secured", "stored")
]
STAND_INS = [getattr(_parts, name) for name in _parts.__all__]
#: what every class has in its namespace, not the mixin's own
_CLASS_BOOKKEEPING = {"__module__", "__qualname__", "__doc__", "__annotations__", "__dict__"}
_CLASS_BOOKKEEPING |= {"__weakref__", "__firstlineno__", "__static_attributes__"}


def _mixin(stand_in: type) -> type:
    module = importlib.import_module(stand_in._module, "authwire.auth")  # type: ignore[attr-defined]
    mixin: type = getattr(module, stand_in.__name__)
    return mixin


def _kind(value: object) -> object:
    if isinstance(value, property):
        return "property"
    if callable(value):
        return "method"
    return ("value", value)


@pytest.mark.parametrize("stand_in", STAND_INS, ids=lambda cls: cls.__name__)
def test_each_stand_in_holds_exactly_its_mixins_attributes(stand_in: type) -> None:
    mixin = _mixin(stand_in)
    expected = {
        name: _kind(value) for name, value in vars(mixin).items() if name not in _CLASS_BOOKKEEPING
    }
    declared: dict[str, object] = dict(stand_in._deferred)  # type: ignore[attr-defined]
    declared.update(
        (name, ("value", value))
        for name, value in vars(stand_in).items()
        if name not in _CLASS_BOOKKEEPING
        and name not in ("_module", "_deferred")
        and name not in declared
        and not isinstance(value, property | _parts._Deferred)
        and not callable(value)
    )
    assert declared == expected, (
        f"authwire/auth/_parts.py: {stand_in.__name__} must declare what {mixin.__module__} "
        "defines (a placeholder per method or property, the same plain defaults)"
    )
    assert stand_in in OAuth2Auth.__mro__


@pytest.mark.parametrize("stand_in", STAND_INS, ids=lambda cls: cls.__name__)
def test_after_the_first_use_the_engine_has_the_mixins_own_attributes(stand_in: type) -> None:
    first = next(iter(stand_in._deferred))  # type: ignore[attr-defined]
    getattr(OAuth2Auth, first)
    mixin = _mixin(stand_in)
    for name in stand_in._deferred:  # type: ignore[attr-defined]
        assert vars(stand_in)[name] is vars(mixin)[name], name
        assert getattr(OAuth2Auth, name) is getattr(mixin, name)


def _fresh(code: str) -> Any:
    """Run ``code`` in a new interpreter; it prints one JSON value as its last line."""
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


_LOADED = f"sorted(m for m in sys.modules if m in {PART_MODULES!r})"


def test_a_client_that_uses_no_optional_part_loads_none() -> None:
    """Construction, a token request and an authorised request load no part."""
    loaded = _fresh(
        f"""
        import json, sys, httpx
        import authwire

        def answer(request):
            if request.url.path == "/token":
                return httpx.Response(200, json={{"access_token": "a", "token_type": "Bearer",
                                                  "expires_in": 3600}})
            return httpx.Response(200, json={{"auth": request.headers["authorization"]}})

        client = authwire.OAuth2Client(
            "id", "secret", token_endpoint="https://as.example/token",
            grant_type="client_credentials", transport=httpx.MockTransport(answer),
        )
        assert client.get("https://api.example/me").json() == {{"auth": "Bearer a"}}
        print(json.dumps({_LOADED}))
        """
    )
    assert loaded == []


def test_the_first_use_of_a_part_loads_that_part_only() -> None:
    loaded = _fresh(
        f"""
        import json, sys, authwire
        auth = authwire.OAuth2Auth(client_id="id", issuer="https://op.example")
        assert auth.validates_id_tokens is True
        assert auth.id_token_algorithms() == ("RS256",)
        print(json.dumps({_LOADED}))
        """
    )
    assert loaded == ["authwire.auth.openid"]


def test_a_constructor_argument_of_a_part_loads_it_and_is_checked() -> None:
    loaded = _fresh(
        f"""
        import json, sys, authwire
        errors = []
        for kwargs in ({{"dpop": "not a key"}}, {{"token_key": "k"}},
                       {{"request_object_key": 42}}):
            try:
                authwire.OAuth2Auth(client_id="id", **kwargs)
            except (TypeError, ValueError) as exc:
                errors.append(type(exc).__name__)
        bound = authwire.OAuth2Auth(client_id="id", dpop_bound_access_tokens=True)
        assert bound.dpop_key is not None
        print(json.dumps([errors, {_LOADED}]))
        """
    )
    assert loaded == [
        ["ValueError", "TypeError", "ValueError"],
        ["authwire.auth.dpop", "authwire.auth.secured", "authwire.auth.stored"],
    ]


def test_a_placeholder_property_keeps_its_setter_and_its_refusal() -> None:
    """Assigning before the first use reaches the property, not the instance."""
    outcome = _fresh(
        """
        import json, authwire
        seen = []
        auth = authwire.OAuth2Auth(client_id="id")
        for name, value in (("jwks_min_interval", -1), ("validates_id_tokens", True),
                            ("token_key", "k")):
            try:
                setattr(auth, name, value)
                seen.append("set")
            except (AttributeError, ValueError) as exc:
                seen.append(type(exc).__name__)
        auth.jwks_min_interval = 5
        seen.append(auth.jwks_min_interval)
        print(json.dumps(seen))
        """
    )
    assert outcome == ["ValueError", "AttributeError", "AttributeError", 5.0]


def test_a_subclass_overrides_and_reaches_a_placeholder_through_super() -> None:
    outcome = _fresh(
        """
        import json, authwire

        class Mine(authwire.OAuth2Auth):
            def id_token_algorithms(self):
                return ("ES256", *super().id_token_algorithms())

        print(json.dumps(Mine(client_id="id").id_token_algorithms()))
        """
    )
    assert outcome == ["ES256", "RS256"]


def test_threads_that_first_use_a_part_at_once_all_get_it() -> None:
    outcome = _fresh(
        """
        import json, threading, authwire
        auth = authwire.OAuth2Auth(client_id="id", id_token_signed_response_alg="ES256")
        barrier = threading.Barrier(8, timeout=10)
        seen = []

        def first_use():
            barrier.wait()
            seen.append(auth.id_token_algorithms())

        threads = [threading.Thread(target=first_use) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        print(json.dumps(seen))
        """
    )
    assert outcome == [["ES256"]] * 8
