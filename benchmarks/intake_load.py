"""Sustained JSON intake load on a real `perisai serve` (issue 5, "Performance and reliability").

Targets on this 2-core machine: >= 300 JSON reports/s sustained for 60 s, p99 <= 250 ms, zero
errors, with the issue's example body and a unique Idempotency-Key per request.

The benchmark starts `perisai serve` on loopback on a fresh database (a fresh database on
PERISAI_TEST_DATABASE_URL's server when that is set, else the embedded server under a temporary
PERISAI_DATA_DIR), creates an API key with the CLI, and drives the server open-loop with the
load generator it shares with `pipeline.py` (`loadgen.py`: request i is due at start + i/rate,
latency counts from then, a minimal keep-alive HTTP/1.1 client under uvloop).

Run: PYTHONPATH=src .venv/bin/python benchmarks/intake_load.py [--quick] [--rate 300]
     [--duration 60] [--concurrency 64] [--server-workers 2] [--accounts 1000] [--bank N]
     [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from loadgen import (
    LoadGenerator,
    Phase,
    PhaseResult,
    Target,
    create_api_key,
    fill_bank,
    percentile,
    serve,
)
from perisai.db.embedded import start_embedded, stop_embedded
from perisai.db.engine import sqlalchemy_url
from perisai.testing.database import drop_database, migrated_database
from perisai.testing.examples import ISSUE_EXAMPLE_JSON

TARGET_RATE = 300.0
TARGET_P99_MS = 250.0
# NCMEC CyberTipline 2023: 36.2 million reports in the year.
NCMEC_2023_REPORTS = 36_200_000
NCMEC_2023_PER_SECOND = NCMEC_2023_REPORTS / (365 * 24 * 3600)


@dataclass
class ServerFigures:
    """What the run cost the server, and what it stored."""

    cpu_s: float = 0.0
    postgres_cpu_s: float = 0.0
    postgres_measured: bool = True
    stored_reports: int = 0
    transactions: int = 0
    acknowledged_found: int = 0


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


# Issue #12's case (`--accounts 1000 --bank 1000000`, 300/s for 60 s, machine PostgreSQL), measured
# before the worker yielded to intake: (job worker on?) -> (answered/s, p99 ms, CPU ms/report).
BASELINE_MATCHING_ON = {
    True: (163.7, 45_000.0, 6.69),  # 2026-12-06 05:06 UTC, main c6b10c3
    False: (299.9, 298.0, 3.98),  # 2026-12-06 05:09 UTC, main c6b10c3
}
ISSUE_INDEPENDENT_P99_MS = 251.0


def print_baseline(phase: PhaseResult, server: ServerFigures, args: argparse.Namespace) -> None:
    """This run beside issue #12's figures for the same case (only for that case)."""
    if args.accounts != 1000 or args.bank != 1_000_000:
        return
    rate, p99, cpu = BASELINE_MATCHING_ON[not args.no_job_worker]
    ours_cpu = server.cpu_s / (phase.ok + args.warmup) * 1000 if phase.ok else 0.0
    print(f"{'against the baseline':<22}{'now':>10}{'before':>10}")
    print(f"{'reports/s answered':<22}{phase.achieved_rate:>10.1f}{rate:>10.1f}")
    print(f"{'p99 ms':<22}{percentile(phase.due_ms, 99):>10.1f}{p99:>10.1f}")
    print(f"{'perisai CPU ms/report':<22}{ours_cpu:>10.2f}{cpu:>10.2f}")
    print(f"(the issue's independent run: p99 {ISSUE_INDEPENDENT_P99_MS:.0f} ms)")


def report(phase: PhaseResult, server: ServerFigures, args: argparse.Namespace) -> bool:
    rate = phase.achieved_rate
    errors = sum(phase.errors.values())
    p50, p95, p99 = (percentile(phase.due_ms, p) for p in (50, 95, 99))
    rows = [
        ("reports/s sustained", f"{rate:.1f}", f">= {TARGET_RATE:.0f}", rate >= TARGET_RATE * 0.99),
        ("p50 ms", f"{p50:.1f}", "", None),
        ("p95 ms", f"{p95:.1f}", "", None),
        ("p99 ms", f"{p99:.1f}", f"<= {TARGET_P99_MS:.0f}", p99 <= TARGET_P99_MS),
        ("errors", str(errors), "0", errors == 0),
        (
            "acknowledged, stored",
            f"{server.acknowledged_found}/{len(phase.acknowledged)}",
            "all",
            server.acknowledged_found == len(phase.acknowledged),
        ),
    ]
    load = os.getloadavg()
    print(
        f"intake load: {args.duration:.0f} s at {args.rate:.0f}/s offered, "
        f"{args.concurrency} client connections, {args.server_workers} server process(es), "
        f"job worker {'off' if args.no_job_worker else 'on'}, "
        f"{f'accounts from a pool of {args.accounts}' if args.accounts else 'one account'}, "
        f"{f'matching on (bank of {args.bank:,} PDQ entries)' if args.bank else 'no bank'}, "
        f"{os.cpu_count()} cores, "
        f"load average before {args.load_before:.2f}, after {load[0]:.2f}"
    )
    print(phase.line())
    print(f"slowest seconds of the run: {phase.slowest_seconds()}")
    print(f"{'measure':<22}{'ours':>10}{'target':>10}  verdict")
    for name, ours, target, passed in rows:
        verdict = "" if passed is None else ("PASS" if passed else "FAIL")
        print(f"{name:<22}{ours:>10}{target:>10}  {verdict}")
    service = phase.service_ms
    if service:
        print(
            f"(server time only, send to answer: p50 {percentile(service, 50):.1f} ms, "
            f"p99 {percentile(service, 99):.1f} ms, mean {statistics.fmean(service):.1f} ms)"
        )
    if phase.errors:
        print("errors by kind:", dict(phase.errors))
    if phase.ok:
        reports = phase.ok + args.warmup
        perisai_ms = server.cpu_s / reports * 1000
        postgres_ms = server.postgres_cpu_s / reports * 1000
        per_report = perisai_ms + postgres_ms
        if not server.postgres_measured:
            print(f"server CPU per report: perisai {perisai_ms:.2f} ms (PostgreSQL: an external")
            print("  server, not measured)")
        else:
            print(
                f"server CPU per report: perisai {perisai_ms:.2f} ms + embedded PostgreSQL "
                f"{postgres_ms:.2f} ms = {per_report:.2f} ms "
                f"(2 cores allow {2000 / per_report:.0f}/s)"
            )
    if server.transactions:
        print(
            f"group commit: {server.stored_reports} reports stored by {server.transactions} "
            f"transactions ({server.stored_reports / server.transactions:.1f} per commit)"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10 s instead of 60 s")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=TARGET_RATE, help="offered reports/s")
    parser.add_argument("--concurrency", type=int, default=64, help="client connections")
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
    parser.add_argument(
        "--out", type=Path, help="keep the server's log here (default: only its tail on errors)"
    )
    parser.add_argument("--py-spy", help="path of py-spy: profile the server during the run")
    parser.add_argument("--profile-out", default="intake-profile.txt", help="collapsed stacks")
    args = parser.parse_args()
    if args.quick:
        args.duration = 10.0
    args.load_before = os.getloadavg()[0]
    # A SIGTERM (e.g. `timeout`) unwinds normally, so the server and database are cleaned up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server = ServerFigures()
    with (
        tempfile.TemporaryDirectory(prefix="perisai-intake-load-") as tmp,
        fresh_database(Path(tmp)) as env,
    ):
        if args.no_job_worker:
            env["PERISAI_WORKER_IN_PROCESS"] = "false"
        if args.bank:
            fill_bank(env["PERISAI_DATABASE_URL"], args.bank)
        api_key = create_api_key(env)
        log_path = Path(tmp) / "server.log"
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            log_path = args.out / "serve.log"
        with serve(env, args.server_workers, log_path) as (url, process):
            profiler = start_profiler(args.py_spy, process.pid, args.profile_out)
            data_dir = None if "PERISAI_DATABASE_URL" in env else Path(env["PERISAI_DATA_DIR"])
            server.postgres_measured = data_dir is not None
            cpu_before = server_cpu_seconds(process.pid, data_dir)
            phase = Phase("intake", args.rate, args.duration, warmup=args.warmup)
            with LoadGenerator(
                Target.of(url, api_key), bodies(args.accounts), concurrency=args.concurrency
            ) as generator:
                result = generator.run(phase)
            cpu_after = server_cpu_seconds(process.pid, data_dir)
            server.cpu_s = cpu_after[0] - cpu_before[0]
            server.postgres_cpu_s = cpu_after[1] - cpu_before[1]
            stop_profiler(profiler)
        server.stored_reports, server.transactions, server.acknowledged_found = stored_figures(
            env, result.acknowledged
        )
        log_tail = log_path.read_text(errors="replace")[-2000:]
    passed = report(result, server, args)
    print_baseline(result, server, args)
    if result.errors:
        print("server log tail:\n" + log_tail)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
