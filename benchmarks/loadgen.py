"""The open-loop load generator of the benchmarks that POST reports (intake_load.py, pipeline.py),
and the server set-up they share. A helper module: it measures nothing on its own.

How it offers 300 reports/s on 2 cores that it shares with the server it measures (the way
`intake_load.py` met its target on 2025-11-25; `pipeline.py`'s httpx generator reached ~58/s):
- a minimal HTTP/1.1 client on asyncio streams under uvloop, keep-alive connections and bodies
  encoded once: tens of microseconds of CPU a request, where httpx cost about 4 ms (at 300/s
  more than a core taken from the server);
- a fixed set of client tasks, one connection each, drawing request numbers from one counter:
  no task, client or header dict per request;
- optionally in a process of its own (:class:`LoadGenerator`), so that a benchmark's other
  threads (a webhook receiver, samplers) never hold the generator's interpreter lock.

Open loop: request i of a phase is due at start + i/rate and its latency counts from then, so a
server (or a generator) that falls behind shows it in the percentiles rather than hiding it
(no coordinated omission); the offered and achieved rates of each phase are printed side by side.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from types import TracebackType

from sqlalchemy import create_engine, text

from perisai.db.engine import sqlalchemy_url
from perisai.testing.live import free_port, wait_ready

PERISAI = [sys.executable, "-m", "perisai.cli"]
REPORTS_PATH = "/api/v1/reports"


# --- the server side ------------------------------------------------------------------------


def cli(env: dict[str, str], *args: str) -> dict[str, object]:
    """Run a `perisai … --json` command (three tries: on a loaded machine a start may time out)."""
    for attempt in range(3):
        done = subprocess.run(
            [*PERISAI, *args, "--json"], env=env, check=False, capture_output=True, text=True
        )
        if done.returncode == 0:
            loaded: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
            return loaded
        print(f"perisai {' '.join(args[:3])} failed (try {attempt + 1}): {done.stderr[-500:]}")
        time.sleep(2)
    raise SystemExit("the CLI kept failing")


def create_api_key(env: dict[str, str], name: str = "load") -> str:
    made = cli(env, "identity", "apikey", "create", "--name", name, "--scopes", "reports:submit")
    return str(made["key"])


def fill_bank(url: str, entries: int, name: str = "load") -> None:
    """A positive bank of ``entries`` pseudo-random PDQ hashes, as a platform's hash list would
    be (matching on: every process that enriches loads it)."""
    engine = create_engine(sqlalchemy_url(url))
    with engine.begin() as connection:
        bank_id = connection.scalar(
            text(
                "INSERT INTO bank (name, description, kind, enabled, pdq_threshold, source,"
                " created_by, owner, shared) VALUES (:name, '', 'positive', true, 31, 'bench',"
                " 'system', 'agency:SECRETARIAT', true) RETURNING id"
            ),
            {"name": name},
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


@contextmanager
def serve(
    env: dict[str, str], workers: int, log_path: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`perisai serve` on loopback, its output in ``log_path``; (base URL, process) once ready."""
    port = free_port()
    command = [*PERISAI, "serve", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, process)
            yield base, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- the client side ------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where reports go and with which key."""

    host: str
    port: int
    api_key: str

    @classmethod
    def of(cls, base_url: str, api_key: str) -> Target:
        host, port = base_url.removeprefix("http://").split(":")
        return cls(host, int(port), api_key)

    def request(self, body: bytes, idempotency_key: str) -> bytes:
        head = (
            f"POST {REPORTS_PATH} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {self.api_key}\r\nContent-Type: application/json\r\n"
            f"Idempotency-Key: {idempotency_key}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body


# uvicorn closes a keep-alive connection idle for 5 s (its default): at 20/s over 256
# connections each waits ~13 s between requests, and every reuse found it closed (half the
# requests of a first run failed with IncompleteReadError). Reconnect before that instead.
IDLE_RECONNECT_S = 4.0
LATE_SEND_S = 0.05


class Connection:
    """A minimal HTTP/1.1 keep-alive client: one request at a time, answers with Content-Length.

    A connection idle for longer than the server keeps it is opened afresh; one that the server
    closed under us before answering is reopened and the request sent once more (safe: every
    request carries its own Idempotency-Key).
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self.last_used = 0.0

    async def post(self, request: bytes) -> tuple[int, bytes]:
        now = time.monotonic()
        if self.streams is not None and now - self.last_used > IDLE_RECONNECT_S:
            self.close()
        reused = self.streams is not None
        try:
            return await self._exchange(request)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            closed_before_answering = not isinstance(exc, asyncio.IncompleteReadError) or (
                exc.partial == b""
            )
            if not (reused and closed_before_answering):
                raise
            return await self._exchange(request)

    async def _exchange(self, request: bytes) -> tuple[int, bytes]:
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
            self.last_used = time.monotonic()
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


@dataclass(frozen=True)
class Phase:
    """``rate`` requests a second for ``duration`` seconds; request numbers (and so the
    Idempotency-Keys) start at ``first``; the first ``warmup`` requests are sent but not counted."""

    name: str
    rate: float
    duration: float
    first: int = 0
    warmup: int = 0
    # Requests not sent by then (the server fell far behind) count as errors, not as waits.
    give_up_after: float | None = None

    @property
    def counted(self) -> int:
        return int(self.rate * self.duration)


@dataclass
class PhaseResult:
    name: str
    offered_rate: float
    planned: int
    sent: int = 0
    ok: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    due_ms: list[float] = field(default_factory=list)  # due -> answer (open loop)
    service_ms: list[float] = field(default_factory=list)  # sent -> answer
    due_at_s: list[float] = field(default_factory=list)  # each due_ms's due time, from the start
    acknowledged: list[str] = field(default_factory=list)  # receipts' report ids
    # Sent more than LATE_SEND_S after due: every connection was busy waiting for an answer
    # (the server's answers, not the generator's CPU, set the pace then).
    late_sends: int = 0
    send_span_s: float = 0.0  # first counted due -> last counted send
    elapsed_s: float = 0.0  # first counted due -> last counted answer
    client_cpu_s: float = 0.0
    started_at: float = 0.0  # epoch of the first counted due time
    ended_at: float = 0.0  # epoch of the last answer

    @property
    def sent_rate(self) -> float:
        return self.sent / self.send_span_s if self.send_span_s > 0 else 0.0

    @property
    def achieved_rate(self) -> float:
        return self.ok / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def line(self) -> str:
        """Offered against achieved, as every benchmark prints it per phase."""
        p50, p95, p99 = (percentile(self.due_ms, p) for p in (50, 95, 99))
        errors = sum(self.errors.values())
        return (
            f"phase {self.name}: offered {self.offered_rate:.1f}/s ({self.planned:,} requests), "
            f"sent {self.sent_rate:.1f}/s, answered 201 {self.achieved_rate:.1f}/s "
            f"({self.ok:,} in {self.elapsed_s:.1f} s), {errors:,} errors; from due time p50 "
            f"{p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms; {self.late_sends:,} sent over "
            f"{LATE_SEND_S * 1000:.0f} ms late (no connection free); generator CPU "
            f"{self.client_cpu_s:.1f} s"
        )

    def answered(self, due_s: float, sent_late_s: float, took_s: float) -> None:
        """One answer: due `due_s` after the phase's start, sent `sent_late_s` after it was
        due, answered `took_s` after it was due."""
        self.due_ms.append(took_s * 1000)
        self.service_ms.append((took_s - sent_late_s) * 1000)
        self.due_at_s.append(due_s)

    def slowest_seconds(self, count: int = 5) -> str:
        """The seconds of the run (by due time) whose slowest answers were slowest: whether the
        tail is spread evenly or comes from a few stalls."""
        worst: dict[int, list[float]] = {}
        for at, ms in zip(self.due_at_s, self.due_ms, strict=True):
            worst.setdefault(int(at), []).append(ms)
        ranked = sorted(worst.items(), key=lambda item: -max(item[1]))[:count]
        return ", ".join(
            f"s{second}: max {max(values):.0f} ms, {sum(v > 250 for v in values)} over 250 ms"
            for second, values in ranked
        )


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile (nan for no values)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


async def _send(connection: Connection, request: bytes, timeout: float) -> tuple[str, bytes]:
    """("ok", answer) for a 201, else (what went wrong, b"")."""
    try:
        status, answer = await asyncio.wait_for(connection.post(request), timeout=timeout)
    except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
        return type(exc).__name__, b""
    if status != 201:
        return f"HTTP {status}", b""
    return "ok", answer


async def drive(
    target: Target,
    phase: Phase,
    bodies: Sequence[bytes],
    *,
    concurrency: int,
    timeout: float = 30.0,
) -> PhaseResult:
    """Send the phase's requests open-loop from ``concurrency`` keep-alive connections; request
    i carries ``bodies[i % len(bodies)]`` and the Idempotency-Key ``<run>-<first + i>``."""
    run = f"{time.time_ns():x}"
    total = phase.warmup + phase.counted
    result = PhaseResult(phase.name, phase.rate, phase.counted)
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2
    counted_from = start + phase.warmup / phase.rate
    epoch_offset = time.time() - loop.time()
    give_up = counted_from + (
        phase.give_up_after if phase.give_up_after is not None else phase.duration * 1.5 + 10
    )
    counter = iter(range(total))
    last_sent = last_done = counted_from

    async def one(connection: Connection, index: int) -> None:
        nonlocal last_sent, last_done
        body = bodies[(phase.first + index) % len(bodies)]
        request = target.request(body, f"{run}-{phase.first + index}")
        due = start + index / phase.rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        sent = loop.time()
        if sent > give_up:
            result.errors["not sent: the server fell too far behind"] += 1
            return
        outcome, answer = await _send(connection, request, timeout)
        done = loop.time()
        if index < phase.warmup:
            if outcome != "ok":  # not timed, but an error is an error
                result.errors[f"warm-up: {outcome}"] += 1
            return
        result.sent += 1
        result.late_sends += sent - due > LATE_SEND_S
        last_sent, last_done = max(last_sent, sent), max(last_done, done)
        if outcome != "ok":
            result.errors[outcome] += 1
            return
        result.ok += 1
        result.acknowledged.append(json.loads(answer)["report_id"])
        result.answered(due - counted_from, sent - due, done - due)

    async def client() -> None:
        connection = Connection(target.host, target.port)
        try:
            for index in counter:
                await one(connection, index)
        finally:
            connection.close()

    cpu_before = time.process_time()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    result.client_cpu_s = time.process_time() - cpu_before
    result.send_span_s = last_sent - counted_from
    result.elapsed_s = last_done - counted_from
    result.started_at = counted_from + epoch_offset
    result.ended_at = last_done + epoch_offset
    return result


def use_uvloop() -> None:
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        pass


def run_phase(
    target: Target, phase: Phase, bodies: Sequence[bytes], concurrency: int, timeout: float
) -> PhaseResult:
    use_uvloop()
    return asyncio.run(drive(target, phase, bodies, concurrency=concurrency, timeout=timeout))


def _child(
    pipe: Pipe, target: Target, bodies: list[bytes], concurrency: int, timeout: float
) -> None:
    """The generator's own process: runs each phase it is sent until it is sent None."""
    while (phase := pipe.recv()) is not None:
        pipe.send(run_phase(target, phase, bodies, concurrency, timeout))


class LoadGenerator:
    """Runs phases one after another, in this process or (``own_process``) in one of its own,
    started once (spawned: the caller's threads and connections are not copied into it)."""

    def __init__(
        self,
        target: Target,
        bodies: Sequence[bytes],
        *,
        concurrency: int,
        timeout: float = 30.0,
        own_process: bool = False,
    ) -> None:
        self.target, self.bodies = target, list(bodies)
        self.concurrency, self.timeout = concurrency, timeout
        self.pipe: Pipe | None = None
        self.process: multiprocessing.process.BaseProcess | None = None
        if own_process:
            context = multiprocessing.get_context("spawn")
            self.pipe, theirs = context.Pipe()
            args = (theirs, target, self.bodies, concurrency, timeout)
            self.process = context.Process(target=_child, args=args, daemon=True)
            self.process.start()
            theirs.close()

    def run(self, phase: Phase) -> PhaseResult:
        if self.pipe is None:
            return run_phase(self.target, phase, self.bodies, self.concurrency, self.timeout)
        self.pipe.send(phase)
        result: PhaseResult = self.pipe.recv()
        return result

    def close(self) -> None:
        if self.pipe is not None and self.process is not None:
            if self.process.is_alive():
                with suppress(OSError):
                    self.pipe.send(None)
                self.process.join(timeout=5)
            if self.process.is_alive():
                self.process.terminate()
                self.process.join()
            self.pipe.close()
            self.pipe = self.process = None

    def __enter__(self) -> LoadGenerator:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
