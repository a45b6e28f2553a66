"""`/api/v1/age`: presentation requests, verification and policy for platforms (`age:verify`).

`POST /verify` answers `{"over": N, "result": true | false | "unknown"}` and nothing else: no
claim, no reason, no expiry. The presentation is verified in memory and dropped; the audit log
records that a check happened, its format and result (counts), never what was presented.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from sqlalchemy.orm import Session

from perisai.age import TrustFileError, TrustList, load_trust_files
from perisai.ageverify import service
from perisai.ageverify.schemas import (
    FEATURE_PATTERN,
    FeaturePolicy,
    PolicyIn,
    RequestIn,
    RequestOut,
    VerifyIn,
    VerifyOut,
)
from perisai.audit.service import record
from perisai.http.problems import Problem
from perisai.http.ratelimit import RateLimiter
from perisai.identity.deps import DbDep, Principal, require_scope
from perisai.identity.permissions import Scope

router = APIRouter(prefix="/api/v1/age", tags=["age"])
Feature = Annotated[str, PathParam(pattern=FEATURE_PATTERN)]
RATE_PER_SECOND = 50.0
BURST = 100


def _limit(request: Request, principal: Principal) -> int:
    """The caller's API key id, once it is within its rate."""
    if principal.api_key is None:
        raise Problem(403, "Age checks are for platforms' API keys")
    limiter: RateLimiter | None = getattr(request.app.state, "age_limiter", None)
    if limiter is None:
        limiter = request.app.state.age_limiter = RateLimiter(
            rate_per_second=RATE_PER_SECOND, burst=BURST
        )
    allowed, retry_after = limiter.allow(f"apikey:{principal.api_key.id}")
    if not allowed:
        raise Problem(
            429,
            "Too many requests",
            "Slow down and retry later.",
            headers={"Retry-After": str(max(1, math.ceil(retry_after)))},
        )
    return principal.api_key.id


def _trust(request: Request) -> TrustList:
    trust: TrustList | None = getattr(request.app.state, "age_trust", None)
    if trust is None:
        files = request.app.state.runtime.settings.age_trust_files
        try:
            trust = load_trust_files(Path(p) for p in files.split(":") if p)
        except TrustFileError:
            raise Problem(503, "Age verification is misconfigured", kind="age-untrusted") from None
        request.app.state.age_trust = trust
    if not trust:
        raise Problem(503, "No age-attestation issuer is trusted yet", kind="age-untrusted")
    return trust


@router.post("/requests", status_code=201)
def create_request(
    body: RequestIn,
    request: Request,
    db: DbDep,
    principal: Principal = require_scope(Scope.AGE_VERIFY),
) -> RequestOut:
    """A single-use presentation request: its nonce (shown once), the age asked, an OpenID4VP
    request object. Not idempotent on purpose: a retry gets a fresh request."""
    key_id = _limit(request, principal)
    created = service.create_request(db, api_key_id=key_id, data=body)
    return RequestOut(
        request_id=created.request_id,
        nonce=created.nonce,
        over=created.policy.min_age,
        on_unknown=created.policy.on_unknown,
        expires_at=created.expires_at.isoformat(),
        request_object=created.request_object,
    )


@router.post("/verify")
def verify(
    body: VerifyIn,
    request: Request,
    db: DbDep,
    principal: Principal = require_scope(Scope.AGE_VERIFY),
) -> VerifyOut:
    """Verify a wallet's response to one request: `{"over", "result"}` and nothing else."""
    key_id = _limit(request, principal)
    trust = _trust(request)
    try:
        row = service.consume(db, api_key_id=key_id, request_id=body.request_id, nonce=body.nonce)
    except service.RequestNotFound:
        raise Problem(404, "No such request", kind="age-request-unknown") from None
    except service.RequestUsed:
        raise Problem(409, "This request was answered already", kind="age-request-used") from None
    except service.RequestExpired:
        raise Problem(410, "This request has expired", kind="age-request-expired") from None
    outcome = service.verify(
        row, nonce=body.nonce, format=body.format, vp_token=body.vp_token, trust=trust
    )
    result = outcome.result if isinstance(outcome.result, str) else str(outcome.result).lower()
    details = {"format": outcome.format, "over": outcome.over, "result": result}
    _audit(db, principal, body.request_id, {**details, "reason": outcome.reason})
    return VerifyOut(over=outcome.over, result=outcome.result)


def _audit(db: Session, principal: Principal, request_id: str, details: dict[str, object]) -> None:
    record(
        db,
        actor=principal.actor,
        action="age.verify",
        object_type="age_request",
        object_id=request_id,
        details=details,
    )


@router.get("/policy")
def get_policy(
    request: Request, db: DbDep, principal: Principal = require_scope(Scope.AGE_VERIFY)
) -> dict[str, FeaturePolicy]:
    """This platform's minimum age per feature (account creation: 16 unless set higher)."""
    key_id = _limit(request, principal)
    found = service.policies(db, api_key_id=key_id)
    return {f: FeaturePolicy(min_age=p.min_age, on_unknown=p.on_unknown) for f, p in found.items()}


@router.put("/policy/{feature}")
def set_policy(
    feature: Feature,
    body: PolicyIn,
    request: Request,
    db: DbDep,
    principal: Principal = require_scope(Scope.AGE_VERIFY),
) -> FeaturePolicy:
    """Set one feature's minimum age (13–25; account creation ≥ 16) and what "unknown" means."""
    key_id = _limit(request, principal)
    try:
        policy = service.set_policy(db, api_key_id=key_id, feature=feature, data=body)
    except service.PolicyRefused as exc:
        raise Problem(
            422, "Policy refused", errors=[{"field": "min_age", "message": str(exc)}]
        ) from None
    record(
        db,
        actor=principal.actor,
        action="age.policy.set",
        object_type="age_policy",
        object_id=feature,
        details={"min_age": policy.min_age, "on_unknown": policy.on_unknown},
    )
    return FeaturePolicy(min_age=policy.min_age, on_unknown=policy.on_unknown)
