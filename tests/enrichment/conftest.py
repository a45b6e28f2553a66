"""Enrichment tests run with the shared MaxMind test databases as the configured sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.datasets import MAXMIND

from perisai.config import Settings

IPINTEL_DATA = MAXMIND


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    databases = ":".join(str(path) for path in sorted(IPINTEL_DATA.glob("*.mmdb")))
    return Settings(data_dir=tmp_path / "var", demo=False, ipintel_mmdb=databases)
