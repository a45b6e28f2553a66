"""Detection endpoints for platforms: grooming-risk scoring.

The engine is the pure `perisai.grooming` library; this module is its HTTP face. Chat text sent
here is scored and forgotten: it is not stored and not logged (only counts are audited).
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, Request

from perisai.audit.service import record
from perisai.grooming import (
    GroomingInputError,
    assessment_to_dict,
    conversation_from_dict,
    default_scorer,
)
from perisai.http.problems import Problem
from perisai.http.ratelimit import RateLimiter
from perisai.identity.deps import DbDep, Principal, require_scope
from perisai.identity.permissions import Scope

router = APIRouter(prefix="/api/v1/grooming", tags=["detection"])

SCORE_RATE_PER_SECOND = 20.0
SCORE_BURST = 40


def _limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter | None = getattr(request.app.state, "grooming_limiter", None)
    if limiter is None:
        limiter = RateLimiter(rate_per_second=SCORE_RATE_PER_SECOND, burst=SCORE_BURST)
        request.app.state.grooming_limiter = limiter
    return limiter


@router.post("/score")
async def score_conversation(
    request: Request,
    db: DbDep,
    principal: Principal = require_scope(Scope.GROOMING_SCORE),
) -> dict[str, Any]:
    """Score one conversation `{"id", "messages": [{"author", "text", "sent_at"?}], "hints"?}`."""
    allowed, retry_after = _limiter(request).allow(f"apikey:{principal.actor.id}")
    if not allowed:
        raise Problem(
            429,
            "Too many requests",
            "Slow down and retry later.",
            headers={"Retry-After": str(max(1, math.ceil(retry_after)))},
        )
    try:
        body = await request.json()
    except ValueError:
        raise Problem(400, "Body is not JSON", kind="malformed-json") from None
    if not isinstance(body, dict):
        raise Problem(
            422,
            "Invalid conversation",
            errors=[{"field": "body", "message": "must be a JSON object"}],
        )
    try:
        conversation = conversation_from_dict(body)
    except GroomingInputError as exc:
        raise Problem(422, "Invalid conversation", str(exc)) from None
    result = assessment_to_dict(default_scorer().score(conversation))
    record(
        db,
        actor=principal.actor,
        action="grooming.score",
        object_type="conversation",
        details={"messages": len(conversation.messages), "flag": result["flag"]},
    )
    return result
