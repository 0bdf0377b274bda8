"""Names a provider may not take: they belong to the client classes or to the HTTP library.

A provider parameter (``tenant=``, ``host=``) reaches ``from_provider`` among the client's own
keyword arguments, so it may not be spelled like one of them; a provider's default
authorization parameters may not set what the client manages itself (``state``, PKCE, ...).
"""

from __future__ import annotations

import re
import sys

from .._metadata import is_metadata_name

__all__ = [
    "CLIENT_ARGUMENTS",
    "CLIENT_MANAGED_PARAMS",
    "HTTP_CLIENT_ARGUMENTS",
    "NAME",
    "PARAMETER",
    "is_reserved_parameter",
]

NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
"""A provider (registry) name: ``github``, ``x-oauth1``."""
PARAMETER = re.compile(r"[a-z][a-z0-9_]*")
"""A provider parameter or issuer claim placeholder name: ``tenant``, ``user_pool_id``."""

HTTP_CLIENT_ARGUMENTS = frozenset(
    {
        "auth",
        "params",
        "headers",
        "cookies",
        "verify",
        "cert",
        "trust_env",
        "http1",
        "http2",
        "proxy",
        "proxies",
        "mounts",
        "timeout",
        "follow_redirects",
        "limits",
        "max_redirects",
        "event_hooks",
        "base_url",
        "transport",
        "app",
        "default_encoding",
    }
)
"""The constructor parameters of the HTTP clients authwire binds (httpx 0.27-0.29, httpx2)."""

CLIENT_MANAGED_PARAMS = frozenset(
    {
        "client_id",
        "response_type",
        "redirect_uri",
        "scope",
        "state",
        "endpoint",
        "code_challenge",
        "code_challenge_method",
        "nonce",
        "request",
        "request_uri",
    }
)
"""The client classes own these: an authorization URL gets them from the client, not from a
provider's defaults."""

CLIENT_ARGUMENTS = frozenset(
    {
        "client_id",
        "client_secret",
        "token_endpoint_auth_method",
        "revocation_endpoint_auth_method",
        "scope",
        "redirect_uri",
        "token",
        "token_secret",
        "token_placement",
        "update_token",
        "leeway",
        "state",
        "code_challenge_method",
        "allow_insecure_transport",
        "authorize_params",
        "rsa_key",
        "verifier",
        "request_token_url",
        "authorization_url",
        "access_token_url",
        "signature_method",
        "signature_type",
        "force_include_body",
        "realm",
        "subject",
        "claims",
        "grant_type",
        "key",
        "alg",
        "header",
        "expires_in",
        "password",
        "clock",
    }
)
"""Constructor arguments of the client classes and engines: a provider parameter with one of these
names could never be told apart from the client's own argument in from_provider()."""


def is_reserved_parameter(name: str) -> bool:
    """Whether a provider parameter called ``name`` would clash with a client argument.

    Besides the lists above, the constructors of whichever HTTP library is loaded are read,
    so that an argument a newer httpx release adds is refused too.
    """
    import inspect  # only when a provider declares parameters

    if name in CLIENT_ARGUMENTS or name in HTTP_CLIENT_ARGUMENTS or is_metadata_name(name):
        return True
    for module in (sys.modules.get("httpx"), sys.modules.get("httpx2")):
        for cls in (getattr(module, "Client", None), getattr(module, "AsyncClient", None)):
            if cls is not None and name in inspect.signature(cls.__init__).parameters:
                return True
    return False
