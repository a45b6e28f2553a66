"""Demo data for stop the spread: one self-report platforms have matched twice, one held for
review. The hashes are random (they stand for no picture at all)."""

from __future__ import annotations

import hashlib
import random

from sqlalchemy.orm import Session

from perisai.banks.indexes import BankIndexes
from perisai.runtime import Runtime
from perisai.spread import service
from perisai.spread.models import HoldReason, ReportState
from perisai.spread.schemas import FileHashesIn

#: Try them on /stop-the-spread/status (docs/spread.md).
DEMO_CODE = "HS-DEMXCASE"
DEMO_SECRET = "demo-secret-2026"  # noqa: S105 - the demo's published secret
DEMO_HELD_CODE = "HS-DEMXHELD"


def _hashes(rng: random.Random) -> FileHashesIn:
    data = rng.randbytes(64)
    return FileHashesIn(
        kind="image",
        md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
        sha256=hashlib.sha256(data).hexdigest(),
        pdq=f"{rng.getrandbits(256):064x}",
        pdq_quality=100,
    )


def seed(runtime: Runtime, session: Session) -> None:
    rng = random.Random(17)  # the same demo every time  # noqa: S311 - not security
    indexes = BankIndexes()
    seen = service.submit(
        session,
        keyring=runtime.keyring,
        indexes=indexes,
        files=[_hashes(rng)],
        contact="",
        lang="ms",
        source="demo",
    ).report
    seen.code = DEMO_CODE
    seen.secret_sha256 = hashlib.sha256(DEMO_SECRET.encode()).hexdigest()
    session.flush()
    entries = service.entry_ids(session, report=seen)
    service.record_sightings(session, matched_by="demo platform A", entry_ids=entries)
    service.record_sightings(session, matched_by="demo platform B", entry_ids=entries[:1])
    held = service.submit(
        session,
        keyring=runtime.keyring,
        indexes=indexes,
        files=[_hashes(rng), _hashes(rng)],
        contact="",
        lang="en",
        source="demo",
    ).report
    held.code = DEMO_HELD_CODE
    held.secret_sha256 = hashlib.sha256(DEMO_SECRET.encode()).hexdigest()
    service.hold(session, report=held, reason=HoldReason.BULK)
    assert held.state == ReportState.HELD
