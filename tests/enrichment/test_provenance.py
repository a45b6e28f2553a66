"""AI provenance end to end: a platform's JSON report with files (one marked `generative_ai`),
uploads, enrichment reading and storing each file's provenance, triage keeping the priority and
adding the face-swap reason, and the report page wording the strength in Malay and English."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.datasets import PROVENANCE
from tests.reports.factories import bearer, declaration, example_body, submitted_id
from tests.workspace.factories import log_in
from tests.workspace.test_malay import untranslated

from perisai.audit.service import SYSTEM
from perisai.config import Settings
from perisai.enrichment.pipeline import enrich_report
from perisai.enrichment.results import ReportFileProvenance
from perisai.reports.models import Report, ReportFile
from perisai.runtime import Runtime
from perisai.triage.policy import Priority
from perisai.triage.service import triage_report

AI_SIGNER = "Perisai test AI generator signer (Perisai test AI generator)"
FILES = {
    # name: (annotations the platform gives, ai, c2pa state with the test roots trusted)
    "ai_created.jpg": ([], "yes", "trusted"),
    "ai_tampered.jpg": ([], "claimed", "invalid"),
    "a1111_parameters.png": ([], "claimed", "absent"),
    "capture.jpg": ([], "no", "trusted"),
    "plain.jpg": (["generative_ai"], "unknown", "absent"),
}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "var",
        demo=False,
        provenance_trust_files=str(PROVENANCE / "test-root.pem"),
    )


def _submit_with_files(client: TestClient, db: Session, names: dict[str, list[str]]) -> Report:
    body = example_body()
    body["files"] = [
        declaration(name, (PROVENANCE / name).read_bytes(), annotations=annotations)
        for name, annotations in names.items()
    ]
    headers = bearer(db)
    public_id = submitted_id(client, headers, body)
    for name in names:
        kind = "image/png" if name.endswith(".png") else "image/jpeg"
        uploaded = client.put(
            f"/api/v1/reports/{public_id}/files/{name}",
            content=(PROVENANCE / name).read_bytes(),
            headers={**headers, "content-type": kind},
        )
        assert uploaded.status_code in (200, 201), uploaded.text
    return db.scalars(select(Report).where(Report.public_id == public_id)).one()


def _stored(db: Session, report: Report) -> dict[str, ReportFileProvenance]:
    rows = db.execute(
        select(ReportFile.name, ReportFileProvenance)
        .join(ReportFileProvenance, ReportFileProvenance.report_file_id == ReportFile.id)
        .where(ReportFile.report_id == report.id)
    ).all()
    return {name: row for name, row in rows}  # noqa: C416 - rows are Row objects


def test_enrichment_stores_the_provenance_of_every_uploaded_file(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    report = _submit_with_files(client, db, {name: ann for name, (ann, _, _) in FILES.items()})
    enrich_report(db, runtime, report.id)
    enrich_report(db, runtime, report.id)  # idempotent: one row per file
    stored = _stored(db, report)
    assert {name: (row.ai, row.c2pa_state) for name, row in stored.items()} == {
        name: (ai, state) for name, (_, ai, state) in FILES.items()
    }
    signed = stored["ai_created.jpg"]
    assert signed.ai_signer == signed.signer == AI_SIGNER
    assert signed.digital_source_types == [
        "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
    ]
    assert [m["role"] for m in signed.manifests] == ["active"]
    assert "assertion.dataHash.mismatch" in stored["ai_tampered.jpg"].errors
    assert stored["ai_tampered.jpg"].ai_signer is None  # an invalid manifest vouches for nothing
    hints = stored["a1111_parameters.png"].hints
    assert any(h["kind"] == "png.parameters" and h["claims_ai"] for h in hints)
    assert stored["capture.jpg"].ai_signer is None
    # The platform's annotation (JSON API) is kept on the file beside what the file declares.
    annotations = {f.name: list(f.annotations or []) for f in report.files}
    assert annotations["plain.jpg"] == ["generative_ai"]
    assert annotations["ai_created.jpg"] == []


def test_without_a_trust_list_a_good_signature_is_valid_not_trusted(
    client: TestClient, db: Session, runtime: Runtime, tmp_path: Path
) -> None:
    untrusted = Runtime(
        settings=Settings(data_dir=runtime.settings.data_dir, demo=False), db=runtime.db
    )
    report = _submit_with_files(client, db, {"ai_created.jpg": []})
    enrich_report(db, untrusted, report.id)
    row = _stored(db, report)["ai_created.jpg"]
    assert (row.ai, row.c2pa_state) == ("yes", "valid")
    assert "signingCredential.untrusted" in row.errors


def test_triage_keeps_ai_material_at_its_priority_with_the_face_swap_reason(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    report = _submit_with_files(
        client,
        db,
        {"ai_created.jpg": [], "a1111_parameters.png": [], "plain.jpg": ["generative_ai"]},
    )
    enrich_report(db, runtime, report.id)
    result = triage_report(db, report_id=report.id, actor=SYSTEM)
    reasons = {r.rule: r for r in result.reasons}
    text = reasons["media.ai"].text
    assert "ai_created.jpg signed by " + AI_SIGNER + ", declares trained algorithmic media" in text
    assert "1 file(s) claimed only by metadata" in text
    assert "1 file(s) marked generative AI by the platform" in text
    assert "victim identification must consider a face-swap of a real child" in text
    assert "media.generated" not in reasons
    assert reasons["media.ai"].priority is reasons["media.new"].priority is Priority.P2
    assert result.priority <= Priority.P2


@pytest.mark.parametrize(
    ("lang", "signed", "claimed", "platform", "face_swap", "none"),
    [
        (
            "en",
            f"Signed by {AI_SIGNER}: declares trained algorithmic media (AI-generated).",
            "AI claimed only by metadata (png.parameters): unsigned, anyone can write it.",
            "The platform marked this file as generative AI.",
            "Victim identification must consider a face-swap of a real child.",
            "No provenance: unknown whether it is AI-generated",
        ),
        (
            "ms",
            f"Ditandatangani oleh {AI_SIGNER}: mengisytiharkan media algoritma terlatih "
            "(dijana AI).",
            "AI didakwa oleh metadata sahaja (png.parameters)",
            "Platform menandakan fail ini sebagai AI generatif.",
            "Pengenalpastian mangsa mesti mengambil kira",
            "Tiada maklumat asal usul",
        ),
    ],
)
def test_report_page_shows_provenance_with_its_strength(
    client: TestClient,
    db: Session,
    runtime: Runtime,
    lang: str,
    signed: str,
    claimed: str,
    platform: str,
    face_swap: str,
    none: str,
) -> None:
    report = _submit_with_files(
        client,
        db,
        {
            "ai_created.jpg": [],
            "a1111_parameters.png": [],
            "plain.jpg": ["generative_ai"],
            "capture.jpg": [],
        },
    )
    enrich_report(db, runtime, report.id)
    triage_report(db, report_id=report.id, actor=SYSTEM)
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    page = client.get(f"/workspace/reports/{report.public_id}?lang={lang}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    for expected in (signed, claimed, platform, face_swap, none):
        assert expected in text, expected
    assert 'data-ai="yes"' in page.text and 'data-ai="claimed"' in page.text
    assert text.count(face_swap) == 3  # the AI-signed, the claimed and the annotated file
    capture = "Perisai test camera signer (Perisai test camera)"
    not_ai = {
        "en": f"Signed by {capture}: declares digitalCapture (not AI).",
        "ms": f"Ditandatangani oleh {capture}: mengisytiharkan digitalCapture (bukan AI).",
    }
    assert not_ai[lang] in text
    reason = {
        "en": "P2: AI-generated material (ai_created.jpg signed by ",
        "ms": "P2: bahan dijana AI (ai_created.jpg ditandatangani oleh ",
    }
    assert reason[lang] in text
    if lang == "ms":
        assert untranslated(page.text) == []


@pytest.mark.parametrize(
    ("lang", "share"),
    [
        ("en", "AI share (signed or claimed) of the files read: 60.0 %"),
        ("ms", "Bahagian AI (ditandatangani atau didakwa) daripada fail yang dibaca: 60.0 %"),
    ],
)
def test_dashboard_counts_the_ai_share(
    client: TestClient, db: Session, runtime: Runtime, lang: str, share: str
) -> None:
    report = _submit_with_files(client, db, {name: ann for name, (ann, _, _) in FILES.items()})
    enrich_report(db, runtime, report.id)
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    page = client.get(f"/workspace/dashboard?lang={lang}")
    assert page.status_code == 200
    assert share in html.unescape(page.text)
    counts = dict(re.findall(r'<td data-ai="(\w+)">(\d+)</td>', page.text))
    assert counts == {
        "read": "5",
        "yes": "1",
        "claimed": "2",
        "no": "1",
        "unknown": "1",
        "annotated": "1",
    }
    # The dashboard's window: a report received 40 days ago counts under "all", not "30".
    report.received_at = report.received_at - timedelta(days=40)
    db.flush()
    month = client.get(f"/workspace/dashboard?lang={lang}&window=30").text
    assert dict(re.findall(r'<td data-ai="(\w+)">(\d+)</td>', month))["read"] == "0"
    ever = client.get(f"/workspace/dashboard?lang={lang}&window=all").text
    assert dict(re.findall(r'<td data-ai="(\w+)">(\d+)</td>', ever))["annotated"] == "1"


def test_an_unusable_trust_list_still_reads_provenance(
    client: TestClient, db: Session, runtime: Runtime, tmp_path: Path
) -> None:
    garbage = tmp_path / "garbage.pem"
    garbage.write_bytes(b"\x00\xffnot a certificate")
    broken = Runtime(
        settings=Settings(
            data_dir=runtime.settings.data_dir, demo=False, provenance_trust_files=str(garbage)
        ),
        db=runtime.db,
    )
    report = _submit_with_files(client, db, {"ai_created.jpg": []})
    enrich_report(db, broken, report.id)
    row = _stored(db, report)["ai_created.jpg"]
    assert (row.ai, row.c2pa_state) == ("yes", "valid")


def test_a_failing_reader_costs_only_the_provenance(
    client: TestClient, db: Session, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash inside the C2PA SDK (simulated) leaves the file's PDQ and an honest row."""
    from perisai.enrichment import pipeline
    from perisai.enrichment.results import ReportFileSignal

    def broken(*_: object, **__: object) -> object:
        raise RuntimeError("native reader crashed")

    monkeypatch.setattr(pipeline, "read_provenance", broken)
    report = _submit_with_files(client, db, {"ai_created.jpg": []})
    enrich_report(db, runtime, report.id)
    row = _stored(db, report)["ai_created.jpg"]
    assert (row.ai, row.c2pa_state) == ("unknown", "unverifiable")
    assert row.error == "provenance reader failed: RuntimeError"
    signal = db.scalars(
        select(ReportFileSignal).where(ReportFileSignal.report_file_id == row.report_file_id)
    ).one()
    assert signal.pdq is not None


def test_a_cybertipline_import_shows_the_platforms_generative_ai_mark(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    """The XML path: NCMEC's `generativeAi` file annotation reaches triage and the page."""
    from tests.reports.test_cybertip import FILES as FILE_DETAILS
    from tests.reports.test_cybertip import FULL

    from perisai.reports.imports import import_cybertip

    imported = import_cybertip(
        db, keyring=runtime.keyring, actor=SYSTEM, raw=FULL, file_details=FILE_DETAILS
    )
    public_id = imported.submitted.receipt.report_id
    result = triage_report(db, report_id=public_id, actor=SYSTEM, keyring=runtime.keyring)
    ai = next(r for r in result.reasons if r.rule == "media.ai")
    assert "1 file(s) marked generative AI by the platform" in ai.text
    assert "face-swap of a real child" in ai.text
    assert all(r.rule != "media.generated" for r in result.reasons)
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    page = html.unescape(client.get(f"/workspace/reports/{public_id}?lang=ms").text)
    assert "Platform menandakan fail ini sebagai AI generatif." in page
    assert "bahan dijana AI (1 fail ditandakan AI generatif oleh platform)" in page
