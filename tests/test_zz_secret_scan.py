"""Collected last: no secret seen during the suite shows in a repr, str or log record."""

from __future__ import annotations

import pytest

from authwire import OAuth2Client

from .conftest import REGISTRY


def _rendered() -> list[str]:
    texts: list[str] = []
    for obj in REGISTRY.objects:
        try:
            texts += [repr(obj), str(obj)]
        except ReferenceError:  # a weakly held engine that is gone
            continue
    for error in REGISTRY.errors:
        texts += [repr(error), str(error), *map(str, error.args)]
    texts += [record.getMessage() for record in REGISTRY.records]
    return texts


def find_leaks(secrets: set[str], texts: list[str]) -> list[tuple[str, str]]:
    return [
        (secret[:4] + "…", text[:120]) for text in texts for secret in secrets if secret in text
    ]


def test_no_secret_in_reprs_errors_or_logs() -> None:
    if not REGISTRY.secrets:
        pytest.skip("run with the rest of the suite: nothing was recorded")
    assert find_leaks(REGISTRY.secrets, _rendered()) == []


def test_the_scan_records_secrets_and_sees_a_leak() -> None:
    client = OAuth2Client("client", "a-very-secret-value", token={"access_token": "tok-12345678"})
    assert {"a-very-secret-value", "tok-12345678"} <= REGISTRY.secrets
    assert find_leaks(REGISTRY.secrets, [repr(client), str(client.token)]) == []
    assert find_leaks({"a-very-secret-value"}, ["oops a-very-secret-value"]) != []
    client.close()
