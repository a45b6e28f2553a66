"""The child's own view (issue 18, item 6): with a code and a secret, only what they agreed to.

The caseworker issues the code from the plan page, with the child: which parts the view may show
(who is helping, the next appointment, how to reach the caseworker), in which language. The
secret is shown once and only its scrypt hash is kept (salted with the code), so a copy of the
database does not open the view. Issuing again replaces the old code; closing the plan ends it.

What the view never shows, whatever was agreed: the child's name, the offender, the report, the
interview, notes, the words "abuse" or "police". It must not hurt if a parent or an offender
picks up the phone.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.audit.service import PUBLIC, record
from perisai.sharing.redaction import Viewer
from perisai.support import policy
from perisai.support.models import SupportPlan
from perisai.support.service import (
    CODE_ALPHABET,
    ENDED,
    SupportProblem,
    refused,
    visible_plan,
)

CODE_PREFIX: Final = "SK-"
SECRET_GROUPS: Final = 3  # XXXX-XXXX-XXXX: 12 symbols of 30, about 59 bits
MAX_CONTACT: Final = 300
# scrypt at n=2**14, r=8 (16 MiB, ~50 ms): a leaked hash is costly to guess, a check is cheap.
_SCRYPT: Final = {"n": 2**14, "r": 8, "p": 1, "dklen": 32, "maxmem": 64 * 1024 * 1024}


@dataclass(frozen=True)
class Issued:
    code: str
    secret: str


@dataclass(frozen=True)
class Helper:
    kind: str  # the service kind: the page words it kindly


@dataclass(frozen=True)
class ChildView:
    lang: str
    helpers: list[Helper] | None  # None: the child did not agree to see this part
    next_appointment: datetime | None
    shows_appointment: bool
    contact: str | None


def normalize_code(code: str) -> str:
    text = code.strip().upper().replace(" ", "")
    if not text.startswith(CODE_PREFIX):
        text = CODE_PREFIX + text.removeprefix("SK")
    return text[:16]


def normalize_secret(secret: str) -> str:
    return "".join(c for c in secret.upper() if c.isalnum())[:64]


def secret_hash(code: str, secret: str) -> str:
    return hashlib.scrypt(
        normalize_secret(secret).encode(), salt=f"perisai-support:{code}".encode(), **_SCRYPT
    ).hex()


def _new_code(session: Session) -> str:
    while True:
        code = CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if session.scalar(select(SupportPlan.id).where(SupportPlan.child_code == code)) is None:
            return code


def _new_secret() -> str:
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(SECRET_GROUPS)
    )
    return "-".join(groups)


def issue(
    session: Session,
    *,
    viewer: Viewer,
    public_id: str,
    helpers: bool,
    appointment: bool,
    contact: bool,
    contact_text: str = "",
    lang: str = "ms",
) -> Issued:
    """A new code and secret for the child (the old ones stop working); shown once."""
    if lang not in ("ms", "en"):
        raise SupportProblem("support.err.lang", 422)
    contact_text = " ".join(contact_text.split())
    if len(contact_text) > MAX_CONTACT or (contact and not contact_text):
        raise SupportProblem("support.err.contact", 422)
    seen = visible_plan(session, viewer, public_id)
    plan = seen.plan
    if not policy.can_steer_plan(viewer, seen.sides, seen.matrix):
        raise refused(session, viewer, "child_code", plan)
    if plan.closed_at is not None:
        raise SupportProblem("support.err.closed", 409)
    code, secret = _new_code(session), _new_secret()
    plan.child_code, plan.child_secret_hash = code, secret_hash(code, secret)
    plan.child_code_issued_at = datetime.now(UTC)
    plan.child_lang = lang
    plan.child_sees_helpers, plan.child_sees_appointment = helpers, appointment
    plan.child_sees_contact = contact
    plan.child_contact = contact_text or None
    session.flush()
    record(
        session,
        actor=viewer.as_actor(),
        action="support.child_code.issue",
        object_type="support_plan",
        object_id=plan.public_id,
        details={"helpers": helpers, "appointment": appointment, "contact": contact},
    )
    return Issued(code=code, secret=secret)


def revoke(session: Session, *, viewer: Viewer, public_id: str) -> SupportPlan:
    seen = visible_plan(session, viewer, public_id)
    plan = seen.plan
    if not policy.can_steer_plan(viewer, seen.sides, seen.matrix):
        raise refused(session, viewer, "child_code", plan)
    plan.child_code = plan.child_secret_hash = None
    session.flush()
    record(
        session,
        actor=viewer.as_actor(),
        action="support.child_code.revoke",
        object_type="support_plan",
        object_id=plan.public_id,
    )
    return plan


def open_view(
    session: Session, *, code: str, secret: str, now: datetime | None = None
) -> ChildView:
    """What the child agreed to see, for the code and secret; "not found" for a wrong pair
    (one answer for both). Each opening is audited as the public's."""
    code = normalize_code(code)
    plan = session.scalars(
        select(SupportPlan).where(SupportPlan.child_code == code, SupportPlan.closed_at.is_(None))
    ).one_or_none()
    # Hash even when no plan has the code, so that timing does not tell codes apart.
    presented = secret_hash(code, secret)
    expected = plan.child_secret_hash if plan is not None else None
    if plan is None or expected is None or not hmac.compare_digest(presented, expected):
        raise SupportProblem("support.child.err.not_found", 404)
    now = now or datetime.now(UTC)
    live = [s for s in plan.services if s.status not in ENDED]
    upcoming = sorted(
        s.appointment_at for s in live if s.appointment_at is not None and s.appointment_at > now
    )
    record(
        session,
        actor=PUBLIC,
        action="support.child_view.read",
        object_type="support_plan",
        object_id=plan.public_id,
    )
    return ChildView(
        lang=plan.child_lang,
        helpers=[Helper(kind=s.kind) for s in live] if plan.child_sees_helpers else None,
        next_appointment=upcoming[0] if upcoming and plan.child_sees_appointment else None,
        shows_appointment=plan.child_sees_appointment,
        contact=plan.child_contact if plan.child_sees_contact else None,
    )
