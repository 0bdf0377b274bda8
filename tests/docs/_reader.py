"""What the reader brings to an example: the names and files the pages use without defining.

An example stands for a piece of the reader's program, so a few things come from outside
it: the client's registration (``client_id``, ``client_secret``), the URL the provider
redirected the person back to (``callback_url``, or the web framework's ``request``), the
web framework's ``session``, the reader's own storage (``save_token``, an async ``tokens``
table) and logger (``log``), the tokens a service was handed (``incoming_access_token``,
``user_id_token``, ``service_assertion``), and key files next to the program. Everything
else a page uses, it defines.

:data:`NAMES` gives each name its type (for mypy, :func:`stub_module`) and its value in the
test (:func:`namespace`). ``callback_url`` and ``request`` are computed when an example reads
them: the fake browser opens the page's latest ``url`` (the one ``create_authorization_url``
returned), the person approves, and the provider's redirect is the value.

:func:`write_files` creates the files the pages open (PEM keys, a certificate, Google service
account key files), fresh for each test session: no key is committed.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from ._fake_web import Browser

__all__ = ["LAZY", "NAMES", "PageNamespace", "stub_module", "write_files"]

#: The tokens ``save_token`` was given, in order (a test may look).
SAVED: list[Any] = []


def save_token(
    token: Any, refresh_token: str | None = None, access_token: str | None = None
) -> None:
    SAVED.append(token)


@dataclass
class TokenTable:
    """The reader's token table (an async database client): records what it was given."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    async def insert(self, **fields: Any) -> None:
        self.rows.append(fields)

    async def replace(self, **fields: Any) -> None:
        self.rows.append(fields)


@dataclass(frozen=True)
class CallbackRequest:
    """The web framework's request for the callback: only ``url`` is read."""

    url: str


#: name -> (its annotation in the stub module, a factory for its value)
NAMES: dict[str, tuple[str, Callable[[], Any]]] = {
    "client_id": ("str", lambda: "app-7f3c2a"),
    "client_secret": ("str", lambda: "s3cr3t-0a4f9b2e7d1c"),
    "CLIENT_ID": ("str", lambda: "app-7f3c2a"),
    "CLIENT_SECRET": ("str", lambda: "s3cr3t-0a4f9b2e7d1c"),
    "session": ("dict[str, Any]", dict),
    "save_token": (
        "Callable[..., None]",
        lambda: save_token,
    ),
    "log": ("logging.Logger", lambda: logging.getLogger("app")),
    "tokens": ("TokenTable", TokenTable),
    # tokens a service was handed: opaque strings to the examples that trade them
    "incoming_access_token": ("str", lambda: "at-incoming-7Hq2x0"),
    "user_id_token": ("str", lambda: "eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl"),
    "service_assertion": ("str", lambda: "eyJhbGciOiJFUzI1NiJ9.e30.c2lnbmF0dXJl"),
}

#: Names computed when read, from the page's state: name -> annotation.
LAZY: dict[str, str] = {
    "callback_url": "str",
    "request": "CallbackRequest",
}


class PageNamespace(dict[str, Any]):
    """The globals a page's blocks share; computes ``callback_url`` and ``request``."""

    def __init__(self, browser: Browser) -> None:
        super().__init__({name: factory() for name, (_, factory) in NAMES.items()})
        self["__name__"] = "__docs_example__"
        self._browser = browser

    def __missing__(self, key: str) -> Any:
        if key not in LAZY:
            raise KeyError(key)
        if "url" not in self:
            raise NameError(
                f"{key} is the redirect after the person approves at the page's `url`, "
                "and this page has defined no `url` yet"
            )
        callback = self._browser.approve(self["url"])
        return callback if key == "callback_url" else CallbackRequest(callback)


def stub_module() -> str:
    """A module declaring the reader's names with their types, for mypy."""
    lines = [
        '"""The reader-supplied names of the documentation examples (generated)."""',
        "import logging",
        "from collections.abc import Callable",
        "from typing import Any",
        "",
        "",
        "class CallbackRequest:",
        "    url: str",
        "",
        "",
        "class TokenTable:",
        "    async def insert(self, **fields: Any) -> None: ...",
        "    async def replace(self, **fields: Any) -> None: ...",
        "",
        "",
    ]
    names = [*NAMES, *LAZY]
    lines += [f"__all__ = {names!r}", ""]
    for name, (annotation, _) in NAMES.items():
        lines.append(f"{name}: {annotation}")
    for name, annotation in LAZY.items():
        lines.append(f"{name}: {annotation}")
    return "\n".join(lines) + "\n"


def _pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _certificate(key: rsa.RSAPrivateKey) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "docs example client")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


def _service_account(key: rsa.RSAPrivateKey, project: str) -> dict[str, str]:
    # the fields of a key file as the Google Cloud console hands it out
    return {
        "type": "service_account",
        "project_id": project,
        "private_key_id": "3f1a8e0c5b7d4e2f9a6c1b0d8e7f6a5b4c3d2e1f",
        "private_key": _pem(key).decode("ascii"),
        "client_email": f"reports@{project}.iam.gserviceaccount.com",
        "client_id": "104857600000000000001",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


def write_files(where: Path) -> None:
    """The files the examples open, in ``where`` (their working directory)."""
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    (where / "client-key.pem").write_bytes(_pem(rsa_key))
    (where / "client-cert.pem").write_bytes(_certificate(rsa_key))
    (where / "robot-key.pem").write_bytes(_pem(ec_key))
    (where / "request-key.pem").write_bytes(_pem(ec_key))
    account = json.dumps(_service_account(rsa_key, "my-project"), indent=2)
    for name in (
        "my-project-service-account.json",
        "my-project-key.json",
        "my-project-3f1a8e0c5b7d.json",
    ):
        (where / name).write_text(account, encoding="utf-8")
