"""Benchmark: from a child's submission to matchable by a platform (issue 17 target: ≤ 1 s).

Two `perisai serve` processes on loopback share one fresh database (as media_freshness.py). Each
submission is the page's own form post (`POST /stop-the-spread`, hashes only) to one process; as
soon as it answers 201 (committed), the *other* process's `/api/v1/media/match` is polled with
the submitted PDQ moved 10 bits, until it answers a match from the `self-reported` bank. The
submissions alternate between the processes. A page allows 5 submissions per client per 10
minutes per process, so one run makes 10 (both processes' allowance; a source's 21st file of a
day would be held for review as bulk).

Baseline: HMA rebuilds its index every 60 s and matchers reload it every 30 s (up to ~65 s).

    .venv/bin/python benchmarks/spread_freshness.py
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from perisai.audit.service import SYSTEM
from perisai.db.embedded import start_embedded, stop_embedded
from perisai.db.engine import Database, sqlalchemy_url
from perisai.db.migrate import upgrade
from perisai.identity.permissions import Scope
from perisai.identity.service import create_api_key
from perisai.testing.database import create_database, drop_database
from perisai.testing.live import free_port, wait_ready

TARGET_SECONDS = 1.0
HMA_WORST_SECONDS = 65.0
PERISAI = Path(sys.executable).with_name("perisai")


@contextmanager
def _fresh_database(data_dir: Path) -> Iterator[str]:
    configured = os.environ.get("PERISAI_DATABASE_URL")
    if configured:
        name = f"perisai_spread_fresh_{os.getpid()}"
        url = create_database(sqlalchemy_url(configured), name)
        try:
            yield url
        finally:
            drop_database(sqlalchemy_url(configured), name)
        return
    pgdata = data_dir / "pg"
    url = start_embedded(pgdata)
    try:
        yield url
    finally:
        stop_embedded(pgdata)


def _api_key(url: str) -> str:
    database = Database(url, pool_size=1)
    try:
        with database.transaction() as db:
            _, secret = create_api_key(
                db, actor=SYSTEM, name="spread freshness", scopes=[Scope.MEDIA_MATCH]
            )
    finally:
        database.dispose()
    return secret


@contextmanager
def _server(url: str, data_dir: Path, log: Path) -> Iterator[int]:
    port = free_port()
    env = {
        **os.environ,
        "PERISAI_DATABASE_URL": url,
        "PERISAI_DATA_DIR": str(data_dir),
        "PERISAI_PORT": str(port),
        "PERISAI_LOG_LEVEL": "WARNING",
    }
    with log.open("wb") as out:
        process = subprocess.Popen([str(PERISAI), "serve"], env=env, stdout=out, stderr=out)
        try:
            wait_ready(f"http://127.0.0.1:{port}", process, timeout=300)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _match(port: int, token: str, pdq: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/media/match",
        data=json.dumps({"signal_type": "pdq", "signal": pdq}).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        body: dict[str, Any] = json.loads(response.read())
    return body


def _wait(condition: Callable[[], bool], limit: float) -> float:
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > limit:
            return float("inf")
    return time.perf_counter() - start


def _near(pdq: str) -> str:
    return f"{int(pdq, 16) ^ 0x3FF:064x}"  # 10 bits away


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1]}


PER_PROCESS = 5


def _submit(port: int, rng: random.Random) -> tuple[int, str, float]:
    pdq = f"{rng.getrandbits(256):064x}"
    data = rng.randbytes(64)
    files = [
        {
            "kind": "image",
            "md5": hashlib.md5(data, usedforsecurity=False).hexdigest(),
            "sha256": hashlib.sha256(data).hexdigest(),
            "pdq": pdq,
            "pdq_quality": 100,
        }
    ]
    body = urllib.parse.urlencode({"hashes": json.dumps(files), "under_18": "yes"}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/stop-the-spread",
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, pdq, time.perf_counter() - started


def run(seed: int = 17) -> int:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="perisai-spread-fresh-") as tmp:
        data_dir = Path(tmp) / "var"
        with _fresh_database(data_dir) as url:
            upgrade(url)
            token = _api_key(url)
            with (
                _server(url, Path(tmp) / "a", Path(tmp) / "a.log") as port_a,
                _server(url, Path(tmp) / "b", Path(tmp) / "b.log") as port_b,
            ):
                for port in (port_a, port_b):  # a platform's matcher is a long-running process
                    _match(port, token, "0" * 64)
                to_match, submit_s = [], []
                for n in range(2 * PER_PROCESS):
                    there, other = (port_a, port_b) if n % 2 == 0 else (port_b, port_a)
                    status, pdq, took = _submit(there, rng)
                    assert status == 201, status
                    submit_s.append(took)

                    def matched(port: int = other, near: str = _near(pdq)) -> bool:
                        body = _match(port, token, near)
                        return any(
                            m["entry"]["source"] == "self-report" for m in body.get("matches", [])
                        )

                    to_match.append(_wait(matched, 10.0))
                    time.sleep(rng.uniform(0.0, 0.05))
    m, s = _summary(to_match), _summary(submit_s)
    ok = m["max"] <= TARGET_SECONDS
    print(
        f"# stop the spread freshness — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.node()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, "
        f"{len(to_match)} submissions, Python {platform.python_version()}"
    )
    print("| path | p50 ms | p95 ms | max ms | target | HMA baseline |")
    print("|---|---|---|---|---|---|")
    print(
        f"| submission committed (201) → the other process's /media/match finds it | "
        f"{m['p50'] * 1000:.1f} | {m['p95'] * 1000:.1f} | {m['max'] * 1000:.1f} | ≤ 1000 | "
        f"up to ~{HMA_WORST_SECONDS * 1000:.0f} |"
    )
    print(
        f"| (the submission itself: form post → 201) | {s['p50'] * 1000:.1f} | "
        f"{s['p95'] * 1000:.1f} | {s['max'] * 1000:.1f} | | |"
    )
    print(f"\nsubmission → matchable ≤ {TARGET_SECONDS:.0f} s: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(run())
