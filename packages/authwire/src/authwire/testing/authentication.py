"""Client authentication at an emulated token endpoint (RFC 6749 §2.3.1, RFC 7523 §2.2).

Which method the client used is read from the request — ``client_secret_basic``,
``client_secret_post``, ``client_secret_jwt``, ``private_key_jwt`` or ``none`` — and recorded
on the [`TokenCall`][authwire.testing.TokenCall]; once clients are registered, their credentials
are checked too, signatures of client assertions included.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from .recorded import decode_jwt
from .records import CLIENT_ASSERTION_TYPE, ClientRecord, Refusal, TokenCall

__all__ = ["authenticate", "check_assertion"]


def authenticate(call: TokenCall, clients: Mapping[str, ClientRecord], now: float) -> None:
    """Find and check the client's credentials (RFC 6749 §2.3.1, RFC 7523 §2.2)."""
    params, basic = call.params, call.request.basic_auth
    assertion = params.get("client_assertion")
    if basic is not None:
        client_id, secret, method = basic[0], basic[1], "client_secret_basic"
    elif assertion is not None:
        if params.get("client_assertion_type") != CLIENT_ASSERTION_TYPE:
            raise Refusal("invalid_client", "client_assertion_type", status=401)
        try:
            call.client_assertion = decoded = decode_jwt(str(assertion))
        except ValueError:
            raise Refusal("invalid_client", "malformed client assertion", status=401) from None
        client_id = str(decoded.claims.get("sub") or params.get("client_id") or "")
        secret = None
        method = (
            "client_secret_jwt"
            if str(decoded.header.get("alg", "")).startswith("HS")
            else "private_key_jwt"
        )
    elif "client_secret" in params:
        client_id = str(params.get("client_id", ""))
        secret, method = str(params["client_secret"]), "client_secret_post"
    else:
        client_id, secret, method = str(params.get("client_id", "")), None, "none"
    call.auth_method = method
    if params.get("client_id") not in (None, client_id):
        raise Refusal("invalid_client", "client_id differs from the credentials", status=401)
    client = clients.get(client_id)
    if not clients:
        call.client_id = client_id or None
        return
    if client is None:
        raise Refusal("invalid_client", "unknown client", status=401)
    if method in ("client_secret_basic", "client_secret_post"):
        if client.secret is None or not hmac.compare_digest(str(secret), client.secret):
            raise Refusal("invalid_client", "bad client secret", status=401)
    elif method == "none":
        if client.secret is not None or client.jwt_key is not None:
            raise Refusal("invalid_client", "a confidential client must authenticate", status=401)
    else:
        check_assertion(str(assertion), client_id, client, method, now)
    call.client_id = client_id


def check_assertion(
    assertion: str, client_id: str, client: ClientRecord, method: str, now: float
) -> None:
    try:
        if method == "client_secret_jwt":
            if client.secret is None:
                raise Refusal("invalid_client", "no secret for client_secret_jwt", status=401)
            key = OctKey.import_key(client.secret.encode())
            alg = decode_jwt(assertion).header.get("alg", "HS256")
            claims = jwt.decode(assertion, key, algorithms=[alg]).claims
        elif client.jwt_key is not None:
            claims = client.jwt_key.verify(assertion)
        else:
            raise Refusal("invalid_client", "no key registered for private_key_jwt", status=401)
    except JoseError:
        raise Refusal("invalid_client", "client assertion signature", status=401) from None
    if claims.get("iss") != client_id or claims.get("sub") != client_id:
        raise Refusal("invalid_client", "client assertion iss/sub", status=401)
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or exp <= now:
        raise Refusal("invalid_client", "client assertion expired", status=401)
