"""Test helpers for users and plugin authors: fake providers over ``httpx.MockTransport``.

- :class:`FakeProvider`: answers scripted by the test, every request recorded;
- :class:`Emulator`: a provider with real behaviour — authorization codes with PKCE,
  refresh rotation, ID tokens signed with its JWK Set, device codes, revocation,
  UserInfo — at the URLs of a provider's documented discovery document or endpoints;
  subclass it to play a provider's own shapes;
- :class:`MockServer`: routes, per-call scripted answers and the request log both share,
  served over ``httpx.MockTransport`` (sync and async clients) or, with
  :meth:`MockServer.serve`, on ``127.0.0.1`` sockets;
- :class:`SigningKey`, :func:`jwks`, :func:`token_hash`, :func:`decode_jwt`: JOSE pieces;
- :func:`json_response`, :func:`form_response`, :func:`oauth_error`, :func:`text_response`;
- :class:`Flavor`, :func:`each_flavor`, :func:`aw`, :func:`opened`: one test body for the
  sync and the async client;
- :class:`FakeClock`: time that moves when told.

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
