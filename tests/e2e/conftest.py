"""A real `perisai demo run` server on a fresh database, and Debian's chromium via Playwright."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from perisai.testing.database import drop_database, migrated_database
from perisai.testing.live import free_port, wait_ready

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's own default (30 s) is a wall-clock budget that a loaded CI machine breaks (a
# referral's redirect once took longer while two test workers and chromium shared two cores):
# every page waits up to this generous bound for the condition it is given instead.
PATIENCE_MS = 120_000


class PatientBrowser:
    """Debian's chromium whose every new context and page waits up to PATIENCE_MS."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **options: Any) -> Any:
        context = self._browser.new_context(**options)
        context.set_default_timeout(PATIENCE_MS)
        context.set_default_navigation_timeout(PATIENCE_MS)
        return context

    def new_page(self, **options: Any) -> Any:
        page = self._browser.new_page(**options)
        page.set_default_timeout(PATIENCE_MS)
        page.set_default_navigation_timeout(PATIENCE_MS)
        return page

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


# A browser test's budget includes its module's server start (a fresh database, migrations, demo
# data) on a machine other test workers load: pytest-timeout's 300 s default is a hang guard, and
# here it would fail a slow start instead of a hung test.
E2E_TIMEOUT_S = 900


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.timeout(E2E_TIMEOUT_S))


@dataclass(frozen=True)
class LiveServer:
    url: str
    database_url: str
    data_dir: Path


@pytest.fixture(scope="module")
def live_server(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    name = f"perisai_e2e_{os.getpid()}"
    database_url = migrated_database(pg_server, name)
    data_dir = tmp_path_factory.mktemp("e2e-var")
    port = free_port()
    env = {
        **os.environ,
        "PERISAI_DATABASE_URL": database_url,
        "PERISAI_DATA_DIR": str(data_dir),
        "PERISAI_PORT": str(port),
        "PERISAI_LOG_LEVEL": "WARNING",
    }
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "perisai.cli", "demo", "run"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process)
        yield LiveServer(url=url, database_url=database_url, data_dir=data_dir)
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
        _show_server_errors(data_dir / "server.log")
        drop_database(pg_server, name)


def _show_server_errors(log_path: Path) -> None:
    """Print the server's tracebacks, if any, so that a failing browser test shows what the
    server said (pytest shows a failed test's captured output, teardown included)."""
    text = log_path.read_text(errors="replace")
    if "Traceback" in text or "ERROR" in text:
        print(f"--- {log_path} (server errors) ---\n{text[-20_000:]}", file=sys.stderr)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it with apt-get")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield PatientBrowser(instance)
        instance.close()
