"""Who may steer a case: one table of action × standing × role (issue #11, items 1 and 2).

Read the table top to bottom; nothing else in the code decides who may assign, refer, merge,
split, close or reopen a case, or who is granted the victims' identity.

A person's *standing* on a case comes from their agency:

- ``secretariat`` — the task force's Secretariat, which steers every case;
- ``lead``        — the case's lead agency (set when the Secretariat first assigns an agency);
- ``working``     — another agency with an active assignment (a referral it accepted);
- ``referred``    — an agency with a referral it has not answered yet (it may only answer);
- ``none``        — anyone else (who does not see the case at all: the API answers 404 first).

The Secretariat and the lead agency steer a case. A referred agency works only its own referral,
after accepting it: it adds notes, tasks and takedowns, and its supervisor names its own members
(and grants them victim access); it never assigns another agency, merges, splits, closes or
reopens. Widening who sees a case goes through the Secretariat or the referral/acceptance step.
Closing is reversible by a supervisor with a reason. Our own jobs (the system actor) are not
limited by this table.

Victim identity is seen only by people holding a grant on the case, and only a JKM caseworker or
a PDRM investigator may hold one (SECURITY.md).
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Protocol

from perisai.audit.service import Actor
from perisai.cases.errors import NotPermitted
from perisai.identity.agencies import SECRETARIAT
from perisai.identity.models import Role

# Who may hold a victim-access grant: (agency, role).
VICTIM_ACCESS_HOLDERS = frozenset(
    {("JKM", Role.CASEWORKER.value), ("PDRM", Role.INVESTIGATOR.value)}
)


class Action(enum.StrEnum):
    ASSIGN_AGENCY = "assign_agency"  # put an agency on the case, or make it the lead
    ASSIGN_MEMBER = "assign_member"  # name a member of an agency already working the case
    REFER = "refer"  # ask another agency to work the case (it accepts or declines)
    ANSWER_REFERRAL = "answer_referral"  # accept or decline a referral made to one's agency
    MERGE = "merge"  # of every case involved
    SPLIT = "split"
    PROGRESS = "progress"  # a status change short of closing (triage, investigating…)
    CLOSE = "close"
    REOPEN = "reopen"  # with a reason
    GRANT_VICTIM_ACCESS = "grant_victim_access"
    REVOKE_VICTIM_ACCESS = "revoke_victim_access"
    WORK = "work"  # notes, tasks, takedowns, confirming a linked report


class Standing(enum.StrEnum):
    SECRETARIAT = "secretariat"
    LEAD = "lead"
    WORKING = "working"
    REFERRED = "referred"
    NONE = "none"


ANALYST, INVESTIGATOR = Role.ANALYST, Role.INVESTIGATOR
SUPERVISOR, CASEWORKER = Role.SUPERVISOR, Role.CASEWORKER
_STEER = frozenset({ANALYST, SUPERVISOR})  # the Secretariat's triage desk
_WRITERS = frozenset({ANALYST, INVESTIGATOR, SUPERVISOR, CASEWORKER})  # every role with cases:write

# The policy. A standing (or role) not listed may not do the action.
RULES: Mapping[Action, Mapping[Standing, frozenset[Role]]] = {
    Action.ASSIGN_AGENCY: {Standing.SECRETARIAT: _STEER},
    # lead/working: members of one's own agency only (see OWN_AGENCY_ONLY)
    Action.ASSIGN_MEMBER: {
        Standing.SECRETARIAT: _STEER,
        Standing.LEAD: frozenset({SUPERVISOR}),
        Standing.WORKING: frozenset({SUPERVISOR}),
    },
    Action.REFER: {
        Standing.SECRETARIAT: _STEER,
        Standing.LEAD: frozenset({SUPERVISOR, INVESTIGATOR}),
    },
    # only an agency with a pending referral to it, whatever else it is on the case
    Action.ANSWER_REFERRAL: {Standing.REFERRED: _WRITERS},
    # of every case involved
    Action.MERGE: {
        Standing.SECRETARIAT: _STEER,
        Standing.LEAD: frozenset({SUPERVISOR}),
    },
    Action.SPLIT: {
        Standing.SECRETARIAT: _STEER,
        Standing.LEAD: frozenset({SUPERVISOR}),
    },
    Action.PROGRESS: {
        Standing.SECRETARIAT: _STEER,
        Standing.LEAD: frozenset({SUPERVISOR, INVESTIGATOR, CASEWORKER}),
    },
    Action.CLOSE: {
        Standing.SECRETARIAT: _STEER,
        Standing.LEAD: frozenset({SUPERVISOR, INVESTIGATOR}),
    },
    # with a reason; a case closed by merging is not reopened (split the case it went into)
    Action.REOPEN: {
        Standing.SECRETARIAT: frozenset({SUPERVISOR}),
        Standing.LEAD: frozenset({SUPERVISOR}),
    },
    Action.GRANT_VICTIM_ACCESS: {
        Standing.SECRETARIAT: _STEER,
        Standing.LEAD: frozenset({SUPERVISOR}),
        Standing.WORKING: frozenset({SUPERVISOR}),
    },
    Action.REVOKE_VICTIM_ACCESS: {
        Standing.SECRETARIAT: _STEER,
        Standing.LEAD: frozenset({SUPERVISOR}),
        Standing.WORKING: frozenset({SUPERVISOR}),
    },
    Action.WORK: {
        Standing.SECRETARIAT: _WRITERS,
        Standing.LEAD: _WRITERS,
        Standing.WORKING: _WRITERS,
    },
}

# For these, an agency other than the Secretariat acts only on its own members.
OWN_AGENCY_ONLY = frozenset(
    {Action.ASSIGN_MEMBER, Action.GRANT_VICTIM_ACCESS, Action.REVOKE_VICTIM_ACCESS}
)

_WORDS = {
    Action.ASSIGN_AGENCY: "assigning an agency to a case",
    Action.ASSIGN_MEMBER: "naming a member to work a case",
    Action.REFER: "referring a case",
    Action.ANSWER_REFERRAL: "answering a referral",
    Action.MERGE: "merging cases",
    Action.SPLIT: "splitting a case",
    Action.PROGRESS: "changing a case's status",
    Action.CLOSE: "closing a case",
    Action.REOPEN: "reopening a closed case",
    Action.GRANT_VICTIM_ACCESS: "granting access to the victims' identity",
    Action.REVOKE_VICTIM_ACCESS: "revoking access to the victims' identity",
    Action.WORK: "working on a case (notes, tasks, takedowns)",
}
_STANDING_WORDS = {
    Standing.SECRETARIAT: "the Secretariat",
    Standing.LEAD: "the lead agency",
    Standing.WORKING: "an agency working its accepted referral",
    Standing.REFERRED: "an agency whose referral is not accepted yet",
    Standing.NONE: "an agency not on the case",
}


@dataclass(frozen=True)
class CaseSides:
    """What the policy reads of a case (``Case`` has these as properties)."""

    lead_agency_name: str | None
    working_agencies: frozenset[str]
    pending_agencies: frozenset[str]
    is_open: bool = True


class HasSides(Protocol):
    """Structural: anything with the three attributes of :class:`CaseSides` (e.g. ``Case``)."""

    @property
    def lead_agency_name(self) -> str | None: ...

    @property
    def working_agencies(self) -> Collection[str]: ...

    @property
    def pending_agencies(self) -> Collection[str]: ...

    @property
    def is_open(self) -> bool: ...


@dataclass(frozen=True)
class Decision:
    allowed: bool
    action: Action
    reason: str  # for the 403 problem document and the audit entry


def standing_of(agency: str | None, case: HasSides) -> Standing:
    if agency is None:
        return Standing.NONE
    if agency == SECRETARIAT:
        return Standing.SECRETARIAT
    if agency == case.lead_agency_name:
        return Standing.LEAD
    if agency in case.working_agencies:
        return Standing.WORKING
    if agency in case.pending_agencies:
        return Standing.REFERRED
    return Standing.NONE


def _who_may(action: Action) -> str:
    parts = []
    for standing, roles in RULES[action].items():
        names = ", ".join(sorted(r.value for r in roles))
        parts.append(f"{_STANDING_WORDS[standing]} ({names})")
    return "; ".join(parts) if parts else "nobody"


def decide(
    actor: Actor, action: Action, case: HasSides, *, target_agency: str | None = None
) -> Decision:
    """May ``actor`` do ``action`` on ``case`` (``target_agency``: whose member is named)?"""
    if actor.kind == "system":
        return Decision(True, action, "system")
    if actor.kind != "user" or actor.role is None:
        return Decision(False, action, f"{_WORDS[action]} is for staff users")
    standing = standing_of(actor.agency, case)
    if action is Action.ANSWER_REFERRAL:
        pending = actor.agency in case.pending_agencies
        standing = Standing.REFERRED if pending else Standing.NONE
    try:
        role = Role(actor.role)
    except ValueError:
        role = None
    roles = RULES[action].get(standing, frozenset())
    if role not in roles:
        return Decision(
            False,
            action,
            f"{_WORDS[action]} is for {_who_may(action)}; you are {actor.role} of "
            f"{actor.agency}, {_STANDING_WORDS[standing]}",
        )
    if (
        action in OWN_AGENCY_ONLY
        and standing is not Standing.SECRETARIAT
        and target_agency is not None
        and target_agency != actor.agency
    ):
        return Decision(
            False,
            action,
            f"{_WORDS[action]}: an agency other than the Secretariat acts only on its own "
            f"members ({actor.agency}), not on {target_agency}",
        )
    return Decision(True, action, f"{actor.role} of {_STANDING_WORDS[standing]}")


def require(
    actor: Actor, action: Action, case: HasSides, *, target_agency: str | None = None
) -> None:
    """NotPermitted (→ 403 with the reason) unless the table lets ``actor`` do ``action``."""
    decision = decide(actor, action, case, target_agency=target_agency)
    if not decision.allowed:
        raise NotPermitted(decision.reason, action=action.value)


def allowed_actions(actor: Actor, case: HasSides) -> list[str]:
    """The actions ``actor`` may take on ``case`` now (for pages and the API: which buttons).

    A closed case can only be reopened (notes stay allowed on it).
    """
    possible = [a for a in Action if case.is_open] or [Action.REOPEN, Action.WORK]
    if case.is_open:
        possible.remove(Action.REOPEN)
    return [action.value for action in possible if decide(actor, action, case).allowed]


def may_hold_victim_access(agency: str, role: str) -> bool:
    return (agency, role) in VICTIM_ACCESS_HOLDERS
