"""The tour itself: ten steps, each with the real authwire clients."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from authwire import (
    AsyncAssertionClient,
    DeviceFlowProgress,
    OAuth1Client,
    OAuth2Client,
    OAuth2Token,
    OAuthError,
    PrivateKeyJWT,
)
from demo._show import DemoError, Screen, expect, jwt_header, peek
from tests.interop._oidc import (
    OidcProvider,
    ProviderError,
    ProviderSetup,
    approve_device,
    follow_authorization,
    run_provider,
)
from tests.interop.oauth1_server import OAuth1Provider, serve_oauth1_provider

STEP_TITLES = (
    "Discovery",
    "OpenID sign-in with PKCE",
    "UserInfo",
    "Refresh",
    "Client credentials with private_key_jwt",
    "Service account (JWT-bearer assertion, async client)",
    "Device flow for a CLI (RFC 8628)",
    "Pushed sign-in with DPoP-bound tokens (RFC 9126, RFC 9449)",
    "Revocation",
    "OAuth 1.0a three-legged flow",
)

HTTP: dict[str, Any] = {"timeout": 10.0, "trust_env": False}  # local servers only, no proxy


@dataclass
class Tour:
    """What the steps share: the two providers and what earlier steps produced."""

    screen: Screen
    op: OidcProvider
    oauth1_provider: OAuth1Provider
    rotations: list[tuple[str, str]] = field(default_factory=list)
    signed_in_access_token: str = ""

    # -- 1 ------------------------------------------------------------------------------------

    def discovery(self) -> OAuth2Client:
        self.screen.step(
            STEP_TITLES[0],
            "The client reads the provider's /.well-known/openid-configuration, so no endpoint "
            "is typed by hand, and checks that the document names the issuer it asked for.",
        )
        registered = self.op.basic
        client = OAuth2Client.from_issuer(
            self.op.issuer,
            registered.client_id,
            registered.client_secret,
            redirect_uri=registered.redirect_uri,
            update_token=self._token_updated,
            **HTTP,
        )
        metadata = client.metadata
        expect(metadata["issuer"] == self.op.issuer, "the discovered issuer differs")
        self.screen.ok(f"issuer {metadata['issuer']} confirmed")
        for name in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
            self.screen.info(f"{name}: {metadata[name]}")
        self.screen.ok("the client will validate ID tokens against the provider's JWKS")
        return client

    # -- 2 ------------------------------------------------------------------------------------

    def sign_in(self, client: OAuth2Client) -> None:
        self.screen.step(
            STEP_TITLES[1],
            "Alice signs in: the client builds the authorization URL, her browser (scripted "
            "here) logs in and consents, and the code that comes back is traded for tokens.",
        )
        url, _state = client.create_authorization_url(scope="openid email profile")
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        pending = client.authorization_request
        expect(pending is not None, "the client did not remember the pending sign-in")
        assert pending is not None
        expect(query.get("code_challenge_method") == "S256", "PKCE S256 is missing from the URL")
        expect(query.get("state") == pending.state, "the URL's state is not the remembered one")
        expect(query.get("nonce") == pending.nonce, "the URL's nonce is not the remembered one")
        self.screen.ok(
            f"authorization URL built: PKCE S256 (code_challenge, "
            f"{len(query['code_challenge'])} chars; the verifier stays in the client), "
            f"state ({len(query['state'])} chars), nonce ({len(query['nonce'])} chars)"
        )
        callback = follow_authorization(url)
        callback_query = parse_qs(urlsplit(callback).query)
        expect(
            "code" in callback_query, f"the provider sent no code: {callback_query.get('error')}"
        )
        self.screen.ok("the browser came back to the redirect URI with a code, state and iss")
        token = client.fetch_token(authorization_response=callback)
        self.signed_in_access_token = token["access_token"]
        claims = token["userinfo"]  # the ID token's claims, validated by the client
        header = jwt_header(token["id_token"])
        expect(claims["nonce"] == pending.nonce, "the ID token's nonce does not match")
        self.screen.ok(
            f"tokens received: access token {peek(token['access_token'])}, refresh token "
            f"{peek(token['refresh_token'])}, ID token {peek(token['id_token'], 8)}"
        )
        self.screen.ok(
            f"ID token validated: sub={claims['sub']}, iss={claims['iss']}, "
            f"aud={claims['aud']}, nonce matched, signed {header['alg']} by key {header['kid']}"
        )

    # -- 3 ------------------------------------------------------------------------------------

    def userinfo(self, client: OAuth2Client) -> None:
        self.screen.step(
            STEP_TITLES[2],
            "The access token asks the UserInfo endpoint about Alice; the client checks that "
            "the answer is about the same subject as the ID token.",
        )
        claims = client.userinfo()
        expect(claims["sub"] == self.op.account.sub, "UserInfo names another subject")
        self.screen.ok(
            f"sub={claims['sub']}, email={claims['email']} "
            f"(verified: {claims['email_verified']}), name={claims['name']}"
        )

    # -- 4 ------------------------------------------------------------------------------------

    def _token_updated(
        self, token: OAuth2Token, refresh_token: str | None = None, **_: Any
    ) -> None:
        """The ``update_token`` callback: where an app would store the renewed token."""
        self.rotations.append((refresh_token or "", token.get("refresh_token") or ""))

    def refresh(self, client: OAuth2Client) -> None:
        self.screen.step(
            STEP_TITLES[3],
            "The refresh token buys a new access token without Alice; the provider rotates "
            "the refresh token, and the client hands the new one to the update_token callback.",
        )
        old = _current(client.token)["refresh_token"]
        token = client.refresh_token()
        expect(len(self.rotations) == 1, "update_token was not called")
        before, after = self.rotations[0]
        expect(before == old and after == token["refresh_token"], "the callback got other tokens")
        expect(after != before, "the provider did not rotate the refresh token")
        self.screen.ok(f"update_token received the new refresh token {peek(after)}")
        self.screen.ok(f"it replaces the old one, {peek(before)}, which the provider retired")
        self.screen.ok(
            f"new access token {peek(token['access_token'])}; the new ID token was validated "
            f"too (sub={token['userinfo']['sub']})"
        )

    # -- 5 ------------------------------------------------------------------------------------

    def client_credentials(self) -> None:
        self.screen.step(
            STEP_TITLES[4],
            "A backend client gets a token for itself. It holds no shared secret: it proves "
            "who it is with a short-lived JWT signed by its own ES256 private key.",
        )
        registered = self.op.pkjwt_es256
        sent: list[httpx.Request] = []
        with OAuth2Client(
            registered.client_id,
            registered.private_key_pem,  # the key signs assertions; it is never sent
            token_endpoint_auth_method="private_key_jwt",
            token_endpoint=self.op.token_endpoint,
            introspection_endpoint=self.op.introspection_endpoint,
            event_hooks={"request": [sent.append]},
            **HTTP,
        ) as client:
            client.register_client_auth_method(PrivateKeyJWT(self.op.token_endpoint))
            token = client.fetch_token(grant_type="client_credentials", scope="api:read api:write")
            form = dict(httpx.QueryParams(sent[0].content.decode("ascii")))
            header = jwt_header(form["client_assertion"])
            self.screen.ok(
                f"the token request carried a client_assertion signed {header['alg']} "
                f"(no client_secret sent)"
            )
            self.screen.ok(f"access token {peek(token['access_token'])}, scope={token['scope']}")
            info = client.introspect_token().json()
        expect(info.get("active") is True, "introspection says the token is not active")
        self.screen.ok(
            f"introspection (authenticated the same way): active=true, "
            f"client_id={info['client_id']}, scope={info['scope']}"
        )

    # -- 6 ------------------------------------------------------------------------------------

    def service_account(self) -> None:
        self.screen.step(
            STEP_TITLES[5],
            "A service account (think Google-style JSON key) signs an assertion about itself "
            "and trades it for a token on its first request (RFC 7523); this step uses the "
            "async client, AsyncAssertionClient.",
        )
        access_token, authorization = asyncio.run(self._service_account_request())
        self.screen.ok(f"the request carried {authorization.split(' ')[0]} {peek(access_token)}")
        info = self._introspect(access_token)
        expect(info.get("active") is True, "introspection says the token is not active")
        self.screen.ok(
            f"introspection by another client: active=true, sub={info['sub']}, "
            f"scope={info['scope']}"
        )

    async def _service_account_request(self) -> tuple[str, str]:
        account = self.op.service_account
        key = account.keys["RS256"]
        token_endpoint = self.op.token_endpoint
        async with AsyncAssertionClient(
            token_endpoint=token_endpoint,
            issuer=account.issuer,
            subject=None,
            audience=token_endpoint,
            claims={"scope": "api:read"},
            key=key.private_key_pem,
            header={"alg": "RS256", "kid": key.kid},
            **HTTP,
        ) as client:
            expect(client.token is None, "the client should start without a token")
            response = await client.get(self.op.discovery_url)
            expect(response.status_code == 200, f"the request answered {response.status_code}")
            access_token = str(_current(client.token)["access_token"])
            authorization = response.request.headers["authorization"]
            expect(authorization == f"Bearer {access_token}", "the request carried no token")
            return access_token, authorization

    def _introspect(self, token: str) -> dict[str, Any]:
        """Ask the provider about ``token``, as the client_secret_basic client."""
        with OAuth2Client(
            self.op.basic.client_id,
            self.op.basic.client_secret,
            introspection_endpoint=self.op.introspection_endpoint,
            **HTTP,
        ) as client:
            result: dict[str, Any] = client.introspect_token(token=token).json()
        return result

    # -- 7 ------------------------------------------------------------------------------------

    def device_flow(self) -> None:
        self.screen.step(
            STEP_TITLES[6],
            "A command-line tool has no browser to redirect: it shows Alice a short code, she "
            "approves on another device (scripted here), and the tool polls until she has.",
        )
        registered = self.op.device
        approved: list[str] = []

        def progress(status: DeviceFlowProgress) -> None:
            if status.polls == 0:
                self.screen.info(
                    f"the CLI says: open {status.verification_uri} and enter "
                    f"{status.user_code} (valid {int(status.expires_in)} s)"
                )
            elif not approved:
                self.screen.info(
                    f"still pending after {status.polls} poll; next in {status.interval} s"
                )
                approved.append(approve_device(str(status.verification_uri_complete)))
                self.screen.ok("Alice approved on her phone")

        with OAuth2Client.from_issuer(
            self.op.issuer,
            registered.client_id,
            token_endpoint_auth_method="none",
            scope="openid email",
            **HTTP,
        ) as client:
            authorization = client.request_device_authorization()
            token = client.poll_device_token(authorization, progress)
        expect(bool(approved), "the scripted user never approved")
        expect(token["userinfo"]["sub"] == self.op.account.sub, "the ID token names someone else")
        self.screen.ok(
            f"tokens after the approval: access token {peek(token['access_token'])}; ID token "
            f"validated (sub={token['userinfo']['sub']})"
        )

    # -- 8 ------------------------------------------------------------------------------------

    def pushed_dpop_sign_in(self) -> None:
        self.screen.step(
            STEP_TITLES[7],
            "The authorization parameters are posted to the provider first, so the browser "
            "URL carries only a reference; the tokens are bound to a key the client holds, so "
            "a stolen access token is useless elsewhere.",
        )
        registered = self.op.dpop_required
        statuses: list[tuple[str, int]] = []
        with OAuth2Client.from_issuer(
            self.op.issuer,
            registered.client_id,
            registered.client_secret,
            redirect_uri=registered.redirect_uri,
            scope="openid email",
            dpop=True,
            require_pushed_authorization_requests=True,
            event_hooks={"response": [lambda r: statuses.append((r.url.path, r.status_code))]},
            **HTTP,
        ) as client:
            url, _state = client.start_authorization()
            query = httpx.URL(url).params
            expect(set(query) == {"client_id", "request_uri"}, "the URL is not a pushed one")
            self.screen.ok(
                f"pushed: the browser URL holds only client_id and {peek(query['request_uri'], 26)}"
            )
            token = client.fetch_token(authorization_response=follow_authorization(url))
            expect(token["token_type"] == "DPoP", "the token is not DPoP-bound")
            challenges = [s for path, s in statuses if path.endswith("/token")]
            expect(challenges[:1] == [400], "the provider asked for no DPoP nonce")
            assert client.dpop_key is not None
            self.screen.ok(
                f"DPoP-bound token for the client's ES256 key {peek(client.dpop_key.thumbprint)}; "
                "the provider's nonce challenge was answered by one retry"
            )
            claims = client.userinfo()
            expect(claims["sub"] == self.op.account.sub, "UserInfo names another subject")
            self.screen.ok("UserInfo accepted the token with a fresh proof of possession")

    # -- 9 ------------------------------------------------------------------------------------

    def revocation(self, client: OAuth2Client) -> None:
        self.screen.step(
            STEP_TITLES[8],
            "Alice signs out for good: the client revokes the access token it got at sign-in "
            "(step 2), and the provider no longer accepts it.",
        )
        token = self.signed_in_access_token
        expect(self._introspect(token).get("active") is True, "the token was already inactive")
        self.screen.info(f"before: introspection of {peek(token)} says active=true")
        response = client.revoke_token(token=token, token_type_hint="access_token")
        expect(response.status_code == 200, f"revocation answered {response.status_code}")
        self.screen.ok("revocation endpoint answered 200")
        expect(self._introspect(token).get("active") is False, "the token is still active")
        self.screen.ok("after: introspection says active=false")

    # -- 10 -----------------------------------------------------------------------------------

    def oauth1(self) -> None:
        self.screen.step(
            STEP_TITLES[9],
            "The older OAuth 1.0a: every request is signed (HMAC-SHA1 here). The client gets "
            "a request token, the user approves it, and it is traded for an access token.",
        )
        provider = self.oauth1_provider
        registered = provider.register_client()
        with OAuth1Client(
            registered.client_key,
            registered.client_secret,
            redirect_uri=provider.url("/callback"),
            **HTTP,
        ) as client:
            request_token = client.fetch_request_token(provider.url("/request_token"))
            self.screen.ok(f"request token {peek(request_token['oauth_token'])}")
            url = client.create_authorization_url(provider.url("/authorize"))
            with httpx.Client(**HTTP) as browser:
                approval = browser.get(url)  # approves at once and redirects to the callback
            expect(approval.status_code == 302, f"/authorize answered {approval.status_code}")
            params = client.parse_authorization_response(approval.headers["location"])
            self.screen.ok(f"user approved: verifier {peek(params['oauth_verifier'], 4)}")
            access = client.fetch_access_token(provider.url("/access_token"))
            self.screen.ok(f"access token {peek(access['oauth_token'])} (and its token secret)")
            response = client.get(provider.url("/resource/photos"), params={"file": "cat.jpg"})
        expect(response.status_code == 200, f"the resource answered {response.status_code}")
        echo = response.json()
        expect(echo["token"] == access["oauth_token"], "the server saw another token")
        self.screen.ok(
            f"signed GET /resource/photos answered 200; the server verified the "
            f"{echo['oauth_params']['oauth_signature_method']} signature with oauthlib"
        )


def _current(token: OAuth2Token | None) -> OAuth2Token:
    """The token a client holds now (an earlier step must have fetched it)."""
    if token is None:
        raise DemoError("the client holds no token")
    return token


@contextlib.contextmanager
def _servers(screen: Screen) -> Iterator[tuple[OidcProvider, OAuth1Provider]]:
    """Both providers on 127.0.0.1, stopped when the block ends, whatever happens in it."""
    with tempfile.TemporaryDirectory(prefix="authwire-demo-") as workdir:
        screen.line("Starting the local providers (they are stopped at the end) ...")
        with run_provider(ProviderSetup.generate(), Path(workdir)) as op:
            screen.line(f"  · OpenID provider (panva's oidc-provider, Node.js) at {op.issuer}")
            with serve_oauth1_provider() as oauth1:
                screen.line(
                    f"  · OAuth 1.0a provider (oauthlib)               at {oauth1.base_url}"
                )
                try:
                    yield op, oauth1
                except BaseException:
                    lines = op.server_log().strip().splitlines()
                    tail = [row for row in lines if "WARNING:" not in row][-10:]
                    if tail:
                        screen.line("  OpenID provider's last log lines:")
                        for row in tail:
                            screen.line(f"    {row}")
                    raise
                finally:
                    screen.line()
                    screen.line("Stopping the local providers ...")


def run(screen: Screen) -> None:
    screen.banner("authwire demo: OAuth 2, OpenID Connect and OAuth 1.0a, end to end")
    with _servers(screen) as (op, oauth1):
        tour = Tour(screen, op, oauth1)
        with tour.discovery() as client:
            tour.sign_in(client)
            tour.userinfo(client)
            tour.refresh(client)
            tour.client_credentials()
            tour.service_account()
            tour.device_flow()
            tour.pushed_dpop_sign_in()
            tour.revocation(client)
        tour.oauth1()
    screen.line(f"{len(STEP_TITLES)} of {len(STEP_TITLES)} steps succeeded.")


def main() -> int:
    screen = Screen(total=len(STEP_TITLES))
    try:
        run(screen)
    except KeyboardInterrupt:
        screen.failed("interrupted")
        return 130
    except (DemoError, ProviderError) as error:
        screen.failed(str(error))
        return 1
    except (OAuthError, httpx.HTTPError, OSError) as error:
        screen.failed(f"{type(error).__name__}: {error}")
        return 1
    except Exception as error:  # a bug in the demo or the library: say so, with the traceback
        traceback.print_exc()
        screen.failed(f"unexpected {type(error).__name__}: {error}")
        return 1
    return 0
