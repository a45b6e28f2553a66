"""`GET /api/v1/links`: the linkage answer for one identifier (session with `reports:read`).

Every call is audited by the service. A malformed identifier is a 422 naming the field.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from perisai.http.problems import Problem
from perisai.identifiers import Identifier, IdentifierError
from perisai.identity.deps import DbDep, Principal, require
from perisai.identity.permissions import Permission
from perisai.linkage.detect import LOOKUP_KINDS, parse_identifier
from perisai.linkage.service import lookup
from perisai.sharing.viewers import viewer_of

router = APIRouter(prefix="/api/v1/links", tags=["linkage"])
READER = require(Permission.REPORTS_READ)

IdentifierText = Annotated[
    str, Query(min_length=1, max_length=2048, description="The identifier, as written anywhere.")
]
KindText = Annotated[
    str | None, Query(max_length=16, description=f"One of {', '.join(LOOKUP_KINDS)}; else guessed.")
]
PlatformText = Annotated[
    str | None, Query(max_length=255, description="The platform of a username.")
]


def parsed_or_problem(identifier: str, kind: str | None, platform: str | None) -> Identifier:
    try:
        return parse_identifier(identifier, kind=kind or None, platform=platform or None)
    except IdentifierError as exc:
        field = exc.field if exc.field in ("kind", "platform") else "identifier"
        raise Problem(
            422,
            "Invalid identifier",
            str(exc),
            errors=[{"field": field, "message": exc.message}],
            kind="validation",
        ) from None


@router.get("")
def links(
    db: DbDep,
    identifier: IdentifierText,
    kind: KindText = None,
    platform: PlatformText = None,
    principal: Principal = READER,
) -> dict[str, Any]:
    """Reports carrying the identifier, the identifiers and media joining them, and a timeline."""
    parsed = parsed_or_problem(identifier, kind, platform)
    return lookup(db, actor=principal.actor, identifier=parsed, viewer=viewer_of(principal))
