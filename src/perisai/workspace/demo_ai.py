"""The workspace's demo report of AI-generated pictures, each with a different strength of
evidence (signed, claimed by metadata, marked by the platform), enriched and triaged at once so
that the report page and the dashboard show it. It composes intake, enrichment and triage, so it
lives with the pages (above them all). Named in the manifest; kept import-light (the CLI imports
perisai.demo at start-up)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from perisai.runtime import Runtime

DEMO_INFO = "Demo: pictures a platform reported as AI-generated"
# name, content type, the platform's annotations
DEMO_FILES: tuple[tuple[str, str, list[str]], ...] = (
    ("ai_created.jpg", "image/jpeg", []),
    ("a1111_parameters.png", "image/png", []),
    ("plain.jpg", "image/jpeg", ["generative_ai"]),
)


def seed_ai_demo(runtime: Runtime, session: Session) -> None:
    import hashlib

    from perisai.audit.service import SYSTEM
    from perisai.demo_data import DEMO_DATA
    from perisai.enrichment.pipeline import enrich_report
    from perisai.reports import service as reports
    from perisai.reports.evidence import BlobWriter
    from perisai.reports.models import Report
    from perisai.reports.schemas import ReportIn
    from perisai.triage.service import triage_report

    folder = DEMO_DATA / "provenance"
    contents = {name: (folder / name).read_bytes() for name, _, _ in DEMO_FILES}
    data = ReportIn.model_validate(
        {
            "incident": {"type": "child_pornography"},
            "files": [
                {
                    "name": name,
                    "size": len(contents[name]),
                    "sha256": hashlib.sha256(contents[name]).hexdigest(),
                    "content_type": kind,
                    "annotations": annotations,
                }
                for name, kind, annotations in DEMO_FILES
            ],
            "additional_info": f"{DEMO_INFO} (plain test pictures, no person).",
        }
    )
    done = reports.submit(
        session,
        keyring=runtime.keyring,
        actor=SYSTEM,
        data=data,
        body_sha256=reports.canonical_sha256(data.model_dump(mode="json")),
        client_id="demo",
        idempotency_key="demo-ai-provenance",
    )
    report = session.query(Report).filter_by(public_id=done.receipt.report_id).one()
    kinds = {name: kind for name, kind, _ in DEMO_FILES}
    for item in report.files:
        writer = BlobWriter(runtime.settings.evidence_dir, runtime.keyring)
        try:
            writer.write(contents[item.name])
            stored = writer.commit()
        finally:
            writer.abort()
        item.size, item.md5, item.sha1 = stored.size, stored.md5, stored.sha1
        item.sha256, item.blob_path = stored.sha256, stored.relative_path
        item.content_type_sniffed = kinds[item.name]
        item.uploaded_at = reports.now()
    session.flush()
    reports.finish(session, report=report, actor=SYSTEM)
    enrich_report(session, runtime, report.id)
    triage_report(session, report_id=report.id, actor=SYSTEM, keyring=runtime.keyring)
