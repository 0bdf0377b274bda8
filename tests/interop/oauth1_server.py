"""A real OAuth 1.0a provider for the interop tests, built on oauthlib's server endpoints.

oauthlib verifies every signature independently of authwire (its own base string, its own
parameter collection). The provider keeps everything in memory and runs on 127.0.0.1 in a
background thread:

* ``POST /request_token``  temporary credentials (RequestTokenEndpoint)
* ``GET  /authorize``      the resource owner approves at once; 302 to the callback with
                           ``oauth_token`` and ``oauth_verifier`` (AuthorizationEndpoint)
* ``GET  /callback``       where that redirect lands; answers 200
* ``POST /access_token``   token credentials (AccessTokenEndpoint)
* ``*    /resource...``    a protected resource (ResourceEndpoint) that echoes what it got

What the validator relaxes, and why: ``enforce_ssl`` is off (the provider speaks plain HTTP on
loopback) and ``realms`` lists the realms the tests use. Key, token, nonce and verifier
formats keep oauthlib's defaults (20 to 30 ASCII letters and digits).

oauthlib verifies RSA signatures through PyJWT. When PyJWT is not installed, the RSA
primitive (only the PKCS#1 v1.5 verify, not the base string) is supplied from ``cryptography``
through oauthlib's own cache of RSA implementations.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from oauthlib.common import generate_token
from oauthlib.oauth1 import (
    AccessTokenEndpoint,
    AuthorizationEndpoint,
    RequestTokenEndpoint,
    RequestValidator,
    ResourceEndpoint,
)
from oauthlib.oauth1.rfc5849 import errors as oauth1_errors
from oauthlib.oauth1.rfc5849 import signature as oauth1_signature

__all__ = ["OAuth1Provider", "RegisteredClient", "serve_oauth1_provider"]

REALMS = ["photos", "videos"]


class _CryptographyRSA:
    """The two methods oauthlib asks of PyJWT's RSAAlgorithm, on ``cryptography``."""

    def __init__(self, algorithm: type[hashes.HashAlgorithm]) -> None:
        self.hash_alg = algorithm

    def prepare_key(self, pem: str) -> Any:
        return serialization.load_pem_public_key(pem.encode("ascii"))

    def verify(self, message: bytes, key: Any, signature: bytes) -> bool:
        try:
            key.verify(signature, message, padding.PKCS1v15(), self.hash_alg())
        except InvalidSignature:
            return False
        return True


def _ensure_rsa_verifier() -> None:
    try:
        import jwt.algorithms  # noqa: F401
    except ImportError:
        cache = oauth1_signature._jwt_rsa
        cache.setdefault("SHA-1", _CryptographyRSA(hashes.SHA1))
        cache.setdefault("SHA-256", _CryptographyRSA(hashes.SHA256))
        cache.setdefault("SHA-512", _CryptographyRSA(hashes.SHA512))


@dataclass
class RegisteredClient:
    client_key: str
    client_secret: str
    rsa_public_key: str | None = None
    callback_prefix: str = ""


@dataclass
class _State:
    clients: dict[str, RegisteredClient] = field(default_factory=dict)
    request_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    nonces: set[tuple[str, str, str, str | None]] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


class MemoryValidator(RequestValidator):  # type: ignore[misc]
    """An in-memory ``RequestValidator``: clients, RSA keys, nonces, tokens and verifiers."""

    enforce_ssl = False
    realms = REALMS

    def __init__(self, state: _State) -> None:
        super().__init__()
        self.state = state

    # dummies keep timing uniform for unknown clients and tokens (oauthlib asks for them)
    @property
    def dummy_client(self) -> str:
        return "dummyclientdummyclient"

    @property
    def dummy_request_token(self) -> str:
        return "dummyrequesttokendummy"

    @property
    def dummy_access_token(self) -> str:
        return "dummyaccesstokendummyx"

    # clients
    def validate_client_key(self, client_key: str, request: Any) -> bool:
        return client_key in self.state.clients

    def get_client_secret(self, client_key: str, request: Any) -> str:
        client = self.state.clients.get(client_key)
        return client.client_secret if client else "dummy"

    def get_rsa_key(self, client_key: str, request: Any) -> str | None:
        client = self.state.clients.get(client_key)
        return client.rsa_public_key if client else None

    def get_default_realms(self, client_key: str, request: Any) -> list[str]:
        return []

    def validate_requested_realms(self, client_key: str, realms: list[str], request: Any) -> bool:
        return all(realm in REALMS for realm in realms)

    def validate_redirect_uri(self, client_key: str, redirect_uri: str, request: Any) -> bool:
        client = self.state.clients.get(client_key)
        if client is None:
            return False
        return redirect_uri == "oob" or redirect_uri.startswith(client.callback_prefix)

    def validate_timestamp_and_nonce(
        self,
        client_key: str,
        timestamp: str,
        nonce: str,
        request: Any,
        request_token: str | None = None,
        access_token: str | None = None,
    ) -> bool:
        key = (client_key, timestamp, nonce, request_token or access_token)
        with self.state.lock:
            if key in self.state.nonces:
                return False
            self.state.nonces.add(key)
        return True

    # temporary credentials
    def save_request_token(self, token: dict[str, str], request: Any) -> None:
        self.state.request_tokens[token["oauth_token"]] = {
            "client_key": request.client_key,
            "secret": token["oauth_token_secret"],
            "redirect_uri": request.redirect_uri,
            "realms": list(request.realms or []),
            "verifier": None,
        }

    def verify_request_token(self, token: str, request: Any) -> bool:
        return token in self.state.request_tokens

    def get_realms(self, token: str, request: Any) -> list[str]:
        entry = self.state.request_tokens.get(token)
        return list(entry["realms"]) if entry else []

    def get_redirect_uri(self, token: str, request: Any) -> str:
        return str(self.state.request_tokens[token]["redirect_uri"])

    def save_verifier(self, token: str, verifier: dict[str, str], request: Any) -> None:
        self.state.request_tokens[token]["verifier"] = verifier["oauth_verifier"]

    def validate_request_token(self, client_key: str, token: str, request: Any) -> bool:
        entry = self.state.request_tokens.get(token)
        return entry is not None and entry["client_key"] == client_key

    def get_request_token_secret(self, client_key: str, token: str, request: Any) -> str:
        entry = self.state.request_tokens.get(token)
        return str(entry["secret"]) if entry else "dummy"

    def validate_verifier(self, client_key: str, token: str, verifier: str, request: Any) -> bool:
        entry = self.state.request_tokens.get(token)
        if entry is None or entry["verifier"] is None:
            return False
        return hmac.compare_digest(str(entry["verifier"]), verifier)

    def invalidate_request_token(self, client_key: str, request_token: str, request: Any) -> None:
        self.state.request_tokens.pop(request_token, None)

    # token credentials
    def save_access_token(self, token: dict[str, str], request: Any) -> None:
        self.state.access_tokens[token["oauth_token"]] = {
            "client_key": request.client_key,
            "secret": token["oauth_token_secret"],
            "realms": list(request.realms or []),
        }

    def validate_access_token(self, client_key: str, token: str, request: Any) -> bool:
        entry = self.state.access_tokens.get(token)
        return entry is not None and entry["client_key"] == client_key

    def get_access_token_secret(self, client_key: str, token: str, request: Any) -> str:
        entry = self.state.access_tokens.get(token)
        return str(entry["secret"]) if entry else "dummy"

    def validate_realms(
        self,
        client_key: str,
        token: str,
        request: Any,
        uri: str | None = None,
        realms: list[str] | None = None,
    ) -> bool:
        return True


class OAuth1Provider:
    """The running provider: its base URL, client registration and what it has issued."""

    def __init__(self, host: str, port: int, state: _State) -> None:
        self.base_url = f"http://{host}:{port}"
        self.state = state

    def url(self, path: str) -> str:
        return self.base_url + path

    def register_client(
        self, *, rsa_public_key: str | None = None, callback_prefix: str | None = None
    ) -> RegisteredClient:
        client = RegisteredClient(
            client_key=generate_token(24),
            client_secret=generate_token(30),
            rsa_public_key=rsa_public_key,
            callback_prefix=callback_prefix or self.url("/callback"),
        )
        with self.state.lock:
            self.state.clients[client.client_key] = client
        return client


def _make_handler(state: _State) -> type[BaseHTTPRequestHandler]:
    validator = MemoryValidator(state)
    request_tokens = RequestTokenEndpoint(validator)
    authorization = AuthorizationEndpoint(validator)
    access_tokens = AccessTokenEndpoint(validator)
    resources = ResourceEndpoint(validator)

    class Handler(BaseHTTPRequestHandler):
        timeout = 10  # a stuck connection cannot hold a thread for ever

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

        def _read(self) -> tuple[str, bytes, dict[str, str]]:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            uri = f"http://{self.headers['Host']}{self.path}"
            return uri, body, dict(self.headers.items())

        def _reply(self, status: int, headers: dict[str, str], body: bytes | str | None) -> None:
            data = body.encode("utf-8") if isinstance(body, str) else (body or b"")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _dispatch(self) -> None:
            uri, body, headers = self._read()
            path = urlsplit(self.path).path
            text = body.decode("utf-8")
            if path == "/request_token" and self.command == "POST":
                self._reply(
                    *_status_first(
                        request_tokens.create_request_token_response(
                            uri, self.command, text, headers
                        )
                    )
                )
            elif path == "/authorize" and self.command == "GET":
                try:
                    result = authorization.create_authorization_response(
                        uri, self.command, text, headers
                    )
                except oauth1_errors.OAuth1Error as exc:
                    self._reply(exc.status_code, {}, exc.urlencoded)
                else:
                    self._reply(*_status_first(result))
            elif path == "/callback":
                self._reply(200, {"Content-Type": "text/plain"}, "authorized")
            elif path == "/access_token" and self.command == "POST":
                self._reply(
                    *_status_first(
                        access_tokens.create_access_token_response(uri, self.command, text, headers)
                    )
                )
            elif path.startswith("/resource"):
                valid, oauth_request = resources.validate_protected_resource_request(
                    uri, self.command, text, headers
                )
                if not valid:
                    self._reply(401, {"Content-Type": "text/plain"}, "invalid request")
                    return
                echo = {
                    "method": self.command,
                    "path": path,
                    "query": parse_qsl(urlsplit(self.path).query, keep_blank_values=True),
                    "content_type": self.headers.get("Content-Type"),
                    "body": text,
                    "oauth_params": dict(oauth_request.oauth_params),
                    "realm": oauth_request.realm,
                    "client_key": oauth_request.client_key,
                    "token": oauth_request.resource_owner_key,
                }
                self._reply(200, {"Content-Type": "application/json"}, json.dumps(echo))
            else:
                self._reply(404, {"Content-Type": "text/plain"}, "not found")

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _dispatch

    return Handler


def _status_first(
    result: tuple[dict[str, str], str | None, int],
) -> tuple[int, dict[str, str], str | None]:
    headers, body, status = result
    return status, headers, body


@contextlib.contextmanager
def serve_oauth1_provider() -> Iterator[OAuth1Provider]:
    """Run the provider on 127.0.0.1 (a free port) until the block ends."""
    _ensure_rsa_verifier()
    state = _State()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(state))
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield OAuth1Provider(str(host), int(port), state)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
