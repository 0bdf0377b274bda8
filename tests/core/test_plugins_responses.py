"""authwire.plugins.json_object / with_json: the shared rewrite of a JSON answer for hooks."""

from __future__ import annotations

import json

import httpx
import httpx2
import pytest

from authwire.plugins import json_object, with_json


@pytest.mark.parametrize("library", [httpx, httpx2], ids=["httpx", "httpx2"])
def test_with_json_keeps_status_headers_and_request_and_replaces_the_body(library: object) -> None:
    lib: object = library
    request = lib.Request("POST", "https://as.example/token")  # type: ignore[attr-defined]
    response = lib.Response(  # type: ignore[attr-defined]
        400,
        headers={"X-Trace": "t-1", "Content-Type": "text/plain", "Content-Encoding": "identity"},
        content=b'{"token_type": "User Access Token"}',
        request=request,
    )
    data = json_object(response)
    assert data == {"token_type": "User Access Token"}
    data["token_type"] = "Bearer"
    rebuilt = with_json(response, data)
    assert type(rebuilt) is type(response)
    assert rebuilt.status_code == 400
    assert rebuilt.headers["x-trace"] == "t-1"
    assert rebuilt.headers["content-type"] == "application/json"
    assert "content-encoding" not in rebuilt.headers
    assert rebuilt.request is request
    assert json.loads(rebuilt.content) == {"token_type": "Bearer"}


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b'"text"', b"{bad"])
def test_json_object_is_none_for_anything_but_a_json_object(body: bytes) -> None:
    assert json_object(httpx.Response(200, content=body)) is None


def test_with_json_on_a_response_built_without_a_request() -> None:
    rebuilt = with_json(httpx.Response(200, json={"a": 1}), {"a": 2})
    assert rebuilt.json() == {"a": 2}
