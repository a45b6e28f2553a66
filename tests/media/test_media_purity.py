"""perisai.media is a pure library: no database, web framework or other Perisai domain.

(No pickle either: ruff's banned-api rule refuses it in the source.)
"""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import importlib, pkgutil, sys
import perisai.media as media
for info in pkgutil.iter_modules(media.__path__):
    if info.name not in ("cli", "bank_cli", "manifest"):  # the app's wiring, not the library
        importlib.import_module(f"perisai.media.{info.name}")
allowed = {"perisai", "perisai.media", "perisai.clikit"}
bad = sorted(
    m for m in sys.modules
    if m.split(".")[0] in ("sqlalchemy", "fastapi", "starlette", "psycopg", "alembic")
    or (m.startswith("perisai.") and not m.startswith("perisai.media") and m not in allowed)
)
print(",".join(bad))
"""


def test_library_imports_nothing_of_the_app() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_importing_the_package_is_lazy() -> None:
    script = "import sys, perisai.media; print('numpy' in sys.modules, 'PIL' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
