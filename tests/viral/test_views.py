"""The pages: the list and the cluster page (first seen, platforms, an accessible SVG chart of
counts over time with its table, proposals with confirm buttons) in Malay and English, MYT."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.viral.factories import viral_cluster
from tests.workspace.factories import csrf_of, log_in

from perisai.cases.models import TakedownNotice
from perisai.runtime import Runtime
from perisai.viral.models import ViralCluster, ViralProposal


def test_the_list_and_cluster_pages_in_both_languages(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    cluster = viral_cluster(db, runtime)
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    english = client.get("/workspace/viral?lang=en")
    assert english.status_code == 200
    assert "Viral spread" in english.text and cluster in english.text
    assert "MYT" in english.text
    malay = client.get("/workspace/viral?lang=ms")
    assert "Sebaran tular" in malay.text
    page = client.get(f"/workspace/viral/{cluster}?lang=en")
    assert page.status_code == 200
    html = page.text
    assert "First seen" in html and "MYT" in html
    for platform in ("ExampleChat", "PhotoShare", "ClipTok"):
        assert platform in html
    assert re.search(r'<svg role="img" aria-labelledby="counts-caption"', html)
    assert html.count("<rect ") >= 1 and 'id="counts"' in html  # the chart and its table
    assert html.count('/confirm"') == 4  # a confirm button per proposal
    assert "Nothing happens until a person confirms." in html
    ms = client.get(f"/workspace/viral/{cluster}?lang=ms").text
    assert "Laporan mengikut masa" in ms and "Sahkan" in ms


def test_confirming_from_the_page_sends_the_notice(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    cluster = viral_cluster(db, runtime)
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    page = client.get(f"/workspace/viral/{cluster}?lang=en").text
    takedown = db.scalars(select(ViralProposal).where(ViralProposal.platform == "PhotoShare")).one()
    # The address the report gave is offered in the form.
    assert 'value="https://photoshare.example/p/1"' in page
    done = client.post(
        f"/workspace/viral/{cluster}/proposals/{takedown.id}/confirm",
        data={"csrf_token": csrf_of(page), "url": "https://photoshare.example/p/1"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"].endswith("?done=confirmed")
    assert db.scalars(select(TakedownNotice.platform)).one() == "PhotoShare"


def test_a_bad_form_answers_the_page_with_the_field_named(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    cluster = viral_cluster(db, runtime)
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    page = client.get(f"/workspace/viral/{cluster}?lang=ms").text
    takedown = db.scalars(select(ViralProposal).where(ViralProposal.kind == "takedown")).first()
    assert takedown is not None
    bad = client.post(
        f"/workspace/viral/{cluster}/proposals/{takedown.id}/confirm?lang=ms",
        data={"csrf_token": csrf_of(page), "url": "javascript:alert(1)"},
    )
    assert bad.status_code == 422
    assert "Berikan alamat http(s)" in bad.text and 'aria-invalid="true"' in bad.text
    short = client.post(
        f"/workspace/viral/{cluster}/proposals/{takedown.id}/dismiss?lang=en",
        data={"csrf_token": csrf_of(page), "note": "no"},
    )
    assert short.status_code == 422 and "10 to 2000 characters" in short.text
    forged = client.post(
        f"/workspace/viral/{cluster}/proposals/{takedown.id}/dismiss",
        data={"csrf_token": "forged", "note": "a long enough reason"},
    )
    assert forged.status_code in (400, 403)
    assert db.get_one(ViralProposal, takedown.id).state == "proposed"


def test_other_agencies_get_the_not_found_page(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    cluster = viral_cluster(db, runtime)
    log_in(client, runtime, db, role="caseworker", agency="JKM")
    assert client.get("/workspace/viral").status_code in (403, 404)
    assert client.get(f"/workspace/viral/{cluster}").status_code in (403, 404)


def test_a_merged_clusters_address_leads_to_the_survivor(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    cluster = viral_cluster(db, runtime)
    survivor = db.scalars(select(ViralCluster).where(ViralCluster.public_id == cluster)).one()
    loser = ViralCluster(
        public_id="V-MERGED22",
        parent_id=survivor.id,
        first_seen_at=survivor.first_seen_at,
        last_seen_at=survivor.first_seen_at,
    )
    db.add(loser)
    db.flush()
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    moved = client.get("/workspace/viral/V-MERGED22", follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == f"/workspace/viral/{cluster}"
