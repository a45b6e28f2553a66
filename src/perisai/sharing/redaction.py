"""The one redaction layer: who may see a case, a report, an event, and which of their fields.

Every outlet (API, pages, SSE, webhooks, exports) calls these functions and nothing else decides.
The rules (docs/sharing.md, SECURITY.md):

- Deny by default. A viewer sees nothing unless a rule below grants it; a field is dropped
  unless it is classified in a schema here; a case-scoped item whose case cannot be loaded is
  hidden from everyone but the system.
- A case is visible to the agencies it is assigned or referred to, plus the secretariat, and only
  to roles that read cases (users) or to agency systems (API clients with ``events:read``,
  webhook subscriptions). TLP never widens need-to-know; RED narrows a case to its assigned users.
- Field sensitivity: ``public`` (whoever sees the item), ``restricted`` (task-force members on the
  case), ``victim`` (only people holding a victim-access grant on the case, and only a JKM
  caseworker or a PDRM investigator: granted and revoked explicitly, never by a later assignment),
  ``evidence`` (never inline: bytes only through :func:`authorize_reveal`, audited).
- Events: TLP RED → only users named in the audience (``user:<id>``); AMBER → the audience's
  agencies and the secretariat; GREEN → every task-force agency; CLEAR → anyone authenticated.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeAlias

from sqlalchemy.orm import Session

from perisai.audit.service import Actor, record
from perisai.identity.agencies import (
    POLICE_AGENCY,
    SECRETARIAT,
    TASK_FORCE_AGENCIES,
    WELFARE_AGENCY,
)
from perisai.identity.models import ApiKey, Role, User
from perisai.identity.permissions import Permission, Scope, role_has
from perisai.sharing.models import OutboxEvent, Tlp


class NotVisible(LookupError):
    """The viewer may not see this item; outlets answer 404 (not 403: existence is secret)."""


class ViewerKind(enum.StrEnum):
    USER = "user"
    API_CLIENT = "apikey"  # an agency system: an API key or a webhook subscription
    SYSTEM = "system"  # our own jobs; never used to answer an outside party


class Sensitivity(enum.StrEnum):
    PUBLIC = "public"
    RESTRICTED = "restricted"
    VICTIM = "victim"
    EVIDENCE = "evidence"


@dataclass(frozen=True)
class Viewer:
    """Who is looking, as plain data (outlets build it once per request or stream)."""

    kind: ViewerKind
    agency: str | None
    role: Role | None = None
    user_id: int | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def system(cls) -> Viewer:
        return cls(kind=ViewerKind.SYSTEM, agency=None)

    @classmethod
    def for_user(cls, user: User) -> Viewer:
        active = user.is_active
        return cls(
            kind=ViewerKind.USER,
            agency=user.agency.short_name if active else None,
            role=user.role if active else None,
            user_id=user.id,
        )

    @classmethod
    def for_api_key(cls, key: ApiKey) -> Viewer:
        agency = key.agency.short_name if key.agency is not None else None
        if key.revoked_at is not None:
            return cls(kind=ViewerKind.API_CLIENT, agency=None)
        return cls(kind=ViewerKind.API_CLIENT, agency=agency, scopes=frozenset(key.scopes))

    @classmethod
    def for_subscription(cls, agency: str) -> Viewer:
        """A webhook subscription reads as its agency's system with ``events:read``."""
        return cls(
            kind=ViewerKind.API_CLIENT, agency=agency, scopes=frozenset({Scope.EVENTS_READ.value})
        )

    @property
    def is_system(self) -> bool:
        return self.kind is ViewerKind.SYSTEM

    @property
    def is_secretariat(self) -> bool:
        return self.agency == SECRETARIAT

    @property
    def reads_cases(self) -> bool:
        """Whether this viewer reads case material at all (before need-to-know)."""
        if self.is_system:
            return True
        if self.agency not in TASK_FORCE_AGENCIES:
            return False
        if self.kind is ViewerKind.USER:
            return self.role is not None and role_has(self.role, Permission.CASES_READ)
        return Scope.EVENTS_READ.value in self.scopes

    def has(self, permission: Permission) -> bool:
        return (
            self.kind is ViewerKind.USER
            and self.role is not None
            and role_has(self.role, permission)
        )

    def as_actor(self) -> Actor:
        if self.is_system:
            return Actor.system()
        return Actor(
            kind=self.kind.value,
            id=str(self.user_id) if self.user_id is not None else None,
            agency=self.agency,
            role=self.role.value if self.role is not None else None,
        )


class CaseAccess(Protocol):
    """What need-to-know reads from a case; engineer A's Case satisfies it."""

    @property
    def agencies(self) -> Collection[str]:
        """Short names of the agencies the case is assigned or referred to."""
        ...

    @property
    def assigned_caseworker_id(self) -> int | None: ...

    @property
    def assigned_investigator_id(self) -> int | None: ...

    @property
    def victim_grantees(self) -> Collection[tuple[str, int]]:
        """(agency, user id) of each person granted the victims' identity on the case."""
        ...

    @property
    def tlp(self) -> Tlp: ...


@dataclass(frozen=True)
class CaseFacts:
    """A plain CaseAccess (tests, adapters, and callers that have only the facts)."""

    agencies: frozenset[str]
    assigned_caseworker_id: int | None = None
    assigned_investigator_id: int | None = None
    tlp: Tlp = Tlp.AMBER
    victim_grantees: frozenset[tuple[str, int]] = frozenset()


# --- who may see what -------------------------------------------------------------------------


def _is_assigned_user(viewer: Viewer, case: CaseAccess) -> bool:
    """Named on the case: its assigned caseworker or investigator, or a victim-access holder."""
    if viewer.kind is not ViewerKind.USER or viewer.user_id is None:
        return False
    return viewer.user_id in (
        case.assigned_caseworker_id,
        case.assigned_investigator_id,
    ) or _holds_grant(viewer, case)


def _holds_grant(viewer: Viewer, case: CaseAccess) -> bool:
    return (
        viewer.agency is not None
        and viewer.user_id is not None
        and (viewer.agency, viewer.user_id) in case.victim_grantees
    )


def can_see_case(viewer: Viewer, case: CaseAccess) -> bool:
    if viewer.is_system:
        return True
    if not viewer.reads_cases:
        return False
    if Tlp(case.tlp) is Tlp.RED:
        return _is_assigned_user(viewer, case) and viewer.agency in case.agencies
    return viewer.is_secretariat or viewer.agency in case.agencies


def can_see_victim(viewer: Viewer, case: CaseAccess) -> bool:
    """Only a JKM caseworker or a PDRM investigator holding a grant on this case.

    Grants are per agency and person (cases/policy.py, ``case_victim_grant``): a later
    assignment of someone else neither moves nor strips them.
    """
    if viewer.is_system:
        return True
    if not can_see_case(viewer, case) or not viewer.has(Permission.VICTIMS_READ):
        return False
    if viewer.user_id is None or not _holds_grant(viewer, case):
        return False
    is_caseworker = viewer.role is Role.CASEWORKER and viewer.agency == WELFARE_AGENCY
    is_investigator = viewer.role is Role.INVESTIGATOR and viewer.agency == POLICE_AGENCY
    return is_caseworker or is_investigator


def can_reveal_evidence(viewer: Viewer, case: CaseAccess) -> bool:
    """Investigators of an agency the case is assigned to (the secretariat only if assigned)."""
    return (
        not viewer.is_system
        and can_see_case(viewer, case)
        and viewer.has(Permission.EVIDENCE_REVEAL)
        and viewer.agency in case.agencies
    )


def can_see_unassigned_report(viewer: Viewer) -> bool:
    """A report in no case yet: the secretariat's triage desk only."""
    return viewer.is_system or (viewer.is_secretariat and viewer.has(Permission.REPORTS_READ))


def authorize_reveal(
    session: Session,
    viewer: Viewer,
    case: CaseAccess,
    *,
    object_type: str,
    object_id: str | int,
    case_id: int | None = None,
) -> None:
    """The evidence "reveal": allowed or NotVisible, and audited either way."""
    allowed = can_reveal_evidence(viewer, case)
    record(
        session,
        actor=viewer.as_actor(),
        action="evidence.reveal" if allowed else "evidence.reveal_denied",
        object_type=object_type,
        object_id=object_id,
        details={"case_id": case_id},
    )
    if not allowed:
        raise NotVisible(f"{object_type} {object_id}")


# --- the child's own record (perisai.victims): field groups, consent, need-to-know -----------


class VictimGroup(enum.StrEnum):
    """A part of a victim record that is shared (or not) as a whole."""

    # Identity, sealed under the victim's own key.
    NAME = "name"
    BIRTH = "birth"
    SCHOOL = "school"
    CONTACT = "contact"
    GUARDIAN = "guardian"
    ONLINE = "online"
    # Support (perisai.support): the plan, the interview register, counselling notes.
    SUPPORT = "support"
    INTERVIEWS = "interviews"
    COUNSELLING = "counselling"


IDENTITY_GROUPS = frozenset(
    {
        VictimGroup.NAME,
        VictimGroup.BIRTH,
        VictimGroup.SCHOOL,
        VictimGroup.CONTACT,
        VictimGroup.GUARDIAN,
        VictimGroup.ONLINE,
    }
)
# What consent can open to an agency (counselling notes and interviews never are).
CONSENTABLE_GROUPS = IDENTITY_GROUPS | {VictimGroup.SUPPORT}
# Schools: nothing unless the child and guardian agreed to it, group by group.
SCHOOL_AGENCY = "MOE"


@dataclass(frozen=True)
class VictimFacts:
    """What need-to-know reads about one victim record, loaded fresh for every answer."""

    cases: tuple[CaseAccess, ...]  # the cases holding the reports that name the child
    consents: Mapping[VictimGroup, frozenset[str]] = field(default_factory=dict)
    erased: bool = False
    in_triage: bool = False  # a linked report is in no case yet (the triage desk's)


def _statutory(viewer: Viewer, facts: VictimFacts) -> bool:
    """A victim-access grant holder on a linked case (JKM caseworker, PDRM investigator): the
    law (Child Act 2001, criminal procedure), not consent, is why they know who the child is."""
    return any(can_see_victim(viewer, case) for case in facts.cases)


def _on_linked_case(viewer: Viewer, facts: VictimFacts) -> bool:
    """A user of an agency a linked case is assigned or referred to (not the secretariat's
    oversight alone) who reads victim data at all."""
    return viewer.has(Permission.VICTIMS_READ) and any(
        can_see_case(viewer, case) and viewer.agency in case.agencies for case in facts.cases
    )


def _consented(viewer: Viewer, facts: VictimFacts, group: VictimGroup) -> bool:
    return viewer.agency is not None and viewer.agency in facts.consents.get(group, frozenset())


def can_see_victim_record(viewer: Viewer, facts: VictimFacts) -> bool:
    """Whether the record exists for this viewer (its public facts, never identity)."""
    if viewer.is_system:
        return True
    if viewer.kind is not ViewerKind.USER:
        return False
    if viewer.agency == SCHOOL_AGENCY and not any(
        viewer.agency in agencies for agencies in facts.consents.values()
    ):
        return False
    if facts.in_triage and can_see_unassigned_report(viewer):
        return True
    return any(can_see_case(viewer, case) for case in facts.cases)


def can_see_victim_group(
    viewer: Viewer,
    facts: VictimFacts,
    group: VictimGroup,
    *,
    counselling_agency: str | None = None,
) -> bool:
    """The need-to-know matrix of a victim record (docs/victims.md).

    - Identity groups: grant holders on a linked case; otherwise a caseworker or investigator
      of an agency on a linked case whose agency the child and guardian consented to, for that
      group. An erased record has no identity for anyone.
    - Support plan: grant holders and users of the agencies on a linked case who read victim
      data; a school only with consent.
    - Interview register: grant holders and PDRM investigators on a linked case; never a
      school or an NGO.
    - Counselling notes: caseworkers of the counselling agency only (``counselling_agency``),
      not the police, not JKM, not the secretariat.
    Agency systems (API keys, webhooks, SSE for agencies) never receive any of these.
    """
    if viewer.is_system:
        return not (facts.erased and group in IDENTITY_GROUPS)
    if viewer.kind is not ViewerKind.USER or not can_see_victim_record(viewer, facts):
        return False
    if group not in IDENTITY_GROUPS:
        return _support_group(viewer, facts, group, counselling_agency)
    if facts.erased:
        return False
    consented = _on_linked_case(viewer, facts) and _consented(viewer, facts, group)
    if viewer.agency == SCHOOL_AGENCY:
        return consented
    return _statutory(viewer, facts) or consented


def _support_group(
    viewer: Viewer, facts: VictimFacts, group: VictimGroup, counselling_agency: str | None
) -> bool:
    if group is VictimGroup.COUNSELLING:
        return (
            counselling_agency is not None
            and viewer.agency == counselling_agency
            and viewer.role is Role.CASEWORKER
        )
    if viewer.agency == SCHOOL_AGENCY:
        consentable = group in CONSENTABLE_GROUPS
        return consentable and _on_linked_case(viewer, facts) and _consented(viewer, facts, group)
    if group is VictimGroup.INTERVIEWS:
        police = viewer.agency == POLICE_AGENCY and viewer.role is Role.INVESTIGATOR
        return _statutory(viewer, facts) or (police and _on_linked_case(viewer, facts))
    return _statutory(viewer, facts) or _on_linked_case(viewer, facts)


def visible_victim_groups(viewer: Viewer, facts: VictimFacts) -> frozenset[VictimGroup]:
    """The identity groups this viewer may read (counselling is decided by its caller)."""
    return frozenset(
        group for group in IDENTITY_GROUPS if can_see_victim_group(viewer, facts, group)
    )


# --- field schemas ----------------------------------------------------------------------------
# A schema maps a field to a sensitivity (the whole value) or to a nested schema (applied to a
# dict value, or to each dict in a list value). Fields not named here are dropped.

Schema: TypeAlias = Mapping[str, "Sensitivity | Schema"]

P, R, V, E = (
    Sensitivity.PUBLIC,
    Sensitivity.RESTRICTED,
    Sensitivity.VICTIM,
    Sensitivity.EVIDENCE,
)

FILE_FIELDS: Schema = {
    "id": P,
    "name": R,
    "uploaded": P,
    "size": R,
    "md5": R,
    "sha1": R,
    "sha256": R,
    "pdq": R,
    "pdq_raw": R,  # the PDQ of the pixels as stored (EXIF orientation ignored)
    "content_type_declared": R,
    "content_type_sniffed": R,
    "content_type_mismatch": R,
    "annotations": R,
    "industry_classification": R,
    "publicly_available": R,
    "media_matches": R,
    "provenance": R,  # AI provenance as read from the file (C2PA, XMP, generator metadata)
    # The bytes, their location and any unblurred rendering: only through an audited reveal.
    "content": E,
    "blob_path": E,
    "original_url": E,
}

REPORT_FIELDS: Schema = {
    "id": P,
    "report_id": P,
    "public_id": P,
    "status": P,
    "priority": P,
    "sla_due_at": P,
    "sla_state": P,
    "received_at": P,
    "finished_at": P,
    "retracted_at": P,
    "incident_type": P,
    "victim_count": P,
    "case_id": P,
    "case_public_id": P,
    "reasons": R,
    "priority_reasons": R,
    "occurred_at": R,
    "escalation_reason": R,
    "incident_annotations": R,
    "reported_accounts": R,
    "reported_account_count": R,
    "conversations": R,
    "grooming_signals": R,
    "urls": R,
    "additional_info": R,
    "jurisdiction": R,
    "offence_codes": R,
    "links": R,
    "linked_reports": R,
    "ip_intelligence": R,
    "reporter_kind": R,
    "files": FILE_FIELDS,
    "victims": V,
    "contact": V,
}

CASE_FIELDS: Schema = {
    "id": P,
    "case_id": P,
    "public_id": P,
    "status": P,
    "priority": P,
    "tlp": P,
    "outcome": P,
    "created_at": P,
    "updated_at": P,
    "closed_at": P,
    "sla_due_at": P,
    "title": R,
    "summary": R,
    "agencies": R,
    "assignments": R,
    "referrals": R,
    "timeline": R,
    "tasks": R,
    "notes": R,
    "takedowns": R,
    "reports": REPORT_FIELDS,
    "report_ids": R,
    "assigned_caseworker_id": R,
    "assigned_investigator_id": R,
    "lead_agency": R,
    "victim_access": R,
    "victims": V,
    "victim": V,
}

EVENT_PAYLOAD_FIELDS: Schema = {
    **{name: rule for name, rule in REPORT_FIELDS.items() if name not in ("files", "victims")},
    **{name: rule for name, rule in CASE_FIELDS.items() if name not in ("reports",)},
    "report": REPORT_FIELDS,
    "case": CASE_FIELDS,
    "report_public_id": P,
    "from_status": P,
    "to_status": P,
    "agency": P,
    "accepted": P,
    "declined": P,
    "reason": R,
    "task": R,
    "note": R,
    "takedown": R,
    "due_at": P,
    "elapsed_fraction": P,
    # case changes (cases/service.py): who was named, granted, merged, split
    "user_id": R,
    "user_role": R,
    "grant_id": R,
    "referral_id": R,
    "lead": P,
    "previous_outcome": P,
    "files": FILE_FIELDS,
    "victims": V,
    # victim.* (perisai.victims): the record's id and what changed, never identity
    "victim_public_id": P,
    "field_group": R,
    "given_by": R,
    "erasure_basis": P,
    # bank.retrohunt (enrichment/retrohunt.py): counts only, never which reports
    "bank_name": P,
    "retrohunt_entries": P,
    "retrohunt_days": P,
    "retrohunt_reports": P,
    "retrohunt_positive_reports": P,
    "retrohunt_files": P,
    # monitoring.viral (viral/alerts.py): that a cluster spreads, and its counts, for every
    # agency the event's TLP reaches; where and by whom only for its audience.
    "cluster_public_id": P,
    "alert_public_id": P,
    "rule": P,
    "first_seen_at": P,
    "window_start": P,
    "window_end": P,
    "platform_count": P,
    "account_count": P,
    "report_count": P,
    "platforms": R,
    "accounts": R,
    # monitoring.spike (monitoring/alerts.py): that a series rose, by how much and how sure,
    # for every agency the event's TLP reaches; which series (a platform, a state, an incident
    # type) only for its audience.
    "series_key": R,
    "series_dimension": P,
    "day": P,
    "method": P,
    "observed": P,
    "expected": P,
    "p_value": P,
    "q_value": P,
    "window_days": P,
    "baseline_weeks": P,
    "partial_day": P,  # (and "status", a report's field too)
}


def _allowed(
    viewer: Viewer, *, visible: bool, restricted: bool, victim: bool
) -> frozenset[Sensitivity]:
    if not visible:
        return frozenset()
    granted = {Sensitivity.PUBLIC}
    if restricted:
        granted.add(Sensitivity.RESTRICTED)
    if victim:
        granted.add(Sensitivity.VICTIM)
    # EVIDENCE is never granted inline, not even to the system: bytes leave only by reveal.
    return frozenset(granted)


def apply_schema(
    schema: Schema, view: Mapping[str, Any], allowed: frozenset[Sensitivity]
) -> dict[str, Any]:
    """Keep the fields of ``view`` the schema classifies with an allowed sensitivity."""
    out: dict[str, Any] = {}
    for key, value in view.items():
        rule = schema.get(key)
        if rule is None:
            continue
        if isinstance(rule, Sensitivity):
            if rule in allowed:
                out[key] = value
        elif value is None:
            out[key] = None
        elif isinstance(value, Mapping):
            out[key] = apply_schema(rule, value, allowed)
        elif isinstance(value, list):
            out[key] = [
                apply_schema(rule, item, allowed) for item in value if isinstance(item, Mapping)
            ]
        # A scalar where a structure was expected is not classified: dropped.
    return out


def redact_case(viewer: Viewer, case_view: Mapping[str, Any], case: CaseAccess) -> dict[str, Any]:
    """The case as this viewer may see it; NotVisible if not at all."""
    if not can_see_case(viewer, case):
        raise NotVisible("case")
    allowed = _allowed(viewer, visible=True, restricted=True, victim=can_see_victim(viewer, case))
    return apply_schema(CASE_FIELDS, case_view, allowed)


def redact_report(
    viewer: Viewer, report_view: Mapping[str, Any], case: CaseAccess | None = None
) -> dict[str, Any]:
    """The report as this viewer may see it (``case``: the case holding it, if any)."""
    if case is None:
        if not can_see_unassigned_report(viewer):
            raise NotVisible("report")
        # Victim identity belongs to the assigned users of a case; there are none yet.
        allowed = _allowed(viewer, visible=True, restricted=True, victim=viewer.is_system)
    else:
        if not can_see_case(viewer, case):
            raise NotVisible("report")
        victim = can_see_victim(viewer, case)
        allowed = _allowed(viewer, visible=True, restricted=True, victim=victim)
    return apply_schema(REPORT_FIELDS, report_view, allowed)


VICTIM_FIELDS: Schema = {
    "id": P,
    "public_id": P,
    "status": P,
    "age": R,
    "created_at": P,
    "erased_at": P,
    "erasure_basis": P,
    "retain_until": R,
    "legal_hold": R,
    "reports": R,
    "cases": R,
    "consents": R,
}


def redact_victim(viewer: Viewer, view: Mapping[str, Any], facts: VictimFacts) -> dict[str, Any]:
    """A victim record as this viewer may see it: its public facts, and under ``identity``
    only the groups need-to-know and consent allow now. NotVisible if not at all."""
    if not can_see_victim_record(viewer, facts):
        raise NotVisible("victim")
    out = apply_schema(
        VICTIM_FIELDS, view, _allowed(viewer, visible=True, restricted=True, victim=False)
    )
    allowed = visible_victim_groups(viewer, facts)
    identity = view.get("identity")
    if isinstance(identity, Mapping):
        out["identity"] = {group: value for group, value in identity.items() if group in allowed}
    return out


# --- events -----------------------------------------------------------------------------------


def _named_users(audience: Collection[str]) -> set[int]:
    users = set()
    for entry in audience:
        kind, _, value = entry.partition(":")
        if kind == "user" and value.isdigit():
            users.add(int(value))
    return users


def _event_tlp_allows(viewer: Viewer, tlp: Tlp, audience: Collection[str]) -> tuple[bool, bool]:
    """(may see the event, may see its restricted fields) under the event's TLP alone."""
    on_audience = viewer.is_secretariat or viewer.agency in audience
    if tlp is Tlp.RED:
        named = viewer.kind is ViewerKind.USER and viewer.user_id in _named_users(audience)
        return named, named
    if tlp is Tlp.AMBER:
        return on_audience, on_audience
    if tlp is Tlp.GREEN:
        return viewer.agency in TASK_FORCE_AGENCIES, on_audience
    return True, on_audience  # CLEAR: anyone authenticated (outlets authenticate)


def redact_event(
    viewer: Viewer, event: OutboxEvent, case: CaseAccess | None = None
) -> dict[str, Any] | None:
    """The event as this viewer may receive it, or None if not at all.

    A case-scoped event (``case_id`` set) needs its case (``case``), loaded by the outlet; the
    viewer must see the case now, and the event's TLP must also allow it.
    """
    tlp = Tlp(event.tlp)
    audience = list(event.audience or [])
    if viewer.is_system:
        visible, restricted, victim = True, True, True
    elif not viewer.reads_cases:
        return None
    elif event.case_id is not None:
        if case is None or not can_see_case(viewer, case):
            return None
        visible, _ = _event_tlp_allows(viewer, tlp, [*audience, *case.agencies])
        restricted, victim = True, can_see_victim(viewer, case)
    else:
        visible, restricted = _event_tlp_allows(viewer, tlp, audience)
        victim = False
    if not visible:
        return None
    allowed = _allowed(viewer, visible=True, restricted=restricted, victim=victim)
    return {
        "id": str(event.id),
        "type": event.type,
        "subject": f"{event.subject_type}/{event.subject_id}",
        "case_id": event.case_id,
        "tlp": tlp.value,
        "time": _iso(event.created_at),
        "data": apply_schema(EVENT_PAYLOAD_FIELDS, event.payload or {}, allowed),
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def redact_for_export(
    session: Session,
    viewer: Viewer,
    *,
    kind: str,
    view: Mapping[str, Any],
    case: CaseAccess | None,
    object_id: str | int,
    victim: VictimFacts | None = None,
) -> dict[str, Any]:
    """An export (court bundle, CSV row…): redacted like any outlet, and audited."""
    if kind == "case":
        if case is None:
            raise NotVisible("case")
        out = redact_case(viewer, view, case)
    elif kind == "report":
        out = redact_report(viewer, view, case)
    elif kind == "victim":
        if victim is None:
            raise NotVisible("victim")
        out = redact_victim(viewer, view, victim)
    else:
        raise ValueError(f"unknown export kind {kind!r}")
    record(
        session,
        actor=viewer.as_actor(),
        action="export",
        object_type=kind,
        object_id=object_id,
        details={"fields": sorted(out)},
    )
    return out
