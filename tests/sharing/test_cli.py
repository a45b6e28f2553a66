"""`perisai sharing webhook add|list|replay` in-process against the live database."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from perisai.runtime import Runtime
from perisai.sharing.cli import app
from perisai.sharing.events import emit
from perisai.sharing.models import Tlp


@pytest.fixture
def env(live_runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Runtime:
    monkeypatch.setenv("PERISAI_DATABASE_URL", live_runtime.db.url)
    monkeypatch.setenv("PERISAI_DATA_DIR", str(live_runtime.settings.data_dir))
    return live_runtime


def run(*args: str) -> tuple[int, list[dict[str, object]], str]:
    result = CliRunner().invoke(app, list(args))
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, lines, result.output


def test_add_list_replay(env: Runtime) -> None:
    code, [added], _ = run(
        "webhook",
        "add",
        "--agency",
        "ngo",
        "--url",
        "https://ngo.test/h",
        "--types",
        "case.*",
        "--json",
    )
    assert code == 0 and added["agency"] == "NGO" and len(str(added["secret"])) >= 32
    code, rows, _ = run("webhook", "list", "--json")
    assert code == 0
    [mine] = [row for row in rows if row["id"] == added["id"]]
    assert mine["event_types"] == ["case.*"] and "secret" not in mine

    with env.db.transaction() as session:
        event = emit(
            session,
            type="case.updated",
            subject_type="case",
            subject_id="C-9",
            payload={"status": "new"},
            audience=["NGO"],
            tlp=Tlp.AMBER,
        )
    code, [replayed], _ = run(
        "webhook", "replay", str(added["id"]), "--from-event", str(event.id), "--json"
    )
    assert code == 0 and replayed["queued"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["webhook", "add", "--agency", "NOPE", "--url", "https://x.test/h"], "unknown agency"),
        (["webhook", "add", "--agency", "PDRM", "--url", "gopher://x"], "URL"),
        (["webhook", "replay", "999999", "--from-event", "1"], "no webhook subscription"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(env: Runtime, args: list[str], message: str) -> None:
    code, _, output = run(*args)
    assert code == 2
    assert message in output
