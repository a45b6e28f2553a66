"""The proof that checking a chat stores nothing and logs nothing.

Before and after a check of a large upload (over Starlette's 1 MB spooling threshold), a pasted
chat, a chat that cannot be read and a check that fails inside: the row count of every table in
the database, the listing of the data directory, and a temporary directory that the process's
`tempfile` is pointed at must not change, and the process must open no file for writing (an
audit hook sees every `open`, including unnamed O_TMPFILE files that no listing would show); no
log record at any level, and nothing written to stdout or stderr, may carry the chat's words.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text

from perisai.runtime import Runtime

MARKER = "ZQXJ-penanda-unik"  # in every message; must never appear in a log or a table
TABLES = text(
    "SELECT table_schema, table_name FROM information_schema.tables "
    "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') "
    "ORDER BY 1, 2"
)


WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_TMPFILE", 0)


class _Opens:
    """Files opened for writing while `watching` (an audit hook cannot be removed, so one is
    installed per process and switched on and off)."""

    watching = False
    written: list[str] = []  # noqa: RUF012 - one recorder per process

    @classmethod
    def hook(cls, event: str, args: tuple[object, ...]) -> None:
        if not cls.watching:
            return
        if event == "open" and len(args) >= 3:
            path, mode, flags = args[0], args[1], args[2]
            writes = isinstance(mode, str) and any(c in mode for c in "wax+")
            if isinstance(flags, int) and flags & WRITE_FLAGS:
                writes = True
            if writes:
                cls.written.append(str(path))
        elif event in ("tempfile.mkstemp", "tempfile.mkdtemp", "os.mkdir", "os.rename"):
            cls.written.append(f"{event} {args[:1]}")


_hook_installed = False


@pytest.fixture
def opens() -> Iterator[type[_Opens]]:
    global _hook_installed  # noqa: PLW0603 - one hook per process
    if not _hook_installed:
        sys.addaudithook(_Opens.hook)
        _hook_installed = True
    _Opens.written = []
    yield _Opens
    _Opens.watching = False


def _row_counts(connection: Connection) -> dict[str, int]:
    counts = {}
    for schema, table in connection.execute(TABLES):
        counts[f"{schema}.{table}"] = connection.execute(
            text(f'SELECT count(*) FROM "{schema}"."{table}"')
        ).scalar_one()
    return counts


def _listing(root: Path) -> list[tuple[str, int, int]]:
    if not root.exists():
        return []
    return sorted(
        (str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")
    )


def _large_export() -> bytes:
    lines = [
        f"14/03/2024, {h % 24:02d}:{m:02d} - Abang Zul: {MARKER} jangan bagitahu mak ayah {i}"
        for i, (h, m) in enumerate((n // 60, n % 60) for n in range(30_000))
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def spool_dir(tmp_path: Path) -> Iterator[Path]:
    """Point `tempfile` (and so any SpooledTemporaryFile roll-over) at an empty directory."""
    folder = tmp_path / "spool"
    folder.mkdir()
    saved = tempfile.tempdir
    tempfile.tempdir = str(folder)
    yield folder
    tempfile.tempdir = saved


def test_the_audit_hook_sees_a_spooled_upload(opens: type[_Opens], spool_dir: Path) -> None:
    """The check above can fail: a SpooledTemporaryFile that rolls over is caught."""
    opens.watching = True
    with tempfile.SpooledTemporaryFile(max_size=10) as spooled:
        spooled.write(b"x" * 100)
    opens.watching = False
    assert opens.written


def test_checking_stores_nothing_and_logs_nothing(
    client: TestClient,
    connection: Connection,
    runtime: Runtime,
    spool_dir: Path,
    opens: type[_Opens],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)  # every level, every logger
    client.get("/semak-chat")  # the app has started; from here nothing may change
    rows_before = _row_counts(connection)
    data_before = _listing(runtime.settings.data_dir)
    assert len(rows_before) >= 20  # every domain's tables, the audit log and the job queue

    large = _large_export()
    assert len(large) > 2 * 1024 * 1024  # well over Starlette's 1 MB in-memory threshold
    opens.watching = True
    answers = [
        client.post(
            "/semak-chat",
            files={"chat_file": ("WhatsApp Chat with Zul.txt", large, "text/plain")},
            data={"who": "parent"},
        ),
        client.post("/check-a-chat", data={"text": f"Zul: {MARKER} umur berapa? rahsia kita"}),
        # wordings only the engine's learned layer counts: that path stores nothing either
        client.post(
            "/semak-chat",
            data={
                "who": "parent",
                "text": f"KakLong: hi dik, how old are u\nAdik: 13\n"
                f"KakLong: {MARKER} can u show me ur room\nAdik: why\n"
                f"KakLong: {MARKER} jangan bagi sesiapa baca chat kita\n",
            },
        ),
        client.post(
            "/check-a-chat",
            files={"chat_file": ("x.json", f'{{"{MARKER}": 1}}'.encode(), "application/json")},
        ),
    ]
    import perisai.education.check_views as views

    def explode(*args: object, **kwargs: object) -> object:
        raise RuntimeError(f"a failure that quotes the chat: {MARKER}")

    monkeypatch.setattr(views, "check_chat", explode)
    answers.append(client.post("/semak-chat", data={"text": f"Zul: {MARKER} jom jumpa"}))
    opens.watching = False

    assert [a.status_code for a in answers] == [200, 200, 200, 422, 500]
    assert "Abang Zul" in answers[0].text  # the check really ran on the large upload
    assert "msg-learned" in answers[2].text  # and the learned layer counted the paraphrases
    assert all(a.headers["cache-control"] == "no-store" for a in answers)

    assert _row_counts(connection) == rows_before
    assert _listing(runtime.settings.data_dir) == data_before
    assert list(spool_dir.iterdir()) == []
    assert opens.written == []

    assert caplog.records  # logging was on: the access log wrote its lines
    for record in caplog.records:
        assert MARKER not in record.getMessage()
        assert MARKER not in str(getattr(record, "fields", ""))
        assert MARKER not in str(record.args)
        assert record.exc_info is None or MARKER not in str(record.exc_info[1])
    paths = [
        record.fields["path"]  # type: ignore[attr-defined]
        for record in caplog.records
        if record.name == "perisai.access"
    ]
    assert paths.count("/semak-chat") >= 3
    out, err = capfd.readouterr()
    assert MARKER not in out
    assert MARKER not in err
