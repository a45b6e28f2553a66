"""Victim records: create from a report, read identity (authorised and audited), consent,
erasure by crypto-shredding. Services take a session and never commit.

The API other domains call (perisai.support among them):

- :func:`get_victim`, :func:`victim_by_public_id`, :func:`victims_of_report`,
  :func:`victims_of_case` — find records (no identity).
- :func:`victim_facts` — what need-to-know reads (linked cases, consents in force), fresh.
- :func:`may_see` — the need-to-know matrix for one field group (identity, ``support``,
  ``interviews``, ``counselling``), consent included.
- :func:`consents_in_force`, :func:`has_consent` — what the child and guardian agreed now.
- :func:`read_identity` — the identity groups a viewer may read, audited with a purpose.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from perisai.audit.service import Actor, record
from perisai.cases.models import CaseReport
from perisai.crypto import (
    Keyring,
    new_data_key,
    open_with_key,
    seal_with_key,
    unwrap_key,
)
from perisai.keystore import Erasure, KeyGone
from perisai.reports.models import Report, ReportVictim
from perisai.reports.victimseal import (
    destroy,
    extra_subjects,
    move_to_store,
    open_victim,
    shred_victim,
    victim_subjects,
)
from perisai.sharing.caseaccess import load_cases
from perisai.sharing.events import emit
from perisai.sharing.redaction import (
    CONSENTABLE_GROUPS,
    IDENTITY_GROUPS,
    VictimFacts,
    VictimGroup,
    Viewer,
    can_see_victim_group,
    can_see_victim_record,
    visible_victim_groups,
)
from perisai.victims.models import (
    ConsentGiver,
    ConsentMethod,
    ErasureBasis,
    Victim,
    VictimConsent,
    VictimIdentity,
    VictimReport,
    VictimStatus,
)
from perisai.victims.policy import may_create_from_report
from perisai.victims.retention import (
    CONTACT_YEARS,
    UNLINKED_REPORT_VICTIM_YEARS,
    retain_until_for,
)
from perisai.victims.schemas import Purpose, groups_from_report_victim, validate_group

__all__ = [
    "VictimConflict",
    "VictimInputError",
    "VictimNotFound",
    "apply_retention",
    "consents_in_force",
    "create_from_report",
    "create_victim",
    "data_key",
    "erase_victim",
    "get_victim",
    "has_consent",
    "link_report_victim",
    "may_see",
    "open_for_victim",
    "read_identity",
    "reconcile",
    "record_consent",
    "seal_for_victim",
    "set_identity",
    "set_legal_hold",
    "victim_by_public_id",
    "victim_facts",
    "victim_view",
    "victims_of_case",
    "victims_of_report",
    "withdraw_consent",
]

_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class VictimNotFound(LookupError):
    """No such victim record (outlets answer 404)."""


class VictimConflict(Exception):
    """The change does not fit the record's state (erased, already linked, consent in force)."""


class VictimInputError(ValueError):
    """Bad input; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _now() -> datetime:
    return datetime.now(UTC)


def _who(actor: Actor) -> str:
    return f"{actor.kind}:{actor.id or '-'}"


def new_public_id() -> str:
    return "VIC-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(12))


def key_binding(public_id: str) -> str:
    """Associated data of a key wrapped into the row (records from before the key store)."""
    return f"victim:{public_id}:key"


def key_subject(public_id: str) -> str:
    """The record's subject name in the subject key store (perisai.keystore)."""
    return f"victim:{public_id}"


def group_binding(public_id: str, group: VictimGroup | str) -> str:
    return f"victim:{public_id}:{VictimGroup(group).value}"


# --- finding records ----------------------------------------------------------------------------


def get_victim(session: Session, victim_id: int) -> Victim:
    victim = session.get(Victim, victim_id)
    if victim is None:
        raise VictimNotFound(f"victim {victim_id}")
    return victim


def victim_by_public_id(session: Session, public_id: str) -> Victim:
    victim = session.scalar(select(Victim).where(Victim.public_id == public_id[:32]))
    if victim is None:
        raise VictimNotFound(f"victim {public_id[:40]!r}")
    return victim


def victims_of_report(session: Session, report_id: int) -> list[Victim]:
    return list(
        session.scalars(
            select(Victim)
            .join(VictimReport, VictimReport.victim_id == Victim.id)
            .where(VictimReport.report_id == report_id)
            .order_by(Victim.id)
            .distinct()
        )
    )


def victims_of_case(session: Session, case_id: int) -> list[Victim]:
    return list(
        session.scalars(
            select(Victim)
            .join(VictimReport, VictimReport.victim_id == Victim.id)
            .join(CaseReport, CaseReport.report_id == VictimReport.report_id)
            .where(CaseReport.case_id == case_id)
            .order_by(Victim.id)
            .distinct()
        )
    )


def linked_case_ids(session: Session, victim: Victim) -> list[int]:
    return list(
        session.scalars(
            select(CaseReport.case_id)
            .join(VictimReport, VictimReport.report_id == CaseReport.report_id)
            .where(VictimReport.victim_id == victim.id)
            .distinct()
        )
    )


# --- need-to-know and consent -------------------------------------------------------------------


def consents_in_force(session: Session, victim: Victim) -> dict[VictimGroup, frozenset[str]]:
    """Field group → agencies the child and guardian agreed may know it, read now."""
    rows = session.execute(
        select(VictimConsent.group, VictimConsent.agency).where(
            VictimConsent.victim_id == victim.id, VictimConsent.withdrawn_at.is_(None)
        )
    ).all()
    found: dict[VictimGroup, set[str]] = {}
    for group, agency in rows:
        found.setdefault(VictimGroup(group), set()).add(agency)
    return {group: frozenset(agencies) for group, agencies in found.items()}


def has_consent(session: Session, victim: Victim, group: VictimGroup, agency: str) -> bool:
    return agency in consents_in_force(session, victim).get(group, frozenset())


def victim_facts(session: Session, victim: Victim) -> VictimFacts:
    """What need-to-know reads about this record, loaded fresh (no cache: a withdrawal or a
    revoked grant holds from the next answer of every outlet on)."""
    cases = load_cases(session, linked_case_ids(session, victim))
    in_triage = session.scalar(
        select(VictimReport.id)
        .outerjoin(CaseReport, CaseReport.report_id == VictimReport.report_id)
        .where(VictimReport.victim_id == victim.id, CaseReport.id.is_(None))
        .limit(1)
    )
    return VictimFacts(
        cases=tuple(cases[case_id] for case_id in sorted(cases)),
        consents=consents_in_force(session, victim),
        erased=victim.is_erased,
        in_triage=in_triage is not None,
    )


def may_see(
    session: Session,
    viewer: Viewer,
    victim: Victim,
    group: VictimGroup | str,
    *,
    counselling_agency: str | None = None,
) -> bool:
    """Whether ``viewer`` may see ``group`` of this victim now (sharing/redaction.py matrix).

    ``counselling_agency``: the agency whose counsellors wrote the notes (``counselling``).
    """
    facts = victim_facts(session, victim)
    return can_see_victim_group(
        viewer, facts, VictimGroup(group), counselling_agency=counselling_agency
    )


# --- identity -----------------------------------------------------------------------------------


def data_key(keyring: Keyring, victim: Victim) -> bytes:
    """The child's data key, from the subject key store (or the row, for older records).

    VictimConflict once erased: also when the database still says active but the store has no
    key (a database restored from before an erasure, not yet corrected by the ledger replay):
    the key is the truth, and it is gone."""
    if victim.is_erased:
        raise VictimConflict(f"victim {victim.public_id} was erased")
    if victim.key_sealed is not None:
        return unwrap_key(keyring, victim.key_sealed, key_binding(victim.public_id))
    if victim.key_segment is None:
        raise VictimConflict(f"victim {victim.public_id} has no key")
    try:
        return keyring.subjects().get(victim.key_segment, key_subject(victim.public_id))
    except KeyGone:
        raise VictimConflict(f"victim {victim.public_id} was erased") from None


_data_key = data_key


def _seal_group(
    keyring: Keyring, victim: Victim, group: VictimGroup, value: Mapping[str, Any]
) -> bytes:
    plaintext = json.dumps(value, sort_keys=True).encode("utf-8")
    return seal_with_key(
        _data_key(keyring, victim), plaintext, group_binding(victim.public_id, group)
    )


def _open_groups(
    keyring: Keyring, victim: Victim, groups: Iterable[VictimGroup]
) -> dict[str, dict[str, Any]]:
    wanted = {group.value for group in groups}
    rows = [row for row in victim.identity if row.group in wanted]
    if not rows:
        return {}
    data_key = _data_key(keyring, victim)
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        plaintext = open_with_key(data_key, row.sealed, group_binding(victim.public_id, row.group))
        out[row.group] = json.loads(plaintext.decode("utf-8"))
    return out


def _audit(session: Session, actor: Actor, action: str, victim: Victim, **details: Any) -> None:
    record(
        session,
        actor=actor,
        action=action,
        object_type="victim",
        object_id=victim.public_id,
        details=details,
    )


def read_identity(
    session: Session,
    keyring: Keyring,
    viewer: Viewer,
    victim: Victim,
    *,
    purpose: Purpose | str,
    groups: Iterable[VictimGroup | str] | None = None,
    outlet: str = "api",
) -> dict[str, dict[str, Any]]:
    """The identity groups this viewer may read, opened and audited with the purpose.

    Groups asked for but not allowed are left out, and the audit entry names them as denied.
    Only group names, the purpose and the outlet are audited, never a value.
    """
    try:
        why = Purpose(purpose)
    except ValueError:
        raise VictimInputError("purpose", "choose a purpose from the list") from None
    asked = IDENTITY_GROUPS if groups is None else {VictimGroup(g) for g in groups}
    facts = victim_facts(session, victim)
    allowed = visible_victim_groups(viewer, facts) & set(asked)
    denied = sorted(g.value for g in set(asked) - allowed if g in IDENTITY_GROUPS)
    opened = _open_groups(keyring, victim, allowed) if allowed and not victim.is_erased else {}
    _audit(
        session,
        viewer.as_actor(),
        "victim.read" if allowed else "victim.read_denied",
        victim,
        purpose=why.value,
        outlet=outlet,
        groups=sorted(g.value for g in allowed),
        denied=denied,
    )
    return opened


def set_identity(
    session: Session,
    keyring: Keyring,
    victim: Victim,
    group: VictimGroup | str,
    value: Mapping[str, Any],
    *,
    actor: Actor,
) -> None:
    """Replace one identity group (validated; an empty value removes the group)."""
    group = VictimGroup(group)
    if group not in IDENTITY_GROUPS:
        raise VictimInputError("group", f"{group.value} is not an identity field group")
    if victim.is_erased:
        raise VictimConflict(f"victim {victim.public_id} was erased")
    clean = validate_group(group, dict(value))
    existing = next((row for row in victim.identity if row.group == group.value), None)
    if not clean:
        if existing is not None:
            victim.identity.remove(existing)
    elif existing is None:
        victim.identity.append(
            VictimIdentity(group=group.value, sealed=_seal_group(keyring, victim, group, clean))
        )
    else:
        existing.sealed = _seal_group(keyring, victim, group, clean)
    victim.updated_at = _now()
    session.flush()
    _audit(session, actor, "victim.identity_changed", victim, group=group.value)


def create_victim(
    session: Session,
    keyring: Keyring,
    *,
    actor: Actor,
    identity: Mapping[VictimGroup, Mapping[str, Any]]
    | Mapping[str, Mapping[str, Any]]
    | None = None,
    age: int | None = None,
) -> Victim:
    """A new victim record with a data key of its own; identity groups sealed under it."""
    if age is not None and not 0 <= age <= 25:
        raise VictimInputError("age", "must be between 0 and 25")
    public_id = new_public_id()
    now = _now()
    # The key goes to the store (durably) before the row that needs it can commit.
    segment = keyring.subjects().put({key_subject(public_id): new_data_key()})
    victim = Victim(
        public_id=public_id,
        status=VictimStatus.ACTIVE.value,
        key_segment=segment,
        age=age,
        created_by=_who(actor),
        updated_at=now,
        retain_until=retain_until_for(now, age),
    )
    session.add(victim)
    for name, value in (identity or {}).items():
        group = VictimGroup(name)
        if group not in IDENTITY_GROUPS:
            raise VictimInputError("identity", f"{group.value} is not an identity field group")
        clean = validate_group(group, dict(value))
        if clean:
            sealed = _seal_group(keyring, victim, group, clean)
            victim.identity.append(VictimIdentity(group=group.value, sealed=sealed))
    session.flush()
    _audit(session, actor, "victim.create", victim, groups=sorted(r.group for r in victim.identity))
    return victim


def _report_victim(session: Session, report_public_id: str, position: int) -> ReportVictim:
    row = session.scalar(
        select(ReportVictim)
        .join(Report, Report.id == ReportVictim.report_id)
        .where(Report.public_id == report_public_id[:32], ReportVictim.position == position)
    )
    if row is None:
        raise VictimNotFound(f"report {report_public_id[:40]!r} names no victim {position}")
    return row


def _link(
    session: Session, keyring: Keyring, victim: Victim, row: ReportVictim, actor: Actor
) -> VictimReport:
    if victim.is_erased:
        raise VictimConflict(f"victim {victim.public_id} was erased")
    taken = session.scalar(select(VictimReport).where(VictimReport.report_victim_id == row.id))
    if taken is not None:
        raise VictimConflict("this victim of the report is already linked to a record")
    # A row whose key is not in the store (older rows) is moved under a key there first, so
    # that erasing this child shreds it too, in backups taken from now on.
    move_to_store(keyring, row.report.public_id, row)
    link = VictimReport(
        victim_id=victim.id, report_id=row.report_id, report_victim_id=row.id, linked_by=_who(actor)
    )
    session.add(link)
    session.flush()
    _audit(
        session,
        actor,
        "victim.link_report",
        victim,
        report=row.report.public_id,
        position=row.position,
    )
    return link


def create_from_report(
    session: Session,
    keyring: Keyring,
    *,
    report_public_id: str,
    position: int,
    actor: Actor,
) -> Victim:
    """A victim record made from a report's victim block, linked to it.

    The block is opened here (audited as a system read for this purpose) and split into field
    groups; the person who asks sees nothing of it unless need-to-know allows later.
    """
    row = _report_victim(session, report_public_id, position)
    details = open_victim(keyring, row.report.public_id, row)
    if details is None:
        raise VictimConflict("this victim of the report was erased")
    victim = create_victim(
        session,
        keyring,
        actor=actor,
        identity=groups_from_report_victim(details),
        age=row.age if row.age is not None else _age_of(details),
    )
    _link(session, keyring, victim, row, actor)
    _emit(session, victim, "victim.created", {})
    return victim


def _age_of(details: Mapping[str, Any]) -> int | None:
    age = details.get("age")
    return age if isinstance(age, int) and 0 <= age <= 25 else None


def link_report_victim(
    session: Session,
    keyring: Keyring,
    victim: Victim,
    *,
    report_public_id: str,
    position: int,
    actor: Actor,
) -> VictimReport:
    """Say that a victim named in another report is this same child (one child, many reports)."""
    row = _report_victim(session, report_public_id, position)
    if row.sealed is None:
        raise VictimConflict("this victim of the report was erased")
    link = _link(session, keyring, victim, row, actor)
    _emit(session, victim, "victim.report_linked", {"report_public_id": row.report.public_id})
    return link


# --- consent ------------------------------------------------------------------------------------


def record_consent(
    session: Session,
    victim: Victim,
    *,
    group: VictimGroup | str,
    agency: str,
    given_by: ConsentGiver | str,
    method: ConsentMethod | str,
    actor: Actor,
    given_at: datetime | None = None,
) -> VictimConsent:
    """The child and guardian agree that ``agency`` may know ``group``."""
    group = _consentable(group)
    giver, how = (
        _choice(ConsentGiver, given_by, "given_by"),
        _choice(ConsentMethod, method, "method"),
    )
    if victim.is_erased:
        raise VictimConflict(f"victim {victim.public_id} was erased")
    when = given_at or _now()
    if when.tzinfo is None:
        raise VictimInputError("given_at", "give a time with its zone")
    if when > _now():
        raise VictimInputError("given_at", "cannot be in the future")
    if has_consent(session, victim, group, agency):
        raise VictimConflict(f"{agency} already has consent for {group.value}")
    consent = VictimConsent(
        victim_id=victim.id,
        group=group.value,
        agency=agency,
        given_by=giver.value,
        method=how.value,
        given_at=when,
        recorded_by=_who(actor),
    )
    session.add(consent)
    session.flush()
    details = {"field_group": group.value, "agency": agency, "given_by": giver.value}
    _audit(session, actor, "victim.consent_given", victim, **details, method=how.value)
    _emit(session, victim, "victim.consent_given", details)
    return consent


def withdraw_consent(
    session: Session,
    victim: Victim,
    *,
    group: VictimGroup | str,
    agency: str,
    method: ConsentMethod | str,
    actor: Actor,
) -> VictimConsent:
    """Withdraw a consent: from the next answer of every outlet on, the agency no longer
    receives that group (outlets read consents when they answer; nothing caches them)."""
    group = _consentable(group)
    how = _choice(ConsentMethod, method, "method")
    consent = session.scalar(
        select(VictimConsent).where(
            VictimConsent.victim_id == victim.id,
            VictimConsent.group == group.value,
            VictimConsent.agency == agency,
            VictimConsent.withdrawn_at.is_(None),
        )
    )
    if consent is None:
        raise VictimConflict(f"{agency} has no consent for {group.value} to withdraw")
    consent.withdrawn_at = _now()
    consent.withdrawn_by = _who(actor)
    consent.withdrawal_method = how.value
    session.flush()
    details = {"field_group": group.value, "agency": agency}
    _audit(session, actor, "victim.consent_withdrawn", victim, **details, method=how.value)
    _emit(session, victim, "victim.consent_withdrawn", details)
    return consent


def _consentable(group: VictimGroup | str) -> VictimGroup:
    try:
        chosen = VictimGroup(group)
    except ValueError:
        raise VictimInputError("group", "unknown field group") from None
    if chosen not in CONSENTABLE_GROUPS:
        raise VictimInputError("group", f"{chosen.value} cannot be shared by consent")
    return chosen


_Choice = TypeVar("_Choice", ConsentGiver, ConsentMethod, ErasureBasis)


def _choice(kind: type[_Choice], value: _Choice | str, field: str) -> _Choice:
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise VictimInputError(field, f"choose one of {choices}") from None


# --- erasure ------------------------------------------------------------------------------------


def erase_victim(
    session: Session,
    keyring: Keyring,
    victim: Victim,
    *,
    basis: ErasureBasis | str,
    actor: Actor,
) -> Victim:
    """Crypto-shred the child's identity: the record's key and every linked report victim's
    key, and the keys of the linked reports' sealed extras (intended recipients, the hotline
    contact), are destroyed in the subject key store; the sealed values are deleted from the
    database too. The record stays, with when and why, so that statistics and the audit chain
    keep the fact of erasure and nothing of the data.

    Order (docs/security.md, "Backups and erasure"): the erasure is written to the ledger
    first (durably), then the keys are destroyed, then the rows change. The ledger line is the
    erasure's commit point: if the transaction then fails, the keys are already gone and the
    next ``perisai victims keys reconcile`` completes the rows. The record is locked first, so
    a legal hold set concurrently either comes first (and stops this) or waits.
    """
    why = _choice(ErasureBasis, basis, "basis")
    session.refresh(victim, with_for_update=True)
    if victim.is_erased:
        raise VictimConflict(f"victim {victim.public_id} was already erased")
    if victim.legal_hold:
        raise VictimConflict(f"victim {victim.public_id} is on legal hold")
    now = _now()
    rows = _linked_report_victims(session, victim)
    subjects = _subjects_of(victim, rows)
    keyring.ledger().append(
        Erasure(record=victim.public_id, basis=why.value, at=now.isoformat(), subjects=subjects)
    )
    destroy(keyring, list(subjects))
    _erase_rows(victim, rows, now, erased_by=_who(actor), basis=why.value)
    session.flush()
    _audit(session, actor, "victim.erased", victim, basis=why.value, report_victims=len(rows))
    _emit(session, victim, "victim.erased", {"erasure_basis": why.value})
    return victim


def _linked_report_victims(session: Session, victim: Victim) -> list[ReportVictim]:
    return list(
        session.scalars(
            select(ReportVictim)
            .join(VictimReport, VictimReport.report_victim_id == ReportVictim.id)
            .where(VictimReport.victim_id == victim.id)
            .options(selectinload(ReportVictim.report))
        )
    )


def _subjects_of(victim: Victim, rows: list[ReportVictim]) -> tuple[tuple[str | None, str], ...]:
    """Every key that erasing this child destroys: (segment, subject)."""
    found: list[tuple[str | None, str]] = [(victim.key_segment, key_subject(victim.public_id))]
    for row in rows:
        found.extend(victim_subjects(row.report.public_id, row))
        found.extend(extra_subjects(row.report))
    return tuple(dict.fromkeys(found))


def _erase_rows(
    victim: Victim, rows: list[ReportVictim], now: datetime, *, erased_by: str, basis: str
) -> None:
    for row in rows:
        shred_victim(row, now)
        row.report.details_sealed = None
        row.report.contact_sealed = None
    victim.identity.clear()
    victim.key_sealed = None
    victim.status = VictimStatus.ERASED.value
    victim.erased_at = now
    victim.erased_by = erased_by
    victim.erasure_basis = basis
    victim.updated_at = now


# --- events -------------------------------------------------------------------------------------


def _emit(session: Session, victim: Victim, type_: str, payload: dict[str, Any]) -> None:
    """An event per linked case (so that SSE and webhooks redact it by that case); never any
    identity, only the record's public id and what changed."""
    body = {"victim_public_id": victim.public_id, **payload}
    case_ids = linked_case_ids(session, victim)
    if not case_ids:
        emit(session, type=type_, subject_type="victim", subject_id=victim.public_id, payload=body)
        return
    for case_id in case_ids:
        emit(
            session,
            type=type_,
            subject_type="victim",
            subject_id=victim.public_id,
            payload=body,
            case_id=case_id,
        )


# --- views ----------------------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def victim_view(session: Session, victim: Victim) -> dict[str, Any]:
    """The record's facts without identity, for the redaction layer (sharing/redaction.py)."""
    from perisai.cases.models import Case

    reports = session.execute(
        select(Report.public_id, ReportVictim.position, ReportVictim.shredded_at)
        .join(VictimReport, VictimReport.report_id == Report.id)
        .join(ReportVictim, ReportVictim.id == VictimReport.report_victim_id)
        .where(VictimReport.victim_id == victim.id)
        .order_by(VictimReport.id)
    ).all()
    case_ids = linked_case_ids(session, victim)
    case_public_ids = (
        list(session.scalars(select(Case.public_id).where(Case.id.in_(case_ids))))
        if case_ids
        else []
    )
    consents = session.scalars(
        select(VictimConsent).where(VictimConsent.victim_id == victim.id).order_by(VictimConsent.id)
    ).all()
    return {
        "id": victim.public_id,
        "public_id": victim.public_id,
        "status": victim.status,
        "age": victim.age,
        "created_at": _iso(victim.created_at),
        "erased_at": _iso(victim.erased_at),
        "erasure_basis": victim.erasure_basis,
        "retain_until": _iso(victim.retain_until),
        "legal_hold": victim.legal_hold,
        "reports": [
            {"report_id": pid, "position": pos, "shredded": shredded is not None}
            for pid, pos, shredded in reports
        ],
        "cases": sorted(case_public_ids),
        "consents": [
            {
                "field_group": c.group,
                "agency": c.agency,
                "given_by": c.given_by,
                "method": c.method,
                "given_at": _iso(c.given_at),
                "recorded_by": c.recorded_by,
                "withdrawn_at": _iso(c.withdrawn_at),
                "withdrawal_method": c.withdrawal_method,
                "in_force": c.withdrawn_at is None,
            }
            for c in consents
        ],
    }


def set_legal_hold(session: Session, victim: Victim, *, hold: bool, actor: Actor) -> None:
    """A legal hold stops erasure (by request or by the schedule) until it is lifted."""
    victim.legal_hold = hold
    victim.updated_at = _now()
    session.flush()
    _audit(session, actor, "victim.legal_hold", victim, hold=hold)


# --- retention ----------------------------------------------------------------------------------


def due_for_erasure(session: Session, now: datetime | None = None) -> list[Victim]:
    """Active records past their retention date and not on legal hold, oldest first."""
    moment = now or _now()
    return list(
        session.scalars(
            select(Victim)
            .where(
                Victim.status == VictimStatus.ACTIVE.value,
                Victim.legal_hold.is_(False),
                Victim.retain_until.is_not(None),
                Victim.retain_until <= moment,
            )
            .order_by(Victim.retain_until, Victim.id)
        )
    )


def unlinked_report_victims_due(
    session: Session, now: datetime | None = None
) -> list[ReportVictim]:
    """Victims named in reports, linked to no record, whose report is older than the schedule
    keeps them (retention.UNLINKED_REPORT_VICTIM_YEARS); not yet shredded."""
    cutoff = (now or _now()) - timedelta(days=365 * UNLINKED_REPORT_VICTIM_YEARS)
    return list(
        session.scalars(
            select(ReportVictim)
            .join(Report, Report.id == ReportVictim.report_id)
            .outerjoin(VictimReport, VictimReport.report_victim_id == ReportVictim.id)
            .where(
                VictimReport.id.is_(None),
                ReportVictim.sealed.is_not(None),
                Report.received_at <= cutoff,
            )
            .order_by(ReportVictim.id)
        )
    )


def report_extras_due(session: Session, now: datetime | None = None) -> list[Report]:
    """Reports whose sealed extras the schedule no longer keeps: the hotline reporter's contact
    ``CONTACT_YEARS`` after the report, the intended recipients with the report's unlinked
    victims (``UNLINKED_REPORT_VICTIM_YEARS``) unless a record still active is linked."""
    moment = now or _now()
    contact_cutoff = moment - timedelta(days=365 * CONTACT_YEARS)
    details_cutoff = moment - timedelta(days=365 * UNLINKED_REPORT_VICTIM_YEARS)
    active_link = (
        select(VictimReport.id)
        .join(Victim, Victim.id == VictimReport.victim_id)
        .where(VictimReport.report_id == Report.id, Victim.status == VictimStatus.ACTIVE.value)
        .exists()
    )
    return list(
        session.scalars(
            select(Report)
            .where(
                (Report.contact_sealed.is_not(None) & (Report.received_at <= contact_cutoff))
                | (
                    Report.details_sealed.is_not(None)
                    & (Report.received_at <= details_cutoff)
                    & ~active_link
                )
            )
            .order_by(Report.id)
        )
    )


def apply_retention(
    session: Session, keyring: Keyring, *, actor: Actor, now: datetime | None = None
) -> dict[str, int]:
    """Erase what the schedule says is due: victim records (crypto-shredded like an erasure on
    request, basis ``retention``), unlinked report victims and reports' sealed extras (their
    keys destroyed in the store, after a ledger line naming them)."""
    moment = now or _now()
    records = due_for_erasure(session, moment)
    for victim in records:
        erase_victim(session, keyring, victim, basis=ErasureBasis.RETENTION, actor=actor)
    rows = unlinked_report_victims_due(session, moment)
    reports = report_extras_due(session, moment)
    contact_cutoff = moment - timedelta(days=365 * CONTACT_YEARS)
    subjects: list[tuple[str | None, str]] = []
    for row in rows:
        subjects.extend(victim_subjects(row.report.public_id, row))
    for report in reports:
        subjects.extend(
            pair
            for pair in extra_subjects(report)
            if pair[1].endswith(":details") or report.received_at <= contact_cutoff
        )
    if subjects:
        keyring.ledger().append(
            Erasure(
                record=f"retention:{moment.isoformat()}",
                basis=ErasureBasis.RETENTION.value,
                at=moment.isoformat(),
                subjects=tuple(subjects),
            )
        )
        destroy(keyring, subjects)
        _shred_report_subjects(session, [subject for _, subject in subjects], moment)
        record(
            session,
            actor=actor,
            action="victim.retention_shred",
            object_type="report_victim",
            details={"report_victims": len(rows), "report_extras": len(subjects) - len(rows)},
        )
    return {
        "victims_erased": len(records),
        "report_victims_shredded": len(rows),
        "report_extras_shredded": len(subjects) - len(rows),
    }


def _shred_report_subjects(session: Session, subjects: Iterable[str], now: datetime) -> int:
    """Delete from the database the values of these report subjects (``report:<id>:victim:<n>``,
    ``report:<id>:details``, ``report:<id>:contact``); how many values were still there."""
    wanted: dict[str, set[str]] = {}
    for subject in subjects:
        parts = subject.split(":")
        if len(parts) >= 3 and parts[0] == "report":
            wanted.setdefault(parts[1], set()).add(":".join(parts[2:]))
    if not wanted:
        return 0
    changed = 0
    reports = session.scalars(
        select(Report)
        .where(Report.public_id.in_(list(wanted)))
        .options(selectinload(Report.victims))
    )
    for report in reports:
        named = wanted[report.public_id]
        if "details" in named and report.details_sealed is not None:
            report.details_sealed, changed = None, changed + 1
        if "contact" in named and report.contact_sealed is not None:
            report.contact_sealed, changed = None, changed + 1
        for row in report.victims:
            if f"victim:{row.position}" in named and row.sealed is not None:
                shred_victim(row, now)
                changed += 1
    session.flush()
    return changed


# --- after a restore: the ledger replayed, keys moved out of the database -----------------------


def reconcile(session: Session, keyring: Keyring, *, actor: Actor) -> dict[str, int]:
    """Make the key store and the database agree with the erasure ledger, and move keys still
    held in the database into the store. Run after restoring either (or both) from a backup,
    and from cron; idempotent. Erasures are a grow-only set: an erasure known to the ledger or
    to the database is applied to both, never undone.

    1. Records the database shows erased but the ledger lacks (erased before the ledger
       existed, or a crash between the two) are added to the ledger.
    2. Every key the ledger names is destroyed in the store (a restored store had them back).
    3. Every record the ledger names that the database shows active (a restored database) is
       erased in the database, with the ledger's basis; the values of every report subject the
       ledger names are deleted.
    4. Keys held in rows (records and report victims from before the store) move to the store.
    """
    ledger = keyring.ledger()
    erasures, bad = ledger.read()
    added = _ledger_missing(session, keyring, {erasure.record for erasure in erasures})
    erasures.extend(added)
    from perisai.keystore import replay_keys

    keys_destroyed = replay_keys(keyring.subjects(), erasures)
    records = _replay_records(session, erasures, actor)
    values = _shred_report_subjects(
        session, [subject for erasure in erasures for _, subject in erasure.subjects], _now()
    )
    moved = _move_keys_out(session, keyring)
    counts = {
        "ledger_entries": len(erasures),
        "ledger_bad_lines": len(bad),
        "ledger_added": len(added),
        "keys_destroyed": keys_destroyed,
        "records_erased": records,
        "report_values_shredded": values,
        "keys_moved_to_store": moved,
    }
    record(session, actor=actor, action="victim.keys_reconciled", object_type="victim",
           details=counts)  # fmt: skip
    return counts


def _ledger_missing(session: Session, keyring: Keyring, known: set[str]) -> list[Erasure]:
    added = []
    erased = session.scalars(
        select(Victim).where(Victim.status == VictimStatus.ERASED.value).order_by(Victim.id)
    )
    for victim in erased:
        if victim.public_id in known:
            continue
        rows = _linked_report_victims(session, victim)
        subjects: list[tuple[str | None, str]] = [
            (victim.key_segment, key_subject(victim.public_id))
        ]
        for row in rows:
            subjects.extend(victim_subjects(row.report.public_id, row))
            segment = row.report.key_segment
            if segment is not None:
                for extra in ("details", "contact"):
                    subjects.append((segment, f"report:{row.report.public_id}:{extra}"))
        at = (victim.erased_at or _now()).isoformat()
        erasure = Erasure(
            record=victim.public_id,
            basis=victim.erasure_basis or ErasureBasis.REQUEST.value,
            at=at,
            subjects=tuple(subjects),
        )
        keyring.ledger().append(erasure)
        added.append(erasure)
    return added


def _replay_records(session: Session, erasures: list[Erasure], actor: Actor) -> int:
    ids = [e.record for e in erasures if e.record.startswith("VIC-")]
    if not ids:
        return 0
    basis = {e.record: e.basis for e in erasures}
    active = session.scalars(
        select(Victim)
        .where(Victim.public_id.in_(ids), Victim.status == VictimStatus.ACTIVE.value)
        .with_for_update()
    ).all()
    now = _now()
    for victim in active:
        rows = _linked_report_victims(session, victim)
        _erase_rows(victim, rows, now, erased_by=_who(actor), basis=basis[victim.public_id])
        session.flush()
        _audit(session, actor, "victim.erasure_replayed", victim, basis=basis[victim.public_id])
    return len(active)


def _move_keys_out(session: Session, keyring: Keyring) -> int:
    """Keys wrapped in rows, and values the master key sealed alone (before the store), under
    keys in the store: one segment write in all, before any row loses its key."""
    from perisai.reports.victimseal import (
        SubjectKeys,
        contact_binding,
        details_binding,
        open_contact,
        open_details,
        seal_extra,
        seal_victim,
    )

    victims_in_rows = session.scalars(
        select(Victim).where(Victim.key_sealed.is_not(None)).with_for_update()
    ).all()
    report_rows = session.scalars(
        select(ReportVictim)
        .where(ReportVictim.sealed.is_not(None), ReportVictim.key_segment.is_(None))
        .options(selectinload(ReportVictim.report))
        .with_for_update(of=ReportVictim)
    ).all()
    reports = session.scalars(
        select(Report)
        .where(
            Report.key_segment.is_(None),
            Report.details_sealed.is_not(None) | Report.contact_sealed.is_not(None),
        )
        .with_for_update()
    ).all()
    if not victims_in_rows and not report_rows and not reports:
        return 0
    keys = SubjectKeys()
    for victim in victims_in_rows:
        assert victim.key_sealed is not None
        keys.keys[key_subject(victim.public_id)] = unwrap_key(
            keyring, victim.key_sealed, key_binding(victim.public_id)
        )
    resealed = []
    for row in report_rows:
        details = open_victim(keyring, row.report.public_id, row)
        if details is not None:
            resealed.append((row, seal_victim(keys, row.report.public_id, row.position, details)))
    extras: list[tuple[Report, bytes | None, bytes | None]] = []
    for report in reports:
        opened_details = open_details(keyring, report)
        opened_contact = open_contact(keyring, report)
        extras.append((
            report,
            None if opened_details is None
            else seal_extra(keys, details_binding(report.public_id), opened_details),
            None if opened_contact is None
            else seal_extra(keys, contact_binding(report.public_id), opened_contact),
        ))  # fmt: skip
    segment = keyring.subjects().put(keys.keys)  # durable before the rows lose their keys
    for victim in victims_in_rows:
        victim.key_segment, victim.key_sealed = segment, None
    for row, values in resealed:
        row.sealed, row.key_sealed, row.key_segment = values["sealed"], None, segment
    for report, sealed_details, sealed_contact in extras:
        report.details_sealed, report.contact_sealed = sealed_details, sealed_contact
        report.key_segment = segment
    session.flush()
    return len(victims_in_rows) + len(resealed) + len(extras)


# --- the case page ------------------------------------------------------------------------------


def victim_records_of_case(session: Session, viewer: Viewer, case: Any) -> dict[str, Any]:
    """For the case page: the victim records this viewer may open, and the report victims not
    yet linked to a record that this viewer may make one from (no identity in either)."""
    records = [
        victim.public_id
        for victim in victims_of_case(session, case.id)
        if can_see_victim_record(viewer, victim_facts(session, victim))
    ]
    unlinked: list[dict[str, Any]] = []
    if may_create_from_report(viewer, case):
        rows = session.execute(
            select(Report.public_id, ReportVictim.position)
            .join(ReportVictim, ReportVictim.report_id == Report.id)
            .join(CaseReport, CaseReport.report_id == Report.id)
            .outerjoin(VictimReport, VictimReport.report_victim_id == ReportVictim.id)
            .where(
                CaseReport.case_id == case.id,
                VictimReport.id.is_(None),
                ReportVictim.sealed.is_not(None),
            )
            .order_by(Report.public_id, ReportVictim.position)
        ).all()
        unlinked = [{"report_id": pid, "position": pos} for pid, pos in rows]
    return {"records": records, "unlinked": unlinked}


# --- sealing other domains' data under the child's key (shredded with the identity) -------------


def seal_for_victim(keyring: Keyring, victim: Victim, plaintext: bytes, associated: str) -> bytes:
    """Seal ``plaintext`` (e.g. a counselling note) under this child's data key, bound to
    ``associated``: erasing the child destroys the key, and every such value with it.
    VictimConflict when the record was erased."""
    return seal_with_key(_data_key(keyring, victim), plaintext, associated)


def open_for_victim(keyring: Keyring, victim: Victim, sealed: bytes, associated: str) -> bytes:
    """Open a value sealed by :func:`seal_for_victim`; VictimConflict once the child was erased
    (the key is gone), DecryptionError if it was sealed for another owner. Callers authorise the
    read (:func:`may_see`) and audit it."""
    return open_with_key(_data_key(keyring, victim), sealed, associated)
