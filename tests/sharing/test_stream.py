"""Commit order: a reader never passes an event id that a running transaction may still commit."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session
from tests.sharing.conftest import younger_writer_behind_an_older_one

from perisai.runtime import Runtime
from perisai.sharing.events import emit
from perisai.sharing.jobs import run_dispatch
from perisai.sharing.models import Tlp
from perisai.sharing.redaction import Viewer
from perisai.sharing.stream import latest_event_id, read_batch


def _emit(session: Session, n: int) -> int:
    return emit(
        session,
        type="test.order",
        subject_type="test",
        subject_id=n,
        payload={"status": str(n)},
        audience=["SECRETARIAT"],
        tlp=Tlp.AMBER,
    ).id


def test_a_later_commit_waits_for_an_earlier_id_still_running(live_runtime: Runtime) -> None:
    db = live_runtime.db
    with db.transaction() as session:
        start = latest_event_id(session)
    system = Viewer.system()
    slow = db.sessions()
    slow.begin()
    try:
        first = _emit(slow, 1)  # drawn first, not committed yet
        with db.transaction() as session:
            second = _emit(session, 2)
        assert second > first
        held = read_batch(db, system, start)
        assert held.frames == [] and held.cursor == start, "must not pass the running id"
        slow.commit()
    finally:
        slow.close()
    batch = read_batch(db, system, start)
    assert [frame.split("\n")[0] for frame in batch.frames] == [f"id: {first}", f"id: {second}"]
    assert batch.cursor == second


def test_a_rolled_back_id_is_passed_once_its_transaction_ends(live_runtime: Runtime) -> None:
    db = live_runtime.db
    with db.transaction() as session:
        start = latest_event_id(session)
    aborted = db.sessions()
    aborted.begin()
    _emit(aborted, 3)
    aborted.rollback()
    aborted.close()
    with db.transaction() as session:
        kept = _emit(session, 4)
    batch = read_batch(db, Viewer.system(), start)
    assert [frame.split("\n")[0] for frame in batch.frames] == [f"id: {kept}"]


def test_an_older_writer_with_a_larger_id_does_not_hold_back_smaller_ids(
    live_runtime: Runtime,
) -> None:
    """A long transaction that emitted late must not delay events committed before its id."""
    db = live_runtime.db
    with db.transaction() as session:
        start = latest_event_id(session)
    long_running = db.sessions()
    long_running.begin()
    try:
        long_running.execute(text("SELECT pg_current_xact_id()"))  # older than what follows
        with db.transaction() as session:
            committed = _emit(session, 5)
        running = _emit(long_running, 6)
        batch = read_batch(db, Viewer.system(), start)
        assert [frame.split("\n")[0] for frame in batch.frames] == [f"id: {committed}"]
        assert batch.cursor == committed < running
    finally:
        long_running.rollback()
        long_running.close()


def test_an_older_transaction_committing_a_larger_id_does_not_pass_a_smaller_id_still_running(
    live_runtime: Runtime,
) -> None:
    """A transaction older than every running one may commit an id larger than one a younger
    transaction drew and has not committed yet: the cursor must not pass the younger one's."""
    db = live_runtime.db
    with db.transaction() as session:
        start = latest_event_id(session)
    with younger_writer_behind_an_older_one(
        db, lambda session, name: _emit(session, len(name))
    ) as (smaller, larger, younger):
        held = read_batch(db, Viewer.system(), start)
        assert held.cursor < smaller, "passed an id that a running transaction may commit"
        younger.commit()
    batch = read_batch(db, Viewer.system(), start)
    # (Tries that did not stage it committed an older event each: read too, before these.)
    read = [frame.split("\n")[0] for frame in batch.frames]
    assert read[-2:] == [f"id: {smaller}", f"id: {larger}"]


_PLANNED_SOON = text(
    "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'sharing.dispatch' "
    "AND status = 'todo' AND queueing_lock IS NULL AND scheduled_at <= now() + interval '1 second'"
)


def test_dispatches_held_back_by_a_running_transaction_plan_one_look_again(
    live_runtime: Runtime,
) -> None:
    db = live_runtime.db
    with db.transaction() as session:
        session.execute(text("DELETE FROM procrastinate_jobs WHERE task_name = 'sharing.dispatch'"))
    slow = db.sessions()
    slow.begin()
    try:
        _emit(slow, 1)  # running: events after it are held back
        with db.transaction() as session:
            _emit(session, 2)
        for _ in range(3):  # three dispatches see the same held-back event
            run_dispatch(live_runtime)
        with db.transaction() as session:
            assert session.scalar(_PLANNED_SOON) == 1  # one look again, not one per dispatch
        slow.commit()
    finally:
        slow.close()
    with db.transaction() as session:
        session.execute(text("DELETE FROM procrastinate_jobs WHERE task_name = 'sharing.dispatch'"))
