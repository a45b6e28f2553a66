"""Start-up time of `perisai serve` on the embedded PostgreSQL (issue 2).

Targets on this 2-core machine: from a cold, empty data dir to `/readyz` = 200 in <= 15 s, and
from an existing data dir (server stopped, database on disk) in <= 4 s.
Run: .venv/bin/python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from perisai.db.embedded import stop_embedded
from perisai.testing.live import free_port

COLD_TARGET_S = 15.0
WARM_TARGET_S = 4.0


def time_to_ready(data_dir: Path) -> float:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERISAI_")}
    env.update(PERISAI_DATA_DIR=str(data_dir), PERISAI_PORT=str(port), PERISAI_LOG_LEVEL="ERROR")
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "perisai.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.perf_counter() - started < 120:
            try:
                url = f"http://127.0.0.1:{port}/readyz"
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server never became ready")
    finally:
        process.terminate()
        process.wait(timeout=20)
        stop_embedded(data_dir / "pg")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cold, warm = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="perisai-startup-") as tmp:
            data_dir = Path(tmp) / "var"
            cold.append(time_to_ready(data_dir))
            warm.append(time_to_ready(data_dir))
    rows = [
        ("cold, empty data dir", cold, COLD_TARGET_S),
        ("existing data dir", warm, WARM_TARGET_S),
    ]
    print(f"{'case':<24}{'median s':>10}{'max s':>8}{'target s':>10}  verdict")
    for name, values, target in rows:
        verdict = "PASS" if max(values) <= target else "FAIL"
        median = statistics.median(values)
        print(f"{name:<24}{median:>10.2f}{max(values):>8.2f}{target:>10.1f}  {verdict}")


if __name__ == "__main__":
    main()
