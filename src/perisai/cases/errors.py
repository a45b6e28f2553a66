"""What case services raise; the API maps them to problem documents."""

from __future__ import annotations


class CaseNotFound(LookupError):
    """No such case (or task, referral, takedown) — or the caller may not know it exists."""


class CaseConflict(ValueError):
    """The change is not allowed in the item's current state (message says why)."""


class NotPermitted(PermissionError):
    """The caller may not do this (e.g. answer a referral made to another agency); the message
    says who may, and ``action`` names the policy's action (cases/policy.py)."""

    def __init__(self, message: str, action: str | None = None) -> None:
        super().__init__(message)
        self.action = action
