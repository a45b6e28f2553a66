"""Triage policy (TRIAGE.md) as pure functions: facts about a report in, priority and reasons out.

Each rule looks at :class:`Facts` and may return reasons; the highest triggered priority wins and
every triggered rule is kept, worded for the analyst ("P1: meeting request at message 14").
No database here: `facts.py` gathers the facts, `service.py` stores the outcome.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


class Priority(enum.IntEnum):
    P1 = 1  # imminent danger
    P2 = 2  # active offending
    P3 = 3  # distribution of known material
    P4 = 4  # information

    @property
    def label(self) -> str:
        return f"P{self.value}"

    @classmethod
    def parse(cls, text: str | int) -> Priority:
        """``"P2"``, ``"p2"``, ``"2"`` or ``2`` → P2; anything else raises ValueError."""
        raw = str(text).strip().upper().removeprefix("P")
        if raw not in {"1", "2", "3", "4"}:
            raise ValueError(f"priority must be P1, P2, P3 or P4, not {str(text)[:20]!r}")
        return cls(int(raw))


@dataclass(frozen=True)
class SlaTarget:
    review: timedelta
    action: timedelta | None  # P4 has no action target


SLA_TARGETS: dict[Priority, SlaTarget] = {
    Priority.P1: SlaTarget(timedelta(minutes=15), timedelta(hours=1)),
    Priority.P2: SlaTarget(timedelta(hours=4), timedelta(hours=24)),
    Priority.P3: SlaTarget(timedelta(hours=24), timedelta(hours=72)),
    Priority.P4: SlaTarget(timedelta(days=7), None),
}
WARNING_FRACTION = 0.75


def due_times(priority: Priority, received_at: datetime) -> tuple[datetime, datetime | None]:
    """(review due, action due) for a report received at ``received_at``: clocks start at intake."""
    target = SLA_TARGETS[priority]
    action = received_at + target.action if target.action is not None else None
    return received_at + target.review, action


def warning_time(received_at: datetime, due_at: datetime) -> datetime:
    return received_at + (due_at - received_at) * WARNING_FRACTION


@dataclass(frozen=True)
class Reason:
    priority: Priority
    rule: str
    text: str
    # The rule's figures and codes (message numbers, stage ids, ...), so that pages can word the
    # reason in the reader's language; `text` is the English wording kept for the API and audit.
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "priority": self.priority.value,
            "rule": self.rule,
            "text": self.text,
        }
        if self.params:
            found["params"] = dict(self.params)
        return found


@dataclass(frozen=True)
class GroomingSignal:
    conversation: int
    message: int
    kind: str
    stage: str


@dataclass(frozen=True)
class GroomingFacts:
    conversation: int
    flagged: bool
    stage: str | None
    risk: float
    signals: tuple[GroomingSignal, ...] = ()


@dataclass(frozen=True)
class LinkFact:
    other_public_id: str
    kind: str  # identifier kind, "sha256"/"md5" for media, "ip"
    display: str  # "+60123456789"
    case_public_id: str | None = None
    case_priority: Priority | None = None  # set when the other report is in an open case


@dataclass(frozen=True)
class AiFile:
    """A file of the report said to be AI-generated, by its strongest evidence.

    ``strength``: ``"signed"`` (a verified C2PA manifest declares trained algorithmic media;
    ``signer`` vouches for it), ``"claimed"`` (only unverified metadata says so: XMP, generator
    text, a manifest that failed validation) or ``"annotated"`` (the platform marked it
    generative AI).
    """

    name: str
    strength: str
    signer: str | None = None


@dataclass(frozen=True)
class ViralFact:
    """The report's media is in a cluster that went viral (perisai.viral): copies reported
    from ``platforms`` platforms with ``accounts`` accounts within ``window_hours``."""

    cluster: str
    platforms: int
    accounts: int
    window_hours: float


@dataclass(frozen=True)
class Facts:
    """What the rules may know about one report."""

    public_id: str
    incident_type: str
    escalation_reason: str | None = None
    annotations: frozenset[str] = frozenset()
    victim_ages: tuple[int, ...] = ()  # stated ages, or the top of a stated range
    has_victim_details: bool = False  # an identifiable child: a victim with some detail
    texts: tuple[str, ...] = ()  # additional info and conversation text, for self-harm words
    grooming: tuple[GroomingFacts, ...] = ()
    files: int = 0
    files_known: int = 0  # files matched in a positive bank (stored matches)
    files_benign: int = 0  # files matched only in a negative (known-benign) bank
    known_banks: tuple[str, ...] = ()  # the positive banks the known files are in
    file_annotations: frozenset[str] = frozenset()
    prepubescent_files: int = 0  # industry classification A1/A2: estimated age under 13
    identifiers: int = 0
    urls: int = 0
    jurisdiction: str | None = None
    duplicate_of: str | None = None
    links: tuple[LinkFact, ...] = field(default_factory=tuple)
    ai_files: tuple[AiFile, ...] = ()  # AI-generated, by provenance or the platform's annotation
    viral: ViralFact | None = None  # its media is spreading across platforms


HOME_JURISDICTION = "MY"
YOUNG_CHILD_AGE = 13
_SUSPECT_STAGES = ("risk_assessment", "exclusivity_isolation", "desensitisation", "approach")
_ONGOING_ABUSE_FILE_HINTS = frozenset(
    {"possible_self_production", "live_streaming", "physical_harm"}
)
_ACTIVE_INCIDENTS = {
    "online_enticement": "online enticement of a child",
    "child_sex_trafficking": "child sex trafficking",
    "child_sexual_molestation": "child sexual molestation",
    "child_sex_tourism": "child sex tourism",
    "unsolicited_obscene_material_to_child": "obscene material sent to a child",
}
# Words that signal a risk of self-harm, in English and Malay (checked as whole phrases).
_SELF_HARM = re.compile(
    r"\b(suicide|suicidal|kill (my|him|her)self|self[- ]harm|hurt (my|him|her)self|"
    r"bunuh diri|cederakan diri|mahu mati|nak mati)\b",
    re.IGNORECASE,
)
_STAGE_NAMES = {
    "access_rapport": "access and rapport",
    "trust": "trust",
    "risk_assessment": "risk assessment",
    "exclusivity_isolation": "exclusivity and isolation",
    "desensitisation": "desensitisation",
    "approach": "approach",
}


def _p(priority: Priority, rule: str, text: str, **params: Any) -> Reason:
    return Reason(priority, rule, f"{priority.label}: {text}", params)


def _at(signal: GroomingSignal, many: bool) -> str:
    where = f"message {signal.message + 1}"
    return f"{where} of conversation {signal.conversation + 1}" if many else where


def _where(signal: GroomingSignal, many: bool) -> dict[str, int]:
    """Message (and conversation) numbers as the report page shows them: counted from 1."""
    found = {"message": signal.message + 1}
    if many:
        found["conversation"] = signal.conversation + 1
    return found


def rule_escalation(facts: Facts) -> list[Reason]:
    if not facts.escalation_reason or not facts.escalation_reason.strip():
        return []
    said = " ".join(facts.escalation_reason.split())[:120]
    return [_p(Priority.P1, "reporter.escalation", f"reporter escalation: {said}", said=said)]


# Signal kinds that are sextortion pressure: an open threat, or coercion after a refusal
# (grooming engine v2's `coercion`: "prove you trust me", "you owe me").
_PRESSURE_KINDS = frozenset({"threat", "coercion"})


def rule_grooming(facts: Facts) -> list[Reason]:
    reasons: list[Reason] = []
    many = len(facts.grooming) > 1
    threat = False
    for chat in facts.grooming:
        meeting = next((s for s in chat.signals if s.kind == "meeting_request"), None)
        threat = threat or any(s.kind in _PRESSURE_KINDS for s in chat.signals)
        if meeting is not None:
            reasons.append(
                _p(
                    Priority.P1,
                    "grooming.meeting",
                    f"meeting request at {_at(meeting, many)}",
                    **_where(meeting, many),
                )
            )
        if chat.stage in _SUSPECT_STAGES and (chat.flagged or meeting is not None):
            first = next(s for s in chat.signals if s.stage == chat.stage)
            reasons.append(
                _p(
                    Priority.P2,
                    "grooming.stage",
                    f"grooming at the {_STAGE_NAMES[chat.stage]} stage "
                    f"(risk {chat.risk:.2f}, from {_at(first, many)})",
                    stage=chat.stage,
                    risk=round(chat.risk, 2),
                    **_where(first, many),
                )
            )
        elif chat.flagged:
            stage = _STAGE_NAMES.get(chat.stage or "", "an early")
            reasons.append(
                _p(
                    Priority.P3,
                    "grooming.early",
                    f"early grooming signals ({stage} stage)",
                    stage=chat.stage or "",
                )
            )
    if threat and "sextortion" in facts.annotations:
        reasons.append(_p(Priority.P1, "sextortion.threat", "sextortion with threats"))
    return reasons


def rule_annotations(facts: Facts) -> list[Reason]:
    reasons: list[Reason] = []
    if "sextortion" in facts.annotations:
        reasons.append(_p(Priority.P2, "sextortion", "sextortion reported"))
    if "csam_solicitation" in facts.annotations:
        reasons.append(_p(Priority.P2, "solicitation", "solicitation of material"))
    if "spam" in facts.annotations:
        reasons.append(_p(Priority.P4, "spam", "marked as spam by the reporter"))
    incident = _ACTIVE_INCIDENTS.get(facts.incident_type)
    if incident is not None:
        reasons.append(_p(Priority.P2, "incident.active", incident, incident=facts.incident_type))
    return reasons


def rule_self_harm(facts: Facts) -> list[Reason]:
    for text in facts.texts:
        found = _SELF_HARM.search(text)
        if found:
            word = found.group(0)
            return [_p(Priority.P1, "self_harm", f"self-harm risk (“{word}”)", word=word)]
    return []


def _ai_evidence(files: tuple[AiFile, ...]) -> str:
    parts = []
    signed = [f for f in files if f.strength == "signed"]
    for item in signed[:3]:
        parts.append(
            f"{item.name} signed by {item.signer or '?'}, declares trained algorithmic media"
        )
    if len(signed) > 3:
        parts.append(f"{len(signed) - 3} more signed file(s)")
    claimed = sum(1 for f in files if f.strength == "claimed")
    if claimed:
        parts.append(f"{claimed} file(s) claimed only by metadata")
    annotated = sum(1 for f in files if f.strength == "annotated")
    if annotated:
        parts.append(f"{annotated} file(s) marked generative AI by the platform")
    return "; ".join(parts)


def _ai_params(files: tuple[AiFile, ...]) -> dict[str, Any]:
    signed = [f for f in files if f.strength == "signed"]
    return {
        "signed": [[f.name, f.signer or ""] for f in signed[:3]],
        "more_signed": max(0, len(signed) - 3),
        "claimed": sum(1 for f in files if f.strength == "claimed"),
        "annotated": sum(1 for f in files if f.strength == "annotated"),
    }


def _in_banks(facts: Facts) -> str:
    return f" in bank {', '.join(facts.known_banks)}" if facts.known_banks else ""


def rule_media(facts: Facts) -> list[Reason]:
    unknown = facts.files - facts.files_known - facts.files_benign
    reasons: list[Reason] = []
    if unknown > 0:
        ongoing = facts.file_annotations & _ONGOING_ABUSE_FILE_HINTS
        if ongoing and facts.has_victim_details:
            hints = ", ".join(sorted(h.replace("_", " ") for h in ongoing))
            reasons.append(
                _p(
                    Priority.P1,
                    "media.new_identifiable",
                    f"new material ({unknown} file(s) in no bank; {hints}) "
                    "of an identifiable child",
                    n=unknown,
                    hints=sorted(ongoing),
                )
            )
        else:
            reasons.append(
                _p(
                    Priority.P2,
                    "media.new",
                    f"new material of unknown origin ({unknown} file(s))",
                    n=unknown,
                )
            )
    elif facts.files_known > 0:
        reasons.append(
            _p(
                Priority.P3,
                "media.known",
                f"known material only ({facts.files_known} file(s){_in_banks(facts)})",
                n=facts.files_known,
                **({"banks": ", ".join(facts.known_banks)} if facts.known_banks else {}),
            )
        )
    if facts.ai_files:
        # AI material keeps the priority the material has (never downgraded): it is still
        # illegal, and a generated picture may carry a real child's face.
        kept = min((r.priority for r in reasons), default=Priority.P2)
        reasons.append(
            _p(
                kept,
                "media.ai",
                f"AI-generated material ({_ai_evidence(facts.ai_files)}): victim identification "
                "must consider a face-swap of a real child",
                **_ai_params(facts.ai_files),
            )
        )
    return reasons


def rule_links(facts: Facts) -> list[Reason]:
    reasons: list[Reason] = []
    for link in facts.links:
        if link.case_priority is not None and link.case_priority <= Priority.P2:
            reasons.append(
                _p(
                    Priority.P2,
                    "link.open_case",
                    f"same {link.kind} {link.display} as report {link.other_public_id} in open "
                    f"{link.case_priority.label} case {link.case_public_id}",
                    kind=link.kind,
                    display=link.display,
                    other=link.other_public_id,
                    case=link.case_public_id or "",
                    case_priority=link.case_priority.label,
                )
            )
        elif link.kind not in ("sha256", "md5"):
            reasons.append(
                _p(
                    Priority.P2,
                    "link.suspect",
                    f"suspect linked to earlier report: same {link.kind} {link.display} "
                    f"as report {link.other_public_id}",
                    kind=link.kind,
                    display=link.display,
                    other=link.other_public_id,
                )
            )
    return reasons


def link_priority(kind: str, case_priority: Priority | None = None) -> Priority | None:
    """The most urgent priority one link of this kind gives (None: such a link sets no
    reason), to a report in an open case of ``case_priority`` or in none; read from
    :func:`rule_links` itself.

    Triage asks this of each report a new link touches: the link can change that report's
    priority only if this is more urgent than the priority it has (the under-13 raise lifts P3
    to P2 at most, which a P2 link reason does on its own).
    """
    case = "C" if case_priority is not None else None
    link = LinkFact("", kind, "", case_public_id=case, case_priority=case_priority)
    probe = Facts(public_id="", incident_type="", links=(link,))
    return min((reason.priority for reason in rule_links(probe)), default=None)


def rule_information(facts: Facts) -> list[Reason]:
    reasons: list[Reason] = []
    if facts.duplicate_of:
        reasons.append(
            _p(
                Priority.P4,
                "duplicate",
                f"duplicate of report {facts.duplicate_of}",
                other=facts.duplicate_of,
            )
        )
    if facts.jurisdiction and not facts.jurisdiction.startswith(HOME_JURISDICTION):
        reasons.append(
            _p(
                Priority.P4,
                "jurisdiction",
                f"out of jurisdiction ({facts.jurisdiction})",
                jurisdiction=facts.jurisdiction,
            )
        )
    if not (facts.identifiers or facts.urls or facts.files or facts.grooming):
        reasons.append(_p(Priority.P4, "no_identifiers", "tip without actionable identifiers"))
    return reasons


def rule_viral(facts: Facts) -> list[Reason]:
    """Copies spreading across platforms: every report of the cluster is worked now, before
    the material goes viral (issue 16)."""
    viral = facts.viral
    if viral is None:
        return []
    hours = f"{viral.window_hours:g}"
    return [
        _p(
            Priority.P1,
            "viral.spread",
            f"viral spread: copies of this media reported from {viral.platforms} platform(s) "
            f"and {viral.accounts} account(s) within {hours} h (cluster {viral.cluster})",
            platforms=viral.platforms,
            accounts=viral.accounts,
            hours=hours,
            cluster=viral.cluster,
        )
    ]


RULES: tuple[Callable[[Facts], list[Reason]], ...] = (
    rule_escalation,
    rule_grooming,
    rule_self_harm,
    rule_annotations,
    rule_media,
    rule_links,
    rule_viral,
    rule_information,
)


def _young_child(facts: Facts) -> tuple[str, dict[str, Any]] | None:
    young = sorted(age for age in facts.victim_ages if age < YOUNG_CHILD_AGE)
    if young:
        return f"victim stated age {young[0]}", {"age": young[0]}
    if facts.prepubescent_files:
        return "material classified prepubescent (estimated age under 13)", {"prepubescent": 1}
    return None


def evaluate(facts: Facts) -> tuple[Priority, list[Reason]]:
    """The priority and every triggered reason, most urgent first."""
    reasons = [reason for rule in RULES for reason in rule(facts)]
    priority = min((r.priority for r in reasons), default=Priority.P4)
    found = _young_child(facts)
    if found is not None:
        young, params = found
        if priority == Priority.P3:
            reasons.append(
                _p(Priority.P2, "age.under_13", f"{young}: raised from P3", raised=1, **params)
            )
            priority = Priority.P2
        else:
            # Still worth showing next to the reasons that set the priority.
            reasons.append(
                Reason(priority, "age.under_13", f"{priority.label}: {young}", dict(params))
            )
    if not reasons:
        reasons.append(_p(Priority.P4, "no_risk", "no child at risk identified"))
    reasons.sort(key=lambda r: r.priority)
    return priority, reasons
