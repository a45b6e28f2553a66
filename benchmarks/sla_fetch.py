"""Benchmark: one procrastinate job fetch with N triaged reports, SLA timers vs the SLA sweep
(issue #12: at 18,500 timers one `procrastinate_fetch_job` took 7.5 ms).

Before, every triage run queued four `triage.sla_check` jobs per report (two for P4, which has
no action clock), scheduled at 75 % and 100 % of each clock; procrastinate's fetch walks the
waiting jobs in priority and id order and filters out those scheduled later, so each fetch
passed over every timer queued before the first job due. Now the due times stay in
`triage_record` and a periodic sweep reads the due ones through partial indexes.

For each N: a fresh database (PERISAI_TEST_DATABASE_URL's server, or an embedded one) with N
reports received over the last 10 minutes (as the pipeline benchmark's steady phase; 2 % P1,
10 % P2, 38 % P3, 50 % P4) and their triage records, bulk-inserted; one job due now at the end of
the default queue (a triage job deferred after the timers, as in the pipeline). Timed, each in
a rolled-back transaction so that every repetition sees the same state:

- the fetch with the timers the old code queued (inserted through procrastinate's own
  `procrastinate_defer_jobs_v1`, with the old job's task name, args and scheduled times);
- the fetch with no timer (this version);
- the sweep's look for due checks when none is due (what every 15-second sweep costs), and one
  sweep batch of `SWEEP_BATCH` records whose four checks are all due (events and audit included).

    PYTHONPATH=src .venv/bin/python benchmarks/sla_fetch.py [--reports 6200,22000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, select, text
from sqlalchemy.orm import Session

from perisai.audit.service import flush_pending, set_default_chain_key
from perisai.testing.database import (
    TEST_CHAIN_KEY,
    drop_database,
    migrated_database,
    test_server_url,
)
from perisai.triage import sla
from perisai.triage.models import TriageRecord

BASELINE_MS = 7.5
BASELINE_TIMERS = 18_500

FILL_REPORTS = """
INSERT INTO report (public_id, status, reporter_kind, client_id, idempotency_key, body_sha256,
    received_at, incident_type, incident_annotations, reported_accounts, conversations, urls,
    offence_codes, victim_count, created_at)
SELECT 'R-SLA-' || lpad(g::text, 9, '0'), 'finished', 'apikey', 'bench', 'k' || g,
    repeat('0', 64), now() - interval '10 minutes' * g / :n, 'online_enticement',
    '[]', '[]', '[]', '[]', '[]', 0, now()
FROM generate_series(1, :n) AS g
"""
# Due times as triage/policy.py gives them (review 15 min / 4 h / 24 h / 7 d; action 1 h / 24 h /
# 72 h / none), warning times at 75 % as triage stores them.
FILL_TRIAGE = """
INSERT INTO triage_record (report_id, priority, computed_priority, reasons, received_at,
    review_due_at, action_due_at, review_warning_due_at, action_warning_due_at, runs,
    triaged_at)
SELECT r.id, p.priority, p.priority, '[]', r.received_at,
    r.received_at + p.review, r.received_at + p.action,
    r.received_at + p.review * 0.75, r.received_at + p.action * 0.75, 1, now()
FROM report r
CROSS JOIN LATERAL (
    SELECT v.* FROM (VALUES
        (1, interval '15 minutes', interval '1 hour'),
        (2, interval '4 hours', interval '24 hours'),
        (3, interval '24 hours', interval '72 hours'),
        (4, interval '7 days', NULL::interval)
    ) AS v(priority, review, action)
    WHERE v.priority = CASE WHEN r.id % 100 < 2 THEN 1 WHEN r.id % 100 < 12 THEN 2
                            WHEN r.id % 100 < 50 THEN 3 ELSE 4 END
) p
"""
# The timers the old `sla.schedule_checks` queued: one job per running clock and level.
FILL_TIMERS = """
SELECT count(*) FROM unnest(procrastinate_defer_jobs_v1(ARRAY(
    SELECT ROW('default', 'triage.sla_check', 0, NULL, NULL,
        jsonb_build_object('report_id', t.report_id, 'clock', c.clock, 'level', c.level,
            'due_at', c.due_at),
        c.at)::procrastinate_job_to_defer_v1
    FROM triage_record t
    CROSS JOIN LATERAL (VALUES
        ('review', 'warning', t.review_due_at, t.review_warning_due_at),
        ('review', 'breached', t.review_due_at, t.review_due_at),
        ('action', 'warning', t.action_due_at, t.action_warning_due_at),
        ('action', 'breached', t.action_due_at, t.action_due_at)
    ) AS c(clock, level, due_at, at)
    WHERE c.at IS NOT NULL
    ORDER BY t.report_id
)))
"""
DUE_NOW = """
SELECT procrastinate_defer_jobs_v1(ARRAY[ROW('default', 'triage.report', 0, NULL, NULL,
    '{"report_id": 1}'::jsonb, NULL)::procrastinate_job_to_defer_v1])
"""
# The candidate query of procrastinate 3.10's procrastinate_fetch_job_v2 (sql/schema.sql).
CANDIDATE = """
SELECT jobs.* FROM procrastinate_jobs AS jobs
WHERE NOT EXISTS (
        SELECT 1 FROM procrastinate_jobs AS other_jobs
        WHERE jobs.lock IS NOT NULL AND other_jobs.lock = jobs.lock
          AND (other_jobs.status = 'doing'
               OR (other_jobs.status = 'todo' AND (other_jobs.priority > jobs.priority
                   OR (other_jobs.priority = jobs.priority AND other_jobs.id < jobs.id)))))
  AND jobs.status = 'todo'
  AND jobs.queue_name = ANY(ARRAY['default'])
  AND (jobs.scheduled_at IS NULL OR jobs.scheduled_at <= now())
ORDER BY jobs.priority DESC, jobs.id ASC LIMIT 1
FOR UPDATE OF jobs SKIP LOCKED
"""
DROP_TIMERS = "DELETE FROM procrastinate_jobs WHERE scheduled_at IS NOT NULL"
FETCH = "SELECT id, task_name FROM procrastinate_fetch_job_v2(ARRAY['default'], :worker)"


@contextmanager
def database(server: str, n: int) -> Iterator[Engine]:
    name = f"perisai_bench_sla_{os.getpid()}_{n}"
    url = migrated_database(server, name)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(FILL_REPORTS), {"n": n})
            connection.execute(text(FILL_TRIAGE))
        yield engine
    finally:
        engine.dispose()
        drop_database(server, name)


def analyze(engine: Engine) -> None:
    # VACUUM too: the index entries of deleted timers would otherwise still be walked.
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))


def median_ms(engine: Engine, repeat: int, run: Callable[[Connection], object]) -> float:
    """Median wall time of `run`, each time in a transaction rolled back afterwards."""
    samples = []
    with engine.connect() as connection:
        run(connection)  # warm the caches and the plan
        connection.rollback()
        for _ in range(repeat):
            started = time.perf_counter()
            run(connection)
            samples.append((time.perf_counter() - started) * 1000)
            connection.rollback()
    return statistics.median(samples)


def worker_id(engine: Engine) -> int:
    with engine.begin() as connection:
        return int(connection.scalar(text("SELECT procrastinate_register_worker_v1()")) or 0)


def fetch(worker: int) -> Callable[[Connection], object]:
    def run(connection: Connection) -> object:
        found = connection.execute(text(FETCH), {"worker": worker}).one()
        assert found.task_name == "triage.report", found  # the due job, never a timer
        return found

    return run


def explained(connection: Connection, statement: str) -> tuple[int, float]:
    """EXPLAIN ANALYZE of `statement`: rows its plan read and threw away by filter, and the
    server's execution time in ms (the database's share, apart from the client and round trip)."""
    (result,) = connection.execute(text(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}")).scalar_one()
    return _removed(result["Plan"]), float(result["Execution Time"])


def _removed(node: dict[str, Any]) -> int:
    own = int(node.get("Rows Removed by Filter", 0))
    return own + sum(_removed(child) for child in node.get("Plans", []))


def sweep_statement(engine: Engine) -> str:
    """The sweep's look for due checks at this moment, as SQL."""
    query = (
        select(TriageRecord)
        .where(sla.any_due(datetime.now(UTC)))
        .limit(sla.SWEEP_BATCH)
        .with_for_update(skip_locked=True)
    )
    return str(query.compile(engine, compile_kwargs={"literal_binds": True}))


def idle_sweep(connection: Connection) -> object:
    with Session(bind=connection) as session:
        found = sla.sweep(session, now=datetime.now(UTC))
    assert found.records == 0, found
    return found


def busy_sweep(connection: Connection) -> int:
    """One batch with every check of its records due (as after an outage); the alerts raised."""
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        found = sla.sweep(session, now=datetime.now(UTC) + timedelta(days=8))
        flush_pending(session)  # the audit entries, written at commit
    assert found.records == sla.SWEEP_BATCH, found
    return len(found.alerts)


def measure(server: str, n: int, repeat: int) -> dict[str, object]:
    with database(server, n) as engine:
        with engine.begin() as connection:
            timers = int(connection.scalar(text(FILL_TIMERS)) or 0)
            connection.execute(text(DUE_NOW))
        analyze(engine)
        worker = worker_id(engine)
        before = median_ms(engine, repeat, fetch(worker))
        with engine.connect() as connection:
            before_removed, before_server = explained(connection, CANDIDATE)
            connection.rollback()
        with engine.begin() as connection:
            connection.execute(
                text("DELETE FROM procrastinate_jobs WHERE scheduled_at IS NOT NULL")
            )
        analyze(engine)
        after = median_ms(engine, repeat, fetch(worker))
        with engine.connect() as connection:
            after_removed, after_server = explained(connection, CANDIDATE)
            _, idle_server = explained(connection, sweep_statement(engine))
            connection.rollback()
        idle = median_ms(engine, repeat, idle_sweep)
        busy = median_ms(engine, max(3, repeat // 5), busy_sweep)
        with engine.connect() as connection:
            alerts = busy_sweep(connection)
            connection.rollback()
    return {
        "reports": n,
        "timers": timers,
        "before": before,
        "after": after,
        "before_removed": before_removed,
        "after_removed": after_removed,
        "before_server": before_server,
        "after_server": after_server,
        "idle_server": idle_server,
        "idle": idle,
        "busy": busy,
        "alerts": alerts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", default="6200,22000", help="comma-separated report counts")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    sizes = [int(part) for part in args.reports.split(",")]
    set_default_chain_key(lambda: TEST_CHAIN_KEY)  # the busy sweep's audit entries
    results = []
    with test_server_url() as server:
        for n in sizes:
            results.append(measure(server, n, args.repeat))
    print(
        f"SLA timers vs the sweep: one procrastinate_fetch_job_v2 (median of {args.repeat}, "
        f"rolled back), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print(f"issue #12 baseline: {BASELINE_MS} ms per fetch at {BASELINE_TIMERS:,} timers")
    print(
        "| reports | timers queued before | fetch before | fetch now | "
        f"sweep, nothing due | sweep batch of {sla.SWEEP_BATCH} records, every check due |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['reports']:,} | {r['timers']:,} | {r['before']:.2f} ms | {r['after']:.3f} ms | "
            f"{r['idle']:.2f} ms | {r['busy']:.0f} ms ({r['alerts']} alerts) |"
        )
    print("\nServer side (EXPLAIN ANALYZE execution time, rows removed by filter):")
    for r in results:
        print(
            f"{r['reports']:,} reports: fetch's candidate scan {r['before_server']:.2f} ms, "
            f"{r['before_removed']:,} rows removed before; {r['after_server']:.3f} ms, "
            f"{r['after_removed']:,} now; the sweep's look with nothing due "
            f"{r['idle_server']:.3f} ms"
        )


if __name__ == "__main__":
    main()
