"""The subject key store and the erasure ledger (perisai.keystore): durable, strict, idempotent."""

from __future__ import annotations

import os
import shutil
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from perisai.crypto import Keyring, new_data_key
from perisai.keystore import (
    HEADER,
    Erasure,
    KeyGone,
    StoreCorrupt,
    SubjectKeyStore,
    attach,
    replay_keys,
    segment_for,
)

MASTER = bytes(range(32))
WHEN = datetime(2026, 12, 6, 1, 30, tzinfo=UTC)


def _store(root: Path, master: bytes = MASTER) -> SubjectKeyStore:
    return SubjectKeyStore(root, Keyring(master=master))


def test_keys_are_put_durably_and_read_back(tmp_path: Path) -> None:
    store = _store(tmp_path / "keys")
    one, two = new_data_key(), new_data_key()
    segment = store.put({"victim:VIC-A": one, "report:R-1:victim:0": two}, now=WHEN)
    assert segment == segment_for(WHEN) == "2026120601"
    assert store.get(segment, "victim:VIC-A") == one
    assert store.get(segment, "report:R-1:victim:0") == two
    path = tmp_path / "keys" / f"{segment}.pks"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    # The bytes of a key are never on disk in the clear: each is wrapped by the master key.
    assert one not in path.read_bytes() and two not in path.read_bytes()
    # A second batch in the same hour appends to the same segment; both stay readable.
    three = new_data_key()
    assert store.put({"victim:VIC-B": three}, now=WHEN) == segment
    assert store.read_segment(segment) == {
        "victim:VIC-A": one,
        "report:R-1:victim:0": two,
        "victim:VIC-B": three,
    }
    with pytest.raises(KeyGone):
        store.get(segment, "victim:VIC-NOT-THERE")


def test_put_fsyncs_the_segment_before_returning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real = os.fsync

    def spy(fd: int) -> None:
        synced.append(os.fstat(fd).st_ino)
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    store = _store(tmp_path / "keys")
    segment = store.put({"victim:VIC-A": new_data_key()}, now=WHEN)
    inode = (tmp_path / "keys" / f"{segment}.pks").stat().st_ino
    assert inode in synced  # the segment itself, after the append
    assert (tmp_path / "keys").stat().st_ino in synced  # and its directory (the new name)


def test_destroy_removes_the_key_and_overwrites_nothing_else(tmp_path: Path) -> None:
    store = _store(tmp_path / "keys")
    keep = new_data_key()
    segment = store.put({"victim:VIC-A": new_data_key(), "victim:VIC-B": keep}, now=WHEN)
    before = (tmp_path / "keys" / f"{segment}.pks").read_bytes()
    assert store.destroy(segment, ["victim:VIC-A"]) == 1
    with pytest.raises(KeyGone):
        store.get(segment, "victim:VIC-A")
    assert store.get(segment, "victim:VIC-B") == keep
    after = (tmp_path / "keys" / f"{segment}.pks").read_bytes()
    assert len(after) < len(before)
    # Idempotent: destroying again (a replayed ledger) changes nothing.
    assert store.destroy(segment, ["victim:VIC-A"]) == 0
    assert (tmp_path / "keys" / f"{segment}.pks").read_bytes() == after
    # No temporary file is left behind.
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == [f"{segment}.pks"]


def test_garbage_renamed_and_foreign_segments_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "keys"
    store = _store(root)
    segment = store.put({"victim:VIC-A": new_data_key()}, now=WHEN)
    path = root / f"{segment}.pks"
    good = path.read_bytes()

    path.write_bytes(b"not a segment at all")
    with pytest.raises(StoreCorrupt):
        store.get(segment, "victim:VIC-A")

    damaged = bytearray(good)
    damaged[-5] ^= 0xFF  # a flipped bit inside the wrapped key
    path.write_bytes(bytes(damaged))
    with pytest.raises(StoreCorrupt):
        store.get(segment, "victim:VIC-A")

    path.write_bytes(HEADER + b"\xff\xff" + b"x" * 300)  # an impossible record length
    with pytest.raises(StoreCorrupt):
        store.read_segment(segment)

    # A key copied under another subject's name does not open (bound to its subject).
    wrapped = good[len(HEADER) + 2 + len(b"victim:VIC-A") :]
    other = HEADER + (12).to_bytes(2, "big") + b"victim:VIC-B" + wrapped
    path.write_bytes(other)
    with pytest.raises(StoreCorrupt):
        store.get(segment, "victim:VIC-B")

    # Written under another master key: refused, never read as a key.
    path.write_bytes(good)
    with pytest.raises(StoreCorrupt):
        _store(root, master=bytes(32)).get(segment, "victim:VIC-A")

    # A segment name from the database never names a path outside the store.
    for name in ("../../etc/passwd", "2026120601/../x", ""):
        with pytest.raises(StoreCorrupt):
            store.get(name, "victim:VIC-A")


def test_a_torn_last_record_is_ignored_but_the_others_read(tmp_path: Path) -> None:
    store = _store(tmp_path / "keys")
    key = new_data_key()
    segment = store.put({"victim:VIC-A": key}, now=WHEN)
    path = tmp_path / "keys" / f"{segment}.pks"
    with path.open("ab") as handle:  # a crash in the middle of an unacknowledged append
        handle.write(b"\x00\x0cvictim:VIC-")
    assert store.get(segment, "victim:VIC-A") == key


def test_concurrent_appends_and_destroys_lose_no_key(tmp_path: Path) -> None:
    store = _store(tmp_path / "keys")
    doomed = {f"victim:D{i}": new_data_key() for i in range(20)}
    segment = store.put(doomed, now=WHEN)
    kept: dict[str, bytes] = {}
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            for i in range(10):
                key = new_data_key()
                store.put({f"victim:K{n}-{i}": key}, now=WHEN)
                kept[f"victim:K{n}-{i}"] = key
        except BaseException as exc:
            errors.append(exc)

    def destroy() -> None:
        try:
            for name in doomed:
                store.destroy(segment, [name])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(3)]
    threads.append(threading.Thread(target=destroy))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert store.read_segment(segment) == kept


def test_the_ledger_is_authenticated_and_replayed(tmp_path: Path) -> None:
    keyring = attach(Keyring(master=MASTER), tmp_path / "keys", tmp_path / "ledger")
    store, ledger = keyring.subjects(), keyring.ledger()
    key = new_data_key()
    segment = store.put({"victim:VIC-A": new_data_key(), "victim:VIC-B": key}, now=WHEN)
    backup = tmp_path / "backup"
    shutil.copytree(tmp_path / "keys", backup)  # a backup of the store, before the erasure
    erasure = Erasure("VIC-A", "request", WHEN.isoformat(), ((segment, "victim:VIC-A"),))
    ledger.append(erasure)
    store.destroy(segment, ["victim:VIC-A"])
    # The store is restored from the backup: the erased key is back ...
    shutil.rmtree(tmp_path / "keys")
    shutil.copytree(backup, tmp_path / "keys")
    assert store.get(segment, "victim:VIC-A")
    # ... until the ledger is replayed.
    erasures, bad = ledger.read()
    assert erasures == [erasure] and bad == []
    assert replay_keys(store, erasures) == 1
    with pytest.raises(KeyGone):
        store.get(segment, "victim:VIC-A")
    assert store.get(segment, "victim:VIC-B") == key
    # A forged or damaged line is never applied, and is reported.
    with ledger.path.open("a") as handle:
        handle.write('{"record": "VIC-B", "basis": "request", "at": "x", "subjects": '
                     f'[["{segment}", "victim:VIC-B"]], "mac": "00"}}\n')  # fmt: skip
        handle.write("garbage\n")
    erasures, bad = ledger.read()
    assert [e.record for e in erasures] == ["VIC-A"] and bad == [2, 3]
    assert stat.S_IMODE(ledger.path.stat().st_mode) == 0o600
