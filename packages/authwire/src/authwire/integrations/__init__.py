"""Sign-in for web apps: Starlette/FastAPI, Flask and Django, on one shared core.

Import the framework's module (``authwire.integrations.starlette``, ``.flask`` or
``.django``); each has an ``OAuth`` registry with the same vocabulary: ``oauth.register(name,
...)``, then ``oauth.<name>.authorize_redirect(request, redirect_uri)``,
``oauth.<name>.authorize_access_token(request)``, ``oauth.<name>.user_client(request)`` and
``oauth.<name>.logout_redirect(request, post_logout_redirect_uri)`` (awaited on Starlette).
"""

from ._pending import MAX_PENDING, PENDING_TTL

__all__ = ["MAX_PENDING", "PENDING_TTL"]
