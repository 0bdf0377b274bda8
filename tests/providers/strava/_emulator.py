"""Strava's OAuth endpoints and ``/api/v3/athlete``, as Strava's documentation shows them.

- https://developers.strava.com/docs/authentication/: ``/oauth/authorize`` with a
  comma-separated ``scope`` (``read``, ``read_all``, ``profile:read_all``, ``profile:write``,
  ``activity:read``, ``activity:read_all``, ``activity:write``) and ``approval_prompt``; the
  redirect carries ``code`` and the ``scope`` the athlete accepted; ``/oauth/token`` with
  ``client_id`` and ``client_secret`` as parameters; the exchange answers
  ``{"token_type": "Bearer", "expires_at": ..., "expires_in": 21600, "refresh_token": ...,
  "access_token": ..., "athlete": {...}}``, a refresh the same without ``athlete``, with a
  refresh token that may be new (the old one then stops working); ``/oauth/deauthorize``
  with ``access_token``, answering the access token;
- https://developers.strava.com/docs/reference/#api-models-Fault: errors as
  ``{"message": ..., "errors": [{"resource", "field", "code"}]}`` (the ``Authorize`` /
  ``scope`` / ``invalid`` and ``RefreshToken`` / ``refresh_token`` / ``invalid`` faults are
  the ones developers quote on Strava's forum);
- https://developers.strava.com/docs/reference/#api-Athletes-getLoggedInAthlete.
"""

from __future__ import annotations

from typing import Any

import httpx

from authwire.testing import (
    Approval,
    Emulator,
    FakeClock,
    Grant,
    RecordedRequest,
    Refusal,
    TokenCall,
    json_response,
)

AUTHORIZE = "https://www.strava.com/oauth/authorize"
TOKEN = "https://www.strava.com/oauth/token"
DEAUTHORIZE = "https://www.strava.com/oauth/deauthorize"
ATHLETE = "https://www.strava.com/api/v3/athlete"
REDIRECT = "https://app.example/auth/strava/callback"
CLIENT_ID = "12345"
CLIENT_SECRET = "6c2ab1ef0e6b4d3a9f8e7d6c5b4a3f2e1d0c9b8a"
SCOPES = frozenset(
    {
        "read",
        "read_all",
        "profile:read_all",
        "profile:write",
        "activity:read",
        "activity:read_all",
        "activity:write",
    }
)
ATHLETE_SUMMARY = {
    "id": 134815,
    "username": "marianne_t",
    "resource_state": 2,
    "firstname": "Marianne",
    "lastname": "Teutenberg",
    "city": "San Francisco",
    "country": "US",
}


def fault(message: str, resource: str, field: str, status: int = 400) -> httpx.Response:
    return json_response(
        {"message": message, "errors": [{"resource": resource, "field": field, "code": "invalid"}]},
        status,
    )


class Strava(Emulator):
    def __init__(self, clock: FakeClock) -> None:
        super().__init__(
            base_url="https://www.strava.com",
            endpoints={"authorization_endpoint": AUTHORIZE, "token_endpoint": TOKEN},
            clock=clock,
            access_token_lifetime=21600,
        )
        self.add_client(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT])
        self.route("POST", DEAUTHORIZE, self._deauthorize)
        self.route("GET", ATHLETE, self._athlete)

    @staticmethod
    def scope_ok(scope: str | None) -> bool:
        items = (scope or "").split(",")
        return all(item in SCOPES for item in items)

    def _authorize_page(self, request: httpx.Request) -> httpx.Response:
        if not self.scope_ok(request.url.params.get("scope")):
            return fault("Bad Request", "Authorize", "scope")
        return super()._authorize_page(request)

    def approve(self, authorization_url: str, **kwargs: Any) -> Approval:
        """``scope=`` in ``kwargs`` is what the athlete leaves ticked (default: all)."""
        requested = httpx.URL(authorization_url).params.get("scope", "")
        assert self.scope_ok(requested), f"Strava refuses scope {requested!r}"
        kwargs.setdefault("scope", requested)
        approval = super().approve(authorization_url, **kwargs)
        with self._lock:
            assert approval.code is not None
            self._codes[approval.code].grant.scope = kwargs["scope"]
        return approval

    def authenticate_client(self, call: TokenCall) -> None:
        if call.request.basic_auth is not None or "client_secret" not in call.params:
            raise Refusal("invalid_client", "client_id and client_secret are parameters")
        super().authenticate_client(call)

    def error_reply(self, refusal: Refusal, request: httpx.Request) -> httpx.Response:
        if refusal.status == 401 and refusal.error == "invalid_token":
            return fault("Authorization Error", "Athlete", "access_token", 401)
        grant_type = RecordedRequest.of(request).form.get("grant_type")
        if refusal.error == "invalid_client":
            return fault("Bad Request", "Application", "client_id")
        if grant_type == "refresh_token":
            return fault("Bad Request", "RefreshToken", "refresh_token")
        return fault("Bad Request", "AuthorizationCode", "code")

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        fields = super().token_fields(grant, call)
        fields.pop("scope", None)  # the accepted scope travels in the redirect only
        fields["expires_at"] = int(self.clock()) + 21600
        if call.grant_type == "authorization_code":
            fields["athlete"] = dict(ATHLETE_SUMMARY)
        return fields

    def _deauthorize(self, request: httpx.Request) -> httpx.Response:
        recorded = RecordedRequest.of(request)
        value = recorded.form.get("access_token", "")
        grant = self.bearer_grant(
            httpx.Request("POST", DEAUTHORIZE, headers={"Authorization": f"Bearer {value}"})
        )
        with self._lock:
            for store in (self._access, self._refresh):
                for record in store.values():
                    if (record.grant.client_id, record.grant.subject) == (
                        grant.client_id,
                        grant.subject,
                    ):
                        record.revoked = True
        return json_response({"access_token": value})

    def _athlete(self, request: httpx.Request) -> httpx.Response:
        self.bearer_grant(request)
        return json_response({**ATHLETE_SUMMARY, "resource_state": 3, "weight": 54.0})


def strava() -> Strava:
    return Strava(FakeClock())
