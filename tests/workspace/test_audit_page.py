"""Auditors' audit-log page (issue 15 item 9): searchable, paged, newest first, with the hash
chain's verification status; reading it is audited; other roles may not open it."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from tests.workspace.factories import csrf_of, log_in

from perisai.audit.models import AuditEntry
from perisai.audit.service import Actor, flush_pending, record
from perisai.runtime import Runtime
from perisai.testing.database import as_owner


def _entries(page: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr data-entry="(\d+)"', page)]


def test_auditor_searches_the_log_and_pages_through_it(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    someone = Actor(kind="user", id="999999", agency="PDRM", role="investigator")
    for index in range(55):
        record(
            db,
            actor=someone,
            action="case.note_added",
            object_type="case",
            object_id=f"C-TEST-{index:03d}",
            details={"note": {"body": f"nota {index}"}},
        )
    record(db, actor=someone, action="victim.read", object_type="case", object_id="C-VICTIM-1")
    flush_pending(db)
    auditor = log_in(client, runtime, db, role="auditor", agency="SECRETARIAT")
    page = client.get("/workspace/audit?lang=ms")
    assert page.status_code == 200
    assert "Rantaian belum pernah disemak" in page.text
    found = client.get("/workspace/audit?lang=en&action=victim.&agency=pdrm").text
    assert "1 matching entries." in found and "C-VICTIM-1" in found
    texts = client.get("/workspace/audit?lang=en&q=NOTA 54").text  # in the details, any case
    assert "C-TEST-054" in texts and "C-TEST-053" not in texts
    first = client.get("/workspace/audit?lang=en&action=case.note").text
    assert "55 matching entries." in first
    ids = _entries(first)
    assert len(ids) == 50 and ids == sorted(ids, reverse=True)  # newest first
    older = re.search(r'id="audit-older" href="([^"]+)"', first)
    assert older
    second = client.get(older.group(1).replace("&amp;", "&")).text
    assert len(_entries(second)) == 5 and max(_entries(second)) < min(ids)
    newer = re.search(r'id="audit-newer" href="([^"]+)"', second)
    assert newer and _entries(client.get(newer.group(1).replace("&amp;", "&")).text) == ids
    searched = db.scalars(
        select(AuditEntry.details).where(
            AuditEntry.action == "audit.searched", AuditEntry.actor_id == str(auditor.id)
        )
    ).all()
    assert any(d.get("text") == "NOTA 54" for d in searched)  # reading the log is audited
    for garbage in ("since=yesterday", "until=2026-99-99", "older=-1", "action=" + "x" * 201):
        assert client.get(f"/workspace/audit?{garbage}").status_code in (200, 422)


def test_the_chain_status_after_a_check_and_after_tampering(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    log_in(client, runtime, db, role="auditor", agency="SECRETARIAT")
    page = client.get("/workspace/audit?lang=en").text
    done = client.post(
        "/workspace/audit/verify", data={"csrf_token": csrf_of(page)}, follow_redirects=False
    )
    assert done.status_code == 303
    intact = client.get("/workspace/audit?lang=en").text
    assert "The chain is intact" in intact
    victim = db.scalars(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(3)).all()[-1]
    with as_owner(db):  # what a superuser could do, not the application
        db.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only"))
        db.execute(text(f"UPDATE audit_entry SET object_id='forged' WHERE id={victim}"))
        db.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only"))
    db.expire_all()
    client.post("/workspace/audit/verify", data={"csrf_token": csrf_of(page)})
    broken = client.get("/workspace/audit?lang=ms").text
    assert f"RANTAIAN ROSAK pada entri {victim}." in broken


def test_other_roles_may_not_open_the_audit_log(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    assert client.get("/workspace/audit").status_code == 403
    assert 'href="/workspace/audit"' not in client.get("/workspace/queue").text
