"""perisai.monitoring's detection is a pure library: no database or web framework."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
import perisai.monitoring.detect, perisai.monitoring.countsfile, perisai.monitoring.cli
bad = sorted(
    m for m in sys.modules
    if m.split(".")[0] in ("sqlalchemy", "fastapi", "starlette", "psycopg", "alembic")
    or (m.startswith("perisai.") and not m.startswith("perisai.monitoring")
        and m not in ("perisai.clikit",))
)
print(",".join(bad))
"""


def test_detection_imports_nothing_of_the_app() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
