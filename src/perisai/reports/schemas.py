"""What a platform sends and what it gets back (pydantic; unknown fields are refused).

Vocabulary follows the CyberTipline (DOMAIN.md) in snake_case. Every string and list is bounded so
that a hostile body cannot grow without limit inside the 1 MiB request limit; every time must
carry a zone.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from perisai.reports.fields import (
    Age,
    BirthDate,
    IpEvent,
    IpEventName,
    LongText,
    Md5,
    Phone,
    Sha1,
    Sha256,
    Short,
    Strict,
    Text,
    Time,
    Url,
)
from perisai.reports.parties import (
    AccountFacts,
    Address,
    AssociatedAccount,
    ChatIncident,
    Device,
    EmailIncident,
    IntendedRecipient,
    LawEnforcement,
    Reporter,
)

__all__ = ["IpEvent", "IpEventName", "Time"]  # re-exported for older importers

MAX_ACCOUNTS = 100
MAX_ITEMS = 100
MAX_MESSAGES = 5000
MAX_FILES = 1000


def _safe_file_name(value: str) -> str:
    if value in (".", "..") or "/" in value or "\\" in value or "\x00" in value:
        raise ValueError("a file name may not contain path separators, NUL, or be '.' or '..'")
    return value


FileName = Annotated[Short, AfterValidator(_safe_file_name)]


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
    SADISTIC_ONLINE_EXPLOITATION = "sadistic_online_exploitation"


class FileAnnotation(enum.StrEnum):
    """NCMEC's file annotations (``generative_ai`` is kept on the file for AI provenance)."""

    GENERATIVE_AI = "generative_ai"
    POSSIBLE_SELF_PRODUCTION = "possible_self_production"
    LIVE_STREAMING = "live_streaming"
    INFANT = "infant"
    ANIMATED = "animated"
    ANIME_DRAWING_VIRTUAL_HENTAI = "anime_drawing_virtual_hentai"
    POTENTIAL_MEME = "potential_meme"
    VIRAL = "viral"
    PHYSICAL_HARM = "physical_harm"
    VIOLENCE_GORE = "violence_gore"
    BESTIALITY = "bestiality"
    OTHER = "other"


class IndustryClassification(enum.StrEnum):
    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"


class Incident(Strict):
    type: IncidentType
    occurred_at: Time | None = None
    escalation_reason: Annotated[str, StringConstraints(max_length=2000)] | None = None
    annotations: list[IncidentAnnotation] = Field(default_factory=list, max_length=10)
    platform: Short | None = None  # the application where it happened
    time_description: Text | None = None  # what the reporter says about occurred_at


class ReportedAccount(AccountFacts):
    platform: Short | None = None
    user_id: Short | None = None
    screen_name: Short | None = None
    display_names: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    profile_urls: list[Url] = Field(default_factory=list, max_length=MAX_ITEMS)
    emails: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    phones: list[Phone] = Field(default_factory=list, max_length=MAX_ITEMS)
    ip_events: list[IpEvent] = Field(default_factory=list, max_length=1000)
    device_ids: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    prior_report_ids: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    # The person behind the account, when the platform knows it.
    first_name: Short | None = None
    last_name: Short | None = None
    age: Age | None = None
    date_of_birth: BirthDate | None = None
    addresses: list[Address] = Field(default_factory=list, max_length=20)
    third_party: bool | None = None  # a user of another service, reported for information
    associated_accounts: list[AssociatedAccount] = Field(default_factory=list, max_length=50)


class AgeRange(Strict):
    min: int = Field(ge=0, le=25)
    max: int = Field(ge=0, le=25)

    @model_validator(mode="after")
    def _ordered(self) -> AgeRange:
        if self.min > self.max:
            raise ValueError("min must not exceed max")
        return self


class Victim(AccountFacts):
    """Sealed at intake and never returned to the reporting client."""

    age: int | None = Field(None, ge=0, le=25)
    age_range: AgeRange | None = None
    name: Short | None = None
    screen_names: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    emails: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    phones: list[Phone] = Field(default_factory=list, max_length=MAX_ITEMS)
    school_name: Short | None = None
    first_name: Short | None = None
    last_name: Short | None = None
    date_of_birth: BirthDate | None = None
    addresses: list[Address] = Field(default_factory=list, max_length=20)
    platform: Short | None = None
    user_id: Short | None = None
    display_names: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    profile_urls: list[Url] = Field(default_factory=list, max_length=MAX_ITEMS)
    ip_events: list[IpEvent] = Field(default_factory=list, max_length=1000)
    prior_report_ids: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    associated_accounts: list[AssociatedAccount] = Field(default_factory=list, max_length=50)


class Message(Strict):
    author: Short | None = None
    text: Text
    sent_at: Time | None = None


class Conversation(Strict):
    platform: Short | None = None
    messages: list[Message] = Field(min_length=1, max_length=MAX_MESSAGES)


class FileRelevance(enum.StrEnum):
    REPORTED = "reported"
    SUPPLEMENTAL_REPORTED = "supplemental_reported"


class OtherHash(Strict):
    """A hash of a kind we do not declare per column (PDQ, PhotoDNA...), kept as given."""

    type: Short
    value: Annotated[str, StringConstraints(min_length=1, max_length=4096)]


class FileMetadata(Strict):
    """A name/value pair the platform read from the file (EXIF, hashes)."""

    kind: Annotated[str, StringConstraints(pattern=r"^(exif|hash)$")] | None = None
    name: Short
    value: Text


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
    # What the platform knows about the file (NCMEC's file details), stored with it.
    original_name: Short | None = None
    source_file_id: Short | None = None  # the file's id where it came from (NCMEC's fileId)
    location: Url | None = None
    uploaded_to_platform_at: Time | None = None
    viewed_by_platform: bool | None = None
    exif_viewed_by_platform: bool | None = None
    relevance: FileRelevance | None = None
    other_hashes: list[OtherHash] = Field(default_factory=list, max_length=20)
    ip_event: IpEvent | None = None
    devices: list[Device] = Field(default_factory=list, max_length=MAX_ITEMS)
    metadata: list[FileMetadata] = Field(default_factory=list, max_length=500)
    additional_info: list[Text] = Field(default_factory=list, max_length=20)

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
    # The rest of a CyberTipline report: who reported, police already involved, whom the
    # content was meant for (sealed), chat and e-mail incident details.
    reporter: Reporter | None = None
    law_enforcement: LawEnforcement | None = None
    intended_recipients: list[IntendedRecipient] = Field(default_factory=list, max_length=50)
    chat_incidents: list[ChatIncident] = Field(default_factory=list, max_length=MAX_ITEMS)
    email_incidents: list[EmailIncident] = Field(default_factory=list, max_length=MAX_ITEMS)

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


class CybertipReceipt(Receipt):
    """The receipt of a CyberTipline XML submission, with what the import made of it."""

    summary: dict[str, Any] = Field(
        default_factory=dict,
        description="Zoneless times and how they were read; elements and attributes kept "
        "verbatim (`unmodelled`) or sealed (`unmodelled_sealed`), counted by kind.",
    )


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
