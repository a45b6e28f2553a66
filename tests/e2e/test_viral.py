"""Issue 16 item 3 in a real browser: a supervisor watching /workspace/viral sees a viral alert
appear (no reload) when copies of one picture arrive from three platforms, opens the cluster
(first seen, platforms, counts over time, proposals waiting for confirmation), and axe finds
no violation on either page."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
from tests.datasets import PDQ
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import LiveServer

from perisai.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

# The benign bridge photo and two resized copies of it (ThreatExchange's test set).
PICTURES = [
    PDQ / "bridge-mods" / "aaa-orig.jpg",
    PDQ / "bridge-mods" / "shrink-a-little.jpg",
    PDQ / "bridge-mods" / "square-512x512.jpg",
]
PLATFORMS = ["ExampleChat", "PhotoShare", "ClipTok"]


def _api_key(server: LiveServer) -> str:
    env = {
        **os.environ,
        "PERISAI_DATABASE_URL": server.database_url,
        "PERISAI_DATA_DIR": str(server.data_dir),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "perisai.cli",
            "identity",
            "apikey",
            "create",
            "--name",
            "e2e viral platform",
            "--scopes",
            "reports:submit",
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    key: str = json.loads(done.stdout.strip().splitlines()[-1])["key"]
    return key


def _call(url: str, key: str, *, body: bytes, method: str, content_type: str) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - loopback test server
        url,
        data=body,
        method=method,
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": content_type,
            "Idempotency-Key": str(uuid.uuid4()),
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        answer: dict[str, Any] = json.loads(response.read() or b"{}")
        return answer


def _report_picture(server: LiveServer, key: str, picture: Path, platform: str, n: int) -> str:
    """A platform's report of the picture: declared, uploaded, finished."""
    content = picture.read_bytes()
    body = {
        "incident": {"type": "child_pornography", "platform": platform},
        "reported_accounts": [{"platform": platform, "screen_name": f"poster_e2e_{n}"}],
        "files": [
            {
                "name": "photo.jpg",
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
            }
        ],
    }
    base = f"{server.url}/api/v1/reports"
    made = _call(
        base, key, body=json.dumps(body).encode(), method="POST", content_type="application/json"
    )
    report_id = str(made["report_id"])
    _call(
        f"{base}/{report_id}/files/photo.jpg",
        key,
        body=content,
        method="PUT",
        content_type="image/jpeg",
    )
    _call(
        f"{base}/{report_id}/finish",
        key,
        body=b"{}",
        method="POST",
        content_type="application/json",
    )
    return report_id


def test_a_supervisor_sees_a_viral_alert_appear(live_server: LiveServer, browser: Any) -> None:
    key = _api_key(live_server)
    page = browser.new_context(locale="en-GB").new_page()
    page.goto(f"{live_server.url}/login?lang=en")
    page.fill("#email", "supervisor@demo.perisai.my")
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/app")
    page.goto(f"{live_server.url}/workspace/viral?lang=en")
    assert page.locator("#viral-rows tr[data-cluster]").count() == 0
    assert axe_violations(page) == []
    page.evaluate("window.__notReloaded = true")

    for n, (picture, platform) in enumerate(zip(PICTURES, PLATFORMS, strict=True)):
        _report_picture(live_server, key, picture, platform, n)

    status = page.locator("#viral-status")
    status.wait_for(state="visible", timeout=120_000)  # enrichment, clustering, SSE
    assert "New viral-spread alert" in status.inner_text()
    row = page.locator("#viral-rows tr[data-cluster]")
    row.first.wait_for(timeout=30_000)
    assert page.evaluate("window.__notReloaded === true")  # it arrived without a reload
    cluster = row.first.get_attribute("data-cluster")
    assert cluster and cluster in status.inner_text()
    for platform in PLATFORMS:
        assert platform in row.first.inner_text()

    row.first.locator("a").click()
    page.wait_for_url(f"**/workspace/viral/{cluster}*")
    assert "First seen" in page.locator("#summary").inner_text()
    assert page.locator("#platforms tbody tr").count() == 3
    assert page.locator("svg[aria-labelledby=counts-caption] rect").count() >= 1
    assert page.locator("#proposals li").count() == 4  # the bank, and a notice per platform
    assert page.locator("#proposals button", has_text="Confirm").count() == 4
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/workspace/viral/{cluster}?lang=ms")
    assert "Cadangan tindakan" in page.content()
    page.context.close()
