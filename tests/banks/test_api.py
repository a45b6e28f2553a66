"""The bank and matching API end to end: real PostgreSQL, real keys, real audit chain."""

from __future__ import annotations

import hashlib
import random
import re
from typing import Any

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.banks.factories import flip_bits, random_pdq
from tests.datasets import EXIF, PDQ
from tests.identity.factories import PASSWORD, make_api_key, make_user

from perisai.audit.models import AuditEntry
from perisai.audit.service import flush_pending
from perisai.identity.permissions import Scope
from perisai.runtime import Runtime

RNG = random.Random(3)
BANKS = "/api/v1/banks"
MATCH = "/api/v1/media/match"
PROBLEM = "application/problem+json"


def bearer(db: Session, *scopes: Scope) -> dict[str, str]:
    _, secret = make_api_key(db, scopes=list(scopes))
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def admin(db: Session) -> dict[str, str]:
    return bearer(db, Scope.BANKS_WRITE)


@pytest.fixture
def matcher(db: Session) -> dict[str, str]:
    return bearer(db, Scope.MEDIA_MATCH)


def _bank(client: TestClient, admin: dict[str, str], name: str, **fields: object) -> None:
    response = client.post(BANKS, json={"name": name, **fields}, headers=admin)
    assert response.status_code == 201, response.text


def _entry(
    client: TestClient, admin: dict[str, str], bank: str, signal: str, signal_type: str = "pdq"
) -> int:
    body = {
        "signal_type": signal_type,
        "signal": signal,
        "label": "known item",
        "category": "A1",
        "metadata": {"case": "K-1"},
    }
    response = client.post(f"{BANKS}/{bank}/entries", json=body, headers=admin)
    assert response.status_code == 201, response.text
    entry_id: int = response.json()["id"]
    return entry_id


def _match(
    client: TestClient, matcher: dict[str, str], signal: str, **extra: object
) -> dict[str, Any]:
    response = client.post(
        MATCH, json={"signal_type": "pdq", "signal": signal, **extra}, headers=matcher
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _actions(db: Session) -> list[str]:
    flush_pending(db)
    return list(db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_an_added_hash_matches_at_once_with_bank_and_entry_metadata(
    client: TestClient, db: Session, admin: dict[str, str], matcher: dict[str, str]
) -> None:
    _bank(client, admin, "ncmec-test", description="shared hashes")
    pdq = random_pdq(RNG)
    entry_id = _entry(client, admin, "ncmec-test", pdq)
    body = _match(client, matcher, flip_bits(pdq, 9))
    assert body["matched"] is True
    (hit,) = body["matches"]
    assert hit["distance"] == 9 and hit["signal_type"] == "pdq"
    assert hit["bank"]["id"] > 0
    assert {k: v for k, v in hit["bank"].items() if k != "id"} == {
        "name": "ncmec-test",
        "kind": "positive",
        "pdq_threshold": 31,
    }
    assert hit["entry"]["id"] == entry_id
    assert hit["entry"]["label"] == "known item"
    assert hit["entry"]["metadata"] == {"case": "K-1"}
    assert _match(client, matcher, flip_bits(pdq, 32))["matches"] == []
    assert _actions(db).count("media.match") == 2


def test_match_filters_by_bank(
    client: TestClient, admin: dict[str, str], matcher: dict[str, str]
) -> None:
    pdq = random_pdq(RNG)
    for name in ("filter-a", "filter-b"):
        _bank(client, admin, name)
        _entry(client, admin, name, pdq)
    assert len(_match(client, matcher, pdq)["matches"]) == 2
    only_b = _match(client, matcher, pdq, banks=["filter-b"])["matches"]
    assert [m["bank"]["name"] for m in only_b] == ["filter-b"]
    response = client.post(
        f"{MATCH}?banks=filter-a", json={"signal_type": "pdq", "signal": pdq}, headers=matcher
    )
    assert [m["bank"]["name"] for m in response.json()["matches"]] == ["filter-a"]


def test_a_negative_bank_suppresses_positive_matches(
    client: TestClient, admin: dict[str, str], matcher: dict[str, str]
) -> None:
    pdq = random_pdq(RNG)
    _bank(client, admin, "csam-known")
    _bank(client, admin, "benign-stock", kind="negative")
    _entry(client, admin, "csam-known", pdq)
    assert _match(client, matcher, pdq)["matched"] is True
    _entry(client, admin, "benign-stock", flip_bits(pdq, 4))
    body = _match(client, matcher, pdq)
    assert body["matched"] is False and body["matches"] == []
    assert [m["bank"]["name"] for m in body["negative_matches"]] == ["benign-stock"]
    assert [m["bank"]["name"] for m in body["suppressed"]] == ["csam-known"]


def test_a_disabled_entry_stops_matching_and_comes_back(
    client: TestClient, admin: dict[str, str], matcher: dict[str, str]
) -> None:
    pdq = random_pdq(RNG)
    _bank(client, admin, "noisy")
    entry_id = _entry(client, admin, "noisy", pdq)
    url = f"{BANKS}/noisy/entries/{entry_id}"
    response = client.post(
        f"{url}/disable", json={"reason": "matches a stock photo"}, headers=admin
    )
    assert response.json()["enabled"] is False
    assert response.json()["disabled_reason"] == "matches a stock photo"
    assert _match(client, matcher, pdq)["matches"] == []
    client.post(f"{url}/enable", headers=admin)
    assert len(_match(client, matcher, pdq)["matches"]) == 1
    assert client.delete(url, headers=admin).status_code == 204
    assert _match(client, matcher, pdq)["matches"] == []
    assert client.get(url, headers=admin).status_code == 404


def test_per_bank_threshold_is_patchable(
    client: TestClient, admin: dict[str, str], matcher: dict[str, str]
) -> None:
    pdq = random_pdq(RNG)
    _bank(client, admin, "strict", pdq_threshold=8)
    _entry(client, admin, "strict", pdq)
    assert _match(client, matcher, flip_bits(pdq, 20))["matches"] == []
    response = client.patch(f"{BANKS}/strict", json={"pdq_threshold": 24}, headers=admin)
    assert response.status_code == 200 and response.json()["pdq_threshold"] == 24
    assert len(_match(client, matcher, flip_bits(pdq, 20))["matches"]) == 1
    client.patch(f"{BANKS}/strict", json={"enabled": False}, headers=admin)
    assert _match(client, matcher, pdq)["matches"] == []


def test_exact_and_video_signals_match(
    client: TestClient, admin: dict[str, str], matcher: dict[str, str]
) -> None:
    _bank(client, admin, "mixed")
    md5 = hashlib.md5(b"known file", usedforsecurity=False).hexdigest()
    _entry(client, admin, "mixed", md5, "md5")
    frames = [{"t": float(t), "pdq": random_pdq(RNG), "quality": 100} for t in range(4)]
    response = client.post(
        f"{BANKS}/mixed/entries", json={"signal_type": "vpdq", "signal": frames}, headers=admin
    )
    assert response.status_code == 201, response.text
    assert response.json()["signal"] == frames
    hit = client.post(MATCH, json={"signal_type": "md5", "signal": md5.upper()}, headers=matcher)
    assert hit.json()["matches"][0]["distance"] == 0
    video = client.post(
        MATCH, json={"signal_type": "vpdq", "signal": frames[:2]}, headers=matcher
    ).json()["matches"]
    assert [(m["query_match_pct"], m["bank_match_pct"]) for m in video] == [(100.0, 50.0)]


def test_bank_crud_and_cursor_pagination(client: TestClient, admin: dict[str, str]) -> None:
    _bank(client, admin, "paged", description="d", source="NCMEC")
    made = [_entry(client, admin, "paged", random_pdq(RNG)) for _ in range(5)]
    listed = {b["name"]: b for b in client.get(BANKS, headers=admin).json()}
    assert listed["paged"]["entries"] == 5 and listed["paged"]["source"] == "NCMEC"
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"{BANKS}/paged/entries", params=params, headers=admin).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made
    assert client.delete(f"{BANKS}/paged", headers=admin).status_code == 204
    assert client.get(f"{BANKS}/paged", headers=admin).status_code == 404


def test_writes_need_banks_write_and_matching_needs_media_match(
    client: TestClient, db: Session, matcher: dict[str, str], admin: dict[str, str]
) -> None:
    assert client.post(BANKS, json={"name": "x"}, headers=matcher).status_code == 403
    assert client.get(BANKS).status_code == 401
    response = client.post(MATCH, json={"signal_type": "md5", "signal": "a" * 32}, headers=admin)
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Bad Name"}, "name"),
        ({"name": "ok", "kind": "sideways"}, "kind"),
        ({"name": "ok", "pdq_threshold": 300}, "pdq_threshold"),
        ({"name": "ok", "surprise": 1}, "surprise"),
    ],
)
def test_bank_fields_are_validated(
    client: TestClient, admin: dict[str, str], body: dict[str, object], field: str
) -> None:
    response = client.post(BANKS, json=body, headers=admin)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert field in [e["field"] for e in response.json()["errors"]]


def test_conflicts_and_bad_signals_are_problems(
    client: TestClient, admin: dict[str, str], matcher: dict[str, str]
) -> None:
    _bank(client, admin, "dupes")
    pdq = random_pdq(RNG)
    _entry(client, admin, "dupes", pdq)
    again = client.post(
        f"{BANKS}/dupes/entries", json={"signal_type": "pdq", "signal": pdq}, headers=admin
    )
    assert again.status_code == 409 and again.headers["content-type"] == PROBLEM
    assert client.post(BANKS, json={"name": "dupes"}, headers=admin).status_code == 409
    bad = client.post(
        f"{BANKS}/dupes/entries", json={"signal_type": "pdq", "signal": "xyz"}, headers=admin
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "signal"
    for garbage in (
        b"{",
        b"[]",
        b'{"signal_type": "pdq", "signal": "nothex"}',
        b'{"signal_type": "photodna", "signal": "x"}',
    ):
        response = client.post(
            MATCH, content=garbage, headers={**matcher, "Content-Type": "application/json"}
        )
        assert response.status_code == 422, garbage
        assert response.headers["content-type"] == PROBLEM


def test_import_reports_counts_and_lines(
    client: TestClient, db: Session, admin: dict[str, str], matcher: dict[str, str]
) -> None:
    _bank(client, admin, "imported")
    pdq = random_pdq(RNG)
    text = (
        "signal_type,signal,label,category,source,note\n"
        f"pdq,{pdq},one,A1,src,\n"
        "pdq,nothex,two,A1,src,\n"
        f"pdq,{pdq},three,A1,src,\n"
    )
    response = client.post(
        f"{BANKS}/imported/import?format=csv", content=text.encode(), headers=admin
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["format"], body["added"], body["duplicates"], body["rejected"]) == ("csv", 1, 1, 1)
    assert body["errors"][0]["line"] == 3
    assert _match(client, matcher, pdq)["matched"] is True
    assert "bank.import" in _actions(db)


def test_import_detects_md5sum_and_refuses_garbage(
    client: TestClient, admin: dict[str, str]
) -> None:
    _bank(client, admin, "sums")
    lines = f"{'a' * 32}  one.jpg\n{'b' * 32}  two.jpg\n"
    response = client.post(f"{BANKS}/sums/import", content=lines.encode(), headers=admin)
    assert response.status_code == 200, response.text
    assert (response.json()["format"], response.json()["added"]) == ("md5sum", 2)
    junk = client.post(f"{BANKS}/sums/import", content=b"\x00\x01\x02" * 50, headers=admin)
    assert junk.status_code == 400 and junk.headers["content-type"] == PROBLEM
    empty = client.post(f"{BANKS}/sums/import?format=csv", content=b"", headers=admin)
    assert empty.status_code == 400
    unknown = client.post(f"{BANKS}/sums/import?format=xls", content=b"x", headers=admin)
    assert unknown.status_code == 422
    missing = client.post(f"{BANKS}/nope/import?format=csv", content=b"x", headers=admin)
    assert missing.status_code == 404


def test_hash_and_match_an_uploaded_image(
    client: TestClient,
    db: Session,
    admin: dict[str, str],
    matcher: dict[str, str],
) -> None:
    original = PDQ / "bridge-mods" / "aaa-orig.jpg"
    variant = PDQ / "bridge-mods" / "blur-a-little.jpg"
    hashed = client.post(
        "/api/v1/media/hash", files={"file": original.read_bytes()}, headers=matcher
    )
    assert hashed.status_code == 200, hashed.text
    hashes = hashed.json()
    assert hashes["kind"] == "image"
    assert hashes["sha256"] == hashlib.sha256(original.read_bytes()).hexdigest()
    _bank(client, admin, "bridges")
    _entry(client, admin, "bridges", hashes["pdq"])
    response = client.post(MATCH, files={"file": variant.read_bytes()}, headers=matcher)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["matched"] is True and body["matches"][0]["bank"]["name"] == "bridges"
    assert 0 < body["matches"][0]["distance"] <= 31
    assert body["hashes"]["pdq"] != hashes["pdq"]
    assert {"media.hash", "media.match"} <= set(_actions(db))


def test_an_exif_rotated_upload_matches_a_bank_built_by_other_tools(
    client: TestClient, admin: dict[str, str], matcher: dict[str, str]
) -> None:
    """The bank holds the reference (ThreatExchange) hash of the photo as stored; the upload
    is matched by its raw PDQ too, and the answer says so."""
    row = (EXIF / "reference-hashes.tsv").read_text(encoding="utf-8").splitlines()[6]
    name, orientation, _source, reference = row.split("\t")[:4]
    _bank(client, admin, "exif-rotated")
    _entry(client, admin, "exif-rotated", reference)
    response = client.post(MATCH, files={"file": (EXIF / name).read_bytes()}, headers=matcher)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["hashes"]["exif_orientation"] == int(orientation)
    assert body["hashes"]["pdq_raw"] and body["hashes"]["pdq_raw"] != body["hashes"]["pdq"]
    assert body["matched"] is True and len(body["matches"]) == 1
    assert body["matches"][0]["variant"] == "raw" and body["matches"][0]["distance"] <= 10


def test_uploads_of_garbage_are_reported_not_crashed(
    client: TestClient, matcher: dict[str, str]
) -> None:
    hashed = client.post(
        "/api/v1/media/hash", files={"file": b"not an image at all"}, headers=matcher
    )
    assert hashed.status_code == 200
    assert hashed.json()["error_kind"] is not None and hashed.json()["md5"]
    truncated = client.post(
        MATCH, files={"file": b"\xff\xd8\xff\xe0" + b"\x00" * 64}, headers=matcher
    )
    assert truncated.status_code == 200 and truncated.json()["warnings"]
    no_file = client.post("/api/v1/media/hash", files={"other": b"x"}, headers=matcher)
    assert no_file.status_code == 422
    wrong_type = client.post("/api/v1/media/hash", content=b"raw", headers=matcher)
    assert wrong_type.status_code == 415


def test_an_import_over_the_size_limit_is_refused(
    app: FastAPI, client: TestClient, admin: dict[str, str]
) -> None:
    _bank(client, admin, "limited")
    app.state.body_limits[rf"{BANKS}/[^/]+/import$"] = 2048  # registered by the lifespan
    response = client.post(
        f"{BANKS}/limited/import?format=md5sum",
        content=(f"{'a' * 32}  f.jpg\n" * 100).encode(),
        headers=admin,
    )
    assert response.status_code == 413


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _log_in(client: TestClient, runtime: Runtime, db: Session, role: str) -> None:
    user, secret = make_user(db, runtime.keyring, role=role)
    page = client.get("/login")
    client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": _csrf(page.text)}
    )
    totp = client.get("/login/totp")
    client.post(
        "/login/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": _csrf(totp.text)}
    )


def test_an_investigator_session_may_manage_banks_an_analyst_may_not(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    _log_in(client, runtime, db, "investigator")
    assert client.post(BANKS, json={"name": "by-session"}).status_code == 201
    assert client.get(BANKS).status_code == 200
    client.cookies.clear()
    _log_in(client, runtime, db, "analyst")
    assert client.get(BANKS).status_code == 403
    assert client.post(BANKS, json={"name": "refused"}).status_code == 403


def test_idempotency_key_replays_a_create_and_refuses_another_body(
    client: TestClient, admin: dict[str, str]
) -> None:
    headers = {**admin, "Idempotency-Key": "create-bank-1"}
    first = client.post(BANKS, json={"name": "idem"}, headers=headers)
    again = client.post(BANKS, json={"name": "idem"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"] == f"{BANKS}/idem"
    other = client.post(BANKS, json={"name": "idem-2"}, headers=headers)
    assert other.status_code == 409 and other.headers["content-type"] == PROBLEM
    pdq = random_pdq(RNG)
    entry_headers = {**admin, "Idempotency-Key": "add-entry-1"}
    body = {"signal_type": "pdq", "signal": pdq}
    added = client.post(f"{BANKS}/idem/entries", json=body, headers=entry_headers)
    retried = client.post(f"{BANKS}/idem/entries", json=body, headers=entry_headers)
    assert (added.status_code, retried.status_code) == (201, 200)
    assert retried.json()["id"] == added.json()["id"]
    without_key = client.post(f"{BANKS}/idem/entries", json=body, headers=admin)
    assert without_key.status_code == 409  # the bank holds it already


def test_a_failed_create_keeps_no_idempotency_key(
    client: TestClient, admin: dict[str, str]
) -> None:
    _bank(client, admin, "taken")
    headers = {**admin, "Idempotency-Key": "retry-after-fix"}
    assert client.post(BANKS, json={"name": "taken"}, headers=headers).status_code == 409
    assert client.post(BANKS, json={"name": "taken"}, headers=headers).status_code == 409
    bad_key = client.post(
        BANKS, json={"name": "fine"}, headers={**admin, "Idempotency-Key": "has space"}
    )
    assert bad_key.status_code == 422


def test_a_tmk_signature_is_banked_listed_and_matched_through_the_api(
    client: TestClient, admin: dict[str, str], matcher: dict[str, str]
) -> None:
    from perisai.media.signals import get_signal_type

    tmk = get_signal_type("tmk")
    _bank(client, admin, "videos")
    signature = tmk.sample(RNG)
    entry_id = _entry(client, admin, "videos", signature, "tmk")
    listed = client.get(f"{BANKS}/videos/entries", headers=admin).json()["items"]
    assert [(e["id"], e["signal_type"], e["signal"]) for e in listed] == [
        (entry_id, "tmk", tmk.normalize(signature))
    ]
    copy = tmk.variant(signature, RNG)
    found = client.post(MATCH, json={"signal_type": "tmk", "signal": copy}, headers=matcher)
    assert found.status_code == 200, found.text
    assert [(m["entry"]["id"], m["signal_type"]) for m in found.json()["matches"]] == [
        (entry_id, "tmk")
    ]
    assert found.json()["matches"][0]["distance"] <= tmk.default_threshold
    for body, field in (
        ({"signal_type": "tmk", "signal": "tmk1:AAAA"}, "signal"),
        ({"signal_type": "tmk2", "signal": signature}, "signal_type"),
    ):
        refused = client.post(f"{BANKS}/videos/entries", json=body, headers=admin)
        assert refused.status_code in (400, 422), refused.text
        assert refused.json()["errors"][0]["field"] == field
