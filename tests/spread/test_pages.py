"""The stop-the-spread pages through the app: both languages, the CSP, a submission of hashes
only, status with "seen and blocked N times" after a platform's match, withdrawal, and garbage
input answered as pages in the person's language (never a 500, never a stored row)."""

from __future__ import annotations

import json
import random
import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.identity.factories import make_api_key
from tests.spread.factories import image_hashes, video_hashes

from perisai.identity.permissions import Scope
from perisai.spread.models import SelfReport
from perisai.spread.views import MAX_FORM_BYTES, SUBMISSIONS_PER_WINDOW

RNG = random.Random(1517)
MATCH = "/api/v1/media/match"


def _send(client: TestClient, path: str = "/stop-the-spread", **fields: Any) -> Any:
    values = {"hashes": json.dumps([image_hashes(RNG)]), "under_18": "yes", "contact": ""}
    values.update(fields)
    return client.post(path, data={k: v for k, v in values.items() if v is not None})


def _receipt(page: str) -> tuple[str, str]:
    code = re.search(r'id="case-code">([^<]+)<', page)
    secret = re.search(r'id="case-secret">([^<]+)<', page)
    assert code and secret, page
    return code.group(1), secret.group(1)


def _count(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(SelfReport)) or 0)


def test_pages_in_malay_and_english_with_help_and_the_promise(client: TestClient) -> None:
    for path, lang, words in (
        ("/hentikan-sebaran", "ms", "Gambar kamu kekal dalam peranti kamu"),
        ("/stop-the-spread", "en", "Your picture stays on your device"),
    ):
        page = client.get(path)
        assert page.status_code == 200
        assert f'<html lang="{lang}">' in page.text
        assert words in page.text
        assert "999" in page.text and "15999" in page.text
        assert f'href="{"/lapor" if lang == "ms" else "/report"}"' in page.text
        assert page.headers["cache-control"] == "no-store"
        csp = page.headers["content-security-policy"]
        assert "connect-src 'self'" in csp and "media-src 'self' blob:" in csp
        assert "script-src 'self'" in csp
        # The file input has no name and is not inside the form: the file cannot be sent.
        form = page.text[page.text.index('<form method="post"') :]
        assert 'type="file"' not in form
        assert re.search(r'<input id="files" type="file"(?![^>]*name=)', page.text)
        assert '<script src="/static/spread/perisai-hash.js">' in page.text
        status = client.get(f"{path}/status")
        assert status.status_code == 200 and 'name="secret"' in status.text
    moved = client.get("/hentikan-sebaran/status?lang=en", follow_redirects=False)
    assert (moved.status_code, moved.headers["location"]) == (303, "/stop-the-spread/status")


def test_the_scripts_are_served_from_our_static_files(client: TestClient) -> None:
    for name in ("perisai-hash.js", "hash-worker.js", "pdq.js", "md5.js", "stop-the-spread.js"):
        response = client.get(f"/static/spread/{name}")
        assert response.status_code == 200, name
        assert "javascript" in response.headers["content-type"]
        assert "http://" not in response.text and "https://" not in response.text


def test_submit_check_a_platform_match_then_withdraw(client: TestClient, db: Session) -> None:
    picture = image_hashes(RNG)
    sent = _send(client, hashes=json.dumps([picture]), contact="mum@example.org")
    assert sent.status_code == 201, sent.text
    assert "Apps and websites that work with us can now block it" in sent.text
    code, secret = _receipt(sent.text)
    _, key = make_api_key(db, scopes=[Scope.MEDIA_MATCH])
    platform = {"Authorization": f"Bearer {key}"}
    match = client.post(
        MATCH, json={"signal_type": "pdq", "signal": picture["pdq"]}, headers=platform
    )
    assert match.status_code == 200
    (hit,) = match.json()["matches"]
    assert hit["entry"]["source"] == "self-report"
    assert hit["bank"]["name"] == "self-reported"
    assert code not in match.text and "mum@" not in match.text
    status = client.post("/stop-the-spread/status", data={"code": code, "secret": secret})
    assert status.status_code == 200
    assert "Seen and blocked 1 times" in status.text
    assert "api_client" not in status.text  # nobody is named
    unconfirmed = client.post("/stop-the-spread/withdraw", data={"code": code, "secret": secret})
    assert unconfirmed.status_code == 422 and 'id="confirm-error"' in unconfirmed.text
    gone = client.post(
        "/stop-the-spread/withdraw", data={"code": code, "secret": secret, "confirm": "yes"}
    )
    assert gone.status_code == 200 and "Withdrawn. The fingerprints were removed." in gone.text
    after = client.post(
        MATCH, json={"signal_type": "pdq", "signal": picture["pdq"]}, headers=platform
    )
    assert after.json()["matched"] is False


def test_a_video_submission_and_the_status_in_malay(client: TestClient) -> None:
    sent = _send(client, "/hentikan-sebaran", hashes=json.dumps([video_hashes(RNG)]))
    assert sent.status_code == 201
    code, secret = _receipt(sent.text)
    status = client.post("/hentikan-sebaran/status", data={"code": code, "secret": secret})
    assert "Dilihat dan disekat 0 kali" in status.text
    assert "MYT" in status.text
    wrong = client.post("/hentikan-sebaran/status", data={"code": code, "secret": "nope"})
    assert wrong.status_code == 404
    assert "Kod atau rahsia tidak betul" in wrong.text and 'role="alert"' in wrong.text


@pytest.mark.parametrize(
    ("fields", "status", "field"),
    [
        ({"hashes": ""}, 422, "files"),
        ({"hashes": "not json"}, 422, "files"),
        ({"hashes": "[]"}, 422, "files"),
        ({"hashes": json.dumps([{"md5": "x"}])}, 422, "files"),
        ({"hashes": json.dumps([image_hashes(RNG)] * 11)}, 422, "files"),
        ({"under_18": None}, 422, "under_18"),
        ({"under_18": "no"}, 422, "under_18"),
        ({"contact": "x" * 201}, 422, "contact"),
    ],
)
def test_bad_submissions_are_pages_naming_the_field_and_store_nothing(
    client: TestClient, db: Session, fields: dict[str, Any], status: int, field: str
) -> None:
    before = _count(db)
    response = _send(client, **fields)
    assert response.status_code == status
    assert 'role="alert"' in response.text and f'href="#{field}"' in response.text
    assert "There is a problem" in response.text
    assert _count(db) == before


def test_oversized_and_wrongly_typed_bodies_are_refused(client: TestClient) -> None:
    big = client.post(
        "/stop-the-spread",
        content=b"hashes=" + b"a" * MAX_FORM_BYTES,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert big.status_code == 413
    multipart = client.post("/stop-the-spread", files={"f": ("a.jpg", b"\xff\xd8\xff")})
    assert multipart.status_code == 415


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300).map(lambda b: b.hex())))
def test_garbage_hashes_never_break_the_page(client: TestClient, garbage: str) -> None:
    response = client.post("/stop-the-spread", data={"hashes": garbage, "under_18": "yes"})
    assert response.status_code in (422, 429), response.text


def test_submissions_are_rate_limited_by_a_salted_key(client: TestClient, app: FastAPI) -> None:
    statuses = [_send(client).status_code for _ in range(SUBMISSIONS_PER_WINDOW + 1)]
    assert statuses == [201] * SUBMISSIONS_PER_WINDOW + [429]
    keys = list(app.state.spread_limiters["submit"]._buckets)
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys)


def test_a_held_report_says_staff_will_check_it_first(client: TestClient, db: Session) -> None:
    from perisai.audit.service import SYSTEM
    from perisai.banks.models import BankEntry as EntryRow
    from perisai.banks.service import BankSettings, add_entry, create_bank
    from perisai.media.banks import BankEntry

    picture = image_hashes(RNG)
    benign = create_bank(
        db, actor=SYSTEM, name="benign-memes", settings=BankSettings(kind="negative")
    )
    add_entry(db, actor=SYSTEM, bank=benign, entry=BankEntry("md5", picture["md5"]))
    sent = _send(client, hashes=json.dumps([picture]))
    assert sent.status_code == 201
    assert "A member of staff will check this submission first" in sent.text
    code, secret = _receipt(sent.text)
    status = client.post("/stop-the-spread/status", data={"code": code, "secret": secret})
    assert "Being checked by staff" in status.text
    held = db.scalars(select(EntryRow).where(EntryRow.source == "self-report")).all()
    assert held and not any(entry.enabled for entry in held)
