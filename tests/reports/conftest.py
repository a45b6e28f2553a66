"""Reports tests run with a small evidence limit so that oversize uploads stay cheap."""

from __future__ import annotations

from pathlib import Path

import pytest

from perisai.config import Settings

EVIDENCE_LIMIT = 2 * 1_048_576


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "var", demo=False, max_evidence_bytes=EVIDENCE_LIMIT)
