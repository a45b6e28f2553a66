"""The group-commit writer on a real database: batches, isolation of a bad report, revocation."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from tests.identity.factories import make_api_key
from tests.reports.factories import example_body, prepared_report, submit

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM
from perisai.db.engine import Database
from perisai.enrichment.models import ReportIpIntel
from perisai.identity.permissions import Scope
from perisai.identity.service import authenticate_api_key, revoke_api_key
from perisai.reports import service
from perisai.reports.intake import IntakeWriter, KeyRevoked
from perisai.reports.models import Report
from perisai.runtime import Runtime
from perisai.testing.examples import ISSUE_EXAMPLE_JSON


def _run_queued(
    writer: IntakeWriter, items: list[service.PreparedReport]
) -> list[service.Submitted | BaseException]:
    """Queue every item before the writer starts, so that they make one batch."""

    async def scenario() -> list[service.Submitted | BaseException]:
        tasks = [asyncio.ensure_future(writer.submit(item)) for item in items]
        await asyncio.sleep(0)  # each task queues its item
        writer.start()
        return await asyncio.gather(*tasks, return_exceptions=True)

    return asyncio.run(scenario())


def _reports(db: Session, prefix: str) -> int:
    stmt = select(func.count()).select_from(Report)
    return int(db.scalar(stmt.where(Report.idempotency_key.startswith(prefix))) or 0)


def _with_writer(runtime: Runtime, test: Callable[[IntakeWriter], Any]) -> Any:
    writer = IntakeWriter(runtime.db, start=False)
    try:
        return test(writer)
    finally:
        writer.close()


def test_reports_that_arrive_together_commit_in_one_batch(db: Session, runtime: Runtime) -> None:
    items = [prepared_report(f"together-{n}") for n in range(12)]

    def check(writer: IntakeWriter) -> None:
        outcomes = _run_queued(writer, items)
        assert all(isinstance(o, service.Submitted) and o.created for o in outcomes), outcomes
        assert (writer.batches, writer.reports) == (1, 12)

    _with_writer(runtime, check)
    assert _reports(db, "together-") == 12
    audited = db.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "report.submit")
    )
    assert audited == 12


def test_a_report_that_fails_costs_no_other_report(db: Session, runtime: Runtime) -> None:
    good = [prepared_report(f"isolated-{n}") for n in range(3)]
    # The same public id twice: the batch's INSERT fails on the unique public id, so the writer
    # writes report by report and only the duplicate fails.
    clash = prepared_report("isolated-clash")
    clash = replace(clash, report={**clash.report, "public_id": good[1].public_id})

    def check(writer: IntakeWriter) -> list[service.Submitted | BaseException]:
        return _run_queued(writer, [good[0], good[1], clash, good[2]])

    outcomes = _with_writer(runtime, check)
    assert [type(o) for o in outcomes] == [
        service.Submitted,
        service.Submitted,
        IntegrityError,
        service.Submitted,
    ]
    assert _reports(db, "isolated-") == 3


def test_refusals_come_back_as_exceptions(db: Session, runtime: Runtime) -> None:
    changed = json.loads(ISSUE_EXAMPLE_JSON)
    changed["urls"] = ["https://example.com/changed"]
    first = prepared_report("refused")
    other_body = replace(prepared_report("refused"), body_sha256=service.canonical_sha256(changed))

    async def scenario(writer: IntakeWriter) -> tuple[Any, ...]:
        stored = await writer.submit(first)
        replayed = await writer.submit(prepared_report("refused"))
        with pytest.raises(service.IdempotencyConflict):
            await writer.submit(other_body)
        return stored, replayed

    def check(writer: IntakeWriter) -> tuple[Any, ...]:
        writer.start()
        return asyncio.run(scenario(writer))

    stored, replayed = _with_writer(runtime, check)
    assert stored.created and not replayed.created
    assert replayed.receipt == stored.receipt


def test_a_revoked_key_stores_nothing(db: Session, runtime: Runtime) -> None:
    live, _ = make_api_key(db, scopes=[Scope.REPORTS_SUBMIT])
    dead, _ = make_api_key(db, scopes=[Scope.REPORTS_SUBMIT])
    revoke_api_key(db, actor=SYSTEM, key_id=dead.id)
    db.flush()

    def check(writer: IntakeWriter) -> list[service.Submitted | BaseException]:
        return _run_queued(
            writer,
            [
                prepared_report("key-live", api_key_id=live.id),
                prepared_report("key-dead", api_key_id=dead.id),
            ],
        )

    stored, refused = _with_writer(runtime, check)
    assert isinstance(stored, service.Submitted) and isinstance(refused, KeyRevoked)
    assert _reports(db, "key-live") == 1 and _reports(db, "key-dead") == 0


def test_close_writes_what_is_queued(db: Session, runtime: Runtime) -> None:
    writer = IntakeWriter(runtime.db, start=False)

    async def scenario() -> list[service.Submitted]:
        tasks = [
            asyncio.ensure_future(writer.submit(prepared_report(f"drain-{n}"))) for n in range(4)
        ]
        await asyncio.sleep(0)
        writer.start()
        writer.close()  # queued before the stop: written before the thread ends
        return list(await asyncio.gather(*tasks))

    outcomes = asyncio.run(scenario())
    assert all(outcome.created for outcome in outcomes)
    assert _reports(db, "drain-") == 4

    async def too_late() -> service.Submitted:
        return await writer.submit(prepared_report("drain-late"))

    with pytest.raises(RuntimeError, match="closed"):
        asyncio.run(too_late())


def test_a_key_revoked_after_it_was_cached_is_refused(client: TestClient, db: Session) -> None:
    key, secret = make_api_key(db, scopes=[Scope.REPORTS_SUBMIT])
    headers = {"Authorization": f"Bearer {secret}"}
    assert submit(client, headers, example_body()).status_code == 201  # verified and cached
    revoke_api_key(db, actor=SYSTEM, key_id=key.id)
    db.flush()
    response = submit(client, headers, example_body())
    assert response.status_code == 401, response.text


def test_a_writer_that_died_refuses_at_once(runtime: Runtime) -> None:
    writer = IntakeWriter(runtime.db, start=False)
    writer._queue.put(None)  # the stop signal: the thread ends as if it had died
    writer.start()
    writer._thread.join(5)

    async def submit_one() -> service.Submitted:
        return await writer.submit(prepared_report("after-death"))

    with pytest.raises(RuntimeError, match="stopped"):
        asyncio.run(submit_one())


def test_ip_answers_that_cannot_be_stored_never_cost_the_report(
    db: Session, runtime: Runtime
) -> None:
    item = prepared_report("bad-ip-answer")
    broken = {
        "account_index": 0,
        "event_index": 0,
        "ip": "81.2.69.160",
        "event": "login",
        "at": datetime.now(UTC),
        "at_is_event_time": True,
        "answer": {"note": "\x00"},  # JSONB cannot hold NUL: the INSERT fails
        "looked_up_at": datetime.now(UTC),
    }
    item = replace(item, ip_intel=[broken])

    def check(writer: IntakeWriter) -> list[service.Submitted | BaseException]:
        return _run_queued(writer, [item])

    (outcome,) = _with_writer(runtime, check)
    assert isinstance(outcome, service.Submitted) and outcome.created
    assert _reports(db, "bad-ip-answer") == 1
    stored = db.scalars(select(ReportIpIntel).where(ReportIpIntel.report_id == outcome.report_id))
    assert list(stored) == []


def test_an_unexpected_failure_answers_the_batch_and_the_writer_goes_on(
    db: Session, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = IntakeWriter(runtime.db, start=False)
    real_write = writer._write
    calls = iter([True])

    def flaky(batch: list[Any]) -> None:
        if next(calls, False):
            raise RuntimeError("bug")
        real_write(batch)

    monkeypatch.setattr(writer, "_write", flaky)
    try:
        (failed,) = _run_queued(writer, [prepared_report("unexpected-1")])

        async def later() -> service.Submitted:
            return await writer.submit(prepared_report("unexpected-2"))

        stored = asyncio.run(later())
    finally:
        writer.close()
    assert isinstance(failed, RuntimeError)
    assert stored.created and _reports(db, "unexpected-") == 1


def test_a_write_that_takes_too_long_answers_503_and_the_retry_is_safe(
    client: TestClient, db: Session, app: FastAPI
) -> None:
    stalled = IntakeWriter(app.state.runtime.db, start=False, wait_seconds=0.05)
    app.state.intake_writer = stalled
    _, secret = make_api_key(db, scopes=[Scope.REPORTS_SUBMIT])
    headers = {"Authorization": f"Bearer {secret}"}
    response = submit(client, headers, example_body(), key="slow-1")
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "5"
    assert "same Idempotency-Key" in response.json()["detail"]
    stalled.start()  # the queued write goes on: the retry meets it
    stalled.close()
    del app.state.intake_writer
    retry = submit(client, headers, example_body(), key="slow-1")
    assert retry.status_code == 200, retry.text
    assert _reports(db, "slow-1") == 1


def test_a_request_recording_its_key_use_does_not_stall_intake(own_database: Database) -> None:
    """Recording a key's use locks its row for the request's whole transaction (an upload can
    last minutes); intake's INSERTs, whose foreign key checks that row, must not wait for it."""
    with own_database.transaction() as session:
        key, secret = make_api_key(session, scopes=[Scope.REPORTS_SUBMIT])
        key_id = key.id
    # A stalled write would wait on the held row until the writer gives up (an error).
    writer = IntakeWriter(own_database, wait_seconds=60)
    holder = own_database.sessions()
    try:
        holder.begin()
        assert authenticate_api_key(holder, secret) is not None  # claims the row, stays open

        async def store() -> service.Submitted:
            return await writer.submit(prepared_report("while-locked", api_key_id=key_id))

        stored = asyncio.run(store())
        assert stored.created
    finally:
        holder.rollback()
        holder.close()
        writer.close()
