"""Installed into a fresh virtualenv next to httpx 0.29, or as ``authwire[httpx2]``, with a
provider plugin: a client-credentials and an authorization-code flow against the real
oidc-provider, and the httpx2 install never imports httpx.

The packages are built from their source folders, as ``pip install ./packages/authwire``
would, with uv's pip interface for speed. The test process plays the browser: the flow in the
venv prints its authorization URL, the test walks it through login and consent, and hands the
callback back on standard input.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests._venv import fresh_venv
from tests.interop._oidc import CLIENT_CREDENTIALS_SCOPES, OidcProvider, follow_authorization

pytestmark = pytest.mark.interop

ROOT = Path(__file__).resolve().parents[2]

FLOWS = """
import json, sys
binding = sys.argv[1]
if binding == "httpx2":
    from authwire.httpx2 import OAuth2Client
else:
    from authwire import OAuth2Client
from authwire import providers

settings = json.loads(sys.argv[2])
cc = settings["client_credentials"]
with OAuth2Client(
    cc["client_id"], cc["client_secret"], token_endpoint=settings["token_endpoint"],
    grant_type="client_credentials", scope=settings["scope"],
) as client:
    token = client.fetch_token()
code = settings["code"]
with OAuth2Client(
    code["client_id"], code["client_secret"],
    authorization_endpoint=settings["authorization_endpoint"],
    token_endpoint=settings["token_endpoint"], issuer=settings["issuer"],
    jwks_uri=settings["jwks_uri"], redirect_uri=code["redirect_uri"], scope="openid",
) as client:
    url, _state = client.create_authorization_url()
    print(json.dumps({"authorize": url}), flush=True)
    callback = sys.stdin.readline().strip()
    signed_in = client.fetch_token(authorization_response=callback)
with OAuth2Client.from_provider("github", client_id="id", client_secret="s") as github:
    endpoint = github.metadata["token_endpoint"]
print(json.dumps({
    "cc_scope": token.get("scope"),
    "sub": signed_in["userinfo"]["sub"],
    "base": [c.__module__.split(".")[0] for c in type(client).__mro__ if c.__name__ == "Client"],
    "providers": providers.names(),
    "github": endpoint,
    "httpx_loaded": sorted(m for m in sys.modules if m == "httpx" or m.startswith("httpx.")),
}), flush=True)
"""


@pytest.mark.parametrize(
    ("binding", "requirements"),
    [
        ("httpx", [str(ROOT / "packages" / "authwire"), "httpx==0.29.*"]),
        ("httpx2", [f"{ROOT / 'packages' / 'authwire'}[httpx2]"]),
    ],
)
def test_a_fresh_install_signs_in_against_the_real_provider(
    tmp_path: Path, oidc_provider: OidcProvider, binding: str, requirements: list[str]
) -> None:
    python = fresh_venv(
        tmp_path,
        *requirements,
        str(ROOT / "providers" / "github"),
    )
    settings = {
        "token_endpoint": oidc_provider.token_endpoint,
        "authorization_endpoint": oidc_provider.authorization_endpoint,
        "issuer": oidc_provider.issuer,
        "jwks_uri": oidc_provider.jwks_uri,
        "scope": " ".join(CLIENT_CREDENTIALS_SCOPES),
        "client_credentials": {
            "client_id": oidc_provider.basic.client_id,
            "client_secret": oidc_provider.basic.client_secret,
        },
        "code": {
            "client_id": oidc_provider.basic.client_id,
            "client_secret": oidc_provider.basic.client_secret,
            "redirect_uri": oidc_provider.basic.redirect_uri,
        },
    }
    with subprocess.Popen(
        [python, "-c", FLOWS, binding, json.dumps(settings)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as flow:
        assert flow.stdout is not None
        assert flow.stdin is not None
        first = flow.stdout.readline()
        assert first, flow.stderr.read() if flow.stderr else ""
        callback = follow_authorization(json.loads(first)["authorize"])
        flow.stdin.write(callback + "\n")
        flow.stdin.flush()
        out, err = flow.communicate(timeout=60)
    assert flow.returncode == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert result["cc_scope"] == " ".join(CLIENT_CREDENTIALS_SCOPES)
    assert result["sub"]
    assert result["base"] == [binding]
    assert result["providers"] == ["github"]
    assert result["github"] == "https://github.com/login/oauth/access_token"
    if binding == "httpx2":
        assert result["httpx_loaded"] == []
