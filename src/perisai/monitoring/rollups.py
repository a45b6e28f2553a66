"""Trend rollups: kept up to date incrementally, read by the pages and the spike job.

Writing (the `monitoring.rollup` job, every minute, and `perisai monitoring rollup`):

* :func:`process_pending` re-tallies the reports that triggers marked in ``monitoring_pending``
  (triage stored, a match added or removed, a status changed) and moves the rollup by the
  difference between each report's old and new contribution;
* :func:`sweep` tallies reports that were never marked (stored before this domain existed, or
  never triaged) walking report ids above a watermark: a first run backfills, later runs look
  only at the last hour's ids.

One writer at a time (a transaction-level advisory lock), so rollup rows are never raced.

Reading (the API other parts use; a missing row means zero; days and hours are Malaysia time):

* :func:`daily_counts` ``(session, since=date, until=date, series=None) -> [DailyCount]``
* :func:`hourly_counts` ``(session, since=datetime, until=datetime, series=None) -> [HourlyCount]``
* :func:`series_first_seen` ``(session) -> {series_key: date}``
* :func:`pending_since` ``(session) -> datetime | None`` — the oldest change not yet counted.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Final

from sqlalchemy import func, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from perisai.enrichment.models import ReportIpIntel
from perisai.enrichment.results import ReportFileMatch, ReportFileProvenance
from perisai.identity.models import ApiKey
from perisai.monitoring.models import (
    MonitoringCount,
    MonitoringPending,
    MonitoringTally,
    MonitoringWatermark,
)
from perisai.monitoring.series import FileFacts, ReportFacts, series_of
from perisai.reports.models import Report, ReportFile, ReportStatus

MALAYSIA: Final = timezone(timedelta(hours=8), "MYT")
# pg_try_advisory_xact_lock key: one rollup writer at a time ("monitoring.rollup" as digits).
WRITER_LOCK: Final = 0x6D6F6E69746F72
BATCH: Final = 500
SWEEP_BATCH: Final = 2000
# The sweep moves its watermark past a report only once it is this old: a transaction still
# open may yet commit a lower id (ids are drawn before commit).
SWEEP_LAG: Final = timedelta(hours=1)
SWEEP_WATERMARK: Final = "sweep"


@dataclass(frozen=True)
class DailyCount:
    series_key: str
    day: date  # Malaysia time
    count: int


@dataclass(frozen=True)
class HourlyCount:
    series_key: str
    hour: datetime  # the hour's start, aware, in Malaysia time
    count: int


@dataclass(frozen=True)
class Bucket:
    day: date
    hour: int


def bucket_of(instant: datetime) -> Bucket:
    local = instant.astimezone(MALAYSIA)
    return Bucket(local.date(), local.hour)


# --- writing ---------------------------------------------------------------------------------


def _files(session: Session, ids: Sequence[int]) -> dict[int, list[FileFacts]]:
    known = set(
        session.scalars(
            select(ReportFileMatch.report_file_id)
            .where(ReportFileMatch.report_id.in_(ids), ReportFileMatch.status == "positive")
            .distinct()
        )
    )
    rows = session.execute(
        select(
            ReportFile.id,
            ReportFile.report_id,
            ReportFile.content_type_sniffed,
            ReportFile.content_type_declared,
            ReportFile.annotations,
            ReportFileProvenance.ai,
        )
        .outerjoin(ReportFileProvenance, ReportFileProvenance.report_file_id == ReportFile.id)
        .where(ReportFile.report_id.in_(ids))
        .order_by(ReportFile.id)
    )
    found: dict[int, list[FileFacts]] = defaultdict(list)
    for file_id, report_id, sniffed, declared, marks, ai in rows:
        found[report_id].append(
            FileFacts(
                content_type=sniffed or declared,
                annotations=tuple(str(a) for a in marks or ()),
                provenance_ai=ai,
                known=file_id in known,
            )
        )
    return found


def _places(session: Session, ids: Sequence[int]) -> dict[int, list[tuple[str | None, str | None]]]:
    rows = session.execute(
        select(
            ReportIpIntel.report_id,
            ReportIpIntel.answer["country"].astext,
            ReportIpIntel.answer["city"].astext,
        )
        .where(ReportIpIntel.report_id.in_(ids))
        .order_by(ReportIpIntel.report_id, ReportIpIntel.account_index, ReportIpIntel.event_index)
    )
    found: dict[int, list[tuple[str | None, str | None]]] = defaultdict(list)
    for report_id, country, city in rows:
        found[report_id].append((country, city))
    return found


def load_facts(session: Session, ids: Sequence[int]) -> dict[int, tuple[Bucket, ReportFacts]]:
    """What the series need of each report (reports that no longer exist are left out)."""
    if not ids:
        return {}
    rows = session.execute(
        select(
            Report.id,
            Report.received_at,
            Report.status,
            Report.reporter_kind,
            Report.client_id,
            ApiKey.name,
            Report.incident_type,
            Report.offence_codes,
            Report.jurisdiction,
        )
        .outerjoin(ApiKey, ApiKey.id == Report.api_key_id)
        .where(Report.id.in_(ids))
    ).all()
    files = _files(session, ids)
    places = _places(session, ids)
    return {
        row.id: (
            bucket_of(row.received_at),
            ReportFacts(
                retracted=row.status == ReportStatus.RETRACTED.value,
                reporter_kind=row.reporter_kind,
                client_id=row.client_id,
                api_key_name=row.name,
                incident_type=row.incident_type,
                offence_codes=tuple(str(c) for c in row.offence_codes or ()),
                jurisdiction=row.jurisdiction,
                ip_places=tuple(places.get(row.id, ())),
                files=tuple(files.get(row.id, ())),
            ),
        )
        for row in rows
    }


_UPSERT_COUNTS = text(
    "INSERT INTO monitoring_count (series_key, day, hour, count) "
    "SELECT * FROM unnest(CAST(:keys AS text[]), CAST(:days AS date[]), "
    "CAST(:hours AS smallint[]), CAST(:ns AS int[])) "
    "ON CONFLICT (series_key, day, hour) "
    "DO UPDATE SET count = monitoring_count.count + excluded.count"
)
_LOWER_COUNTS = text(
    "UPDATE monitoring_count c SET count = c.count + d.n "
    "FROM unnest(CAST(:keys AS text[]), CAST(:days AS date[]), "
    "CAST(:hours AS smallint[]), CAST(:ns AS int[])) AS d(series_key, day, hour, n) "
    "WHERE c.series_key = d.series_key AND c.day = d.day AND c.hour = d.hour"
)
_DROP_ZEROS = text(
    "DELETE FROM monitoring_count c USING unnest(CAST(:keys AS text[]), "
    "CAST(:days AS date[]), CAST(:hours AS smallint[])) AS d(series_key, day, hour) "
    "WHERE c.series_key = d.series_key AND c.day = d.day AND c.hour = d.hour "
    "AND c.count <= 0"
)
_UPSERT_TALLIES = text(
    "INSERT INTO monitoring_tally (report_id, day, hour, series) "
    "SELECT * FROM unnest(CAST(:ids AS bigint[]), CAST(:days AS date[]), "
    "CAST(:hours AS smallint[]), CAST(:series AS jsonb[])) "
    "ON CONFLICT (report_id) DO UPDATE SET day = excluded.day, hour = excluded.hour, "
    "series = excluded.series, tallied_at = now()"
)


def _columns(rows: list[tuple[tuple[str, date, int], int]]) -> dict[str, list[Any]]:
    """Array parameters (one statement for the lot: nothing to compile per row)."""
    return {
        "keys": [s for (s, _, _), _ in rows],
        "days": [d for (_, d, _), _ in rows],
        "hours": [h for (_, _, h), _ in rows],
        "ns": [n for _, n in rows],
    }


def apply_counts(session: Session, deltas: Counter[tuple[str, date, int]]) -> None:
    """Move the rollup rows by `deltas` ((series, MYT day, MYT hour) -> n); rows that reach
    zero are removed (absent = zero). The caller holds the writer lock or owns the data."""
    up = sorted((key, n) for key, n in deltas.items() if n > 0)
    down = sorted((key, n) for key, n in deltas.items() if n < 0)
    if up:
        session.execute(_UPSERT_COUNTS, _columns(up))
    if down:
        lowered = _columns(down)
        session.execute(_LOWER_COUNTS, lowered)
        del lowered["ns"]
        session.execute(_DROP_ZEROS, lowered)


def tally_reports(session: Session, report_ids: Iterable[int]) -> int:
    """(Re-)count these reports: the rollup moves by each one's new minus old contribution.

    Idempotent: tallying a report twice changes nothing the second time. A report that no
    longer exists keeps its old contribution (erasure leaves statistics as they were).
    Returns how many reports were looked at. The caller holds the writer lock.
    """
    ids = sorted(set(report_ids))
    if not ids:
        return 0
    old = {
        t.report_id: t
        for t in session.scalars(select(MonitoringTally).where(MonitoringTally.report_id.in_(ids)))
    }
    deltas: Counter[tuple[str, date, int]] = Counter()
    changed: list[tuple[int, Bucket, dict[str, int]]] = []
    for report_id, (bucket, facts) in load_facts(session, ids).items():
        contribution = series_of(facts)
        previous = old.get(report_id)
        if previous is not None:
            if (previous.day, previous.hour, previous.series) == (
                bucket.day,
                bucket.hour,
                contribution,
            ):
                continue  # re-triaged without a change that counts: nothing to write
            for key, n in previous.series.items():
                deltas[(key, previous.day, previous.hour)] -= int(n)
        for key, n in contribution.items():
            deltas[(key, bucket.day, bucket.hour)] += n
        changed.append((report_id, bucket, contribution))
    apply_counts(session, Counter({key: n for key, n in deltas.items() if n}))
    if changed:
        session.execute(
            _UPSERT_TALLIES,
            {
                "ids": [report_id for report_id, _, _ in changed],
                "days": [bucket.day for _, bucket, _ in changed],
                "hours": [bucket.hour for _, bucket, _ in changed],
                "series": [json.dumps(series) for _, _, series in changed],
            },
        )
    return len(ids)


def take_writer_lock(session: Session) -> bool:
    """The rollup's single-writer lock, held until the transaction ends; False if taken."""
    return bool(
        session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
    )


def process_pending(session: Session, *, batch: int = BATCH) -> int:
    """Re-tally up to `batch` marked reports; how many. Marks that a running transaction
    holds (it is changing the report now) are left for the next run."""
    ids = list(
        session.scalars(
            text(
                "DELETE FROM monitoring_pending WHERE report_id IN (SELECT report_id "
                "FROM monitoring_pending ORDER BY report_id LIMIT :n FOR UPDATE SKIP LOCKED) "
                "RETURNING report_id"
            ),
            {"n": batch},
        )
    )
    return tally_reports(session, ids)


@dataclass(frozen=True)
class Swept:
    tallied: int  # reports counted for the first time
    more: bool  # the batch was full and the watermark moved: call again


def sweep(session: Session, *, now: datetime | None = None, batch: int = SWEEP_BATCH) -> Swept:
    """Tally reports above the watermark that were never tallied."""
    now = now or datetime.now(UTC)
    mark = session.get(MonitoringWatermark, SWEEP_WATERMARK, with_for_update=True)
    if mark is None:
        mark = MonitoringWatermark(name=SWEEP_WATERMARK, report_id=0)
        session.add(mark)
    rows = session.execute(
        select(Report.id, Report.created_at, MonitoringTally.report_id.is_not(None))
        .outerjoin(MonitoringTally, MonitoringTally.report_id == Report.id)
        .where(Report.id > mark.report_id)
        .order_by(Report.id)
        .limit(batch)
    ).all()
    todo = [report_id for report_id, _, tallied in rows if not tallied]
    tally_reports(session, todo)
    before = mark.report_id
    for report_id, created_at, _ in rows:
        if created_at > now - SWEEP_LAG:
            break
        mark.report_id = report_id
    session.flush()
    return Swept(tallied=len(todo), more=len(rows) == batch and mark.report_id != before)


def mark_pending(session: Session, report_ids: Iterable[int]) -> None:
    """Ask for these reports to be re-counted (the triggers do this for the usual changes)."""
    ids = sorted(set(report_ids))
    if ids:
        statement = insert(MonitoringPending).values([{"report_id": i} for i in ids])
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["report_id"], set_={"marked_at": func.now()}
            )
        )


# --- reading ---------------------------------------------------------------------------------


def _of_dimension(dimension: str) -> Any:
    if ":" in dimension:
        raise ValueError(f"not a dimension: {dimension!r}")
    if dimension == "total":
        return MonitoringCount.series_key == "total"
    return MonitoringCount.series_key.startswith(f"{dimension}:", autoescape=True)


def daily_counts(
    session: Session,
    *,
    since: date,
    until: date,
    series: Sequence[str] | None = None,
    dimension: str | None = None,
) -> list[DailyCount]:
    """Counts per series and Malaysia-time day, ``since <= day < until``; zero days absent.

    `series` limits to those keys, `dimension` to one dimension's series (None: every series).
    Ordered by series, then day.
    """
    query = (
        select(MonitoringCount.series_key, MonitoringCount.day, func.sum(MonitoringCount.count))
        .where(MonitoringCount.day >= since, MonitoringCount.day < until)
        .group_by(MonitoringCount.series_key, MonitoringCount.day)
        .order_by(MonitoringCount.series_key, MonitoringCount.day)
    )
    if series is not None:
        query = query.where(MonitoringCount.series_key.in_(list(series)))
    if dimension is not None:
        query = query.where(_of_dimension(dimension))
    return [DailyCount(key, day, int(n)) for key, day, n in session.execute(query)]


def hourly_counts(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    series: Sequence[str] | None = None,
    dimension: str | None = None,
) -> list[HourlyCount]:
    """Counts per series and hour, for hours starting ``since <= hour < until`` (aware
    datetimes, any zone); each row's `hour` is the hour's start in Malaysia time."""
    start, end = bucket_of(since), bucket_of(until)
    query = (
        select(
            MonitoringCount.series_key,
            MonitoringCount.day,
            MonitoringCount.hour,
            MonitoringCount.count,
        )
        .where(
            tuple_(MonitoringCount.day, MonitoringCount.hour) >= (start.day, start.hour),
            tuple_(MonitoringCount.day, MonitoringCount.hour) < (end.day, end.hour),
            MonitoringCount.day >= start.day,  # lets the (day, hour) index bound the scan
            MonitoringCount.day <= end.day,
        )
        .order_by(MonitoringCount.series_key, MonitoringCount.day, MonitoringCount.hour)
    )
    if series is not None:
        query = query.where(MonitoringCount.series_key.in_(list(series)))
    if dimension is not None:
        query = query.where(_of_dimension(dimension))
    out: list[HourlyCount] = []
    for key, day, hour, n in session.execute(query):
        start_at = datetime(day.year, day.month, day.day, hour, tzinfo=MALAYSIA)
        if since <= start_at < until:  # `since` inside an hour: that hour started before it
            out.append(HourlyCount(key, start_at, int(n)))
    return out


def series_first_seen(session: Session) -> dict[str, date]:
    """Each series' first Malaysia-time day with a count (for the new-series rule)."""
    rows = session.execute(
        select(MonitoringCount.series_key, func.min(MonitoringCount.day)).group_by(
            MonitoringCount.series_key
        )
    )
    return {str(key): day for key, day in rows}


def pending_since(session: Session) -> datetime | None:
    """When the oldest change not yet in the counts was marked (None: counts are current)."""
    return session.scalar(select(func.min(MonitoringPending.marked_at)))
