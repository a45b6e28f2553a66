"""Trend rollups on a real database: marks by trigger, incremental tallies, the sweep, reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session
from tests.triage.factories import make_report

from perisai.audit.service import SYSTEM
from perisai.monitoring import rollups
from perisai.monitoring.models import MonitoringCount, MonitoringPending, MonitoringTally
from perisai.monitoring.names import ROLLUP_TASK
from perisai.monitoring.tasks import run_rollup
from perisai.reports.models import Report
from perisai.runtime import Runtime
from perisai.triage.service import triage_report

# 23:30 UTC on 20 November is 07:30 on 21 November in Malaysia.
LATE_UTC = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
MYT_DAY = date(2026, 11, 21)


def counts(db: Session) -> dict[str, int]:
    rows = rollups.daily_counts(db, since=date(2000, 1, 1), until=date(2100, 1, 1))
    found: dict[str, int] = {}
    for row in rows:
        found[row.series_key] = found.get(row.series_key, 0) + row.count
    return found


def received(db: Session, report: Report, at: datetime) -> None:
    db.execute(update(Report).where(Report.id == report.id).values(received_at=at))
    db.expire(report)


def pending(db: Session) -> set[int]:
    return set(db.scalars(select(MonitoringPending.report_id)))


def test_triage_marks_the_report_and_the_job_counts_it_in_malaysia_time(
    db: Session, runtime: Runtime
) -> None:
    report = make_report(db, runtime.keyring, incident="online_enticement", jurisdiction="MY-12")
    received(db, report, LATE_UTC)
    before = counts(db)
    triage_report(db, report_id=report.id, actor=SYSTEM)
    assert report.id in pending(db)
    assert rollups.take_writer_lock(db)
    assert rollups.process_pending(db) >= 1
    assert report.id not in pending(db)
    after = counts(db)
    for key in ("total", "type:online_enticement", "state:MY-12", "state_from:jurisdiction"):
        assert after.get(key, 0) == before.get(key, 0) + 1, key
    row = db.get(MonitoringCount, ("state:MY-12", MYT_DAY, 7))
    assert row is not None and row.count >= 1
    daily = rollups.daily_counts(
        db, since=MYT_DAY, until=MYT_DAY + timedelta(days=1), series=["state:MY-12"]
    )
    assert [(r.day, r.count) for r in daily] == [(MYT_DAY, row.count)]


def test_counting_again_changes_nothing_and_retraction_removes_the_report(
    db: Session, runtime: Runtime
) -> None:
    report = make_report(
        db, runtime.keyring, incident="child_sex_trafficking", jurisdiction="MY-09"
    )
    received(db, report, LATE_UTC)
    rollups.tally_reports(db, [report.id])
    once = counts(db)
    rollups.tally_reports(db, [report.id])
    triage_report(db, report_id=report.id, actor=SYSTEM)
    rollups.process_pending(db)
    assert counts(db) == once
    db.execute(update(Report).where(Report.id == report.id).values(status="retracted"))
    assert report.id in pending(db), "a status change marks the report"
    rollups.process_pending(db)
    gone = counts(db)
    assert gone.get("state:MY-09", 0) == once["state:MY-09"] - 1
    assert gone.get("total", 0) == once["total"] - 1
    tally = db.get(MonitoringTally, report.id)
    assert tally is not None and tally.series == {}
    if once["state:MY-09"] == 1:
        # A series that falls to zero leaves no row: absent means zero.
        assert db.get(MonitoringCount, ("state:MY-09", MYT_DAY, 7)) is None


def test_a_match_added_later_moves_the_file_from_new_to_known(
    db: Session, runtime: Runtime
) -> None:
    report = make_report(
        db,
        runtime.keyring,
        files=[{"name": "a.jpg", "content_type": "image/jpeg", "md5": "0" * 32}],
    )
    received(db, report, LATE_UTC)
    rollups.tally_reports(db, [report.id])
    first = counts(db)
    file_id = db.scalar(text("SELECT id FROM report_file WHERE report_id = :r"), {"r": report.id})
    db.execute(
        text(
            "INSERT INTO report_file_match (report_id, report_file_id, status, signal_type, "
            "distance, bank_id, bank_name, entry_id, entry_label, found_by, matched_at) VALUES "
            "(:r, :f, 'positive', 'md5', 0, 1, 'test', 1, 'x', 'retrohunt', now())"
        ),
        {"r": report.id, "f": file_id},
    )
    assert report.id in pending(db), "a new match marks the report"
    rollups.process_pending(db)
    second = counts(db)
    assert second.get("media:known", 0) == first.get("media:known", 0) + 1
    assert second.get("media:new", 0) == first.get("media:new", 0) - 1
    assert second["total"] == first["total"]


def test_the_sweep_counts_unmarked_reports_and_keeps_recent_ones_in_view(
    db: Session, runtime: Runtime
) -> None:
    old = make_report(db, runtime.keyring, incident="misleading_domain_name")
    recent = make_report(db, runtime.keyring, incident="misleading_domain_name")
    db.execute(
        update(Report)
        .where(Report.id == old.id)
        .values(created_at=datetime.now(UTC) - timedelta(hours=3))
    )
    found = rollups.sweep(db, batch=100_000)
    assert found.tallied >= 2
    assert db.get(MonitoringTally, old.id) is not None
    assert db.get(MonitoringTally, recent.id) is not None
    mark = db.scalar(text("SELECT report_id FROM monitoring_watermark WHERE name = 'sweep'"))
    assert mark is not None and old.id <= mark < recent.id
    again = rollups.sweep(db, batch=100_000)
    assert again.tallied == 0


def test_hourly_counts_are_malaysia_hours_in_a_half_open_range(
    db: Session, runtime: Runtime
) -> None:
    a = make_report(db, runtime.keyring, incident="online_enticement", jurisdiction="MY-15")
    b = make_report(db, runtime.keyring, incident="online_enticement", jurisdiction="MY-15")
    received(db, a, LATE_UTC)
    received(db, b, LATE_UTC + timedelta(hours=1))
    rollups.tally_reports(db, [a.id, b.id])
    rows = rollups.hourly_counts(
        db,
        since=LATE_UTC - timedelta(minutes=30),  # 07:00 MYT
        until=LATE_UTC + timedelta(minutes=30),  # 08:00 MYT, excluded
        series=["state:MY-15"],
    )
    assert [(r.hour.isoformat(), r.count) for r in rows] == [("2026-11-21T07:00:00+08:00", 1)]
    both = rollups.hourly_counts(
        db,
        since=LATE_UTC - timedelta(hours=2),
        until=LATE_UTC + timedelta(hours=2),
        series=["state:MY-15"],
    )
    assert [r.count for r in both] == [1, 1]
    assert rollups.series_first_seen(db)["state:MY-15"] <= MYT_DAY


def test_the_job_counts_marked_reports_and_stops_when_another_writer_runs(
    db: Session, runtime: Runtime
) -> None:
    report = make_report(
        db, runtime.keyring, incident="misleading_domain_name", jurisdiction="MY-16"
    )
    triage_report(db, report_id=report.id, actor=SYSTEM)
    db.flush()
    run = run_rollup(runtime)
    assert not run.busy
    assert db.get(MonitoringTally, report.id) is not None
    assert rollups.pending_since(db) is None


def test_the_rollup_job_is_registered_to_run_every_minute(database_url: str) -> None:
    from perisai.jobs.worker import make_app

    app = make_app(database_url)
    periodic = {p.task.name: p.cron for p in app.periodic_registry.periodic_tasks.values()}
    assert periodic.get(ROLLUP_TASK) == "* * * * *"
