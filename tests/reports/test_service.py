"""The intake service on a real database: batches, idempotency, and the race for one key."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from tests.reports.factories import KEYRING, example_body, prepared_report

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM, flush_pending
from perisai.db.engine import Database
from perisai.reports import service
from perisai.reports.identifiers import FieldError
from perisai.reports.models import OffenceCode, Report, ReporterKind, ReportIdentifier
from perisai.reports.schemas import ReportIn
from perisai.testing.examples import ISSUE_EXAMPLE_JSON


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


def _changed_body() -> dict[str, object]:
    changed = example_body()
    changed["urls"] = ["https://example.com/other"]
    return changed


def test_a_batch_answers_each_report_in_order(db: Session) -> None:
    bad_code = example_body()
    bad_code["offence_codes"] = ["act792.s999"]
    outcomes = service.store(
        db,
        [
            prepared_report("batch-a"),
            prepared_report("batch-dup"),
            prepared_report("batch-bad", bad_code),
            prepared_report("batch-dup"),  # the same key and body again: the first one's receipt
            prepared_report("batch-dup", _changed_body()),  # the same key, another body: conflict
            prepared_report("batch-b"),
        ],
    )
    created_a, first, bad, again, conflict, created_b = outcomes
    assert isinstance(created_a, service.Submitted) and created_a.created
    assert isinstance(created_b, service.Submitted) and created_b.created
    assert isinstance(first, service.Submitted) and first.created
    assert isinstance(again, service.Submitted) and not again.created
    assert again.receipt == first.receipt and again.report_id == first.report_id
    assert isinstance(bad, FieldError) and bad.field == "offence_codes.0"
    assert isinstance(conflict, service.IdempotencyConflict)
    assert [_count(db, key) for key in ("batch-a", "batch-dup", "batch-bad", "batch-b")] == [
        1,
        1,
        0,
        1,
    ]
    # Children went to their own reports: each created report has the example's identifiers.
    per_report = db.execute(
        select(ReportIdentifier.report_id, func.count()).group_by(ReportIdentifier.report_id)
    ).all()
    assert sorted(count for _, count in per_report) == [5, 5, 5]
    flush_pending(db)  # what the commit would write
    audited = db.scalars(
        select(AuditEntry.object_id).where(AuditEntry.action == "report.submit")
    ).all()
    assert len(audited) == 3


@pytest.mark.parametrize("winner_commits", [True, False])
def test_a_concurrent_submission_with_the_same_key_waits_for_the_first(
    own_database: Database, winner_commits: bool
) -> None:
    """Two transactions insert one key: the second waits, then replays (or, if the first rolled
    back, stores its own); neither fails."""
    results: list[service.Outcome] = []
    with Session(own_database.engine) as first:
        (stored,) = service.store(first, [prepared_report("race")])
        assert isinstance(stored, service.Submitted)

        def second() -> None:
            with Session(own_database.engine) as session, session.begin():
                results.extend(service.store(session, [prepared_report("race")]))

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive(), "the second insert should wait for the first transaction"
        if winner_commits:
            first.commit()
        else:
            first.rollback()
        thread.join(10)
    (outcome,) = results
    assert isinstance(outcome, service.Submitted)
    if winner_commits:
        assert not outcome.created and outcome.receipt == stored.receipt
    else:
        assert outcome.created and outcome.receipt.report_id != stored.receipt.report_id
    with Session(own_database.engine) as session:
        assert _count(session, "race") == 1


def test_a_conflicting_concurrent_submission_is_a_conflict(own_database: Database) -> None:
    with Session(own_database.engine) as session, session.begin():
        service.store(session, [prepared_report("race-2")])
    with Session(own_database.engine) as session, session.begin():
        (outcome,) = service.store(session, [prepared_report("race-2", _changed_body())])
    assert isinstance(outcome, service.IdempotencyConflict)


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


def test_a_retry_answers_its_receipt_even_when_it_could_no_longer_be_stored(db: Session) -> None:
    """A code deactivated after the first try must not turn the retry into a 422."""
    body = example_body()
    body["offence_codes"] = ["act792.s11"]
    first = _submit(db, "retry-after-change", body)
    db.execute(update(OffenceCode).where(OffenceCode.code == "act792.s11").values(active=False))
    again = _submit(db, "retry-after-change", body)
    assert not again.created and again.receipt == first.receipt
    other = example_body()
    other["offence_codes"] = ["act792.s11"]
    other["urls"] = ["https://example.com/other"]
    with pytest.raises(service.IdempotencyConflict):
        _submit(db, "retry-after-change", other)  # another body: a conflict, not a 422
    bad_phone = example_body()
    bad_phone["reported_accounts"][0]["phones"] = ["call me maybe"]
    with pytest.raises(service.IdempotencyConflict):
        _submit(db, "retry-after-change", bad_phone)
    with pytest.raises(FieldError):
        _submit(db, "never-stored", bad_phone)
