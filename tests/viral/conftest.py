"""Each test clusters with an index of its own (the database is rolled back after each test)."""

from __future__ import annotations

import pytest

from perisai.viral.index import ClusterIndex


@pytest.fixture
def index() -> ClusterIndex:
    return ClusterIndex()
