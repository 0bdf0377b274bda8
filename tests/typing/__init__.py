"""Static typing checks: mypy run on snippets against the public API (needs the dev environment)."""
