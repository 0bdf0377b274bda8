"""Hostile input for the parser fuzz suite, and the one rule every parser must follow.

What a broken or hostile server (or browser) can send: JSON that is not quite JSON (100,000
open brackets, ``NaN``, 400-digit numbers, ``"\\ud800"``), every member of a document with
the wrong type, bytes that are not UTF-8, control and bidi characters, repeated parameters,
empty and HTML bodies, hostile ``charset`` labels.

The rule (:func:`outcome`): a parser returns a result or raises an ``OAuthError``; any other
exception fails the test with its traceback. The planted secrets must not show in the error.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from hypothesis import strategies as st

from authwire import OAuthError

T = TypeVar("T")

# --- JSON that json.dumps will not write ----------------------------------------------------


def _short(text: str, size: int) -> str:
    return text if len(text) <= 40 else f"{text[:16]}…{text[-8:]} ({size} long)"


class Raw(str):
    """A JSON (or form) fragment written as it is: unbalanced, too deep, ``NaN``…"""

    __slots__ = ()

    def __repr__(self) -> str:  # a falsifying example stays readable
        return f"Raw({_short(str.__repr__(self), len(self))})"


class Blob(bytes):
    """A body of bytes, with a short repr however long it is."""

    def __repr__(self) -> str:
        return f"Blob({_short(bytes.__repr__(self), len(self))})"


#: Marks a member of a document to remove.
DROP: Any = type("Drop", (), {"__repr__": lambda self: "DROP"})()


def encode(value: Any) -> str:
    """``value`` as JSON text; :class:`Raw` fragments verbatim, NaN/inf as their literals."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{encode(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(encode(v) for v in value) + "]"
    return json.dumps(value, allow_nan=True)  # "\ud800" is escaped, so the text is ASCII


def body_bytes(value: Any) -> bytes:
    return encode(value).encode("utf-8")


def _refuse(name: str) -> Any:
    raise ValueError(name)


def is_plain_json(body: bytes) -> bool:
    """Whether ``body`` is JSON by RFC 8259 alone: no NaN, not too deep, no lone surrogate."""
    try:
        value = json.loads(body, parse_constant=_refuse)
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError):  # UnicodeError is a ValueError
        return False
    return True


def plain_only(resp: httpx.Response, planted: list[str]) -> list[str]:
    """The secrets to look for in an error about ``resp``.

    A body that is not plain JSON may be described by a snippet of its text: whether that
    snippet can quote a member's value is the concern of one dedicated property
    (``test_excerpt_of_malformed_json_quotes_no_value``), not of every parser's.
    """
    body = resp.content
    if not body.lstrip().startswith((b"{", b"[")) or is_plain_json(body):
        return planted
    return []


# --- values ---------------------------------------------------------------------------------

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
CONTROL = "".join(map(chr, range(0x20))) + "\x7f\x85\u2028\u2029\ufeff\ufffd"
PUNCTUATION = '"\\<>&=%+;,# ?/'

HUGE = 10**400

nasty_text = st.text(
    alphabet=st.one_of(st.characters(), st.sampled_from(BIDI + CONTROL + PUNCTUATION)),
    max_size=24,
)
lone_surrogates = st.sampled_from(["\ud800", "a\udfffb", "\udc80"])
huge_ints = st.one_of(
    st.sampled_from([HUGE, -HUGE, 10**19 + 1, 2**63, -(2**63) - 1, 2**64]),
    st.integers(min_value=10**300, max_value=10**450),
)
special_floats = st.sampled_from(
    [math.nan, math.inf, -math.inf, 1e308, -1e308, 5e-324, -0.0, 0.5, 1e19, 2e19, 1e300]
)
numbers = st.one_of(
    st.integers(min_value=-10, max_value=10**10), huge_ints, special_floats, st.floats()
)
numeric_strings = st.sampled_from(
    [
        "3600",
        " 3600 ",
        "3600.5",
        "-5",
        "0",
        "",
        " ",
        "1e19",
        "1e20",
        "1e400",
        "-1e400",
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "inf",
        "9" * 400,
        "1_000",
        "0x10",
        "\u0663\u0666\u0660\u0660",  # Arabic-Indic digits: int() takes them, isascii() does not
        "\u00b2",  # superscript two: isdigit() says yes, int() says no
    ]
)
#: Fragments json.dumps will not write: non-JSON constants, numbers past the float range or
#: past int's 4300-digit limit, nesting beyond the recursion limit, unpaired surrogates.
raw_fragments = st.sampled_from(
    [
        Raw("NaN"),
        Raw("Infinity"),
        Raw("-Infinity"),
        Raw("1e400"),
        Raw("-1e400"),
        Raw("9" * 400),
        Raw("-" + "9" * 400),
        Raw("1" + "0" * 5000),
        Raw("[" * 3000 + "]" * 3000),
        Raw('{"a":' * 3000 + "0" + "}" * 3000),
        Raw("[" * 100_000),
        Raw(r'"\ud800"'),
        Raw(r'"x\udfffy"'),
    ]
)
scalars = st.one_of(st.none(), st.booleans(), numbers, numeric_strings, nasty_text, lone_surrogates)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)
#: What any member of a server's JSON may hold.
hostile_values = st.one_of(json_values, raw_fragments)

#: URL strings a hostile document or redirect may carry.
hostile_urls = st.sampled_from(
    [
        "https://op.example/x",
        "http://op.example/x",
        "http://127.0.0.1:9/x",
        "https://exa mple.com/",
        "http://[::1",
        "https://[zz]/",
        "https://op.example:99999999/",
        "https://op.example:-1/",
        "https://\x00/",
        "https://op.example/\r\nSet-Cookie: x",
        "https://\u202e.example/",
        "https://\uff0f\uff0fop.example",
        "https://xn--zz/",
        "https://" + "a" * 70 + ".example/",
        Raw("https://" + "a" * 70_000),
        "javascript:alert(1)",
        "ftp://op.example/",
        "//op.example/",
        "https:op.example",
        "",
        "https://user:pw@op.example/",
        "https://op.example/%ff%fe",
        "https://op.example/\ud800",
    ]
)


def weighted(*choices: tuple[int, st.SearchStrategy[T]]) -> st.SearchStrategy[T]:
    """One of the strategies, drawn in proportion to its weight (``one_of`` is even)."""
    pool = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.sampled_from(pool).flatmap(lambda strategy: strategy)


def documents(
    base: Mapping[str, Any],
    *,
    extra_keys: Iterable[str] = (),
    values: st.SearchStrategy[Any] = hostile_values,
    max_changes: int = 3,
) -> st.SearchStrategy[dict[str, Any]]:
    """``base`` with up to ``max_changes`` members replaced by hostile values, removed or added.

    Unchanged members keep their valid values, so each hostile value is met by a parser
    that got past the members before it.
    """
    keys = sorted({*base, *extra_keys})
    changes = st.dictionaries(
        st.sampled_from(keys), st.one_of(st.just(DROP), values), max_size=max_changes
    )

    def apply(change: dict[str, Any]) -> dict[str, Any]:
        doc = dict(base)
        for key, value in change.items():
            if value is DROP:
                doc.pop(key, None)
            else:
                doc[key] = value
        return doc

    return changes.map(apply)


# --- bodies and responses -------------------------------------------------------------------

_GARBAGE: list[bytes] = [
    b"",
    b"   \r\n",
    b"null",
    b"[]",
    b'"a string"',
    b"42",
    b"true",
    b"NaN",
    b"-Infinity",
    b"1e400",
    b"9" * 400,
    b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>form</body></html>",
    b"[" * 100_000,
    b"{" * 100_000,
    b'{"a":' * 100_000,
    ("[" * 5000 + "]" * 5000).encode(),
    b"\xff\xfe\xfd\xfc",
    b"\xc0\xaf\xed\xa0\x80",
    b'{"error": "\xff\xfe"}',
    b'{"error": "x\\ud800"}',
    b"\xef\xbb\xbf{}",
    '{"error":"x"}'.encode("utf-16"),
    b"\x00" * 16,
    b'{"error": NaN}',
    b'{"error": "a"} trailing',
    b"error=invalid_request&error=access_denied",
    b"a=1&a=2&a=3",
    b"%ff=%fe",
    "\u202e{}".encode(),
]
GARBAGE_BODIES = [Blob(body) for body in _GARBAGE]
DEEP_BODIES = [Blob(b"[" * 100_000), Blob(b'{"a":' * 100_000), Blob(b"[" * 5000 + b"]" * 5000)]
#: Weighted towards nesting beyond the recursion limit, the most common foreign exception.
garbage_bodies = st.one_of(
    st.sampled_from(DEEP_BODIES), st.sampled_from(GARBAGE_BODIES), st.binary(max_size=48)
)

CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=utf-16",
    "text/html; charset=utf-8",
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/jwt",
    "text/plain; charset=base64",
    "text/plain; charset=rot13",
    "text/plain; charset=idna",
    "text/plain; charset=no-such-charset",
    "",
]
content_types = st.sampled_from(CONTENT_TYPES)
statuses = st.one_of(
    st.sampled_from([200, 200, 201, 400, 401, 403, 404, 429, 500, 502]),
    st.integers(min_value=100, max_value=599),
)


def response(
    status: int, body: bytes, content_type: str = "", **headers: str | bytes
) -> httpx.Response:
    head: dict[str, str | bytes] = {k.replace("_", "-"): v for k, v in headers.items()}
    if content_type:
        head["content-type"] = content_type
    return httpx.Response(status, content=body, headers=head)


def json_responses(
    docs: st.SearchStrategy[Any],
    *,
    status: st.SearchStrategy[int] = statuses,
    ctype: st.SearchStrategy[str] = content_types,
) -> st.SearchStrategy[httpx.Response]:
    """Responses whose body is a (mutated) document, or garbage."""
    body = st.one_of(docs.map(body_bytes), docs.map(body_bytes), garbage_bodies)
    return st.builds(response, status, body, ctype)


def form_value(value: str | Raw) -> str:
    return str(value) if isinstance(value, Raw) else quote(value, safe="", errors="surrogatepass")


#: Raw pieces of a query or form: bytes that are not UTF-8 once percent-decoded, stray ``%``,
#: ``&`` and ``=``.
raw_form_values = st.sampled_from(
    [Raw("%ff"), Raw("%C0%AF"), Raw("%ED%A0%80"), Raw("%"), Raw("%zz"), Raw("a&b"), Raw("=")]
)
form_values = st.one_of(nasty_text, raw_form_values, lone_surrogates)


def form(pairs: Iterable[tuple[str, str | Raw]]) -> str:
    return "&".join(f"{form_value(name)}={form_value(value)}" for name, value in pairs)


# --- secrets --------------------------------------------------------------------------------

#: A credential planted in the input; never to be quoted back in an error.
secrets = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ23456789", min_size=12, max_size=20).map(
    lambda s: f"Sekrit-{s}"
)


def assert_secret_free(value: object, planted: Iterable[str]) -> None:
    texts = [str(value), repr(value)]
    if isinstance(value, OAuthError):
        texts += [str(arg) for arg in value.args]
    for secret in planted:
        for text in texts:
            assert secret not in text, f"a planted secret shows in {type(value).__name__}"


def outcome(
    call: Callable[[], T],
    *,
    planted: Iterable[str] = (),
    expected: tuple[type[BaseException], ...] = (OAuthError,),
) -> T | BaseException:
    """The result of ``call``, or the ``expected`` error it raised (free of ``planted``).

    Any other exception propagates: that is the failure the fuzz suite looks for.
    """
    try:
        return call()
    except expected as exc:
        assert_secret_free(exc, planted)
        return exc
