"""The report enrichment job: grooming scores, media signals and AI provenance of uploaded files,
matches of every file in the banks, IP intelligence, then triage.

Intake defers `enrich.report` in the same transaction that stores the report (and again when the
report is finished, for its uploaded files). The job owns its own transaction, is idempotent (it
replaces the report's previous results) and is retried with backoff by the worker when it fails;
failed jobs stay visible to operators in `procrastinate_jobs`.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from perisai.banks.matching import COMPUTE_TMK
from perisai.enrichment import hooks
from perisai.enrichment.grooming import score_conversations
from perisai.enrichment.ipintel import enrich_ip_events
from perisai.enrichment.matches import match_report_files
from perisai.enrichment.names import ENRICH_QUEUE, ENRICH_TASK
from perisai.enrichment.results import ReportFileProvenance, ReportFileSignal
from perisai.jobs.batch import run_batch
from perisai.jobs.worker import current_runtime, job
from perisai.media import MediaError, hash_file
from perisai.media.provenance import TrustList, TrustListError, load_trust_list, read_provenance
from perisai.reports.evidence import read_blob
from perisai.reports.models import Report, ReportFile
from perisai.runtime import Runtime

log = logging.getLogger(__name__)


def _plaintext_copy(runtime: Runtime, item: ReportFile, folder: Path) -> Path:
    """Decrypt an evidence blob into a private scratch file (removed by the caller's folder)."""
    assert item.blob_path is not None
    target = folder / "evidence"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        for chunk in read_blob(runtime.settings.evidence_dir / item.blob_path, runtime.keyring):
            handle.write(chunk)
    return target


def _signal(item: ReportFile, path: Path) -> ReportFileSignal:
    row = ReportFileSignal(report_file_id=item.id, kind="other", hashed_at=datetime.now(UTC))
    try:
        # TMK where the media registry computes it (videos): it is bankable and matched. The
        # crop set of an image (viral clustering's crop-tolerant signal) comes from the same decode.
        hashed = hash_file(path, tmk=COMPUTE_TMK, crops=True)
    except MediaError as exc:
        row.error = str(exc)
        return row
    row.kind = hashed.kind
    row.pdq = hashed.pdq
    row.pdq_quality = hashed.pdq_quality
    row.exif_orientation = hashed.exif_orientation
    row.pdq_raw = hashed.pdq_raw
    row.pdq_raw_quality = hashed.pdq_raw_quality
    row.error = hashed.error
    if hashed.vpdq:
        row.vpdq = [{"t": f.t, "pdq": f.pdq, "quality": f.quality} for f in hashed.vpdq]
    row.tmk = hashed.tmk
    row.pdq_crops = hashed.pdq_crops
    return row


_trust_cache: dict[str, TrustList | None] = {}


def provenance_trust(runtime: Runtime) -> TrustList | None:
    """The C2PA trust anchors of `PERISAI_PROVENANCE_TRUST_FILES` (read once per value).

    A list that cannot be read is logged and left out: provenance is then read without trust
    anchors (a good signature stays `valid`, never `trusted`), rather than not at all.
    """
    configured = runtime.settings.provenance_trust_files
    if configured not in _trust_cache:
        paths = [Path(part) for part in configured.split(":") if part.strip()]
        try:
            _trust_cache[configured] = load_trust_list(paths)
        except TrustListError as exc:
            log.error("provenance trust list unusable", extra={"fields": {"reason": str(exc)}})
            _trust_cache[configured] = None
    return _trust_cache[configured]


def _clip(text: str | None, size: int = 512) -> str | None:
    return text[:size] if text else text


def _provenance(item: ReportFile, path: Path, trust: TrustList | None) -> ReportFileProvenance:
    try:
        found = read_provenance(path, trust=trust)
    except Exception as exc:  # a reader bug must not cost the file's other signals
        log.exception("provenance reader failed", extra={"fields": {"file_id": item.id}})
        reason = f"provenance reader failed: {type(exc).__name__}"
        return ReportFileProvenance(
            report_file_id=item.id,
            ai="unknown",
            c2pa_state="unverifiable",
            digital_source_types=[],
            errors=[reason],
            manifests=[],
            hints=[],
            error=reason,
            read_at=datetime.now(UTC),
        )
    ai_manifest = found.ai_manifest
    return ReportFileProvenance(
        report_file_id=item.id,
        ai=found.ai,
        c2pa_state=found.c2pa.state,
        signer=_clip(found.c2pa.signer),
        ai_signer=_clip(ai_manifest.signer) if ai_manifest else None,
        digital_source_types=list(found.c2pa.digital_source_types),
        errors=list(found.c2pa.errors),
        manifests=[manifest.to_record() for manifest in found.c2pa.manifests],
        hints=[hint.to_record() for hint in found.hints],
        error=found.error,
        read_at=datetime.now(UTC),
    )


def analyse_files(
    session: Session, runtime: Runtime, report: Report
) -> list[tuple[ReportFileSignal, ReportFileProvenance]]:
    """For every uploaded file: PDQ / video PDQ (stored beside the file's cryptographic hashes)
    and AI provenance (C2PA, XMP, generator metadata), from one decrypted copy."""
    rows = []
    trust = provenance_trust(runtime)
    for item in report.files:
        if item.blob_path is None:
            continue
        session.execute(delete(ReportFileSignal).where(ReportFileSignal.report_file_id == item.id))
        session.execute(
            delete(ReportFileProvenance).where(ReportFileProvenance.report_file_id == item.id)
        )
        # Plaintext exists only for the length of the analysis, in a private folder.
        scratch_root = runtime.settings.data_dir / "tmp"
        scratch_root.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.TemporaryDirectory(dir=scratch_root) as folder:
            plaintext = _plaintext_copy(runtime, item, Path(folder))
            signal = _signal(item, plaintext)
            provenance = _provenance(item, plaintext, trust)
        session.add_all([signal, provenance])
        rows.append((signal, provenance))
    return rows


def enrich_report(session: Session, runtime: Runtime, report_id: int) -> None:
    """Run every enrichment step for one report inside the caller's transaction."""
    enrich_reports(session, runtime, [report_id])


def _enrich_one(session: Session, runtime: Runtime, report: Report) -> None:
    score_conversations(session, report)
    analyse_files(session, runtime, report)
    session.flush()  # the signals just computed are what the files are matched by
    if report.files:
        match_report_files(session, runtime, report)
    # else: nothing to match, and no match to replace (a match is of one of the report's files)
    enrich_ip_events(session, runtime, report)
    session.flush()


def enrich_reports(session: Session, runtime: Runtime, report_ids: Sequence[int]) -> None:
    """As :func:`enrich_report` for each report in turn, then one hook call for them all."""
    # The reports locked and read (with their files) for the lot, in id order, as each job
    # locked its own (two enrichments of one report never run at once). FOR NO KEY UPDATE: it
    # excludes another enrichment all the same, but not a triage inserting links to the report
    # (the foreign key's KEY SHARE lock), which FOR UPDATE made wait and could deadlock with.
    loaded = {
        report.id: report
        for report in session.scalars(
            select(Report)
            .where(Report.id.in_(report_ids))
            .order_by(Report.id)
            .options(selectinload(Report.files))
            .with_for_update(of=Report, key_share=True)
        )
    }
    enriched: list[Report] = []
    for report_id in report_ids:
        report = loaded.get(report_id)
        if report is None or report.status == "retracted" or report in enriched:
            continue
        _enrich_one(session, runtime, report)
        enriched.append(report)
    if not enriched:
        return
    # Triage runs on the finished enrichment, in a job of its own (triage's hook); so does
    # clustering of the report's media (viral's hook: it may raise the report to P1).
    hooks.reports_enriched(session, [report.id for report in enriched])
    with_files = [report.id for report in enriched if report.files]
    if with_files:
        hooks.signals_stored(session, with_files)


# Reports an enrichment job takes from the waiting ones (its own included; `jobs/batch.py`).
BATCH = 20
# While enrichment jobs keep arriving (intake's trickle), a job gathers them this long into its
# batch (`jobs/batch.py`); a report's enrichment starts at most this late.
GATHER_SECONDS = 0.3


# Waits while intake is busy (`jobs/gate.py`): a report's enrichment can wait, its receipt not.
@job(ENRICH_TASK, queue=ENRICH_QUEUE, yields_to_intake=True)
def enrich_report_job(report_id: int) -> None:
    runtime = current_runtime()

    def work(session: Session, jobs: list[dict[str, Any]]) -> None:
        enrich_reports(session, runtime, [int(args["report_id"]) for args in jobs])

    run_batch(
        runtime,
        task=ENRICH_TASK,
        queue=ENRICH_QUEUE,
        args={"report_id": report_id},
        limit=BATCH,
        work=work,
        gather=GATHER_SECONDS,
    )
