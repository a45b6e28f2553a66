"""Pipeline jobs yield to intake (`jobs/gate.py`): the gate's reading of intake's rate, its bound,
and a real worker on a real database whose report id sequence advances as under a flood."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from perisai.config import Settings
from perisai.db.engine import Database
from perisai.jobs.gate import IntakeGate
from perisai.jobs.queue import defer
from perisai.jobs.worker import JOBS, job, start_worker_thread
from perisai.runtime import Runtime
from perisai.testing.database import drop_database, migrated_database

# --- the gate alone: a clock and a counter the test moves -----------------------------------


class _Counter:
    def __init__(self) -> None:
        self.value = 0
        self.reads = 0
        self.fail = False

    async def read(self) -> int | None:
        self.reads += 1
        if self.fail:
            raise RuntimeError("no database")
        return self.value


def _gate(counter: _Counter, clock: list[float], **options: float) -> IntakeGate:
    return IntakeGate(
        read_counter=counter.read,
        rate_threshold=options.get("rate", 100.0),
        max_seconds=options.get("max_seconds", 90.0),
        clock=lambda: clock[0],
    )


def _yielding_over(
    gate: IntakeGate, counter: _Counter, clock: list[float], per_second: int, seconds: float
) -> list[bool]:
    """Intake at `per_second` for `seconds`, the lane asking every 0.5 s; what it was told."""
    told = []
    for _ in range(int(seconds / 0.5)):
        clock[0] += 0.5
        counter.value += per_second // 2
        told.append(asyncio.run(gate.yielding("default")))
    return told


def test_the_gate_yields_above_the_rate_and_not_below() -> None:
    counter, clock = _Counter(), [0.0]
    gate = _gate(counter, clock)
    assert asyncio.run(gate.yielding("default")) is False  # one reading: no rate yet
    assert all(_yielding_over(gate, counter, clock, 300, 5))
    assert not any(_yielding_over(gate, counter, clock, 80, 5))
    assert all(_yielding_over(gate, counter, clock, 120, 2))


def test_the_gate_reads_the_counter_at_most_every_half_second() -> None:
    counter, clock = _Counter(), [0.0]
    gate = _gate(counter, clock)
    for _ in range(10):  # three lanes asking, often
        clock[0] += 0.1
        asyncio.run(gate.yielding("default"))
        asyncio.run(gate.yielding("enrichment"))
    assert counter.reads == 2


def test_yielding_is_bounded_one_pass_per_stretch() -> None:
    counter, clock = _Counter(), [0.0]
    gate = _gate(counter, clock, max_seconds=10)
    asyncio.run(gate.yielding("default"))
    told = _yielding_over(gate, counter, clock, 1000, 30)  # 60 asks over 30 s
    passes = [i for i, yielding in enumerate(told) if not yielding]
    # Yielding starts at the first ask, a pass every 10 s after it (the ask that reaches it).
    assert passes == [20, 40], passes


def test_rate_zero_disables_and_a_failed_reading_never_holds_jobs_back() -> None:
    counter, clock = _Counter(), [0.0]
    off = _gate(counter, clock, rate=0)
    assert not any(_yielding_over(off, counter, clock, 10_000, 3))
    assert counter.reads == 0
    on = _gate(counter, clock)
    _yielding_over(on, counter, clock, 1000, 2)
    counter.fail = True
    assert _yielding_over(on, counter, clock, 1000, 1) == [False, False]


def test_the_pipeline_yields_and_delivery_and_the_sla_sweep_do_not() -> None:
    from perisai.jobs.worker import _load_task_modules

    _load_task_modules()
    assert JOBS["enrich.report"].yields_to_intake
    assert JOBS["bank.retrohunt"].yields_to_intake
    assert JOBS["triage.report"].yields_to_intake
    for name in ("sharing.dispatch", "sharing.deliver", "triage.sla_sweep"):
        assert not JOBS[name].yields_to_intake, name


# --- a real worker: its lanes, procrastinate's fetch, the reports' sequence -----------------

RAN: dict[str, float] = {}
_ran_lock = threading.Lock()


def _remember(tag: str) -> None:
    with _ran_lock:
        RAN.setdefault(tag, time.monotonic())


@job("test.gate.pipeline", yields_to_intake=True)
def gated_job(tag: str) -> None:
    _remember(tag)


@job("test.gate.pipeline_lane", queue="enrichment", yields_to_intake=True)
def gated_enrichment_job(tag: str) -> None:
    _remember(tag)


@job("test.gate.other")
def other_job(tag: str) -> None:
    _remember(tag)


@job("test.gate.sharing", queue="sharing")
def sharing_job(tag: str) -> None:
    _remember(tag)


@pytest.fixture(scope="module")
def gate_db(pg_server: str) -> Iterator[str]:
    name = f"perisai_test_gate_{os.getpid()}"
    url = migrated_database(pg_server, name)
    yield url
    drop_database(pg_server, name)


class _Flood:
    """Advances the reports' id sequence as intake at `per_second` would (no rows written)."""

    def __init__(self, database: Database, per_second: int) -> None:
        self.database, self.step = database, per_second // 20
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            with self.database.transaction() as session:
                session.execute(
                    text(
                        "SELECT setval('report_id_seq', "
                        "(SELECT last_value FROM report_id_seq) + :n)"
                    ),
                    {"n": self.step},
                )
            time.sleep(0.05)

    def __enter__(self) -> _Flood:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(10)


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _defer(database: Database, *jobs: tuple[str, str, str]) -> None:
    with database.transaction() as session:
        for task, queue, tag in jobs:
            defer(session, task=task, args={"tag": tag}, queue=queue)


@pytest.fixture
def worker(gate_db: str, tmp_path: Path) -> Iterator[Callable[..., Database]]:
    stops: list[Callable[[], None]] = []
    databases: list[Database] = []

    def start(**settings: Any) -> Database:
        database = Database(gate_db)
        databases.append(database)
        runtime = Runtime(settings=Settings(data_dir=str(tmp_path), **settings), db=database)
        stops.append(start_worker_thread(runtime))
        return database

    yield start
    for stop in stops:
        stop()
    for database in databases:
        database.dispose()


def _worker_sees_the_flood(database: Database, tag: str) -> None:
    """The worker is up and its lanes have read the counter twice or more under the flood."""
    _defer(database, ("test.gate.other", "default", tag))
    assert _wait_for(lambda: tag in RAN, 60), "the worker never started"
    time.sleep(2.5)  # the default lane polls every second: two readings at least


def test_pipeline_jobs_wait_while_intake_is_busy_then_run(
    worker: Callable[..., Database],
) -> None:
    database = worker(worker_yield_rate=100, worker_yield_max_seconds=600)
    with _Flood(database, per_second=1000):
        _worker_sees_the_flood(database, "busy-canary")
        _defer(
            database,
            ("test.gate.pipeline", "default", "busy-pipeline"),
            ("test.gate.pipeline_lane", "enrichment", "busy-enrichment"),
            ("test.gate.other", "default", "busy-other"),
            ("test.gate.sharing", "sharing", "busy-sharing"),
        )
        assert _wait_for(lambda: {"busy-other", "busy-sharing"} <= RAN.keys(), 30)
        time.sleep(3)
        assert "busy-pipeline" not in RAN, "a pipeline job started while intake was busy"
        assert "busy-enrichment" not in RAN, "a pipeline job started while intake was busy"
        calm_from = time.monotonic()
    # Intake calm again: both run at their lane's next wake-up (enrichment polls every 5 s).
    assert _wait_for(lambda: {"busy-pipeline", "busy-enrichment"} <= RAN.keys(), 30)
    assert RAN["busy-pipeline"] >= calm_from and RAN["busy-enrichment"] >= calm_from


def test_a_flood_that_never_ends_lets_a_batch_through(
    worker: Callable[..., Database], caplog: pytest.LogCaptureFixture
) -> None:
    database = worker(worker_yield_rate=100, worker_yield_max_seconds=4)
    with _Flood(database, per_second=1000):
        _worker_sees_the_flood(database, "bound-canary")
        _defer(database, ("test.gate.pipeline", "default", "bound-pipeline"))
        assert _wait_for(lambda: "bound-pipeline" in RAN, 30), "a flood starved the pipeline"
        assert any("lets one batch" in record.getMessage() for record in caplog.records)


def test_rate_zero_never_yields(worker: Callable[..., Database]) -> None:
    database = worker(worker_yield_rate=0)
    with _Flood(database, per_second=1000):
        _worker_sees_the_flood(database, "off-canary")
        started = time.monotonic()
        _defer(database, ("test.gate.pipeline", "default", "off-pipeline"))
        assert _wait_for(lambda: "off-pipeline" in RAN, 30)
        assert RAN["off-pipeline"] - started < 10
