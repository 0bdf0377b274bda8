"""(2) OAuth 1.0a signatures per second: HMAC-SHA1 and RSA-SHA1 (RFC 5849 §3.4.2, §3.4.3).

Every implementation signs the same request: a form-encoded POST with a query string, as a
client with a token. One operation is one signature placed in the ``Authorization`` header
(or, for oauthlib and requests-oauthlib, their ``sign`` call that returns the headers). Each
library draws its own nonce and timestamp while timed; the equivalence check fixes both and
requires the same ``oauth_signature`` from everyone.

authwire remembers the encoded form of the URLs it signs, so signing one URL again and again
(the first case) flatters it; the second case signs a new path each time (a pool of
``DISTINCT_URLS`` prebuilt requests, more than that memory holds, taken in turn), and its
target is on authwire's own repeated-URL figure.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote

import httpx

from authwire import OAuth1Auth

from . import _fixtures as fx
from ._floor import FloorOAuth1Signer
from ._harness import Config, Results, at_least, run_sync_rounds
from ._peers import authlib_httpx, oauthlib_oauth1, requests, requests_oauthlib

URL = f"{fx.API}/v2/notes/create.json?notify=true&tags=a%20b"
BODY = b"text=Bench%20note%3A%20caf%C3%A9%20%2B%20r%C3%A9sum%C3%A9%21&draft=false"
FORM = "application/x-www-form-urlencoded"
CONSUMER_KEY = "bench-consumer-key-7Qm2"
CONSUMER_SECRET = "bench-consumer-secret-Zr4tLw9x"
TOKEN = "4242-bench-access-token-Hc81"
TOKEN_SECRET = "bench-token-secret-pV6n"
NONCE = "benchnonce0123456789abcdef"
TIMESTAMP = "1700000000"

FLOOR = "straightforward signer, key loaded once (floor)"
AUTHWIRE = "authwire OAuth1Auth"
AUTHLIB = "Authlib OAuth1Auth"
OAUTHLIB = "oauthlib Client.sign"
REQUESTS_OAUTHLIB = "requests-oauthlib OAuth1"

AUTHLIB_CLIENT_AUTH = "authlib.oauth1.rfc5849.client_auth"


DISTINCT_URLS = 4096
AUTHWIRE_DISTINCT = "authwire OAuth1Auth, a new URL each signature"
FLOOR_DISTINCT = "straightforward signer, a new URL each signature"


def new_request(url: str = URL) -> httpx.Request:
    return httpx.Request("POST", url, content=BODY, headers={"Content-Type": FORM})


def _distinct_requests() -> Iterator[httpx.Request]:
    """Requests to ``DISTINCT_URLS`` different paths, cycled: each signature a new URL."""
    pool = [
        new_request(f"{fx.API}/v2/notes/{i}/create.json?notify=true&tags=a%20b")
        for i in range(DISTINCT_URLS)
    ]
    return itertools.cycle(pool)


def _rsa_text() -> str:
    return fx.rsa_pem().decode("ascii")


def _kwargs(method: str) -> dict[str, Any]:
    return {"rsa_key": _rsa_text()} if method == "RSA-SHA1" else {}


def authwire_signer(
    method: str, fixed: bool = False, distinct: bool = False
) -> Callable[[], httpx.Request]:
    """One authwire signature of the benchmark request (also used by ``benchmarks.profile``)."""
    extra: dict[str, Any] = {"nonce_factory": lambda: NONCE, "clock": lambda: int(TIMESTAMP)}
    auth = OAuth1Auth(
        CONSUMER_KEY,
        CONSUMER_SECRET if method != "RSA-SHA1" else None,
        TOKEN,
        TOKEN_SECRET,
        signature_method=method,
        **_kwargs(method),
        **(extra if fixed else {}),
    )
    if distinct:
        requests = _distinct_requests()
        return lambda: next(auth.auth_flow(next(requests)))
    request = new_request()
    return lambda: next(auth.auth_flow(request))


def _floor(method: str, fixed: bool = False, distinct: bool = False) -> Callable[[], httpx.Request]:
    signer = FloorOAuth1Signer(
        CONSUMER_KEY,
        CONSUMER_SECRET,
        TOKEN,
        TOKEN_SECRET,
        rsa_key=fx.rsa_key() if method == "RSA-SHA1" else None,
    )
    if distinct:
        requests = _distinct_requests()
        return lambda: signer.sign(next(requests))
    request = new_request()
    if fixed:
        return lambda: signer.sign(request, NONCE, TIMESTAMP)
    return lambda: signer.sign(request)


def _authlib(method: str) -> Callable[[], httpx.Request]:
    auth = authlib_httpx.OAuth1Auth(
        CONSUMER_KEY,
        CONSUMER_SECRET if method != "RSA-SHA1" else None,
        TOKEN,
        TOKEN_SECRET,
        signature_method=method,
        **_kwargs(method),
    )
    request = new_request()
    return lambda: next(auth.auth_flow(request))


def _oauthlib(method: str, fixed: bool = False) -> Callable[[], Any]:
    client = oauthlib_oauth1.Client(
        CONSUMER_KEY,
        client_secret=CONSUMER_SECRET if method != "RSA-SHA1" else None,
        resource_owner_key=TOKEN,
        resource_owner_secret=TOKEN_SECRET,
        signature_method=method,
        **_kwargs(method),
        **({"nonce": NONCE, "timestamp": TIMESTAMP} if fixed else {}),
    )
    body = BODY.decode()
    return lambda: client.sign(URL, "POST", body, {"Content-Type": FORM})


def _requests_oauthlib(method: str, fixed: bool = False) -> Callable[[], Any]:
    auth = requests_oauthlib.OAuth1(
        CONSUMER_KEY,
        client_secret=CONSUMER_SECRET if method != "RSA-SHA1" else None,
        resource_owner_key=TOKEN,
        resource_owner_secret=TOKEN_SECRET,
        signature_method=method,
        **_kwargs(method),
        **({"nonce": NONCE, "timestamp": TIMESTAMP} if fixed else {}),
    )
    prepared = requests.Request("POST", URL, data=BODY, headers={"Content-Type": FORM}).prepare()
    return lambda: auth(prepared)


# -- equivalence ------------------------------------------------------------------------------


def _signature_of(authorization: str | bytes) -> str:
    text = authorization.decode() if isinstance(authorization, bytes) else authorization
    for part in text.removeprefix("OAuth ").split(","):
        name, _, value = part.strip().partition("=")
        if name == "oauth_signature":
            return unquote(value.strip('"'))
    raise AssertionError(f"no oauth_signature in {text!r}")


@contextlib.contextmanager
def _authlib_fixed() -> Iterator[None]:
    # Authlib draws nonce and timestamp from module functions; fix them for the check only
    import importlib

    module = importlib.import_module(AUTHLIB_CLIENT_AUTH)
    saved = module.generate_nonce, module.generate_timestamp
    module.generate_nonce = lambda: NONCE
    module.generate_timestamp = lambda: TIMESTAMP
    try:
        yield
    finally:
        module.generate_nonce, module.generate_timestamp = saved


def check(method: str) -> str:
    signatures = {
        FLOOR: _signature_of(_floor(method, fixed=True)().headers["Authorization"]),
        AUTHWIRE: _signature_of(authwire_signer(method, fixed=True)().headers["Authorization"]),
        OAUTHLIB: _signature_of(_oauthlib(method, fixed=True)()[1]["Authorization"]),
        REQUESTS_OAUTHLIB: _signature_of(
            _requests_oauthlib(method, fixed=True)().headers["Authorization"]
        ),
    }
    with _authlib_fixed():
        signatures[AUTHLIB] = _signature_of(_authlib(method)().headers["Authorization"])
    if len(set(signatures.values())) != 1:
        raise AssertionError(f"{method}: the signatures differ: {signatures}")
    return signatures[FLOOR]


def run(config: Config, results: Results) -> None:
    for method in ("HMAC-SHA1", "RSA-SHA1"):
        check(method)
        results.checks.append(f"(2) {method}: every implementation gave the same oauth_signature")
        impls: dict[str, Callable[[], object]] = {
            FLOOR: _floor(method),
            AUTHWIRE: authwire_signer(method),
            FLOOR_DISTINCT: _floor(method, distinct=True),
            AUTHWIRE_DISTINCT: authwire_signer(method, distinct=True),
            AUTHLIB: _authlib(method),
            OAUTHLIB: _oauthlib(method),
            REQUESTS_OAUTHLIB: _requests_oauthlib(method),
        }
        group = f"(2) OAuth 1 {method} signatures"
        if method == "HMAC-SHA1":
            rows = run_sync_rounds(
                config,
                group,
                impls,
                FLOOR,
                comparisons=[
                    (AUTHWIRE, AUTHLIB, at_least(3, "Authlib")),
                    (AUTHWIRE_DISTINCT, AUTHWIRE, at_least(0.8, "our repeated-URL figure")),
                ],
            )
        else:
            rows = run_sync_rounds(
                config,
                group,
                impls,
                FLOOR,
                targets={AUTHWIRE: at_least(0.9, "the floor (key loaded once)")},
                comparisons=[
                    (AUTHWIRE_DISTINCT, AUTHWIRE, at_least(0.8, "our repeated-URL figure")),
                ],
                notes={
                    AUTHLIB: "loads the PEM on every signature",
                    OAUTHLIB: "loads the PEM on every signature",
                    REQUESTS_OAUTHLIB: "oauthlib inside",
                },
            )
        results.extend(rows)
