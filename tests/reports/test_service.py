"""The intake service on a real database: idempotency, including the lost race."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.reports.factories import example_body

from perisai.audit.service import SYSTEM
from perisai.crypto import Keyring
from perisai.reports import service
from perisai.reports.identifiers import FieldError
from perisai.reports.models import Report, ReporterKind, ReportIdentifier
from perisai.reports.schemas import ReportIn
from perisai.testing.examples import ISSUE_EXAMPLE_JSON

KEYRING = Keyring(master=bytes(range(32)))


def _submit(db: Session, key: str, body: dict[str, object] | None = None) -> service.Submitted:
    raw = json.loads(ISSUE_EXAMPLE_JSON) if body is None else body
    return service.submit(
        db,
        keyring=KEYRING,
        actor=SYSTEM,
        data=ReportIn.model_validate(raw),
        body_sha256=service.canonical_sha256(raw),
        client_id="hotline",
        idempotency_key=key,
        reporter_kind=ReporterKind.HOTLINE,
    )


def _count(db: Session, key: str) -> int:
    stmt = select(func.count()).select_from(Report).where(Report.idempotency_key == key)
    return int(db.scalar(stmt) or 0)


def test_canonical_hash_ignores_key_order_and_spacing() -> None:
    assert service.canonical_sha256({"b": 1, "a": [1, 2]}) == service.canonical_sha256(
        json.loads('{ "a" : [1,2],  "b":1 }')
    )
    assert service.canonical_sha256({"a": 1}) != service.canonical_sha256({"a": 2})


def test_public_ids_are_unique_and_shaped() -> None:
    from datetime import UTC, datetime

    ids = {service.new_public_id(datetime(2026, 1, 1, tzinfo=UTC)) for _ in range(1000)}
    assert len(ids) == 1000
    assert all(item.startswith("R-2026-") and len(item) == 17 for item in ids)


def test_a_lost_race_answers_the_winners_receipt(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    winner = _submit(db, "race")
    db.expunge_all()
    # The loser looked before the winner committed: its first look finds nothing, so its insert
    # hits the unique constraint inside the savepoint and it must re-read the winner's row.
    real_find = service.find_by_idempotency_key
    calls = iter([None])

    def racing_find(session: Session, *, client_id: str, key: str) -> Report | None:
        return next(calls, None) or real_find(session, client_id=client_id, key=key)

    monkeypatch.setattr(service, "find_by_idempotency_key", racing_find)
    loser = _submit(db, "race")
    assert loser.created is False
    assert loser.receipt == winner.receipt
    assert _count(db, "race") == 1
    # The savepoint rolled back the loser's identifiers too.
    identifiers = db.scalar(select(func.count()).select_from(ReportIdentifier))
    assert identifiers == 5


def test_a_lost_race_with_another_body_is_a_conflict(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _submit(db, "race-2")
    real_find = service.find_by_idempotency_key
    calls = iter([None])

    def racing_find(session: Session, *, client_id: str, key: str) -> Report | None:
        return next(calls, None) or real_find(session, client_id=client_id, key=key)

    monkeypatch.setattr(service, "find_by_idempotency_key", racing_find)
    changed = example_body()
    changed["urls"] = ["https://example.com/other"]
    with pytest.raises(service.IdempotencyConflict):
        _submit(db, "race-2", changed)
    assert _count(db, "race-2") == 1


def test_identifiers_that_do_not_normalise_name_their_field(db: Session) -> None:
    body = example_body()
    body["reported_accounts"][0]["phones"] = ["+60123456789", "call me maybe"]
    with pytest.raises(FieldError) as caught:
        _submit(db, "bad-phone", body)
    assert caught.value.field == "reported_accounts.0.phones.1"
    assert _count(db, "bad-phone") == 0


def test_usernames_without_a_platform_are_kept_but_not_keyed(db: Session) -> None:
    body = example_body()
    del body["reported_accounts"][0]["platform"]
    result = _submit(db, "no-platform", body)
    report = db.scalars(select(Report).where(Report.public_id == result.receipt.report_id)).one()
    kinds = set(
        db.scalars(select(ReportIdentifier.kind).where(ReportIdentifier.report_id == report.id))
    )
    assert "username" not in kinds
    assert report.reported_accounts[0]["screen_name"] == "abang_baik"
