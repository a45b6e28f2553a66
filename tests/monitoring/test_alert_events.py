"""A spike alert reaches an SSE subscriber (a real server and a database that commits),
redacted per viewer: the audience learns which series, another agency only the figures."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from tests.monitoring.alert_factories import steady
from tests.sharing.conftest import fake_dns, live_runtime, live_server  # noqa: F401
from tests.sharing.test_sse import key_for, read_events

from perisai.identity.permissions import Scope
from perisai.monitoring.alert_tasks import run_once
from perisai.monitoring.models import MonitoringCount
from perisai.monitoring.names import SPIKE_EVENT
from perisai.runtime import Runtime
from perisai.sharing.models import OutboxEvent

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def test_a_spike_reaches_sse_subscribers_redacted_per_viewer(
    live_runtime: Runtime,  # noqa: F811
    live_server: str,  # noqa: F811
) -> None:
    series = f"source:platform:Spiky{secrets.token_hex(3)}"
    today = NOW.date()
    with live_runtime.db.transaction() as session:
        before = session.scalar(select(func.coalesce(func.max(OutboxEvent.id), 0)))
        rows = {**steady(series, days=70, until=today), today: 60}
        session.add_all(
            MonitoringCount(series_key=series, day=day, hour=9, count=n) for day, n in rows.items()
        )
    mcmc = key_for(live_runtime, "MCMC", [Scope.EVENTS_READ])
    csm = key_for(live_runtime, "CSM", [Scope.EVENTS_READ])
    raised = run_once(live_runtime, now=NOW + timedelta(seconds=1))
    assert [a.series_key for a in raised.raised] == [series]
    told = [e for e in read_events(live_server, mcmc, 1, last_event_id=before) if e]
    assert told[0]["type"] == SPIKE_EVENT
    assert told[0]["data"]["series_key"] == series and told[0]["data"]["observed"] == 60
    other = read_events(live_server, csm, 1, last_event_id=before)
    assert other[0]["type"] == SPIKE_EVENT
    assert "series_key" not in other[0]["data"] and other[0]["data"]["observed"] == 60
