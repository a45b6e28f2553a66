"""The age-check service on a real PostgreSQL, trusting one test issuer's root."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from perisai.age import issuer as test_issuer
from perisai.config import Settings


@pytest.fixture(scope="session")
def age_issuer() -> test_issuer.TestIssuer:
    return test_issuer.TestIssuer.generate()


@pytest.fixture
def settings(tmp_path: Path, age_issuer: test_issuer.TestIssuer) -> Settings:
    root = tmp_path / "age-root.pem"
    root.write_bytes(age_issuer.root.public_bytes(serialization.Encoding.PEM))
    return Settings(data_dir=tmp_path / "var", demo=False, age_trust_files=str(root))
