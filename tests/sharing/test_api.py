"""The webhook subscription API: admins manage their agency's subscriptions only."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.identity.factories import make_user

from perisai.identity.deps import SESSION_COOKIE
from perisai.identity.service import start_session
from perisai.runtime import Runtime
from perisai.sharing.events import emit
from perisai.sharing.models import Tlp

HOOKS = "/api/v1/webhooks"


def login(client: TestClient, db: Session, runtime: Runtime, role: str, agency: str) -> None:
    user, _ = make_user(db, runtime.keyring, role=role, agency=agency)
    token = start_session(db, settings=runtime.settings, user=user, totp_verified=True)
    db.flush()
    client.cookies.set(SESSION_COOKIE, token)


def test_admin_manages_own_agency_webhooks(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    login(client, db, runtime, "admin", "PDRM")
    made = client.post(HOOKS, json={"url": "https://pdrm.test/h", "event_types": ["case.*"]})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["agency"] == "PDRM" and len(body["secret"]) >= 32
    other = client.post(HOOKS, json={"url": "https://x.test/h", "agency": "JKM"})
    assert other.status_code == 403
    bad = client.post(HOOKS, json={"url": "javascript:alert(1)"})
    assert bad.status_code == 422
    listed = client.get(HOOKS).json()
    assert [s["id"] for s in listed] == [body["id"]] and "secret" not in listed[0]

    event = emit(
        db, type="case.updated", subject_type="case", subject_id="C-1",
        payload={"status": "new"}, audience=["PDRM"], tlp=Tlp.AMBER,
    )  # fmt: skip
    replay = client.post(f"{HOOKS}/{body['id']}/replay", json={"from_event_id": event.id})
    assert replay.status_code == 202
    assert replay.json() == {"queued": 1}
    pending = client.get(f"{HOOKS}/{body['id']}/deliveries?status=pending").json()
    assert [(d["event_id"], d["attempts"]) for d in pending] == [(event.id, 0)]
    assert client.get(f"{HOOKS}/{body['id']}/deliveries?status=dead").json() == []
    assert client.get(f"{HOOKS}/{body['id']}/deliveries?status=bogus").status_code == 422

    login(client, db, runtime, "admin", "JKM")
    assert client.get(f"{HOOKS}/{body['id']}/deliveries").status_code == 404
    assert client.post(f"{HOOKS}/{body['id']}/replay", json={"from_event_id": 1}).status_code == 404
    assert client.get(HOOKS).json() == []


def test_only_admins_manage_webhooks(client: TestClient, db: Session, runtime: Runtime) -> None:
    login(client, db, runtime, "analyst", "SECRETARIAT")
    assert client.get(HOOKS).status_code == 403
    assert client.post(HOOKS, json={"url": "https://x.test/h"}).status_code == 403
