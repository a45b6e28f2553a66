"""What case services raise; the API maps them to problem documents."""

from __future__ import annotations


class CaseNotFound(LookupError):
    """No such case (or task, referral, takedown) — or the caller may not know it exists."""


class CaseConflict(ValueError):
    """The change is not allowed in the item's current state (message says why)."""


class NotPermitted(PermissionError):
    """The caller may not do this (e.g. answer a referral made to another agency)."""
