"""Triage in batches (`triage/jobs.py`): a lot of reports triaged in one transaction, with what
does not change read for the lot at once, ends exactly as triaging them one by one does."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session
from tests.triage.factories import MEETING_CHAT, make_report
from tests.triage.test_retriage import EMAIL, FILE, OTHER_PHONE, PHONE, _outcome, waiting

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM, flush_pending
from perisai.cases import service as cases
from perisai.enrichment.pipeline import enrich_reports
from perisai.reports.models import Report
from perisai.runtime import Runtime
from perisai.sharing.models import OutboxEvent
from perisai.triage import service
from perisai.triage.jobs import triage_each
from perisai.triage.models import TriageRecord
from perisai.triage.queue import triage_enriched

BODIES: list[dict[str, Any]] = [
    {"phone": PHONE, "incident": "child_pornography"},
    {"phone": PHONE, "files": FILE, "incident": "child_pornography", "victim_age": 9},
    {"email": EMAIL, "escalation": "meeting the child tonight"},
    {"phone": OTHER_PHONE, "messages": MEETING_CHAT, "victim_age": 12},
    {"phone": PHONE, "annotations": ["sextortion"]},
    {"files": FILE, "incident": "child_pornography"},
    {"phone": OTHER_PHONE, "email": EMAIL, "incident": "child_pornography"},
    {"ip": "203.0.113.9", "messages": MEETING_CHAT},
    {"ip": "203.0.113.9", "incident": "child_pornography"},
]


def _records(db: Session, reports: list[Report]) -> list[tuple[Any, ...]]:
    found = []
    for report in reports:
        record = db.get(TriageRecord, report.id)
        assert record is not None
        db.refresh(record)
        holding = cases.case_of_report(db, report.id)
        found.append(
            (
                record.priority,
                record.computed_priority,
                record.reasons,
                record.grooming,
                record.review_due_at,
                record.action_due_at,
                holding.public_id if holding else None,
            )
        )
    return found


def _written(db: Session) -> tuple[int, int, list[int]]:
    flush_pending(db)
    return (
        db.scalar(select(func.count()).select_from(OutboxEvent)) or 0,
        db.scalar(select(func.count()).select_from(AuditEntry)) or 0,
        waiting(db),
    )


def _take_jobs(db: Session, report_ids: list[int]) -> None:
    """The reports' waiting triage jobs start (as fetched or claimed: they wait no longer)."""
    db.execute(
        text(
            "DELETE FROM procrastinate_jobs WHERE task_name = 'triage.report' "
            "AND status = 'todo' AND (args->>'report_id')::bigint = ANY(:ids)"
        ),
        {"ids": report_ids},
    )


def test_a_batch_triages_as_one_by_one_does(db: Session, runtime: Runtime) -> None:
    reports = [make_report(db, runtime.keyring, **fields) for fields in BODIES]
    # Some enriched (stored grooming), some not (triage scores them itself), one in a case.
    enrich_reports(db, runtime, [r.id for r in reports[:5]])
    service.triage_report(db, report_id=reports[2].id, actor=SYSTEM)
    cases.create_case(db, title="Suspect D", report_ids=[reports[2].id], actor=SYSTEM)
    ids = [r.id for r in reports]
    triage_enriched(db, ids, coalesce=True)  # each report's job waits, as after enrichment
    before = _written(db)

    savepoint = db.begin_nested()
    _take_jobs(db, ids)  # one job claims them all
    triage_each(db, runtime, ids)
    batched, batched_written = _records(db, reports), _written(db)
    savepoint.rollback()
    db.expire_all()
    assert _written(db) == before

    for report_id in ids:  # each alone, as a job of its own would
        _take_jobs(db, [report_id])
        triage_each(db, runtime, [report_id])
    assert _records(db, reports) == batched
    assert _written(db) == batched_written
    assert batched_written[0] > before[0]  # events were emitted (one per triage)


def test_a_deleted_or_retracted_report_in_a_batch_is_skipped(db: Session, runtime: Runtime) -> None:
    first, retracted, last = (make_report(db, runtime.keyring, phone=PHONE) for _ in range(3))
    retracted.status = "retracted"
    db.flush()
    triage_each(db, runtime, [first.id, retracted.id, 10**12, last.id])
    assert db.get(TriageRecord, first.id) is not None
    assert db.get(TriageRecord, last.id) is not None
    assert db.get(TriageRecord, retracted.id) is None


def run_waiting_in_batches(db: Session, runtime: Runtime, size: int = 3) -> None:
    """Run waiting triage jobs as batched workers would: up to `size` per transaction."""
    while True:
        rows = db.execute(
            text(
                "DELETE FROM procrastinate_jobs WHERE id IN (SELECT id FROM procrastinate_jobs "
                "WHERE task_name = 'triage.report' AND status = 'todo' ORDER BY id LIMIT :n) "
                "RETURNING id, (args->>'report_id')::bigint AS report_id"
            ),
            {"n": size},
        ).all()
        if not rows:
            return
        triage_each(db, runtime, [row.report_id for row in sorted(rows)])


def test_batched_pipeline_ends_where_triaging_every_report_afresh_does(
    db: Session, runtime: Runtime
) -> None:
    reports: list[Report] = []
    for index, fields in enumerate(BODIES):
        reports.append(make_report(db, runtime.keyring, **fields))
        # Its enrichment has run (its job done) and queues its triage.
        db.execute(
            text(
                "DELETE FROM procrastinate_jobs WHERE task_name = 'enrich.report' "
                "AND (args->>'report_id')::bigint = :id"
            ),
            {"id": reports[-1].id},
        )
        triage_enriched(db, [reports[-1].id], coalesce=False)
        if index == 3:
            run_waiting_in_batches(db, runtime)
            cases.create_case(db, title="Suspect E", report_ids=[reports[2].id], actor=SYSTEM)
        if index % 3 == 2:  # triage lags intake by a few reports: batches form
            run_waiting_in_batches(db, runtime)
    run_waiting_in_batches(db, runtime)
    after_pipeline = [_outcome(db, report) for report in reports]
    for report in reports:
        service.triage_report(db, report_id=report.id, actor=SYSTEM)
    assert waiting(db) == []
    assert [_outcome(db, report) for report in reports] == after_pipeline


def test_a_linked_report_whose_job_waits_for_the_triage_lock_is_not_queued_again(
    db: Session, runtime: Runtime
) -> None:
    """Its job (claimed by a batch that waits for the lock) reads this triage's links: a second
    job would repeat it. A triage outside the jobs (no lock held) still queues it."""
    first = make_report(db, runtime.keyring, phone=PHONE)
    second = make_report(db, runtime.keyring, phone=PHONE)
    triage_enriched(db, [second.id], coalesce=True)
    db.execute(
        text(
            "UPDATE procrastinate_jobs SET status = 'doing' WHERE task_name = 'triage.report' "
            "AND (args->>'report_id')::bigint = :id"
        ),
        {"id": second.id},
    )
    savepoint = db.begin_nested()
    triage_each(db, runtime, [first.id])
    assert second.id not in waiting(db)
    savepoint.rollback()
    service.triage_report(db, report_id=first.id, actor=SYSTEM)
    assert second.id in waiting(db)  # never triaged, and its job may be running: queued


def test_a_linked_report_whose_triage_job_waits_is_left_to_it(
    db: Session, runtime: Runtime
) -> None:
    """Its waiting job reads this triage's links when it runs (it must take a key lock this
    batch holds): nothing is queued for it, not even a look at the queueing locks (after a
    burst most linked reports are waiting so)."""
    first = make_report(db, runtime.keyring, phone=PHONE)
    second = make_report(db, runtime.keyring, phone=PHONE)
    db.execute(
        text("DELETE FROM procrastinate_jobs WHERE (args->>'report_id')::bigint = :id"),
        {"id": first.id},
    )
    triage_enriched(db, [second.id], coalesce=True)  # its job waits
    db.execute(
        text(
            "DELETE FROM procrastinate_jobs WHERE task_name = 'enrich.report' "
            "AND (args->>'report_id')::bigint = :id"
        ),
        {"id": second.id},
    )  # enriched
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    connection = db.connection()
    event.listen(connection, "before_cursor_execute", seen)
    try:
        triage_each(db, runtime, [first.id])
    finally:
        event.remove(connection, "before_cursor_execute", seen)
    assert waiting(db).count(second.id) == 1
    assert statements, "the triage ran its statements"
    # defer_once_many's look at the waiting queueing locks (`jobs.queue._WAITING_AMONG`)
    looked = [s for s in statements if "queueing_lock = ANY(" in s]
    assert not looked, "queued again"


def test_a_linked_report_still_being_enriched_is_not_queued_by_a_triage_job(
    db: Session, runtime: Runtime
) -> None:
    """Its enrichment queues its first triage when it commits (after this one, which holds the
    triage lock): queuing it here too raced that insert."""
    first = make_report(db, runtime.keyring, phone=PHONE)
    second = make_report(db, runtime.keyring, phone=PHONE)  # its enrichment job waits
    db.execute(
        text("DELETE FROM procrastinate_jobs WHERE (args->>'report_id')::bigint = :id"),
        {"id": first.id},
    )
    savepoint = db.begin_nested()
    triage_each(db, runtime, [first.id])
    assert second.id not in waiting(db)
    savepoint.rollback()
    db.execute(
        text("DELETE FROM procrastinate_jobs WHERE (args->>'report_id')::bigint = :id"),
        {"id": second.id},
    )  # enriched and its triage lost: a triage job queues it
    triage_each(db, runtime, [first.id])
    assert second.id in waiting(db)
