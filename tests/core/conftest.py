"""Fixtures of the unit tests."""

from __future__ import annotations

import pytest

from authwire.testing import FakeProvider

from .._flavors import Flavor, aw, opened

__all__ = ["Flavor", "aw", "opened"]


@pytest.fixture
def provider() -> FakeProvider:
    return FakeProvider()
