"""The Salesforce provider value and its named constructors (user sign-in and JWT bearer).

Hosts: ``login.salesforce.com`` (production), ``test.salesforce.com`` (sandboxes), or the
org's My Domain (``MyDomainName.my.salesforce.com``, ``…--Sandbox.sandbox.my.salesforce.com``)
or Experience Cloud site host. Every OAuth endpoint is below ``https://{host}/services/oauth2/``.
https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_endpoints.htm
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.plugins import Provider, Quirk, oauth2_engine

from ._hooks import DEFAULT_SESSION_TIMEOUT, session_expiry, signature_check
from ._instance import follow_instance_url

if TYPE_CHECKING:
    from authwire import AssertionClient, AsyncAssertionClient, AsyncOAuth2Client, OAuth2Client

__all__ = [
    "DEFAULT_SCOPES",
    "LOGIN_HOST",
    "MAX_ASSERTION_LIFETIME",
    "SALESFORCE",
    "SANDBOX_HOST",
    "assertion_audience",
    "async_jwt_bearer_client",
    "async_oauth2_client",
    "jwt_bearer_client",
    "oauth2_client",
]

#: Production logins.
LOGIN_HOST = "login.salesforce.com"
#: Sandbox logins.
SANDBOX_HOST = "test.salesforce.com"

#: The REST API (``api``) and a refresh token (``refresh_token``, a.k.a. ``offline_access``).
#: Add ``openid`` for an ID token, ``id`` for the identity URL.
DEFAULT_SCOPES = ("api", "refresh_token")

#: Salesforce wants a JWT bearer assertion's ``exp`` within three minutes.
MAX_ASSERTION_LIFETIME = 180

_JWT_FLOW = "https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm"
_WEB_FLOW = "https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm"

#: The token response hooks that see a client's token answers.
_TOKEN_RESPONSES = ("access_token_response", "refresh_token_response")
#: Client authentication methods whose ``client_secret`` is the consumer secret (with
#: ``private_key_jwt`` it is a private key, which signs no HMAC).
_SHARED_SECRET_METHODS = ("client_secret_post", "client_secret_basic", "client_secret_jwt")


def _finish_client(client: Any, values: Mapping[str, str]) -> None:
    """The fixes that need the client (``Provider.configure``), so that
    ``OAuth2Client.from_provider("salesforce", ...)`` is what :func:`oauth2_client` makes:

    - an OAuth 2 client with the consumer secret checks each token answer's ``signature``
      (:func:`~authwire_salesforce.signature_check`);
    - an assertion client signs Salesforce's JWT bearer assertion: ``aud`` the login URL
      where it would be the token endpoint, ``exp`` within :data:`MAX_ASSERTION_LIFETIME`,
      RS256 only;
    - a client's ``base_url`` follows the token's ``instance_url``
      (:func:`~authwire_salesforce.follow_instance_url`), after the signature check.

    https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm,
    https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
    """
    engine = oauth2_engine(client)
    if engine is not None:
        secret = engine.client_secret
        if (
            isinstance(secret, str | bytes)
            and secret
            and engine.token_endpoint_auth_method in _SHARED_SECRET_METHODS
        ):
            check = signature_check(secret)
            for hook_type in _TOKEN_RESPONSES:
                engine.register_compliance_hook(hook_type, check)
    else:
        assertion = getattr(client, "oauth", client)
        if hasattr(assertion, "signer") and hasattr(assertion, "audience"):
            _fit_assertion(assertion)
    if hasattr(client, "base_url"):  # not an OAuth2Auth, which another client uses as auth=
        follow_instance_url(client)


def _fit_assertion(engine: Any) -> None:
    """Salesforce's JWT bearer assertion on an assertion engine built by ``from_provider``."""
    alg = engine.signer.alg
    if alg != "RS256":
        raise ValueError(
            f"key: Salesforce verifies JWT bearer assertions with RS256 (the connected app's "
            f"certificate), not {alg}: give the certificate's RSA private key ({_JWT_FLOW})"
        )
    token_endpoint = engine.metadata.get("token_endpoint")
    host = urlsplit(token_endpoint).hostname if isinstance(token_endpoint, str) else None
    if host and engine.audience == token_endpoint:  # AssertionClient's default aud
        engine.audience = assertion_audience(host)
    engine.expires_in = min(engine.expires_in, MAX_ASSERTION_LIFETIME)


#: Salesforce, at ``https://{host}`` (``login.salesforce.com`` unless given).
SALESFORCE = Provider(
    name="salesforce",
    title="Salesforce",
    parameters={"host": LOGIN_HOST},
    issuer="https://{host}",
    authorization_endpoint="https://{host}/services/oauth2/authorize",
    token_endpoint="https://{host}/services/oauth2/token",
    revocation_endpoint="https://{host}/services/oauth2/revoke",
    introspection_endpoint="https://{host}/services/oauth2/introspect",
    userinfo_endpoint="https://{host}/services/oauth2/userinfo",
    jwks_uri="https://{host}/id/keys",
    scope=DEFAULT_SCOPES,
    # the web server flow's token request carries client_id and client_secret in the body
    token_endpoint_auth_method="client_secret_post",
    code_challenge_method="S256",
    compliance_hooks={
        "access_token_response": [session_expiry(DEFAULT_SESSION_TIMEOUT)],
        "refresh_token_response": [session_expiry(DEFAULT_SESSION_TIMEOUT)],
    },
    protocols=("oauth2", "openid"),
    flows=(
        "authorization_code",
        "refresh_token",
        "jwt_bearer",
        "revocation",
        "introspection",
        "userinfo",
    ),
    configure=_finish_client,
    quirks=(
        Quirk(
            "no expires_in: a token lives for the org's session timeout, counted from "
            "issued_at (milliseconds)",
            _WEB_FLOW,
        ),
        Quirk(
            "the JWT bearer assertion's aud is the login URL, not the token endpoint",
            _JWT_FLOW,
        ),
        Quirk(
            "instance_url, not the login host, is the API base: the client's base_url follows it",
            _WEB_FLOW,
        ),
        Quirk(
            "signature (HMAC-SHA256 of id + issued_at, keyed with the secret) is checked",
            _WEB_FLOW,
        ),
    ),
    extra={
        "documentation": _WEB_FLOW,
        "jwt_bearer_flow": _JWT_FLOW,
    },
)


def _host(host: object, sandbox: bool) -> str:
    if not isinstance(sandbox, bool):
        raise TypeError("sandbox must be True or False")
    if host is None:
        return SANDBOX_HOST if sandbox else LOGIN_HOST
    if not isinstance(host, str) or not host.strip():
        raise ValueError("host must be a Salesforce host name such as 'acme.my.salesforce.com'")
    if "://" in host or "/" in host:
        raise ValueError(
            f"host takes a host name such as 'acme.my.salesforce.com', not a URL: {host!r}"
        )
    host = host.strip().lower()
    if sandbox and not _is_sandbox(host):
        raise ValueError(
            f"sandbox=True, but {host!r} is not a sandbox host (test.salesforce.com or "
            "…sandbox.my.salesforce.com)"
        )
    return host


def _is_sandbox(host: str) -> bool:
    return host == SANDBOX_HOST or host.endswith(".sandbox.my.salesforce.com")


def assertion_audience(host: str) -> str:
    """The ``aud`` of a JWT bearer assertion for logins at ``host``.

    Salesforce takes ``https://login.salesforce.com`` (production, My Domain included) or
    ``https://test.salesforce.com`` (sandboxes), not the token endpoint's URL; an Experience
    Cloud site wants its own URL, which you pass as ``audience=``.
    https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
    """
    return f"https://{SANDBOX_HOST if _is_sandbox(host.lower()) else LOGIN_HOST}"


def _provider(session_timeout: int) -> Provider:
    hooks = [session_expiry(session_timeout)]
    return dataclasses.replace(SALESFORCE, compliance_hooks=dict.fromkeys(_TOKEN_RESPONSES, hooks))


def _oauth2_arguments(
    client_id: str,
    client_secret: Any,
    host: str | None,
    sandbox: bool,
    session_timeout: int,
    kwargs: dict[str, Any],
) -> tuple[Provider, dict[str, Any]]:
    chosen = _host(host, sandbox)
    provider = _provider(session_timeout)
    return provider, {
        "host": chosen,
        "client_id": client_id,
        "client_secret": client_secret,
        **kwargs,
    }


def oauth2_client(
    client_id: str,
    client_secret: Any = None,
    *,
    host: str | None = None,
    sandbox: bool = False,
    session_timeout: int = DEFAULT_SESSION_TIMEOUT,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for a Salesforce connected app (web server flow).

    Args:
        client_id: the connected app's consumer key.
        client_secret: its consumer secret; without one the client is public (PKCE only).
        host: the login host: ``login.salesforce.com`` (default), ``test.salesforce.com``
            (``sandbox=True``), or the org's My Domain (``acme.my.salesforce.com``).
        sandbox: log in to a sandbox (``test.salesforce.com`` unless ``host`` names one).
        session_timeout: the org's session timeout in seconds (Setup → Session Settings,
            or the connected app's "Timeout Value"; two hours by default): Salesforce
            sends no ``expires_in``, so this is how long a token is used before renewal.
        **kwargs: any other ``OAuth2Client`` argument (``redirect_uri``, ``scope`` — the
            default is ``api refresh_token`` —, ``token``, ``update_token``) or httpx argument.

    ``OAuth2Client.from_provider("salesforce", host=..., ...)`` with ``sandbox=`` and
    ``session_timeout=``: the client checks each token response's ``signature`` with the
    client secret and keeps ``base_url`` at the token's ``instance_url``, so API paths are
    relative: ``client.get("/services/data/v62.0/")``.
    """
    provider, arguments = _oauth2_arguments(
        client_id, client_secret, host, sandbox, session_timeout, kwargs
    )
    return authwire.OAuth2Client.from_provider(provider, **arguments)


def async_oauth2_client(
    client_id: str,
    client_secret: Any = None,
    *,
    host: str | None = None,
    sandbox: bool = False,
    session_timeout: int = DEFAULT_SESSION_TIMEOUT,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """The :class:`~authwire.AsyncOAuth2Client` twin of :func:`oauth2_client`."""
    provider, arguments = _oauth2_arguments(
        client_id, client_secret, host, sandbox, session_timeout, kwargs
    )
    return authwire.AsyncOAuth2Client.from_provider(provider, **arguments)


# Arguments the JWT bearer constructors set themselves.
_FIXED = {
    "token_endpoint": "it is https://{host}/services/oauth2/token",
    "issuer": "it is the consumer key (client_id)",
    "subject": "it is the username",
    "grant_type": "Salesforce takes the jwt-bearer grant",
    "alg": "Salesforce verifies RS256 signatures with the connected app's certificate",
}


def _assertion_arguments(
    client_id: str,
    username: str,
    key: Any,
    host: str | None,
    sandbox: bool,
    audience: str | None,
    session_timeout: int,
    expires_in: int,
    kwargs: dict[str, Any],
) -> tuple[Provider, dict[str, Any]]:
    for name in kwargs:
        if name in _FIXED:
            raise TypeError(
                f"{name}= cannot be given to a Salesforce JWT bearer client: {_FIXED[name]}"
            )
    for name, value in (("client_id", client_id), ("username", username)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty str")
    if isinstance(expires_in, bool) or not isinstance(expires_in, int) or expires_in <= 0:
        raise ValueError("expires_in must be a positive number of seconds")
    if expires_in > MAX_ASSERTION_LIFETIME:
        raise ValueError(
            f"expires_in: Salesforce wants the assertion to expire within "
            f"{MAX_ASSERTION_LIFETIME} seconds ({_JWT_FLOW})"
        )
    chosen = _host(host, sandbox)
    if audience is None:
        audience = assertion_audience(chosen)
    else:
        parts = urlsplit(audience) if isinstance(audience, str) else None
        if parts is None or parts.scheme != "https" or not parts.hostname:
            raise ValueError(
                "audience must be https://login.salesforce.com, https://test.salesforce.com "
                "or your Experience Cloud site's https URL"
            )
    provider = _provider(session_timeout)
    return provider, {
        "host": chosen,
        "issuer": client_id,
        "subject": username,
        "audience": audience,
        "key": key,
        "alg": "RS256",
        "expires_in": expires_in,
        **kwargs,
    }


def jwt_bearer_client(
    client_id: str,
    username: str,
    key: Any,
    *,
    host: str | None = None,
    sandbox: bool = False,
    audience: str | None = None,
    session_timeout: int = DEFAULT_SESSION_TIMEOUT,
    expires_in: int = MAX_ASSERTION_LIFETIME,
    **kwargs: Any,
) -> AssertionClient:
    """An :class:`~authwire.AssertionClient` for Salesforce's OAuth 2.0 JWT bearer flow.

    Server-to-server access as ``username``, with no user at a browser: each token request
    posts an RS256 assertion (``iss`` the consumer key, ``sub`` the username, ``aud`` the
    login URL, ``exp`` within three minutes) signed with the private key of the certificate
    uploaded to the connected app. The user must be pre-authorized for the app (an admin
    approved profile or permission set, or an earlier approval).

    Args:
        client_id: the connected app's consumer key.
        username: the Salesforce username to act as.
        key: the private key (PEM str/bytes, a JWK dict or a joserfc key).
        host: the token endpoint's host: ``login.salesforce.com`` (default),
            ``test.salesforce.com`` (``sandbox=True``) or the org's My Domain.
        sandbox: a sandbox org (host ``test.salesforce.com``, audience
            ``https://test.salesforce.com``).
        audience: the assertion's ``aud``; by default ``https://login.salesforce.com`` or
            ``https://test.salesforce.com`` (never the token endpoint's URL, which
            Salesforce refuses with "audience is invalid"); an Experience Cloud site's URL
            for its users.
        session_timeout: the org's session timeout in seconds; the token is fetched again
            after it (Salesforce sends no ``expires_in`` and no refresh token here).
        expires_in: the assertion's lifetime, at most 180 seconds.
        **kwargs: other ``AssertionClient`` arguments (``update_token``, ``scope``,
            ``password`` for an encrypted key) and httpx arguments.

    The client keeps ``base_url`` at the token's ``instance_url``.
    https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
    """
    provider, arguments = _assertion_arguments(
        client_id, username, key, host, sandbox, audience, session_timeout, expires_in, kwargs
    )
    return authwire.AssertionClient.from_provider(provider, **arguments)


def async_jwt_bearer_client(
    client_id: str,
    username: str,
    key: Any,
    *,
    host: str | None = None,
    sandbox: bool = False,
    audience: str | None = None,
    session_timeout: int = DEFAULT_SESSION_TIMEOUT,
    expires_in: int = MAX_ASSERTION_LIFETIME,
    **kwargs: Any,
) -> AsyncAssertionClient:
    """The :class:`~authwire.AsyncAssertionClient` twin of :func:`jwt_bearer_client`."""
    provider, arguments = _assertion_arguments(
        client_id, username, key, host, sandbox, audience, session_timeout, expires_in, kwargs
    )
    return authwire.AsyncAssertionClient.from_provider(provider, **arguments)
