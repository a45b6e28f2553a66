"""Where a pipeline job's time goes: run the pipeline's jobs in this process under cProfile,
one profile per task, on reports like `benchmarks/pipeline.py` sends (accounts drawn from a pool,
so reports link: `--reports 600 --accounts 50` gives each account about a dozen reports, as
ten minutes at 20/s from a pool of 1,000 does).

Set-up: a fresh database (PERISAI_TEST_DATABASE_URL's server, or an embedded one), a bank of
`--bank` PDQ entries, a webhook subscription to a receiver in this process. Reports are stored
through the intake service in batches of `--batch`; after each batch every waiting job is run,
in id order, by calling its task function as the worker would, as the running job (so that a
job claims waiting jobs of its task into its batch, `jobs/batch.py`, as under the worker);
scheduled jobs (the dispatcher's recheck and safety sweep) are left alone. Prints per task: jobs
run, CPU and wall time per job, and the top of its profile (`--top` functions by cumulative
time); per report: this process's CPU, the CPU of its PostgreSQL server processes (read from
/proc: the server must run on this machine; intake's statements left out), jobs run and
statements (the runner's own fetch and finish statements not counted).

Run: .venv/bin/python benchmarks/pipeline_profile.py [--reports 600 --accounts 50 --batch 20]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import tempfile
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text

from loadgen import fill_bank  # type: ignore[import-not-found,unused-ignore]  # a script beside it
from perisai.audit.service import SYSTEM
from perisai.config import Settings
from perisai.jobs import worker
from perisai.jobs.batch import running_job
from perisai.reports.schemas import ReportIn
from perisai.reports.service import canonical_sha256, submit
from perisai.runtime import Runtime
from perisai.sharing.webhooks import create_subscription, guard_for
from perisai.testing.database import scratch_database

REPORT: dict[str, Any] = {
    "incident": {
        "type": "online_enticement",
        "occurred_at": "2026-11-20T10:00:00+08:00",
        "annotations": ["sextortion"],
    },
    "victims": [{"age": 12}],
}


def report_body(index: int, accounts: int) -> dict[str, Any]:
    """As `benchmarks/pipeline.py`: the index-th report, its account from a pool."""
    account = (index * 7919) % accounts
    body: dict[str, Any] = {**REPORT}
    body["reported_accounts"] = [
        {
            "platform": "ExampleChat",
            "user_id": f"u{account}",
            "phones": [f"012-{account // 10000:03d} {account % 10000:04d}"],
        }
    ]
    body["conversations"] = [
        {
            "messages": [
                {
                    "author": f"u{account}",
                    "text": "hello, how old are you?",
                    "sent_at": "2026-11-20T09:58:00+08:00",
                },
                {
                    "author": f"u{account}",
                    "text": "send me a photo, our secret",
                    "sent_at": "2026-11-20T09:59:00+08:00",
                },
            ]
        }
    ]
    return body


class Receiver:
    """A webhook receiver on loopback that answers 204 to everything."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/hook"


def subscribed_receiver(runtime: Runtime, settings: Settings) -> Receiver:
    """A webhook receiver in this process, subscribed for the Secretariat's events."""
    receiver = Receiver()
    with runtime.db.transaction() as session:
        create_subscription(
            session,
            runtime.keyring,
            agency="SECRETARIAT",
            url=receiver.url,
            guard=guard_for(settings),
        )
    return receiver


def store_reports(runtime: Runtime, indexes: range, accounts: int) -> None:
    """Reports ``indexes`` (see :func:`report_body`) submitted in one transaction, as intake
    stores them."""
    with runtime.db.transaction() as session:
        for index in indexes:
            raw = report_body(index, accounts)
            submit(
                session,
                keyring=runtime.keyring,
                actor=SYSTEM,
                data=ReportIn.model_validate(raw),
                body_sha256=canonical_sha256({**raw, "_n": index}),
                client_id="bench",
                idempotency_key=f"bench-{index}",
            )


_DUE = text(
    "SELECT id, task_name, args FROM procrastinate_jobs WHERE status = 'todo' "
    "AND (scheduled_at IS NULL OR scheduled_at <= now()) ORDER BY priority DESC, id LIMIT 1"
)
_DONE = text("UPDATE procrastinate_jobs SET status = 'succeeded' WHERE id = :id")
_START = text("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = :id")


class Stats:
    def __init__(self) -> None:
        self.profiles: dict[str, cProfile.Profile] = defaultdict(cProfile.Profile)
        self.count: dict[str, int] = defaultdict(int)
        self.cpu: dict[str, float] = defaultdict(float)
        self.wall: dict[str, float] = defaultdict(float)
        # Per task, per statement (its first line, shortened): executions and wall time.
        self.task: str | None = None
        self.statements: dict[str, dict[str, list[float]]] = defaultdict(
            lambda: defaultdict(lambda: [0, 0.0])
        )
        # The server processes of this process's connections (their CPU is the database's
        # share of the work: every statement here is a job's or the job runner's).
        self.backends: set[int] = set()

    def watch(self, engine: Engine) -> None:
        """Time every statement the engine runs, under the task running it."""

        @event.listens_for(engine, "connect")
        def connected(dbapi_connection: Any, record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT pg_backend_pid()")
            self.backends.add(int(cursor.fetchone()[0]))
            cursor.close()

        @event.listens_for(engine, "before_cursor_execute")
        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            conn.info["started"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if self.task is None:
                return
            key = " ".join(statement.split())[:110]
            entry = self.statements[self.task][key]
            entry[0] += 1
            entry[1] += time.perf_counter() - conn.info.pop("started", time.perf_counter())


def backend_cpu(pids: set[int]) -> float:
    """CPU seconds (user + system) used so far by these server processes (same machine)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def run_waiting(runtime: Runtime, stats: Stats) -> None:
    """Run every due job, highest priority first, each as the worker would."""
    while True:
        with runtime.db.transaction() as session:
            row = session.execute(_DUE).first()
            if row is None:
                return
            session.execute(_START, {"id": row.id})
        spec = worker.JOBS[row.task_name]
        profile = stats.profiles[row.task_name]
        cpu, wall = time.process_time(), time.perf_counter()
        stats.task = row.task_name
        profile.enable()
        try:
            with running_job(row.id):  # as the worker runs it (batches claim under its id)
                spec.func(**row.args)
        finally:
            profile.disable()
            stats.task = None
        stats.cpu[row.task_name] += time.process_time() - cpu
        stats.wall[row.task_name] += time.perf_counter() - wall
        stats.count[row.task_name] += 1
        with runtime.db.transaction() as session:
            session.execute(_DONE, {"id": row.id})


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reports", type=int, default=600)
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--bank", type=int, default=10_000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--task", action="append", help="print only these tasks' profiles")
    parser.add_argument(
        "--sort", default="cumulative", help="profile order (pstats key, e.g. tottime)"
    )
    args = parser.parse_args()
    load = os.getloadavg()
    with (
        scratch_database(f"perisai_bench_profile_{os.getpid()}") as url,
        tempfile.TemporaryDirectory(prefix="perisai-profile-") as tmp,
    ):
        settings = Settings(
            database_url=url,
            data_dir=Path(tmp),
            webhook_allow_hosts="127.0.0.1",
            worker_in_process=False,
        )
        runtime = Runtime.start(settings)
        stats = Stats()
        stats.watch(runtime.db.engine)
        worker.make_app(url)  # registers every task module's jobs
        worker._runtime = runtime  # the jobs read the worker's runtime
        fill_bank(url, args.bank, name="bench")
        backends_at_start = backend_cpu(stats.backends)
        receiver = subscribed_receiver(runtime, settings)
        started = time.perf_counter()
        intake_backend = 0.0
        for first in range(0, args.reports, args.batch):
            before_intake = backend_cpu(stats.backends)
            store_reports(
                runtime, range(first, min(args.reports, first + args.batch)), args.accounts
            )
            intake_backend += backend_cpu(stats.backends) - before_intake
            run_waiting(runtime, stats)
        elapsed = time.perf_counter() - started
        # The server's CPU for this run's statements, less intake's (the worker's share).
        server = backend_cpu(stats.backends) - backends_at_start - intake_backend
        receiver.http.shutdown()
        runtime.db.dispose()
    summary(args, stats, elapsed=elapsed, server=server, load=(load[0], os.getloadavg()[0]))


def summary(
    args: argparse.Namespace,
    stats: Stats,
    *,
    elapsed: float,
    server: float,
    load: tuple[float, float],
) -> None:
    """Per task: jobs, CPU and wall; per report: CPU (ours and the server's), jobs, statements;
    then each task's profile and its statements."""
    print(
        f"# {args.reports} reports, accounts from a pool of {args.accounts}, bank of "
        f"{args.bank:,} PDQ entries; {elapsed:.1f} s; load {load[0]:.1f} at start, "
        f"{load[1]:.1f} at the end"
    )
    print("\n| task | jobs | CPU per job | wall per job | total wall |")
    print("|---|---:|---:|---:|---:|")
    for name in sorted(stats.count, key=lambda n: -stats.wall[n]):
        n = stats.count[name]
        print(
            f"| {name} | {n} | {stats.cpu[name] / n * 1e3:.1f} ms "
            f"| {stats.wall[name] / n * 1e3:.1f} ms | {stats.wall[name]:.1f} s |"
        )
    reports = max(1, args.reports)
    per_report = sum(stats.cpu.values()) / reports
    jobs = sum(stats.count.values())
    statements = sum(c for task in stats.statements.values() for c, _ in task.values())
    print(f"\nCPU of this process per report, all jobs: {per_report * 1e3:.1f} ms")
    print(
        f"PostgreSQL CPU per report (this process's connections, intake's left out): "
        f"{server / reports * 1e3:.1f} ms; both: {(per_report + server / reports) * 1e3:.1f} ms"
    )
    print(
        f"Jobs run per report: {jobs / reports:.2f}; statements per report: "
        f"{statements / reports:.1f} (job runner's fetch and finish not counted)"
    )
    for name in sorted(stats.count, key=lambda n: -stats.wall[n]):
        if not args.task or name in args.task:
            profile_of(args, stats, name)


def profile_of(args: argparse.Namespace, stats: Stats, name: str) -> None:
    out = io.StringIO()
    shown = pstats.Stats(stats.profiles[name], stream=out).sort_stats(args.sort)
    if args.sort == "cumulative":
        shown.print_stats("perisai/", args.top)
    else:
        shown.print_stats(args.top)
    print(f"\n## {name}\n{out.getvalue()}")
    n = stats.count[name]
    print("| statement | per job | ms per job |\n|---|---:|---:|")
    ranked = sorted(stats.statements[name].items(), key=lambda kv: -kv[1][1])
    for statement, (calls, seconds) in ranked[: args.top]:
        print(f"| `{statement}` | {calls / n:.2f} | {seconds / n * 1e3:.2f} |")


if __name__ == "__main__":
    main()
