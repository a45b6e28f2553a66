"""The spread rule on stored clusters: the alert, `monitoring.viral` redacted per viewer,
proposals that wait for a person, and triage raising the cluster's reports to P1."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session
from tests.viral.factories import COPIES, ORIGINAL, image_bytes, report_of

from perisai.audit.service import SYSTEM
from perisai.config import Settings
from perisai.identity.models import Role
from perisai.reports.models import Report
from perisai.runtime import Runtime
from perisai.sharing.models import OutboxEvent
from perisai.sharing.redaction import Viewer, ViewerKind, redact_event
from perisai.triage.policy import Priority
from perisai.triage.service import triage_report
from perisai.viral.index import ClusterIndex
from perisai.viral.models import ViralAlert, ViralCluster, ViralProposal
from perisai.viral.names import VIRAL_EVENT
from perisai.viral.rule import Thresholds
from perisai.viral.tasks import cluster_and_check, thresholds_of
from perisai.workspace.reasons import reason_text

RULE = Thresholds()
T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
PICTURES = [ORIGINAL, *COPIES]


def post(
    db: Session,
    runtime: Runtime,
    index: ClusterIndex,
    n: int,
    platform: str,
    account: str,
    at: float,
) -> tuple[Report, list[object]]:
    report = report_of(
        db,
        runtime.keyring,
        image_bytes(PICTURES[n % len(PICTURES)]),
        platform=platform,
        account=account,
        received_at=T0 + timedelta(hours=at),
    )
    return report, list(cluster_and_check(db, index, RULE, report.id))


def triage_jobs(db: Session) -> set[int]:
    rows = db.execute(text("SELECT args FROM procrastinate_jobs WHERE task_name = 'triage.report'"))
    return {int(row.args["report_id"]) for row in rows}


def test_three_platforms_within_six_hours_raise_one_alert_with_its_event_and_proposals(
    db: Session, runtime: Runtime, index: ClusterIndex
) -> None:
    first, raised = post(db, runtime, index, 0, "ExampleChat", "amir", 0)
    second, raised2 = post(db, runtime, index, 1, "PhotoShare", "bella", 2)
    assert raised == raised2 == []
    assert db.scalar(select(OutboxEvent).where(OutboxEvent.type == VIRAL_EVENT)) is None
    third, raised3 = post(db, runtime, index, 2, "ClipTok", "chong", 5.5)
    assert len(raised3) == 1
    alert = db.scalars(select(ViralAlert)).one()
    assert alert.rule == "platforms"
    assert alert.platforms == ["ClipTok", "ExampleChat", "PhotoShare"]
    assert alert.crossing_report_id == third.id
    cluster = db.get_one(ViralCluster, alert.cluster_id)
    assert cluster.alerted_at is not None
    event = db.scalars(select(OutboxEvent).where(OutboxEvent.type == VIRAL_EVENT)).one()
    assert event.subject_id == cluster.public_id
    assert event.payload["platform_count"] == 3
    assert [t["platform"] for t in event.payload["timeline"]] == [
        "ExampleChat",
        "PhotoShare",
        "ClipTok",
    ]
    proposals = db.scalars(select(ViralProposal).order_by(ViralProposal.id)).all()
    assert [(p.kind, p.platform) for p in proposals] == [
        ("bank_add", ""),
        ("takedown", "ClipTok"),
        ("takedown", "ExampleChat"),
        ("takedown", "PhotoShare"),
    ]
    assert {p.state for p in proposals} == {"proposed"}  # nothing happens until confirmed
    assert {first.id, second.id, third.id} <= triage_jobs(db)


def test_platforms_spread_wider_than_the_window_raise_nothing(
    db: Session, runtime: Runtime, index: ClusterIndex
) -> None:
    post(db, runtime, index, 0, "ExampleChat", "amir", 0)
    post(db, runtime, index, 1, "PhotoShare", "bella", 3)
    _, raised = post(db, runtime, index, 2, "ClipTok", "chong", 9.5)
    assert raised == []
    assert db.scalar(select(ViralAlert)) is None


def test_five_accounts_on_one_platform_raise_the_accounts_rule(
    db: Session, runtime: Runtime, index: ClusterIndex
) -> None:
    for n, name in enumerate(["a1", "a2", "a3", "a4"]):
        _, raised = post(db, runtime, index, n, "ExampleChat", name, n * 0.5)
        assert raised == []
    _, raised = post(db, runtime, index, 4, "ExampleChat", "a5", 3)
    assert len(raised) == 1
    alert = db.scalars(select(ViralAlert)).one()
    assert alert.rule == "accounts" and len(alert.accounts) == 5


def test_configured_thresholds_come_from_typed_settings(tmp_path: object) -> None:
    settings = Settings(viral_platforms=4, viral_accounts=9, viral_window_hours=12)
    assert thresholds_of(settings) == Thresholds(4, 9, timedelta(hours=12))


def test_a_viral_cluster_alerts_once_and_later_copies_are_raised_too(
    db: Session, runtime: Runtime, index: ClusterIndex
) -> None:
    for n, platform in enumerate(["A", "B", "C"]):
        post(db, runtime, index, n, platform, f"u{n}", n)
    late, raised = post(db, runtime, index, 3, "D", "u9", 4)
    assert raised == []
    assert len(db.scalars(select(ViralAlert)).all()) == 1
    assert late.id in triage_jobs(db)


def test_triage_raises_the_clusters_reports_to_p1_with_the_reason_in_both_languages(
    db: Session, runtime: Runtime, index: ClusterIndex
) -> None:
    first, _ = post(db, runtime, index, 0, "ExampleChat", "amir", 0)
    before = triage_report(db, report_id=first.id, actor=SYSTEM)
    assert before.priority is not Priority.P1
    post(db, runtime, index, 1, "PhotoShare", "bella", 1)
    post(db, runtime, index, 2, "ClipTok", "chong", 2)
    after = triage_report(db, report_id=first.id, actor=SYSTEM)
    assert after.priority is Priority.P1
    reason = next(r for r in after.reasons if r.rule == "viral.spread")
    cluster = db.scalars(select(ViralCluster)).one()
    assert reason.text == (
        "P1: viral spread: copies of this media reported from 3 platform(s) and 3 account(s) "
        f"within 6 h (cluster {cluster.public_id})"
    )
    malay = reason_text(reason.to_dict(), "ms")
    assert malay.startswith("P1: sebaran tular: salinan media ini dilaporkan dari 3 platform")
    assert cluster.public_id in malay


def _viral_event(db: Session) -> OutboxEvent:
    return db.scalars(select(OutboxEvent).where(OutboxEvent.type == VIRAL_EVENT)).one()


def test_the_event_is_redacted_per_viewer(
    db: Session, runtime: Runtime, index: ClusterIndex
) -> None:
    for n, platform in enumerate(["ExampleChat", "PhotoShare", "ClipTok"]):
        post(db, runtime, index, n, platform, f"user{n}", n)
    event = _viral_event(db)
    supervisor = Viewer(ViewerKind.USER, "SECRETARIAT", Role.SUPERVISOR, user_id=1)
    police = Viewer(ViewerKind.USER, "PDRM", Role.INVESTIGATOR, user_id=2)
    regulator = Viewer.for_subscription("MCMC")
    teacher = Viewer(ViewerKind.USER, "MOE", Role.TEACHER, user_id=3)
    full = redact_event(supervisor, event)
    assert full is not None
    assert full["data"]["platforms"] == ["ClipTok", "ExampleChat", "PhotoShare"]
    assert len(full["data"]["accounts"]) == 3
    assert len(full["data"]["timeline"]) == 3
    assert redact_event(regulator, event) is not None
    assert "accounts" in (redact_event(regulator, event) or {})["data"]
    counts_only = redact_event(police, event)
    assert counts_only is not None
    assert counts_only["data"]["platform_count"] == 3
    assert not {"platforms", "accounts", "timeline"} & set(counts_only["data"])
    assert redact_event(teacher, event) is None
