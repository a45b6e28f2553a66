"""perisai.age is a pure library: no database, web framework or other Perisai domain."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import importlib, pkgutil, sys
import perisai.age as age
for info in pkgutil.iter_modules(age.__path__):
    if info.name not in ("cli", "manifest"):  # the app's wiring, not the library
        importlib.import_module(f"perisai.age.{info.name}")
allowed = {"perisai", "perisai.age", "perisai.clikit"}
bad = sorted(
    m for m in sys.modules
    if m.split(".")[0] in ("sqlalchemy", "fastapi", "starlette", "psycopg", "alembic", "sd_jwt",
                           "pymdoccbor", "pycose", "jwcrypto")
    or (m.startswith("perisai.") and not m.startswith("perisai.age") and m not in allowed)
)
print(",".join(bad))
"""


def test_library_imports_nothing_of_the_app() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_cli_imports_only_clikit_of_the_app() -> None:
    script = SCRIPT.replace('("cli", "manifest")', '("manifest",)')
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
