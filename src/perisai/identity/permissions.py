"""Permissions and API scopes, and which role holds which permission.

Every route declares what it needs (see :mod:`perisai.identity.deps`); a test walks all routes
and fails when one declares nothing.
"""

from __future__ import annotations

import enum

from perisai.identity.models import Role


class Permission(enum.StrEnum):
    HOME_VIEW = "home:view"
    USERS_MANAGE = "users:manage"
    APIKEYS_MANAGE = "apikeys:manage"
    AUDIT_READ = "audit:read"
    REPORTS_READ = "reports:read"
    REPORTS_TRIAGE = "reports:triage"
    CASES_READ = "cases:read"
    CASES_WRITE = "cases:write"
    EVIDENCE_REVEAL = "evidence:reveal"
    VICTIMS_READ = "victims:read"
    VICTIMS_ERASE = "victims:erase"  # crypto-shred a child's identity (perisai.victims)
    BANKS_MANAGE = "banks:manage"
    DASHBOARD_VIEW = "dashboard:view"
    CLASS_SESSIONS = "education:class-sessions"  # start class quizzes, see their aggregates
    EDUCATION_STATS = "education:district-stats"  # aggregates per district, never per child


class Scope(enum.StrEnum):
    """What an API key may do."""

    REPORTS_SUBMIT = "reports:submit"
    MEDIA_MATCH = "media:match"
    GROOMING_SCORE = "grooming:score"
    AGE_VERIFY = "age:verify"
    EVENTS_READ = "events:read"
    BANKS_WRITE = "banks:write"


_ANALYST = {
    Permission.HOME_VIEW,
    Permission.REPORTS_READ,
    Permission.REPORTS_TRIAGE,
    Permission.CASES_READ,
    Permission.CASES_WRITE,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ANALYST: frozenset(_ANALYST),
    Role.INVESTIGATOR: frozenset(
        _ANALYST | {Permission.EVIDENCE_REVEAL, Permission.VICTIMS_READ, Permission.BANKS_MANAGE}
    ),
    Role.SUPERVISOR: frozenset(_ANALYST | {Permission.DASHBOARD_VIEW, Permission.VICTIMS_ERASE}),
    Role.CASEWORKER: frozenset(
        {
            Permission.HOME_VIEW,
            Permission.CASES_READ,
            Permission.CASES_WRITE,
            Permission.VICTIMS_READ,
        }
    ),
    Role.AUDITOR: frozenset(
        {Permission.HOME_VIEW, Permission.AUDIT_READ, Permission.DASHBOARD_VIEW}
    ),
    Role.ADMIN: frozenset(
        {
            Permission.HOME_VIEW,
            Permission.USERS_MANAGE,
            Permission.APIKEYS_MANAGE,
            Permission.AUDIT_READ,
            Permission.BANKS_MANAGE,
        }
    ),
    Role.TEACHER: frozenset({Permission.HOME_VIEW, Permission.CLASS_SESSIONS}),
    Role.MOE_OFFICER: frozenset({Permission.HOME_VIEW, Permission.EDUCATION_STATS}),
}


def role_has(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def parse_scopes(text: str) -> list[Scope]:
    """``"reports:submit,media:match"`` → scopes; unknown names raise ValueError naming them."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise ValueError("at least one scope is needed")
    known = {scope.value for scope in Scope}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(
            f"unknown scope(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    return [Scope(name) for name in dict.fromkeys(names)]
