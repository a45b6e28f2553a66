"""`perisai chat parse`: the contract partners script against, and the purity of the library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from perisai.chats.cli import app

DATA = Path(__file__).resolve().parents[1] / "data" / "chats"
runner = CliRunner()


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """The real `perisai` entry point in a child process (exit codes and streams as scripts
    see them)."""
    return subprocess.run(
        [sys.executable, "-m", "perisai.cli", "chat", "parse", *args],
        capture_output=True,
        input=stdin,
        check=False,
        timeout=120,
    )


def test_json_is_one_object_with_format_and_messages() -> None:
    done = runner.invoke(app, ["parse", "--json", str(DATA / "whatsapp-android-en-12h.txt")])
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    obj = json.loads(lines[0])
    assert set(obj) == {"format", "messages"}
    assert obj["format"] == "whatsapp_android"
    assert obj["messages"][0] == {
        "author": "Jay Gamer",
        "text": "hey whats ur name in the game? how old r u",
        "sent_at": "2024-03-14T20:02:00",
    }
    for message in obj["messages"]:
        assert set(message) == {"author", "text", "sent_at"}


def test_aware_times_keep_their_offset_and_stdin_works() -> None:
    done = runner.invoke(
        app, ["parse", "--json", "-"], input=(DATA / "discord-dce.json").read_bytes()
    )
    assert done.exit_code == 0, done.output
    obj = json.loads(done.stdout)
    assert obj["messages"][1]["sent_at"] == "2024-04-19T19:03:00+08:00"


def test_unrecognised_file_exits_2_with_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01not a chat")
    done = _run("--json", str(junk))
    assert done.returncode == 2
    assert done.stdout == b""
    assert len(done.stderr.decode().strip().splitlines()) == 1
    assert "not a recognised chat export" in done.stderr.decode()


def test_missing_file_exits_2(tmp_path: Path) -> None:
    done = runner.invoke(app, ["parse", str(tmp_path / "nope.txt")])
    assert done.exit_code == 2
    assert len(done.stderr.strip().splitlines()) == 1


def test_human_output_lists_the_messages() -> None:
    done = runner.invoke(app, ["parse", str(DATA / "whatsapp-copied.txt")])
    assert done.exit_code == 0
    out = done.stdout
    assert out.splitlines()[0] == "format: whatsapp_copied, 3 messages"
    assert "Abang Zul: jom jumpa esok" in out


PROBE = (
    "import sys, perisai.chats; "
    "bad = [m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'fastapi', 'starlette') "
    "or (m.startswith('perisai.') and m.split('.')[1] not in ('chats',))]; "
    "print(bad)"
)


def test_the_library_imports_nothing_of_the_app() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
