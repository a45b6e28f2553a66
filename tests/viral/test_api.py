"""The viral API: the secretariat's desk reads and decides; others get 404; garbage is refused
with field-level problems."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.viral.factories import viral_cluster
from tests.workspace.factories import log_in

from perisai.runtime import Runtime
from perisai.viral.models import ViralProposal

API = "/api/v1/viral/clusters"


def test_a_secretariat_analyst_lists_reads_and_confirms(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    cluster = viral_cluster(db, runtime)
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    listed = client.get(API).json()["items"]
    assert [c["cluster_id"] for c in listed] == [cluster]
    assert listed[0]["platforms"] == ["ClipTok", "ExampleChat", "PhotoShare"]
    shown = client.get(f"{API}/{cluster}").json()
    assert [p["platform"] for p in shown["platforms"]] == ["ExampleChat", "PhotoShare", "ClipTok"]
    assert shown["alerts"][0]["rule"] == "platforms"
    assert sum(h["reports"] for h in shown["counts_by_hour"]) == 3
    takedown = next(p for p in shown["proposals"] if p["platform"] == "ClipTok")
    done = client.post(
        f"{API}/{cluster}/proposals/{takedown['id']}/confirm",
        json={"url": "https://cliptok.example/p/2"},
    )
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "confirmed"
    again = client.post(
        f"{API}/{cluster}/proposals/{takedown['id']}/confirm", json={"url": "https://x.example/"}
    )
    assert again.status_code == 409


def test_other_agencies_and_roles_find_nothing(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    cluster = viral_cluster(db, runtime)
    log_in(client, runtime, db, role="investigator", agency="PDRM")
    assert client.get(API).status_code == 404
    assert client.get(f"{API}/{cluster}").status_code == 404
    proposal = db.scalars(select(ViralProposal.id)).first()
    refused = client.post(f"{API}/{cluster}/proposals/{proposal}/confirm", json={})
    assert refused.status_code == 404
    assert db.get_one(ViralProposal, proposal).state == "proposed"


def test_an_auditor_may_not_decide(client: TestClient, runtime: Runtime, db: Session) -> None:
    cluster = viral_cluster(db, runtime)
    log_in(client, runtime, db, role="auditor", agency="SECRETARIAT")
    proposal = db.scalars(select(ViralProposal.id)).first()
    assert (
        client.post(
            f"{API}/{cluster}/proposals/{proposal}/dismiss", json={"note": "x" * 20}
        ).status_code
        == 403
    )


def test_garbage_is_refused_with_field_level_problems(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    cluster = viral_cluster(db, runtime)
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    bank = db.scalars(select(ViralProposal).where(ViralProposal.kind == "bank_add")).one()
    takedown = db.scalars(select(ViralProposal).where(ViralProposal.kind == "takedown")).first()
    assert takedown is not None
    base = f"{API}/{cluster}/proposals"
    cases = [
        (f"{base}/{takedown.id}/confirm", {"url": "ftp://nope"}, 422),
        (f"{base}/{takedown.id}/confirm", {"url": "h" * 5000}, 422),
        (f"{base}/{takedown.id}/confirm", {"surprise": 1}, 422),
        (f"{base}/{takedown.id}/confirm", ["not", "an", "object"], 422),
        (f"{base}/{bank.id}/dismiss", {"note": "short"}, 422),
        (f"{base}/{bank.id}/dismiss", {"note": 12345678901}, 422),
        (f"{base}/{bank.id}/dismiss", {}, 422),
        (f"{base}/0/confirm", {}, 422),
        (f"{base}/abc/confirm", {}, 422),
        (f"{base}/{10**15}/confirm", {}, 404),
        (f"{API}/{'V' * 400}/proposals/{bank.id}/confirm", {}, 422),
    ]
    for url, body, status in cases:
        answer = client.post(url, json=body)
        assert answer.status_code == status, (url, body, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
    url_problem = client.post(f"{base}/{takedown.id}/confirm", json={"url": "ftp://nope"}).json()
    assert url_problem["errors"][0]["field"] == "url"
    assert client.get(f"{API}?limit=0").status_code == 422
    assert client.get(f"{API}?limit=abc").status_code == 422
    assert client.get(f"{API}/V-NOPE0000").status_code == 404
    assert {p.state for p in db.scalars(select(ViralProposal))} == {"proposed"}
