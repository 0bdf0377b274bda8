"""Test helpers for users and plugin authors: fake providers over ``httpx.MockTransport``.

- [`FakeProvider`][authwire.testing.FakeProvider]: answers scripted by the test, every request
  recorded;
- [`Emulator`][authwire.testing.Emulator]: a provider with real behaviour — authorization codes with
  PKCE, refresh rotation, ID tokens signed with its JWK Set, device codes, revocation, UserInfo — at
  the URLs of a provider's documented discovery document or endpoints; subclass it to play a
  provider's own shapes;
- [`MockServer`][authwire.testing.MockServer]: routes, per-call scripted answers and the request log
  both share, served over ``httpx.MockTransport`` (sync and async clients) or, with
  [`MockServer.serve()`][authwire.testing.MockServer.serve], on ``127.0.0.1`` sockets;
- [`SigningKey`][authwire.testing.SigningKey], [`jwks()`][authwire.testing.jwks],
  [`token_hash()`][authwire.testing.token_hash], [`decode_jwt()`][authwire.testing.decode_jwt]: JOSE
  pieces;
- [`json_response()`][authwire.testing.json_response],
  [`form_response()`][authwire.testing.form_response],
  [`oauth_error()`][authwire.testing.oauth_error],
  [`text_response()`][authwire.testing.text_response];
- [`Flavor`][authwire.testing.Flavor], [`each_flavor()`][authwire.testing.each_flavor],
  [`aw()`][authwire.testing.aw], [`opened()`][authwire.testing.opened]: one test body for the sync
  and the async client;
- [`FakeClock`][authwire.testing.FakeClock]: time that moves when told.

See the "Writing a provider plugin" guide for a worked example.
"""

from __future__ import annotations

from ._fake import FakeClock, FakeProvider, Responder, json_body
from .emulator import (
    AUTHORIZATION_CODE,
    CLIENT_ASSERTION_TYPE,
    CLIENT_CREDENTIALS,
    DEVICE_CODE,
    JWT_BEARER,
    REFRESH_TOKEN,
    TOKEN_EXCHANGE,
    Approval,
    Emulator,
    Grant,
    GrantHandler,
    Refusal,
    TokenCall,
)
from .flavors import FLAVORS, Flavor, aw, each_flavor, opened
from .keys import SigningKey, jwks, token_hash
from .loopback import LoopbackServer
from .recorded import DecodedJWT, RecordedRequest, decode_jwt
from .replies import NO_STORE, Answer, form_response, json_response, oauth_error, text_response
from .routes import MockServer, Served

__all__ = [
    "AUTHORIZATION_CODE",
    "CLIENT_ASSERTION_TYPE",
    "CLIENT_CREDENTIALS",
    "DEVICE_CODE",
    "FLAVORS",
    "JWT_BEARER",
    "NO_STORE",
    "REFRESH_TOKEN",
    "TOKEN_EXCHANGE",
    "Answer",
    "Approval",
    "DecodedJWT",
    "Emulator",
    "FakeClock",
    "FakeProvider",
    "Flavor",
    "Grant",
    "GrantHandler",
    "LoopbackServer",
    "MockServer",
    "RecordedRequest",
    "Refusal",
    "Responder",
    "Served",
    "SigningKey",
    "TokenCall",
    "aw",
    "decode_jwt",
    "each_flavor",
    "form_response",
    "json_body",
    "json_response",
    "jwks",
    "oauth_error",
    "opened",
    "text_response",
    "token_hash",
]
