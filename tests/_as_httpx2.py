"""``pytest -p tests._as_httpx2``: the suite with httpx2 in httpx's place.

authwire's two bindings run one source; only :mod:`authwire._compat` differs, by which
library it imports. Loaded before anything imports httpx, this plugin makes ``import httpx``
give httpx2 — in the tests and in authwire alike — so the whole suite exercises every flow
on httpx2's classes. ``tests/core/test_httpx2_binding.py`` checks the binding itself:
``authwire.httpx2`` loading, side by side with httpx, without importing httpx.
"""

from __future__ import annotations

import sys

import httpx2

if "httpx" in sys.modules and sys.modules["httpx"] is not httpx2:
    raise RuntimeError("tests._as_httpx2 must load before anything imports httpx")
sys.modules["httpx"] = httpx2
