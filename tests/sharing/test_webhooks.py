"""Webhooks end to end: real commits, a real worker run, a real receiver answering 500 then 200."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session
from tests.sharing.conftest import Receiver, younger_writer_behind_an_older_one

from perisai.jobs.worker import run_worker
from perisai.runtime import Runtime
from perisai.sharing import webhooks
from perisai.sharing.events import emit
from perisai.sharing.jobs import first_attempts
from perisai.sharing.models import DeliveryStatus, Tlp, WebhookDelivery, WebhookSubscription
from perisai.urlguard import UrlGuard


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webhooks, "RETRY", webhooks.RetryPolicy(base_seconds=0.2, max_attempts=3))


def subscribe(
    runtime: Runtime, agency: str, url: str, types: list[str] | None = None
) -> tuple[int, str]:
    with runtime.db.transaction() as session:
        sub, secret = webhooks.create_subscription(
            session,
            runtime.keyring,
            agency=agency,
            url=url,
            guard=webhooks.guard_for(runtime.settings),
            event_types=types,
        )
        return sub.id, secret


def emit_committed(runtime: Runtime, *, audience: list[str], payload: dict[str, object]) -> int:
    with runtime.db.transaction() as session:
        event = emit(
            session,
            type="report.prioritised",
            subject_type="report",
            subject_id="R-W",
            payload=payload,
            audience=audience,
            tlp=Tlp.AMBER,
        )
        return event.id


def work_until(runtime: Runtime, done: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run_worker(runtime, concurrency=2, wait=False, install_signal_handlers=False)
        if done():
            return
        time.sleep(0.1)


def deliveries(runtime: Runtime, subscription_id: int) -> list[WebhookDelivery]:
    with runtime.db.transaction() as session:
        return list(
            session.scalars(
                select(WebhookDelivery)
                .where(WebhookDelivery.subscription_id == subscription_id)
                .order_by(WebhookDelivery.id)
            )
        )


def delivery(runtime: Runtime, delivery_id: int) -> WebhookDelivery:
    with runtime.db.transaction() as session:
        found = session.get(WebhookDelivery, delivery_id)
        assert found is not None
        return found


@pytest.mark.slow
def test_signed_event_is_delivered_again_after_a_500(
    live_runtime: Runtime, receiver: Receiver
) -> None:
    receiver.script = [500]
    sub_id, secret = subscribe(live_runtime, "MCMC", receiver.url)
    hidden = emit_committed(live_runtime, audience=["NGO"], payload={"status": "x"})
    shown = emit_committed(
        live_runtime,
        audience=["MCMC"],
        payload={"priority": "P1", "victims": [{"name": "Nur"}], "unclassified": 1},
    )

    work_until(live_runtime, lambda: len(receiver.received) >= 2)

    got = receiver.wait_for(2)
    assert len(got) == 2, "one failed attempt (500) and one retry"
    assert {r.headers["Perisai-Event-Id"] for r in got} == {str(shown)}
    for request in got:
        assert webhooks.verify(
            secret,
            timestamp=request.headers["Perisai-Timestamp"],
            body=request.body,
            signature=request.headers["Perisai-Signature"],
        )
        assert not webhooks.verify(
            "another-secret",
            timestamp=request.headers["Perisai-Timestamp"],
            body=request.body,
            signature=request.headers["Perisai-Signature"],
        )
        body = json.loads(request.body)
        assert body["data"] == {"priority": "P1"}, "victims and unknown fields never leave"
    [delivery] = deliveries(live_runtime, sub_id)
    assert (delivery.event_id, delivery.status, delivery.attempts) == (
        shown,
        DeliveryStatus.DELIVERED.value,
        2,
    )
    assert delivery.event_id != hidden


@pytest.mark.slow
def test_dead_letter_then_replay_from_an_event_id(
    live_runtime: Runtime, receiver: Receiver
) -> None:
    receiver.script = [500, 503, 500]
    sub_id, _ = subscribe(live_runtime, "MOE", receiver.url, types=["report.*"])
    event_id = emit_committed(live_runtime, audience=["MOE"], payload={"priority": "P2"})

    def dead() -> bool:
        return [d.status for d in deliveries(live_runtime, sub_id)] == ["dead"]

    work_until(live_runtime, dead)
    assert dead(), "three failures with max_attempts=3 leave a dead letter"
    assert len(receiver.received) == 3

    with live_runtime.db.transaction() as session:
        assert webhooks.replay(session, subscription_id=sub_id, from_event_id=event_id) == 1
    work_until(live_runtime, lambda: len(receiver.received) >= 4)
    [delivery] = deliveries(live_runtime, sub_id)
    assert delivery.status == DeliveryStatus.DELIVERED.value
    assert json.loads(receiver.received[-1].body)["id"] == str(event_id)


def test_verify_refuses_a_stale_timestamp_and_garbage() -> None:
    body = b'{"id":"1"}'
    signature = webhooks.sign("s", 1_000, body)
    assert webhooks.verify("s", timestamp="1000", body=body, signature=signature, now=1_100)
    assert not webhooks.verify("s", timestamp="1000", body=body, signature=signature, now=2_000)
    assert not webhooks.verify("s", timestamp="abc", body=body, signature=signature)
    assert not webhooks.verify(
        "s", timestamp="1000", body=body + b" ", signature=signature, now=1_000
    )


@pytest.mark.parametrize("url", ["ftp://x/y", "not a url", "https://", "http:///path"])
def test_subscription_refuses_bad_urls(live_runtime: Runtime, url: str) -> None:
    with pytest.raises(webhooks.WebhookError), live_runtime.db.transaction() as session:
        webhooks.create_subscription(
            session, live_runtime.keyring, agency="PDRM", url=url, guard=UrlGuard()
        )


def test_subscription_refuses_an_unknown_agency(live_runtime: Runtime) -> None:
    with pytest.raises(webhooks.WebhookError), live_runtime.db.transaction() as session:
        webhooks.create_subscription(
            session,
            live_runtime.keyring,
            agency="NOPE",
            url="https://example.test/h",
            guard=UrlGuard(),
        )


def test_secret_is_sealed_at_rest(live_runtime: Runtime) -> None:
    sub_id, secret = subscribe(live_runtime, "CSM", "https://example.test/h")
    with live_runtime.db.transaction() as session:
        sub = session.get(WebhookSubscription, sub_id)
        assert sub is not None
        assert secret.encode() not in sub.secret_sealed
        assert webhooks.subscription_secret(live_runtime.keyring, sub) == secret
        sub.active = False


def test_deliveries_of_one_subscription_are_prepared_concurrently(
    live_runtime: Runtime,
) -> None:
    """Preparing one delivery must not lock out its siblings (they share the subscription)."""
    sub_id, _ = subscribe(live_runtime, "CSM", "http://127.0.0.1:9/never")
    for _ in range(2):
        emit_committed(live_runtime, audience=["CSM"], payload={"priority": "P4"})
    with live_runtime.db.transaction() as session:
        while webhooks.dispatch(session).events_read:
            pass
    first, second = (d.id for d in deliveries(live_runtime, sub_id))
    with live_runtime.db.transaction() as holding:
        assert webhooks.prepare(holding, live_runtime.keyring, first, attempt=0) is not None
        with live_runtime.db.transaction() as other:
            assert webhooks.prepare(other, live_runtime.keyring, second, attempt=0) is not None
            assert webhooks.prepare(other, live_runtime.keyring, first, attempt=0) is None
    with live_runtime.db.transaction() as session:
        sub = session.get(WebhookSubscription, sub_id)
        assert sub is not None
        sub.active = False


def _dispatch_and_send(runtime: Runtime) -> tuple[int, int]:
    """One dispatch with its first attempts, as the job runs them: (deliveries, statements)."""
    statements = 0

    def count(*args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(runtime.db.engine, "before_cursor_execute", count)
    try:
        with runtime.db.transaction() as session:
            done = webhooks.dispatch(session, first_attempt_inline=True)
        first_attempts(runtime, done.queued)
    finally:
        event.remove(runtime.db.engine, "before_cursor_execute", count)
    return len(done.queued), statements


def test_first_attempts_of_a_batch_take_the_same_statements_whatever_its_size(
    live_runtime: Runtime, receiver: Receiver
) -> None:
    """No statement per event or delivery: the dispatcher's work grows with its batches, not
    with the events in them. Every delivery still arrives signed, and a failed one is retried."""
    with live_runtime.db.transaction() as session:
        while webhooks.dispatch(session).events_read:  # events of earlier tests
            pass
    subs = [subscribe(live_runtime, agency, receiver.url) for agency in ("SECRETARIAT", "CSM")]
    sizes = []
    for events in (2, 12):
        for n in range(events):
            emit_committed(live_runtime, audience=["SECRETARIAT", "CSM"], payload={"n": n})
        sizes.append(_dispatch_and_send(live_runtime))
    assert [queued for queued, _ in sizes] == [4, 24]
    assert sizes[0][1] == sizes[1][1]
    got = receiver.wait_for(28)
    assert len(got) == 28
    for sub_id, secret in subs:
        done = deliveries(live_runtime, sub_id)
        assert [d.status for d in done] == [DeliveryStatus.DELIVERED.value] * 14
        bodies = [
            r for r in got if r.headers[webhooks.DELIVERY_ID_HEADER] in {str(d.id) for d in done}
        ]
        assert len(bodies) == 14
        for item in bodies:
            assert webhooks.verify(
                secret,
                timestamp=item.headers[webhooks.TIMESTAMP_HEADER],
                body=item.body,
                signature=item.headers[webhooks.SIGNATURE_HEADER],
            )

    receiver.script = [500]  # the next attempt fails: recorded, and retried by a job
    emit_committed(live_runtime, audience=["SECRETARIAT", "CSM"], payload={"n": "last"})
    assert _dispatch_and_send(live_runtime)[0] == 2
    latest = [deliveries(live_runtime, sub_id)[-1] for sub_id, _ in subs]
    assert sorted(d.status for d in latest) == ["delivered", "pending"]
    failed = next(d for d in latest if d.status == "pending")
    assert failed.attempts == 1 and failed.last_status_code == 500
    assert failed.next_attempt_at is not None
    with live_runtime.db.transaction() as session:  # on the sharing lane, not behind bulk work
        queues = set(
            session.scalars(
                text(
                    "SELECT queue_name FROM procrastinate_jobs WHERE task_name = "
                    "'sharing.deliver' AND (args->>'delivery_id')::bigint = :id"
                ),
                {"id": failed.id},
            )
        )
    assert queues == {"sharing"}
    # Followed by its id: while the worker runs, other events (an SLA sweep's alert about an
    # earlier test's report) may add newer deliveries to the same subscription.
    work_until(
        live_runtime,
        lambda: delivery(live_runtime, failed.id).status == DeliveryStatus.DELIVERED.value,
    )
    assert delivery(live_runtime, failed.id).attempts == 2
    with live_runtime.db.transaction() as session:
        for sub_id, _ in subs:
            sub = session.get(WebhookSubscription, sub_id)
            assert sub is not None
            sub.active = False


def test_dispatch_keeps_an_event_whose_younger_transaction_commits_after_an_older_ones(
    live_runtime: Runtime,
) -> None:
    """Under load a transaction that began first (a triage job) may draw its outbox id after a
    younger one (a short emitter such as the benchmark's probe) and commit before it. The
    dispatcher must still queue the younger one's event once it commits: its cursor may not
    pass the smaller id meanwhile (probes went undelivered so)."""
    with live_runtime.db.transaction() as session:
        while webhooks.dispatch(session).events_read:  # events of earlier tests
            pass
    sub_id, _ = subscribe(live_runtime, "SECRETARIAT", "http://127.0.0.1:9/hook")

    def emit_one(session: Session, name: str) -> int:
        return emit(
            session,
            type="report.prioritised",
            subject_type="report",
            subject_id=f"R-{name}",
            payload={},
            audience=["SECRETARIAT"],
            tlp=Tlp.AMBER,
        ).id

    db = live_runtime.db
    with younger_writer_behind_an_older_one(db, emit_one) as (smaller, larger, younger):
        with db.transaction() as session:
            webhooks.dispatch(session)
        younger.commit()
    with db.transaction() as session:
        webhooks.dispatch(session)
    queued = {d.event_id for d in deliveries(live_runtime, sub_id)}
    assert {smaller, larger} <= queued
