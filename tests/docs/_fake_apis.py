"""The APIs the documentation's examples call with their tokens.

Each answers only a request that carries an access token one of the fake authorization
servers issued, still valid and presented as issued (``Bearer``, or ``DPoP`` with a proof);
anything else gets ``401`` with ``WWW-Authenticate: Bearer error="invalid_token"``, as a
resource server does (RFC 6750 §3). The shapes follow the providers' reference pages, cut to
the fields the examples read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._fake_oauth2 import USER
from ._fake_web import Call, FakeWeb, Grant, Reply

__all__ = ["ExampleAPI", "ProviderAPIs"]

Answer = Callable[[Call, Grant], Any]


def _unauthorized() -> Reply:
    return Reply.json(
        401,
        {"error": "invalid_token"},
        **{"www-authenticate": 'Bearer error="invalid_token"'},
    )


@dataclass
class ExampleAPI:
    """Any API on a reserved example domain: echoes what it was asked, for a valid token."""

    def handle(self, call: Call, web: FakeWeb) -> Reply | None:
        found = web.grant_for(call)
        if found is None:
            return _unauthorized()
        _, grant = found
        return Reply.json(
            200,
            {
                "method": call.method,
                "path": call.path,
                "client_id": grant.client_id,
                "sub": grant.subject,
                "items": [],
            },
        )


def _github_user(call: Call, grant: Grant) -> Any:
    # https://docs.github.com/en/rest/users/users#get-the-authenticated-user
    return {"id": 583231, "login": "octocat", "name": "The Octocat", "email": None}


def _github_emails(call: Call, grant: Grant) -> Any:
    # https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user
    return [{"email": "octocat@example.com", "primary": True, "verified": True, "visibility": None}]


def _x_me(call: Call, grant: Grant) -> Any:
    # https://docs.x.com/x-api/users/user-lookup-me
    return {"data": {"id": "2244994945", "name": "X Developers", "username": "xdevelopers"}}


def _google_buckets(call: Call, grant: Grant) -> Any:
    # https://cloud.google.com/storage/docs/json_api/v1/buckets/list
    return {"kind": "storage#buckets", "items": [{"name": "my-project-reports"}]}


def _gmail_profile(call: Call, grant: Grant) -> Any:
    return {"emailAddress": USER["email"], "messagesTotal": 0}


@dataclass
class ProviderAPIs:
    """The few API calls of GitHub, X and Google that the examples make."""

    routes: dict[tuple[str, str], Answer] = field(
        default_factory=lambda: {
            ("GET", "https://api.github.com/user"): _github_user,
            ("GET", "https://api.github.com/user/emails"): _github_emails,
            ("GET", "https://api.x.com/2/users/me"): _x_me,
            ("GET", "https://storage.googleapis.com/storage/v1/b"): _google_buckets,
            ("GET", "https://gmail.googleapis.com/gmail/v1/users/me/profile"): _gmail_profile,
        }
    )

    def handle(self, call: Call, web: FakeWeb) -> Reply | None:
        answer = self.routes.get((call.method, call.endpoint))
        if answer is None:
            return None
        found = web.grant_for(call)
        if found is None:
            return _unauthorized()
        return Reply.json(200, answer(call, found[1]))
