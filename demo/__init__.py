"""A guided tour of authwire against the local providers the interop tests use.

Run it with ``bash scripts/demo.sh`` (from a fresh clone) or ``uv run python -m demo``. It
starts panva's oidc-provider (Node) and an oauthlib OAuth 1.0a server on 127.0.0.1, walks
through the main flows with the real authwire clients, prints each step and its outcome, and
stops both servers at the end. Secrets and tokens are never printed, only short prefixes.
"""
