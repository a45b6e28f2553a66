from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.runtime import Runtime
from perisai.sharing.events import emit
from perisai.sharing.models import OutboxEvent, Tlp


def test_emit_writes_an_outbox_row_in_the_transaction(db: Session) -> None:
    with db.begin_nested() as savepoint:
        event = emit(
            db,
            type="report.received",
            subject_type="report",
            subject_id="R-1",
            payload={"priority": "P1"},
            audience=["PDRM", "JKM", "PDRM"],
            tlp=Tlp.RED,
        )
        found = db.get(OutboxEvent, event.id)
        assert found is not None and found.audience == ["JKM", "PDRM"]
        savepoint.rollback()
    assert db.scalar(select(OutboxEvent).where(OutboxEvent.subject_id == "R-1")) is None


def test_a_transaction_announces_only_its_first_outbox_id(db: Session) -> None:
    from sqlalchemy import func, text

    with db.begin_nested() as savepoint:
        ids = [
            emit(db, type="bulk", subject_type="t", subject_id=n, payload={}, audience=["PDRM"]).id
            for n in range(2000)
        ]
        own = db.execute(
            text(
                "SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks "
                "WHERE locktype = 'advisory' AND objsubid = 1 AND pid = pg_backend_pid()"
            )
        ).scalars()
        assert set(own) & set(ids) == {min(ids)}, "one lock per transaction, on its first id"
        assert (
            db.scalar(
                select(func.count()).select_from(OutboxEvent).where(OutboxEvent.type == "bulk")
            )
            == 2000
        )
        savepoint.rollback()


def test_one_waiting_dispatch_serves_many_events(db: Session) -> None:
    from sqlalchemy import text

    waiting = text(
        "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo' "
        "AND task_name = 'sharing.dispatch' AND queueing_lock = 'sharing.dispatch'"
    )
    with db.begin_nested() as savepoint:
        for n in range(3):
            emit(db, type="t", subject_type="t", subject_id=n, payload={}, audience=["JKM"])
        assert db.scalar(waiting) == 1
        savepoint.rollback()


def test_a_transaction_wakes_the_dispatcher_once_and_again_after_a_rolled_back_savepoint(
    db: Session,
) -> None:
    from sqlalchemy import event, text

    waiting = text(
        "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo' "
        "AND task_name = 'sharing.dispatch'"
    )
    tries: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        if "pg_try_advisory_xact_lock" in statement:
            tries.append(statement)

    with db.begin_nested() as outer:
        db.execute(text("DELETE FROM procrastinate_jobs WHERE task_name = 'sharing.dispatch'"))
        with db.begin_nested() as inner:
            emit(db, type="t", subject_type="t", subject_id=1, payload={}, audience=["JKM"])
            assert db.scalar(waiting) == 1
            inner.rollback()  # the wake-up went with it
        assert db.scalar(waiting) == 0
        bind = db.connection()
        event.listen(bind, "before_cursor_execute", seen)
        try:
            for n in range(3):
                emit(db, type="t", subject_type="t", subject_id=n, payload={}, audience=["JKM"])
        finally:
            event.remove(bind, "before_cursor_execute", seen)
        assert db.scalar(waiting) == 1
        assert len(tries) == 1  # one wake-up for the transaction's three events
        outer.rollback()


def test_an_emitter_never_waits_for_another_open_one_and_a_rolled_back_wake_is_covered(
    live_runtime: Runtime,
) -> None:
    """Two open transactions emit: the second neither waits for the first (which holds the
    wake-up) nor is left without a dispatch when the first rolls back."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import text

    dispatches = text(
        "SELECT queueing_lock, scheduled_at FROM procrastinate_jobs "
        "WHERE status = 'todo' AND task_name = 'sharing.dispatch'"
    )
    db = live_runtime.db
    with db.transaction() as session:  # start from no dispatch waiting or planned
        session.execute(text("DELETE FROM procrastinate_jobs WHERE task_name = 'sharing.dispatch'"))
    first = db.sessions()
    first.begin()
    try:
        emit(first, type="t", subject_type="t", subject_id=1, payload={}, audience=["JKM"])
        with db.transaction() as session:  # would wait for `first` forever if it blocked
            session.execute(text("SET LOCAL lock_timeout = '20s'"))
            emit(session, type="t", subject_type="t", subject_id=2, payload={}, audience=["JKM"])
    finally:
        first.rollback()
        first.close()
    with db.transaction() as session:
        planned = session.execute(dispatches).all()
    assert len(planned) == 1  # the rolled-back wake-up is gone; the second's plan is there
    ((lock, when),) = planned
    assert lock is None and when <= datetime.now(UTC) + timedelta(seconds=5)
