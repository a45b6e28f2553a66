"""Does the pipeline keep up? Intake, enrichment, triage, sharing under steady load and a burst.

Targets (issue #12, Performance): with 20 reports/s sustained for 10 minutes (accounts from a
pool of 1,000) triage p95 ≤ 30 s from intake and the job backlog flat; after a minute at
300 reports/s the backlog drains within 5 minutes; every webhook is delivered. Baseline: an
independent run of `benchmarks/sharing_latency.py` (50/s for 60 s) left 9,923 jobs waiting and
one webhook probe of 300 undelivered within its 30 s.

Set-up: a fresh database (PERISAI_TEST_DATABASE_URL's server), a real `perisai serve` with its
job worker (the serve process's own), a webhook subscription to a receiver in this process and
a bank of 100,000 PDQ entries (matching on: every process loads it). Load: reports POSTed
open-loop; each is enriched, triaged and announced by the worker. Probes: one event a second
emitted from this process, counted when the receiver gets it. Every `--sample` seconds the
benchmark records the reports stored and triaged and the jobs waiting per queue; a report's
"triaged" time is the first sample that sees its triage record (resolution: the sample period).

Run: .venv/bin/python benchmarks/pipeline.py [--quick] [--steady-rate 20 --steady 600
     --burst-rate 300 --burst 60 --drain 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from perisai.db.engine import Database
from perisai.sharing.events import emit
from perisai.sharing.models import Tlp
from perisai.testing.database import drop_database, migrated_database, test_server_url
from perisai.testing.live import free_port

TRIAGE_P95_TARGET_S = 30.0
DRAIN_TARGET_S = 300.0
PROBE_WAIT_S = 60.0
BANK_ENTRIES = 100_000
WORKER_NICENESS = 10  # as `perisai serve` nices its in-process worker (perisai.serve)

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


def report_body(index: int, accounts: int) -> bytes:
    """The index-th report, its account drawn from a pool of ``accounts`` (so reports link)."""
    account = (index * 7919) % accounts
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


def cli(env: dict[str, str], *args: str) -> dict[str, object]:
    """Run a CLI command (three tries: on a loaded machine a first start may time out)."""
    for attempt in range(3):
        done = subprocess.run(
            [sys.executable, "-m", "perisai.cli", *args, "--json"],
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
        if done.returncode == 0:
            loaded: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
            return loaded
        print(f"perisai {' '.join(args[:3])} failed (try {attempt + 1}): {done.stderr[-500:]}")
        time.sleep(2)
    raise SystemExit("the CLI kept failing")


@contextmanager
def job_worker(
    env: dict[str, str], log_dir: Path, processes: int, concurrency: int
) -> Iterator[None]:
    """`perisai worker --processes N` beside the server, niced as the server's own in-process
    worker is (intake keeps the cores it needs), and running (every lane of every process
    registered) before the load starts; nothing when ``processes`` is 0."""
    if processes == 0:
        yield
        return
    command = ["nice", "-n", str(WORKER_NICENESS), sys.executable, "-m", "perisai.cli"]
    command += ["worker", "--processes", str(processes), "--concurrency", str(concurrency)]
    log = (log_dir / "worker.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    engine = create_engine(env["PERISAI_DATABASE_URL"])
    try:
        deadline = time.monotonic() + 600
        with engine.connect() as connection:
            while time.monotonic() < deadline:
                running = connection.scalar(text("SELECT count(*) FROM procrastinate_workers"))
                connection.rollback()
                if (running or 0) >= processes * 3:  # three lanes a process
                    break
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


@contextmanager
def server(env: dict[str, str], log_dir: Path, workers: int) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "perisai.cli", "serve", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    log = (log_dir / "serve.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 600  # a loaded machine starts slowly
        while time.monotonic() < deadline:
            with suppress(OSError), urllib.request.urlopen(f"{base}/readyz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError("server did not become ready")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


class Receiver:
    """A webhook receiver on loopback: when each event id first arrived."""

    def __init__(self) -> None:
        self.at: dict[int, float] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                event_id = self.headers.get("Perisai-Event-Id", "")
                if event_id.isdigit():
                    with receiver.lock:
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
            return [event_id for event_id in committed if event_id not in self.at]


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
    load: float = field(default_factory=lambda: os.getloadavg()[0])


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
                    for report_id, received in connection.execute(
                        text(
                            "SELECT id, extract(epoch FROM received_at) FROM report "
                            "WHERE id > :after ORDER BY id"
                        ),
                        {"after": last_report},
                    ):
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
                                # Timers scheduled for later (SLA checks, retries) are
                                # not backlog: only jobs due now or running.
                                "SELECT queue_name, count(*) FROM procrastinate_jobs "
                                "WHERE status = 'doing' OR (status = 'todo' AND "
                                "(scheduled_at IS NULL OR scheduled_at <= now())) "
                                "GROUP BY queue_name"
                            )
                        )
                    }
                    connection.rollback()
                    self.samples.append(
                        Sample(
                            now - started, self.phase, len(self.received), len(self.triaged), jobs
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


async def offer(
    base: str, key: str, rate: float, seconds: float, accounts: int, first: int
) -> tuple[int, int, list[float]]:
    """POST reports open-loop at ``rate`` for ``seconds``; (sent, errors, latencies)."""
    run = secrets.token_hex(4)
    sent = errors = 0
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=128)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60, trust_env=False) as c:
        start = time.monotonic()

        async def one(index: int, due: float) -> None:
            nonlocal sent, errors
            headers = {
                "Authorization": f"Bearer {key}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"{run}-{index}",
            }
            try:
                answer = await c.post(
                    "/api/v1/reports", content=report_body(index, accounts), headers=headers
                )
                sent += 1
                errors += answer.status_code >= 400
            except httpx.HTTPError:
                errors += 1
            latencies.append(time.monotonic() - due)

        tasks = []
        for n in range(int(rate * seconds)):
            due = start + n / rate
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            tasks.append(asyncio.create_task(one(first + n, due)))
        await asyncio.gather(*tasks)
    return sent, errors, latencies


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def fill_bank(url: str, entries: int) -> None:
    """A bank of ``entries`` PDQ hashes, as a platform's hash list would be (matching on)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        bank_id = connection.scalar(
            text(
                "INSERT INTO bank (name, description, kind, enabled, pdq_threshold, source,"
                " created_by, owner, shared) VALUES ('bench', '', 'positive', true, 31, 'bench',"
                " 'system', 'agency:SECRETARIAT', true) RETURNING id"
            )
        )
        connection.execute(
            text(
                "INSERT INTO bank_entry (bank_id, signal_type, signal_key, label, category,"
                " source, note, metadata, added_by, enabled, disabled_reason)"
                " SELECT :bank, 'pdq', md5(g::text) || md5((-g)::text), '', '', '', '', '{}',"
                " 'system', true, '' FROM generate_series(1, :n) AS g"
            ),
            {"bank": bank_id, "n": entries},
        )
        connection.execute(
            text("INSERT INTO bank_change (op, bank_id, entry_id) VALUES ('bank', :b, NULL)"),
            {"b": bank_id},
        )
    engine.dispose()


TASK_TIMES = """
SELECT j.task_name, count(*),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.at - st.at)),
    sum(extract(epoch FROM s.at - st.at)),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM st.at - d.at))
FROM procrastinate_jobs j
JOIN procrastinate_events d ON d.job_id = j.id AND d.type = 'deferred'
JOIN procrastinate_events st ON st.job_id = j.id AND st.type = 'started'
JOIN procrastinate_events s ON s.job_id = j.id AND s.type = 'succeeded'
GROUP BY j.task_name ORDER BY 4 DESC
"""


def task_times(url: str) -> list[tuple[str, int, float, float, float]]:
    """Per task: jobs done, median run time, total run time, median wait before starting."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [
                (str(name), int(n), float(median), float(total), float(wait))
                for name, n, median, total, wait in connection.execute(text(TASK_TIMES))
            ]
    finally:
        engine.dispose()


def backlog(sample: Sample) -> int:
    return sum(sample.jobs.values())


def main() -> None:  # noqa: PLR0915 - one straight run, printed
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 s steady, 10 s burst")
    parser.add_argument("--steady-rate", type=float, default=20.0)
    parser.add_argument("--steady", type=float, default=600.0)
    parser.add_argument("--burst-rate", type=float, default=300.0)
    parser.add_argument("--burst", type=float, default=60.0)
    parser.add_argument("--drain", type=float, default=DRAIN_TARGET_S)
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
    parser.add_argument("--sample", type=float, default=2.0, help="seconds between samples")
    args = parser.parse_args()
    # A SIGTERM (e.g. `timeout`) unwinds normally: the server, worker and database are cleaned.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    steady, burst = (60.0, 10.0) if args.quick else (args.steady, args.burst)
    load_at_start = os.getloadavg()

    with (
        test_server_url() as server_url,
        tempfile.TemporaryDirectory(prefix="perisai-pipeline-") as tmp_name,
    ):
        tmp = Path(tmp_name)
        name = f"perisai_bench_pipeline_{os.getpid()}"
        url = migrated_database(server_url, name)
        try:
            fill_bank(url, BANK_ENTRIES)
            env = {k: v for k, v in os.environ.items() if not k.startswith("PERISAI_")}
            env.update(
                PERISAI_DATABASE_URL=url,
                PERISAI_DATA_DIR=str(tmp / "var"),
                PERISAI_LOG_LEVEL="WARNING",
                PERISAI_WEBHOOK_ALLOW_HOSTS="127.0.0.1",
            )
            if args.job_processes:
                env["PERISAI_WORKER_IN_PROCESS"] = "false"
            key = str(
                cli(
                    env,
                    "identity",
                    "apikey",
                    "create",
                    "--name",
                    "bench",
                    "--scopes",
                    "reports:submit",
                )["key"]
            )
            receiver = Receiver()
            cli(env, "sharing", "webhook", "add", "--agency", "SECRETARIAT", "--url", receiver.url)
            with (
                server(env, tmp, args.server_workers) as base,
                job_worker(env, tmp, args.job_processes, args.job_concurrency),
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
                watch.phase = "steady"
                s_sent, s_err, s_lat = asyncio.run(
                    offer(base, key, args.steady_rate, steady, args.accounts, 0)
                )
                watch.phase = "burst"
                b_sent, b_err, b_lat = asyncio.run(
                    offer(base, key, args.burst_rate, burst, args.accounts, 10_000_000)
                )
                burst_end = time.time() - started
                watch.phase = "drain"
                stop_probe.set()
                prober.join()
                drained_at = None
                deadline = time.monotonic() + max(args.drain, PROBE_WAIT_S) + 60
                while time.monotonic() < deadline:
                    time.sleep(args.sample)
                    last = watch.samples[-1] if watch.samples else None
                    if (
                        drained_at is None
                        and last is not None
                        and last.phase == "drain"
                        and backlog(last) == 0
                        and last.triaged >= last.stored
                    ):
                        drained_at = last.t
                    if drained_at is not None and not receiver.missing(committed):
                        break
                stop_watch.set()
                watcher.join()
            receiver.http.shutdown()
            tasks = task_times(url)
        finally:
            drop_database(server_url, name)

    load_at_end = os.getloadavg()
    print(
        f"# Pipeline — {time.strftime('%Y-%m-%d %H:%M', time.gmtime(started))} UTC, "
        f"{os.cpu_count()} CPUs shared; load average {load_at_start[0]:.1f} at start, "
        f"{load_at_end[0]:.1f} at the end (5 min: {load_at_end[1]:.1f})"
    )
    print(
        f"steady {args.steady_rate:.0f}/s for {steady:.0f} s ({s_sent} sent, {s_err} errors), "
        f"burst {args.burst_rate:.0f}/s for {burst:.0f} s ({b_sent} sent, {b_err} errors), "
        f"accounts from a pool of {args.accounts}, bank of {BANK_ENTRIES:,} PDQ entries, "
        f"`perisai serve --workers {args.server_workers}` "
        + (
            f"and `nice perisai worker --processes {args.job_processes} "
            f"--concurrency {args.job_concurrency}`\n"
            if args.job_processes
            else "with its in-process worker\n"
        )
    )
    print("| t (s) | phase | reports stored | triaged | jobs waiting (by queue) | load (1 min) |")
    print("|---:|---|---:|---:|---|---:|")
    shown = -1e9
    for sample in watch.samples:
        if sample.t - shown >= 30 or sample is watch.samples[-1]:
            shown = sample.t
            queues = ", ".join(f"{q} {n}" for q, n in sorted(sample.jobs.items())) or "0"
            print(
                f"| {sample.t:.0f} | {sample.phase} | {sample.stored} | {sample.triaged} "
                f"| {queues} | {sample.load:.1f} |"
            )
    steady_samples = [s for s in watch.samples if s.phase == "steady"]
    half = len(steady_samples) // 2
    first_half = max((backlog(s) for s in steady_samples[:half]), default=0)
    second_half = max((backlog(s) for s in steady_samples[half:]), default=0)
    flat = second_half <= max(50, 1.5 * first_half)
    lat = watch.latencies("steady")
    p95 = percentile(lat, 95)
    untriaged = sum(
        1 for r, p in watch.phase_of.items() if p == "steady" and r not in watch.triaged
    )
    drain_s = (drained_at - burst_end) if drained_at is not None else None
    missing = receiver.missing(committed)
    with receiver.lock:
        hook = [receiver.at[i] - t for i, t in committed.items() if i in receiver.at]

    def load(*phases: str) -> str:
        seen = [x.load for x in watch.samples if x.phase in phases]
        return f"{min(seen):.1f}–{max(seen):.1f}" if seen else "–"

    print()
    print("| measure | measured | target | verdict | load (1 min) |")
    print("|---|---:|---:|---|---|")
    print(
        f"| intake → triaged, steady {args.steady_rate:.0f}/s | p50 {percentile(lat, 50):.1f} s, "
        f"p95 **{p95:.1f} s** ({len(lat)} reports, {untriaged} never triaged) | p95 ≤ 30 s "
        f"| {'PASS' if p95 <= TRIAGE_P95_TARGET_S and not untriaged else 'FAIL'} "
        f"| {load('steady')} |"
    )
    print(
        f"| job backlog during the steady phase | max {first_half} in the first half, "
        f"{second_half} in the second | flat | {'PASS' if flat else 'FAIL'} | {load('steady')} |"
    )
    burst_lat = watch.latencies("burst")
    print(
        f"| intake → triaged, burst {args.burst_rate:.0f}/s "
        f"| p50 {percentile(burst_lat, 50):.1f} s, "
        f"p95 {percentile(burst_lat, 95):.1f} s | – | – | {load('burst')} |"
    )
    print(
        f"| backlog drained after the burst | "
        f"{f'{drain_s:.0f} s' if drain_s is not None else 'not within the wait'} | ≤ 300 s "
        f"| {'PASS' if drain_s is not None and drain_s <= DRAIN_TARGET_S else 'FAIL'} "
        f"| {load('drain')} |"
    )
    print(
        f"| webhook probes delivered | {len(hook)} of {len(committed)} (p50 "
        f"{percentile(hook, 50) * 1e3:.0f} ms, p95 {percentile(hook, 95) * 1e3:.0f} ms, max "
        f"{max(hook, default=float('nan')) * 1e3:.0f} ms) | all "
        f"| {'PASS' if not missing else 'FAIL'} | {load('steady', 'burst', 'drain')} |"
    )
    print(
        f"| intake answer, steady / burst (from due time) "
        f"| p99 {percentile(s_lat, 99) * 1e3:.0f} ms"
        f" / {percentile(b_lat, 99) * 1e3:.0f} ms | – | – | {load('steady')} / {load('burst')} |"
    )

    print("\n| task | jobs done | median run | total run | median wait to start |")
    print("|---|---:|---:|---:|---:|")
    for name, n, median, total, wait in tasks:
        print(f"| {name} | {n} | {median * 1e3:.0f} ms | {total:.0f} s | {wait:.1f} s |")


if __name__ == "__main__":
    main()
