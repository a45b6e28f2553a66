"""The library stays pure: importing it pulls in no database, web framework or other domain."""

from __future__ import annotations

import subprocess
import sys

PROBE = (
    "import sys, perisai.identifiers; "
    "bad = [m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'fastapi') "
    "or (m.startswith('perisai.') and m.split('.')[1] not in ('identifiers', 'clikit'))]; "
    "print(bad)"
)


def test_imports_nothing_impure() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
