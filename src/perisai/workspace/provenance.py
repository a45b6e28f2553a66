"""How the report page words a file's AI provenance, with the strength of the evidence.

A verified C2PA manifest is worded "signed by …, declares trained algorithmic media"; anything
unsigned is "claimed only by metadata"; no provenance is "unknown", never "not AI". The
platform's `generative_ai` annotation is shown beside it. Values that come from the file (signer,
hint kinds) are passed as plain text: the template escapes them.
"""

from __future__ import annotations

from typing import Any

from perisai.enrichment.results import ReportFileProvenance
from perisai.media.provenance.vocabulary import meaning, short_name
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
