"""Enrichment: queued with the report, then grooming scores and media signals are stored."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from tests.datasets import EXIF, PDQ
from tests.reports.factories import bearer, declaration, example_body, submitted_id

from perisai.enrichment.pipeline import enrich_report
from perisai.enrichment.results import ReportFileSignal, ReportGrooming
from perisai.reports.models import Report
from perisai.runtime import Runtime

GROOMING = [
    {"author": "abang_baik", "text": "hai adik, umur berapa?"},
    {"author": "adik", "text": "12"},
    {"author": "abang_baik", "text": "mak ayah ada kat rumah tak?"},
    {"author": "adik", "text": "x ada"},
    {"author": "abang_baik", "text": "jgn bgtau sesiapa ok, ni rahsia kita"},
    {"author": "abang_baik", "text": "hantar gambar selfie sikit"},
]


def _report(db: Session, public_id: str) -> Report:
    return db.scalars(select(Report).where(Report.public_id == public_id)).one()


def _queued(db: Session, report_id: int) -> int:
    return (
        db.scalar(
            select(func.count())
            .select_from(text("procrastinate_jobs"))
            .where(text("task_name = 'enrich.report' AND (args->>'report_id')::bigint = :id")),
            {"id": report_id},
        )
        or 0
    )


def test_intake_queues_enrichment_in_its_transaction(client: TestClient, db: Session) -> None:
    public_id = submitted_id(client, bearer(db), example_body())
    assert _queued(db, _report(db, public_id).id) == 1


def test_enrichment_scores_conversations(client: TestClient, db: Session, runtime: Runtime) -> None:
    body = example_body()
    body["conversations"] = [{"messages": GROOMING}]
    report = _report(db, submitted_id(client, bearer(db), body))
    enrich_report(db, runtime, report.id)
    enrich_report(db, runtime, report.id)  # idempotent: replaces, never duplicates
    (row,) = db.scalars(select(ReportGrooming).where(ReportGrooming.report_id == report.id))
    assert row.flag is True
    assert row.suspect == "abang_baik"
    assert {signal["kind"] for signal in row.signals} >= {"age_probe", "secrecy"}


def test_enrichment_hashes_uploaded_images(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    image = (PDQ / "bridge-mods" / "aaa-orig.jpg").read_bytes()
    body = example_body()
    body["files"] = [declaration("bridge.jpg", image)]
    headers = bearer(db)
    public_id = submitted_id(client, headers, body)
    uploaded = client.put(
        f"/api/v1/reports/{public_id}/files/bridge.jpg",
        content=image,
        headers={**headers, "content-type": "image/jpeg"},
    )
    assert uploaded.status_code in (200, 201), uploaded.text
    report = _report(db, public_id)
    enrich_report(db, runtime, report.id)
    signal = db.scalars(select(ReportFileSignal)).one()
    assert signal.kind == "image"
    assert signal.pdq is not None and len(signal.pdq) == 64
    assert signal.error is None
    assert signal.pdq_raw is None  # no EXIF rotation: one PDQ


def test_enrichment_stores_both_pdqs_of_an_exif_rotated_photo(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    exif = EXIF
    row = (exif / "reference-hashes.tsv").read_text(encoding="utf-8").splitlines()[5]
    name, orientation, _source, reference = row.split("\t")[:4]
    image = (exif / name).read_bytes()
    body = example_body()
    body["files"] = [declaration(name, image)]
    headers = bearer(db)
    public_id = submitted_id(client, headers, body)
    uploaded = client.put(
        f"/api/v1/reports/{public_id}/files/{name}",
        content=image,
        headers={**headers, "content-type": "image/jpeg"},
    )
    assert uploaded.status_code in (200, 201), uploaded.text
    enrich_report(db, runtime, _report(db, public_id).id)
    signal = db.scalars(select(ReportFileSignal)).one()
    assert signal.exif_orientation == int(orientation)
    assert signal.pdq_raw is not None and signal.pdq_raw != signal.pdq
    assert (int(signal.pdq_raw, 16) ^ int(reference, 16)).bit_count() <= 10
