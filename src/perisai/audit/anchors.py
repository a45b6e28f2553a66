"""Signed chain heads kept outside the database: what makes truncation of the audit log visible.

A hash chain alone cannot show that its newest entries were deleted, or that the table was
emptied: what is left is still a valid chain. So the head (last entry's id and hash, and how
many entries lead to it) is signed with the deployment's Ed25519 key and appended to a file in
the data directory (``PERISAI_AUDIT_HEADS_DIR``, default ``DATA_DIR/audit-heads``, mode 0600
in a 0700 folder), which the database cannot reach: every few minutes while the server runs, at
its shutdown, and whenever ``perisai audit head`` is run. ``perisai audit verify`` then checks
the chain against every stored head: the entry each names must still be there with the same
hash, and exactly as many entries must lead to it. ``perisai audit heads`` exports them, for
an outside party to keep.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from perisai.audit.service import VerifyResult, chain_head, verify_chain
from perisai.audit.signing import public_key_b64, sign_payload, verify_signed

log = logging.getLogger(__name__)

HEADS_FILE: Final = "heads.jsonl"
#: A heads file larger than this is not read (it would be years of heads every minute).
MAX_HEADS_BYTES: Final = 256 << 20


class AnchorError(Exception):
    """The heads file cannot be read or written; the message says why."""


def signed_head(session: Session, key: Ed25519PrivateKey) -> dict[str, Any]:
    """The chain's head now, signed: ``entry_id``, ``entry_hash``, ``entries``, ``signed_at``."""
    found = chain_head(session)
    return sign_payload(
        key,
        {
            "entry_id": found.entry_id,
            "entry_hash": found.entry_hash,
            "entries": found.entries,
            "signed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )


def _heads_path(directory: Path) -> Path:
    return directory / HEADS_FILE


def read_heads(directory: Path) -> list[dict[str, Any]]:
    """Every stored head, oldest first ([] when none was stored yet)."""
    path = _heads_path(directory)
    try:
        if path.stat().st_size > MAX_HEADS_BYTES:
            raise AnchorError(f"{path} is larger than {MAX_HEADS_BYTES >> 20} MiB")
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise AnchorError(f"cannot read {path}: {exc}") from exc
    heads = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AnchorError(f"{path} line {number} is not JSON") from exc
        if not isinstance(document, dict):
            raise AnchorError(f"{path} line {number} is not a signed head")
        heads.append(document)
    return heads


def store_head(directory: Path, document: dict[str, Any]) -> None:
    """Append one head (one line, under an exclusive lock, synced to disk)."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    line = (json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")
    try:
        fd = os.open(_heads_path(directory), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError as exc:
        raise AnchorError(f"cannot open {_heads_path(directory)}: {exc}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def anchor(session: Session, key: Ed25519PrivateKey, directory: Path) -> dict[str, Any]:
    """Sign the head now and store it, unless the last stored head already says the same."""
    document = signed_head(session, key)
    heads = read_heads(directory)
    last = heads[-1] if heads else None
    if last is not None and all(
        last.get(field) == document[field] for field in ("entry_id", "entry_hash", "entries")
    ):
        return last
    store_head(directory, document)
    return document


@dataclass(frozen=True)
class HeadProblem:
    """A stored head the chain no longer agrees with."""

    entry_id: int | None
    reason: str


def check_heads(
    heads: list[dict[str, Any]],
    key: Ed25519PrivateKey,
    seen: Callable[[int], tuple[int, str] | None],
    total: int,
) -> HeadProblem | None:
    """The first stored head the chain contradicts, or None.

    ``seen(entry_id)`` gives (entries up to and including it, its hash) from the walk of the
    chain, None when no such entry is left; ``total`` is how many entries the walk found.
    """
    trusted = public_key_b64(key)
    for head in heads:
        signed_at = head.get("signed_at", "?")
        if not verify_signed(head, trusted):
            return HeadProblem(None, f"the stored head of {signed_at} is not signed by this key")
        entry_id, entries = head.get("entry_id"), head.get("entries")
        if not isinstance(entries, int) or not (entry_id is None or isinstance(entry_id, int)):
            return HeadProblem(None, f"the stored head of {signed_at} is malformed")
        if entry_id is None:
            continue  # signed while the log was empty
        found = seen(entry_id)
        if found is None:
            return HeadProblem(
                entry_id,
                f"entry {entry_id}, the head signed at {signed_at}, is gone: "
                f"{total} entries are left where {entries} had been signed up to it "
                "(newest entries deleted, or the table emptied)",
            )
        count, entry_hash = found
        if entry_hash != head.get("entry_hash"):
            return HeadProblem(
                entry_id, f"entry {entry_id} differs from the head signed at {signed_at}"
            )
        if count != entries:
            return HeadProblem(
                entry_id,
                f"{count} entries lead to entry {entry_id} where the head signed at "
                f"{signed_at} counted {entries} (entries removed or added before it)",
            )
    return None


class Anchorer:
    """Writes a signed head every ``interval`` seconds in a thread, and a last one at stop."""

    def __init__(self, write: Callable[[], object], interval: float) -> None:
        self._write = write
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="perisai-audit-anchor", daemon=True)
        self.written = 0

    def _once(self) -> None:
        try:
            self._write()
            self.written += 1
        except Exception:  # a failed anchor must not stop the server; it is logged
            log.exception("could not write the audit chain's signed head")

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._once()

    def start(self) -> Anchorer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the schedule and write the head at shutdown."""
        self._stop.set()
        with contextlib.suppress(RuntimeError):
            self._thread.join(timeout=30)
        self._once()


def verify_anchored(
    session: Session, key: Ed25519PrivateKey, heads: list[dict[str, Any]]
) -> VerifyResult:
    """The chain re-walked (:func:`verify_chain`), then checked against every stored head."""
    wanted = frozenset(h["entry_id"] for h in heads if isinstance(h.get("entry_id"), int))
    walked = verify_chain(session, track=wanted)
    anchored_at = str(heads[-1].get("signed_at")) if heads else None
    if not walked.ok:
        return replace(walked, anchored_at=anchored_at, heads_checked=len(heads))
    problem = check_heads(heads, key, walked.positions.get, walked.entries)
    if problem is not None:
        return replace(
            walked,
            ok=False,
            first_bad_entry=problem.entry_id,
            reason=problem.reason,
            anchored_at=anchored_at,
            heads_checked=len(heads),
        )
    return replace(walked, anchored_at=anchored_at, heads_checked=len(heads))
