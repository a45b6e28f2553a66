"""`/workspace/audit`: the audit log for auditors (searchable, paged) and the chain's status.

Reading the log is itself audited (what was searched); verifying the chain is a POST that
re-walks it against the signed heads and records the outcome, which the page then shows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from perisai.audit.service import record
from perisai.identity.deps import DbDep, Principal, RuntimeDep, check_csrf, require
from perisai.identity.permissions import Permission
from perisai.identity.views import add_home_link
from perisai.web.templating import render
from perisai.web.timefmt import parse_local_date
from perisai.workspace.access import page_context
from perisai.workspace.auditlog import VERIFIED, AuditSearch, last_verification, search_log

router = APIRouter(include_in_schema=False)  # mounted under /workspace by views.py
Field = Annotated[str, Query(max_length=200)]
DateField = Annotated[str, Query(max_length=10)]
IdField = Annotated[int | None, Query(ge=1, le=2**62)]

add_home_link(Permission.AUDIT_READ, "/workspace/audit", "home.ws.audit")


def _day(text: str, *, end: bool) -> datetime | None:
    """A picked Malaysian day: its first minute (from) or its last (until); garbage is ignored."""
    try:
        last_minute = parse_local_date(text[:10]) if len(text.strip()) == 10 else None
    except ValueError:
        return None
    if last_minute is None or end:
        return last_minute
    return last_minute - timedelta(hours=23, minutes=59)


@router.get("/audit")
def audit_page(
    request: Request,
    db: DbDep,
    action: Field = "",
    actor: Field = "",
    agency: Field = "",
    object_id: Field = "",
    q: Field = "",
    since: DateField = "",
    until: DateField = "",
    older: IdField = None,
    newer: IdField = None,
    principal: Principal = require(Permission.AUDIT_READ),
) -> Response:
    search = AuditSearch(
        action=action.strip(),
        actor=actor.strip(),
        agency=agency.strip(),
        object_id=object_id.strip(),
        text=q.strip(),
        since=_day(since, end=False),
        until=_day(until, end=True),
    )
    page = search_log(db, search, older_than=older, newer_than=newer)
    if search.narrowed or older or newer:
        record(
            db,
            actor=principal.actor,
            action="audit.searched",
            object_type="audit_log",
            object_id=None,
            details={
                "action": search.action,
                "actor": search.actor,
                "agency": search.agency,
                "object_id": search.object_id,
                "text": search.text,
                "since": since,
                "until": until,
            },
        )
    form = {
        "action": action,
        "actor": actor,
        "agency": agency,
        "object_id": object_id,
        "q": q,
        "since": since,
        "until": until,
    }
    return render(
        request,
        "workspace/audit.html",
        {
            **page_context(principal),
            "page": page,
            "form": form,
            "query": {k: v for k, v in form.items() if v},
            "verification": last_verification(db),
            "verified_action": VERIFIED,
        },
    )


@router.post("/audit/verify")
def audit_verify(
    db: DbDep,
    runtime: RuntimeDep,
    csrf_token: Annotated[str, Form(max_length=128)],
    principal: Principal = require(Permission.AUDIT_READ),
) -> Response:
    """Re-walk the chain against the signed heads now; the outcome is recorded and shown."""
    from perisai.audit.anchors import AnchorError, read_heads, verify_anchored
    from perisai.audit.keys import signing_key

    assert principal.user_session is not None
    check_csrf(principal.user_session.csrf_token, csrf_token)
    try:
        heads = read_heads(runtime.settings.audit_heads_path)
        result = verify_anchored(db, signing_key(runtime), heads).as_dict()
    except AnchorError as exc:
        result = {"ok": False, "entries": None, "reason": str(exc)}
    result.pop("head", None)
    record(
        db,
        actor=principal.actor,
        action=VERIFIED,
        object_type="audit_log",
        object_id=None,
        details=result,
    )
    return RedirectResponse("/workspace/audit?verified=1", status_code=303)
