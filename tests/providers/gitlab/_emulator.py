"""GitLab (gitlab.com or a self-managed instance) as its documentation shows it, on the kit.

Every answer below follows a documented example; the page is cited beside it:

- https://docs.gitlab.com/api/oauth2/ — the token answers (``token_type: "bearer"``,
  ``expires_in: 7200``, ``created_at``), refresh invalidating the old pair, the device
  authorization endpoint ``/oauth/authorize_device`` and its verification page
  ``/oauth/device``, revocation, and ``/oauth/token/info``;
- https://docs.gitlab.com/integration/openid_connect_provider/ — discovery, the claims of
  UserInfo and of the ID token;
- https://docs.gitlab.com/api/users/ — ``GET /api/v4/user``;
- https://gitlab.com/gitlab-org/gitlab/-/issues/360729 — a token answer without
  ``expires_in`` (``omit_expires_in=True``).
"""

from __future__ import annotations

from email.utils import formatdate
from typing import Any

from authwire.testing import Emulator, FakeClock, Grant, Refusal, TokenCall, json_response

CLIENT_ID = "1cb242f495280beb4291e64bee2a17f330902e499882fe8e1e2aa875519cab33"
CLIENT_SECRET = "gloas-5e8b1f0c7d2a4e9b3c6f1a8d0e7b2c5f9a4d1e8b3c6f0a7d2e5b8c1f4a9d6e3b"
REDIRECT = "https://app.example/auth/gitlab/callback"
USER_ID = "1"


def discovery(root: str) -> dict[str, Any]:
    """The discovery document of ``https://<host>/.well-known/openid-configuration``.

    The shape gitlab.com publishes (doorkeeper-openid_connect): issuer = the instance's URL.
    https://docs.gitlab.com/integration/openid_connect_provider/#settings-discovery
    """
    return {
        "issuer": root,
        "authorization_endpoint": f"{root}/oauth/authorize",
        "token_endpoint": f"{root}/oauth/token",
        "revocation_endpoint": f"{root}/oauth/revoke",
        "userinfo_endpoint": f"{root}/oauth/userinfo",
        "jwks_uri": f"{root}/oauth/discovery/keys",
        "scopes_supported": ["api", "read_user", "read_repository", "openid", "profile", "email"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "fragment"],
        "grant_types_supported": [
            "authorization_code",
            "password",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:device_code",
        ],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claim_types_supported": ["normal"],
        "claims_supported": [
            "iss",
            "sub",
            "aud",
            "exp",
            "iat",
            "sub_legacy",
            "name",
            "nickname",
            "email",
            "email_verified",
            "website",
            "profile",
            "picture",
            "groups",
            "groups_direct",
        ],
    }


def userinfo_claims(root: str) -> dict[str, Any]:
    """The claims ``/oauth/userinfo`` shares (the documentation's "Shared information" table)."""
    return {
        "name": "John Smith",
        "nickname": "john_smith",
        "preferred_username": "john_smith",
        "email": "john@example.com",
        "email_verified": True,
        "website": "https://john.example",
        "profile": f"{root}/john_smith",
        "picture": f"{root}/uploads/-/system/user/avatar/1/avatar.png",
        "groups": ["acme", "acme/platform"],
    }


class GitLabEmulator(Emulator):
    """A GitLab instance at ``root``.

    Args:
        root: the instance's URL (``https://gitlab.com``).
        clock: shared with the client under test.
        omit_expires_in: answer tokens without ``expires_in``, as gitlab-org/gitlab#360729
            reports (the tokens still expire after two hours).
        answer_delay: seconds that pass between minting a token and the answer reaching
            the client (GitLab's ``Date`` header is the later time, ``created_at`` the earlier).
    """

    def __init__(
        self,
        root: str = "https://gitlab.com",
        *,
        clock: FakeClock,
        omit_expires_in: bool = False,
        answer_delay: int = 0,
    ) -> None:
        super().__init__(
            issuer=root,
            discovery=discovery(root),
            # the device flow's verification page is <root>/oauth/device (the kit puts it at
            # <base_url>/device)
            base_url=f"{root}/oauth",
            # https://docs.gitlab.com/api/oauth2/#device-authorization-grant-flow
            endpoints={"device_authorization_endpoint": f"{root}/oauth/authorize_device"},
            clock=clock,
            subject=USER_ID,
            userinfo=userinfo_claims(root),
            # "Since 15.0 ... access tokens expire after two hours": expires_in 7200
            access_token_lifetime=7200,
            # a refresh "invalidates the existing access_token and refresh_token"
            rotate_refresh_tokens=True,
        )
        self.root = root
        self.fake_clock = clock
        self.omit_expires_in = omit_expires_in
        self.answer_delay = answer_delay
        self.add_client(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT])
        self.grants["password"] = self._password
        self.route("GET", f"{root}/api/v4/user", self._user)
        self.route("GET", f"{root}/oauth/token/info", self._token_info)
        self.route("GET", f"{root}/api/v4/projects", self._projects)
        self.route("POST", f"{root}/api/v4/projects", self._projects)

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        # https://docs.gitlab.com/api/oauth2/ example response:
        # {"access_token": ..., "token_type": "bearer", "expires_in": 7200,
        #  "refresh_token": ..., "created_at": 1607635748}
        fields = super().token_fields(grant, call)
        fields["token_type"] = "bearer"
        fields["created_at"] = int(self.clock())
        if self.omit_expires_in:
            # https://gitlab.com/gitlab-org/gitlab/-/issues/360729: no expires_in
            fields.pop("expires_in", None)
        return fields

    def token_reply(self, fields: Any, call: TokenCall) -> Any:
        if self.answer_delay:
            self.fake_clock.advance(self.answer_delay)
        response = super().token_reply(fields, call)
        response.headers["Date"] = formatdate(self.clock(), usegmt=True)
        return response

    def _password(self, call: TokenCall) -> Grant:
        # https://docs.gitlab.com/api/oauth2/#resource-owner-password-credentials-flow:
        # "By default, the scope of the access token is api"; the example has no refresh token
        if not call.params.get("username") or not call.params.get("password"):
            raise Refusal("invalid_grant", "username and password are required")
        return Grant(
            call.client_id or "",
            scope=str(call.params.get("scope") or "api"),
            subject=USER_ID,
            refresh=False,
        )

    def _user(self, request: Any) -> Any:
        # https://docs.gitlab.com/api/users/#get-the-current-user (needs read_user or api)
        grant = self.bearer_grant(request)
        return json_response(
            {
                "id": int(grant.subject),
                "username": "john_smith",
                "email": "john@example.com",
                "name": "John Smith",
                "state": "active",
                "locked": False,
                "avatar_url": f"{self.root}/uploads/-/system/user/avatar/1/avatar.png",
                "web_url": f"{self.root}/john_smith",
                "created_at": "2012-05-23T08:00:58Z",
            }
        )

    def _token_info(self, request: Any) -> Any:
        # https://docs.gitlab.com/api/oauth2/#retrieve-the-token-information
        grant = self.bearer_grant(request)
        return json_response(
            {
                "resource_owner_id": int(grant.subject),
                "scope": grant.scope.split(),
                "expires_in": None,
                "application": {"uid": grant.client_id},
                "created_at": 1575890427,
            }
        )

    def _projects(self, request: Any) -> Any:
        # any REST API resource: a bearer token is checked as for /user
        self.bearer_grant(request)
        return json_response([{"id": 4, "path_with_namespace": "acme/diaspora-client"}])
