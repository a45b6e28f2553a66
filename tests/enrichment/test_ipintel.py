from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.enrichment.conftest import IPINTEL_DATA
from tests.linkage.factories import account, body, make_report

from perisai.enrichment.ipintel import enrich_ip_events, ip_events
from perisai.enrichment.models import ReportIpIntel
from perisai.runtime import Runtime


def _city_record(ip_network: str) -> dict[str, Any]:
    """The record the City test database was built from, for one of its networks."""
    for entry in json.loads((IPINTEL_DATA / "GeoLite2-City-Test.json").read_text()):
        if ip_network in entry:
            record: dict[str, Any] = entry[ip_network]
            return record
    raise AssertionError(f"{ip_network} is not in the City test data")


def _report_with_events(db: Session, runtime: Runtime, *events: dict[str, Any]) -> Any:
    data = body(account(user_id="u1", ip_events=list(events)))
    return make_report(db, runtime.keyring, data)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("enrichment tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.usefixtures("no_network")
def test_ip_event_gets_country_and_city_from_local_databases(db: Session, runtime: Runtime) -> None:
    expected = _city_record("81.2.69.160/27")
    report = _report_with_events(
        db, runtime, {"ip": "81.2.69.160", "event": "login", "at": "2026-11-20T09:58:00+08:00"}
    )
    rows = enrich_ip_events(db, runtime, report)
    stored = db.scalars(select(ReportIpIntel).where(ReportIpIntel.report_id == report.id)).all()
    assert [row.id for row in rows] == [row.id for row in stored]
    (row,) = stored
    assert row.ip == "81.2.69.160" and row.event == "login" and row.at_is_event_time
    assert row.at == datetime(2026, 11, 20, 1, 58, tzinfo=UTC)
    assert row.answer["country"] == expected["country"]["iso_code"]
    assert row.answer["city"] == expected["city"]["names"]["en"]
    assert datetime.fromisoformat(row.answer["at"]) == row.at  # looked up at the event time


def test_every_event_of_every_account_is_looked_up(db: Session, runtime: Runtime) -> None:
    data = body(
        account(user_id="a", ip_events=[{"ip": "81.2.69.160"}, {"ip": "2001:db8::1"}]),
        account(user_id="b", ip_events=[{"ip": "1.2.0.1", "event": "upload"}]),
    )
    report = make_report(db, runtime.keyring, data)
    rows = enrich_ip_events(db, runtime, report)
    assert [(r.account_index, r.event_index, r.ip) for r in rows] == [
        (0, 0, "81.2.69.160"),
        (0, 1, "2001:db8::1"),
        (1, 0, "1.2.0.1"),
    ]
    # Without an event time the report's receipt time is used, and the row says so.
    assert not rows[0].at_is_event_time and rows[0].at == report.received_at
    assert rows[2].event == "upload"
    assert "vpn" in rows[2].answer["flags"]  # 1.2.0.1 is a VPN in the Anonymous-IP test data
    assert rows[1].answer["country"] is None  # documentation range: no data, no error


def test_enriching_again_replaces_the_answers(db: Session, runtime: Runtime) -> None:
    report = _report_with_events(db, runtime, {"ip": "81.2.69.160"})
    first = enrich_ip_events(db, runtime, report)
    second = enrich_ip_events(db, runtime, report)
    stored = db.scalars(select(ReportIpIntel).where(ReportIpIntel.report_id == report.id)).all()
    assert len(stored) == 1 and stored[0].id == second[0].id != first[0].id


def test_report_without_ip_events_stores_nothing(db: Session, runtime: Runtime) -> None:
    report = make_report(db, runtime.keyring, body(account(user_id="quiet")))
    assert enrich_ip_events(db, runtime, report) == []


def test_no_configured_source_is_a_no_op(db: Session, runtime: Runtime, tmp_path: Path) -> None:
    report = _report_with_events(db, runtime, {"ip": "81.2.69.160"})
    bare = Runtime(settings=runtime.settings.model_copy(update={"ipintel_mmdb": ""}), db=runtime.db)
    assert enrich_ip_events(db, bare, report) == []


def test_unreadable_source_never_blocks_the_report(
    db: Session, runtime: Runtime, tmp_path: Path
) -> None:
    garbage = tmp_path / "broken.mmdb"
    garbage.write_bytes(b"not a maxmind database at all" * 10)
    report = _report_with_events(db, runtime, {"ip": "81.2.69.160"})
    broken = Runtime(
        settings=runtime.settings.model_copy(update={"ipintel_mmdb": str(garbage)}), db=runtime.db
    )
    assert enrich_ip_events(db, broken, report) == []
    assert db.scalars(select(ReportIpIntel)).all() == []


def test_malformed_stored_events_are_skipped(db: Session, runtime: Runtime) -> None:
    report = _report_with_events(db, runtime, {"ip": "81.2.69.160"})
    # Older or hand-edited rows: events that are not objects, or lack an address, or a zone.
    report.reported_accounts = [
        {"ip_events": ["81.2.69.160", {"event": "login"}, {"ip": "81.2.69.160", "at": "2026-11"}]},
        "not an account",
    ]
    refs = list(ip_events(report))
    assert [(r.event_index, r.at) for r in refs] == [(2, None)]
