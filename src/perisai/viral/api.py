"""JSON API of viral clusters under /api/v1/viral: the list, one cluster, and a person's
decision on a proposal. The secretariat's triage desk only (clusters name reports in no case);
anyone else is answered 404, as if there were nothing."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from perisai.http.problems import Problem
from perisai.identity.deps import DbDep, Principal, RuntimeDep, require
from perisai.identity.permissions import Permission
from perisai.sharing.viewers import viewer_of
from perisai.viral import service
from perisai.viral.present import cluster_json, proposal_json, row_json
from perisai.viral.schemas import ConfirmIn, DismissIn

router = APIRouter(prefix="/api/v1/viral", tags=["viral"])
READ = require(Permission.REPORTS_READ)
DECIDE = require(Permission.REPORTS_TRIAGE)
ClusterId = Annotated[str, Path(max_length=24)]
ProposalId = Annotated[int, Path(ge=1, le=2**62)]


def _readable(principal: Principal) -> None:
    if not service.may_read(viewer_of(principal)):
        raise Problem(404, "Not found")


def _problem(exc: Exception) -> Problem:
    if isinstance(exc, service.ViralNotFound):
        return Problem(404, "Not found")
    assert isinstance(exc, service.ViralError)
    errors = [{"field": exc.field, "message": str(exc)}] if exc.field else None
    title = {403: "Not allowed", 409: "Conflict"}.get(exc.status, "Invalid input")
    return Problem(exc.status, title, detail=str(exc), errors=errors)


@router.get("/clusters")
def list_clusters(
    db: DbDep,
    principal: Principal = READ,
    limit: Annotated[int, Query(ge=1, le=service.MAX_LIST)] = 50,
    every: Annotated[bool, Query(description="also clusters that have not gone viral")] = False,
) -> dict[str, Any]:
    """Clusters that went viral, most recent alert first."""
    _readable(principal)
    rows = service.viral_clusters(db, limit=limit, every=every)
    return {"items": [row_json(row) for row in rows]}


@router.get("/clusters/{cluster_id}")
def get_cluster(db: DbDep, cluster_id: ClusterId, principal: Principal = READ) -> dict[str, Any]:
    """One cluster: first seen, platforms, reports, counts per hour, alerts and proposals (a
    merged cluster answers its survivor)."""
    _readable(principal)
    try:
        view = service.cluster_view(db, public_id=cluster_id, actor=principal.actor)
    except service.ViralNotFound as exc:
        raise _problem(exc) from None
    return cluster_json(view)


@router.post("/clusters/{cluster_id}/proposals/{proposal_id}/confirm")
def confirm(
    db: DbDep,
    runtime: RuntimeDep,
    cluster_id: ClusterId,
    proposal_id: ProposalId,
    body: ConfirmIn,
    principal: Principal = DECIDE,
) -> dict[str, Any]:
    """Carry out a proposal: add the hashes to the shared bank, or send the takedown notice."""
    _readable(principal)
    try:
        done = service.confirm_proposal(
            db,
            public_id=cluster_id,
            proposal_id=proposal_id,
            actor=principal.actor,
            bank_name=runtime.settings.viral_bank,
            url=body.url,
        )
    except (service.ViralNotFound, service.ViralError) as exc:
        raise _problem(exc) from None
    return proposal_json(done)


@router.post("/clusters/{cluster_id}/proposals/{proposal_id}/dismiss")
def dismiss(
    db: DbDep,
    cluster_id: ClusterId,
    proposal_id: ProposalId,
    body: DismissIn,
    principal: Principal = DECIDE,
) -> dict[str, Any]:
    """Decide against a proposal, saying why."""
    _readable(principal)
    try:
        done = service.dismiss_proposal(
            db, public_id=cluster_id, proposal_id=proposal_id, actor=principal.actor, note=body.note
        )
    except (service.ViralNotFound, service.ViralError) as exc:
        raise _problem(exc) from None
    return proposal_json(done)
