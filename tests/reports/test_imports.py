"""Importing and exporting CyberTipline reports: stored with victims and recipients sealed,
idempotent per set of files, exported schema-valid; the CLI never shows a traceback."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import xmlschema
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.reports.factories import KEYRING
from tests.reports.test_cybertip import BILLION_LAUGHS, FILES, FULL, NCMEC, SAMPLE
from typer.testing import CliRunner

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM, flush_pending
from perisai.reports.cli import app
from perisai.reports.cybertip import parse_zone, read_cybertip
from perisai.reports.imports import (
    CybertipImportError,
    ExportError,
    export_cybertip,
    import_cybertip,
)
from perisai.reports.models import Report, ReportFile
from perisai.reports.victimseal import open_details, open_victim
from perisai.testing.database import drop_database, migrated_database

SCHEMA = xmlschema.XMLSchema10(str(NCMEC / "cyber_tipline.xsd"))
runner = CliRunner()


def _report(db: Session, public_id: str) -> Report:
    return db.scalars(select(Report).where(Report.public_id == public_id)).one()


def test_importing_the_same_files_twice_finds_the_first_report(db: Session) -> None:
    first = import_cybertip(db, keyring=KEYRING, actor=SYSTEM, raw=FULL, file_details=FILES)
    again = import_cybertip(db, keyring=KEYRING, actor=SYSTEM, raw=FULL, file_details=FILES)
    assert first.submitted.created is True and again.submitted.created is False
    assert again.submitted.receipt == first.submitted.receipt
    other = import_cybertip(db, keyring=KEYRING, actor=SYSTEM, raw=FULL)  # without the files
    assert other.submitted.receipt.report_id != first.submitted.receipt.report_id
    report = _report(db, first.submitted.receipt.report_id)
    assert (report.reporter_kind, report.client_id) == ("import", "import:ncmec")


def test_what_is_stored_and_what_is_sealed(db: Session) -> None:
    imported = import_cybertip(db, keyring=KEYRING, actor=SYSTEM, raw=FULL, file_details=FILES,
                               zone=parse_zone("+08:00"))  # fmt: skip
    report = _report(db, imported.submitted.receipt.report_id)
    victim = open_victim(KEYRING, report.public_id, report.victims[0])
    assert victim is not None
    assert (victim["date_of_birth"], victim["user_id"], victim["screen_names"]) == (
        "2014-04-05", "u-4004", ["siti_c"])  # fmt: skip
    assert victim["ip_events"][0]["ip"] == "203.0.113.10"
    sealed = open_details(KEYRING, report)
    assert sealed is not None and report.key_segment is not None
    assert sealed["intended_recipients"][0]["first_name"] == "Adik"
    assert any(item["path"].startswith("report/victim/") for item in sealed["unmodelled"])
    plain = json.dumps(report.details)
    assert "Siti" not in plain and "Adik" not in plain and "2014-04-05" not in plain
    source = report.details["source"]
    assert source["ncmec_report_id"] == "90000001"
    assert source["times_without_zone"]["read_as"] == "+08:00"
    assert any("<newsgroupIncident>" in item["xml"] for item in source["unmodelled"])
    assert report.details["law_enforcement"]["case_number"] == "EPU-2026-0042"
    account = report.reported_accounts[0]
    assert account["associated_accounts"][0]["relation"] == "linked"
    assert account["devices"][1]["type"] == "Advertising ID"
    files = {f.name: f for f in db.scalars(select(ReportFile).where(
        ReportFile.report_id == report.id))}  # fmt: skip
    assert "generative_ai" in files["image-0001.jpg"].annotations
    assert files["image-0001.jpg"].details["original_name"] == "IMG_0001.JPG"
    assert files["meme-0002.png"].annotations == ["potential_meme"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (BILLION_LAUGHS, "DTDs and entities"),
        (SAMPLE.replace(b"<age>12</age>", b"<age>-3</age>"), "victims.0.age"),
        (SAMPLE.replace(b"012-345 6789", b"not a phone"), "reported_accounts.0.phones.0"),
    ],
)
def test_bad_files_are_refused_naming_the_field(db: Session, raw: bytes, reason: str) -> None:
    with pytest.raises(CybertipImportError) as caught:
        import_cybertip(db, keyring=KEYRING, actor=SYSTEM, raw=raw)
    assert any(reason in problem for problem in caught.value.problems)


def test_export_is_schema_valid_audited_and_reads_back(db: Session) -> None:
    imported = import_cybertip(db, keyring=KEYRING, actor=SYSTEM, raw=FULL, file_details=FILES)
    public_id = imported.submitted.receipt.report_id
    xml = export_cybertip(db, keyring=KEYRING, actor=SYSTEM, public_id=public_id)
    SCHEMA.validate(xml.decode())
    assert read_cybertip(xml).data.model_dump(exclude={"files"}) == read_cybertip(
        FULL).data.model_dump(exclude={"files"})  # fmt: skip
    flush_pending(db)
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.object_id == public_id))
    assert "report.export.cybertip" in set(actions)
    with pytest.raises(ExportError, match="no report"):
        export_cybertip(db, keyring=KEYRING, actor=SYSTEM, public_id="R-2026-NOPE")


# --- the CLI, against a database of its own (it commits) -------------------------------------


@pytest.fixture(scope="module")
def cli_database(pg_server: str) -> Iterator[str]:
    name = f"perisai_reports_cli_{os.getpid()}"
    yield migrated_database(pg_server, name)
    drop_database(pg_server, name)


@pytest.fixture
def on_cli_database(cli_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERISAI_DATABASE_URL", cli_database)
    monkeypatch.setenv("PERISAI_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PERISAI_MASTER_KEY_FILE", str(tmp_path / "master.key"))
    (tmp_path / "master.key").write_bytes(bytes(range(32)))
    os.chmod(tmp_path / "master.key", 0o600)


def _write(tmp_path: Path, name: str, raw: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(raw)
    return str(path)


@pytest.mark.usefixtures("on_cli_database")
def test_cli_imports_with_summary_then_exports(tmp_path: Path) -> None:
    report = _write(tmp_path, "report.xml", FULL)
    details = [_write(tmp_path, f"f{n}.xml", raw) for n, raw in enumerate(FILES)]
    args = ["import-cybertip", report, "--zone", "Asia/Kuala_Lumpur"]
    for path in details:
        args += ["--file-details", path]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["created"] is True and answer["summary"]["files"] == 2
    assert answer["summary"]["times_without_zone"]["read_as"] == "Asia/Kuala_Lumpur"
    text = runner.invoke(app, args)  # again, human output: found, not created
    assert text.exit_code == 0 and "already imported" in text.stdout
    assert "kept verbatim" in text.stdout and "newsgroupIncident" in text.stdout
    out = tmp_path / "out.xml"
    exported = runner.invoke(app, ["export-cybertip", answer["report_id"], "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    SCHEMA.validate(out.read_text(encoding="utf-8"))
    to_stdout = runner.invoke(app, ["export-cybertip", answer["report_id"]])
    assert to_stdout.stdout.encode() == out.read_bytes()
    missing = runner.invoke(app, ["export-cybertip", "R-2026-NOPE"])
    assert missing.exit_code == 2 and "no report" in missing.stderr


@pytest.mark.usefixtures("on_cli_database")
def test_cli_export_names_a_reporter_when_the_report_has_none(tmp_path: Path) -> None:
    bare = SAMPLE.replace(b"<email>trust@example.com</email>", b"")
    imported = runner.invoke(app, ["import-cybertip", _write(tmp_path, "r.xml", bare), "--json"])
    report_id = json.loads(imported.stdout)["report_id"]
    result = runner.invoke(
        app, ["export-cybertip", report_id, "--reporter-email", "tf@gov.example"]
    )
    assert result.exit_code == 0, result.output
    SCHEMA.validate(result.stdout)


def test_cli_gives_one_line_per_problem_and_never_a_traceback(tmp_path: Path) -> None:
    broken = SAMPLE.replace(b"Online Enticement of Children for Sexual Acts", b"Nope").replace(
        b"<port>443</port>", b"<port>https</port>"
    )
    result = runner.invoke(app, ["import-cybertip", _write(tmp_path, "bad.xml", broken)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("perisai: error: ") for line in lines)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["import-cybertip", "{missing}"], "no such file"),
        (["import-cybertip", "{bad}"], "malformed XML"),
        (["import-cybertip", "{laughs}"], "DTDs and entities"),
        (["import-cybertip", "{good}", "--zone", "Nowhere/Else"], "unknown zone"),
        (["import-cybertip", "{good}", "--file-details", "{good}"], "root element"),
    ],
)
def test_cli_refuses_bad_input_before_opening_the_database(
    tmp_path: Path, args: list[str], reason: str
) -> None:
    paths = {
        "missing": str(tmp_path / "absent.xml"),
        "bad": _write(tmp_path, "bad.xml", b"<report><incidentSummary>"),
        "laughs": _write(tmp_path, "laughs.xml", BILLION_LAUGHS),
        "good": _write(tmp_path, "good.xml", SAMPLE),
    }
    result = runner.invoke(app, [arg.format(**paths) for arg in args])
    assert result.exit_code == 2
    assert reason in result.stderr and "Traceback" not in result.output


def test_cli_answers_a_database_failure_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERISAI_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("PERISAI_DATA_DIR", str(tmp_path / "var"))
    result = runner.invoke(app, ["import-cybertip", _write(tmp_path, "r.xml", SAMPLE)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "cannot store the report" in result.stderr
    exported = runner.invoke(app, ["export-cybertip", "R-2026-AAAAAAAAAA"])
    assert exported.exit_code == 1 and "cannot export the report" in exported.stderr


def test_cli_never_shows_a_traceback_for_what_the_checks_did_not_foresee(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from perisai import cli as root
    from perisai.reports import cli as reports_cli

    good = _write(tmp_path, "good.xml", SAMPLE)
    # A malformed setting: its one line and exit 2, not a second "cannot store" line.
    monkeypatch.setenv("PERISAI_LOG_LEVEL", "LOUD")
    bad_setting = runner.invoke(app, ["import-cybertip", good])
    assert bad_setting.exit_code == 2, bad_setting.output
    assert bad_setting.stderr.count("\n") == 1 and "PERISAI_LOG_LEVEL" in bad_setting.stderr
    monkeypatch.delenv("PERISAI_LOG_LEVEL")

    # A file that cannot be read (permissions, I/O error): one line, exit 2.
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "locked.xml":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    locked = _write(tmp_path, "locked.xml", SAMPLE)
    monkeypatch.setattr(Path, "open", refuse)
    unreadable = runner.invoke(app, ["import-cybertip", locked])
    monkeypatch.setattr(Path, "open", real_open)
    assert unreadable.exit_code == 2, unreadable.output
    assert "cannot read: Permission denied" in unreadable.stderr
    assert "Traceback" not in unreadable.output

    # An exception nobody foresaw, anywhere in a command: one line from `perisai`, exit 1.
    def explode(*_: object, **__: object) -> None:
        raise ZeroDivisionError("synthetic")

    monkeypatch.setattr(reports_cli, "_store", explode)
    with pytest.raises(SystemExit) as exited:
        root.main(["reports", "import-cybertip", good])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err == "perisai: error: unexpected ZeroDivisionError: synthetic\n"
