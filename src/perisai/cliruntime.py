"""Opening the runtime from a CLI command: settings errors become exit 2 with one line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from perisai import clikit
from perisai.config import Settings, SettingsError, load_settings
from perisai.db.migrate import bring_to_head
from perisai.runtime import Runtime


def cli_settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        clikit.fail(str(exc))


@contextmanager
def cli_runtime(*, migrate: bool = True) -> Iterator[Runtime]:
    """The runtime for one command; the schema is brought to head first unless told not to."""
    runtime = Runtime.start(cli_settings())
    try:
        if migrate:
            bring_to_head(runtime.db)
        yield runtime
    finally:
        runtime.db.dispose()
