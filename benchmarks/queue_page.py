"""Benchmark: the triage queue page with 100,000 reports (issue 6 target: p95 ≤ 150 ms).

Since issue 15 every queue page also counts the matching reports (the total and the page's
offset: two more queries), and search and filter pages are timed too.

Reports and their triage records are bulk-inserted (synthetic: 2% P1, 10% P2, 38% P3, 50% P4;
60% already reviewed and actioned, so the open queue is mixed), plus cases holding 1% of them
referred to PDRM. The page is requested in-process through the whole app (session check, the
queue query, template), timing each request: so the figure is server time plus the in-process
client, never less than the server's own. Two viewers: the secretariat desk (every open report)
and a PDRM analyst (only its cases' reports: the need-to-know filter). Also the HTMX partial and
a deep page by cursor.

    .venv/bin/python benchmarks/queue_page.py [--quick] [--reports N] [--requests N]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from perisai.config import Settings
from perisai.testing.database import drop_database, migrated_database, test_server_url

TARGET_P95_MS = 150.0
PASSWORD = "benchmark-password-0123"  # noqa: S105 - a throwaway benchmark user

FILL_REPORTS = """
INSERT INTO report (public_id, status, reporter_kind, client_id, idempotency_key, body_sha256,
    received_at, incident_type, incident_annotations, reported_accounts, conversations, urls,
    offence_codes, victim_count, created_at)
SELECT 'R-BENCH-' || lpad(g::text, 9, '0'), 'finished', 'apikey', 'bench', 'k' || g,
    repeat('0', 64), now() - (g % 20000) * interval '1 minute', 'online_enticement',
    '[]', '[]', '[]', '[]', '[]', 0, now()
FROM generate_series(1, :n) AS g
"""
FILL_TRIAGE = """
INSERT INTO triage_record (report_id, priority, computed_priority, reasons, received_at,
    review_due_at, action_due_at, reviewed_at, actioned_at, runs, triaged_at)
SELECT r.id, p.priority, p.priority,
    jsonb_build_array(jsonb_build_object('priority', p.priority, 'rule', 'bench',
        'text', 'P' || p.priority || ': synthetic reason')),
    r.received_at, r.received_at + interval '15 minutes' * p.priority,
    r.received_at + interval '1 hour' * p.priority,
    CASE WHEN r.id % 5 < 3 THEN r.received_at + interval '5 minutes' END,
    CASE WHEN r.id % 5 < 3 THEN r.received_at + interval '30 minutes' END,
    1, now()
FROM report r
CROSS JOIN LATERAL (SELECT CASE WHEN r.id % 100 < 2 THEN 1 WHEN r.id % 100 < 12 THEN 2
                                WHEN r.id % 100 < 50 THEN 3 ELSE 4 END AS priority) p
"""
FILL_CASES = """
WITH picked AS (SELECT id FROM report WHERE id % 100 = 8),  -- open (unreviewed) reports
made AS (
    INSERT INTO case_file (public_id, title, status, priority, created_by, tlp, created_at)
    SELECT 'C-BENCH-' || id, 'bench', 'referred', 2, 'bench', 'AMBER', now() FROM picked
    RETURNING id, public_id
)
INSERT INTO case_report (case_id, report_id, reason, needs_review, created_at)
SELECT made.id, substr(made.public_id, 9)::bigint, 'bench', false, now() FROM made
"""
FILL_REFERRALS = """
INSERT INTO case_referral (case_id, agency_id, reason, status, referred_by, created_at)
SELECT c.id, (SELECT id FROM agency WHERE short_name = 'PDRM'), 'bench', 'pending', 'bench', now()
FROM case_file c WHERE c.public_id LIKE 'C-BENCH-%'
"""


def fill(url: str, reports: int) -> float:
    started = time.perf_counter()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(FILL_REPORTS), {"n": reports})
        connection.execute(text(FILL_TRIAGE))
        connection.execute(text(FILL_CASES))
        connection.execute(text(FILL_REFERRALS))
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def logged_in_client(app: object, email: str) -> TestClient:
    client = TestClient(app, base_url="https://testserver")  # type: ignore[arg-type]
    page = client.get("/login")
    client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": _csrf(page.text)}
    )
    assert client.get("/workspace/queue").status_code == 200
    return client


def timed(client: TestClient, path: str, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 reports, 50 requests")
    parser.add_argument("--reports", type=int, default=None)
    parser.add_argument("--requests", type=int, default=None)
    args = parser.parse_args()
    reports = args.reports or (10_000 if args.quick else 100_000)
    requests = args.requests or (50 if args.quick else 200)

    from perisai.app import create_app
    from perisai.audit.service import SYSTEM
    from perisai.identity.service import create_user
    from perisai.runtime import Runtime

    with test_server_url() as server, tempfile.TemporaryDirectory() as tmp:
        name = f"perisai_bench_queue_{os.getpid()}"
        url = migrated_database(server, name)
        try:
            fill_seconds = fill(url, reports)
            settings = Settings(
                database_url=url, data_dir=Path(tmp), demo=True, log_level="WARNING"
            )
            runtime = Runtime.start(settings)
            with runtime.db.transaction() as session:
                for agency, email in (("SECRETARIAT", "desk@bench.my"), ("PDRM", "pdrm@bench.my")):
                    create_user(
                        session,
                        keyring=runtime.keyring,
                        actor=SYSTEM,
                        agency_short=agency,
                        role="analyst",
                        email=email,
                        password=PASSWORD,
                        display_name=email,
                        is_demo=True,
                    )
            app = create_app(settings, runtime=runtime)
            desk = logged_in_client(app, "desk@bench.my")
            pdrm = logged_in_client(app, "pdrm@bench.my")
            page_two = re.search(
                r'href="/workspace/queue\?cursor=([^"]+)"', desk.get("/workspace/queue").text
            )
            cursor = page_two.group(1) if page_two else ""
            timed(desk, "/workspace/queue", 5)  # warm up
            results = {
                "queue page, secretariat": timed(desk, "/workspace/queue", requests),
                "queue rows (HTMX), secretariat": timed(desk, "/workspace/queue/rows", requests),
                "queue page 2 (cursor), secretariat": timed(
                    desk, f"/workspace/queue?cursor={cursor}", requests
                ),
                "queue page, PDRM analyst": timed(pdrm, "/workspace/queue", requests),
                # Issue 15 item 6: search (case-insensitive, ids, identifiers and text) and filters.
                "search by report id, any case, all statuses": timed(
                    desk, "/workspace/queue?status=all&q=r-bench-000050000", requests
                ),
                "search by text, all statuses": timed(
                    desk, "/workspace/queue?status=all&q=SYNTHETIC%20TEXT", requests
                ),
                "filter P1, secretariat": timed(desk, "/workspace/queue?priority=P1", requests),
                "filter P2 + in no case, PDRM analyst": timed(
                    pdrm, "/workspace/queue?priority=P2&status=all", requests
                ),
            }
            runtime.db.dispose()
        finally:
            drop_database(server, name)

    print(
        f"# Triage queue page — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs (shared)"
    )
    print(
        f"{reports:,} reports with triage records (filled in {fill_seconds:.1f} s), "
        f"{requests} requests each, in-process client\n"
    )
    print("| page | p50 ms | p95 ms | max ms | target p95 | result |")
    print("|---|---:|---:|---:|---:|---|")
    failed = False
    for label, samples in results.items():
        value = p95(samples)
        ok = value <= TARGET_P95_MS
        failed |= not ok
        print(
            f"| {label} | {statistics.median(samples):.1f} | {value:.1f} | "
            f"{max(samples):.1f} | ≤ {TARGET_P95_MS:.0f} | {'PASS' if ok else 'FAIL'} |"
        )
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
