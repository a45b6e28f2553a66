"""Issue 17 in a real browser (Debian's chromium): the in-browser PDQ against our Python PDQ and
ThreatExchange's reference hashes, the image never leaving the device while a child completes the
flow, a platform's match counted on the status page, and zero axe-core violations.

Distance bounds, and why:
- JS against Python's reference-exact PDQ (``fast=False``), pictures decoded in full (long side
  under 960 pixels): at most 2 bits. Both decode with libjpeg-turbo (Pillow and Chromium) with
  the same defaults, use the same luminance weights and the same filter weights; the JS sums in
  float64 where numpy sums in float32, which can only move a coefficient lying within rounding
  of the median across it (one pair of bits). Measured: 0 on every such image.
- Larger pictures are decoded at 1/2, 1/4 or 1/8 scale with the full-resolution filter folded
  onto the reduced grid, as the server's fast mode does: against ``fast=False`` at most 16 bits,
  the bound our Python suite holds its own fast mode to (docs/performance.md); measured 0-4.
- JS against ThreatExchange's reference-hashes.tsv on images of quality >= 80: at most 10 bits,
  the bound our Python suite holds itself to (tests/media/test_media_hashing.py): the C++ tool
  decodes through its own image library, which reads c.png 6 bits away from Pillow and Chromium
  alike; every JPEG there is measured at 0.
- JS against what the server computes (Python ``fast=True``: large JPEGs decoded at reduced scale
  in the DCT domain) on images of quality >= 80: median <= 2 and max <= 12 bits (the issue's
  target), and every image within the default bank threshold (31) of its own Python hash.
- Video frames (JS seeks a <video>, Python decodes with FFmpeg, so the sampled frame can differ
  by one and RGB luma differs from the Y plane by an affine map that PDQ's bits ignore): the
  Python vPDQ index matches the JS frames at its defaults (frame distance 31, 80 % of frames).
"""

from __future__ import annotations

import base64
import json
import os
import statistics
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import pytest
from PIL import Image
from sqlalchemy import create_engine, text
from tests.datasets import EXIF, PDQ, VIDEO
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import LiveServer

from perisai.media.hashing import FAST_MIN_SIDE, hash_file, pdq_of_image
from perisai.media.index import VideoIndex
from perisai.media.pdq import PDQ_MATCH_THRESHOLD, FrameHash, hamming_hex
from perisai.testing.photos import synthetic_photo

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

IMAGES = sorted(
    p
    for p in [*PDQ.rglob("*"), *EXIF.glob("*")]
    if p.suffix.lower() in {".jpg", ".jpeg", ".png", ".webp"}
)
PHOTO = PDQ / "bridge-mods" / "aaa-orig.jpg"
ROTATED = EXIF / "q0291-orientation-6.jpg"
HASH_IN_PAGE = """async () => {
  const input = document.getElementById('probe');
  try { return await window.PerisaiHash.hashFile(input.files[0]); }
  catch (err) { return {error: String(err.code) + ': ' + err.message}; }
}"""
ADD_PROBE = """() => {
  const input = document.createElement('input');
  input.type = 'file'; input.id = 'probe'; input.hidden = true;
  document.body.appendChild(input);
}"""
STORAGE = """async () => ({
  local: localStorage.length, session: sessionStorage.length, cookie: document.cookie,
  idb: (await indexedDB.databases()).length, caches: (await caches.keys()).length,
})"""


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/stop-the-spread")
    page.evaluate(ADD_PROBE)
    yield page
    context.close()


def _hash_in_browser(page: Any, path: Path) -> dict[str, Any]:
    page.set_input_files("#probe", str(path))
    result: dict[str, Any] = page.evaluate(HASH_IN_PAGE)
    assert "error" not in result, f"{path.name}: {result}"
    return result


def _reference_hashes() -> dict[str, str]:
    rows = (PDQ / "reference-hashes.tsv").read_text().splitlines()[1:]
    found: dict[str, str] = {}
    for row in rows:
        if row:
            path, pdq = row.split("\t")[:2]
            found[path] = pdq
    return found


def test_js_pdq_follows_python_and_threatexchange(page: Any) -> None:
    reference = _reference_hashes()
    to_server: list[int] = []
    checked = reduced = 0
    for path in IMAGES:
        js = _hash_in_browser(page, path)
        ours = hash_file(path)
        exact = pdq_of_image(path, fast=False)
        assert (js["md5"], js["sha256"]) == (ours.md5, ours.sha256), path.name
        assert js["kind"] == "image"
        with Image.open(path) as image:
            long_side = max(image.size)
        if long_side < 2 * FAST_MIN_SIDE:  # decoded in full
            assert hamming_hex(js["pdq"], exact.hex) <= 2, path.name
            assert abs(js["pdq_quality"] - exact.quality) <= 1, path.name
        else:  # decoded at reduced scale, as the server's fast mode
            reduced += 1
            assert hamming_hex(js["pdq"], exact.hex) <= 16, path.name
        assert ours.pdq is not None and ours.pdq_quality is not None
        if ours.pdq_quality >= 80:
            distance = hamming_hex(js["pdq"], ours.pdq)
            to_server.append(distance)
            assert distance <= PDQ_MATCH_THRESHOLD, path.name  # matches its own bank entry
        relative = path.relative_to(PDQ).as_posix() if path.is_relative_to(PDQ) else None
        if relative in reference and exact.quality >= 80:
            expected = reference[relative]
            assert hamming_hex(js["pdq"], expected) <= 10, relative
            checked += 1
    assert len(to_server) >= 30
    assert checked >= 7
    assert reduced >= 5
    assert statistics.median(to_server) <= 2
    assert max(to_server) <= 12


def test_exif_orientation_is_honoured_as_in_python(page: Any) -> None:
    rows = (EXIF / "reference-hashes.tsv").read_text().splitlines()[1:]
    assert rows
    for row in rows:
        name, orientation = row.split("\t")[:2]
        js = _hash_in_browser(page, EXIF / name)
        assert js["exif_orientation"] == int(orientation), name
        upright = pdq_of_image(EXIF / name, fast=False)  # orientation applied
        assert hamming_hex(js["pdq"], upright.hex) <= 2, name
    # Turned by its tag, the picture is not its stored pixels: a real check, not a no-op.
    js = _hash_in_browser(page, ROTATED)
    raw = hash_file(ROTATED).pdq_raw
    assert raw is not None and hamming_hex(js["pdq"], raw) > 64


def test_a_large_turned_photo_is_reduced_and_turned_as_the_server_does(
    page: Any, tmp_path: Path
) -> None:
    upright = tmp_path / "upright.jpg"
    synthetic_photo(upright, 2400, 1600)
    turned = tmp_path / "turned-6.jpg"
    with Image.open(upright) as image:
        exif = image.getexif()
        exif[0x0112] = 6  # stored turned a quarter left, the tag turns it upright
        image.transpose(Image.Transpose.ROTATE_90).save(turned, quality=90, exif=exif.tobytes())
    js = _hash_in_browser(page, turned)
    ours = hash_file(turned)
    assert ours.pdq is not None and ours.pdq_raw is not None
    assert (js["exif_orientation"], js["width"], js["height"]) == (6, 2400, 1600)
    assert hamming_hex(js["pdq"], ours.pdq) <= 12
    assert hamming_hex(js["pdq"], hash_file(upright).pdq or "") <= 12
    assert hamming_hex(js["pdq"], ours.pdq_raw) > 64


def test_a_video_is_hashed_at_one_frame_per_second(page: Any) -> None:
    path = VIDEO / "chair-orig-22-sd-bar.mp4"
    js = _hash_in_browser(page, path)
    ours = hash_file(path)
    assert (js["md5"], js["sha256"], js["kind"]) == (ours.md5, ours.sha256, "video")
    assert ours.vpdq is not None
    assert [f["t"] for f in js["frames"]][:3] == [0, 1, 2]
    assert abs(len(js["frames"]) - len(ours.vpdq)) <= 1
    assert (js["pdq"], js["pdq_quality"]) == (js["frames"][0]["pdq"], js["frames"][0]["quality"])
    index = VideoIndex()
    index.add(1, ours.vpdq, "python")
    query = [FrameHash(float(f["t"]), f["pdq"], int(f["quality"])) for f in js["frames"]]
    assert [m.entry_id for m in index.query(query)] == [1]


def test_bad_files_are_refused_with_a_code(page: Any, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    text_file = tmp_path / "notes.jpg"
    text_file.write_bytes(b"not a picture at all\n" * 10)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(PHOTO.read_bytes()[:300])
    for path, code in ((empty, "empty"), (text_file, "unsupported"), (broken, "corrupt")):
        page.set_input_files("#probe", str(path))
        result = page.evaluate(HASH_IN_PAGE)
        assert result.get("error", "").startswith(code + ":"), (path.name, result)


# --- the whole flow: privacy, matching by a platform, status, axe ------------------------------


def _cli(server: LiveServer, *args: str) -> str:
    env = {
        **os.environ,
        "PERISAI_DATABASE_URL": server.database_url,
        "PERISAI_DATA_DIR": str(server.data_dir),
    }
    done = subprocess.run(
        [sys.executable, "-m", "perisai.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout


def _match(server: LiveServer, key: str, signal_type: str, signal: str) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - loopback test server
        f"{server.url}/api/v1/media/match",
        data=json.dumps({"signal_type": signal_type, "signal": signal}).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        body: dict[str, Any] = json.loads(response.read())
    return body


class Capture:
    """Every request of the browser context (pages and workers): URL and body."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, bytes]] = []

    def note(self, request: Any) -> None:
        self.requests.append((request.url, request.post_data_buffer or b""))


def _pieces(data: bytes) -> set[bytes]:
    """Overlapping 24-byte pieces of the file, and of its base64 and hex at every alignment:
    a request carrying any 48 contiguous bytes of the file, in any of those forms, has one."""
    found: set[bytes] = set()
    forms = [data, data.hex().encode()]
    forms += [base64.b64encode(data[shift:]) for shift in range(3)]
    forms += [base64.urlsafe_b64encode(data[shift:]) for shift in range(3)]
    for form in forms:
        found.update(form[i : i + 24] for i in range(0, max(1, len(form) - 24), 12))
    return found


def _carries(payload: bytes, pieces: set[bytes]) -> bool:
    return any(payload[i : i + 24] in pieces for i in range(max(1, len(payload) - 23)))


def test_a_child_completes_the_flow_and_the_picture_never_leaves_the_device(
    live_server: LiveServer, browser: Any
) -> None:
    context = browser.new_context(locale="ms-MY", viewport={"width": 360, "height": 740})
    capture = Capture()
    context.on("request", capture.note)
    page = context.new_page()
    violations: dict[str, list[str]] = {}

    def check(name: str) -> None:
        found = axe_violations(page)
        if found:
            violations[name] = found

    page.goto(f"{live_server.url}/hentikan-sebaran")
    check("/hentikan-sebaran")
    page.click("button[type=submit]")  # nothing chosen yet: the page says so, sends nothing
    assert "Pilih gambar atau video dahulu." in page.inner_text("#progress")
    page.set_input_files("#files", [str(PHOTO), str(ROTATED)])
    page.locator("#progress", has_text="Siap").wait_for(timeout=120_000)
    assert page.locator("#fingerprints li").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check("/hentikan-sebaran fingerprints")
    page.click("button[type=submit]")  # the under-18 box is not ticked: a page naming it
    page.wait_for_selector("#under_18-error")
    check("/hentikan-sebaran field error")
    page.set_input_files("#files", [str(PHOTO), str(ROTATED)])
    page.locator("#progress", has_text="Siap").wait_for(timeout=120_000)
    page.check("#under_18")
    page.click("button[type=submit]")
    page.wait_for_selector("#case-code")
    check("receipt")
    code, secret = page.inner_text("#case-code"), page.inner_text("#case-secret")
    storage = page.evaluate(STORAGE)
    assert storage == {"local": 0, "session": 0, "cookie": "", "idb": 0, "caches": 0}

    # A platform uploads the same photo: the server's own Python hash matches the JS one.
    key = json.loads(
        _cli(
            live_server,
            "identity",
            "apikey",
            "create",
            "--name",
            "e2e platform",
            "--scopes",
            "media:match",
            "--json",
        )
        .strip()
        .splitlines()[-1]
    )["key"]
    ours = hash_file(PHOTO)
    assert ours.pdq is not None
    hit = _match(live_server, key, "pdq", ours.pdq)
    assert hit["matched"] is True
    assert {m["entry"]["source"] for m in hit["matches"]} == {"self-report"}

    page.goto(f"{live_server.url}/hentikan-sebaran/status")
    check("/hentikan-sebaran/status")
    page.fill("#code", code)
    page.fill("#secret", "salah")
    page.click("button[type=submit]")
    page.wait_for_selector("#status-error")
    check("status error")
    page.fill("#code", code)
    page.fill("#secret", secret)
    page.click("button[type=submit]")
    page.wait_for_selector("#seen")
    assert page.inner_text("#seen") == "Dilihat dan disekat 1 kali"
    check("status")
    page.check("#confirm")
    page.click("form[action$='/withdraw'] button[type=submit]")
    page.wait_for_selector("text=Ditarik balik. Cap jari telah dikeluarkan.")
    check("withdrawn")
    assert _match(live_server, key, "pdq", ours.pdq)["matched"] is False
    context.close()

    assert violations == {}
    # Nothing the browser sent carries any part of either file, in its URL or its body.
    assert any(url.endswith("/hentikan-sebaran") and body for url, body in capture.requests)
    # The capture sees the worker's own requests too (md5.js is loaded by the worker).
    assert any(url.endswith("/static/spread/md5.js") for url, _ in capture.requests)
    for path in (PHOTO, ROTATED):
        pieces = _pieces(path.read_bytes())
        for url, body in capture.requests:
            for payload in (url.encode(), body, unquote_to_bytes(body)):
                assert not _carries(payload, pieces), f"{path.name} in a request to {url}"
    # What the server kept of the submission is hashes only.
    engine = create_engine(live_server.database_url)
    with engine.connect() as connection:
        kept = connection.execute(
            text(
                "SELECT h.signal_type, h.signal_key FROM self_report_hash h"
                " JOIN self_report r ON r.id = h.report_id WHERE r.code = :code"
            ),
            {"code": code},
        ).all()
    engine.dispose()
    photo = hash_file(PHOTO)
    assert {("md5", photo.md5), ("sha256", photo.sha256)} <= {tuple(row) for row in kept}
    assert {row[0] for row in kept} == {"md5", "sha256", "pdq"}
    pieces = _pieces(PHOTO.read_bytes())
    for stored in live_server.data_dir.rglob("*"):
        if stored.is_file() and stored.stat().st_size < 50_000_000:
            assert not _carries(stored.read_bytes(), pieces), stored


def test_the_pages_work_in_english_too(live_server: LiveServer, browser: Any) -> None:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/stop-the-spread")
    assert page.locator("#tool").is_visible()
    assert "Talian Kasih 15999" in page.inner_text("main")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/stop-the-spread/status")
    assert axe_violations(page) == []
    context.close()


def test_without_javascript_the_page_says_so_and_the_status_check_works(
    live_server: LiveServer, browser: Any
) -> None:
    context = browser.new_context(locale="ms-MY", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/hentikan-sebaran")
    assert "perlukan JavaScript" in page.inner_text("main")
    assert not page.locator("#tool").is_visible()
    page.goto(f"{live_server.url}/hentikan-sebaran/status")
    page.fill("#code", "HS-DEMXCASE")  # the demo's report (spread/demo.py)
    page.fill("#secret", "demo-secret-2026")
    page.click("button[type=submit]")
    page.wait_for_selector("#seen")
    assert page.inner_text("#seen") == "Dilihat dan disekat 2 kali"
    context.close()
