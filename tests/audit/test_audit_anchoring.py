"""Audit truncation (issue 11, item 8): a keyed chain and signed heads kept outside the table.

The red team, as a superuser with the triggers off, deleted the newest entries, emptied the
table, and rewrote an entry recomputing every later hash: all three verified as intact. Each
is tried here against ``verify_anchored`` (what ``perisai audit verify`` runs).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from perisai.audit import anchors
from perisai.audit.anchors import Anchorer, anchor, read_heads, verify_anchored
from perisai.audit.cli import app as audit_cli
from perisai.audit.models import AuditEntry
from perisai.audit.service import (
    CHAIN_HMAC,
    GENESIS_HASH,
    SYSTEM,
    ChainKeyMissing,
    chain_key_from_master,
    entry_hash,
    flush_pending,
    record,
    set_default_chain_key,
    verify_chain,
)
from perisai.audit.signing import load_or_create_signing_key
from perisai.config import Settings
from perisai.db.engine import Database
from perisai.runtime import Runtime
from perisai.testing.database import (
    TEST_CHAIN_KEY,
    as_owner,
    drop_database,
    migrated_database,
)


def _append(db: Session, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        record(db, actor=SYSTEM, action="test.event", object_id=i, details={"i": i})
    flush_pending(db)


def _tamper(db: Session, *statements: str) -> None:
    """What a superuser can do: switch the append-only triggers off, change rows, switch on."""
    with as_owner(db):
        db.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
        for sql in statements:
            db.execute(text(sql))
        db.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER USER"))
    db.expire_all()


def _entries(db: Session) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at,
        "actor_kind": entry.actor_kind,
        "actor_id": entry.actor_id,
        "agency": entry.agency,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "request_id": entry.request_id,
        "details": entry.details,
    }


@pytest.fixture
def signing_key(tmp_path: Path) -> Ed25519PrivateKey:
    return load_or_create_signing_key(tmp_path / "keys" / "audit-ed25519.pem")


@pytest.fixture
def heads_dir(tmp_path: Path) -> Path:
    return tmp_path / "audit-heads"


def _verify(db: Session, key: Ed25519PrivateKey, heads_dir: Path) -> Any:
    return verify_anchored(db, key, read_heads(heads_dir))


def test_entries_are_keyed_not_plain_sha256(db: Session) -> None:
    _append(db, 2)
    entry = _entries(db)[-1]
    assert entry.chain == CHAIN_HMAC
    plain = entry_hash(key=None, prev_hash=entry.prev_hash, **_fields(entry))
    assert entry.entry_hash != plain, "a plain SHA-256 anyone can recompute"
    assert len(entry.entry_hash) == 64
    assert chain_key_from_master(b"\x01" * 32) != chain_key_from_master(b"\x02" * 32)


def test_deleting_the_newest_entries_is_detected(
    db: Session, signing_key: Ed25519PrivateKey, heads_dir: Path
) -> None:
    _append(db, 5)
    anchor(db, signing_key, heads_dir)
    newest = [e.id for e in _entries(db)[-2:]]
    _tamper(db, f"DELETE FROM audit_entry WHERE id IN ({newest[0]}, {newest[1]})")

    assert verify_chain(db).ok, "what is left is a valid chain: the old check saw nothing"
    result = _verify(db, signing_key, heads_dir)
    assert not result.ok
    assert result.first_bad_entry == newest[1]
    assert "gone" in str(result.reason)


def test_emptying_the_table_is_detected(
    db: Session, signing_key: Ed25519PrivateKey, heads_dir: Path
) -> None:
    _append(db, 3)
    anchor(db, signing_key, heads_dir)
    _tamper(db, "DELETE FROM audit_entry")
    assert verify_chain(db).ok and verify_chain(db).entries == 0
    result = _verify(db, signing_key, heads_dir)
    assert not result.ok
    assert "emptied" in str(result.reason)


def test_removing_an_older_entry_and_relinking_is_detected_by_the_count(
    db: Session, signing_key: Ed25519PrivateKey, heads_dir: Path
) -> None:
    """Even were the links made good again, the head counts the entries that lead to it."""
    _append(db, 4)
    anchor(db, signing_key, heads_dir)
    entries = _entries(db)
    result = verify_anchored(db, signing_key, read_heads(heads_dir))
    assert result.ok and result.heads_checked == 1
    count_at_head = result.positions[entries[-1].id][0]
    problem = anchors.check_heads(
        read_heads(heads_dir),
        signing_key,
        lambda i: (count_at_head - 1, entries[-1].entry_hash) if i == entries[-1].id else None,
        count_at_head - 1,
    )
    assert problem is not None and "entries removed" in problem.reason


@pytest.mark.parametrize("how", ["sha256", "wrong key", "sha256 marked unkeyed"])
def test_rewriting_an_entry_and_recomputing_every_later_hash_is_detected(
    db: Session, signing_key: Ed25519PrivateKey, heads_dir: Path, how: str
) -> None:
    _append(db, 6)
    entries = _entries(db)
    target = entries[-4]
    prev = target.prev_hash
    statements = []
    for entry in entries[-4:]:
        fields = _fields(entry)
        if entry.id == target.id:
            fields["details"] = {"i": 999}
        key = b"k" * 32 if how == "wrong key" else None
        new_hash = entry_hash(key=key, prev_hash=prev, **fields)
        chain = 1 if how == "sha256 marked unkeyed" else entry.chain
        details = json.dumps(fields["details"])
        statements.append(
            f"UPDATE audit_entry SET details='{details}', prev_hash='{prev}', "
            f"entry_hash='{new_hash}', chain={chain} WHERE id={entry.id}"
        )
        prev = new_hash
    _tamper(db, *statements)

    result = verify_chain(db)
    assert not result.ok
    assert result.first_bad_entry == target.id
    assert result.reason in (
        "content does not match its hash",
        "an unkeyed entry after keyed ones (rewritten without the chain key)",
    )


def test_rewriting_the_whole_chain_unkeyed_is_caught_by_the_signed_head(
    db: Session, signing_key: Ed25519PrivateKey, heads_dir: Path
) -> None:
    """Every entry rewritten as an old-style (SHA-256) entry is a consistent chain by itself;
    the signed head, which holds the keyed hash, is what it cannot match."""
    _append(db, 3)
    anchor(db, signing_key, heads_dir)
    prev = GENESIS_HASH
    statements = []
    for entry in _entries(db):
        new_hash = entry_hash(key=None, prev_hash=prev, **_fields(entry))
        statements.append(
            f"UPDATE audit_entry SET prev_hash='{prev}', entry_hash='{new_hash}', chain=1 "
            f"WHERE id={entry.id}"
        )
        prev = new_hash
    _tamper(db, *statements)
    assert verify_chain(db).ok
    result = _verify(db, signing_key, heads_dir)
    assert not result.ok
    assert "differs from the head" in str(result.reason)


def test_heads_signed_by_another_key_or_edited_are_refused(
    db: Session, signing_key: Ed25519PrivateKey, heads_dir: Path, tmp_path: Path
) -> None:
    _append(db, 2)
    anchor(db, signing_key, heads_dir)
    other = load_or_create_signing_key(tmp_path / "other.pem")
    result = _verify(db, other, heads_dir)
    assert not result.ok and "not signed by this key" in str(result.reason)

    [head] = read_heads(heads_dir)
    edited = {**head, "entries": head["entries"] - 1}
    (heads_dir / anchors.HEADS_FILE).write_text(json.dumps(edited) + "\n")
    result = _verify(db, signing_key, heads_dir)
    assert not result.ok and "not signed by this key" in str(result.reason)


def test_heads_file_is_private_append_only_and_skips_unchanged_heads(
    db: Session, signing_key: Ed25519PrivateKey, heads_dir: Path
) -> None:
    _append(db, 1)
    first = anchor(db, signing_key, heads_dir)
    assert anchor(db, signing_key, heads_dir) == first, "nothing new: nothing written"
    _append(db, 1, start=1)
    second = anchor(db, signing_key, heads_dir)
    assert [h["entry_id"] for h in read_heads(heads_dir)] == [
        first["entry_id"],
        second["entry_id"],
    ]
    assert stat.S_IMODE(os.stat(heads_dir).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(heads_dir / anchors.HEADS_FILE).st_mode) == 0o600
    result = _verify(db, signing_key, heads_dir)
    assert result.ok and result.heads_checked == 2 and result.anchored_at == second["signed_at"]
    assert set(result.as_dict()) >= {"ok", "entries", "anchored_at", "heads_checked"}


def test_a_garbled_heads_file_is_an_error_not_a_pass(heads_dir: Path) -> None:
    heads_dir.mkdir()
    (heads_dir / anchors.HEADS_FILE).write_text('{"entry_id": 1}\nnot json\n')
    with pytest.raises(anchors.AnchorError, match="line 2"):
        read_heads(heads_dir)


def test_the_anchorer_writes_on_a_schedule_and_at_stop() -> None:
    calls: list[float] = []
    lock = threading.Lock()

    def write() -> None:
        with lock:
            calls.append(time.monotonic())

    anchorer = Anchorer(write, interval=0.05).start()
    deadline = time.monotonic() + 60
    while len(calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(calls) >= 2, "written again and again while running"
    anchorer.stop()
    after_stop = len(calls)
    assert anchorer.written == after_stop, "the last head is written at stop"

    failing = Anchorer(lambda: 1 / 0, interval=3600).start()
    failing.stop()  # logged, never raised
    assert failing.written == 0


# --- the CLI, on a database whose transactions commit ------------------------------------------


@pytest.fixture
def committed(pg_server: str, tmp_path: Path) -> Any:
    name = f"perisai_test_audit_anchor_{os.getpid()}"
    url = migrated_database(pg_server, name)
    runtime = Runtime(settings=Settings(data_dir=tmp_path / "var", demo=False), db=Database(url))
    yield runtime
    runtime.db.dispose()
    drop_database(pg_server, name)


def test_cli_head_verify_and_export(
    committed: Runtime, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PERISAI_DATABASE_URL", committed.db.url)
    monkeypatch.setenv("PERISAI_DATA_DIR", str(committed.settings.data_dir))
    runner = CliRunner()
    with committed.db.transaction() as session:
        for i in range(4):
            record(session, actor=SYSTEM, action="test.cli", object_id=i)

    verified = runner.invoke(audit_cli, ["verify", "--json"])
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout)["heads_checked"] == 0

    made = runner.invoke(audit_cli, ["head", "--json"])
    assert made.exit_code == 0, made.output
    head = json.loads(made.stdout)
    assert head["entries"] == 4
    assert (committed.settings.data_dir / "audit-heads" / anchors.HEADS_FILE).exists()
    exported = runner.invoke(audit_cli, ["heads", "--json"])
    assert [json.loads(line) for line in exported.stdout.splitlines()] == [head]

    verified = runner.invoke(audit_cli, ["verify"])
    assert verified.exit_code == 0 and "agrees with 1 signed heads" in verified.stdout

    with committed.db.transaction() as session:
        _tamper(session, f"DELETE FROM audit_entry WHERE id = {head['entry_id']}")
    broken = runner.invoke(audit_cli, ["verify", "--json"])
    assert broken.exit_code == 1
    assert json.loads(broken.stdout)["first_bad_entry"] == head["entry_id"]
    broken = runner.invoke(audit_cli, ["verify"])
    assert "BROKEN" in broken.stdout


def test_a_runtime_keys_its_database_with_its_master_key(committed: Runtime) -> None:
    with committed.db.transaction() as session:
        record(session, actor=SYSTEM, action="test.keyed")
    with committed.db.transaction() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None
        expected = entry_hash(
            key=chain_key_from_master(committed.keyring.master),
            prev_hash=entry.prev_hash,
            **_fields(entry),
        )
        assert entry.entry_hash == expected
        assert hashlib.sha256(committed.keyring.master).hexdigest() not in entry.entry_hash


def test_a_second_runtime_on_the_same_database_leaves_it_keyed_when_it_goes(
    committed: Runtime,
) -> None:
    """A short-lived runtime wrapping a live one's database (as tests/sharing/test_ssrf.py's
    strict runtime does) must not leave the database keyed by a runtime that is gone: the
    module-scoped users of the live one then failed to write any audit entry."""
    set_default_chain_key(None)  # no test fallback may hide a missing key
    try:
        passing = Runtime(settings=committed.settings.model_copy(), db=committed.db)
        with passing.db.transaction() as session:
            record(session, actor=SYSTEM, action="test.passing")
        del passing
        gc.collect()
        with committed.db.transaction() as session:
            record(session, actor=SYSTEM, action="test.after")
        with committed.db.transaction() as session:
            result = verify_chain(session)
        assert result.ok and result.entries == 2, result
    finally:
        set_default_chain_key(lambda: TEST_CHAIN_KEY)


def test_every_engine_of_a_runtime_is_keyed_the_priority_lane_too(committed: Runtime) -> None:
    """Login and intake write through the lane's own engine; their entries must be keyed with
    the runtime's key, and no test fallback may hide a missing key."""
    set_default_chain_key(None)
    try:
        with committed.db.lane().transaction() as session:
            record(session, actor=SYSTEM, action="test.lane")
        with committed.db.transaction() as session:
            record(session, actor=SYSTEM, action="test.main")
        with committed.db.transaction() as session:
            result = verify_chain(session)
        assert result.ok and result.entries == 2, result
        bare = Database(committed.db.url, pool_size=1)
        try:
            with pytest.raises(ChainKeyMissing), bare.transaction() as session:
                record(session, actor=SYSTEM, action="test.unkeyed")
        finally:
            bare.dispose()
    finally:
        set_default_chain_key(lambda: TEST_CHAIN_KEY)
