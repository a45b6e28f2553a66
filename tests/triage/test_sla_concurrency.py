"""Sweeps in concurrent transactions (worker processes) share the due records and never raise
one alert twice: committed data, so a database of the module's own."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from tests.triage.factories import make_report

from perisai.audit.service import SYSTEM
from perisai.runtime import Runtime
from perisai.sharing.models import OutboxEvent
from perisai.triage import service, sla
from perisai.triage.jobs import run_sla_sweep


@pytest.fixture
def runtime(committed_runtime: Runtime) -> Runtime:
    return committed_runtime


def triaged(runtime: Runtime, count: int) -> tuple[set[int], datetime]:
    """`count` P1 reports triaged and committed; their ids, and a time all their checks are due."""
    with runtime.db.transaction() as session:
        reports = [make_report(session, runtime.keyring, escalation="danger") for _ in range(count)]
        for report in reports:
            service.triage_report(session, report_id=report.id, actor=SYSTEM)
        latest = max(report.received_at for report in reports)
    return {report.id for report in reports}, latest + timedelta(hours=2)


def raised_events(runtime: Runtime) -> list[tuple[str, str, str]]:
    with runtime.db.transaction() as session:
        return [
            (str(e.subject_id), e.type, str(e.payload["clock"]))
            for e in session.scalars(select(OutboxEvent).where(OutboxEvent.type.like("sla.%")))
        ]


def test_a_sweep_passes_over_records_another_sweep_holds(runtime: Runtime) -> None:
    ids, late = triaged(runtime, 6)
    with Session(runtime.db.engine) as first:
        held = sla.sweep(first, now=late, limit=4)  # locked until `first` commits
        assert held.records == 4
        with runtime.db.transaction() as second:
            # A sweep that waited for the held records would wait for ever here: fail instead.
            second.execute(text("SET LOCAL lock_timeout = '10s'"))
            other = sla.sweep(second, now=late)
        assert other.records == 2
        assert {a.report_id for a in held.alerts}.isdisjoint({a.report_id for a in other.alerts})
        first.commit()
    with runtime.db.transaction() as third:
        assert sla.sweep(third, now=late).records == 0
    events = raised_events(runtime)
    assert len(events) == len(set(events)) == 6 * 4
    assert {a.report_id for a in held.alerts + other.alerts} == ids


def test_concurrent_sweeps_raise_each_alert_once(runtime: Runtime) -> None:
    ids, late = triaged(runtime, 30)
    start = threading.Barrier(3)
    found: list[list[sla.Alert]] = []
    errors: list[BaseException] = []

    def sweeper() -> None:
        try:
            start.wait(timeout=30)
            found.append(run_sla_sweep(runtime, now=late, batch=3))
        except BaseException as exc:  # the assertion below names it
            errors.append(exc)

    threads = [threading.Thread(target=sweeper) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    alerts = [(a.report_id, a.clock, a.level) for run in found for a in run]
    assert len(alerts) == len(set(alerts)) == 30 * 4
    assert {report_id for report_id, _, _ in alerts} == ids
    events = raised_events(runtime)
    assert len(events) == len(set(events)) == 30 * 4
