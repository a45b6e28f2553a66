"""The clustering job: enrichment asks for it (one waiting job, however many reports), the job
takes pending reports in batches, and one failing report does not hold up the others."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from tests.enrichment.factories import report_with_copy
from tests.viral.factories import COPIES, ORIGINAL, image_bytes, report_of

from perisai.enrichment.pipeline import enrich_report
from perisai.runtime import Runtime
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
