"""The clustering job: enrichment asks for it (one waiting job, however many reports), the job
takes pending reports in batches, and one failing report does not hold up the others."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session
from tests.enrichment.factories import report_with_copy
from tests.viral.factories import COPIES, ORIGINAL, image_bytes, report_of

from perisai.audit import service as audit_service
from perisai.enrichment.pipeline import enrich_report
from perisai.runtime import Runtime
from perisai.testing.database import session_on
from perisai.viral import clustering, tasks
from perisai.viral.index import ClusterIndex
from perisai.viral.models import ViralMedia, ViralPending
from perisai.viral.names import CLUSTER_TASK
from perisai.viral.queue import request_clustering
from perisai.viral.rule import Thresholds


def waiting_jobs(db: Session) -> int:
    return int(
        db.scalar(
            text(
                "SELECT count(*) FROM procrastinate_jobs "
                "WHERE task_name = :task AND status = 'todo'"
            ),
            {"task": CLUSTER_TASK},
        )
        or 0
    )


def test_enrichment_asks_for_the_reports_media_to_be_clustered(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    report = report_with_copy(client, db)
    enrich_report(db, runtime, report.id)
    assert db.get(ViralPending, report.id) is not None
    assert waiting_jobs(db) == 1


def test_many_requests_queue_one_job(db: Session, runtime: Runtime) -> None:
    reports = [
        report_of(db, runtime.keyring, image_bytes(p), platform=f"P{n}")
        for n, p in enumerate([ORIGINAL, *COPIES[:2]])
    ]
    for report in [*reports, reports[0]]:
        request_clustering(db, report_id=report.id)
    assert db.scalar(select(func.count()).select_from(ViralPending)) == 3
    assert waiting_jobs(db) == 1


def test_the_job_takes_pending_reports_in_batches(
    db: Session, runtime: Runtime, index: ClusterIndex
) -> None:
    reports = [
        report_of(db, runtime.keyring, image_bytes(p), platform=f"P{n}")
        for n, p in enumerate([ORIGINAL, *COPIES])
    ]
    for report in reports:
        request_clustering(db, report_id=report.id)
    taken, raised = tasks.cluster_pending(db, index, Thresholds(), batch=2)
    assert taken == 2 and raised == []
    assert db.scalar(select(func.count()).select_from(ViralPending)) == len(reports) - 2
    taken, raised = tasks.cluster_pending(db, index, Thresholds(), batch=10)
    assert taken == len(reports) - 2
    assert len(raised) == 1  # five platforms: the cluster went viral once
    clusters = db.scalars(select(ViralMedia.cluster_id).distinct()).all()
    assert len(clusters) == 1


def test_a_failing_report_does_not_hold_up_the_batch(
    db: Session, runtime: Runtime, index: ClusterIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = report_of(db, runtime.keyring, image_bytes(ORIGINAL), platform="A")
    bad = report_of(db, runtime.keyring, image_bytes(COPIES[0]), platform="B")
    real = clustering.cluster_report

    def flaky(
        session: Session, index: ClusterIndex, report: object, *, prepared: bool = False
    ) -> clustering.Clustered:
        if getattr(report, "id", None) == bad.id:
            raise RuntimeError("boom")
        return real(session, index, report, prepared=prepared)  # type: ignore[arg-type]

    monkeypatch.setattr(tasks, "cluster_report", flaky)
    for report in (bad, good):
        request_clustering(db, report_id=report.id)
    taken, _ = tasks.cluster_pending(db, index, Thresholds())
    assert taken == 2
    assert db.scalars(select(ViralMedia.report_id)).all() == [good.id]


def test_a_batch_takes_the_audit_chain_lock_only_at_its_commit(
    db: Session,
    connection: Connection,
    runtime: Runtime,
    index: ClusterIndex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The audit hook takes the chain's advisory lock when entries are pending, also when a
    # savepoint is released. Taken mid-batch (an alert audited, then a triage job deferred in
    # a savepoint), the lock was held while the batch went on to wait for report rows that web
    # requests held while waiting for that lock at their commit: a deadlock, answered 500.
    reports = [
        report_of(db, runtime.keyring, image_bytes(p), platform=f"P{n}")
        for n, p in enumerate([ORIGINAL, *COPIES])
    ]
    for report in reports:
        request_clustering(db, report_id=report.id)
    db.flush()
    writes: list[str] = []
    real = audit_service.flush_pending

    def spy(session: Session) -> None:
        if session.info.get(audit_service._PENDING):
            writes.append("in a savepoint" if session.in_nested_transaction() else "at commit")
        real(session)

    monkeypatch.setattr(audit_service, "flush_pending", spy)
    # The job's own session (this test's session has audit entries of its own pending).
    with session_on(connection) as job:
        taken, raised = tasks.cluster_pending(job, index, Thresholds())
        assert taken == len(reports) and len(raised) == 1
        job.commit()
    assert writes == ["at commit"]
