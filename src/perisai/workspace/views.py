"""Workspace pages: the triage queue (live), a report, evidence previews and the dashboard."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from starlette.responses import Response

from perisai.cases.policy import Action, allowed_actions
from perisai.cases.service import case_of_report
from perisai.identity.agencies import SECRETARIAT
from perisai.identity.deps import DbDep, Principal, RuntimeDep, check_csrf, require
from perisai.identity.permissions import Permission
from perisai.identity.views import add_home_link
from perisai.reports.evidence import EvidenceError, read_blob
from perisai.reports.models import ReportFile
from perisai.reports.schemas import IncidentType
from perisai.sharing.redaction import (
    NotVisible,
    authorize_reveal,
)
from perisai.sharing.viewers import viewer_of
from perisai.support.measures import measures as support_measures
from perisai.triage.service import COUNT_CAP, MAX_SEARCH, QUEUE_STATUSES, QueueFilter
from perisai.web.templating import render
from perisai.workspace import auditviews, caseviews, userviews
from perisai.workspace import text as _text  # noqa: F401 - registers the strings
from perisai.workspace.access import access_of, page_context, visible_report
from perisai.workspace.charts import Series, bar_chart
from perisai.workspace.dashboard import (
    DEFAULT_WINDOW,
    WINDOWS,
    agency_figures,
    backlog,
    priority_figures,
    targets,
    window_start,
)
from perisai.workspace.preview import PreviewError, blurred_preview, revealed_view
from perisai.workspace.provenance import ai_share
from perisai.workspace.queue import queue_page
from perisai.workspace.reasons import reason_text

TEMPLATES_DIR = Path(__file__).parent / "templates"
router = APIRouter(include_in_schema=False, prefix="/workspace")
INCIDENT_TYPES = tuple(kind.value for kind in IncidentType)
CsrfField = Annotated[str, Form(max_length=128)]
Cursor = Annotated[str | None, Query(max_length=200)]

add_home_link(Permission.REPORTS_READ, "/workspace/queue", "home.ws.queue")
add_home_link(Permission.DASHBOARD_VIEW, "/workspace/dashboard", "home.ws.dashboard")
router.include_router(caseviews.router)
router.include_router(auditviews.router)
router.include_router(userviews.router)


def _page_context(principal: Principal) -> dict[str, object]:
    return page_context(principal)


QUEUE_AGENCIES = ("none", SECRETARIAT, *caseviews.REFER_TO)
Short = Annotated[str, Query(max_length=40)]
Search = Annotated[str, Query(max_length=MAX_SEARCH)]


@dataclass(frozen=True)
class QueueAsk:
    """The queue's filters as the page's query string gives them (unknown values ignored)."""

    priority: str = ""
    status: str = "open"
    agency: str = ""
    incident: str = ""
    q: str = ""

    def filters(self) -> QueueFilter:
        priority = self.priority.upper().removeprefix("P")
        return QueueFilter(
            priority=int(priority) if priority in ("1", "2", "3", "4") else None,
            status=self.status if self.status in QUEUE_STATUSES else "open",
            agency=self.agency if self.agency in QUEUE_AGENCIES else None,
            incident_type=self.incident if self.incident in INCIDENT_TYPES else None,
            search=self.q.strip() or None,
        )

    def query(self, **extra: str) -> str:
        """This filter as a query string (for the paging links and the live refresh)."""
        chosen = self.filters()
        pairs = {
            "priority": f"P{chosen.priority}" if chosen.priority else "",
            "status": chosen.status if chosen.status != "open" else "",
            "agency": chosen.agency or "",
            "incident": chosen.incident_type or "",
            "q": chosen.search or "",
            **extra,
        }
        return urlencode({k: v for k, v in pairs.items() if v})

    @property
    def narrowed(self) -> bool:
        return self.query() != ""


def _ask(
    priority: Short = "",
    status: Short = "open",
    agency: Short = "",
    incident: Short = "",
    q: Search = "",
) -> QueueAsk:
    return QueueAsk(priority=priority, status=status, agency=agency, incident=incident, q=q)


AskDep = Annotated[QueueAsk, Depends(_ask)]


@router.get("/queue")
def queue(
    request: Request,
    db: DbDep,
    ask: AskDep,
    cursor: Cursor = None,
    before: Cursor = None,
    principal: Principal = require(Permission.REPORTS_READ),
) -> Response:
    page = queue_page(
        db,
        viewer=viewer_of(principal),
        cursor=cursor,
        before=before,
        filters=ask.filters(),
        count=True,
    )
    return render(
        request,
        "workspace/queue.html",
        {
            **_page_context(principal),
            "rows": page.rows,
            "page": page,
            "ask": ask,
            "chosen": ask.filters(),
            "statuses": QUEUE_STATUSES,
            "agencies": QUEUE_AGENCIES,
            "incidents": INCIDENT_TYPES,
            "now": datetime.now(UTC),
            "paged": bool(cursor or before),
            "count_cap": COUNT_CAP,
        },
    )


@router.get("/queue/rows")
def queue_rows(
    request: Request,
    db: DbDep,
    ask: AskDep,
    cursor: Cursor = None,
    principal: Principal = require(Permission.REPORTS_READ),
) -> Response:
    """The table body alone, for HTMX refreshes (live updates swap it in place)."""
    page = queue_page(db, viewer=viewer_of(principal), cursor=cursor, filters=ask.filters())
    return render(
        request,
        "workspace/_queue_rows.html",
        {"rows": page.rows, "now": datetime.now(UTC), "reason_text": reason_text},
    )


@router.get("/reports/{public_id}")
def report_page(
    request: Request,
    db: DbDep,
    public_id: str,
    principal: Principal = require(Permission.REPORTS_READ),
) -> Response:
    loaded, shown, may_reveal = visible_report(db, principal, public_id)
    case = case_of_report(db, loaded.id)
    # Referring a report in a case is the case policy's call; one in no case opens a case.
    may_refer = case is None or Action.REFER.value in allowed_actions(principal.actor, case)
    return render(
        request,
        "workspace/report.html",
        {
            **_page_context(principal),
            "report": shown,
            "can_reveal": may_reveal,
            "may_refer": may_refer,
            "done": caseviews.done_of(request),
            "refer_to": caseviews.REFER_TO,
        },
    )


def _file_of(db: DbDep, report_id: int, file_id: int) -> ReportFile:
    found = db.get(ReportFile, file_id)
    if found is None or found.blob_path is None or found.report_id != report_id:
        raise HTTPException(404)
    return found


def _png(body: bytes) -> Response:
    return Response(
        body,
        media_type="image/png",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


@router.get("/reports/{public_id}/files/{file_id}/preview.png")
def evidence_preview(
    db: DbDep,
    runtime: RuntimeDep,
    public_id: str,
    file_id: int,
    principal: Principal = require(Permission.REPORTS_READ),
) -> Response:
    """The blurred greyscale thumbnail, made in memory on each request and not cached."""
    loaded, _, _ = visible_report(db, principal, public_id)
    stored = _file_of(db, loaded.id, file_id)
    assert stored.blob_path is not None
    try:
        chunks = read_blob(runtime.settings.evidence_dir / stored.blob_path, runtime.keyring)
        return _png(blurred_preview(chunks))
    except (PreviewError, EvidenceError, OSError):
        raise HTTPException(422) from None


@router.post("/reports/{public_id}/files/{file_id}/reveal")
def evidence_reveal(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    public_id: str,
    file_id: int,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.REPORTS_READ),
) -> Response:
    """An audited reveal: answers an HTML fragment holding the greyscale image as a data URI."""
    assert principal.user_session is not None
    check_csrf(principal.user_session.csrf_token, csrf_token)
    loaded, _, _ = visible_report(db, principal, public_id)
    stored = _file_of(db, loaded.id, file_id)
    case = case_of_report(db, loaded.id)
    try:
        authorize_reveal(
            db,
            viewer_of(principal),
            access_of(case),
            object_type="report_file",
            object_id=stored.id,
            case_id=case.id if case is not None else None,
        )
    except NotVisible:
        # Answered, not raised, so that the audited denial commits with the request.
        return Response(status_code=403)
    assert stored.blob_path is not None
    try:
        chunks = read_blob(runtime.settings.evidence_dir / stored.blob_path, runtime.keyring)
        body = revealed_view(chunks)
    except (PreviewError, EvidenceError, OSError):
        raise HTTPException(422) from None
    data_uri = "data:image/png;base64," + base64.b64encode(body).decode("ascii")
    response = render(request, "workspace/_revealed.html", {"file": stored, "data_uri": data_uri})
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/dashboard")
def dashboard(
    request: Request,
    db: DbDep,
    window: Annotated[str, Query(max_length=8)] = DEFAULT_WINDOW,
    principal: Principal = require(Permission.DASHBOARD_VIEW),
) -> Response:
    window = window if window in WINDOWS else DEFAULT_WINDOW
    now = datetime.now(UTC)
    since = window_start(window, now)
    figures = priority_figures(db, since)
    categories = [f"P{f.priority}" for f in figures]
    review = bar_chart(
        categories,
        [
            Series("p50", [f.review_p50 for f in figures]),
            Series("p90", [f.review_p90 for f in figures]),
        ],
    )
    action = bar_chart(
        categories,
        [
            Series("p50", [f.action_p50 for f in figures]),
            Series("p90", [f.action_p90 for f in figures]),
        ],
    )
    agencies = agency_figures(db, since)
    agency_chart = bar_chart(
        [a.agency for a in agencies],
        [
            Series("p50", [a.to_referral_p50 for a in agencies]),
            Series("p90", [a.to_referral_p90 for a in agencies]),
        ],
    )
    response_chart = bar_chart(
        [a.agency for a in agencies],
        [
            Series("p50", [a.response_p50 for a in agencies]),
            Series("p90", [a.response_p90 for a in agencies]),
        ],
    )
    return render(
        request,
        "workspace/dashboard.html",
        {
            **_page_context(principal),
            "figures": figures,
            "review_chart": review,
            "action_chart": action,
            "agencies": agencies,
            "agency_chart": agency_chart,
            "response_chart": response_chart,
            "ai_share": ai_share(db, since),
            "window": window,
            "windows": list(WINDOWS),
            "since": since,
            "backlog": backlog(db, now),
            "targets": targets(db, since),
            # Barnahus measures of victim support (perisai.support.measures), same window.
            "support_measures": support_measures(db, now=now, since=since),
        },
    )
