"""The hourly spike run over the rollups: stored alerts with evidence, once per series and day,
`monitoring.spike` through the outbox redacted per viewer, the new-series rule, the lifecycle
with who/when and its audit, and the reads the trend charts use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.monitoring.alert_factories import NOW, TODAY, put_counts, steady

from perisai.audit.models import AuditEntry
from perisai.audit.service import Actor, flush_pending
from perisai.monitoring import alerts
from perisai.monitoring.alert_models import AlertStatus, SpikeAlert
from perisai.monitoring.detect import DetectConfig
from perisai.monitoring.names import SPIKE_EVENT
from perisai.sharing.models import OutboxEvent
from perisai.sharing.redaction import Viewer, redact_event

SUPERVISOR = Actor(kind="user", id="42", agency="SECRETARIAT", role="supervisor")


def _world(db: Session, *, days: int = 90) -> None:
    for name in ("source:hotline", "source:ncmec", "type:sextortion"):
        put_counts(db, name, steady(name, days=days))


def _audits(db: Session, action: str) -> list[AuditEntry]:
    flush_pending(db)
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_spike_today_is_stored_with_its_evidence_and_announced_once(db: Session) -> None:
    _world(db)
    put_counts(db, "source:hotline", {TODAY: 45})  # by 15:00 MYT, about 10 a whole day
    run = alerts.run_spikes(db, now=NOW)
    assert run.day == TODAY and run.series == 3
    assert [(a.series_key, a.day, a.method) for a in run.raised] == [
        ("source:hotline", TODAY, "negbin")
    ]
    alert = run.raised[0]
    assert alert.public_id.startswith("MA-") and alert.status == "new"
    assert alert.observed == 45 and 7.0 < alert.expected < 13.0
    assert alert.p_value is not None and alert.q_value is not None
    assert alert.p_value <= alert.q_value <= 0.05
    assert alert.partial_day is True and alert.window_days == 1 and alert.baseline_weeks == 8
    assert alert.series_tested == 3 and alert.fdr == 0.05 and alert.min_count == 5
    event = db.scalars(select(OutboxEvent).where(OutboxEvent.type == SPIKE_EVENT)).one()
    assert event.subject_id == alert.public_id
    assert event.payload["series_key"] == "source:hotline"
    assert event.payload["observed"] == 45 and event.payload["method"] == "negbin"
    assert [a.object_id for a in _audits(db, "monitoring.spike")] == [alert.public_id]
    # The next hour: the same series and day is not raised (nor announced) again.
    again = alerts.run_spikes(db, now=NOW + timedelta(hours=1))
    assert again.raised == []
    assert len(db.scalars(select(SpikeAlert)).all()) == 1
    assert len(db.scalars(select(OutboxEvent).where(OutboxEvent.type == SPIKE_EVENT)).all()) == 1


def test_the_event_names_the_series_only_to_its_audience(db: Session) -> None:
    _world(db)
    put_counts(db, "type:sextortion", {TODAY: 60})
    alerts.run_spikes(db, now=NOW)
    event = db.scalars(select(OutboxEvent).where(OutboxEvent.type == SPIKE_EVENT)).one()
    told = redact_event(Viewer.for_subscription("MCMC"), event)
    assert told is not None and told["data"]["series_key"] == "type:sextortion"
    assert told["data"]["observed"] == 60
    other = redact_event(Viewer.for_subscription("CSM"), event)
    assert other is not None and "series_key" not in other["data"]
    assert other["data"]["observed"] == 60 and other["data"]["q_value"] is not None
    assert other["data"]["series_dimension"] == "type"


def test_yesterday_is_judged_complete_and_older_days_are_left_alone(db: Session) -> None:
    _world(db)
    yesterday = TODAY - timedelta(days=1)
    put_counts(db, "source:ncmec", {yesterday: 50})
    put_counts(db, "source:hotline", {TODAY - timedelta(days=6): 60})
    raised = alerts.run_spikes(db, now=NOW).raised
    assert [(a.series_key, a.day, a.partial_day) for a in raised] == [
        ("source:ncmec", yesterday, False)
    ]


def test_a_quiet_world_raises_nothing(db: Session) -> None:
    _world(db)
    assert alerts.run_spikes(db, now=NOW).raised == []
    assert alerts.run_spikes(db, now=NOW).series == 3


def test_too_little_history_raises_nothing(db: Session) -> None:
    _world(db, days=20)
    put_counts(db, "source:hotline", {TODAY: 80})
    put_counts(db, "source:platform:NewApp", {TODAY: 30})
    assert alerts.run_spikes(db, now=NOW).raised == []


def test_a_new_series_reaching_k_alerts_but_an_old_silent_one_does_not(db: Session) -> None:
    _world(db)
    put_counts(db, "source:platform:NewApp", {TODAY: 12})
    # Seen once, long before the job's history window, then silent: not new.
    put_counts(db, "source:platform:OldApp", {TODAY - timedelta(days=300): 1, TODAY: 12})
    put_counts(db, "source:platform:Small", {TODAY: 3})  # new, but below k
    raised = alerts.run_spikes(db, now=NOW, config=DetectConfig(new_series_k=10)).raised
    assert [(a.series_key, a.method, a.p_value) for a in raised] == [
        ("source:platform:NewApp", "new_series", None)
    ]


def _one_alert(db: Session) -> SpikeAlert:
    _world(db)
    put_counts(db, "source:hotline", {TODAY: 45})
    return alerts.run_spikes(db, now=NOW).raised[0]


def test_lifecycle_records_who_and_when_and_audits_each_step(db: Session) -> None:
    alert = _one_alert(db)
    at = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    alerts.acknowledge(db, alert.public_id, actor=SUPERVISOR, now=at)
    assert alert.status == "acknowledged"
    assert alert.acknowledged_by == "user:42@SECRETARIAT" and alert.acknowledged_at == at
    alerts.confirm(db, alert.public_id, actor=SUPERVISOR, now=at + timedelta(minutes=5))
    assert alert.status == "confirmed" and alert.decided_by == "user:42@SECRETARIAT"
    assert alert.decided_at == at + timedelta(minutes=5)
    flush_pending(db)
    actions = [
        e.action
        for e in db.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_id == alert.public_id)
            .order_by(AuditEntry.id)
        )
    ]
    assert actions == [
        "monitoring.spike",
        "monitoring.alert.acknowledged",
        "monitoring.alert.confirmed",
    ]
    with pytest.raises(alerts.AlertError, match="confirmed cannot become dismissed"):
        alerts.dismiss(db, alert.public_id, actor=SUPERVISOR, reason="late")


@pytest.mark.parametrize("reason", [None, "", "   ", "x" * 1001, "bad\x00byte"])
def test_dismissal_needs_a_sound_reason(db: Session, reason: str | None) -> None:
    alert = _one_alert(db)
    with pytest.raises(alerts.AlertError) as refused:
        alerts.dismiss(db, alert.public_id, actor=SUPERVISOR, reason=reason)
    assert refused.value.field == "reason" and refused.value.status == 422
    assert alert.status == "new"


def test_dismissal_keeps_the_reason(db: Session) -> None:
    alert = _one_alert(db)
    done = alerts.dismiss(
        db, alert.public_id, actor=SUPERVISOR, reason="  a  school   holiday\nbacklog "
    )
    assert (
        done.status == AlertStatus.DISMISSED and done.dismiss_reason == "a school holiday backlog"
    )
    audit = _audits(db, "monitoring.alert.dismissed")
    assert audit[0].details["reason"] == "a school holiday backlog"
    with pytest.raises(alerts.AlertError):
        alerts.acknowledge(db, alert.public_id, actor=SUPERVISOR)


def test_an_unknown_alert_is_not_found(db: Session) -> None:
    with pytest.raises(alerts.AlertNotFound):
        alerts.confirm(db, "MA-ZZZZZZZZ", actor=SUPERVISOR)


def test_reads_for_the_trend_charts_go_by_malaysia_day(db: Session) -> None:
    alert = _one_alert(db)
    myt_midnight = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)  # 30 Nov 00:00 MYT
    found = alerts.alerts_between(db, since=myt_midnight, until=myt_midnight + timedelta(days=1))
    assert [(a.series_key, a.day, a.method, a.status) for a in found] == [
        ("source:hotline", TODAY, "negbin", "new")
    ]
    assert (
        alerts.alerts_between(db, since=myt_midnight - timedelta(days=3), until=myt_midnight) == []
    )
    assert alerts.alerts_for(db, ["source:ncmec"], myt_midnight, NOW) == []
    assert alerts.alerts_for(db, ["source:hotline"], myt_midnight, NOW) == [alert]
    assert alerts.list_alerts(db, status=AlertStatus.NEW) == [alert]
    assert alerts.list_alerts(db, status=AlertStatus.DISMISSED) == []
