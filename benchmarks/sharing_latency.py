"""Commit → SSE subscriber and commit → webhook receiver latency while reports arrive at 50/s.

Targets (issue 6): p95 ≤ 1 s to an SSE subscriber, p95 ≤ 2 s to a webhook receiver.

Set-up: a fresh database (on PERISAI_TEST_DATABASE_URL's server when set, else an embedded server
in a temporary directory), a real `perisai serve` on loopback and its job worker (the serve
process's own worker when it runs one, else a `perisai worker` process beside it), an SSE
subscriber (API key with events:read for the secretariat) and a webhook subscription to a real
HTTP receiver in this process, subscribed to every event type. Load: reports POSTed open-loop at
50/s, each one enriched and triaged by the worker. Probes: 5 events/s emitted from this process
in their own transactions; the clock starts right after each COMMIT returns and stops when the
probe's id is read from the SSE stream / arrives at the receiver.

Run: .venv/bin/python benchmarks/sharing_latency.py [--quick] [--duration 60] [--rate 50]
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from perisai.db.engine import Database
from perisai.sharing.events import emit
from perisai.sharing.models import Tlp
from perisai.testing.database import scratch_database
from perisai.testing.live import free_port

SSE_TARGET_P95 = 1.0
WEBHOOK_TARGET_P95 = 2.0
PROBES_PER_SECOND = 5.0

REPORT = {
    "incident": {
        "type": "online_enticement",
        "occurred_at": "2026-11-20T10:00:00+08:00",
        "annotations": ["sextortion"],
    },
    "reported_accounts": [
        {"platform": "ExampleChat", "user_id": "u123", "phones": ["012-345 6789"]}
    ],
    "victims": [{"age": 12}],
    "conversations": [
        {"messages": [{"author": "u123", "text": "hello", "sent_at": "2026-11-20T09:59:00+08:00"}]}
    ],
}


def cli(env: dict[str, str], *args: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-m", "perisai.cli", *args, "--json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    loaded: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return loaded


def serve_runs_a_worker() -> bool:
    import perisai.serve

    return "start_worker_thread" in inspect.getsource(perisai.serve)


@contextmanager
def processes(env: dict[str, str], log_dir: Path) -> Iterator[tuple[str, str]]:
    port = free_port()
    commands = [[sys.executable, "-m", "perisai.cli", "serve", "--port", str(port)]]
    how = "serve's in-process worker"
    if not serve_runs_a_worker():
        commands.append([sys.executable, "-m", "perisai.cli", "worker", "--concurrency", "4"])
        how = "a `perisai worker` process (serve runs no worker in this tree)"
    running = []
    try:
        for index, command in enumerate(commands):
            log = (log_dir / f"proc{index}.log").open("wb")
            running.append(subprocess.Popen(command, env=env, stdout=log, stderr=log))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with suppress(OSError), urllib.request.urlopen(f"{base}/readyz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    break
            time.sleep(0.1)
        else:
            raise RuntimeError("server did not become ready")
        yield base, how
    finally:
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


class Arrivals:
    def __init__(self) -> None:
        self.at: dict[int, float] = {}
        self.lock = threading.Lock()

    def note(self, event_id: int) -> None:
        now = time.time()
        with self.lock:
            self.at.setdefault(event_id, now)

    def has_all(self, committed: dict[int, float]) -> bool:
        with self.lock:
            return all(event_id in self.at for event_id in committed)


def start_receiver(arrivals: Arrivals) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            event_id = self.headers.get("Perisai-Event-Id", "")
            if event_id.isdigit():
                arrivals.note(int(event_id))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/hook"


def follow_sse(base: str, key: str, arrivals: Arrivals, stop: threading.Event) -> None:
    headers = {"Authorization": f"Bearer {key}", "Last-Event-ID": "0"}
    with (
        # No read timeout: the stream is quiet between events by design.
        httpx.Client(
            base_url=base, timeout=httpx.Timeout(10.0, read=None), trust_env=False
        ) as client,
        client.stream("GET", "/api/v1/events", headers=headers) as response,
    ):
        for line in response.iter_lines():
            if line.startswith("id: "):
                arrivals.note(int(line[4:]))
            if stop.is_set():
                return


def probe(url: str, duration: float, committed: dict[int, float]) -> None:
    database = Database(url, pool_size=2)
    try:
        start = time.monotonic()
        n = 0
        while time.monotonic() - start < duration:
            n += 1
            due = start + n / PROBES_PER_SECOND
            time.sleep(max(0.0, due - time.monotonic()))
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


def report_body(index: int, accounts: int) -> bytes:
    """The index-th report: its account drawn from a pool of `accounts` (0: all the same).

    Real intake mixes many accounts, some reported several times; a pool of 1,000 accounts at
    50 reports/s for 60 s gives each about three reports, so reports do link. With 0, every
    report names the same account: a stress case where each report links to hundreds.
    """
    if accounts <= 0:
        return json.dumps(REPORT).encode()
    account = (index * 7919) % accounts
    body = json.loads(json.dumps(REPORT))
    body["reported_accounts"] = [
        {
            "platform": "ExampleChat",
            "user_id": f"u{account}",
            "phones": [f"012-{account // 10000:03d} {account % 10000:04d}"],
        }
    ]
    body["conversations"][0]["messages"][0]["author"] = f"u{account}"
    return json.dumps(body).encode()


async def load(base: str, key: str, rate: float, duration: float, accounts: int) -> tuple[int, int]:
    run = secrets.token_hex(4)
    sent = errors = 0
    limits = httpx.Limits(max_connections=32)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30, trust_env=False) as c:
        start = time.monotonic()

        async def one(index: int) -> None:
            nonlocal sent, errors
            headers = {
                "Authorization": f"Bearer {key}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"{run}-{index}",
            }
            try:
                body = report_body(index, accounts)
                answer = await c.post("/api/v1/reports", content=body, headers=headers)
                sent += 1
                errors += answer.status_code >= 400
            except httpx.HTTPError:
                errors += 1

        tasks = []
        for index in range(int(rate * duration)):
            await asyncio.sleep(max(0.0, start + index / rate - time.monotonic()))
            tasks.append(asyncio.create_task(one(index)))
        await asyncio.gather(*tasks)
    return sent, errors


def sample_oldest_writer(url: str, stop: threading.Event, ages: list[float]) -> None:
    """Age of the oldest running transaction holding an xid (what delays settling)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    query = text(
        "SELECT coalesce(extract(epoch FROM max(now() - xact_start)), 0) FROM pg_stat_activity "
        "WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
    )
    try:
        with engine.connect() as connection:
            while not stop.wait(0.2):
                ages.append(float(connection.execute(query).scalar_one()))
                connection.rollback()
    finally:
        engine.dispose()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def summary(name: str, committed: dict[int, float], arrivals: Arrivals, target: float) -> bool:
    with arrivals.lock:
        lat = [arrivals.at[i] - t for i, t in committed.items() if i in arrivals.at]
    missing = len(committed) - len(lat)
    if not lat:
        print(f"{name:<22} no probe arrived                                  FAIL")
        return False
    p95 = percentile(lat, 95)
    ok = p95 <= target and missing == 0
    print(
        f"{name:<22} n={len(lat):<4} p50={percentile(lat, 50) * 1000:7.0f} ms  "
        f"p95={p95 * 1000:7.0f} ms  max={max(lat) * 1000:7.0f} ms  missing={missing}  "
        f"target p95 ≤ {target * 1000:.0f} ms  {'PASS' if ok else 'FAIL'}"
    )
    return ok


def queue_state(url: str) -> str:
    """Where undelivered events stand: cursor, deliveries, jobs waiting."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT (SELECT max(id) FROM outbox_event), "
                    "(SELECT last_event_id FROM sharing_dispatch_cursor), "
                    "(SELECT count(*) FROM webhook_delivery WHERE status = 'pending'), "
                    "(SELECT count(*) FROM webhook_delivery WHERE status = 'delivered'), "
                    "(SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'), "
                    "(SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo' "
                    " AND queue_name = 'sharing')"
                )
            ).one()
    finally:
        engine.dispose()
    return (
        f"last event {row[0]}, dispatch cursor {row[1]}, deliveries pending {row[2]} / "
        f"delivered {row[3]}, jobs waiting {row[4]} (sharing {row[5]})"
    )


def show_problems(log_dir: Path, limit: int = 20) -> None:
    """The server's warnings and errors, to see why a target was missed."""
    for log in sorted(log_dir.glob("proc*.log")):
        lines = log.read_text(errors="replace").splitlines()
        wanted = [line for line in lines if '"level": "warning"' in line or "rror" in line]
        for line in wanted[-limit:]:
            print(f"  {log.name}: {line[:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="15 s instead of 60 s")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=50.0, help="reports per second")
    parser.add_argument(
        "--accounts",
        type=int,
        default=1000,
        help="reported accounts the load draws from (0: every report names the same one)",
    )
    args = parser.parse_args()
    duration = 15.0 if args.quick else args.duration

    with tempfile.TemporaryDirectory(prefix="perisai-sharing-bench-") as tmp_name:
        tmp = Path(tmp_name)
        with scratch_database(f"perisai_bench_sharing_{os.getpid()}") as url:
            env = {k: v for k, v in os.environ.items() if not k.startswith("PERISAI_")}
            env.update(
                PERISAI_DATABASE_URL=url,
                PERISAI_DATA_DIR=str(tmp / "var"),
                PERISAI_LOG_LEVEL="WARNING",
                # The receiver listens on loopback, which only an allow-list opens.
                PERISAI_WEBHOOK_ALLOW_HOSTS="127.0.0.1",
            )
            new_key = ["identity", "apikey", "create", "--name", "bench", "--scopes"]
            submit = str(cli(env, *new_key, "reports:submit")["key"])
            reader = str(cli(env, *new_key, "events:read", "--agency", "SECRETARIAT")["key"])
            arrivals_sse, arrivals_hook = Arrivals(), Arrivals()
            receiver, hook_url = start_receiver(arrivals_hook)
            cli(env, "sharing", "webhook", "add", "--agency", "SECRETARIAT", "--url", hook_url)
            with processes(env, tmp) as (base, how):
                stop = threading.Event()
                sse = threading.Thread(
                    target=follow_sse, args=(base, reader, arrivals_sse, stop), daemon=True
                )
                sse.start()
                time.sleep(1.0)
                committed: dict[int, float] = {}
                ages: list[float] = []
                sampler = threading.Thread(
                    target=sample_oldest_writer, args=(url, stop, ages), daemon=True
                )
                sampler.start()
                prober = threading.Thread(target=probe, args=(url, duration, committed))
                prober.start()
                sent, errors = asyncio.run(load(base, submit, args.rate, duration, args.accounts))
                prober.join()
                # Late probes count with their real latency (in the percentiles), not as
                # missing: wait for the stragglers, up to 30 s.
                deadline = time.monotonic() + 30.0
                while time.monotonic() < deadline and not (
                    arrivals_sse.has_all(committed) and arrivals_hook.has_all(committed)
                ):
                    time.sleep(0.25)
                stop.set()
                state = queue_state(url)
            receiver.shutdown()
            print(f"sharing latency, {time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores,")
            print(f"  {sent} reports at {args.rate:.0f}/s for {duration:.0f} s ({errors} errors);")
            print(f"  reported accounts drawn from a pool of {args.accounts or 1};")
            print(
                f"  {len(committed)} probe events at {PROBES_PER_SECOND:.0f}/s; jobs run by {how}"
            )
            print(f"  at the end: {state}")
            if ages:
                print(
                    f"  oldest writing transaction: p50={percentile(ages, 50) * 1000:.0f} ms "
                    f"p95={percentile(ages, 95) * 1000:.0f} ms max={max(ages) * 1000:.0f} ms"
                )
            ok = summary("commit → SSE", committed, arrivals_sse, SSE_TARGET_P95)
            ok = summary("commit → webhook", committed, arrivals_hook, WEBHOOK_TARGET_P95) and ok
            if not ok:
                show_problems(tmp)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
