"""What the support API takes and gives (pydantic; unknown fields refused, sizes capped)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from perisai.support.models import NeedLevel, ServiceKind, ServiceStatus
from perisai.timebounds import check_due, check_instant

UserId = Annotated[int, Field(ge=1, le=2**31 - 1)]
DueAt = Annotated[AwareDatetime, AfterValidator(check_due)]
PastAt = Annotated[AwareDatetime, AfterValidator(check_instant)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlanIn(Strict):
    victim_id: Annotated[str, Field(min_length=1, max_length=32)]
    lead_agency: Annotated[str, Field(min_length=2, max_length=32)] = "JKM"
    caseworker_id: UserId | None = None


class NeedIn(Strict):
    level: NeedLevel


class SafetyIn(Strict):
    offender_known_to_family: bool


class ServiceIn(Strict):
    kind: ServiceKind
    provider: Annotated[str, Field(max_length=200)] = ""
    owner_id: UserId | None = None
    follow_up_due_at: DueAt | None = None


class ServiceChangeIn(Strict):
    status: ServiceStatus | None = None
    owner_id: UserId | None = None
    follow_up_due_at: DueAt | None = None
    appointment_at: DueAt | None = None
    clear_appointment: bool = False


class ContactIn(Strict):
    kind: Literal["contact", "follow_up"] = "follow_up"
    at: PastAt | None = None
    next_due: DueAt | None = None


class NoteIn(Strict):
    body: Annotated[str, Field(min_length=1, max_length=8000)]


class InterviewIn(Strict):
    scheduled_for: DueAt
    agency: Annotated[str, Field(min_length=2, max_length=32)]
    interviewer: Annotated[str, Field(min_length=1, max_length=300)]
    recording_location: Annotated[str, Field(max_length=300)] = ""
    reason: Annotated[str, Field(max_length=4000)] = ""


class DecisionIn(Strict):
    approve: bool
    note: Annotated[str, Field(max_length=4000)] = ""


class HeldIn(Strict):
    held_at: PastAt
    recording_location: Annotated[str, Field(min_length=1, max_length=300)]


class ChildCodeIn(Strict):
    helpers: bool = False
    appointment: bool = False
    contact: bool = False
    contact_text: Annotated[str, Field(max_length=300)] = ""
    lang: Literal["ms", "en"] = "ms"


class ChildCodeOut(BaseModel):
    code: str
    secret: str
    url: str


class NeedOut(BaseModel):
    area: str
    level: str
    assessed_at: datetime


class ServiceOut(BaseModel):
    id: int
    kind: str
    provider: str
    provider_agency: str | None
    status: str
    owner_id: int | None
    referred_at: datetime | None
    first_contact_at: datetime | None
    last_follow_up_at: datetime | None
    follow_up_due_at: datetime | None
    appointment_at: datetime | None
    may_work: bool
    may_read_notes: bool


class InterviewOut(BaseModel):
    number: int
    repeat: bool
    status: str
    scheduled_for: datetime
    held_at: datetime | None
    agency: str
    interviewer: str
    recording_location: str
    reason: str
    decided_by: str | None
    decided_at: datetime | None


class PlanOut(BaseModel):
    id: str
    victim_id: str
    lead_agency: str
    caseworker_id: int | None
    created_at: datetime
    closed_at: datetime | None
    offender_known_to_family: bool | None
    safety_check: str
    safety_check_due_at: datetime | None
    safety_check_done_at: datetime | None
    child_code_issued: bool
    needs: list[NeedOut]
    services: list[ServiceOut]
    #: Absent (None) for a viewer who may not see the interview register.
    interviews: list[InterviewOut] | None
    repeat_interviews: int | None
    may_steer: bool


class PlanSummaryOut(BaseModel):
    id: str
    lead_agency: str
    created_at: datetime
    services: int
    safety_check: str


class NoteOut(BaseModel):
    id: int
    author: str
    at: datetime
    body: str


class MeasureRowOut(BaseModel):
    label: str
    children: int
    days_to_contact_median: float | None
    contacted: int
    interviews_per_child: float | None
    repeat_interviews: int
    agencies_per_child: float | None
    followed_within_30: int
    follow_up_due: int
    follow_up_share: float | None


class MeasuresOut(BaseModel):
    since: datetime | None
    overall: MeasureRowOut
    by_agency: list[MeasureRowOut]
    by_month: list[MeasureRowOut]
