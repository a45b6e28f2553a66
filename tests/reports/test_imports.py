"""Importing CyberTipline report files: idempotent per file, bad files refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.reports.test_cybertip import BILLION_LAUGHS, SAMPLE
from typer.testing import CliRunner

from perisai.audit.service import SYSTEM
from perisai.crypto import Keyring
from perisai.reports.cli import app
from perisai.reports.imports import CybertipImportError, import_cybertip
from perisai.reports.models import Report

KEYRING = Keyring(master=bytes(range(32)))


def test_importing_the_same_file_twice_finds_the_first_report(db: Session) -> None:
    first = import_cybertip(db, keyring=KEYRING, actor=SYSTEM, raw=SAMPLE)
    again = import_cybertip(db, keyring=KEYRING, actor=SYSTEM, raw=SAMPLE)
    assert first.created is True
    assert again.created is False
    assert again.receipt == first.receipt
    report = db.scalars(select(Report).where(Report.public_id == first.receipt.report_id)).one()
    assert report.reporter_kind == "import"
    assert report.client_id == "import:ncmec"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (BILLION_LAUGHS, "DTDs and entities"),
        (SAMPLE.replace(b"<age>12</age>", b"<age>-3</age>"), "victims.0.age"),
        (SAMPLE.replace(b"012-345 6789", b"not a phone"), "reported_accounts.0.phones.0"),
    ],
)
def test_bad_files_are_refused_naming_the_field(db: Session, raw: bytes, reason: str) -> None:
    with pytest.raises(CybertipImportError, match=reason):
        import_cybertip(db, keyring=KEYRING, actor=SYSTEM, raw=raw)


def test_cli_refuses_a_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["import-cybertip", str(tmp_path / "absent.xml")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_cli_refuses_malformed_xml_before_opening_the_database(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<report><incidentSummary>")
    result = CliRunner().invoke(app, ["import-cybertip", str(bad)])
    assert result.exit_code == 2
    assert "malformed XML" in result.output
