"""A fake OAuth 1.0a provider (RFC 5849) for the documentation's examples.

Temporary credentials, the authorization page (the person approves at once, or reads a PIN
when the callback is ``oob``), token credentials, and signed API calls. It checks what an
example can get wrong: a signed request (``oauth_consumer_key``, ``oauth_signature_method``,
``oauth_signature``, ``oauth_nonce``, ``oauth_timestamp``), the request token and the
verifier on the access-token step, and a known access token on API calls. Signatures
themselves are verified by the interop tests against oauthlib, not here: the examples'
consumer secrets are placeholders the provider cannot know.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from ._fake_web import BrowserError, Call, FakeWeb, Reply, new_secret

__all__ = ["EXAMPLE_OAUTH1", "X_OAUTH1", "OAuth1Config", "OAuth1Server"]

REQUIRED = (
    "oauth_consumer_key",
    "oauth_signature_method",
    "oauth_signature",
    "oauth_nonce",
    "oauth_timestamp",
)


@dataclass(frozen=True)
class OAuth1Config:
    name: str
    request_token_url: str
    authorization_urls: tuple[str, ...]
    access_token_url: str
    api_prefix: str
    invalidate_token_url: str | None = None
    confirm_callback: bool = True
    access_token_extra: tuple[tuple[str, str], ...] = ()


EXAMPLE_OAUTH1 = OAuth1Config(
    name="api.example.com (OAuth 1.0a)",
    request_token_url="https://api.example.com/oauth/request_token",
    authorization_urls=("https://api.example.com/oauth/authorize",),
    access_token_url="https://api.example.com/oauth/access_token",
    api_prefix="https://api.example.com/1.1/",
)

# https://docs.x.com/resources/fundamentals/authentication/api-reference
X_OAUTH1 = OAuth1Config(
    name="X (OAuth 1.0a)",
    request_token_url="https://api.x.com/oauth/request_token",
    authorization_urls=(
        "https://api.x.com/oauth/authorize",
        "https://api.x.com/oauth/authenticate",
    ),
    access_token_url="https://api.x.com/oauth/access_token",
    api_prefix="https://api.x.com/1.1/",
    invalidate_token_url="https://api.x.com/1.1/oauth/invalidate_token",
    access_token_extra=(("user_id", "6253282"), ("screen_name", "xdevelopers")),
)


@dataclass
class _Temporary:
    consumer_key: str
    secret: str
    callback: str
    verifier: str | None = None


@dataclass
class OAuth1Server:
    config: OAuth1Config
    temporary: dict[str, _Temporary] = field(default_factory=dict)
    access: dict[str, str] = field(default_factory=dict)  # token -> consumer key
    pins: list[str] = field(default_factory=list)  # verifiers shown to the person (oob)

    def approve(self, url: str, web: FakeWeb) -> str | None:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}{parts.path}" not in self.config.authorization_urls:
            return None
        token = dict(parse_qsl(parts.query)).get("oauth_token", "")
        held = self.temporary.get(token)
        if held is None:
            raise BrowserError(f"{self.config.name}: the page names no known request token")
        held.verifier = new_secret("verifier")
        if held.callback == "oob":
            self.pins.append(held.verifier)
            return f"oob: the page shows the PIN {held.verifier}"
        joiner = "&" if "?" in held.callback else "?"
        query = urlencode({"oauth_token": token, "oauth_verifier": held.verifier})
        return f"{held.callback}{joiner}{query}"

    def handle(self, call: Call, web: FakeWeb) -> Reply | None:
        endpoint = call.endpoint
        config = self.config
        if endpoint not in (
            config.request_token_url,
            config.access_token_url,
            config.invalidate_token_url,
        ) and not endpoint.startswith(config.api_prefix):
            return None
        params = call.oauth1_params()
        missing = [name for name in REQUIRED if name not in params]
        if missing:
            return Reply(401, {"content-type": "text/plain"}, f"missing {missing}".encode())
        if endpoint == config.request_token_url:
            token = new_secret("rt1")
            callback = params.get("oauth_callback", "")
            if not callback:
                return Reply(400, {}, b"oauth_callback is required")
            self.temporary[token] = _Temporary(
                params["oauth_consumer_key"], new_secret("rts"), callback
            )
            answer = {"oauth_token": token, "oauth_token_secret": self.temporary[token].secret}
            if config.confirm_callback:
                answer["oauth_callback_confirmed"] = "true"
            return Reply.form(200, answer)
        if endpoint == config.access_token_url:
            held = self.temporary.get(params.get("oauth_token", ""))
            if held is None or held.verifier is None:
                return Reply(401, {}, b"unknown or unapproved request token")
            if params.get("oauth_verifier") != held.verifier:
                return Reply(401, {}, b"wrong oauth_verifier")
            del self.temporary[params["oauth_token"]]
            token = new_secret("at1")
            self.access[token] = held.consumer_key
            answer = {"oauth_token": token, "oauth_token_secret": new_secret("ats")}
            answer.update(config.access_token_extra)
            return Reply.form(200, answer)
        presented = params.get("oauth_token")
        if presented is not None and presented not in self.access:
            return Reply(401, {}, b"unknown access token")
        if endpoint == config.invalidate_token_url and presented is not None:
            del self.access[presented]
            return Reply.json(200, {"access_token": "ACCESS_TOKEN"})
        return Reply.json(200, {"path": call.path, "method": call.method, "signed": True})
