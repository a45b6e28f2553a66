"""GET /api/v1/events on a real server: per-viewer redaction, Last-Event-ID, live delivery."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import httpx
import pytest

from perisai.audit.service import SYSTEM
from perisai.identity.permissions import Scope
from perisai.identity.service import create_api_key
from perisai.runtime import Runtime
from perisai.sharing.events import emit
from perisai.sharing.models import Tlp


def key_for(runtime: Runtime, agency: str, scopes: list[Scope]) -> str:
    with runtime.db.transaction() as session:
        _, secret = create_api_key(
            session, actor=SYSTEM, name=f"sse {agency}", scopes=scopes, agency_short=agency
        )
        return secret


def emit_committed(runtime: Runtime, audience: list[str], payload: dict[str, Any]) -> int:
    with runtime.db.transaction() as session:
        return emit(
            session,
            type="report.prioritised",
            subject_type="report",
            subject_id="R-S",
            payload=payload,
            audience=audience,
            tlp=Tlp.AMBER,
        ).id


def read_events(
    base: str, token: str, count: int, *, last_event_id: int | None = None, timeout: float = 30.0
) -> list[dict[str, Any]]:
    """Open the stream, collect ``count`` events (or stop at the timeout), close it."""
    headers = {"Authorization": f"Bearer {token}"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    got: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    with (
        httpx.Client(base_url=base, timeout=timeout, trust_env=False) as client,
        client.stream("GET", "/api/v1/events", headers=headers) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data: "):
                got.append(json.loads(line.removeprefix("data: ")))
            if len(got) >= count or time.monotonic() > deadline:
                break
    return got


@pytest.mark.slow
def test_stream_resumes_after_last_event_id_and_redacts_per_viewer(
    live_runtime: Runtime, live_server: str
) -> None:
    csm = key_for(live_runtime, "CSM", [Scope.EVENTS_READ])
    first = emit_committed(live_runtime, ["CSM"], {"priority": "P1", "victims": [{"n": "x"}]})
    hidden = emit_committed(live_runtime, ["NGO"], {"priority": "P3"})
    third = emit_committed(live_runtime, ["CSM"], {"priority": "P2", "mystery": 1})

    events = read_events(live_server, csm, 2, last_event_id=first - 1)
    assert [int(e["id"]) for e in events] == [first, third]
    assert events[0]["data"] == {"priority": "P1"}
    assert events[1]["data"] == {"priority": "P2"}
    assert hidden not in [int(e["id"]) for e in events]

    resumed = read_events(live_server, csm, 1, last_event_id=first)
    assert [int(e["id"]) for e in resumed] == [third]


@pytest.mark.slow
def test_a_live_event_reaches_an_open_stream(live_runtime: Runtime, live_server: str) -> None:
    # Correctness only: latency is measured by benchmarks/sharing_latency.py, not asserted here.
    moe = key_for(live_runtime, "MOE", [Scope.EVENTS_READ])

    def later() -> None:
        time.sleep(0.5)  # after the stream has started at the newest event
        emit_committed(live_runtime, ["MOE"], {"status": "live"})

    thread = threading.Thread(target=later)
    thread.start()
    events = read_events(live_server, moe, 1)
    thread.join()
    assert [e["data"] for e in events] == [{"status": "live"}]


def test_stream_needs_events_read_and_a_good_last_event_id(
    live_runtime: Runtime, live_server: str
) -> None:
    submitter = key_for(live_runtime, "PDRM", [Scope.REPORTS_SUBMIT])
    reader = key_for(live_runtime, "PDRM", [Scope.EVENTS_READ])
    with httpx.Client(base_url=live_server, trust_env=False) as client:
        assert client.get("/api/v1/events").status_code == 401
        denied = client.get("/api/v1/events", headers={"Authorization": f"Bearer {submitter}"})
        assert denied.status_code == 403
        for bad in ("abc", "-1", "9" * 40):
            answer = client.get(
                "/api/v1/events",
                headers={"Authorization": f"Bearer {reader}", "Last-Event-ID": bad},
            )
            assert answer.status_code == 400, bad
