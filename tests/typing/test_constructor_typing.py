"""A misspelt constructor argument is a type error, and still a ``TypeError`` at run time.

The clients' extra keywords are typed (``**kwargs: Unpack[...]``, PEP 692) by the
``TypedDict`` s of ``authwire.client._arguments``: provider metadata names, and the httpx
client's own arguments. mypy is run on two small modules, one that misspells and one that
uses real httpx arguments; the ``TypedDict`` s are checked against the names the run-time
check accepts, for both bindings, so that the two cannot drift apart.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec
from mypy import api

import authwire
import authwire._metadata as metadata_names
from authwire.client._arguments import (
    HttpxArguments,
    OAuth2Arguments,
    OAuth2Options,
    ProviderMetadata,
)

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".mypy_cache" / "constructor-typing"

MISSPELT = """
from authwire import (
    AssertionClient,
    AsyncAssertionClient,
    AsyncOAuth1Client,
    AsyncOAuth2Client,
    OAuth1Client,
    OAuth2Client,
)

OAuth2Client("id", token_endpiont="https://as.example/token")
AsyncOAuth2Client("id", authorisation_endpoint="https://as.example/authorize")
OAuth2Client("id", timout=5)
OAuth1Client("key", "secret", transprt=None)
AsyncOAuth1Client("key", "secret", verfy=False)
AssertionClient("https://as.example/token", "iss", None, key="k", header_s={})
AsyncAssertionClient("https://as.example/token", "iss", None, key="k", jwks_uri="x")
OAuth2Client("id", auth=None)
OAuth2Client("id", token_endpoint=42)
OAuth2Client.from_issuer("https://as.example", "id", scpoe="openid")


async def discover() -> None:
    await AsyncOAuth2Client.from_issuer("https://as.example", "id", tken_store=None)
"""

#: (what the line of MISSPELT holds, what mypy must say about it)
EXPECTED = [
    ("token_endpiont=", 'Unexpected keyword argument "token_endpiont" for "OAuth2Client"'),
    (
        "authorisation_endpoint=",
        'Unexpected keyword argument "authorisation_endpoint" for "AsyncOAuth2Client"',
    ),
    ("timout=", 'Unexpected keyword argument "timout" for "OAuth2Client"'),
    ("transprt=", 'Unexpected keyword argument "transprt" for "OAuth1Client"'),
    ("verfy=", 'Unexpected keyword argument "verfy" for "AsyncOAuth1Client"'),
    ("header_s=", 'Unexpected keyword argument "header_s" for "AssertionClient"'),
    (
        "jwks_uri=",
        'Unexpected keyword argument "jwks_uri" for "AsyncAssertionClient"',
    ),
    ("auth=None", 'Unexpected keyword argument "auth" for "OAuth2Client"'),
    (
        "token_endpoint=42",
        'Argument "token_endpoint" to "OAuth2Client" has incompatible type "int"',
    ),
    ("scpoe=", 'Unexpected keyword argument "scpoe" for "from_issuer" of "OAuth2Client"'),
    (
        "tken_store=",
        'Unexpected keyword argument "tken_store" for "from_issuer" of "AsyncOAuth2Client"',
    ),
]


CORRECT = """
import ssl
from typing import Any

import httpx

from authwire import (
    AssertionClient,
    AsyncAssertionClient,
    AsyncOAuth1Client,
    AsyncOAuth2Client,
    OAuth1Client,
    OAuth2Client,
)


def answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200)


async def answer_async(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200)


def log(request: httpx.Request) -> None:
    pass


discovered: dict[str, Any] = {"token_endpoint": "https://as.example/token"}

OAuth2Client(
    "id",
    "secret",
    token_endpoint="https://as.example/token",
    authorization_endpoint="https://as.example/authorize",
    issuer="https://as.example",
    scopes_supported=["openid"],
    nonce="n",
    max_age=300,
    resource=["https://rs.example"],
    timeout=5.0,
    transport=httpx.MockTransport(answer),
    headers={"User-Agent": "app"},
    verify=False,
    base_url="https://api.example",
    event_hooks={"request": [log]},
    limits=httpx.Limits(max_connections=5),
)
OAuth2Client("id", **discovered)
AsyncOAuth2Client(
    "id",
    timeout=httpx.Timeout(5.0),
    transport=httpx.MockTransport(answer_async),
    verify=ssl.create_default_context(),
    mounts={"all://": None},
    follow_redirects=True,
    http2=False,
    trust_env=False,
    cookies={"k": "v"},
    params={"k": "v"},
    proxy=None,
    max_redirects=3,
    default_encoding="utf-8",
)
OAuth1Client("key", "secret", token={"oauth_token": "t"}, timeout=5, verify=True)
AsyncOAuth1Client("key", "secret", transport=httpx.MockTransport(answer_async), headers={})
AssertionClient("https://as.example/token", "iss", None, key="k", timeout=5, verify=False)
AsyncAssertionClient(
    "https://as.example/token", "iss", None, key="k", transport=httpx.MockTransport(answer)
)
OAuth2Client.from_issuer(
    "https://as.example",
    "id",
    "secret",
    kind="oauth",
    scope=["openid", "email"],
    redirect_uri="https://app.example/cb",
    token_endpoint_auth_method="client_secret_post",
    leeway=30,
    token_endpoint="https://as.example/other-token",
    timeout=5,
    transport=httpx.MockTransport(answer),
)


async def discover() -> AsyncOAuth2Client:
    return await AsyncOAuth2Client.from_issuer(
        "https://as.example", "id", update_token=print, trusted_audiences=["api"]
    )
"""


def run_mypy(tmp_path: Path, source: str) -> list[str]:
    """mypy's error lines for ``source``, checked as the users' code is: strict."""
    module = tmp_path / "snippet.py"
    module.write_text(source, encoding="utf-8")
    stdout, stderr, status = api.run(
        [
            "--strict",
            "--python-version",
            "3.11",
            "--no-error-summary",
            "--hide-error-context",
            "--show-error-codes",
            "--follow-imports",
            "silent",
            "--cache-dir",
            str(CACHE),
            "--config-file",
            str(tmp_path / "none.ini"),
            str(module),
        ]
    )
    assert status in (0, 1), stderr or stdout
    return [line for line in stdout.splitlines() if ": error:" in line]


@pytest.fixture
def empty_config(tmp_path: Path) -> Path:
    (tmp_path / "none.ini").write_text("[mypy]\n", encoding="utf-8")
    return tmp_path


def test_a_misspelt_argument_is_a_type_error(empty_config: Path) -> None:
    errors = run_mypy(empty_config, MISSPELT)
    lines = MISSPELT.splitlines()
    for fragment, message in EXPECTED:
        (line,) = [number for number, text in enumerate(lines, 1) if fragment in text]
        assert any(f"snippet.py:{line}: error: {message}" in error for error in errors), (
            fragment,
            message,
            errors,
        )
    assert len(errors) == len(EXPECTED), errors


def test_the_real_httpx_and_metadata_arguments_type_check(empty_config: Path) -> None:
    assert run_mypy(empty_config, CORRECT) == []


# --- the types and the run-time check agree --------------------------------------------------


def keys(typed_dict: Any) -> set[str]:
    return set(typed_dict.__required_keys__ | typed_dict.__optional_keys__)


def test_every_metadata_name_is_typed_and_every_typed_name_is_accepted() -> None:
    typed = keys(ProviderMetadata)
    assert typed >= metadata_names._NAMES, sorted(metadata_names._NAMES - typed)
    assert [name for name in typed if not metadata_names.is_metadata_name(name)] == []
    assert keys(OAuth2Arguments) == typed | keys(HttpxArguments)


@pytest.mark.parametrize("name", ["OAuth2Client", "AsyncOAuth2Client"])
def test_from_issuer_takes_every_constructor_keyword_but_issuer(name: str) -> None:
    init = inspect.signature(getattr(authwire, name).__init__).parameters
    named = {
        p.name
        for p in init.values()
        if p.kind is p.POSITIONAL_OR_KEYWORD
        and p.name not in ("self", "client_id", "client_secret")
    }
    assert keys(OAuth2Options) == (named | keys(OAuth2Arguments)) - {"issuer"}
    discover = inspect.signature(getattr(authwire, name).from_issuer).parameters
    assert list(discover)[:3] == ["issuer", "client_id", "client_secret"]


@pytest.mark.parametrize("library", ["httpx", "httpx2"])
@pytest.mark.parametrize("kind", ["Client", "AsyncClient"])
def test_the_typed_httpx_arguments_are_the_client_s_own(library: str, kind: str) -> None:
    module = pytest.importorskip(library)
    accepted = set(inspect.signature(getattr(module, kind).__init__).parameters) - {"self"}
    assert keys(HttpxArguments) == accepted - {"auth"}


# --- run time: unchanged ----------------------------------------------------------------------

CLIENTS = [
    "OAuth2Client",
    "AsyncOAuth2Client",
    "OAuth1Client",
    "AsyncOAuth1Client",
    "AssertionClient",
    "AsyncAssertionClient",
]
EC_PEM = (
    ec.generate_private_key(ec.SECP256R1())
    .private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption())
    .decode("ascii")
)


def construct(binding: Any, name: str, **kwargs: Any) -> Any:
    cls = getattr(binding, name)
    if "Assertion" in name:
        return cls("https://as.example/token", "iss", None, key=EC_PEM, **kwargs)
    return cls("id", "secret", **kwargs)


@pytest.mark.parametrize("name", CLIENTS)
def test_an_unknown_name_is_still_refused_at_run_time(name: str) -> None:
    with pytest.raises(TypeError, match="token_endpiont"):
        construct(authwire, name, token_endpiont="https://as.example/token")


@pytest.mark.parametrize("library", ["httpx", "httpx2"])
@pytest.mark.parametrize("name", CLIENTS)
def test_the_httpx_arguments_still_reach_the_client(library: str, name: str) -> None:
    module = pytest.importorskip(library)
    binding = importlib.import_module("authwire" if library == "httpx" else "authwire.httpx2")

    def answer(request: Any) -> Any:
        return module.Response(200)

    transport = module.MockTransport(answer)
    client = construct(
        binding,
        name,
        timeout=7.0,
        transport=transport,
        headers={"X-App": "yes"},
        verify=False,
        base_url="https://api.example",
    )
    assert isinstance(client, module.AsyncClient if "Async" in name else module.Client)
    assert client.timeout == module.Timeout(7.0)
    assert client.headers["X-App"] == "yes"
    assert client.base_url.host == "api.example"
    assert client._transport is transport
