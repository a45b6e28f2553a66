"""What a platform sends and what it gets back (pydantic; unknown fields are refused).

Vocabulary follows the CyberTipline (DOMAIN.md) in snake_case. Every string and list is bounded so
that a hostile body cannot grow without limit inside the 1 MiB request limit; every time must
carry a zone.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    IPvAnyAddress,
    StringConstraints,
    field_validator,
    model_validator,
)

MAX_ACCOUNTS = 100
MAX_ITEMS = 100
MAX_MESSAGES = 5000
MAX_FILES = 1000


def _no_nul(value: str) -> str:
    # PostgreSQL text and JSONB cannot hold NUL: refuse it here, with the field named.
    if "\x00" in value:
        raise ValueError("may not contain a NUL character")
    return value


NoNul = AfterValidator(_no_nul)
Short = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255), NoNul
]
Text = Annotated[str, StringConstraints(max_length=20_000), NoNul]
LongText = Annotated[str, StringConstraints(max_length=100_000), NoNul]
Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2048), NoNul]
Md5 = Annotated[str, StringConstraints(to_lower=True, pattern=r"^[0-9a-fA-F]{32}$")]
Sha1 = Annotated[str, StringConstraints(to_lower=True, pattern=r"^[0-9a-fA-F]{40}$")]
Sha256 = Annotated[str, StringConstraints(to_lower=True, pattern=r"^[0-9a-fA-F]{64}$")]


def _safe_file_name(value: str) -> str:
    if value in (".", "..") or "/" in value or "\\" in value or "\x00" in value:
        raise ValueError("a file name may not contain path separators, NUL, or be '.' or '..'")
    return value


FileName = Annotated[Short, AfterValidator(_safe_file_name)]


def _iso_text(value: object) -> object:
    # Numbers would be read as Unix times; a report's times must be written out with their zone.
    if isinstance(value, (int, float)):
        raise ValueError(
            "a time must be an ISO 8601 string with a zone, e.g. 2026-11-20T10:00+08:00"
        )
    return value


Time = Annotated[AwareDatetime, BeforeValidator(_iso_text)]


class IncidentType(enum.StrEnum):
    CHILD_PORNOGRAPHY = "child_pornography"
    CHILD_SEX_TRAFFICKING = "child_sex_trafficking"
    CHILD_SEX_TOURISM = "child_sex_tourism"
    CHILD_SEXUAL_MOLESTATION = "child_sexual_molestation"
    MISLEADING_DOMAIN_NAME = "misleading_domain_name"
    MISLEADING_WORDS_OR_DIGITAL_IMAGES = "misleading_words_or_digital_images"
    ONLINE_ENTICEMENT = "online_enticement"
    UNSOLICITED_OBSCENE_MATERIAL_TO_CHILD = "unsolicited_obscene_material_to_child"


class IncidentAnnotation(enum.StrEnum):
    SEXTORTION = "sextortion"
    CSAM_SOLICITATION = "csam_solicitation"
    MINOR_TO_MINOR_INTERACTION = "minor_to_minor_interaction"
    SPAM = "spam"


class FileAnnotation(enum.StrEnum):
    GENERATIVE_AI = "generative_ai"
    POSSIBLE_SELF_PRODUCTION = "possible_self_production"
    LIVE_STREAMING = "live_streaming"
    INFANT = "infant"
    ANIMATED = "animated"
    PHYSICAL_HARM = "physical_harm"
    VIOLENCE_GORE = "violence_gore"
    OTHER = "other"


class IndustryClassification(enum.StrEnum):
    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"


class IpEventName(enum.StrEnum):
    LOGIN = "login"
    REGISTRATION = "registration"
    PURCHASE = "purchase"
    UPLOAD = "upload"
    OTHER = "other"
    UNKNOWN = "unknown"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=100_000)


class Incident(Strict):
    type: IncidentType
    occurred_at: Time | None = None
    escalation_reason: Annotated[str, StringConstraints(max_length=2000)] | None = None
    annotations: list[IncidentAnnotation] = Field(default_factory=list, max_length=10)


class IpEvent(Strict):
    ip: IPvAnyAddress
    port: int | None = Field(None, ge=0, le=65535)
    event: IpEventName = IpEventName.UNKNOWN
    at: Time | None = None
    possible_proxy: bool | None = None


class ReportedAccount(Strict):
    platform: Short | None = None
    user_id: Short | None = None
    screen_name: Short | None = None
    display_names: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    profile_urls: list[Url] = Field(default_factory=list, max_length=MAX_ITEMS)
    emails: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    phones: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=MAX_ITEMS
    )
    ip_events: list[IpEvent] = Field(default_factory=list, max_length=1000)
    device_ids: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    prior_report_ids: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)


class AgeRange(Strict):
    min: int = Field(ge=0, le=25)
    max: int = Field(ge=0, le=25)

    @model_validator(mode="after")
    def _ordered(self) -> AgeRange:
        if self.min > self.max:
            raise ValueError("min must not exceed max")
        return self


class Victim(Strict):
    """Sealed at intake and never returned to the reporting client."""

    age: int | None = Field(None, ge=0, le=25)
    age_range: AgeRange | None = None
    name: Short | None = None
    screen_names: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    emails: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    phones: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=MAX_ITEMS
    )
    school_name: Short | None = None


class Message(Strict):
    author: Short | None = None
    text: Text
    sent_at: Time | None = None


class Conversation(Strict):
    platform: Short | None = None
    messages: list[Message] = Field(min_length=1, max_length=MAX_MESSAGES)


class FileDeclaration(Strict):
    """A file the report will upload; the upload's hashes must match the ones declared."""

    name: FileName
    size: int | None = Field(None, ge=0)
    content_type: Annotated[str, StringConstraints(max_length=255)] | None = None
    md5: Md5 | None = None
    sha1: Sha1 | None = None
    sha256: Sha256 | None = None
    annotations: list[FileAnnotation] = Field(default_factory=list, max_length=20)
    industry_classification: IndustryClassification | None = None
    publicly_available: bool | None = None

    @model_validator(mode="after")
    def _some_hash(self) -> FileDeclaration:
        if not (self.md5 or self.sha1 or self.sha256):
            raise ValueError("declare at least one of md5, sha1 or sha256")
        return self


Jurisdiction = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")]
OffenceCodeText = Annotated[str, StringConstraints(min_length=1, max_length=32)]


class ReportIn(Strict):
    incident: Incident
    reported_accounts: list[ReportedAccount] = Field(default_factory=list, max_length=MAX_ACCOUNTS)
    victims: list[Victim] = Field(default_factory=list, max_length=MAX_ITEMS)
    conversations: list[Conversation] = Field(default_factory=list, max_length=MAX_ITEMS)
    urls: list[Url] = Field(default_factory=list, max_length=1000)
    files: list[FileDeclaration] = Field(default_factory=list, max_length=MAX_FILES)
    additional_info: LongText | None = None
    jurisdiction: Jurisdiction | None = None
    offence_codes: list[OffenceCodeText] = Field(default_factory=list, max_length=20)

    @field_validator("files")
    @classmethod
    def _unique_file_names(cls, files: list[FileDeclaration]) -> list[FileDeclaration]:
        names = [item.name for item in files]
        if len(names) != len(set(names)):
            raise ValueError("file names must be unique within a report")
        return files


class Receipt(BaseModel):
    report_id: str
    received_at: datetime
    sha256: str


class FileOut(BaseModel):
    name: str
    uploaded: bool
    size: int | None
    md5: str | None
    sha1: str | None
    sha256: str | None
    content_type_declared: str | None
    content_type_sniffed: str | None
    content_type_mismatch: bool | None
    annotations: list[str]
    industry_classification: str | None
    publicly_available: bool | None


class ReportOut(BaseModel):
    """What the reporting client may see: no victim details, only how many were reported."""

    report_id: str
    status: str
    received_at: datetime
    finished_at: datetime | None
    retracted_at: datetime | None
    incident_type: str
    victim_count: int
    reported_account_count: int
    files: list[FileOut]
