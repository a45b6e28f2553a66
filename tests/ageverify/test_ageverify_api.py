"""Platforms' age checks through the API: single-use requests, `{"over", "result"}` only."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session
from tests.identity.factories import make_api_key

from perisai.age import issuer as test_issuer
from perisai.age import transcript as transcripts
from perisai.ageverify.models import AgeRequest
from perisai.audit.models import AuditEntry
from perisai.http.ratelimit import RateLimiter
from perisai.identity.permissions import Scope

CLIENT_ID = "x509_san_dns:platform.example.my"
RESPONSE_URI = "https://platform.example.my/age/response"


def _headers(db: Session, scopes: tuple[Scope, ...] = (Scope.AGE_VERIFY,)) -> dict[str, str]:
    _, secret = make_api_key(db, scopes=list(scopes))
    return {"Authorization": f"Bearer {secret}"}


def _create(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/age/requests", json={"client_id": CLIENT_ID, **body}, headers=headers
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _sd_jwt(issuer: test_issuer.TestIssuer, answers: dict[str, bool], disclose: list[str],
            nonce: str, audience: str = CLIENT_ID) -> str:  # fmt: skip
    [credential] = test_issuer.issue_sd_jwt_batch(issuer, answers, count=1)
    return test_issuer.present_sd_jwt(
        credential, disclose=disclose, nonce=nonce, audience=audience, iat=int(time.time())
    )


def _verify(client: TestClient, headers: dict[str, str], created: dict[str, Any], token: str,
            fmt: str = "dc+sd-jwt", nonce: str | None = None) -> Any:  # fmt: skip
    body = {
        "request_id": created["request_id"],
        "nonce": nonce or created["nonce"],
        "format": fmt,
        "vp_token": token,
    }
    return client.post("/api/v1/age/verify", json=body, headers=headers)


def test_request_then_sd_jwt_answer(
    client: TestClient, db: Session, age_issuer: test_issuer.TestIssuer
) -> None:
    headers = _headers(db)
    created = _create(client, headers)
    assert created["over"] == 16 and created["on_unknown"] == "deny"
    assert set(created) == {
        "request_id",
        "nonce",
        "over",
        "on_unknown",
        "expires_at",
        "request_object",
    }
    request_object = created["request_object"]
    assert request_object["nonce"] == created["nonce"] and request_object["client_id"] == CLIENT_ID
    paths = [c["claims"][0]["path"] for c in request_object["dcql_query"]["credentials"]]
    assert paths == [["age_equal_or_over", "16"], ["eu.europa.ec.av.1", "age_over_16"]]
    row = db.scalars(select(AgeRequest).where(AgeRequest.public_id == created["request_id"])).one()
    assert created["nonce"] not in {row.nonce_sha256, row.public_id, row.audience}
    token = _sd_jwt(age_issuer, {"13": True, "16": True, "18": False}, ["16"], created["nonce"])
    response = _verify(client, headers, created, token)
    assert response.status_code == 200, response.text
    assert response.json() == {"over": 16, "result": True}
    db.refresh(row)
    assert row.used_at is not None


@pytest.mark.parametrize(
    ("answers", "disclose", "expected"),
    [
        ({"13": True, "16": False}, ["16"], False),
        ({"13": False}, ["13"], False),
        ({"18": True}, ["18"], True),
        ({"18": False}, ["18"], "unknown"),  # 16 or 17: the proof cannot say
        ({"13": True, "16": True}, ["13"], "unknown"),  # over 16 not disclosed
        ({"16": True}, [], "unknown"),
    ],
)
def test_answers_follow_the_disclosed_thresholds(
    client: TestClient, db: Session, age_issuer: test_issuer.TestIssuer,
    answers: dict[str, bool], disclose: list[str], expected: object,
) -> None:  # fmt: skip
    headers = _headers(db)
    created = _create(client, headers)
    token = _sd_jwt(age_issuer, answers, disclose, created["nonce"])
    assert _verify(client, headers, created, token).json() == {"over": 16, "result": expected}


def test_invalid_presentations_answer_unknown_and_use_the_request(
    client: TestClient, db: Session, age_issuer: test_issuer.TestIssuer
) -> None:
    headers = _headers(db)
    untrusted = test_issuer.TestIssuer.generate("Untrusted")
    makers: list[Callable[[str], str]] = [
        lambda nonce: "not-a-presentation",
        lambda nonce: _sd_jwt(age_issuer, {"16": True}, ["16"], "another-nonce-000000"),
        lambda nonce: _sd_jwt(age_issuer, {"16": True}, ["16"], nonce, "https://elsewhere.example"),
        lambda nonce: _sd_jwt(untrusted, {"16": True}, ["16"], nonce),
    ]
    for make in makers:
        created = _create(client, headers)
        token = make(created["nonce"])
        response = _verify(client, headers, created, token)
        assert response.json() == {"over": 16, "result": "unknown"}
        assert _verify(client, headers, created, token).status_code == 409  # used up
    reasons = db.scalars(
        select(AuditEntry.details["reason"].astext).where(AuditEntry.action == "age.verify")
    ).all()
    assert sorted(reasons) == [
        "certificate_invalid", "kb_aud_mismatch", "kb_nonce_mismatch", "malformed"
    ]  # fmt: skip


def test_mdoc_over_openid4vp_and_dc_api(
    client: TestClient, db: Session, age_issuer: test_issuer.TestIssuer
) -> None:
    headers = _headers(db)
    [credential] = test_issuer.issue_mdoc_batch(age_issuer, {"16": True, "18": True}, count=1)
    created = _create(client, headers, response_uri=RESPONSE_URI)
    transcript = transcripts.openid4vp(CLIENT_ID, created["nonce"], RESPONSE_URI)
    response = test_issuer.present_mdoc(credential, disclose=["18"], transcript=transcript)
    token = base64.urlsafe_b64encode(response).rstrip(b"=").decode()
    assert _verify(client, headers, created, token, "mso_mdoc").json() == {
        "over": 16,
        "result": True,
    }
    created = _create(client, headers, origin="https://platform.example.my")
    assert created["request_object"]["expected_origins"] == ["https://platform.example.my"]
    transcript = transcripts.dc_api("https://platform.example.my", created["nonce"])
    response = test_issuer.present_mdoc(credential, disclose=["16"], transcript=transcript)
    token = base64.urlsafe_b64encode(response).rstrip(b"=").decode()
    assert _verify(client, headers, created, token, "mso_mdoc").json()["result"] is True
    created = _create(client, headers)  # neither: an mdoc cannot be bound to this request
    assert _verify(client, headers, created, token, "mso_mdoc").json()["result"] == "unknown"


def test_single_use_expiry_and_ownership(
    client: TestClient, db: Session, age_issuer: test_issuer.TestIssuer
) -> None:
    headers, other = _headers(db), _headers(db)
    created = _create(client, headers)
    token = _sd_jwt(age_issuer, {"16": True}, ["16"], created["nonce"])
    assert _verify(client, other, created, token).status_code == 404  # another platform's
    wrong = _verify(client, headers, created, token, nonce="A" * 32)
    assert wrong.status_code == 404 and wrong.headers["content-type"] == "application/problem+json"
    assert _verify(client, headers, created, token).json()["result"] is True
    assert _verify(client, headers, created, token).status_code == 409
    late = _create(client, headers, expires_in=60)
    db.execute(
        update(AgeRequest)
        .where(AgeRequest.public_id == late["request_id"])
        .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    )
    token = _sd_jwt(age_issuer, {"16": True}, ["16"], late["nonce"])
    assert _verify(client, headers, late, token).status_code == 410


def test_expired_requests_are_forgotten(client: TestClient, db: Session) -> None:
    headers = _headers(db)
    old = _create(client, headers)
    db.execute(
        update(AgeRequest)
        .where(AgeRequest.public_id == old["request_id"])
        .values(expires_at=datetime.now(UTC) - timedelta(hours=2))
    )
    _create(client, headers)
    assert db.scalar(select(AgeRequest).where(AgeRequest.public_id == old["request_id"])) is None


def test_policy(client: TestClient, db: Session, age_issuer: test_issuer.TestIssuer) -> None:
    headers = _headers(db)
    assert client.get("/api/v1/age/policy", headers=headers).json() == {
        "account_creation": {"min_age": 16, "on_unknown": "deny"}
    }
    refused = client.put(
        "/api/v1/age/policy/account_creation", json={"min_age": 15}, headers=headers
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "min_age"
    changes: list[tuple[str, dict[str, object]]] = [
        ("account_creation", {"min_age": 18}),
        ("live_streaming", {"min_age": 18, "on_unknown": "fallback"}),
    ]
    for feature, body in changes:
        assert (
            client.put(f"/api/v1/age/policy/{feature}", json=body, headers=headers).status_code
            == 200
        )
    bad: list[tuple[str, dict[str, object]]] = [
        ("Live-Streaming", {"min_age": 18}),
        ("dm", {"min_age": 12}),
        ("dm", {"min_age": 26}),
        ("dm", {"min_age": 18, "on_unknown": "allow"}),
        ("dm", {"min_age": 18, "extra": 1}),
    ]
    for bad_path, body in bad:
        response = client.put(f"/api/v1/age/policy/{bad_path}", json=body, headers=headers)
        assert response.status_code == 422, (bad_path, body)
    created = _create(client, headers, feature="live_streaming")
    assert created["over"] == 18 and created["on_unknown"] == "fallback"
    token = _sd_jwt(age_issuer, {"16": True, "18": False}, ["16"], created["nonce"])
    assert _verify(client, headers, created, token).json() == {"over": 18, "result": "unknown"}
    assert _create(client, headers)["over"] == 18
    assert _create(client, _headers(db))["over"] == 16  # another platform: its own policy
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "age.policy.set")).all()
    assert len(entries) == 2


def test_audit_counts_without_presentations(
    client: TestClient, db: Session, age_issuer: test_issuer.TestIssuer
) -> None:
    headers = _headers(db)
    created = _create(client, headers)
    token = _sd_jwt(age_issuer, {"16": True}, ["16"], created["nonce"])
    _verify(client, headers, created, token)
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "age.verify")).one()
    assert entry.details == {"format": "sd-jwt", "over": 16, "result": "true", "reason": None}
    dump = str(db.execute(text("SELECT row_to_json(a)::text FROM audit_entry a")).all())
    assert created["nonce"] not in dump and token.split("~")[1] not in dump


def test_scope_and_api_keys_only(client: TestClient, db: Session) -> None:
    body = {"client_id": CLIENT_ID}
    assert client.post("/api/v1/age/requests", json=body).status_code == 401
    wrong = _headers(db, (Scope.GROOMING_SCORE,))
    assert client.post("/api/v1/age/requests", json=body, headers=wrong).status_code == 403
    assert client.get("/api/v1/age/policy", headers=wrong).status_code == 403


def test_garbage_is_refused_clearly(client: TestClient, db: Session) -> None:
    headers = _headers(db)
    not_json = client.post(
        "/api/v1/age/verify",
        content=b"\xff{",
        headers={**headers, "content-type": "application/json"},
    )
    assert not_json.status_code in (400, 422)
    created = _create(client, headers)
    base = {"request_id": created["request_id"], "nonce": created["nonce"], "format": "dc+sd-jwt"}
    bodies: list[object] = [
        {**base, "vp_token": ""},
        {**base, "vp_token": "a" * (64 * 1024 + 1)},
        {**base, "vp_token": "tab\there"},
        {**base, "vp_token": "x", "extra": 1},
        {**base, "format": "jwt_vc", "vp_token": "x"},
        {**base, "request_id": "../../etc", "vp_token": "x"},
        {**base, "nonce": "short", "vp_token": "x"},
        [1, 2, 3],
    ]
    for body in bodies:
        response = client.post("/api/v1/age/verify", json=body, headers=headers)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
    for request_body in [
        {"client_id": ""},
        {"client_id": "has space"},
        {"client_id": CLIENT_ID, "response_uri": "http://insecure.example/cb"},
        {"client_id": CLIENT_ID, "origin": "javascript:alert(1)"},
        {"client_id": CLIENT_ID, "expires_in": 5},
        {"client_id": CLIENT_ID, "expires_in": 86400},
        {"client_id": CLIENT_ID, "feature": "x" * 41},
    ]:
        response = client.post("/api/v1/age/requests", json=request_body, headers=headers)
        assert response.status_code == 422, request_body
    huge = client.post(
        "/api/v1/age/verify",
        content=b'{"vp_token": "' + b"a" * 2_000_000 + b'"}',
        headers={**headers, "content-type": "application/json"},
    )
    assert huge.status_code == 413


def test_rate_limited(client: TestClient, db: Session) -> None:
    headers = _headers(db)
    client.app.state.age_limiter = RateLimiter(rate_per_second=0.001, burst=2)  # type: ignore[attr-defined]
    statuses = [
        client.post(
            "/api/v1/age/requests", json={"client_id": CLIENT_ID}, headers=headers
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [201, 201, 429]


def test_no_trusted_issuer_is_a_503(client: TestClient, db: Session) -> None:
    from perisai.age import TrustList

    headers = _headers(db)
    created = _create(client, headers)
    client.app.state.age_trust = TrustList()  # type: ignore[attr-defined]
    response = _verify(client, headers, created, "x~")
    assert response.status_code == 503
    assert (
        db.scalar(select(AgeRequest.used_at).where(AgeRequest.public_id == created["request_id"]))
        is None
    )
