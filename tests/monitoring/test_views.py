"""The supervisors' trend page and its CSV: permissions, filters, garbage, audit, languages."""

from __future__ import annotations

import csv
import io
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from types import ModuleType, SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.workspace.factories import log_in

from perisai.audit.models import AuditEntry
from perisai.monitoring import alerts, rollups
from perisai.monitoring.alerts import refresh_expectations
from perisai.monitoring.detect import DayModel
from perisai.monitoring.models import MonitoringExpectation
from perisai.monitoring.rollups import MALAYSIA
from perisai.monitoring.views import csv_cell
from perisai.runtime import Runtime


def _today() -> date:
    return datetime.now(UTC).astimezone(MALAYSIA).date()


def _history(db: Session, key: str = "source:platform:=HYPERLINK(1)") -> None:
    counts: Counter[tuple[str, date, int]] = Counter()
    today = _today()
    for back in range(70):
        day = today - timedelta(days=back)
        counts[(key, day, 9)] += 5 + back % 3
        counts[("source:hotline", day, 14)] += 2
        counts[("total", day, 9)] += 7 + back % 3
    counts[(key, today, 10)] += 30  # a rise today
    rollups.apply_counts(db, counts)
    refresh_expectations(db)  # the daily band is the detector's model, as the hourly job stores it


def test_supervisors_see_charts_with_an_expected_band_and_a_table(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    _history(db)
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    page = client.get("/workspace/monitoring?lang=en&dimension=source")
    assert page.status_code == 200, page.text
    text = page.text
    assert "Trend monitoring" in text
    assert '<svg role="img"' in text and 'class="band"' in text and 'class="expected"' in text
    assert "Platform: =HYPERLINK(1)" in text
    assert "(above range)" in text, "today's rise is above the expected range"
    assert "MYT" in text
    malay = client.get("/workspace/monitoring?lang=ms&dimension=source&granularity=hour")
    assert malay.status_code == 200
    assert "Pemantauan trend" in malay.text and "Talian hotline awam" in malay.text


def test_the_csv_has_every_point_is_safe_in_a_spreadsheet_and_is_audited(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    _history(db)
    user = log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    today = _today()
    answer = client.get(
        f"/workspace/monitoring.csv?dimension=source&from={today - timedelta(days=6)}&to={today}"
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    mine = [r for r in rows if r["series"].endswith("HYPERLINK(1)")]
    assert len(mine) == 7
    assert mine[0]["series"].startswith("source:")
    assert mine[0]["label"].startswith("Platform") or mine[0]["label"].startswith("Platform:")
    assert all(not r["label"].startswith("=") for r in rows)
    assert mine[-1]["observed"] == str(5 + 0 + 30)
    assert mine[-1]["expected"] and mine[-1]["start_myt"].endswith("+08:00")
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "monitoring.export")).one()
    assert entry.actor_id == str(user.id)


def test_csv_cells_never_start_a_formula() -> None:
    assert csv_cell("=1+1") == "'=1+1"
    assert csv_cell("@x") == "'@x"
    assert csv_cell("-2") == "'-2"
    assert csv_cell("platform:x") == "platform:x"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=yesterday", "from-error"),
        ("to=2026-13-40", "to-error"),
        ("to=9999-12-31", "to-error"),  # the day after it is not a date
        ("from=0001-01-01&to=0001-01-02", "from-error"),
        ("from=2026-12-05&to=2026-11-01", "from-error"),
        ("from=2020-01-01&to=2026-01-01", "from-error"),
        ("granularity=hour&from=2026-11-01&to=2026-11-30", "from-error"),
        ("dimension=%3Cscript%3E", "dimension-error"),
        ("granularity=minute", "granularity-error"),
    ],
)
def test_bad_filters_are_named_field_by_field(
    client: TestClient, runtime: Runtime, db: Session, query: str, field: str
) -> None:
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    page = client.get(f"/workspace/monitoring?lang=en&{query}")
    assert page.status_code == 422
    assert f'id="{field}"' in page.text
    assert 'role="alert"' in page.text
    assert "<script>" not in page.text
    again = client.get(f"/workspace/monitoring.csv?{query}", follow_redirects=False)
    assert again.status_code == 303


def test_overlong_parameters_are_refused(client: TestClient, runtime: Runtime, db: Session) -> None:
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    assert client.get("/workspace/monitoring?dimension=" + "x" * 500).status_code == 422


@pytest.mark.parametrize(("role", "agency"), [("analyst", "SECRETARIAT"), ("caseworker", "JKM")])
def test_only_supervisors_and_auditors_may_look(
    client: TestClient, runtime: Runtime, db: Session, role: str, agency: str
) -> None:
    log_in(client, runtime, db, role=role, agency=agency)
    assert client.get("/workspace/monitoring").status_code == 403
    assert client.get("/workspace/monitoring.csv").status_code == 403


def test_logged_out_people_are_sent_to_log_in(client: TestClient) -> None:
    answer = client.get("/workspace/monitoring", follow_redirects=False)
    assert answer.status_code in (302, 303, 401)


def test_the_api_gives_every_series_with_its_range_and_refuses_bad_filters(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    _history(db)
    log_in(client, runtime, db, role="auditor", agency="SECRETARIAT")
    today = _today()
    answer = client.get(
        f"/api/v1/monitoring/trends?dimension=source&from={today - timedelta(days=2)}&to={today}"
    )
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["dimension"] == "source" and found["granularity"] == "day"
    by_series = {s["series"]: s for s in found["series"]}
    assert set(by_series) >= {"source:hotline", "source:platform:=HYPERLINK(1)"}
    last = by_series["source:platform:=HYPERLINK(1)"]["points"][-1]
    assert last["observed"] == 35 and last["start"].endswith("+08:00")
    assert last["high"] is not None and last["observed"] > last["high"]
    bad = client.get("/api/v1/monitoring/trends?from=soon&granularity=week")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"from", "granularity"}
    for extreme in ("to=9999-12-31", "from=0001-01-01&to=0001-01-01"):
        far = client.get(f"/api/v1/monitoring/trends?{extreme}")
        assert far.status_code == 422, extreme


def test_the_api_needs_a_supervisor(client: TestClient, runtime: Runtime, db: Session) -> None:
    assert client.get("/api/v1/monitoring/trends").status_code == 401
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    assert client.get("/api/v1/monitoring/trends").status_code == 403


def test_alerts_of_the_spike_job_are_marked_on_the_chart_and_in_its_table(
    client: TestClient, runtime: Runtime, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _history(db)
    today = _today()
    asked: list[dict[str, object]] = []

    def alerts_between(session: Session, **ask: object) -> list[SimpleNamespace]:
        asked.append(ask)
        return [
            SimpleNamespace(
                series_key="source:platform:=HYPERLINK(1)", day=today, method="negbin", status="new"
            )
        ]

    module = ModuleType("perisai.monitoring.alerts")
    module.alerts_between = alerts_between  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "perisai.monitoring.alerts", module)
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    page = client.get("/workspace/monitoring?lang=en&dimension=source").text
    assert 'class="alert-mark"' in page
    assert "<td>Alert · negbin · new</td>" in page
    assert "1 alerts." in page
    assert "Spike alerts are marked here once" not in page
    hourly = client.get(
        f"/workspace/monitoring?lang=en&dimension=source&granularity=hour&from={today}&to={today}"
    ).text
    # The day's alert sits on its busiest hour (10:00, the rise), not at midnight.
    assert f'<th scope="row">{today} 10:00</th><td>30</td>' in hourly.replace("\n", "")
    assert hourly.count('class="alert-mark"') == 1
    ask = asked[0]
    assert ask["since"] == datetime(
        (today - timedelta(days=27)).year,
        (today - timedelta(days=27)).month,
        (today - timedelta(days=27)).day,
        tzinfo=MALAYSIA,
    )


def test_offence_series_are_named_by_the_offence_list_in_the_readers_language(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    rollups.apply_counts(db, Counter({("offence:act792.s4", _today(), 9): 3}))
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    english = client.get("/workspace/monitoring?lang=en&dimension=offence").text
    assert "act792.s4: Child sexual abuse material" in english
    malay = client.get("/workspace/monitoring?lang=ms&dimension=offence").text
    assert "act792.s4: Bahan penderaan seksual kanak-kanak" in malay


def test_the_daily_band_is_the_detectors_model_so_the_chart_and_the_alert_agree(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    _history(db)
    run = alerts.run_spikes(db)
    today = _today()
    key = "source:platform:=HYPERLINK(1)"
    alert = next(a for a in run.raised if a.series_key == key and a.day == today)
    assert alert.method == "negbin" and alert.window_days == 1
    log_in(client, runtime, db, role="auditor", agency="SECRETARIAT")
    answer = client.get(
        f"/api/v1/monitoring/trends?dimension=source&from={today - timedelta(days=13)}&to={today}"
    )
    points = {s["series"]: s["points"] for s in answer.json()["series"]}[key]
    last = points[-1]
    # The chart's expectation is the one the alert was tested against, and the alerted day is
    # above the band (the plain same-weekday mean, 5-7 here, is not what the chart shows).
    assert last["expected"] == pytest.approx(alert.expected, rel=1e-9)
    assert last["observed"] > last["high"] and last["alert"]
    stored = db.get(MonitoringExpectation, (key, today))
    assert stored is not None and (stored.low, stored.high) == (last["low"], last["high"])
    model = DayModel(key, today, stored.expected, stored.alpha, stored.baseline_days, 8, 1, 1)
    assert model.band() == (stored.low, stored.high)
    # Every day of the period has the detector's model (70 days of history, 28 needed).
    assert all(p["expected"] is not None for p in points)
