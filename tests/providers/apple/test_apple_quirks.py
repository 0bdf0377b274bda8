"""Each quirk of Sign in with Apple: the plugin's client handles it, and a plain
``authwire.OAuth2Client`` talking to the same emulator fails or mishandles it.

One test per quirk of ``APPLE.quirks``, on the sync client and the async clients.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authwire_apple import (
    APPLE,
    AppleClientSecret,
    AppleUser,
    async_complete_sign_in,
    async_oauth2_client,
    complete_sign_in,
    oauth2_client,
)

from authwire import MismatchingStateError, OAuthError
from authwire.testing import Flavor, SigningKey, aw, each_flavor, opened

from .appleid import (
    DISCOVERY,
    KEY_ID,
    REDIRECT,
    SERVICES_ID,
    TEAM_ID,
    AppleEmulator,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!apple'):authwire.providers.ProviderPluginWarning"
)

P8 = SigningKey.generate("ES256").private_pem
DAY = 86_400


def quirk(words: str) -> Any:
    """The declared quirk whose summary holds ``words`` (the table row this test backs)."""
    [found] = [q for q in APPLE.quirks if words in q.summary]
    return found


def apple() -> AppleEmulator:
    emu = AppleEmulator()
    emu.register(P8)
    return emu


def plugin_client(flavor: Flavor, emu: AppleEmulator) -> Any:
    constructor: Any = flavor.pick(oauth2_client, async_oauth2_client)
    maker = AppleClientSecret(TEAM_ID, KEY_ID, P8, clock=emu.clock)
    client = constructor(SERVICES_ID, maker, redirect_uri=REDIRECT, transport=emu.transport())
    client.oauth.clock = emu.clock
    return client


def plain_client(flavor: Flavor, emu: AppleEmulator, secret: str, **kwargs: Any) -> Any:
    """A plain client with Apple's documented endpoints, scopes and a static secret (and
    ``response_mode=form_post``, unless the test is about it)."""
    kwargs.setdefault("redirect_uri", REDIRECT)
    kwargs.setdefault("response_mode", "form_post")
    client = flavor.oauth2_client(
        SERVICES_ID,
        secret,
        token_endpoint_auth_method="client_secret_post",
        scope="openid name email",
        issuer=DISCOVERY["issuer"],
        authorization_endpoint=DISCOVERY["authorization_endpoint"],
        token_endpoint=DISCOVERY["token_endpoint"],
        revocation_endpoint=DISCOVERY["revocation_endpoint"],
        jwks_uri=DISCOVERY["jwks_uri"],
        transport=emu.transport(),
        **kwargs,
    )
    client.oauth.clock = emu.clock
    return client


def finish(flavor: Flavor) -> Any:
    return flavor.pick(complete_sign_in, async_complete_sign_in)


# -- the client secret ---------------------------------------------------------------------


@each_flavor
def test_client_secret_plugin_renews_it_a_static_secret_expires(flavor: Flavor) -> None:
    assert "six months" in quirk("ES256 JWT").summary
    emu = apple()
    # what a developer does by hand: one JWT, made today, good for a day
    static = AppleClientSecret(TEAM_ID, KEY_ID, P8, clock=emu.clock).sign(SERVICES_ID)

    async def scenario() -> tuple[OAuthError, OAuthError]:
        async with opened(plugin_client(flavor, emu)) as ours:
            url, _ = ours.create_authorization_url()
            await aw(finish(flavor)(ours, emu.form_post(emu.approve(url))))
            async with opened(plain_client(flavor, emu, static)) as theirs:
                url, _ = theirs.create_authorization_url()
                approval = emu.approve(url)
                await aw(theirs.fetch_token(authorization_response=approval.url))
                emu.clock.advance(2 * DAY)  # type: ignore[attr-defined]
                await aw(ours.refresh_token())  # a new secret, signed now
                with pytest.raises(OAuthError) as expired:
                    await aw(theirs.refresh_token())  # the static one has expired
        # the .p8 key itself is no client secret either
        async with opened(plain_client(flavor, emu, P8.decode())) as raw:
            url, _ = raw.create_authorization_url()
            approval = emu.approve(url)
            with pytest.raises(OAuthError) as refused:
                await aw(raw.fetch_token(authorization_response=approval.url))
        return expired.value, refused.value

    expired, refused = flavor.run(scenario)
    assert expired.error == "invalid_client"
    assert refused.error == "invalid_client"
    assert emu.refused_secrets == 2
    assert [c.outcome for c in emu.calls("refresh_token")] == ["issued"]


# -- response_mode=form_post ---------------------------------------------------------------


@each_flavor
def test_form_post_plugin_asks_for_it_and_reads_the_post_plain_client_cannot(
    flavor: Flavor,
) -> None:
    assert "form_post" in quirk("response_mode").summary
    emu = apple()
    static = AppleClientSecret(TEAM_ID, KEY_ID, P8, clock=emu.clock).sign(SERVICES_ID)

    async def scenario() -> tuple[str, str]:
        async with opened(plugin_client(flavor, emu)) as ours:
            our_url, _ = ours.create_authorization_url()
            approval = emu.approve(our_url)
            sign_in = await aw(finish(flavor)(ours, emu.form_post(approval)))
            assert sign_in.token["access_token"]
        async with opened(plain_client(flavor, emu, static, response_mode=None)) as theirs:
            their_url, _ = theirs.create_authorization_url()
            # the browser is POSTed back to the bare redirect URI: nothing in its query
            with pytest.raises(MismatchingStateError):
                await aw(theirs.fetch_token(authorization_response=REDIRECT))
        return our_url, their_url

    our_url, their_url = flavor.run(scenario)
    assert parse_qs(urlsplit(our_url).query)["response_mode"] == ["form_post"]
    assert "response_mode" not in parse_qs(urlsplit(their_url).query)
    with httpx.Client(transport=emu.transport()) as browser:
        page = browser.get(our_url)
        refused = browser.get(their_url)
    assert page.status_code == 200
    assert f'action="{REDIRECT}"' in page.text  # an auto-submitted form POST
    # TN3107's example: HTTP 400 {"error": "invalid_request"}
    assert refused.status_code == 400
    assert refused.json() == {"error": "invalid_request"}


# -- the user JSON of the first sign-in ------------------------------------------------------


@each_flavor
def test_first_sign_in_user_plugin_surfaces_it_plain_client_loses_it(flavor: Flavor) -> None:
    assert "first sign-in" in quirk("user JSON").summary
    emu = apple()
    static = AppleClientSecret(TEAM_ID, KEY_ID, P8, clock=emu.clock).sign(SERVICES_ID)

    async def scenario() -> Any:
        async with opened(plain_client(flavor, emu, static)) as theirs:
            url, _ = theirs.create_authorization_url()
            approval = emu.approve(url)  # the user's first authorization
            assert "user" in approval.params
            # the best a plain client can do: read code and state, redeem the code
            token = await aw(theirs.fetch_token(authorization_response=approval.url))
        async with opened(plugin_client(flavor, emu)) as ours:
            url, _ = ours.create_authorization_url()
            later = await aw(finish(flavor)(ours, emu.form_post(emu.approve(url))))
        return token, later

    token, later = flavor.run(scenario)
    assert "Jane" not in json.dumps(token)  # the name is in no token and on no endpoint
    assert later.user is None  # and Apple does not send it again

    fresh = apple()

    async def first_with_the_plugin() -> Any:
        async with opened(plugin_client(flavor, fresh)) as ours:
            url, _ = ours.create_authorization_url()
            return await aw(finish(flavor)(ours, fresh.form_post(fresh.approve(url))))

    first = flavor.run(first_with_the_plugin)
    assert first.user == AppleUser("Jane", "Appleseed", "dhbk3p9wfv@privaterelay.appleid.com")


# -- redirect URIs ---------------------------------------------------------------------------


@each_flavor
def test_redirect_uri_plugin_refuses_localhost_early_apple_refuses_the_plain_url(
    flavor: Flavor,
) -> None:
    assert "localhost" in quirk("redirect URIs").summary
    emu = apple()
    local = "http://localhost:8000/auth/apple/callback"
    constructor: Any = flavor.pick(oauth2_client, async_oauth2_client)
    maker = AppleClientSecret(TEAM_ID, KEY_ID, P8)
    with pytest.raises(ValueError, match="redirect_uri"):
        constructor(SERVICES_ID, maker, redirect_uri=local, transport=emu.transport())
    assert emu.requests == []

    async def scenario() -> str:
        async with opened(plain_client(flavor, emu, "unused", redirect_uri=local)) as theirs:
            url, _ = theirs.create_authorization_url()
        return str(url)

    url = flavor.run(scenario)
    with httpx.Client(transport=emu.transport()) as browser:
        refused = browser.get(url)
    assert refused.status_code == 400
    assert refused.json() == {"error": "invalid_request"}


# -- revocation ----------------------------------------------------------------------------------


@each_flavor
def test_revocation_plugin_authenticates_a_static_secret_is_refused(flavor: Flavor) -> None:
    assert quirk("revocation").url.endswith("/revoke_tokens")
    emu = apple()

    async def scenario() -> tuple[str, OAuthError]:
        async with opened(plugin_client(flavor, emu)) as ours:
            url, _ = ours.create_authorization_url()
            sign_in = await aw(finish(flavor)(ours, emu.form_post(emu.approve(url))))
            refresh = sign_in.token["refresh_token"]
            async with opened(plain_client(flavor, emu, P8.decode())) as theirs:
                with pytest.raises(OAuthError) as caught:
                    await aw(theirs.revoke_token(token=refresh))
                assert emu.is_active(refresh)  # still valid: nothing was revoked
            response = await aw(ours.revoke_token())
            assert response.status_code == 200
        return refresh, caught.value

    refresh, error = flavor.run(scenario)
    assert error.error == "invalid_client"
    assert not emu.is_active(refresh)
