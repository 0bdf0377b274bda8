"""A provider plugin installed with pip into a fresh virtualenv is found; uninstalled, it is gone.

This builds the core and the GitHub plugin from their source folders, as a user would with
``pip install ./packages/authwire ./providers/github``, using uv's pip interface for speed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._venv import fresh_venv, run, uv

ROOT = Path(__file__).resolve().parents[2]
CHECK = """
import authwire
from authwire import OAuth2Client
names = authwire.providers.names()
print("names=" + ",".join(names))
if "github" in names:
    client = OAuth2Client.from_provider("github", client_id="id", client_secret="secret")
    print("endpoint=" + client.metadata["token_endpoint"])
    client.close()
"""


@pytest.mark.interop
def test_pip_install_then_uninstall_github_plugin(tmp_path: Path) -> None:
    python = fresh_venv(
        tmp_path,
        str(ROOT / "packages" / "authwire"),
        str(ROOT / "providers" / "github"),
    )
    out = run(python, "-c", CHECK)
    assert "names=github" in out.splitlines()
    assert "endpoint=https://github.com/login/oauth/access_token" in out.splitlines()

    run(*uv(), "pip", "uninstall", "--quiet", "--python", python, "authwire-github")
    out = run(python, "-c", CHECK)
    assert out.splitlines() == ["names="]
