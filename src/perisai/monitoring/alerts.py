"""Spike alerts over the trend rollups: the hourly run, the stored alerts and their lifecycle.

* :func:`run_spikes` — the hourly job's work (also `perisai monitoring alerts run`): reads the
  daily counts of every series from the rollups (never the reports), replays the detector
  (:mod:`perisai.monitoring.detect`) over the last ``HISTORY_DAYS`` and stores the alerts of
  today and yesterday (Malaysia time) that are not stored yet. Today is still running: its count
  so far is tested against the whole day's expectation, which can only understate a rise (a
  conservative test), so an hour-old surge alerts the same hour and the same day never alerts
  twice. Yesterday is tested once more when complete. Each new alert is audited and emitted as
  ``monitoring.spike`` through the outbox (SSE and webhooks, redacted per viewer).
* New series: a series whose first count ever (``series_first_seen``) is that day, reaching
  ``new_series_k`` reports, once the rollups hold at least ``min_weeks`` of history.
* Lifecycle: :func:`acknowledge`, :func:`confirm`, :func:`dismiss` (a reason is required); who
  and when on the row, and an audit entry each.
* Reads: :func:`list_alerts`, :func:`get_alert`, and for the trend charts
  :func:`alerts_between` / :func:`alerts_for`.

Services flush, never commit: the request or the job owns the transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from perisai.audit.service import SYSTEM, Actor, record
from perisai.identity.agencies import SECRETARIAT
from perisai.monitoring import expectations
from perisai.monitoring.alert_models import MAX_REASON, AlertStatus, SpikeAlert
from perisai.monitoring.detect import NEW_SERIES, Alert, DetectConfig, Replay, group_counts, replay
from perisai.monitoring.models import MonitoringCount
from perisai.monitoring.names import SPIKE_EVENT
from perisai.monitoring.rollups import MALAYSIA, daily_counts, series_first_seen
from perisai.monitoring.series import dimension_of
from perisai.sharing.events import emit
from perisai.sharing.models import Tlp

# Long enough for 8 weeks of baseline plus 16 weeks of residuals for the overdispersion, and
# for the replay to settle which older days alerted (they stay out of later baselines).
HISTORY_DAYS: Final = 182
# Who is told in full (which series): the secretariat and the regulator that writes to
# platforms. Every other task-force agency learns that a spike was found, with its figures
# (GREEN: sharing/redaction.py keeps restricted fields to the audience and the secretariat).
AUDIENCE: Final = (SECRETARIAT, "MCMC")
MAX_LIST: Final = 500
_CODE_ALPHABET: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Which steps lead where; confirmed and dismissed are final.
TRANSITIONS: Final[dict[AlertStatus, frozenset[AlertStatus]]] = {
    AlertStatus.NEW: frozenset(
        {AlertStatus.ACKNOWLEDGED, AlertStatus.CONFIRMED, AlertStatus.DISMISSED}
    ),
    AlertStatus.ACKNOWLEDGED: frozenset({AlertStatus.CONFIRMED, AlertStatus.DISMISSED}),
    AlertStatus.CONFIRMED: frozenset(),
    AlertStatus.DISMISSED: frozenset(),
}


class AlertNotFound(LookupError):
    pass


class AlertError(ValueError):
    """A refused step; ``field`` names the input at fault (for 422s), ``status`` the answer."""

    def __init__(self, message: str, *, field: str | None = None, status: int = 409) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


@dataclass(frozen=True)
class SpikeRun:
    day: date  # today, Malaysia time
    series: int  # series with a count in the history read
    raised: list[SpikeAlert]


def today_myt(now: datetime) -> date:
    return now.astimezone(MALAYSIA).date()


def new_public_id() -> str:
    return "MA-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def _history(session: Session, today: date) -> dict[str, dict[date, int]]:
    since = today - timedelta(days=HISTORY_DAYS)
    rows = daily_counts(session, since=since, until=today + timedelta(days=1))
    return group_counts((row.day, row.series_key, row.count) for row in rows)


def _rollups_start(session: Session) -> date | None:
    found: date | None = session.scalar(select(func.min(MonitoringCount.day)))
    return found


def _keep_new_series(alert: Alert, first_seen: dict[str, date], start: date | None) -> bool:
    """The detector calls new whatever is new inside its window; only a series whose first
    count *ever* is that day, with enough history before it, is new."""
    if alert.method != NEW_SERIES:
        return True
    return first_seen.get(alert.series) == alert.day and start is not None


def run_spikes(
    session: Session, *, now: datetime | None = None, config: DetectConfig | None = None
) -> SpikeRun:
    """One hourly run: store (and announce) today's and yesterday's alerts not stored yet."""
    now = now or datetime.now(UTC)
    cfg = config or DetectConfig()
    today = today_myt(now)
    counts = _history(session, today)
    if not counts:
        return SpikeRun(today, 0, [])
    start = _rollups_start(session)
    found = _replay(session, counts, today, start, cfg, now).alerts
    first_seen = series_first_seen(session)
    enough = start if start and (today - start).days >= 7 * cfg.min_weeks else None
    wanted = [
        a
        for a in found
        if a.day >= today - timedelta(days=1) and _keep_new_series(a, first_seen, enough)
    ]
    raised = [
        alert
        for alert in (_store(session, a, cfg, len(counts), today, now) for a in wanted)
        if alert is not None
    ]
    return SpikeRun(today, len(counts), raised)


def refresh_expectations(
    session: Session, *, now: datetime | None = None, config: DetectConfig | None = None
) -> int:
    """Replay the detector and store its model of every tested series-day (the charts' band),
    without storing or announcing alerts (the demo's seeding; the hourly run does both)."""
    now = now or datetime.now(UTC)
    today = today_myt(now)
    counts = _history(session, today)
    if not counts:
        return 0
    return len(
        _replay(
            session, counts, today, _rollups_start(session), config or DetectConfig(), now
        ).models
    )


def _replay(
    session: Session,
    counts: dict[str, dict[date, int]],
    today: date,
    start: date | None,
    cfg: DetectConfig,
    now: datetime,
) -> Replay:
    """The detector over the history, its models stored for the charts."""
    history_from = max(start, today - timedelta(days=HISTORY_DAYS)) if start else today
    # The replay begins where the rollups do: days before that are unknown, not zero.
    result = replay(counts, cfg, start=history_from, end=today)
    expectations.store(session, result.models, recent_from=today - timedelta(days=1), now=now)
    return result


def _store(
    session: Session, found: Alert, cfg: DetectConfig, tested: int, today: date, now: datetime
) -> SpikeAlert | None:
    """Insert the alert unless its series and day have one already; announce a new one."""
    values = {
        "public_id": new_public_id(),
        "series_key": found.series,
        "day": found.day,
        "method": found.method,
        "observed": found.observed,
        "expected": float(found.expected),
        "p_value": found.p_value,
        "q_value": found.q_value,
        "window_days": found.window_days,
        "baseline_weeks": found.baseline_weeks,
        "fdr": cfg.fdr,
        "min_count": cfg.min_count,
        "series_tested": tested,
        "partial_day": found.day == today,
        "raised_at": now,
        "status": AlertStatus.NEW.value,
    }
    new_id = session.scalar(
        insert(SpikeAlert)
        .values(**values)
        .on_conflict_do_nothing(constraint="uq_monitoring_alert_series_day")
        .returning(SpikeAlert.id)
    )
    if new_id is None:
        return None  # an earlier run (or a concurrent one) stored this series and day
    alert = session.get(SpikeAlert, new_id)
    assert alert is not None
    _announce(session, alert)
    return alert


def event_payload(alert: SpikeAlert) -> dict[str, Any]:
    return {
        "alert_public_id": alert.public_id,
        "series_key": alert.series_key,
        "series_dimension": dimension_of(alert.series_key),
        "day": alert.day.isoformat(),
        "method": alert.method,
        "observed": alert.observed,
        "expected": round(alert.expected, 4),
        "p_value": alert.p_value,
        "q_value": alert.q_value,
        "window_days": alert.window_days,
        "baseline_weeks": alert.baseline_weeks,
        "partial_day": alert.partial_day,
        "status": alert.status,
    }


def _announce(session: Session, alert: SpikeAlert) -> None:
    emit(
        session,
        type=SPIKE_EVENT,
        subject_type="monitoring_alert",
        subject_id=alert.public_id,
        payload=event_payload(alert),
        audience=list(AUDIENCE),
        tlp=Tlp.GREEN,
    )
    record(
        session,
        actor=SYSTEM,
        action="monitoring.spike",
        object_type="monitoring_alert",
        object_id=alert.public_id,
        details={
            "series": alert.series_key,
            "day": alert.day.isoformat(),
            "method": alert.method,
            "observed": alert.observed,
            "expected": round(alert.expected, 4),
            "q_value": alert.q_value,
        },
    )


# --- the lifecycle ---------------------------------------------------------------------------


def describe_actor(actor: Actor) -> str:
    """Who, as stored on the row: ``kind:id`` and the agency (an actor is never anonymous)."""
    who = f"{actor.kind}:{actor.id or '-'}"
    return f"{who}@{actor.agency}" if actor.agency else who


def _step(session: Session, public_id: str, to: AlertStatus, actor: Actor) -> SpikeAlert:
    alert = session.scalar(
        select(SpikeAlert).where(SpikeAlert.public_id == public_id).with_for_update()
    )
    if alert is None:
        raise AlertNotFound(public_id)
    current = AlertStatus(alert.status)
    if to not in TRANSITIONS[current]:
        raise AlertError(f"an alert that is {current.value} cannot become {to.value}")
    alert.status = to.value
    return alert


def _audit(session: Session, alert: SpikeAlert, actor: Actor, **details: Any) -> None:
    record(
        session,
        actor=actor,
        action=f"monitoring.alert.{alert.status}",
        object_type="monitoring_alert",
        object_id=alert.public_id,
        details={"series": alert.series_key, "day": alert.day.isoformat(), **details},
    )


def acknowledge(
    session: Session, public_id: str, *, actor: Actor, now: datetime | None = None
) -> SpikeAlert:
    alert = _step(session, public_id, AlertStatus.ACKNOWLEDGED, actor)
    alert.acknowledged_by = describe_actor(actor)
    alert.acknowledged_at = now or datetime.now(UTC)
    session.flush()
    _audit(session, alert, actor)
    return alert


def confirm(
    session: Session, public_id: str, *, actor: Actor, now: datetime | None = None
) -> SpikeAlert:
    alert = _step(session, public_id, AlertStatus.CONFIRMED, actor)
    alert.decided_by = describe_actor(actor)
    alert.decided_at = now or datetime.now(UTC)
    session.flush()
    _audit(session, alert, actor)
    return alert


def clean_reason(reason: str | None) -> str:
    """The dismissal reason, whitespace-collapsed; refused when empty, too long or binary."""
    text = " ".join((reason or "").split())
    if not text:
        raise AlertError("say why the alert is dismissed", field="reason", status=422)
    if len(text) > MAX_REASON:
        raise AlertError(
            f"the reason is longer than {MAX_REASON} characters", field="reason", status=422
        )
    if any(ord(c) < 32 for c in text):
        raise AlertError("the reason holds control characters", field="reason", status=422)
    return text


def dismiss(
    session: Session,
    public_id: str,
    *,
    actor: Actor,
    reason: str | None,
    now: datetime | None = None,
) -> SpikeAlert:
    text = clean_reason(reason)
    alert = _step(session, public_id, AlertStatus.DISMISSED, actor)
    alert.decided_by = describe_actor(actor)
    alert.decided_at = now or datetime.now(UTC)
    alert.dismiss_reason = text
    session.flush()
    _audit(session, alert, actor, reason=text)
    return alert


# --- reading ---------------------------------------------------------------------------------


def get_alert(session: Session, public_id: str) -> SpikeAlert:
    alert = session.scalar(select(SpikeAlert).where(SpikeAlert.public_id == public_id))
    if alert is None:
        raise AlertNotFound(public_id)
    return alert


def list_alerts(
    session: Session,
    *,
    status: AlertStatus | None = None,
    series: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 100,
) -> list[SpikeAlert]:
    """Alerts, newest day first (then most significant); ``since <= day < until``."""
    query = select(SpikeAlert)
    if status is not None:
        query = query.where(SpikeAlert.status == status.value)
    if series is not None:
        query = query.where(SpikeAlert.series_key == series)
    if since is not None:
        query = query.where(SpikeAlert.day >= since)
    if until is not None:
        query = query.where(SpikeAlert.day < until)
    query = query.order_by(
        SpikeAlert.day.desc(), SpikeAlert.q_value.asc().nulls_first(), SpikeAlert.id.desc()
    ).limit(max(1, min(limit, MAX_LIST)))
    return list(session.scalars(query))


def alerts_between(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    series: Sequence[str] | None = None,
) -> list[SpikeAlert]:
    """Alerts whose Malaysia-time day overlaps ``[since, until)`` (aware datetimes), for the
    trend charts: each has ``series_key``, ``day``, ``method`` and ``status``."""
    first = since.astimezone(MALAYSIA).date()
    last_instant = until.astimezone(MALAYSIA)
    end = last_instant.date()
    if last_instant.timetz().replace(tzinfo=None) != datetime.min.time():
        end += timedelta(days=1)  # ``until`` inside a day: that day overlaps
    query = select(SpikeAlert).where(SpikeAlert.day >= first, SpikeAlert.day < end)
    if series is not None:
        query = query.where(SpikeAlert.series_key.in_(list(series)))
    return list(session.scalars(query.order_by(SpikeAlert.series_key, SpikeAlert.day)))


def alerts_for(
    session: Session, series: Sequence[str] | None, since: datetime, until: datetime
) -> list[SpikeAlert]:
    """The same as :func:`alerts_between`, positionally (the name in the brief)."""
    return alerts_between(session, since=since, until=until, series=series)
