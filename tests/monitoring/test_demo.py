"""The demo shows trends with history, a rise on GameChat, and removal figures in public."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.workspace.factories import log_in

from perisai.monitoring import demo, rollups
from perisai.runtime import Runtime
from perisai.workspace.demo import seed_workspace


def test_the_demo_fills_the_monitoring_and_statistics_pages(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    seed_workspace(runtime, db)
    demo.seed(runtime, db)
    assert rollups.take_writer_lock(db)
    rollups.process_pending(db)  # the workspace demo's own reports, as the job would
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    page = client.get("/workspace/monitoring?lang=en&dimension=source").text
    assert "Platform: GameChat" in page and "Public hotline" in page
    assert 'class="band"' in page
    assert "(above range)" in page, "the GameChat rise stands out"
    assert "Platform: NewApp" in page
    public = client.get("/statistics").text
    assert "GameChat" in public and "ExampleChat" in public
    assert "Other platforms" in public
    row = re.search(r'<th scope="row">GameChat</th>(.*?)</tr>', public, re.S)
    assert row is not None
    assert "fewer than 10 removed" not in row.group(1), "13 removals give a median"
    assert re.search(r"<td>\d+\.\d</td>", row.group(1))
