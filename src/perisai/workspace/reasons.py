"""Priority reasons in the reader's language.

Triage stores each reason as `{priority, rule, text, params}`: `text` is the English wording (API,
audit), `params` the figures and codes the rule used. Pages word a reason from its rule and
params; a reason stored before params existed, or with a rule these tables do not know, is shown
as stored rather than wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from perisai.linkage.queries import MEDIA_KINDS
from perisai.triage.linking import key_display
from perisai.web.codes import code_label
from perisai.web.i18n import register, translate


def _at(params: Mapping[str, Any], lang: str) -> str:
    if "conversation" in params:
        return translate(
            "reason.at_conversation",
            lang,
            message=params["message"],
            conversation=params["conversation"],
        )
    return translate("reason.at", lang, message=params["message"])


def _mid_sentence(label: str) -> str:
    """`Phone` → `phone` inside a sentence; names like `MyKad` or `IP address` stay as they are."""
    return label[0].lower() + label[1:] if label[1:2].islower() and label[1:].islower() else label


def _ai_evidence(params: Mapping[str, Any], lang: str) -> str:
    """What says a report's files are AI-generated (triage rule `media.ai`), in `lang`."""
    parts = [
        translate("reason.ai.signed", lang, name=name, signer=signer or "?")
        for name, signer in params.get("signed") or []
    ]
    for part in ("more_signed", "claimed", "annotated"):
        if params.get(part):
            parts.append(translate(f"reason.ai.{part}", lang, n=params[part]))
    return "; ".join(parts)


def _values(rule: str, params: Mapping[str, Any], lang: str) -> dict[str, Any]:
    values: dict[str, Any] = dict(params)
    if rule == "media.ai":
        values["evidence"] = _ai_evidence(params, lang)
    if "message" in params:
        values["at"] = _at(params, lang)
    if "stage" in params:
        stage = params["stage"]
        values["stage"] = (
            code_label("stage", stage, lang) if stage else translate("reason.early_stage", lang)
        )
    if "incident" in params:
        key = f"reason.incident_name.{params['incident']}"
        named = translate(key, lang)
        values["incident"] = (
            named if named != key else code_label("incident", params["incident"], lang)
        )
    if "hints" in params:
        values["hints"] = ", ".join(
            code_label("annotation", h, lang).lower() for h in params["hints"]
        )
    if "kind" in params:
        values["kind"] = _mid_sentence(code_label("identifier", params["kind"], lang))
    if "risk" in params:
        values["risk"] = f"{float(params['risk']):.2f}"
    return values


def _key(rule: str, params: Mapping[str, Any]) -> str:
    if rule == "age.under_13":
        variant = "prepubescent" if "prepubescent" in params else "age"
        return f"reason.age.under_13.{variant}" + (".raised" if params.get("raised") else "")
    if rule == "media.known" and params.get("banks"):
        return "reason.media.known.banks"
    return f"reason.{rule}"


def link_text(kind: str, key: str, other: str, lang: str) -> str:
    """Why two reports are linked (`same phone +60… as report R-…`) in `lang`, from the link's
    stored kind and key (its stored `reason` is the English wording, for the API)."""
    label = code_label("identifier", kind, lang)
    if kind in MEDIA_KINDS:
        label = translate("reason.link.file", lang, hash=label)
    return translate(
        "reason.link.same",
        lang,
        kind=_mid_sentence(label),
        display=key_display(key),
        other=other,
    )


def reason_text(reason: Mapping[str, Any], lang: str) -> str:
    """`P1: permintaan berjumpa pada mesej 4` — the stored English text when it cannot be worded."""
    stored = str(reason.get("text") or "")
    rule = str(reason.get("rule") or "")
    params = reason.get("params") or {}
    if not isinstance(params, Mapping):
        return stored
    key = _key(rule, params)
    try:
        worded = translate(key, lang, **_values(rule, params, lang))
    except (KeyError, IndexError, ValueError, TypeError):
        return stored
    if worded == key:
        return stored
    priority = reason.get("priority")
    return f"P{priority}: {worded}" if priority else worded


register(
    {
        "reason.at": {"ms": "mesej {message}", "en": "message {message}"},
        "reason.at_conversation": {
            "ms": "mesej {message} dalam perbualan {conversation}",
            "en": "message {message} of conversation {conversation}",
        },
        "reason.early_stage": {"ms": "awal", "en": "an early"},
        "reason.override": {
            "ms": "diubah oleh penganalisis: {reason}",
            "en": "overridden by an analyst: {reason}",
        },
        "reason.reporter.escalation": {
            "ms": "eskalasi oleh pelapor: {said}",
            "en": "reporter escalation: {said}",
        },
        "reason.grooming.meeting": {
            "ms": "ajakan berjumpa pada {at}",
            "en": "meeting request at {at}",
        },
        "reason.grooming.stage": {
            "ms": "dandanan pada peringkat {stage} (risiko {risk}, dari {at})",
            "en": "grooming at the {stage} stage (risk {risk}, from {at})",
        },
        "reason.grooming.early": {
            "ms": "isyarat awal dandanan (peringkat {stage})",
            "en": "early grooming signals ({stage} stage)",
        },
        "reason.sextortion.threat": {
            "ms": "sekstorsi dengan ugutan",
            "en": "sextortion with threats",
        },
        "reason.sextortion": {"ms": "sekstorsi dilaporkan", "en": "sextortion reported"},
        "reason.solicitation": {"ms": "permintaan bahan", "en": "solicitation of material"},
        "reason.spam": {
            "ms": "ditandakan sebagai spam oleh pelapor",
            "en": "marked as spam by the reporter",
        },
        "reason.incident.active": {"ms": "{incident}", "en": "{incident}"},
        "reason.incident_name.online_enticement": {
            "ms": "pujukan kanak-kanak dalam talian",
            "en": "online enticement of a child",
        },
        "reason.incident_name.child_sex_trafficking": {
            "ms": "pemerdagangan seks kanak-kanak",
            "en": "child sex trafficking",
        },
        "reason.incident_name.child_sexual_molestation": {
            "ms": "pencabulan seksual kanak-kanak",
            "en": "child sexual molestation",
        },
        "reason.incident_name.child_sex_tourism": {
            "ms": "pelancongan seks kanak-kanak",
            "en": "child sex tourism",
        },
        "reason.incident_name.unsolicited_obscene_material_to_child": {
            "ms": "bahan lucah dihantar kepada kanak-kanak",
            "en": "obscene material sent to a child",
        },
        "reason.self_harm": {
            "ms": "risiko mencederakan diri (“{word}”)",
            "en": "self-harm risk (“{word}”)",
        },
        "reason.media.new_identifiable": {
            "ms": "bahan baharu ({n} fail tiada dalam mana-mana bank; {hints}) "
            "melibatkan kanak-kanak yang boleh dikenal pasti",
            "en": "new material ({n} file(s) in no bank; {hints}) of an identifiable child",
        },
        "reason.media.generated": {
            "ms": "bahan dijana AI, tiada kanak-kanak yang boleh dikenal pasti",
            "en": "AI-generated material, no identifiable child",
        },
        "reason.media.ai": {
            "ms": "bahan dijana AI ({evidence}): pengenalpastian mangsa mesti mengambil kira "
            "kemungkinan wajah kanak-kanak sebenar ditukar ganti (face-swap)",
            "en": "AI-generated material ({evidence}): victim identification must consider a "
            "face-swap of a real child",
        },
        "reason.ai.signed": {
            "ms": "{name} ditandatangani oleh {signer}, mengisytiharkan media algoritma terlatih",
            "en": "{name} signed by {signer}, declares trained algorithmic media",
        },
        "reason.ai.more_signed": {
            "ms": "{n} lagi fail bertandatangan",
            "en": "{n} more signed file(s)",
        },
        "reason.ai.claimed": {
            "ms": "{n} fail didakwa oleh metadata sahaja",
            "en": "{n} file(s) claimed only by metadata",
        },
        "reason.ai.annotated": {
            "ms": "{n} fail ditandakan AI generatif oleh platform",
            "en": "{n} file(s) marked generative AI by the platform",
        },
        "reason.media.new": {
            "ms": "bahan baharu yang asalnya tidak diketahui ({n} fail)",
            "en": "new material of unknown origin ({n} file(s))",
        },
        "reason.media.known": {
            "ms": "hanya bahan yang diketahui ({n} fail)",
            "en": "known material only ({n} file(s))",
        },
        "reason.media.known.banks": {
            "ms": "hanya bahan yang diketahui ({n} fail dalam bank {banks})",
            "en": "known material only ({n} file(s) in bank {banks})",
        },
        "reason.link.same": {
            "ms": "{kind} {display} yang sama seperti laporan {other}",
            "en": "same {kind} {display} as report {other}",
        },
        "reason.link.file": {"ms": "fail ({hash})", "en": "file ({hash})"},
        "reason.link.open_case": {
            "ms": "{kind} {display} yang sama seperti laporan {other} dalam kes terbuka "
            "{case_priority} {case}",
            "en": "same {kind} {display} as report {other} in open {case_priority} case {case}",
        },
        "reason.link.suspect": {
            "ms": "suspek dikaitkan dengan laporan terdahulu: {kind} {display} yang sama seperti "
            "laporan {other}",
            "en": "suspect linked to earlier report: same {kind} {display} as report {other}",
        },
        "reason.duplicate": {"ms": "pendua laporan {other}", "en": "duplicate of report {other}"},
        "reason.jurisdiction": {
            "ms": "di luar bidang kuasa ({jurisdiction})",
            "en": "out of jurisdiction ({jurisdiction})",
        },
        "reason.no_identifiers": {
            "ms": "maklumat tanpa pengecam yang boleh diambil tindakan",
            "en": "tip without actionable identifiers",
        },
        "reason.viral.spread": {
            "ms": "sebaran tular: salinan media ini dilaporkan dari {platforms} platform dan "
            "{accounts} akaun dalam tempoh {hours} jam (kelompok {cluster})",
            "en": "viral spread: copies of this media reported from {platforms} platform(s) and "
            "{accounts} account(s) within {hours} h (cluster {cluster})",
        },
        "reason.no_risk": {
            "ms": "tiada kanak-kanak berisiko dikenal pasti",
            "en": "no child at risk identified",
        },
        "reason.age.under_13.age": {
            "ms": "umur mangsa dinyatakan {age}",
            "en": "victim stated age {age}",
        },
        "reason.age.under_13.age.raised": {
            "ms": "umur mangsa dinyatakan {age}: dinaikkan dari P3",
            "en": "victim stated age {age}: raised from P3",
        },
        "reason.age.under_13.prepubescent": {
            "ms": "bahan dikelaskan praremaja (anggaran umur bawah 13)",
            "en": "material classified prepubescent (estimated age under 13)",
        },
        "reason.age.under_13.prepubescent.raised": {
            "ms": "bahan dikelaskan praremaja (anggaran umur bawah 13): dinaikkan dari P3",
            "en": "material classified prepubescent (estimated age under 13): raised from P3",
        },
    }
)
