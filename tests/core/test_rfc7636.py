"""RFC 7636 (PKCE): the Appendix B vector first."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from authwire.protocol.rfc7636 import (
    create_code_challenge,
    generate_code_verifier,
    validate_code_verifier,
)


def test_appendix_b_s256_vector() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert create_code_challenge(verifier, "S256") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_plain_challenge_is_the_verifier() -> None:
    verifier = "a" * 43
    assert create_code_challenge(verifier, "plain") == verifier


@pytest.mark.parametrize("verifier", ["short", "x" * 129, "a" * 42 + "!", "é" * 50])
def test_invalid_verifiers_are_refused(verifier: str) -> None:
    with pytest.raises(ValueError, match="code_verifier"):
        validate_code_verifier(verifier)


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="code_challenge_method"):
        create_code_challenge("a" * 43, "S512")


@given(st.integers(min_value=32, max_value=96))
def test_generated_verifiers_are_valid_and_unique(nbytes: int) -> None:
    first, second = generate_code_verifier(nbytes), generate_code_verifier(nbytes)
    validate_code_verifier(first)
    assert first != second
