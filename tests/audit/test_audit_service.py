from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from perisai.audit.models import AuditEntry
from perisai.audit.service import _CHAIN_LOCK_KEY as CHAIN_LOCK
from perisai.audit.service import SYSTEM, Actor, chain_head, flush_pending, record, verify_chain
from perisai.audit.signing import load_or_create_signing_key, sign_payload, verify_signed
from perisai.testing.database import as_owner, drop_database, migrated_database


def _append(db: Session, n: int) -> None:
    for i in range(n):
        record(
            db,
            actor=SYSTEM,
            action="test.event",
            object_type="thing",
            object_id=i,
            details={"i": i, "text": "ringkasan"},
        )
    flush_pending(db)


def _tamper(db: Session, sql: str) -> None:
    with as_owner(db):
        db.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only"))
        db.execute(text(sql))
        db.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only"))
    db.expire_all()


def _ids(db: Session) -> list[int]:
    return list(db.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


def test_intact_chain_verifies(db: Session) -> None:
    before = verify_chain(db).entries
    _append(db, 5)
    result = verify_chain(db)
    assert result.ok
    assert result.entries == before + 5


def test_entries_are_written_at_commit_with_the_change(db: Session) -> None:
    count = db.scalar(select(func.count()).select_from(AuditEntry))
    with db.begin_nested():
        record(db, actor=SYSTEM, action="x")
    db.commit()  # commits the savepoint created by join_transaction_mode
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == (count or 0) + 1


def test_a_savepoint_leaves_its_entries_and_the_chain_lock_to_the_commit(
    db: Session, database_url: str
) -> None:
    """Releasing a savepoint neither writes the entries nor takes the chain's lock: held from
    there to the commit, it made every transaction with savepoints (a triage batch) wait for
    all the others."""
    count = db.scalar(select(func.count()).select_from(AuditEntry)) or 0
    record(db, actor=SYSTEM, action="x")
    with db.begin_nested():
        record(db, actor=SYSTEM, action="y")
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == count
    assert _chain_lock_free(database_url)
    flush_pending(db)  # as the commit does
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == count + 2
    assert not _chain_lock_free(database_url)


def _chain_lock_free(database_url: str) -> bool:
    other = create_engine(database_url)
    try:
        with other.connect() as connection:
            free = bool(
                connection.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK})
            )
            connection.rollback()
            return free
    finally:
        other.dispose()


def test_trigger_refuses_update_and_delete(db: Session) -> None:
    _append(db, 1)
    entry_id = _ids(db)[-1]
    for sql in (
        f"UPDATE audit_entry SET action='x' WHERE id={entry_id}",
        f"DELETE FROM audit_entry WHERE id={entry_id}",
        "TRUNCATE audit_entry",
    ):
        # The application's role has no such right at all...
        with pytest.raises(DBAPIError, match="permission denied"), db.begin_nested():
            db.execute(text(sql))
        # ...and even the owner meets the trigger.
        with as_owner(db), pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
            db.execute(text(sql))


@pytest.mark.parametrize("what", ["edit", "delete", "reorder"])
def test_tampering_in_sql_is_caught_naming_the_first_bad_entry(db: Session, what: str) -> None:
    _append(db, 6)
    ids = _ids(db)[-6:]
    if what == "edit":
        _tamper(db, f"UPDATE audit_entry SET details='{{\"i\": 99}}' WHERE id={ids[2]}")
        expected = ids[2]
    elif what == "delete":
        _tamper(db, f"DELETE FROM audit_entry WHERE id={ids[2]}")
        expected = ids[3]
    else:
        # Swap two whole entries (hashes included) while keeping their ids.
        pair = f"({ids[1]}, {ids[2]})"
        _tamper(
            db,
            f"CREATE TEMP TABLE snap ON COMMIT DROP AS "
            f"SELECT * FROM audit_entry WHERE id IN {pair}",
        )
        _tamper(db, f"UPDATE audit_entry SET entry_hash = 'tmp' || id WHERE id IN {pair}")
        _tamper(
            db,
            f"""
            UPDATE audit_entry a SET at=b.at, action=b.action, object_id=b.object_id,
                   details=b.details, prev_hash=b.prev_hash, entry_hash=b.entry_hash
            FROM snap b WHERE a.id IN {pair} AND a.id <> b.id""",
        )
        expected = ids[1]
    result = verify_chain(db)
    assert not result.ok
    assert result.first_bad_entry == expected
    assert result.reason


def test_signed_head_verifies_and_detects_changes(db: Session, tmp_path: object) -> None:
    from pathlib import Path

    _append(db, 2)
    head = chain_head(db)
    key = load_or_create_signing_key(Path(str(tmp_path)) / "k.pem")
    document = sign_payload(key, {"entry_id": head.entry_id, "entry_hash": head.entry_hash})
    assert verify_signed(document)
    assert not verify_signed({**document, "entry_hash": "0" * 64})


def test_concurrent_writers_do_not_fork_the_chain(pg_server: str) -> None:
    url = migrated_database(pg_server, "perisai_test_audit_concurrency")
    engine = create_engine(url, pool_size=8)
    try:

        def writer(n: int) -> None:
            for i in range(10):
                with Session(engine) as session, session.begin():
                    record(
                        session, actor=Actor(kind="user", id=str(n)), action="w", details={"i": i}
                    )

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with Session(engine) as session:
            result = verify_chain(session)
            hashes = session.scalars(select(AuditEntry.prev_hash)).all()
        assert result.ok
        assert result.entries == 60
        assert len(set(hashes)) == 60  # no two entries claim the same predecessor
    finally:
        engine.dispose()
        drop_database(pg_server, "perisai_test_audit_concurrency")
