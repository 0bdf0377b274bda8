"""The grants an emulated token endpoint answers, each checked as a provider checks it.

RFC 6749 §4.1.3 (code: one use, same client and redirect URI, PKCE per RFC 7636 §4.6),
§6 (refresh: rotation, and a used refresh token refused, RFC 9700 §4.14.2), §4.4 (client
credentials), RFC 8628 §3.4-3.5 (device code: pending, ``slow_down``, denied, expired),
RFC 7523 §2.1 (JWT bearer) and RFC 8693 §2 (token exchange).
"""

from __future__ import annotations

from collections.abc import Callable

from .recorded import decode_jwt
from .records import (
    ClientRecord,
    CodeRecord,
    DeviceRecord,
    Grant,
    Refusal,
    TokenCall,
    TokenRecord,
    pkce_matches,
)

__all__ = ["BuiltinGrants"]


class BuiltinGrants:
    """The standard grants, as methods of [`Emulator`][authwire.testing.Emulator]."""

    clock: Callable[[], float]
    rotate_refresh_tokens: bool
    _clients: dict[str, ClientRecord]
    _codes: dict[str, CodeRecord]
    _access: dict[str, TokenRecord]
    _refresh: dict[str, TokenRecord]
    _devices: dict[str, DeviceRecord]

    def _authorization_code(self, call: TokenCall) -> Grant:
        code = self._codes.get(str(call.params.get("code", "")))
        if code is None or code.used or code.expires_at <= self.clock():
            raise Refusal("invalid_grant", "unknown, used or expired code")
        code.used = True  # RFC 6749 §4.1.2: one use only
        if code.grant.client_id != call.client_id:
            raise Refusal("invalid_grant", "the code was issued to another client")
        if code.redirect_uri is not None and call.params.get("redirect_uri") != code.redirect_uri:
            raise Refusal("invalid_grant", "redirect_uri differs from the authorization request")
        verifier = call.params.get("code_verifier")
        if code.challenge is not None:
            if not isinstance(verifier, str) or not pkce_matches(verifier, code):
                raise Refusal("invalid_grant", "PKCE verification failed")
            call.pkce = code.method
        elif verifier is not None:
            raise Refusal("invalid_grant", "code_verifier without a code_challenge")
        return code.grant

    def _refresh_token(self, call: TokenCall) -> Grant:
        value = str(call.params.get("refresh_token", ""))
        stored = self._refresh.get(value)
        if stored is None or stored.revoked or stored.grant.client_id != call.client_id:
            raise Refusal("invalid_grant", "unknown refresh token")
        if stored.used:
            raise Refusal("invalid_grant", "refresh token already used (rotated)")
        grant = stored.grant
        asked = call.params.get("scope")
        if asked is not None and not set(str(asked).split()) <= set(grant.scope.split()):
            raise Refusal("invalid_scope", "a refresh cannot widen the scope")
        if self.rotate_refresh_tokens:
            stored.used = True
            return Grant(
                grant.client_id, str(asked or grant.scope), grant.subject, claims=grant.claims
            )
        return Grant(
            grant.client_id,
            str(asked or grant.scope),
            grant.subject,
            refresh=False,
            claims=grant.claims,
        )

    def _client_credentials(self, call: TokenCall) -> Grant:
        if call.auth_method == "none" and self._clients:
            raise Refusal("unauthorized_client", "a public client cannot use client_credentials")
        client_id = call.client_id or ""
        return Grant(client_id, str(call.params.get("scope", "")), client_id, refresh=False)

    def _jwt_bearer(self, call: TokenCall) -> Grant:
        try:
            claims = decode_jwt(str(call.params.get("assertion", ""))).claims
        except ValueError:
            raise Refusal("invalid_grant", "malformed assertion") from None
        subject = str(claims.get("sub") or claims.get("iss") or "")
        return Grant(
            call.client_id or subject, str(call.params.get("scope", "")), subject, refresh=False
        )

    def _token_exchange(self, call: TokenCall) -> Grant:
        stored = self._access.get(str(call.params.get("subject_token", "")))
        if stored is None or stored.revoked:
            raise Refusal("invalid_grant", "unknown subject_token")
        grant = Grant(
            call.client_id or "",
            str(call.params.get("scope", "")),
            stored.grant.subject,
            refresh=False,
        )
        grant.extra["issued_token_type"] = "urn:ietf:params:oauth:token-type:access_token"
        return grant

    def _device_code(self, call: TokenCall) -> Grant:
        device = self._devices.get(str(call.params.get("device_code", "")))
        now = self.clock()
        if device is None or device.client_id != call.client_id or device.status == "used":
            raise Refusal("invalid_grant", "unknown device_code")
        if device.expires_at <= now:
            raise Refusal("expired_token")
        if device.status == "denied":
            raise Refusal("access_denied")
        too_soon = device.last_poll is not None and now - device.last_poll < device.interval
        device.last_poll = now
        if device.status == "pending":
            if too_soon:  # RFC 8628 §3.5: and the interval grows by 5 seconds
                device.interval += 5
                raise Refusal("slow_down")
            raise Refusal("authorization_pending")
        device.status = "used"
        if device.grant is None:  # approved without a grant: the emulator's own bug
            raise Refusal("server_error", "approved device request without a grant", status=500)
        return device.grant
