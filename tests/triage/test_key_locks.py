"""Triage batches in concurrent transactions (`triage/jobs.py`): batches of unrelated reports
run side by side; batches whose reports share a linking key take turns, and the later one
reads the earlier one's writes. Committed data, so a database of the module's own."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from tests.triage.factories import make_report

from perisai.runtime import Runtime
from perisai.triage.jobs import key_lock_ids, triage_each
from perisai.triage.models import ReportLink, TriageRecord

PHONE = "012-345 6789"
OTHER_PHONE = "013-222 3333"
EMAIL = "suspect@example.org"
OTHER_EMAIL = "someone.else@example.org"
BOUND = 60.0  # seconds: generous, for a loaded machine; the tests wait for conditions


@pytest.fixture
def runtime(committed_runtime: Runtime) -> Runtime:
    return committed_runtime


def stored(runtime: Runtime, *bodies: dict[str, str]) -> list[int]:
    with runtime.db.transaction() as session:
        return [make_report(session, runtime.keyring, **fields).id for fields in bodies]


class Batch(threading.Thread):
    """One triage job's transaction, in a thread (as in another worker process)."""

    def __init__(self, runtime: Runtime, report_ids: list[int]) -> None:
        super().__init__(daemon=True)
        self.runtime, self.report_ids = runtime, report_ids
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.runtime.db.transaction() as session:
                triage_each(session, self.runtime, self.report_ids)
        except BaseException as error:  # reported by the test
            self.error = error

    def finish(self) -> None:
        self.join(BOUND)
        assert not self.is_alive(), "the batch did not finish"
        assert self.error is None, repr(self.error)


def eventually(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + BOUND
    while not condition():
        assert time.monotonic() < deadline, "the condition was never met"
        time.sleep(0.05)


def key_lock_waiters(runtime: Runtime) -> int:
    with runtime.db.transaction() as session:
        return int(
            session.scalar(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                    "AND classid = 1348 AND database = (SELECT oid FROM pg_database "
                    "WHERE datname = current_database())"
                )
            )
            or 0
        )


def triaged(runtime: Runtime, report_id: int) -> bool:
    with runtime.db.transaction() as session:
        return session.get(TriageRecord, report_id) is not None


def test_lock_ids_are_sorted_distinct_and_32_bit() -> None:
    ids = key_lock_ids(["phone:+60123456789", "email:a@b.c", "phone:+60123456789"])
    assert len(ids) == 2
    assert ids == sorted(ids)
    assert all(-(2**31) <= i < 2**31 for i in ids)
    assert key_lock_ids([]) == []


def test_unrelated_batches_run_side_by_side(runtime: Runtime) -> None:
    first_report, unrelated = stored(runtime, {"phone": PHONE}, {"email": OTHER_EMAIL})
    with Session(runtime.db.engine) as first:
        triage_each(first, runtime, [first_report])  # holds its keys' locks until commit
        other = Batch(runtime, [unrelated])
        other.start()
        other.finish()  # while `first` is still open
        assert triaged(runtime, unrelated)
        first.commit()


def test_batches_sharing_a_key_take_turns_and_the_later_sees_the_earlier(
    runtime: Runtime,
) -> None:
    earlier, later = stored(runtime, {"phone": PHONE}, {"phone": PHONE, "email": EMAIL})
    with Session(runtime.db.engine) as first:
        triage_each(first, runtime, [earlier])
        other = Batch(runtime, [later])
        other.start()
        eventually(lambda: key_lock_waiters(runtime) >= 1)
        assert other.is_alive() and not triaged(runtime, later)
        first.commit()
    other.finish()
    with runtime.db.transaction() as session:
        links = session.execute(select(ReportLink.report_id, ReportLink.other_report_id)).all()
        assert sorted(map(tuple, links)) == sorted([(earlier, later), (later, earlier)])
        record = session.get(TriageRecord, later)
        assert record is not None
        assert any("same phone" in reason["text"] for reason in record.reasons)


def test_crossing_batches_do_not_deadlock(runtime: Runtime) -> None:
    # Batch one holds a phone's and an e-mail's reports in one order, batch two the others in
    # the opposite order: locks taken in one sorted order never wait in a circle.
    a, x, y, b = stored(
        runtime,
        {"phone": PHONE},
        {"email": EMAIL},
        {"email": EMAIL, "phone": OTHER_PHONE},
        {"phone": PHONE, "email": OTHER_EMAIL},
    )
    for _ in range(5):
        batches = [Batch(runtime, [a, x]), Batch(runtime, [y, b])]
        for batch in batches:
            batch.start()
        for batch in batches:
            batch.finish()
    with runtime.db.transaction() as session:
        pairs = {
            tuple(row)
            for row in session.execute(select(ReportLink.report_id, ReportLink.other_report_id))
        }
    assert {(a, b), (b, a), (x, y), (y, x)} <= pairs
