"""Known material on every path: enrichment matches each file in the banks and stores the matches
once; triage and the report page read them.

The banked hash is the PDQ of ThreatExchange's `bridge-mods/aaa-orig.jpg`; the platform uploads
`shrink-a-lot.jpg`, a resized, re-encoded copy a few bits away, which only a perceptual match
finds (its MD5 and SHA-256 are in no bank).
"""

from __future__ import annotations

import hashlib
import html
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.banks.factories import make_bank, make_entry
from tests.datasets import EXIF
from tests.enrichment.factories import COPY, banked_hash, media_reasons, report_with_copy
from tests.workspace.factories import log_in

from perisai.audit.service import SYSTEM
from perisai.banks import service as banks
from perisai.enrichment.pipeline import enrich_report
from perisai.enrichment.results import ReportFileMatch
from perisai.media.hashing import pdq_of_image_as_stored
from perisai.reports.models import Report
from perisai.runtime import Runtime
from perisai.triage.policy import Priority
from perisai.workspace.report import load_report


def _page_files(db: Session, report: Report) -> list[dict[str, Any]]:
    loaded = load_report(db, report.public_id)
    assert loaded is not None
    files: list[dict[str, Any]] = loaded.view["files"]
    return files


def _page(client: TestClient, report: Report, lang: str) -> str:
    answer = client.get(f"/workspace/reports/{report.public_id}?lang={lang}")
    assert answer.status_code == 200, answer.text
    return html.unescape(answer.text)


def _stored(db: Session, report: Report) -> list[ReportFileMatch]:
    return list(db.scalars(select(ReportFileMatch).where(ReportFileMatch.report_id == report.id)))


def test_a_resized_copy_of_banked_material_is_known_with_its_bank_named(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    bank = make_bank(db)
    make_entry(db, bank, banked_hash(), label="series A")
    report = report_with_copy(client, db)
    enrich_report(db, runtime, report.id)
    enrich_report(db, runtime, report.id)  # re-enrichment replaces, never doubles
    [stored] = _stored(db, report)
    assert (stored.status, stored.signal_type, stored.bank_name) == ("positive", "pdq", bank.name)
    assert 0 < stored.distance <= bank.pdq_threshold  # a copy, not the same bytes
    reasons = media_reasons(db, report)
    assert "media.new" not in reasons
    assert reasons["media.known"] == (
        Priority.P3,
        f"P3: known material only (1 file(s) in bank {bank.name})",
    )
    [shown] = _page_files(db, report)[0]["media_matches"]
    assert (shown["status"], shown["bank"], shown["label"]) == ("positive", bank.name, "series A")
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    english = _page(client, report, "en")
    assert f"PDQ in bank {bank.name} (series A), {stored.distance} bits" in english
    malay = _page(client, report, "ms")
    assert f"PDQ dalam bank {bank.name} (series A), {stored.distance} bit berbeza" in malay


def test_a_job_process_of_its_own_matches_too(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    # A worker process starts with no index at all: it loads the banks from the feed itself.
    bank = make_bank(db)
    make_entry(db, bank, banked_hash())
    report = report_with_copy(client, db)
    worker = Runtime(settings=runtime.settings, db=runtime.db)
    enrich_report(db, worker, report.id)
    assert [m.status for m in _stored(db, report)] == ["positive"]


def test_a_disabled_bank_does_not_make_material_known(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    bank = make_bank(db)
    make_entry(db, bank, banked_hash())
    banks.update_bank(db, actor=SYSTEM, bank=bank, settings=banks.BankSettings(enabled=False))
    report = report_with_copy(client, db)
    enrich_report(db, runtime, report.id)
    assert _stored(db, report) == []
    assert media_reasons(db, report)["media.new"][0] == Priority.P2


def test_a_negative_bank_voids_the_positive_match_and_says_so(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    positive, benign = make_bank(db), make_bank(db, kind="negative")
    make_entry(db, positive, banked_hash())
    make_entry(db, benign, banked_hash(), label="public landmark photo")
    report = report_with_copy(client, db)
    enrich_report(db, runtime, report.id)
    statuses = {(m.status, m.bank_name) for m in _stored(db, report)}
    assert statuses == {("negative", benign.name), ("suppressed", positive.name)}
    reasons = media_reasons(db, report)
    assert "media.known" not in reasons
    assert "media.new" not in reasons  # known-benign is not new material either
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    page = _page(client, report, "en")
    assert f"PDQ in bank {benign.name} (public landmark photo)" in page
    assert "(known-benign bank)" in page and "(voided by a known-benign match)" in page


def test_declared_hashes_of_a_file_never_uploaded_are_matched_exactly(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    bank = make_bank(db)
    md5 = hashlib.md5(COPY.read_bytes()).hexdigest()  # noqa: S324 - a bank signal, not security
    make_entry(db, bank, md5, signal_type="md5")
    report = report_with_copy(client, db, upload=False)
    enrich_report(db, runtime, report.id)
    [stored] = _stored(db, report)
    assert (stored.status, stored.signal_type, stored.distance) == ("positive", "md5", 0)
    assert media_reasons(db, report)["media.known"][0] == Priority.P3


def test_unbanked_material_stays_new(client: TestClient, db: Session, runtime: Runtime) -> None:
    bank = make_bank(db)
    make_entry(db, bank, f"{int(banked_hash(), 16) ^ ((1 << 128) - 1):064x}")  # 128 bits away
    report = report_with_copy(client, db)
    enrich_report(db, runtime, report.id)
    assert _stored(db, report) == []
    assert media_reasons(db, report)["media.new"][0] == Priority.P2


def test_a_turned_photo_banked_as_stored_matches_and_the_page_shows_both_hashes(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    # Other tools bank the PDQ of the pixels as stored (EXIF orientation ignored).
    turned = EXIF / "aaa-orig-orientation-6.jpg"
    raw = pdq_of_image_as_stored(turned.read_bytes()).hex
    bank = make_bank(db)
    make_entry(db, bank, raw)
    report = report_with_copy(client, db, source=turned)
    enrich_report(db, runtime, report.id)
    [stored] = _stored(db, report)
    assert (stored.status, stored.variant, stored.distance) == ("positive", "raw", 0)
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    page = _page(client, report, "en")
    assert raw in page  # the PDQ as stored is shown beside the PDQ as seen
    assert f"PDQ in bank {bank.name}" in page and "(as stored, EXIF orientation ignored)" in page


def test_an_edited_copy_of_a_banked_video_is_known_by_its_tmk_signature(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    from tests.datasets import VIDEO

    from perisai.media.video import tmk_of_video

    bank = make_bank(db)
    make_entry(
        db,
        bank,
        tmk_of_video(VIDEO / "chair-orig-22-sd-bar.mp4").to_signal(),
        signal_type="tmk",
        label="chair series",
    )
    # The hard edit: per-frame PDQ (vPDQ) misses it, the whole-video signature does not.
    report = report_with_copy(client, db, source=VIDEO / "chair-19-sd-bar.mp4")
    enrich_report(db, runtime, report.id)
    stored = _stored(db, report)
    assert [(m.status, m.signal_type, m.entry_label) for m in stored] == [
        ("positive", "tmk", "chair series")
    ]
    assert 0 <= stored[0].distance <= 30
    assert "media.known" in media_reasons(db, report)
