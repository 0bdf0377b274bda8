"""One process of a fleet: a client on a shared store, called by many threads or tasks.

Run by tests/stores/test_fleet.py as ``python -m tests.stores._fleet_worker SPEC``, where
SPEC is JSON: store (``sqlite:PATH`` or ``redis:URL``), mode (``threads`` / ``asyncio``),
callers, duration, token_endpoint, api, lease_ttl, and optionally ``stall_after_answer``
(the process then hangs once the token endpoint has answered, before saving). Prints one
JSON line: calls, failures and the first few error names.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import Any

import httpx

from authwire import AsyncOAuth2Client, OAuth2Client
from authwire.stores import RedisStore, SQLiteStore


def _store(spec: dict[str, Any]) -> Any:
    kind, _, where = spec["store"].partition(":")
    ttl = spec.get("lease_ttl", 30)
    if kind == "sqlite":
        return SQLiteStore(where, lease_ttl=ttl)
    return RedisStore(where, lease_ttl=ttl)


def _options(spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "client_id": "fleet-client",
        "client_secret": "fleet-secret",
        "token_endpoint": spec["token_endpoint"],
        "token_store": _store(spec),
        "token_key": "fleet",
        "leeway": spec.get("leeway", 1),
        "allow_insecure_transport": True,  # the loopback test peer speaks http
        "timeout": httpx.Timeout(30.0),
        "limits": httpx.Limits(max_connections=50),
        "trust_env": False,
    }


def _stall_hook(response: httpx.Response) -> httpx.Response:
    print(json.dumps({"stalling": True}), flush=True)
    time.sleep(3600)  # killed here: the answer arrived, the save never happens
    return response


def run_threads(spec: dict[str, Any]) -> dict[str, Any]:
    calls = 0
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + spec["duration"]
    with OAuth2Client(**_options(spec)) as client:
        if spec.get("stall_after_answer"):
            client.register_compliance_hook("refresh_token_response", _stall_hook)

        def caller() -> None:
            nonlocal calls
            while time.monotonic() < deadline:
                try:
                    response = client.get(spec["api"])
                    ok = response.status_code == 200
                    error = None if ok else f"HTTP {response.status_code}"
                except Exception as exc:
                    ok, error = False, f"{type(exc).__name__}: {exc}"
                with lock:
                    calls += 1
                    if error is not None:
                        failures.append(error)
                time.sleep(spec.get("pause", 0.05))

        threads = [threading.Thread(target=caller) for _ in range(spec["callers"])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return {"calls": calls, "failures": len(failures), "errors": failures[:5]}


def run_asyncio(spec: dict[str, Any]) -> dict[str, Any]:
    import asyncio

    calls = 0
    failures: list[str] = []

    async def main() -> None:
        deadline = time.monotonic() + spec["duration"]
        async with AsyncOAuth2Client(**_options(spec)) as client:

            async def caller() -> None:
                nonlocal calls
                while time.monotonic() < deadline:
                    try:
                        response = await client.get(spec["api"])
                        error = (
                            None if response.status_code == 200 else f"HTTP {response.status_code}"
                        )
                    except Exception as exc:
                        error = f"{type(exc).__name__}: {exc}"
                    calls += 1
                    if error is not None:
                        failures.append(error)
                    await asyncio.sleep(spec.get("pause", 0.05))

            await asyncio.gather(*(caller() for _ in range(spec["callers"])))

    asyncio.run(main())
    return {"calls": calls, "failures": len(failures), "errors": failures[:5]}


def main() -> None:
    spec = json.loads(sys.argv[1])
    result = run_asyncio(spec) if spec["mode"] == "asyncio" else run_threads(spec)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
