"""How the report page words a file's AI provenance, with the strength of the evidence.

A verified C2PA manifest is worded "signed by …, declares trained algorithmic media"; anything
unsigned is "claimed only by metadata"; no provenance is "unknown", never "not AI". The
platform's `generative_ai` annotation is shown beside it. Values that come from the file (signer,
hint kinds) are passed as plain text: the template escapes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perisai.enrichment.results import ReportFileProvenance
from perisai.media.provenance.vocabulary import meaning, short_name
from perisai.reports.models import Report, ReportFile
from perisai.web.i18n import register

GENERATIVE_AI = "generative_ai"

register(
    {
        "ws.prov.title": {"ms": "Asal usul (AI)", "en": "AI provenance"},
        "ws.prov.signed_ai": {
            "ms": "Ditandatangani oleh {signer}: mengisytiharkan media algoritma terlatih "
            "(dijana AI).",
            "en": "Signed by {signer}: declares trained algorithmic media (AI-generated).",
        },
        "ws.prov.trusted": {
            "ms": "Penandatangan ada dalam senarai amanah.",
            "en": "The signer is on the trust list.",
        },
        "ws.prov.untrusted": {
            "ms": "Tandatangan sah, tetapi penandatangan tiada dalam senarai amanah.",
            "en": "The signature is valid, but the signer is not on the trust list.",
        },
        "ws.prov.claimed_metadata": {
            "ms": "AI didakwa oleh metadata sahaja ({kinds}): tidak ditandatangani, sesiapa pun "
            "boleh menulisnya.",
            "en": "AI claimed only by metadata ({kinds}): unsigned, anyone can write it.",
        },
        "ws.prov.claimed_manifest": {
            "ms": "AI didakwa oleh manifes C2PA yang gagal pengesahan (penandatangan yang "
            "didakwa: {signer}): didakwa sahaja.",
            "en": "AI claimed by a C2PA manifest that failed validation (claimed signer: "
            "{signer}): claimed only.",
        },
        "ws.prov.signed_not_ai": {
            "ms": "Ditandatangani oleh {signer}: mengisytiharkan {types} (bukan AI).",
            "en": "Signed by {signer}: declares {types} (not AI).",
        },
        "ws.prov.invalid": {
            "ms": "Ada manifes C2PA tetapi ia gagal pengesahan; tiada AI diisytiharkan.",
            "en": "A C2PA manifest is present but failed validation; it declares no AI.",
        },
        "ws.prov.unverifiable": {
            "ms": "Manifes C2PA mungkin wujud tetapi tidak dapat disemak di luar talian.",
            "en": "A C2PA manifest may exist but could not be checked offline.",
        },
        "ws.prov.none": {
            "ms": "Tiada maklumat asal usul: tidak diketahui sama ada dijana AI (tiada maklumat "
            "tidak bermaksud bukan AI).",
            "en": "No provenance: unknown whether it is AI-generated (no provenance does not "
            "mean not AI).",
        },
        "ws.prov.unreadable": {
            "ms": "Asal usul tidak dapat dibaca: {error}",
            "en": "Provenance could not be read: {error}",
        },
        "ws.prov.pending": {
            "ms": "Asal usul belum dibaca (pengayaan belum selesai).",
            "en": "Provenance not read yet (enrichment pending).",
        },
        "ws.prov.platform_ai": {
            "ms": "Platform menandakan fail ini sebagai AI generatif.",
            "en": "The platform marked this file as generative AI.",
        },
        "ws.ai.title": {
            "ms": "Bahan dijana AI (fail bukti)",
            "en": "AI-generated material (evidence files)",
        },
        "ws.ai.answer": {"ms": "Jawapan asal usul", "en": "Provenance answer"},
        "ws.ai.read": {
            "ms": "Fail yang asal usulnya dibaca",
            "en": "Files whose provenance was read",
        },
        "ws.ai.yes": {
            "ms": "AI, ditandatangani (manifes C2PA disahkan)",
            "en": "AI, signed (verified C2PA manifest)",
        },
        "ws.ai.claimed": {
            "ms": "AI didakwa oleh metadata sahaja",
            "en": "AI claimed by metadata only",
        },
        "ws.ai.no": {"ms": "Ditandatangani sebagai bukan AI", "en": "Signed as not AI"},
        "ws.ai.unknown": {
            "ms": "Tiada maklumat asal usul (tidak diketahui)",
            "en": "No provenance (unknown)",
        },
        "ws.ai.annotated": {
            "ms": "Ditandakan AI generatif oleh platform",
            "en": "Marked generative AI by the platform",
        },
        "ws.ai.share": {
            "ms": "Bahagian AI (ditandatangani atau didakwa) daripada fail yang dibaca: {pct}",
            "en": "AI share (signed or claimed) of the files read: {pct}",
        },
        "ws.prov.face_swap": {
            "ms": "Pengenalpastian mangsa mesti mengambil kira kemungkinan wajah kanak-kanak "
            "sebenar ditukar ganti (face-swap).",
            "en": "Victim identification must consider a face-swap of a real child.",
        },
    }
)


def _line(key: str, **values: Any) -> dict[str, Any]:
    return {"key": key, "args": values}


def _claimed(row: ReportFileProvenance) -> dict[str, Any]:
    unverified_ai = [
        m
        for m in row.manifests or []
        if not m.get("verified")
        and any(meaning(t) == "ai" for t in m.get("digital_source_types") or [])
    ]
    if unverified_ai:
        return _line("ws.prov.claimed_manifest", signer=unverified_ai[0].get("signer") or "?")
    kinds = sorted({h["kind"] for h in row.hints or [] if h.get("claims_ai")})
    return _line("ws.prov.claimed_metadata", kinds=", ".join(kinds) or "?")


_UNKNOWN_BY_STATE = {"invalid": "ws.prov.invalid", "unverifiable": "ws.prov.unverifiable"}


def _verdict(row: ReportFileProvenance) -> list[dict[str, Any]]:
    if row.error:
        return [_line("ws.prov.unreadable", error=row.error)]
    if row.ai == "yes":
        trusted = row.c2pa_state == "trusted"
        return [
            _line("ws.prov.signed_ai", signer=row.ai_signer or row.signer or "?"),
            _line("ws.prov.trusted" if trusted else "ws.prov.untrusted"),
        ]
    if row.ai == "claimed":
        return [_claimed(row)]
    if row.ai == "no":
        types = ", ".join(short_name(t) for t in row.digital_source_types or []) or "?"
        return [_line("ws.prov.signed_not_ai", signer=row.signer or "?", types=types)]
    return [_line(_UNKNOWN_BY_STATE.get(row.c2pa_state, "ws.prov.none"))]


def provenance_view(
    row: ReportFileProvenance | None, annotations: list[str], uploaded: bool
) -> dict[str, Any] | None:
    """What the page says about one file: the reader's answer worded by its strength, the
    platform's annotation, and the face-swap reminder when anything says AI."""
    annotated = GENERATIVE_AI in annotations
    if row is None and not uploaded and not annotated:
        return None
    lines: list[dict[str, Any]] = []
    if row is not None:
        lines += _verdict(row)
    elif uploaded:
        lines.append(_line("ws.prov.pending"))
    if annotated:
        lines.append(_line("ws.prov.platform_ai"))
    ai = row.ai if row is not None else "unknown"
    if ai in ("yes", "claimed") or annotated:
        lines.append(_line("ws.prov.face_swap"))
    return {
        "ai": ai,
        "c2pa_state": row.c2pa_state if row is not None else None,
        "source_types": [short_name(t) for t in (row.digital_source_types if row else [])],
        "hint_kinds": sorted({h["kind"] for h in (row.hints if row else []) or []}),
        "lines": lines,
    }


@dataclass(frozen=True)
class AiShare:
    """Evidence files by provenance answer, and those the platforms marked generative AI."""

    read: int
    yes: int
    claimed: int
    no: int
    unknown: int
    annotated: int

    @property
    def share(self) -> float | None:
        """Signed or claimed AI, as a fraction of the files whose provenance was read."""
        return (self.yes + self.claimed) / self.read if self.read else None


def ai_share(session: Session, since: datetime | None = None) -> AiShare:
    """Two counting queries over the files of reports received since ``since`` (all when None);
    `report_file_provenance.ai` is indexed."""
    by_answer = (
        select(ReportFileProvenance.ai, func.count())
        .join(ReportFile, ReportFile.id == ReportFileProvenance.report_file_id)
        .join(Report, Report.id == ReportFile.report_id)
        .group_by(ReportFileProvenance.ai)
    )
    annotated = (
        select(func.count())
        .select_from(ReportFile)
        .join(Report, Report.id == ReportFile.report_id)
        .where(ReportFile.annotations.contains([GENERATIVE_AI]))
    )
    if since is not None:
        by_answer = by_answer.where(Report.received_at >= since)
        annotated = annotated.where(Report.received_at >= since)
    counts: dict[str, int] = {str(ai): int(n) for ai, n in session.execute(by_answer).all()}
    return AiShare(
        read=sum(counts.values()),
        yes=counts.get("yes", 0),
        claimed=counts.get("claimed", 0),
        no=counts.get("no", 0),
        unknown=counts.get("unknown", 0),
        annotated=session.scalar(annotated) or 0,
    )
