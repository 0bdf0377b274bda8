"""Salesforce for authwire: connected apps (web server flow) and server-to-server JWT bearer.

::

    from authwire_salesforce import jwt_bearer_client, oauth2_client

    client = oauth2_client(CONSUMER_KEY, CONSUMER_SECRET, redirect_uri="https://app.example/cb")
    robot = jwt_bearer_client(CONSUMER_KEY, "integration@acme.com", private_key_pem)
    robot.get("/services/data/v62.0/limits")  # relative to the token's instance_url

What the plugin takes care of:

- the hosts: ``login.salesforce.com``, ``test.salesforce.com`` (``sandbox=True``), the
  org's My Domain (``host=``); every endpoint below ``https://{host}/services/oauth2/``;
- the JWT bearer flow (:func:`jwt_bearer_client`): the assertion's ``iss``, ``sub``, ``aud``
  (the login URL, not the token endpoint) and a three-minute ``exp``, signed RS256;
- ``instance_url`` and ``id`` kept from the token response, the client's ``base_url`` set to
  the instance (:func:`follow_instance_url`), the identity URL read by
  :func:`fetch_identity`;
- tokens without ``expires_in``: they live for the org's session timeout
  (:func:`session_expiry`, ``session_timeout=``), counted from ``issued_at``, which is in
  milliseconds (:func:`issued_at`);
- the token response's ``signature`` checked with the consumer secret
  (:func:`signature_check`).
"""

from __future__ import annotations

from collections.abc import Callable

from authwire.plugins import Provider, hookimpl

from ._hooks import (
    DEFAULT_SESSION_TIMEOUT,
    MAX_SESSION_TIMEOUT,
    MIN_SESSION_TIMEOUT,
    expected_signature,
    issued_at,
    session_expiry,
    signature_check,
)
from ._instance import (
    async_fetch_identity,
    fetch_identity,
    follow_instance_url,
    identity_url,
    instance_url,
)
from ._provider import (
    DEFAULT_SCOPES,
    LOGIN_HOST,
    MAX_ASSERTION_LIFETIME,
    SALESFORCE,
    SANDBOX_HOST,
    assertion_audience,
    async_jwt_bearer_client,
    async_oauth2_client,
    jwt_bearer_client,
    oauth2_client,
)

__all__ = [
    "DEFAULT_SCOPES",
    "DEFAULT_SESSION_TIMEOUT",
    "LOGIN_HOST",
    "MAX_ASSERTION_LIFETIME",
    "MAX_SESSION_TIMEOUT",
    "MIN_SESSION_TIMEOUT",
    "SALESFORCE",
    "SANDBOX_HOST",
    "assertion_audience",
    "async_fetch_identity",
    "async_jwt_bearer_client",
    "async_oauth2_client",
    "expected_signature",
    "fetch_identity",
    "follow_instance_url",
    "identity_url",
    "instance_url",
    "issued_at",
    "jwt_bearer_client",
    "oauth2_client",
    "register_providers",
    "session_expiry",
    "signature_check",
]


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add :data:`SALESFORCE` to the authwire registry (the ``authwire`` entry point)."""
    register(SALESFORCE)
