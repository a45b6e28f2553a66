"""The supervisor pages: the alert list and one alert with its evidence, lifecycle and steps,
in Malay and English, Malaysia time; errors as pages in the person's language."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.monitoring.alert_factories import make_alert
from tests.workspace.factories import csrf_of, log_in

from perisai.runtime import Runtime

PAGE = "/workspace/monitoring/alerts"


def test_the_list_and_the_alert_in_both_languages(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    alert = make_alert(db)
    make_alert(db, series="source:ncmec", status="dismissed")
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    english = client.get(f"{PAGE}?lang=en")
    assert english.status_code == 200
    assert "Spike alerts" in english.text and alert.public_id in english.text
    assert "Public hotline" in english.text  # the series in words
    assert "NCMEC" not in english.text  # dismissed: not open
    every = client.get(f"{PAGE}?status=all&lang=en").text
    assert "NCMEC" in every
    malay = client.get(f"{PAGE}?lang=ms").text
    assert "Amaran lonjakan" in malay and "Talian hotline awam" in malay
    page = client.get(f"{PAGE}/{alert.public_id}?lang=en").text
    assert "45 reports on 2026-11-30, 9.5 expected" in page
    assert "MYT" in page and "3.6e-09" in page
    assert 'id="ack"' in page and 'id="dismiss"' in page
    ms = client.get(f"{PAGE}/{alert.public_id}?lang=ms").text
    assert "Bukti" in ms and "Sahkan lonjakan" in ms


def test_a_supervisor_acknowledges_then_dismisses_with_a_reason(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    alert = make_alert(db)
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    page = client.get(f"{PAGE}/{alert.public_id}?lang=en").text
    done = client.post(
        f"{PAGE}/{alert.public_id}/acknowledge",
        data={"csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].endswith("?done=acknowledged")
    refused = client.post(
        f"{PAGE}/{alert.public_id}/dismiss?lang=ms",
        data={"csrf_token": csrf_of(page), "reason": "   "},
    )
    assert refused.status_code == 422
    assert "Tulis sebab menolak" in refused.text
    dismissed = client.post(
        f"{PAGE}/{alert.public_id}/dismiss",
        data={"csrf_token": csrf_of(page), "reason": "a test batch from a platform"},
    )
    assert dismissed.status_code == 200
    db.refresh(alert)
    assert alert.status == "dismissed" and alert.dismiss_reason == "a test batch from a platform"
    shown = client.get(f"{PAGE}/{alert.public_id}?lang=en").text
    assert "a test batch from a platform" in shown and 'id="confirm"' not in shown


def test_a_step_needs_the_form_token_and_a_supervisor(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    alert = make_alert(db)
    log_in(client, runtime, db, role="auditor", agency="SECRETARIAT")
    page = client.get(f"{PAGE}/{alert.public_id}?lang=en").text
    assert "Only a supervisor" in page and 'id="ack"' not in page
    assert (
        client.post(f"{PAGE}/{alert.public_id}/confirm", data={"csrf_token": csrf_of(page)})
    ).status_code == 403
    assert client.post(
        f"{PAGE}/{alert.public_id}/confirm", data={"csrf_token": "x"}
    ).status_code in (
        400,
        403,
    )
    db.refresh(alert)
    assert alert.status == "new"


def test_bad_filters_and_unknown_alerts(client: TestClient, runtime: Runtime, db: Session) -> None:
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    bad = client.get(f"{PAGE}?status=nonsense&lang=en")
    assert bad.status_code == 422 and "Choose from the list." in bad.text
    assert client.get(f"{PAGE}/MA-ZZZZZZZZ?lang=en").status_code == 404
