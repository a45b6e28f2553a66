"""Presentation requests and their verification; the platform's age policy.

A request's nonce is returned once and kept only as its SHA-256. Verifying consumes the request
whatever the outcome (single use, so a nonce cannot be tried twice), verifies the presentation
with `perisai.age`, and keeps nothing of it: the answer goes back, the audit log counts.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from perisai.age import TrustList, VerifierConfigError, verify_presentation
from perisai.age import transcript as transcripts
from perisai.age.ages import Answer
from perisai.age.sdjwt import SdJwtPolicy
from perisai.ageverify.models import AgePolicy, AgeRequest
from perisai.ageverify.schemas import ACCOUNT_CREATION, NATIONAL_MINIMUM, PolicyIn, RequestIn

AV_DOCTYPE = "eu.europa.ec.av.1"
DEFAULT_ON_UNKNOWN: Literal["deny"] = "deny"
CLEANUP_BATCH = 200
SD_JWT_POLICY = SdJwtPolicy(vc_only=True)  # platforms get SD-JWT VC (dc+sd-jwt) only


class RequestNotFound(Exception):
    """No such request for this platform, or the nonce is not its nonce (one answer for both)."""


class RequestUsed(Exception):
    """The request was answered already (single use)."""


class RequestExpired(Exception):
    """The request's time is up."""


class PolicyRefused(ValueError):
    """A policy below the national minimum for account creation."""


# --- policy ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    min_age: int
    on_unknown: Literal["deny", "fallback"]


def _policy(row: AgePolicy) -> Policy:
    on_unknown: Literal["deny", "fallback"] = "fallback" if row.on_unknown == "fallback" else "deny"
    return Policy(row.min_age, on_unknown)


def policy_for(session: Session, *, api_key_id: int, feature: str) -> Policy:
    row = session.get(AgePolicy, (api_key_id, feature))
    if row is None:
        return Policy(NATIONAL_MINIMUM, DEFAULT_ON_UNKNOWN)
    return _policy(row)


def policies(session: Session, *, api_key_id: int) -> dict[str, Policy]:
    rows = session.scalars(select(AgePolicy).where(AgePolicy.api_key_id == api_key_id)).all()
    found = {ACCOUNT_CREATION: Policy(NATIONAL_MINIMUM, DEFAULT_ON_UNKNOWN)}
    found.update({row.feature: _policy(row) for row in rows})
    return dict(sorted(found.items()))


def set_policy(session: Session, *, api_key_id: int, feature: str, data: PolicyIn) -> Policy:
    if feature == ACCOUNT_CREATION and data.min_age < NATIONAL_MINIMUM:
        raise PolicyRefused(f"account creation needs at least {NATIONAL_MINIMUM}")
    row = session.get(AgePolicy, (api_key_id, feature))
    if row is None:
        row = AgePolicy(api_key_id=api_key_id, feature=feature)
        session.add(row)
    row.min_age, row.on_unknown = data.min_age, data.on_unknown
    row.updated_at = datetime.now(UTC)
    session.flush()
    return Policy(row.min_age, data.on_unknown)


# --- requests -------------------------------------------------------------------------------


def nonce_sha256(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


@dataclass(frozen=True)
class CreatedRequest:
    request_id: str
    nonce: str
    policy: Policy
    expires_at: datetime
    request_object: dict[str, Any]


def create_request(session: Session, *, api_key_id: int, data: RequestIn) -> CreatedRequest:
    _forget_expired(session)
    policy = policy_for(session, api_key_id=api_key_id, feature=data.feature)
    nonce = secrets.token_urlsafe(24)
    now = datetime.now(UTC)
    row = AgeRequest(
        public_id=secrets.token_urlsafe(16),
        api_key_id=api_key_id,
        nonce_sha256=nonce_sha256(nonce),
        feature=data.feature,
        over=policy.min_age,
        audience=data.client_id,
        response_uri=str(data.response_uri) if data.response_uri else None,
        origin=_origin(data),
        expires_at=now + timedelta(seconds=data.expires_in),
    )
    session.add(row)
    session.flush()
    return CreatedRequest(row.public_id, nonce, policy, row.expires_at, _request_object(row, nonce))


def _origin(data: RequestIn) -> str | None:
    if data.origin is None:
        return None
    return f"{data.origin.scheme}://{data.origin.host}" + (
        f":{data.origin.port}" if data.origin.port not in (None, 443) else ""
    )


def _request_object(row: AgeRequest, nonce: str) -> dict[str, Any]:
    """An OpenID4VP 1.0 authorization request (unsigned; the platform may sign it) asking for
    nothing but "over N" in either format."""
    request: dict[str, Any] = {
        "response_type": "vp_token",
        "client_id": row.audience,
        "nonce": nonce,
        "dcql_query": {
            "credentials": [
                {
                    "id": "age_sd_jwt",
                    "format": "dc+sd-jwt",
                    "claims": [{"path": ["age_equal_or_over", str(row.over)]}],
                },
                {
                    "id": "age_mdoc",
                    "format": "mso_mdoc",
                    "meta": {"doctype_value": AV_DOCTYPE},
                    "claims": [{"path": [AV_DOCTYPE, f"age_over_{row.over}"]}],
                },
            ],
            "credential_sets": [{"options": [["age_sd_jwt"], ["age_mdoc"]]}],
        },
    }
    if row.response_uri:
        request.update(response_mode="direct_post", response_uri=row.response_uri)
    elif row.origin:
        request.update(response_mode="dc_api", expected_origins=[row.origin])
    return request


def _forget_expired(session: Session) -> None:
    """Drop a bounded batch of requests expired over an hour ago (nothing else keeps them)."""
    cutoff = datetime.now(UTC) - timedelta(hours=1)
    old = select(AgeRequest.id).where(AgeRequest.expires_at < cutoff).limit(CLEANUP_BATCH)
    session.execute(delete(AgeRequest).where(AgeRequest.id.in_(old)))


def consume(session: Session, *, api_key_id: int, request_id: str, nonce: str) -> AgeRequest:
    """The request, locked and marked used; raise if unknown, wrong nonce, used or expired."""
    row = session.scalar(
        select(AgeRequest)
        .where(AgeRequest.public_id == request_id, AgeRequest.api_key_id == api_key_id)
        .with_for_update()
    )
    if row is None or not hmac.compare_digest(row.nonce_sha256, nonce_sha256(nonce)):
        raise RequestNotFound
    if row.used_at is not None:
        raise RequestUsed
    now = datetime.now(UTC)
    row.used_at = now
    session.flush()
    if row.expires_at <= now:
        raise RequestExpired
    return row


# --- verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    over: int
    result: Answer
    format: str
    reason: str | None


def verify(row: AgeRequest, *, nonce: str, format: str, vp_token: str, trust: TrustList) -> Outcome:
    """Verify one presentation for `row`; never raises for a bad presentation (→ "unknown")."""
    kind: Literal["sd-jwt", "mdoc"] = "sd-jwt" if format == "dc+sd-jwt" else "mdoc"
    if kind == "sd-jwt":
        data = vp_token.encode("ascii")
    else:
        try:
            data = base64.urlsafe_b64decode(vp_token + "=" * (-len(vp_token) % 4))
        except (binascii.Error, ValueError):
            return Outcome(row.over, "unknown", kind, "malformed")
    transcript = None
    if row.response_uri:
        transcript = transcripts.openid4vp(row.audience, nonce, row.response_uri)
    elif row.origin:
        transcript = transcripts.dc_api(row.origin, nonce)
    try:
        check = verify_presentation(
            data,
            trust=trust,
            format=kind,
            nonce=nonce,
            audience=row.audience,
            transcript=transcript,
            sd_jwt_policy=SD_JWT_POLICY,
        )
    except VerifierConfigError:
        return Outcome(row.over, "unknown", kind, "no_session_transcript")
    except ValueError:
        return Outcome(row.over, "unknown", kind, "malformed")
    reason = check.reason.value if check.reason is not None else None
    return Outcome(row.over, check.answer(row.over), kind, reason)
