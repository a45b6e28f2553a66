"""Sustained JSON intake load on a real `perisai serve` (issue 5, "Performance and reliability").

Targets on this 2-core machine: >= 300 JSON reports/s sustained for 60 s, p99 <= 250 ms, zero
errors, with the issue's example body and a unique Idempotency-Key per request.

The benchmark starts `perisai serve` on loopback on a fresh database (a fresh database on
PERISAI_TEST_DATABASE_URL's server when that is set, else the embedded server under a temporary
PERISAI_DATA_DIR), creates an API key with the CLI, and drives the server open-loop: request i is
due at start + i/rate and is sent by one of a fixed number of client tasks. Latency is measured
from the moment a request was due, so a server (or client) that falls behind shows it in the
percentiles instead of hiding it (no coordinated omission). The generator shares the 2 cores with
the server, so it is kept cheap: one pre-encoded body, keep-alive connections, uvloop and a
minimal HTTP/1.1 client (httpx cost about 4 ms of CPU per request here).

Run: .venv/bin/python benchmarks/intake_load.py [--quick] [--rate 300] [--duration 60]
     [--concurrency 64] [--server-workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from perisai.db.embedded import start_embedded, stop_embedded
from perisai.db.engine import sqlalchemy_url
from perisai.testing.database import drop_database, migrated_database
from perisai.testing.examples import ISSUE_EXAMPLE_JSON
from perisai.testing.live import free_port, wait_ready

TARGET_RATE = 300.0
TARGET_P99_MS = 250.0
# NCMEC CyberTipline 2023: 36.2 million reports in the year.
NCMEC_2023_REPORTS = 36_200_000
NCMEC_2023_PER_SECOND = NCMEC_2023_REPORTS / (365 * 24 * 3600)
PERISAI = [sys.executable, "-m", "perisai.cli"]
KEY_CREATE = ["identity", "apikey", "create", "--name", "load", "--scopes", "reports:submit"]
KEY_CREATE += ["--json"]


@dataclass
class Results:
    due_latencies_ms: list[float] = field(default_factory=list)
    service_latencies_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    ok: int = 0
    elapsed_s: float = 0.0
    client_cpu_s: float = 0.0
    server_cpu_s: float = 0.0
    postgres_cpu_s: float = 0.0
    stored_reports: int = 0
    acknowledged: list[str] = field(default_factory=list)
    acknowledged_found: int = 0
    postgres_measured: bool = True
    transactions: int = 0


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PERISAI_")}


@contextmanager
def fresh_database(tmp: Path) -> Iterator[dict[str, str]]:
    """Environment for a server on a fresh database; cleaned up afterwards."""
    env = _clean_env()
    env.update(PERISAI_DATA_DIR=str(tmp / "var"), PERISAI_LOG_LEVEL="WARNING")
    server = os.environ.get("PERISAI_TEST_DATABASE_URL")
    if server:
        name = f"perisai_bench_{os.getpid()}"
        env["PERISAI_DATABASE_URL"] = migrated_database(server, name)
        try:
            yield env
        finally:
            drop_database(server, name)
        return
    try:
        yield env
    finally:
        stop_embedded(tmp / "var" / "pg")


def fill_bank(url: str, entries: int) -> None:
    """A positive bank of ``entries`` pseudo-random PDQ hashes (matching on)."""
    engine = create_engine(sqlalchemy_url(url))
    with engine.begin() as connection:
        bank_id = connection.scalar(
            text(
                "INSERT INTO bank (name, description, kind, enabled, pdq_threshold, source,"
                " created_by, owner, shared) VALUES ('load', '', 'positive', true, 31, 'bench',"
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


def create_api_key(env: dict[str, str]) -> str:
    out = subprocess.run(
        [*PERISAI, *KEY_CREATE],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    key: str = json.loads(out.strip().splitlines()[-1])["key"]
    return key


@contextmanager
def running_server(
    env: dict[str, str], workers: int, log_path: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    command = [*PERISAI, "serve", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_ready(url, process)
            yield url, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Connection:
    """A minimal HTTP/1.1 keep-alive client: one request at a time, answers with Content-Length.

    httpx costs a few milliseconds of CPU per request, which at 300/s would take more than a
    core from the server it measures; this costs tens of microseconds.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, request: bytes) -> tuple[int, bytes]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        try:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = await reader.readexactly(length)
            if b"connection: close" in head.lower():
                self.close()
            return status, body
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


def request_bytes(host: str, port: int, api_key: str, body: bytes, key: str) -> bytes:
    head = (
        f"POST /api/v1/reports HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {api_key}\r\nContent-Type: application/json\r\n"
        f"Idempotency-Key: {key}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def bodies(accounts: int) -> list[bytes]:
    """The issue's example body as is (accounts=0), or with its reported account drawn from a
    pool of `accounts` (user id, screen name, email, phone and IP address each its own).

    As is, every report names the same account, so enrichment links each report to hundreds of
    others: the stress case for the job worker. A pool is the realistic case.
    """
    example = json.loads(ISSUE_EXAMPLE_JSON)
    if accounts <= 0:
        return [json.dumps(example).encode()]
    encoded = []
    for n in range(accounts):
        account = dict(example["reported_accounts"][0])
        account.update(
            user_id=f"u{n}",
            screen_name=f"user_{n}",
            emails=[f"user.{n}@example.com"],
            phones=[f"+6012{3000000 + n:07d}"],
            ip_events=[
                {**account["ip_events"][0], "ip": f"10.{n // 65536}.{n // 256 % 256}.{n % 256}"}
            ],
        )
        encoded.append(json.dumps({**example, "reported_accounts": [account]}).encode())
    return encoded


async def send(connection: Connection, request: bytes, results: Results) -> str:
    """Send one report: "ok" (its receipt's id is kept to check later), or what went wrong."""
    try:
        status, answer = await asyncio.wait_for(connection.post(request), timeout=30)
    except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
        return type(exc).__name__
    if status != 201:
        return f"HTTP {status}"
    results.acknowledged.append(json.loads(answer)["report_id"])
    return "ok"


async def drive(
    url: str,
    api_key: str,
    *,
    rate: float,
    duration: float,
    concurrency: int,
    warmup: int,
    accounts: int = 0,
) -> Results:
    """Send rate*duration requests open-loop (plus `warmup` uncounted ones first)."""
    host, port = url.removeprefix("http://").split(":")
    pool = bodies(accounts)
    run = secrets.token_hex(4)
    total = warmup + int(rate * duration)
    results = Results()
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2
    # A server that falls far behind would stretch the run without bound: requests not sent
    # by then count as errors.
    give_up = start + warmup / rate + duration * 1.5 + 10
    counter = iter(range(total))
    last_done = start

    async def one(connection: Connection, index: int) -> None:
        nonlocal last_done
        body = pool[index % len(pool)]
        request = request_bytes(host, int(port), api_key, body, f"bench-{run}-{index}")
        due = start + index / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        sent = loop.time()
        if sent > give_up:
            results.errors["not sent: the server fell too far behind"] += 1
            return
        outcome = await send(connection, request, results)
        done = loop.time()
        if index < warmup:
            if outcome != "ok":  # not timed, but an error is an error
                results.errors[f"warm-up: {outcome}"] += 1
            return
        last_done = max(last_done, done)
        if outcome != "ok":
            results.errors[outcome] += 1
            return
        results.ok += 1
        results.due_latencies_ms.append((done - due) * 1000)
        results.service_latencies_ms.append((done - sent) * 1000)

    async def client_task() -> None:
        connection = Connection(host, int(port))
        try:
            for index in counter:
                await one(connection, index)
        finally:
            connection.close()

    cpu_before = time.process_time()
    await asyncio.gather(*(client_task() for _ in range(concurrency)))
    results.client_cpu_s = time.process_time() - cpu_before
    results.elapsed_s = last_done - (start + warmup / rate)
    return results


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far (Linux /proc), including its reaped children."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def _descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue
    found = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in found and pid not in found:
                found.add(pid)
                grew = True
    return found


def server_cpu_seconds(server_pid: int, data_dir: Path | None) -> tuple[float, float]:
    """CPU used so far by the server processes and, when embedded, the PostgreSQL server."""
    perisai = sum(_cpu_seconds(pid) for pid in _descendants(server_pid))
    pid_file = data_dir / "pg" / "postmaster.pid" if data_dir else None
    if pid_file is None or not pid_file.exists():
        return perisai, 0.0
    postmaster = int(pid_file.read_text().split()[0])
    return perisai, sum(_cpu_seconds(pid) for pid in _descendants(postmaster))


def stored_figures(env: dict[str, str], acknowledged: list[str]) -> tuple[int, int, int]:
    """(reports stored, transactions that stored them, acknowledged reports found).

    Rows written by one transaction share its xmin; every acknowledged report must be stored.
    """
    url = env.get("PERISAI_DATABASE_URL") or start_embedded(Path(env["PERISAI_DATA_DIR"]) / "pg")
    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT count(*), count(DISTINCT xmin::text) FROM report")
            ).one()
            found = connection.execute(
                text("SELECT count(*) FROM report WHERE public_id = ANY(:ids)"),
                {"ids": acknowledged},
            ).scalar_one()
    finally:
        engine.dispose()
    return int(row[0]), int(row[1]), int(found)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(results: Results, args: argparse.Namespace) -> bool:
    rate = results.ok / results.elapsed_s if results.elapsed_s > 0 else 0.0
    errors = sum(results.errors.values())
    p50, p95, p99 = (percentile(results.due_latencies_ms, p) for p in (50, 95, 99))
    rows = [
        ("reports/s sustained", f"{rate:.1f}", f">= {TARGET_RATE:.0f}", rate >= TARGET_RATE * 0.99),
        ("p50 ms", f"{p50:.1f}", "", None),
        ("p95 ms", f"{p95:.1f}", "", None),
        ("p99 ms", f"{p99:.1f}", f"<= {TARGET_P99_MS:.0f}", p99 <= TARGET_P99_MS),
        ("errors", str(errors), "0", errors == 0),
        (
            "acknowledged, stored",
            f"{results.acknowledged_found}/{len(results.acknowledged)}",
            "all",
            results.acknowledged_found == len(results.acknowledged),
        ),
    ]
    load = os.getloadavg()
    print(
        f"intake load: {args.duration:.0f} s at {args.rate:.0f}/s offered, "
        f"{args.concurrency} client tasks, {args.server_workers} server process(es), "
        f"job worker {'off' if args.no_job_worker else 'on'}, "
        f"{f'accounts from a pool of {args.accounts}' if args.accounts else 'one account'}, "
        f"{f'matching on (bank of {args.bank:,} PDQ entries)' if args.bank else 'no bank'}, "
        f"{os.cpu_count()} cores, "
        f"load average before {args.load_before:.2f}, after {load[0]:.2f}"
    )
    print(f"{'measure':<22}{'ours':>10}{'target':>10}  verdict")
    for name, ours, target, passed in rows:
        verdict = "" if passed is None else ("PASS" if passed else "FAIL")
        print(f"{name:<22}{ours:>10}{target:>10}  {verdict}")
    service = results.service_latencies_ms
    if service:
        print(
            f"(server time only, send to answer: p50 {percentile(service, 50):.1f} ms, "
            f"p99 {percentile(service, 99):.1f} ms, mean {statistics.fmean(service):.1f} ms)"
        )
    if results.errors:
        print("errors by kind:", dict(results.errors))
    print(f"load generator CPU: {results.client_cpu_s:.1f} s over {results.elapsed_s:.1f} s")
    if results.ok:
        reports = results.ok + args.warmup
        perisai_ms = results.server_cpu_s / reports * 1000
        postgres_ms = results.postgres_cpu_s / reports * 1000
        per_report = perisai_ms + postgres_ms
        if not results.postgres_measured:
            print(f"server CPU per report: perisai {perisai_ms:.2f} ms (PostgreSQL: an external")
            print("  server, not measured)")
        else:
            print(
                f"server CPU per report: perisai {perisai_ms:.2f} ms + embedded PostgreSQL "
                f"{postgres_ms:.2f} ms = {per_report:.2f} ms "
                f"(2 cores allow {2000 / per_report:.0f}/s)"
            )
    if results.transactions:
        print(
            f"group commit: {results.stored_reports} reports stored by {results.transactions} "
            f"transactions ({results.stored_reports / results.transactions:.1f} per commit)"
        )
    print(
        f"for scale: NCMEC CyberTipline 2023 average {NCMEC_2023_PER_SECOND:.2f} reports/s "
        f"({NCMEC_2023_REPORTS / 1e6:.1f} million a year); ours is "
        f"{rate / NCMEC_2023_PER_SECOND:.0f}x that"
    )
    return all(passed is not False for *_, passed in rows)


def start_profiler(py_spy: str | None, pid: int, out: str) -> subprocess.Popen[bytes] | None:
    """py-spy (installed apart, not a dependency) sampling the server: threads holding the GIL."""
    if py_spy is None:
        return None
    command = [py_spy, "record", "--pid", str(pid), "--subprocesses", "--gil", "--format", "raw"]
    return subprocess.Popen([*command, "--rate", "200", "--output", out, "--nonblocking"])


def stop_profiler(profiler: subprocess.Popen[bytes] | None) -> None:
    if profiler is not None:
        profiler.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
        profiler.wait(timeout=60)


def _event_loop_factory() -> None:
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10 s instead of 60 s")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=TARGET_RATE, help="offered reports/s")
    parser.add_argument("--concurrency", type=int, default=64, help="client tasks")
    parser.add_argument("--server-workers", type=int, default=2, help="`perisai serve --workers`")
    parser.add_argument("--warmup", type=int, default=200, help="uncounted first requests")
    parser.add_argument(
        "--accounts",
        type=int,
        default=0,
        help="draw the reported account from a pool of N (0: the issue's example as is)",
    )
    parser.add_argument(
        "--no-job-worker", action="store_true", help="PERISAI_WORKER_IN_PROCESS=false"
    )
    parser.add_argument(
        "--bank",
        type=int,
        default=0,
        help="matching on: a bank of N PDQ entries, loaded by the job worker's indexes (which "
        "every enrichment job replays); needs PERISAI_TEST_DATABASE_URL",
    )
    parser.add_argument("--py-spy", help="path of py-spy: profile the server during the run")
    parser.add_argument("--profile-out", default="intake-profile.txt", help="collapsed stacks")
    args = parser.parse_args()
    if args.quick:
        args.duration = 10.0
    args.load_before = os.getloadavg()[0]
    # A SIGTERM (e.g. `timeout`) unwinds normally, so the server and database are cleaned up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with (
        tempfile.TemporaryDirectory(prefix="perisai-intake-load-") as tmp,
        fresh_database(Path(tmp)) as env,
    ):
        if args.no_job_worker:
            env["PERISAI_WORKER_IN_PROCESS"] = "false"
        if args.bank:
            fill_bank(env["PERISAI_DATABASE_URL"], args.bank)
        api_key = create_api_key(env)
        with running_server(env, args.server_workers, Path(tmp) / "server.log") as (url, server):
            _event_loop_factory()
            profiler = start_profiler(args.py_spy, server.pid, args.profile_out)
            data_dir = None if "PERISAI_DATABASE_URL" in env else Path(env["PERISAI_DATA_DIR"])
            results_postgres_measured = data_dir is not None
            cpu_before = server_cpu_seconds(server.pid, data_dir)
            results = asyncio.run(
                drive(
                    url,
                    api_key,
                    rate=args.rate,
                    duration=args.duration,
                    concurrency=args.concurrency,
                    warmup=args.warmup,
                    accounts=args.accounts,
                )
            )
            cpu_after = server_cpu_seconds(server.pid, data_dir)
            results.server_cpu_s = cpu_after[0] - cpu_before[0]
            results.postgres_cpu_s = cpu_after[1] - cpu_before[1]
            results.postgres_measured = results_postgres_measured
            stop_profiler(profiler)
        results.stored_reports, results.transactions, results.acknowledged_found = stored_figures(
            env, results.acknowledged
        )
        log_tail = (Path(tmp) / "server.log").read_text(errors="replace")[-2000:]
    passed = report(results, args)
    if results.errors:
        print("server log tail:\n" + log_tail)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
