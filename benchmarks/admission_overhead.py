"""CPU cost per request of reading bodies before the app (`http/admission.py`, issue 11 item 3).

Issue 5's intake target (300 reports/s on this 2-core machine) is the baseline this must not
eat into: the figure here is the middleware's own CPU time per request (process time, so a
loaded machine inflates it little), for an intake-sized JSON body that arrives in one piece (the
hot path) and for a 256 KiB body in 64 KiB pieces (spooled), each against the same app without
the middleware.
Run: .venv/bin/python benchmarks/admission_overhead.py [--requests N]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from perisai.http.admission import BodyAdmissionMiddleware
from perisai.testing.examples import ISSUE_EXAMPLE_JSON

INTAKE_REPORTS_PER_S = 300  # issue 5's target


async def _app(scope: Any, receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if not message.get("more_body", False):
            break
    await send({"type": "http.response.start", "status": 201, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


def _scope() -> dict[str, Any]:
    return {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/reports",
        "headers": [
            (b"authorization", b"Bearer psk_bench_secret"),
            (b"content-type", b"application/json"),
        ],
        "client": ("127.0.0.1", 40000),
    }


async def _run(app: Any, pieces: list[bytes], requests: int) -> float:
    async def send(_: Any) -> None:
        return None

    started = time.process_time()
    for _ in range(requests):
        queue = list(pieces)

        async def receive(queue: list[bytes] = queue) -> dict[str, Any]:
            body = queue.pop(0)
            return {"type": "http.request", "body": body, "more_body": bool(queue)}

        await app(_scope(), receive, send)
    return (time.process_time() - started) / requests


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20_000)
    args = parser.parse_args()
    wrapped = BodyAdmissionMiddleware(
        _app,
        min_bytes_per_second=1024,
        grace_seconds=15,
        per_client=8,
        per_source=64,
        streamed=lambda method, path: False,
    )
    intake = [ISSUE_EXAMPLE_JSON.encode()]
    large = [b"x" * 65_536] * 4
    for name, pieces, count in (
        ("intake JSON, one piece", intake, args.requests),
        ("256 KiB in 4 pieces (spooled)", large, args.requests // 10),
    ):
        bare = asyncio.run(_run(_app, pieces, count))
        with_middleware = asyncio.run(_run(wrapped, pieces, count))
        extra_us = (with_middleware - bare) * 1e6
        print(
            f"{name}: {bare * 1e6:.1f} µs bare, {with_middleware * 1e6:.1f} µs with admission "
            f"(+{extra_us:.1f} µs CPU per request; at {INTAKE_REPORTS_PER_S} reports/s "
            f"{extra_us * INTAKE_REPORTS_PER_S / 1e4:.3f} % of one core)"
        )


if __name__ == "__main__":
    main()
