"""Fixtures of the age tests: one test issuer per session (key generation is the slow part)."""

from __future__ import annotations

import pytest
from tests.age.craft import NOW

from perisai.age import issuer as test_issuer


@pytest.fixture(scope="session")
def av_issuer() -> test_issuer.TestIssuer:
    return test_issuer.TestIssuer.generate(now=NOW)


@pytest.fixture(scope="session")
def other_issuer() -> test_issuer.TestIssuer:
    return test_issuer.TestIssuer.generate("Someone else", now=NOW)
