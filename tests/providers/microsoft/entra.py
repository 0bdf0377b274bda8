"""A Microsoft identity platform (v2.0) to test the plugin against: one cloud, one tenant path.

Built on :class:`authwire.testing.Emulator`; every answer is shaped as Microsoft documents it,
and the page is cited beside each example. What it adds to the kit's provider:

- the discovery document of a tenant segment (``common`` publishes the ``{tenantid}`` issuer
  template, a tenant ID its own issuer);
- ID tokens with ``ver``, ``tid``, ``oid``, ``preferred_username``, and ``iss`` built from the
  user's own tenant;
- the error shape with ``AADSTS`` codes, ``error_codes``, ``trace_id``, ``correlation_id``;
- certificate credentials found by the ``x5t#S256`` (or ``x5t``) of the assertion's header;
- client credentials refused without one resource's ``/.default`` scope;
- the on-behalf-of grant, refused without ``requested_token_use=on_behalf_of``.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from authwire.testing import (
    CLIENT_CREDENTIALS,
    JWT_BEARER,
    Emulator,
    FakeClock,
    Grant,
    Refusal,
    SigningKey,
    TokenCall,
    json_response,
)

GLOBAL = "login.microsoftonline.com"
US_GOVERNMENT = "login.microsoftonline.us"
CHINA = "login.partner.microsoftonline.cn"

# The values of Microsoft's own examples: the client ID of "Microsoft identity platform and
# OAuth 2.0 authorization code flow", the tenant ID of the on-behalf-of page's sample token,
# and the ID token claims of "ID token claims reference" (v2.0 sample).
CLIENT_ID = "535fb089-9ff3-47b6-9bfb-4f1264799865"
CLIENT_SECRET = "sampleCredentia1s"
TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
OTHER_TENANT_ID = "8eaef023-2b34-4da1-9baa-8bc8c9d6a490"  # v2-protocols-oidc's tenant example
CONSUMERS_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad"
REDIRECT = "https://app.example/auth/microsoft/callback"
USER = {
    "name": "Abe Lincoln",
    "preferred_username": "AbeLi@microsoft.com",
    "oid": "00000000-0000-0000-66f3-3332eca7ea81",
}
SUBJECT = "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ"
AIO = (
    "Df2UVXL1ix!lMCWMSOJBcFatzcGfvFGhjKv8q5g0x732dR5MB5BisvGQO7YWByjd8iQDLq!eGbIDakyp5mnOrcdq"
    "HeYSnltepQmRp6AIZ8jY"
)

SIGNING_KEY = SigningKey.shared("RS256")


@dataclass(frozen=True)
class Certificate:
    """A certificate credential: the PEMs a client holds, the thumbprints Entra registered."""

    certificate_pem: bytes
    key_pem: bytes
    x5t_s256: str
    x5t: str


def make_certificate(common_name: str = "authwire-test-app") -> Certificate:
    """A self-signed certificate and its RSA key, made for the test session (no key is
    committed); the thumbprints are computed here, apart from the plugin's code."""
    import base64

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    der = cert.public_bytes(serialization.Encoding.DER)

    def b64(digest: bytes) -> str:
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    sha256 = hashes.Hash(hashes.SHA256())
    sha256.update(der)
    sha1 = hashes.Hash(hashes.SHA1())
    sha1.update(der)
    return Certificate(
        cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        b64(sha256.finalize()),
        b64(sha1.finalize()),
    )


CLAIMS_SUPPORTED = (
    *("sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name"),
    *("msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username"),
    *("name", "tid", "ver", "at_hash", "c_hash", "email"),
)


def discovery(host: str, tenant: str) -> dict[str, Any]:
    """The OpenID configuration document of ``https://{host}/{tenant}/v2.0``.

    Shape and values of the live document of the ``common`` authority, as "OpenID Connect on
    the Microsoft identity platform" shows it (learn.microsoft.com/entra/identity-platform/
    v2-protocols-oidc, "Fetch the OpenID configuration document") and as published at
    https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration: the
    multi-tenant authorities publish the ``{tenantid}`` template as ``issuer``, ``consumers``
    the consumer tenant's issuer, a tenant its own.
    """
    if tenant in ("common", "organizations"):
        issuer = f"https://{host}/{{tenantid}}/v2.0"
    elif tenant == "consumers":
        issuer = f"https://{host}/{CONSUMERS_TENANT_ID}/v2.0"
    else:
        issuer = f"https://{host}/{TENANT_ID if '.' in tenant else tenant}/v2.0"
    base = f"https://{host}/{tenant}"
    return {
        "token_endpoint": f"{base}/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": [
            "client_secret_post",
            "private_key_jwt",
            "client_secret_basic",
        ],
        "jwks_uri": f"{base}/discovery/v2.0/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": issuer,
        "request_uri_parameter_supported": False,
        "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
        "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
        "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
        "http_logout_supported": True,
        "frontchannel_logout_supported": True,
        "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
        "claims_supported": list(CLAIMS_SUPPORTED),
        "kerberos_endpoint": f"{base}/kerberos",
        "tenant_region_scope": None,
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
        "rbac_url": "https://pas.windows.net",
    }


# "Microsoft Entra authentication and authorization error codes"
# (learn.microsoft.com/entra/identity-platform/reference-error-codes): the AADSTS code that
# stands for each refusal the kit's provider makes.
_AADSTS = {
    "invalid_client": (7000215, "Invalid client secret provided."),
    "invalid_grant": (70008, "The provided authorization code or refresh token has expired."),
    "unsupported_grant_type": (70003, "The app returned an unsupported grant type."),
    "authorization_pending": (70016, "OAuth 2.0 device flow error. Authorization is pending."),
    "expired_token": (70019, "Verification code expired."),
    "access_denied": (70018, "Authorization isn't approved."),
}


class EntraEmulator(Emulator):
    """The v2.0 endpoints of one authority (``https://{host}/{tenant}``).

    Args:
        host: the cloud's authority host.
        tenant: the tenant segment the client uses.
        home_tenant: the ``tid`` of the signed-in user (default: the consumer tenant for
            ``consumers``, else :data:`TENANT_ID`).
        clock: a :class:`FakeClock`.
    """

    def __init__(
        self,
        host: str = GLOBAL,
        tenant: str = "common",
        *,
        home_tenant: str | None = None,
        clock: FakeClock | None = None,
        **kwargs: Any,
    ) -> None:
        document = discovery(host, tenant)
        super().__init__(
            issuer=document["issuer"],
            discovery=document,
            discovery_url=f"https://{host}/{tenant}/v2.0/.well-known/openid-configuration",
            base_url=f"https://{host}",
            keys=[SIGNING_KEY],
            clock=clock or FakeClock(),
            subject=SUBJECT,
            # the documented token responses say expires_in 3599
            access_token_lifetime=3599,
            **kwargs,
        )
        self.host = host
        self.tenant = tenant
        self.home_tenant = home_tenant or (
            CONSUMERS_TENANT_ID if tenant == "consumers" else TENANT_ID
        )
        self.certificates: dict[str, dict[str, str]] = {}
        self.grants[CLIENT_CREDENTIALS] = self._client_credentials_default
        self.grants[JWT_BEARER] = self._on_behalf_of
        self.grants = {k: self._with_certificate_check(v) for k, v in self.grants.items()}

    # -- registration ---------------------------------------------------------------------

    def register_app(
        self, secret: str | None = CLIENT_SECRET, *, client_id: str = CLIENT_ID
    ) -> None:
        """The app registration: a Web platform redirect URI and a client secret."""
        self.add_client(client_id, secret, redirect_uris=[REDIRECT])

    def register_certificate(
        self, certificate: Certificate, *, alg: str = "PS256", client_id: str = CLIENT_ID
    ) -> None:
        """Upload a certificate to the app registration ("Certificates & secrets")."""
        key = SigningKey.from_pem(certificate.key_pem, alg, kid=certificate.x5t_s256)
        public = SigningKey(key.key, alg, key.kid)
        self.add_client(client_id, None, jwt_key=public, redirect_uris=[REDIRECT])
        self.certificates[client_id] = {"x5t#S256": certificate.x5t_s256, "x5t": certificate.x5t}

    # -- shapes -----------------------------------------------------------------------------

    def id_token_claims(self, grant: Grant, access_token: str | None = None) -> dict[str, Any]:
        """The v2.0 ID token of "ID token claims reference": ``iss`` names the user's tenant.

        (learn.microsoft.com/entra/identity-platform/id-token-claims-reference)
        """
        claims = super().id_token_claims(grant, access_token)
        tid = str(grant.claims.get("tid", self.home_tenant))
        claims.update(
            {
                "ver": "2.0",
                "iss": f"https://{self.host}/{tid}/v2.0",
                "tid": tid,
                "nbf": claims["iat"],
                "aio": AIO,
                **USER,
            }
        )
        claims.update(grant.claims)
        if "iss" in grant.claims:
            claims["iss"] = grant.claims["iss"]
        return claims

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        fields = super().token_fields(grant, call)
        if call.grant_type == CLIENT_CREDENTIALS:
            # "Successful response" of the client credentials flow: token_type, expires_in,
            # access_token (learn.microsoft.com/entra/identity-platform/
            # v2-oauth2-client-creds-grant-flow)
            fields.pop("scope", None)
        if call.grant_type == JWT_BEARER:
            # "Success response example" of the on-behalf-of flow carries ext_expires_in
            # (learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow)
            fields["ext_expires_in"] = 0
        return fields

    def error_reply(self, refusal: Refusal, request: httpx.Request) -> httpx.Response:
        """The error object of "Microsoft Entra authentication and authorization error codes":
        ``error``, an ``AADSTS`` description, ``error_codes``, ``timestamp``, ``trace_id``,
        ``correlation_id``, ``error_uri``."""
        description = refusal.description or ""
        error = refusal.error
        if description == "unknown client":
            # an application registered in another cloud or directory (AADSTS700016)
            error = "unauthorized_client"
            description = (
                "AADSTS700016: Application with identifier was not found in the directory."
            )
        if description.startswith("client assertion"):
            description = "AADSTS700027: Client assertion failed signature validation."
        if description.startswith("AADSTS"):
            code = int(description[6:].split(":", 1)[0])
        else:
            code, text = _AADSTS.get(error, (90023, "The request isn't valid."))
            description = f"AADSTS{code}: {text}"
        if refusal.status == 401 and "WWW-Authenticate" in refusal.headers:
            return super().error_reply(refusal, request)  # a Graph-style bearer refusal
        stamp = datetime.datetime.fromtimestamp(self.clock(), datetime.UTC)
        timestamp = stamp.strftime("%Y-%m-%d %H:%M:%SZ")
        trace, correlation = str(uuid.uuid4()), str(uuid.uuid4())
        body = {
            "error": error,
            "error_description": (
                f"{description}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}"
                f"\r\nTimestamp: {timestamp}"
            ),
            "error_codes": [code],
            "timestamp": timestamp,
            "trace_id": trace,
            "correlation_id": correlation,
            "error_uri": f"https://{self.host}/error?code={code}",
        }
        status = 401 if error == "invalid_client" else refusal.status
        return json_response(body, status)

    # -- what Entra checks beyond the kit's provider ---------------------------------------

    def _with_certificate_check(self, handler: Any) -> Any:
        """Entra finds the registered certificate by the assertion's thumbprint header
        (learn.microsoft.com/entra/identity-platform/certificate-credentials): a client
        assertion without the registered ``x5t#S256`` (or ``x5t``) is refused."""

        def checked(call: TokenCall) -> Any:
            if call.client_assertion is not None:
                header = call.client_assertion.header
                registered = self.certificates.get(call.client_id or "", {})
                if not any(header.get(name) == value for name, value in registered.items()):
                    raise Refusal(
                        "invalid_client",
                        "AADSTS700027: Client assertion failed signature validation.",
                        status=401,
                    )
            return handler(call)

        return checked

    def _client_credentials_default(self, call: TokenCall) -> Grant:
        """ "The value passed for the scope parameter in this request should be the resource
        identifier (application ID URI) of the resource you want, affixed with the .default
        suffix. All scopes included must be for a single resource." (v2-oauth2-client-creds-
        grant-flow). Microsoft's refusal of a named permission, as developers report it:
        AADSTS1002012."""
        scope = str(call.params.get("scope", ""))
        words = scope.split()
        if not words or any(not w.endswith("/.default") for w in words):
            raise Refusal(
                "invalid_scope",
                f"AADSTS1002012: The provided value for scope {scope} is not valid. Client "
                "credential flows must have a scope value with /.default suffixed to the "
                "resource identifier (application ID URI).",
            )
        if len(set(words)) > 1:
            raise Refusal(
                "invalid_scope",
                f"AADSTS70011: The provided value for the input parameter 'scope' is not valid. "
                f"The scope {scope} is not valid.",
            )
        if self.tenant in ("common", "consumers"):
            raise Refusal(
                "invalid_request",
                "AADSTS9001023: The grant type isn't supported over the /common or /consumers "
                "endpoints. Please use the /organizations or tenant-specific endpoint.",
            )
        grant = Grant(call.client_id or "", scope, call.client_id or "", refresh=False)
        grant.id_token = False
        return grant

    def _on_behalf_of(self, call: TokenCall) -> Grant:
        """The on-behalf-of request: ``assertion`` (an access token issued for this app),
        ``scope`` and ``requested_token_use=on_behalf_of``, all required (v2-oauth2-on-behalf-
        of-flow); a missing parameter is AADSTS900144."""
        for name in ("assertion", "scope", "requested_token_use"):
            if not call.params.get(name):
                raise Refusal(
                    "invalid_request",
                    f"AADSTS900144: The request body must contain the following parameter: "
                    f"'{name}'.",
                )
        if call.params["requested_token_use"] != "on_behalf_of":
            raise Refusal("invalid_request", "AADSTS90023: The request isn't valid.")
        if not self.is_active(str(call.params["assertion"])):
            raise Refusal(
                "invalid_grant",
                "AADSTS500133: Assertion isn't within its valid time range.",
            )
        scope = str(call.params["scope"])
        grant = Grant(
            call.client_id or "",
            scope,
            SUBJECT,
            refresh="offline_access" in scope.split(),
        )
        grant.id_token = False
        return grant


def clouds(*emulators: EntraEmulator) -> httpx.MockTransport:
    """One transport for several clouds: each request goes to the emulator of its host."""
    by_host: Mapping[str, EntraEmulator] = {emu.host: emu for emu in emulators}

    def handle(request: httpx.Request) -> httpx.Response:
        emulator = by_host.get(request.url.host)
        if emulator is None:
            return httpx.Response(404)
        return emulator.handle(request)

    return httpx.MockTransport(handle)
