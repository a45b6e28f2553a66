"""Benchmark: education pages on a cheap phone (issue 21 target: no page over 200 KB before
images), and how long a check of a chat takes.

Each page is fetched in-process through the whole app; its weight is the HTML plus the
stylesheets and scripts it links (uncompressed, as served). The check-a-chat result is weighed
for a sample WhatsApp export and for a 30,000-message chat whose every message shows warning
signs (the worst case the page's caps are built for); the check's time is the whole request
(reading the upload, parsing, scoring, rendering).

    .venv/bin/python benchmarks/education_pages.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from perisai.config import Settings
from perisai.testing.database import drop_database, migrated_database, test_server_url
from perisai.testing.pageweight import BUDGET_BYTES, weigh

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "chats"


def long_chat(messages: int) -> bytes:
    lines = [
        f"14/03/2024, {n // 60 % 24:02d}:{n % 60:02d} - Abang Zul: adik umur berapa? "
        "jangan bagitahu mak ayah, rahsia kita. jom jumpa esok"
        for n in range(messages)
    ]
    return ("\n".join(lines) + "\n").encode()


def lines_of(data: bytes) -> int:
    return data.count(b"\n")


def pages(big: bytes) -> dict[str, Callable[[TestClient], bytes]]:
    sample = (SAMPLE / "whatsapp-android-ms-24h.txt").read_bytes()
    return {
        "/semak-chat (form)": lambda c: c.get("/semak-chat").content,
        "/check-a-chat (field error)": lambda c: c.post("/check-a-chat", data={"text": ""}).content,
        "/semak-chat result (sample export)": lambda c: (
            c.post("/semak-chat", files={"chat_file": ("c.txt", sample)}).content
        ),
        f"/check-a-chat result ({lines_of(big):,} flagged messages)": lambda c: (
            c.post("/check-a-chat", files={"chat_file": ("c.txt", big)}).content
        ),
        "/belajar": lambda c: c.get("/belajar").content,
        "/learn/parents": lambda c: c.get("/learn/parents").content,
        "/learn/teens/quiz": lambda c: c.get("/learn/teens/quiz").content,
        "/kelas": lambda c: c.get("/kelas").content,
    }


def timed_check(client: TestClient, data: bytes, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.post("/check-a-chat", files={"chat_file": ("c.txt", data)})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        client.app.state.education_guards = {}  # type: ignore[attr-defined]
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 5,000-message worst case")
    args = parser.parse_args()
    big = long_chat(5_000 if args.quick else 30_000)

    from perisai.app import create_app
    from perisai.runtime import Runtime

    with test_server_url() as server, tempfile.TemporaryDirectory() as tmp:
        name = f"perisai_bench_education_{os.getpid()}"
        url = migrated_database(server, name)
        try:
            settings = Settings(database_url=url, data_dir=Path(tmp), log_level="WARNING")
            runtime = Runtime.start(settings)
            app = create_app(settings, runtime=runtime)
            with TestClient(app, base_url="https://testserver") as client:
                print(f"# education pages, {datetime.now(UTC):%Y-%m-%d}, {platform.machine()}")
                print(f"{'page':<48} {'HTML':>9} {'+ CSS/JS':>9} {'total':>9}  budget")
                worst = 0
                for label, fetch in pages(big).items():
                    weight = weigh(fetch(client), lambda u: client.get(u).content)
                    worst = max(worst, weight.total)
                    verdict = "PASS" if weight.total < BUDGET_BYTES else "FAIL"
                    print(
                        f"{label:<48} {weight.html:>9,} {weight.total - weight.html:>9,} "
                        f"{weight.total:>9,}  {BUDGET_BYTES:,} {verdict}"
                    )
                sample = (SAMPLE / "whatsapp-android-ms-24h.txt").read_bytes()
                for label, data, runs in (
                    ("check, sample export (10 messages)", sample, 20),
                    (f"check, {lines_of(big):,} messages ({len(big) / 1e6:.1f} MB)", big, 3),
                ):
                    times = timed_check(client, data, runs)
                    print(f"{label:<48} median {statistics.median(times):,.0f} ms over {runs}")
                print(
                    f"heaviest page {worst:,} bytes: {'PASS' if worst < BUDGET_BYTES else 'FAIL'}"
                )
            runtime.db.dispose()
        finally:
            drop_database(server, name)


if __name__ == "__main__":
    main()
