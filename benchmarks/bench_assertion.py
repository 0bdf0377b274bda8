"""(3) Client assertions per second: ``private_key_jwt`` (RS256, ES256) and
``client_secret_jwt`` (HS256), RFC 7523 §2.2.

One operation is what a token request pays for client authentication: fresh claims (``iss``,
``sub``, ``aud``, ``iat``, ``exp``, a random ``jti``), one JWS signature, and the token request
body with ``client_assertion`` in it. The reference is a bare joserfc encode of the same
claims (the same ``jti`` generation, a key imported once) with no form body: the target says
the form body must cost next to nothing. authwire and Authlib are called as client auth methods,
``method(client, "POST", token_endpoint, headers, body)``, with the key as the client's
``client_secret`` (a PEM for ``private_key_jwt``: what a user configures). The floor and
PyJWT do the same job with a key imported once. The equivalence check verifies every
implementation's assertion with the public key and compares the claims.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from joserfc import jwt
from joserfc.jwk import ECKey, OctKey, RSAKey

from authwire.protocol.client_auth import ClientCredentials
from authwire.rfc7523 import ClientSecretJWT, JWTAssertion, PrivateKeyJWT

from . import _fixtures as fx
from ._floor import FloorClientAssertion, assertion_claims, client_assertion_body
from ._harness import Config, Results, at_least, run_sync_rounds
from ._peers import authlib_rfc7523, pyjwt

ENCODE = "joserfc encode, key imported once, no form body (floor)"
FLOOR = "joserfc encode and form body, key imported once"
AUTHWIRE = "authwire {method}"
AUTHWIRE_SIGN = "authwire JWTAssertion.sign (signature only)"
AUTHLIB = "Authlib {method}"
PYJWT = "PyJWT, key loaded once"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass
class _AuthlibClient:
    """What Authlib's client auth methods read from the client."""

    client_id: str
    client_secret: Any


def _secret(alg: str) -> Any:
    """The client_secret a user configures: the PEM for private_key_jwt, the secret for HS256."""
    if alg == "RS256":
        return fx.rsa_pem().decode("ascii")
    if alg == "ES256":
        return fx.ec_pem().decode("ascii")
    return fx.CLIENT_SECRET


def _joserfc_key(alg: str) -> Any:
    if alg == "RS256":
        return RSAKey.import_key(fx.rsa_pem())
    if alg == "ES256":
        return ECKey.import_key(fx.ec_pem())
    return OctKey.import_key(fx.CLIENT_SECRET)


def _public_key(alg: str) -> Any:
    if alg == "RS256":
        return RSAKey.import_key(fx.rsa_key().public_key())
    if alg == "ES256":
        return ECKey.import_key(fx.ec_key().public_key())
    return OctKey.import_key(fx.CLIENT_SECRET)


def authwire_client_auth(alg: str) -> Callable[[], str]:
    """One authwire client assertion as a token request pays it (also for the profiler)."""
    method = ClientSecretJWT(fx.TOKEN_URL) if alg == "HS256" else PrivateKeyJWT(fx.TOKEN_URL)
    name = method.name
    client = ClientCredentials(fx.CLIENT_ID, _secret(alg), name)
    method.prepare(client)  # what registration does: import the key once
    return lambda: method(client, "POST", fx.TOKEN_URL, {}, "grant_type=client_credentials")[2]


def _authwire_sign(alg: str) -> Callable[[], str]:
    signer = JWTAssertion(_secret(alg), alg)
    return lambda: signer.sign(fx.CLIENT_ID, fx.TOKEN_URL, fx.CLIENT_ID, expires_in=60)


def _authlib(alg: str) -> tuple[Callable[[], str], str]:
    if alg == "HS256":
        method = authlib_rfc7523.ClientSecretJWT(fx.TOKEN_URL)
        client = _AuthlibClient(fx.CLIENT_ID, _secret(alg))
        note = ""
    elif alg == "RS256":
        method = authlib_rfc7523.PrivateKeyJWT(fx.TOKEN_URL)
        client = _AuthlibClient(fx.CLIENT_ID, _secret(alg))
        note = "loads the PEM on every assertion"
    else:
        # Authlib reads a PEM client_secret as an RSA key, so an EC PEM fails; it works only
        # with a key the caller imported (which it then does not load again)
        method = authlib_rfc7523.PrivateKeyJWT(fx.TOKEN_URL, alg="ES256")
        client = _AuthlibClient(fx.CLIENT_ID, _joserfc_key(alg))
        note = "pre-imported ECKey: an EC PEM is refused"
    body = "grant_type=client_credentials"
    return (lambda: method(client, "POST", fx.TOKEN_URL, {}, body)[2]), note


def _pyjwt(alg: str) -> Callable[[], str]:
    key: Any
    if alg == "RS256":
        key = fx.rsa_key()
    elif alg == "ES256":
        key = fx.ec_key()
    else:
        key = fx.CLIENT_SECRET

    def make() -> str:
        claims = assertion_claims(fx.CLIENT_ID, fx.TOKEN_URL)
        assertion = pyjwt.encode(claims, key, algorithm=alg)
        return client_assertion_body(fx.CLIENT_ID, assertion, "grant_type=client_credentials")

    return make


def _floor(alg: str) -> Callable[[], str]:
    floor = FloorClientAssertion(_joserfc_key(alg), alg, fx.CLIENT_ID, fx.TOKEN_URL)
    return lambda: floor("grant_type=client_credentials")


def _encode_only(alg: str) -> Callable[[], str]:
    return FloorClientAssertion(_joserfc_key(alg), alg, fx.CLIENT_ID, fx.TOKEN_URL).encode


# -- equivalence: a verifiable JWT with the same claims from everyone --------------------------


def _verify(name: str, alg: str, output: str, *, is_body: bool = True) -> None:
    if is_body:
        form = parse_qs(output)
        if form.get("client_assertion_type") != [ASSERTION_TYPE]:
            raise AssertionError(f"{name}: no client_assertion_type in {output[:80]!r}")
        if form.get("grant_type") != ["client_credentials"]:
            raise AssertionError(f"{name}: the body lost grant_type")
        (assertion,) = form["client_assertion"]
    else:
        assertion = output
    token = jwt.decode(assertion, _public_key(alg), algorithms=[alg])
    if token.header.get("alg") != alg:
        raise AssertionError(f"{name}: alg {token.header.get('alg')!r}, expected {alg}")
    claims = token.claims
    expected = {"iss": fx.CLIENT_ID, "sub": fx.CLIENT_ID, "aud": fx.TOKEN_URL}
    for claim, value in expected.items():
        if claims.get(claim) != value:
            raise AssertionError(f"{name}: {claim}={claims.get(claim)!r}, expected {value!r}")
    if not claims.get("jti") or not claims["exp"] > claims["iat"]:
        raise AssertionError(f"{name}: missing jti or bad iat/exp: {claims}")
    jwt.JWTClaimsRegistry(leeway=5).validate(claims)


def run(config: Config, results: Results) -> None:
    for alg, method, flow in (
        ("RS256", "PrivateKeyJWT", "private_key_jwt"),
        ("ES256", "PrivateKeyJWT", "private_key_jwt"),
        ("HS256", "ClientSecretJWT", "client_secret_jwt"),
    ):
        authlib_op, authlib_note = _authlib(alg)
        aw = AUTHWIRE.format(method=method)
        al = AUTHLIB.format(method=method)
        impls: dict[str, Callable[[], object]] = {
            ENCODE: _encode_only(alg),
            FLOOR: _floor(alg),
            aw: authwire_client_auth(alg),
            AUTHWIRE_SIGN: _authwire_sign(alg),
            al: authlib_op,
            PYJWT: _pyjwt(alg),
        }
        for name, op in impls.items():
            _verify(name, alg, str(op()), is_body=name not in (AUTHWIRE_SIGN, ENCODE))
        results.checks.append(f"(3) {alg}: every assertion verified with the public key")
        floor_text = "a bare joserfc encode"
        results.extend(
            run_sync_rounds(
                config,
                f"(3) client assertions {alg} ({flow})",
                impls,
                ENCODE,
                targets={aw: at_least(0.9, floor_text)},
                notes={al: authlib_note} if authlib_note else {},
            )
        )
