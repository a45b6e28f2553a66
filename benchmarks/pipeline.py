"""Does the pipeline keep up? Intake, enrichment, triage, sharing under steady load and a burst.

Targets (issue #12, Performance): with 20 reports/s sustained for 10 minutes (accounts from a
pool of 1,000) triage p95 ≤ 30 s from intake and the job backlog flat; after a minute at
300 reports/s the backlog drains within 5 minutes; every webhook is delivered. Baseline: an
independent run of `benchmarks/sharing_latency.py` (50/s for 60 s) left 9,923 jobs waiting and
one webhook probe of 300 undelivered within its 30 s.

Set-up: a fresh database (PERISAI_TEST_DATABASE_URL's server), a real `perisai serve` and
`nice perisai worker --processes N` beside it, a webhook subscription to a receiver in this
process and a bank of 100,000 PDQ entries (matching on: every process loads it). Load: reports
POSTed open-loop by the generator shared with `intake_load.py` (`loadgen.py`), in a process of
its own; each phase prints its offered and achieved rate. Each report is enriched, triaged and
announced by the worker. Probes: one event a second emitted from this process, counted when the
receiver gets it: on time (within 30 s), late (before the bounded wait at the end ran out) or
never. Every `--sample` seconds the benchmark records the reports stored and triaged and the
jobs waiting per queue; a report's "triaged" time is the first sample that sees its triage
record (resolution: the sample period). Backlog is counted both ways: jobs due or running, and
reports stored but not yet triaged (what batch jobs would hide from a count of jobs).

Kept for explaining a failure afterwards (`--out DIR`, default benchmarks/out/pipeline-<time>):
the server's and workers' logs, this report, the samples, and a dump of every delivery not
delivered at the end (status, attempts, last error, next attempt, its procrastinate jobs) and of
every probe never received.

Run: PYTHONPATH=src .venv/bin/python benchmarks/pipeline.py [--quick] [--steady-rate 20
     --steady 600 --burst-rate 300 --burst 60 --drain 300] [--out DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import create_engine, text

from loadgen import (
    PERISAI,
    LoadGenerator,
    Phase,
    PhaseResult,
    Target,
    cli,
    create_api_key,
    fill_bank,
    percentile,
    serve,
)
from perisai.db.engine import Database
from perisai.sharing.events import emit
from perisai.sharing.models import Tlp
from perisai.sharing.names import DELIVER_TASK
from perisai.testing.database import drop_database, migrated_database, test_server_url

TRIAGE_P95_TARGET_S = 30.0
DRAIN_TARGET_S = 300.0
PROBE_ON_TIME_S = 30.0  # the baseline's bound: "never delivered within its 30 s"
BANK_ENTRIES = 100_000
WORKER_NICENESS = 10  # as `perisai serve` nices its in-process worker (perisai.serve)
OUT_ROOT = Path(__file__).resolve().parent / "out"

REPORT: dict[str, Any] = {
    "incident": {
        "type": "online_enticement",
        "occurred_at": "2026-11-20T10:00:00+08:00",
        "annotations": ["sextortion"],
    },
    "reported_accounts": [],
    "victims": [{"age": 12}],
    "conversations": [
        {
            "messages": [
                {
                    "author": "",
                    "text": "hello, how old are you?",
                    "sent_at": "2026-11-20T09:58:00+08:00",
                },
                {
                    "author": "",
                    "text": "send me a photo, our secret",
                    "sent_at": "2026-11-20T09:59:00+08:00",
                },
            ]
        }
    ],
}


def report_body(account: int) -> bytes:
    """A report naming account ``account`` (so that reports of one account link)."""
    body = json.loads(json.dumps(REPORT))
    body["reported_accounts"] = [
        {
            "platform": "ExampleChat",
            "user_id": f"u{account}",
            "phones": [f"012-{account // 10000:03d} {account % 10000:04d}"],
        }
    ]
    for message in body["conversations"][0]["messages"]:
        message["author"] = f"u{account}"
    return json.dumps(body).encode()


def bodies(accounts: int) -> list[bytes]:
    """Request i carries bodies[i % accounts]: account (i * 7919) mod accounts, encoded once."""
    return [report_body((index * 7919) % accounts) for index in range(accounts)]


@contextlib.contextmanager
def job_worker(
    env: dict[str, str], log_dir: Path, processes: int, concurrency: int
) -> Iterator[None]:
    """`perisai worker --processes N` beside the server, niced as the server's own in-process
    worker is (intake keeps the cores it needs), and running (every lane of every process
    registered) before the load starts; nothing when ``processes`` is 0."""
    if processes == 0:
        yield
        return
    command = ["nice", "-n", str(WORKER_NICENESS), *PERISAI]
    command += ["worker", "--processes", str(processes), "--concurrency", str(concurrency)]
    with (log_dir / "worker.log").open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        engine = create_engine(env["PERISAI_DATABASE_URL"])
        try:
            deadline = time.monotonic() + 600
            with engine.connect() as connection:
                while time.monotonic() < deadline:
                    running = connection.scalar(text("SELECT count(*) FROM procrastinate_workers"))
                    connection.rollback()
                    if (running or 0) >= processes * 3:  # three lanes a process
                        break
                    if process.poll() is not None:
                        raise RuntimeError(f"the job worker exited with {process.returncode}")
                    time.sleep(0.5)
                else:
                    raise RuntimeError("the job worker did not start")
            engine.dispose()
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Receiver:
    """A webhook receiver on loopback: when each event id first arrived, and how many posts."""

    def __init__(self) -> None:
        self.at: dict[int, float] = {}
        self.posts = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                event_id = self.headers.get("Perisai-Event-Id", "")
                with receiver.lock:
                    receiver.posts += 1
                    if event_id.isdigit():
                        receiver.at.setdefault(int(event_id), time.time())
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/hook"

    def missing(self, committed: dict[int, float]) -> list[int]:
        with self.lock:
            return [event_id for event_id in list(committed) if event_id not in self.at]


def probe(url: str, stop: threading.Event, committed: dict[int, float]) -> None:
    """One webhook probe event a second until ``stop``."""
    database = Database(url, pool_size=1)
    try:
        n = 0
        while not stop.wait(1.0):
            n += 1
            with database.transaction() as session:
                event_id = emit(
                    session,
                    type="bench.probe",
                    subject_type="bench",
                    subject_id=n,
                    payload={"status": "probe"},
                    audience=["SECRETARIAT"],
                    tlp=Tlp.AMBER,
                ).id
            committed[event_id] = time.time()
    finally:
        database.dispose()


@dataclass
class Sample:
    t: float
    phase: str
    stored: int
    triaged: int
    jobs: dict[str, int]
    stuck: int = 0  # of those, jobs 'doing' for over STUCK_AFTER_S (a worker lost track)
    load: float = field(default_factory=lambda: os.getloadavg()[0])

    @property
    def jobs_waiting(self) -> int:
        return sum(self.jobs.values())

    @property
    def work_waiting(self) -> int:
        """Jobs that will still run: waiting ones less those stuck in 'doing'."""
        return self.jobs_waiting - self.stuck

    @property
    def untriaged(self) -> int:
        """Reports stored and not yet triaged: the backlog whatever the job layout."""
        return self.stored - self.triaged


STUCK_AFTER_S = 120
# Jobs left 'doing' long after they started: a job whose failure could not be recorded (its
# retry collided with a waiting job's queueing lock) stays so, and would never let the count
# of jobs reach 0 although no work is left.
STUCK = text(
    "SELECT count(*) FROM procrastinate_jobs j WHERE j.status = 'doing' AND "
    "(SELECT max(e.at) FROM procrastinate_events e WHERE e.job_id = j.id "
    "AND e.type = 'started') < now() - make_interval(secs => :after)"
).bindparams(after=STUCK_AFTER_S)


# Report ids the sampler reads again each time (see Watch.run).
LOOK_BACK = 2000


@dataclass
class Watch:
    """Samples of the pipeline's state, and when each report was first seen triaged."""

    url: str
    period: float
    phase: str = "start"
    samples: list[Sample] = field(default_factory=list)
    received: dict[int, float] = field(default_factory=dict)  # report id -> received (epoch)
    triaged: dict[int, float] = field(default_factory=dict)  # report id -> first seen triaged
    phase_of: dict[int, str] = field(default_factory=dict)

    def run(self, stop: threading.Event, started: float) -> None:
        engine = create_engine(self.url)
        last_report, last_triage = 0, 0
        try:
            with engine.connect() as connection:
                while not stop.wait(self.period):
                    now = time.time()
                    # Ids are drawn before commit, and two intake writers commit in either
                    # order: a report may appear after a larger id did. Looking back
                    # LOOK_BACK ids finds it (missed, the run of 10:25 counted 25 reports
                    # triaged but never stored, and its drain could never be seen done).
                    for report_id, received in connection.execute(
                        text(
                            "SELECT id, extract(epoch FROM received_at) FROM report "
                            "WHERE id > :after ORDER BY id"
                        ),
                        {"after": max(0, last_report - LOOK_BACK)},
                    ):
                        if int(report_id) not in self.received:
                            self.received[int(report_id)] = float(received)
                            self.phase_of[int(report_id)] = self.phase
                        last_report = max(last_report, int(report_id))
                    for (report_id,) in connection.execute(
                        text("SELECT report_id FROM triage_record WHERE report_id > :after"),
                        {"after": last_triage},
                    ):
                        self.triaged.setdefault(int(report_id), now)
                    waiting = sorted(set(self.received) - set(self.triaged))
                    last_triage = (waiting[0] - 1) if waiting else last_report
                    jobs = {
                        str(queue): int(count)
                        for queue, count in connection.execute(
                            text(
                                # Jobs scheduled for later (delivery retries, the
                                # dispatcher's rechecks) are not backlog: only jobs due
                                # now or running.
                                "SELECT queue_name, count(*) FROM procrastinate_jobs "
                                "WHERE status = 'doing' OR (status = 'todo' AND "
                                "(scheduled_at IS NULL OR scheduled_at <= now())) "
                                "GROUP BY queue_name"
                            )
                        )
                    }
                    stuck = int(connection.scalar(STUCK) or 0)
                    connection.rollback()
                    self.samples.append(
                        Sample(
                            now - started,
                            self.phase,
                            len(self.received),
                            len(self.triaged),
                            jobs,
                            stuck,
                        )
                    )
        finally:
            engine.dispose()

    def latencies(self, phase: str) -> list[float]:
        return [
            self.triaged[r] - self.received[r]
            for r, p in self.phase_of.items()
            if p == phase and r in self.triaged
        ]

    def write_csv(self, path: Path) -> None:
        with path.open("w", newline="") as out:
            writer = csv.writer(out)
            head = ["t_s", "phase", "stored", "triaged", "untriaged", "jobs", "stuck", "load1"]
            writer.writerow(head)
            for s in self.samples:
                jobs = json.dumps(s.jobs, sort_keys=True)
                row = [f"{s.t:.1f}", s.phase, s.stored, s.triaged, s.untriaged, jobs, s.stuck]
                row.append(s.load)
                writer.writerow(row)


# Batched tasks (jobs/batch.py) finish the jobs a batch claimed in the batch's transaction:
# they share one 'succeeded' time, so jobs grouped by it are one run (a batch, or a lone job).
TASK_TIMES = """
WITH jobs AS (
    SELECT j.task_name, s.at AS done_at, extract(epoch FROM s.at - st.at) AS run,
        extract(epoch FROM st.at - d.at) AS wait
    FROM procrastinate_jobs j
    JOIN procrastinate_events d ON d.job_id = j.id AND d.type = 'deferred'
    JOIN procrastinate_events st ON st.job_id = j.id AND st.type = 'started'
    JOIN procrastinate_events s ON s.job_id = j.id AND s.type = 'succeeded'
), runs AS (
    SELECT task_name, count(*) AS jobs, max(run) AS run FROM jobs GROUP BY task_name, done_at
)
SELECT r.task_name, sum(r.jobs), count(*),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY r.run), sum(r.run),
    (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY j.wait) FROM jobs j
     WHERE j.task_name = r.task_name)
FROM runs r GROUP BY r.task_name ORDER BY 5 DESC
"""


def task_times(url: str) -> list[tuple[str, int, int, float, float, float]]:
    """Per task: jobs done, runs (batches or lone jobs), median run, total run, median wait."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [
                (str(name), int(n), int(runs), float(median), float(total), float(wait))
                for name, n, runs, median, total, wait in connection.execute(text(TASK_TIMES))
            ]
    finally:
        engine.dispose()


UNDELIVERED = """
SELECT d.id, d.event_id, e.type, d.status, d.attempts, d.last_status_code, d.last_error,
    d.created_at, d.last_attempt_at, d.next_attempt_at, e.created_at AS event_created_at
FROM webhook_delivery d JOIN outbox_event e ON e.id = d.event_id
WHERE d.status <> 'delivered' ORDER BY d.id
"""
DELIVERY_JOBS = """
SELECT j.id, (j.args->>'delivery_id')::bigint AS delivery_id, j.args->>'attempt' AS attempt,
    j.queue_name, j.status, j.attempts, j.scheduled_at,
    (SELECT json_agg(json_build_object('type', ev.type, 'at', ev.at) ORDER BY ev.at)
     FROM procrastinate_events ev WHERE ev.job_id = j.id) AS events
FROM procrastinate_jobs j
WHERE j.task_name = :task AND (j.args->>'delivery_id')::bigint = ANY(:ids) ORDER BY j.id
"""
PROBES_WITHOUT_DELIVERY = """
SELECT e.id, e.type, e.xact_id, e.created_at FROM outbox_event e
WHERE e.id = ANY(:ids)
  AND NOT EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.event_id = e.id) ORDER BY e.id
"""
# Events the subscription never got a delivery for: "passed" ones are behind the dispatcher's
# cursor (skipped for good, unless withheld by redaction), the others not dispatched yet.
EVENTS_WITHOUT_DELIVERY = """
SELECT e.type,
    e.id <= coalesce((SELECT last_event_id FROM sharing_dispatch_cursor
                      WHERE name = 'webhooks'), 0) AS passed,
    count(*), min(e.id), max(e.id)
FROM outbox_event e
WHERE e.id > (SELECT coalesce(min(starts_after_event_id), 0) FROM webhook_subscription)
  AND NOT EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.event_id = e.id)
GROUP BY 1, 2 ORDER BY 3 DESC
"""
JOB_SUMMARY = """
SELECT task_name, queue_name, status, count(*), min(scheduled_at), max(scheduled_at)
FROM procrastinate_jobs GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""


def _rows(connection: Any, sql: str, **params: Any) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in connection.execute(text(sql), params)]


def dump_state(url: str, missing_probes: list[int], path: Path) -> dict[str, Any]:
    """Every delivery not delivered, its jobs, probes without a delivery, the dispatch cursor
    and the jobs by task and status: what explains a webhook not delivered, after the run."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            undelivered = _rows(connection, UNDELIVERED)
            ids = [row["id"] for row in undelivered]
            state = {
                "undelivered": undelivered,
                "delivery_jobs": _rows(connection, DELIVERY_JOBS, task=DELIVER_TASK, ids=ids),
                "missing_probes": missing_probes,
                "probes_without_delivery": _rows(
                    connection, PROBES_WITHOUT_DELIVERY, ids=missing_probes
                ),
                "events_without_delivery": _rows(connection, EVENTS_WITHOUT_DELIVERY),
                "dispatch_cursor": _rows(connection, "SELECT * FROM sharing_dispatch_cursor"),
                "last_event_id": connection.scalar(text("SELECT max(id) FROM outbox_event")),
                "jobs": _rows(connection, JOB_SUMMARY),
            }
    finally:
        engine.dispose()
    path.write_text(json.dumps(state, indent=1, default=str))
    return state


def pending_probe_attempts(url: str, probes: list[int]) -> list[datetime | None]:
    """When each pending delivery of these probes is next tried (None: at once / unknown)."""
    if not probes:
        return []
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [
                at
                for (at,) in connection.execute(
                    text(
                        "SELECT next_attempt_at FROM webhook_delivery "
                        "WHERE event_id = ANY(:ids) AND status = 'pending'"
                    ),
                    {"ids": probes},
                )
            ]
    finally:
        engine.dispose()


class Tee(io.TextIOBase):
    """Print to the terminal and to the kept report at once."""

    def __init__(self, *streams: TextIO) -> None:
        self.streams = streams

    def write(self, data: str) -> int:
        for stream in self.streams:
            stream.write(data)
        return len(data)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


@dataclass
class Run:
    """What a run measured, for the report."""

    args: argparse.Namespace
    steady: float
    burst: float
    started: float
    burst_end: float
    drained_at: float | None
    phases: list[PhaseResult]
    watch: Watch
    committed: dict[int, float]
    receiver: Receiver
    wait_end: float
    load_at_start: tuple[float, float, float]
    tasks: list[tuple[str, int, int, float, float, float]]
    state: dict[str, Any]


def _load(watch: Watch, *phases: str) -> str:
    seen = [x.load for x in watch.samples if x.phase in phases]
    return f"{min(seen):.1f}–{max(seen):.1f}" if seen else "–"


def print_samples(run: Run) -> None:
    print(
        "| t (s) | phase | reports stored | triaged | awaiting triage | jobs waiting "
        "(by queue) | load (1 min) |"
    )
    print("|---:|---|---:|---:|---:|---|---:|")
    shown = -1e9
    for sample in run.watch.samples:
        if sample.t - shown >= 30 or sample is run.watch.samples[-1]:
            shown = sample.t
            queues = ", ".join(f"{q} {n}" for q, n in sorted(sample.jobs.items())) or "0"
            if sample.stuck:
                queues += f" ({sample.stuck} stuck in 'doing')"
            print(
                f"| {sample.t:.0f} | {sample.phase} | {sample.stored} | {sample.triaged} "
                f"| {sample.untriaged} | {queues} | {sample.load:.1f} |"
            )


def print_verdicts(run: Run) -> None:
    args, watch = run.args, run.watch
    steady_samples = [s for s in watch.samples if s.phase == "steady"]
    half = len(steady_samples) // 2

    def most(values: list[Sample], measure: str) -> int:
        return max((int(getattr(s, measure)) for s in values), default=0)

    halves = {
        m: (most(steady_samples[:half], m), most(steady_samples[half:], m))
        for m in ("jobs_waiting", "untriaged")
    }
    flat = all(second <= max(50, 1.5 * first) for first, second in halves.values())
    lat = watch.latencies("steady")
    p95 = percentile(lat, 95)
    untriaged = sum(
        1 for r, p in watch.phase_of.items() if p == "steady" and r not in watch.triaged
    )
    drain_s = (run.drained_at - run.burst_end) if run.drained_at is not None else None
    with run.receiver.lock:
        arrived = {
            i: run.receiver.at[i] - t for i, t in run.committed.items() if i in run.receiver.at
        }
    on_time = [d for d in arrived.values() if d <= PROBE_ON_TIME_S]
    late = [d for d in arrived.values() if d > PROBE_ON_TIME_S]
    never = len(run.committed) - len(arrived)
    burst_lat = watch.latencies("burst")
    steady_phase, burst_phase = run.phases
    print()
    print("| measure | measured | target | verdict | load (1 min) |")
    print("|---|---:|---:|---|---|")
    for phase, names in ((steady_phase, ("steady",)), (burst_phase, ("burst",))):
        print(
            f"| load offered / achieved, {phase.name} | {phase.offered_rate:.0f}/s offered, "
            f"{phase.sent_rate:.1f}/s sent, {phase.achieved_rate:.1f}/s answered 201 "
            f"({sum(phase.errors.values())} errors) | {phase.offered_rate:.0f}/s "
            f"| {'PASS' if phase.achieved_rate >= 0.98 * phase.offered_rate else 'FAIL'} "
            f"| {_load(watch, *names)} |"
        )
    print(
        f"| intake → triaged, steady {args.steady_rate:.0f}/s | p50 {percentile(lat, 50):.1f} s, "
        f"p95 **{p95:.1f} s** ({len(lat)} reports, {untriaged} never triaged) | p95 ≤ 30 s "
        f"| {'PASS' if p95 <= TRIAGE_P95_TARGET_S and not untriaged else 'FAIL'} "
        f"| {_load(watch, 'steady')} |"
    )
    (j1, j2), (u1, u2) = halves["jobs_waiting"], halves["untriaged"]
    print(
        f"| backlog during the steady phase | jobs waiting: max {j1} in the first half, {j2} in "
        f"the second; reports awaiting triage: max {u1} / {u2} | flat "
        f"| {'PASS' if flat else 'FAIL'} | {_load(watch, 'steady')} |"
    )
    print(
        f"| intake → triaged, burst {args.burst_rate:.0f}/s "
        f"| p50 {percentile(burst_lat, 50):.1f} s, "
        f"p95 {percentile(burst_lat, 95):.1f} s | – | – | {_load(watch, 'burst')} |"
    )
    last = watch.samples[-1] if watch.samples else None
    left = f" ({last.work_waiting} jobs, {last.untriaged} reports left)" if last else ""
    stuck = f"; {last.stuck} jobs stuck in 'doing' not counted" if last and last.stuck else ""
    print(
        f"| backlog drained after the burst | "
        f"{f'{drain_s:.0f} s' if drain_s is not None else 'not within the wait' + left}{stuck} "
        f"| ≤ 300 s | {'PASS' if drain_s is not None and drain_s <= DRAIN_TARGET_S else 'FAIL'} "
        f"| {_load(watch, 'drain')} |"
    )
    hook = list(arrived.values())
    print(
        f"| webhook probes | {len(on_time)} of {len(run.committed)} within "
        f"{PROBE_ON_TIME_S:.0f} s (p50 {percentile(hook, 50) * 1e3:.0f} ms, p95 "
        f"{percentile(hook, 95) * 1e3:.0f} ms, max {max(hook, default=float('nan')):.1f} s); "
        f"delivered late {len(late)}; never delivered {never} "
        f"(waited until {run.wait_end - run.started:.0f} s) | all "
        f"| {'PASS' if not late and not never else 'FAIL'} "
        f"| {_load(watch, 'steady', 'burst', 'drain')} |"
    )
    print(
        f"| intake answer p99 from due time, steady / burst "
        f"| {percentile(steady_phase.due_ms, 99):.0f} ms / "
        f"{percentile(burst_phase.due_ms, 99):.0f} ms | – | – "
        f"| {_load(watch, 'steady')} / {_load(watch, 'burst')} |"
    )


def print_report(run: Run) -> None:
    args = run.args
    load_at_end = os.getloadavg()
    print(
        f"# Pipeline — {time.strftime('%Y-%m-%d %H:%M', time.gmtime(run.started))} UTC, "
        f"{os.cpu_count()} CPUs shared; load average {run.load_at_start[0]:.1f} at start, "
        f"{load_at_end[0]:.1f} at the end (5 min: {load_at_end[1]:.1f})"
    )
    print(
        f"steady {args.steady_rate:.0f}/s for {run.steady:.0f} s, burst {args.burst_rate:.0f}/s "
        f"for {run.burst:.0f} s, accounts from a pool of {args.accounts}, bank of "
        f"{BANK_ENTRIES:,} PDQ entries, `perisai serve --workers {args.server_workers}` "
        + (
            f"and `nice perisai worker --processes {args.job_processes} "
            f"--concurrency {args.job_concurrency}`"
            if args.job_processes
            else "with its in-process worker"
        )
        + f"; {args.concurrency} client connections from a generator process of its own\n"
    )
    for phase in run.phases:
        print(phase.line())
        if phase.errors:
            print(f"  errors: {dict(phase.errors)}")
    print(f"webhook receiver: {run.receiver.posts} posts received\n")
    print_samples(run)
    print_verdicts(run)
    print(
        "\n| task | jobs done | runs (batches or lone jobs) | median run | total run "
        "| median wait to start |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, n, runs, median, total, wait in run.tasks:
        print(f"| {name} | {n} | {runs} | {median * 1e3:.0f} ms | {total:.0f} s | {wait:.1f} s |")
    state = run.state
    print(
        f"\nat the end: {len(state['undelivered'])} deliveries not delivered, "
        f"{len(state['probes_without_delivery'])} of {len(state['missing_probes'])} missing "
        f"probes without any delivery row; events without a delivery (type, behind the "
        f"dispatch cursor?, count): "
        f"{[(r['type'], r['passed'], r['count']) for r in state['events_without_delivery']]}"
    )
    for row in state["undelivered"][:20]:
        print(
            f"  delivery {row['id']} event {row['event_id']} ({row['type']}): {row['status']}, "
            f"{row['attempts']} attempts, last error {row['last_error']!r}, next attempt "
            f"{row['next_attempt_at']}"
        )
    print(f"(kept in {args.out})")


def wait_for_drain(
    args: argparse.Namespace, watch: Watch, receiver: Receiver, committed: dict[int, float]
) -> float | None:
    """Until the backlog is gone (or the drain's bound); the time it was first seen gone."""
    drained_at = None
    deadline = time.monotonic() + args.drain + 60
    while time.monotonic() < deadline:
        time.sleep(args.sample)
        last = watch.samples[-1] if watch.samples else None
        if (
            drained_at is None
            and last is not None
            and last.phase == "drain"
            and last.work_waiting == 0
            and last.untriaged == 0
        ):
            drained_at = last.t
        if drained_at is not None and not receiver.missing(committed):
            break
    return drained_at


def wait_for_deliveries(
    url: str, args: argparse.Namespace, receiver: Receiver, committed: dict[int, float]
) -> None:
    """Bounded: while probes are missing and their deliveries still have an attempt due within
    the wait, give them the chance (retries back off up to minutes)."""
    deadline = time.monotonic() + args.delivery_wait
    while time.monotonic() < deadline:
        missing = receiver.missing(committed)
        if not missing:
            return
        upcoming = pending_probe_attempts(url, missing)
        if not upcoming:
            return  # nothing left to try: never delivered (the dump says why)
        time.sleep(2)


def main() -> None:  # noqa: PLR0915 - one straight run
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 s steady, 10 s burst")
    parser.add_argument("--steady-rate", type=float, default=20.0)
    parser.add_argument("--steady", type=float, default=600.0)
    parser.add_argument("--burst-rate", type=float, default=300.0)
    parser.add_argument("--burst", type=float, default=60.0)
    parser.add_argument("--drain", type=float, default=DRAIN_TARGET_S)
    parser.add_argument(
        "--delivery-wait",
        type=float,
        default=120.0,
        help="after the drain, seconds to wait at most for probes whose delivery is retrying",
    )
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument(
        "--server-workers", type=int, default=2, help="`perisai serve --workers` (one per core)"
    )
    parser.add_argument(
        "--job-processes",
        type=int,
        default=2,
        help="`perisai worker --processes N` beside the server (0: the server's own "
        "in-process worker thread, as before)",
    )
    parser.add_argument(
        "--job-concurrency", type=int, default=2, help="`perisai worker --concurrency`"
    )
    parser.add_argument("--concurrency", type=int, default=256, help="client connections")
    parser.add_argument("--sample", type=float, default=2.0, help="seconds between samples")
    parser.add_argument("--log-level", default="WARNING", help="PERISAI_LOG_LEVEL of the server")
    parser.add_argument(
        "--out",
        type=Path,
        default=OUT_ROOT / f"pipeline-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}",
        help="where the logs, samples, report and the dump of undelivered webhooks are kept",
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    # A SIGTERM (e.g. `timeout`) unwinds normally: the server, worker and database are cleaned.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    steady, burst = (60.0, 10.0) if args.quick else (args.steady, args.burst)
    load_at_start = os.getloadavg()

    with test_server_url() as server_url:
        name = f"perisai_bench_pipeline_{os.getpid()}"
        url = migrated_database(server_url, name)
        try:
            fill_bank(url, BANK_ENTRIES, "bench")
            env = {k: v for k, v in os.environ.items() if not k.startswith("PERISAI_")}
            env.update(
                PERISAI_DATABASE_URL=url,
                PERISAI_DATA_DIR=str(args.out / "var"),
                PERISAI_LOG_LEVEL=args.log_level,
                PERISAI_WEBHOOK_ALLOW_HOSTS="127.0.0.1",
            )
            if args.job_processes:
                env["PERISAI_WORKER_IN_PROCESS"] = "false"
            key = create_api_key(env, "bench")
            receiver = Receiver()
            cli(env, "sharing", "webhook", "add", "--agency", "SECRETARIAT", "--url", receiver.url)
            with (
                serve(env, args.server_workers, args.out / "serve.log") as (base, _),
                job_worker(env, args.out, args.job_processes, args.job_concurrency),
                LoadGenerator(
                    Target.of(base, key),
                    bodies(args.accounts),
                    concurrency=args.concurrency,
                    timeout=60.0,
                    own_process=True,
                ) as generator,
            ):
                started = time.time()
                stop_watch, stop_probe = threading.Event(), threading.Event()
                watch = Watch(url, args.sample)
                watcher = threading.Thread(
                    target=watch.run, args=(stop_watch, started), daemon=True
                )
                watcher.start()
                committed: dict[int, float] = {}
                prober = threading.Thread(
                    target=probe, args=(url, stop_probe, committed), daemon=True
                )
                prober.start()
                phases = []
                for phase in (
                    Phase("steady", args.steady_rate, steady),
                    Phase("burst", args.burst_rate, burst, first=10_000_000),
                ):
                    watch.phase = phase.name
                    phases.append(generator.run(phase))
                    print(phases[-1].line(), flush=True)
                burst_end = time.time() - started
                watch.phase = "drain"
                stop_probe.set()
                prober.join()
                drained_at = wait_for_drain(args, watch, receiver, committed)
                wait_for_deliveries(url, args, receiver, committed)
                wait_end = time.time()
                stop_watch.set()
                watcher.join()
            receiver.http.shutdown()
            tasks = task_times(url)
            state = dump_state(url, receiver.missing(committed), args.out / "undelivered.json")
        finally:
            drop_database(server_url, name)

    run = Run(
        args=args,
        steady=steady,
        burst=burst,
        started=started,
        burst_end=burst_end,
        drained_at=drained_at,
        phases=phases,
        watch=watch,
        committed=committed,
        receiver=receiver,
        wait_end=wait_end,
        load_at_start=load_at_start,
        tasks=tasks,
        state=state,
    )
    watch.write_csv(args.out / "samples.csv")
    with (
        (args.out / "report.md").open("w") as kept,
        contextlib.redirect_stdout(Tee(sys.stdout, kept)),
    ):
        print_report(run)


if __name__ == "__main__":
    main()
