from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from perisai.audit.signing import load_or_create_signing_key, public_key_b64
from perisai.config import Settings
from perisai.crypto import DecryptionError, Keyring, load_or_create_key
from perisai.db.engine import Database
from perisai.runtime import Runtime
from perisai.serve import prepare_first_start


def test_seal_round_trip_and_binding(tmp_path: Path) -> None:
    keyring = Keyring(master=load_or_create_key(tmp_path / "k"))
    sealed = keyring.seal(b"Nur, 11, SK Taman Melati", b"victim:1:name")
    assert b"Nur" not in sealed
    assert keyring.open(sealed, b"victim:1:name") == b"Nur, 11, SK Taman Melati"
    with pytest.raises(DecryptionError):
        keyring.open(sealed, b"victim:2:name")


def test_tampered_or_foreign_ciphertext_fails(tmp_path: Path) -> None:
    keyring = Keyring(master=load_or_create_key(tmp_path / "k"))
    sealed = bytearray(keyring.seal(b"secret", b"aad"))
    sealed[-1] ^= 1
    with pytest.raises(DecryptionError):
        keyring.open(bytes(sealed), b"aad")
    other = Keyring(master=load_or_create_key(tmp_path / "other"))
    with pytest.raises(DecryptionError):
        other.open(keyring.seal(b"secret", b"aad"), b"aad")
    with pytest.raises(DecryptionError):
        keyring.open(b"garbage", b"aad")


def test_rotated_master_key_still_reads_old_values(tmp_path: Path) -> None:
    old = Keyring(master=load_or_create_key(tmp_path / "old"), key_id=1)
    sealed = old.seal(b"x", b"a")
    new = Keyring(master=load_or_create_key(tmp_path / "new"), key_id=2, older=((1, old.master),))
    assert new.open(sealed, b"a") == b"x"


def test_key_file_is_private_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "master.key"
    load_or_create_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    path.write_bytes(b"short")
    with pytest.raises(ValueError, match="32 bytes"):
        load_or_create_key(path)


def _race(path: str, barrier: Any, out: Any) -> None:
    barrier.wait()
    try:
        out.put(("ok", load_or_create_key(Path(path)).hex()))
    except Exception as exc:  # what the loser of the race used to get
        out.put(("error", f"{type(exc).__name__}: {exc}"))


def _race_signing(path: str, barrier: Any, out: Any) -> None:
    barrier.wait()
    try:
        out.put(("ok", public_key_b64(load_or_create_signing_key(Path(path)))))
    except Exception as exc:
        out.put(("error", f"{type(exc).__name__}: {exc}"))


@pytest.mark.parametrize("target", [_race, _race_signing])
def test_processes_starting_at_once_create_one_key(tmp_path: Path, target: Any) -> None:
    """`perisai serve --workers N` on a fresh data directory: every process gets the same key."""
    context = multiprocessing.get_context("fork")
    processes = 6
    for attempt in range(8):
        path = tmp_path / f"fresh-{attempt}" / "keys" / "key"
        barrier, out = context.Barrier(processes), context.Queue()
        started = [
            context.Process(target=target, args=(str(path), barrier, out)) for _ in range(processes)
        ]
        for process in started:
            process.start()
        results = [out.get(timeout=120) for _ in started]
        for process in started:
            process.join(timeout=60)
        assert all(kind == "ok" for kind, _ in results), results
        assert len({value for _, value in results}) == 1, results
        assert oct(path.stat().st_mode & 0o777) == oct(0o600)
        assert [p.name for p in path.parent.iterdir()] == ["key"]  # no temporary left


def test_serve_creates_first_start_files_before_its_workers(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", demo=False)
    runtime = Runtime(settings=settings, db=Database("postgresql://postgres@127.0.0.1:1/none"))
    try:
        prepare_first_start(runtime)
    finally:
        runtime.db.dispose()
    assert settings.master_key_path.is_file()
    assert settings.signing_key_path.is_file()
    assert settings.evidence_dir.is_dir()
