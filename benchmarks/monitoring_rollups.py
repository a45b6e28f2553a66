"""Benchmark: trend rollups — the job's throughput, and a page's read against a scan of reports.

Reports are bulk-inserted (synthetic: four sources, five incident types, a state on two thirds,
a file on half of them) over 90 days; their triage records are inserted the same way, so the
monitoring triggers mark every report, as triage does. Then:

* **throughput**: `run_rollup` drains the marks (batches of 500, one transaction each): reports
  counted per second, beside the intake target it must keep up with (300 reports/s, issue 12);
* **read**: the data one chart page needs (source series, 90 days + 8 weeks of history) from the
  rollup, beside the baseline of grouping the reports themselves on every page view; the two are
  checked equal. Median of the repeats.

    .venv/bin/python benchmarks/monitoring_rollups.py [--reports N] [--repeats N]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from perisai.config import Settings
from perisai.db.engine import Database
from perisai.monitoring.rollups import MALAYSIA, daily_counts
from perisai.monitoring.tasks import run_rollup
from perisai.runtime import Runtime
from perisai.testing.database import drop_database, migrated_database, test_server_url

INTAKE_TARGET_PER_S = 300.0
DAYS = 90

FILL_KEYS = """
INSERT INTO api_key (name, prefix, secret_hash, scopes, created_at)
VALUES ('ExampleChat', 'bench-a', repeat('0', 64), ARRAY['reports:submit'], now()),
       ('GameChat', 'bench-b', repeat('0', 64), ARRAY['reports:submit'], now())
"""
FILL_REPORTS = """
INSERT INTO report (public_id, status, reporter_kind, api_key_id, client_id, idempotency_key,
    body_sha256, received_at, incident_type, incident_annotations, reported_accounts,
    conversations, urls, offence_codes, victim_count, jurisdiction, created_at)
SELECT 'R-BENCH-' || lpad(g::text, 9, '0'), 'finished',
    (ARRAY['apikey', 'apikey', 'hotline', 'import'])[g % 4 + 1],
    CASE g % 4 WHEN 0 THEN (SELECT id FROM api_key WHERE prefix = 'bench-a')
               WHEN 1 THEN (SELECT id FROM api_key WHERE prefix = 'bench-b') END,
    (ARRAY['apikey:1', 'apikey:2', 'hotline', 'import:ncmec'])[g % 4 + 1], 'k' || g,
    repeat('0', 64), now() - ((g * 97) % (:days * 1440)) * interval '1 minute',
    (ARRAY['child_pornography', 'online_enticement', 'unsolicited_obscene_material_to_child',
           'child_sex_trafficking', 'misleading_domain_name'])[g % 5 + 1],
    '[]', '[]', '[]', '[]', '[]', 0,
    CASE WHEN g % 3 > 0 THEN 'MY-' || lpad((g % 16 + 1)::text, 2, '0') END,
    now() - interval '1 day'
FROM generate_series(1, :n) AS g
"""
FILL_FILES = """
INSERT INTO report_file (report_id, name, annotations, details, content_type_sniffed, created_at)
SELECT id, 'f.jpg', '[]', '{}', (ARRAY['image/jpeg', 'video/mp4'])[id % 2 + 1], now()
FROM report WHERE id % 2 = 0
"""
FILL_TRIAGE = """
INSERT INTO triage_record (report_id, priority, computed_priority, reasons, received_at,
    review_due_at, runs, triaged_at)
SELECT id, 3, 3, '[]', received_at, received_at + interval '1 day', 1, now() FROM report
"""
# The baseline: what a page would run without rollups (one chart dimension, every view).
SCAN = """
SELECT CASE r.reporter_kind WHEN 'hotline' THEN 'source:hotline'
            WHEN 'import' THEN 'source:ncmec'
            ELSE 'source:platform:' || coalesce(k.name, 'unknown') END AS series,
       (r.received_at AT TIME ZONE 'Asia/Kuala_Lumpur')::date AS day, count(*)
FROM report r LEFT JOIN api_key k ON k.id = r.api_key_id
WHERE r.status <> 'retracted'
  AND r.received_at >= :since
GROUP BY 1, 2
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    name = "perisai_bench_monitoring_rollups"
    with test_server_url() as server, tempfile.TemporaryDirectory() as tmp:
        url = migrated_database(server, name)
        database = Database(url)
        try:
            runtime = Runtime(settings=Settings(data_dir=Path(tmp)), db=database)
            started = time.perf_counter()
            with database.transaction() as session:
                session.execute(text(FILL_KEYS))
                session.execute(text(FILL_REPORTS), {"n": args.reports, "days": DAYS})
                session.execute(text(FILL_FILES))
            filled = time.perf_counter() - started
            started = time.perf_counter()
            with database.transaction() as session:
                session.execute(text(FILL_TRIAGE))  # the triggers mark every report
            marked = time.perf_counter() - started
            started = time.perf_counter()
            run = run_rollup(runtime, max_batches=1_000_000)
            drained = time.perf_counter() - started
            assert run.retallied == args.reports, run
            throughput = args.reports / drained

            today = datetime.now(UTC).astimezone(MALAYSIA).date()
            since = today - timedelta(days=DAYS + 56)
            start_at = datetime(since.year, since.month, since.day, tzinfo=MALAYSIA)
            rollup_ms: list[float] = []
            scan_ms: list[float] = []
            for _ in range(args.repeats):
                with database.transaction() as session:
                    t0 = time.perf_counter()
                    rows = daily_counts(
                        session, since=since, until=today + timedelta(days=1), dimension="source"
                    )
                    rollup_ms.append((time.perf_counter() - t0) * 1000)
                    t0 = time.perf_counter()
                    scanned = session.execute(text(SCAN), {"since": start_at}).all()
                    scan_ms.append((time.perf_counter() - t0) * 1000)
            assert {(r.series_key, r.day, r.count) for r in rows} == {
                (s, d, int(n)) for s, d, n in scanned
            }, "the rollup and the scan disagree"
        finally:
            database.dispose()
            drop_database(server, name)

    print(f"monitoring rollups: {args.reports:,} reports over {DAYS} days ({platform.machine()})")
    print(f"  bulk insert {filled:.1f} s; triage rows with the marking triggers {marked:.1f} s")
    print(f"  {'':34}{'ours':>14}{'baseline':>22}")
    print(
        f"  {'rollup job, reports/s':34}{throughput:>14,.0f}"
        f"{INTAKE_TARGET_PER_S:>14,.0f} (intake target)"
    )
    print(
        f"  {'chart data, median ms':34}{statistics.median(rollup_ms):>14.1f}"
        f"{statistics.median(scan_ms):>14.1f} (scan of reports)"
    )
    print(f"  rollup rows read {len(rows):,}; equal to the scan's: yes")


if __name__ == "__main__":
    main()
