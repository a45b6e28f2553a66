from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.identity.factories import make_api_key

from perisai.audit.models import AuditEntry
from perisai.http.ratelimit import RateLimiter
from perisai.identity.permissions import Scope

GROOMING_CHAT = {
    "id": "c1",
    "messages": [
        {"author": "abang", "text": "hai adik, umur berapa?"},
        {"author": "adik", "text": "12"},
        {"author": "abang", "text": "mak ayah ada kat rumah tak?"},
        {"author": "adik", "text": "x ada"},
        {"author": "abang", "text": "jgn bgtau sesiapa ok, ni rahsia kita"},
        {"author": "abang", "text": "hantar gambar selfie sikit"},
    ],
}


def _auth(db: Session, scopes: list[Scope]) -> dict[str, str]:
    _, secret = make_api_key(db, scopes=scopes)
    return {"Authorization": f"Bearer {secret}"}


def test_scores_a_conversation_and_audits_without_text(client: TestClient, db: Session) -> None:
    response = client.post(
        "/api/v1/grooming/score", json=GROOMING_CHAT, headers=_auth(db, [Scope.GROOMING_SCORE])
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= {"id", "risk", "flag", "stage", "suspect", "first_flag_message", "signals"}
    assert body["flag"] is True and body["suspect"] == "abang"
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "grooming.score")).one()
    assert "rahsia" not in str(entry.details)


def test_needs_the_grooming_scope(client: TestClient, db: Session) -> None:
    response = client.post(
        "/api/v1/grooming/score", json=GROOMING_CHAT, headers=_auth(db, [Scope.REPORTS_SUBMIT])
    )
    assert response.status_code == 403
    assert client.post("/api/v1/grooming/score", json=GROOMING_CHAT).status_code == 401


def test_garbage_is_refused_clearly(client: TestClient, db: Session) -> None:
    headers = _auth(db, [Scope.GROOMING_SCORE])
    not_json = client.post(
        "/api/v1/grooming/score",
        content=b"\xff\xfe{",
        headers={**headers, "content-type": "application/json"},
    )
    assert not_json.status_code == 400
    for bad in ([1, 2], {"id": "x"}, {"id": "x", "messages": "hello"}):
        response = client.post("/api/v1/grooming/score", json=bad, headers=headers)
        assert response.status_code == 422, (bad, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    # A single huge message is scored gracefully (the engine truncates it), not refused.
    huge = {"id": "x", "messages": [{"author": "a", "text": "x" * 100_000}]}
    response = client.post("/api/v1/grooming/score", json=huge, headers=headers)
    assert response.status_code == 200
    assert response.json()["flag"] is False


def test_rate_limiter_refuses_past_the_burst_then_refills() -> None:
    limiter = RateLimiter(rate_per_second=1.0, burst=2)
    assert limiter.allow("k", now=0.0)[0]
    assert limiter.allow("k", now=0.0)[0]
    allowed, retry = limiter.allow("k", now=0.0)
    assert not allowed and retry > 0
    assert limiter.allow("other", now=0.0)[0]
    assert limiter.allow("k", now=1.5)[0]
