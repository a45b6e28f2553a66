"""The victims JSON API: identity masked until a purpose is given, need-to-know and consent on
every answer, garbage refused with field-level problems, erasure with confirmation."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.identity.factories import make_user
from tests.victims.factories import CHILD_NAME, SCHOOL, World, make_victim_report, make_world

from perisai.identity.deps import SESSION_COOKIE
from perisai.identity.models import User
from perisai.identity.service import start_session
from perisai.runtime import Runtime
from perisai.victims import service as victims

API = "/api/v1/victims"


def as_user(client: TestClient, db: Session, runtime: Runtime, user: User) -> None:
    token = start_session(db, settings=runtime.settings, user=user, totp_verified=True)
    db.flush()
    client.cookies.set(SESSION_COOKIE, token)


def _world(db: Session, runtime: Runtime) -> World:
    return make_world(db, runtime.keyring)


def test_identity_is_masked_until_a_purpose_is_given(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    world = _world(db, runtime)
    as_user(client, db, runtime, world.jkm)
    masked = client.get(f"{API}/{world.victim.public_id}")
    assert masked.status_code == 200, masked.text
    assert masked.json()["identity_masked"] is True
    assert CHILD_NAME not in masked.text and "identity" not in masked.json()
    opened = client.get(f"{API}/{world.victim.public_id}", params={"purpose": "support_contact"})
    assert opened.status_code == 200
    assert opened.json()["identity"]["name"]["name"] == CHILD_NAME
    bad = client.get(f"{API}/{world.victim.public_id}", params={"purpose": "gossip"})
    assert bad.status_code == 422


def test_school_and_ngo_see_only_what_was_consented(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    world = _world(db, runtime)
    as_user(client, db, runtime, world.moe)
    assert client.get(f"{API}/{world.victim.public_id}").status_code == 404
    as_user(client, db, runtime, world.ngo)
    page = client.get(f"{API}/{world.victim.public_id}", params={"purpose": "support_contact"})
    assert page.status_code == 200 and page.json()["identity"] == {}
    as_user(client, db, runtime, world.jkm)
    given = client.post(
        f"{API}/{world.victim.public_id}/consents",
        json={"field_group": "school", "agency": "NGO", "given_by": "both", "method": "written"},
    )
    assert given.status_code == 201, given.text
    as_user(client, db, runtime, world.ngo)
    page = client.get(f"{API}/{world.victim.public_id}", params={"purpose": "support_contact"})
    assert page.json()["identity"] == {"school": {"school_name": SCHOOL}}
    assert CHILD_NAME not in page.text
    exported = client.get(
        f"{API}/{world.victim.public_id}/export", params={"purpose": "support_contact"}
    )
    assert exported.json()["identity"] == {"school": {"school_name": SCHOOL}}
    # The NGO cannot give itself more.
    refused = client.post(
        f"{API}/{world.victim.public_id}/consents",
        json={"field_group": "name", "agency": "NGO", "given_by": "child", "method": "phone"},
    )
    assert refused.status_code == 403
    as_user(client, db, runtime, world.jkm)
    withdrawn = client.post(
        f"{API}/{world.victim.public_id}/consents/withdraw",
        json={"field_group": "school", "agency": "NGO", "method": "phone"},
    )
    assert withdrawn.status_code == 200, withdrawn.text
    as_user(client, db, runtime, world.ngo)
    for path in ("", "/export"):
        after = client.get(
            f"{API}/{world.victim.public_id}{path}", params={"purpose": "support_contact"}
        )
        assert SCHOOL not in after.text and after.json()["identity"] == {}


def test_garbage_is_refused_with_field_level_problems(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    world = _world(db, runtime)
    as_user(client, db, runtime, world.jkm)
    url = f"{API}/{world.victim.public_id}"
    cases = [
        (
            f"{url}/consents",
            {"field_group": "shoe_size", "agency": "NGO", "given_by": "child", "method": "phone"},
        ),
        (
            f"{url}/consents",
            {"field_group": "school", "agency": "NOPE", "given_by": "child", "method": "phone"},
        ),
        (
            f"{url}/consents",
            {"field_group": "school", "agency": "NGO", "given_by": "child", "method": "pigeon"},
        ),
        (
            f"{url}/consents",
            {
                "field_group": "school",
                "agency": "NGO",
                "given_by": "child",
                "method": "phone",
                "given_at": "2020-01-01T00:00:00",
            },
        ),
        (
            f"{url}/consents",
            {
                "field_group": "school",
                "agency": "NGO",
                "given_by": "child",
                "method": "phone",
                "extra": 1,
            },
        ),
        (API, {"report_id": "x" * 40}),
        (API, {"report_id": world.report.public_id, "position": -1}),
    ]
    for path, body in cases:
        answer = client.post(path, json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
    too_long = client.put(f"{url}/identity/name", json={"name": "x" * 500})
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"].endswith("name")
    assert client.put(f"{url}/identity/shoe", json={}).status_code == 422
    assert client.get(f"{API}/VIC-NOTHERE").status_code == 404


def test_erasure_needs_a_supervisor_and_the_id_typed_again(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    world = _world(db, runtime)
    url = f"{API}/{world.victim.public_id}"
    as_user(client, db, runtime, world.jkm)
    assert (
        client.post(
            f"{url}/erase", json={"basis": "request", "confirm": world.victim.public_id}
        ).status_code
        == 403
    )
    supervisor, _ = make_user(db, runtime.keyring, role="supervisor", agency="SECRETARIAT")
    as_user(client, db, runtime, supervisor)
    wrong = client.post(f"{url}/erase", json={"basis": "request", "confirm": "VIC-WRONG"})
    assert wrong.status_code == 422
    assert client.post(f"{url}/legal-hold", json={"legal_hold": True}).status_code == 200
    held = client.post(f"{url}/erase", json={"basis": "request", "confirm": world.victim.public_id})
    assert held.status_code == 409
    client.post(f"{url}/legal-hold", json={"legal_hold": False})
    done = client.post(f"{url}/erase", json={"basis": "request", "confirm": world.victim.public_id})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "erased"
    as_user(client, db, runtime, world.jkm)
    after = client.get(url, params={"purpose": "support_contact"})
    assert after.status_code == 200 and after.json()["identity"] == {}
    assert CHILD_NAME not in after.text
    again = client.post(
        f"{url}/consents",
        json={"field_group": "school", "agency": "NGO", "given_by": "child", "method": "phone"},
    )
    assert again.status_code in (403, 409)


def test_create_from_report_is_for_the_triage_desk_and_grant_holders(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    world = _world(db, runtime)

    fresh = make_victim_report(db, runtime.keyring)
    as_user(client, db, runtime, world.ngo)
    assert client.post(API, json={"report_id": fresh.public_id}).status_code == 404
    as_user(client, db, runtime, world.analyst)
    made = client.post(API, json={"report_id": fresh.public_id})
    assert made.status_code == 201, made.text
    assert CHILD_NAME not in made.text
    twice = client.post(API, json={"report_id": fresh.public_id})
    assert twice.status_code == 409
    assert victims.victims_of_report(db, fresh.id)[0].public_id == made.json()["public_id"]
