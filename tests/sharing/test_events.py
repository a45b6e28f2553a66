from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

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
