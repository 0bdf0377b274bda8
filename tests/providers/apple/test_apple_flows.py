"""Every flow the Apple plugin offers, against the ``appleid.apple.com`` emulator, on the sync
client and on the async client (asyncio and trio): sign-in through the form POST (first and
later), refresh, revocation, a cancelled sign-in, and the client secret renewed over months.
"""

from __future__ import annotations

from typing import Any

import pytest
from authwire_apple import (
    AppleClientSecret,
    AppleUser,
    async_complete_sign_in,
    async_oauth2_client,
    complete_sign_in,
    oauth2_client,
)

from authwire import AuthorizationResponseError
from authwire.testing import Flavor, SigningKey, aw, decode_jwt, each_flavor, opened

from .appleid import (
    KEY_ID,
    REDIRECT,
    RELAY_EMAIL,
    SERVICES_ID,
    SUBJECT,
    TEAM_ID,
    AppleEmulator,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!apple'):authwire.providers.ProviderPluginWarning"
)

P8 = SigningKey.generate("ES256").private_pem
DAY = 86_400


def apple() -> AppleEmulator:
    emu = AppleEmulator()
    emu.register(P8)
    return emu


def apple_client(flavor: Flavor, emu: AppleEmulator, **kwargs: Any) -> Any:
    constructor: Any = flavor.pick(oauth2_client, async_oauth2_client)
    maker = AppleClientSecret(TEAM_ID, KEY_ID, P8, clock=emu.clock, **kwargs)
    client = constructor(SERVICES_ID, maker, redirect_uri=REDIRECT, transport=emu.transport())
    client.oauth.clock = emu.clock
    return client


def finish(flavor: Flavor) -> Any:
    return flavor.pick(complete_sign_in, async_complete_sign_in)


@each_flavor
def test_sign_in_first_then_again(flavor: Flavor) -> None:
    emu = apple()

    async def scenario() -> None:
        for attempt in ("first", "again"):
            async with opened(apple_client(flavor, emu)) as client:
                url, _ = client.create_authorization_url()
                pending = client.authorization_request.to_dict()
                approval = emu.approve(url)
                # the callback is handled on another client, as a web app's POST route would
                async with opened(apple_client(flavor, emu)) as other:
                    sign_in = await aw(
                        finish(flavor)(
                            other, emu.form_post(approval), authorization_request=pending
                        )
                    )
            assert sign_in.subject == SUBJECT
            assert sign_in.email == RELAY_EMAIL
            assert sign_in.email_verified is True
            assert sign_in.is_private_email is True
            assert sign_in.token["refresh_token"]
            assert sign_in.token["userinfo"]["iss"] == "https://appleid.apple.com"
            if attempt == "first":
                assert sign_in.user == AppleUser("Jane", "Appleseed", RELAY_EMAIL)
                assert sign_in.name == "Jane Appleseed"
            else:
                assert sign_in.user is None
                assert sign_in.name is None

    flavor.run(scenario)
    calls = emu.calls("authorization_code")
    assert [c.outcome for c in calls] == ["issued", "issued"]
    assert {c.pkce for c in calls} == {"S256"}
    assert {c.auth_method for c in calls} == {"client_secret_post"}
    assert len(emu.secrets_seen) == 2
    assert emu.refused_secrets == 0


@each_flavor
def test_refresh_keeps_the_refresh_token_and_revocation_ends_it(flavor: Flavor) -> None:
    emu = apple()

    async def scenario() -> None:
        async with opened(apple_client(flavor, emu)) as client:
            url, _ = client.create_authorization_url()
            sign_in = await aw(finish(flavor)(client, emu.form_post(emu.approve(url))))
            refresh = sign_in.token["refresh_token"]
            refreshed = await aw(client.refresh_token())
            # Apple sends no new refresh token on refresh: the client keeps the one it has
            assert refreshed["refresh_token"] == refresh
            assert refreshed["access_token"] != sign_in.token["access_token"]
            assert refreshed["userinfo"]["sub"] == SUBJECT
            response = await aw(client.revoke_token())
            assert response.status_code == 200
            assert response.content == b""
            assert not emu.is_active(refresh)

    flavor.run(scenario)
    [refresh_call] = emu.calls("refresh_token")
    assert refresh_call.outcome == "issued"
    [revoke] = emu.sent("https://appleid.apple.com/auth/revoke", "POST")
    assert revoke.form["token_type_hint"] == "refresh_token"
    assert revoke.form["client_id"] == SERVICES_ID
    assert decode_jwt(revoke.form["client_secret"]).claims["sub"] == SERVICES_ID


@each_flavor
def test_a_cancelled_sign_in_raises(flavor: Flavor) -> None:
    emu = apple()

    async def scenario() -> None:
        async with opened(apple_client(flavor, emu)) as client:
            _, state = client.create_authorization_url()
            body = f"error=user_cancelled_authorize&state={state}".encode()
            with pytest.raises(AuthorizationResponseError, match="user_cancelled_authorize"):
                await aw(finish(flavor)(client, body))

    flavor.run(scenario)
    assert emu.calls() == []


@each_flavor
def test_the_client_secret_is_renewed_over_months(flavor: Flavor) -> None:
    emu = apple()

    async def scenario() -> None:
        async with opened(apple_client(flavor, emu)) as client:
            url, _ = client.create_authorization_url()
            await aw(finish(flavor)(client, emu.form_post(emu.approve(url))))
            for _ in range(8):  # eight months of daily checks, one a month shown here
                emu.clock.advance(30 * DAY)  # type: ignore[attr-defined]
                await aw(client.refresh_token())

    flavor.run(scenario)
    assert emu.refused_secrets == 0
    issued = [claims["iat"] for claims in emu.secrets_seen]
    assert len(set(issued)) == 9  # a new secret whenever the last one ran low
    assert all(c["exp"] - c["iat"] == DAY for c in emu.secrets_seen)
    assert issued[-1] - issued[0] == 8 * 30 * DAY  # past Apple's six-month limit
