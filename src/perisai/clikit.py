"""Shared conventions of every `perisai` command: JSON lines, exit codes, one-line errors.

Other tools script against the CLI, so the contract lives in one place: `--json` prints one JSON
object per line, exit 0 on success, 2 on bad arguments or input with one line on stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn
from uuid import UUID

import typer

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


class BadInput(Exception):
    """Raised for input the user must fix; the CLI turns it into exit 2 and one stderr line."""


def _default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Path):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def json_line(obj: Mapping[str, Any]) -> str:
    return json.dumps(obj, default=_default, ensure_ascii=False, separators=(",", ":"))


def emit(obj: Mapping[str, Any]) -> None:
    """Print one JSON object on one line and flush, so a reader sees it at once."""
    sys.stdout.write(json_line(obj) + "\n")
    sys.stdout.flush()


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Stop with a one-line message on stderr."""
    one_line = " ".join(message.split())
    sys.stderr.write(f"perisai: error: {one_line}\n")
    raise typer.Exit(code)
