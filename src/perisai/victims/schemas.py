"""What staff may write into a victim record, per field group, with size limits."""

from __future__ import annotations

import enum
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from perisai.sharing.redaction import VictimGroup

Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=64)]
MAX_ITEMS = 20


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NameGroup(_Strict):
    name: Short | None = None
    first_name: Short | None = None
    last_name: Short | None = None
    other_names: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)


class BirthGroup(_Strict):
    date_of_birth: date | None = None


class SchoolGroup(_Strict):
    school_name: Short | None = None
    school_district: Short | None = None


class ContactGroup(_Strict):
    phones: list[Phone] = Field(default_factory=list, max_length=MAX_ITEMS)
    emails: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    addresses: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)


class GuardianGroup(_Strict):
    name: Short | None = None
    relation: Short | None = None
    phone: Phone | None = None


class OnlineGroup(_Strict):
    screen_names: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    platform: Short | None = None
    user_id: Short | None = None
    profile_urls: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)


GROUP_SCHEMAS: dict[VictimGroup, type[_Strict]] = {
    VictimGroup.NAME: NameGroup,
    VictimGroup.BIRTH: BirthGroup,
    VictimGroup.SCHOOL: SchoolGroup,
    VictimGroup.CONTACT: ContactGroup,
    VictimGroup.GUARDIAN: GuardianGroup,
    VictimGroup.ONLINE: OnlineGroup,
}


class Purpose(enum.StrEnum):
    """Why an identity field is read (a code, so that the audit log never holds free text that
    could itself identify the child)."""

    SUPPORT_CONTACT = "support_contact"
    SAFEGUARDING = "safeguarding"
    INVESTIGATION = "investigation"
    INTERVIEW = "interview"
    COURT = "court"
    RECORD_UPDATE = "record_update"
    CONSENT_CHECK = "consent_check"


def validate_group(group: VictimGroup, value: dict[str, Any]) -> dict[str, Any]:
    """The group's value, validated (pydantic errors name the fields); empties dropped."""
    model = GROUP_SCHEMAS[group].model_validate(value)
    dumped: dict[str, Any] = model.model_dump(mode="json", exclude_defaults=True)
    return dumped


def groups_from_report_victim(details: dict[str, Any]) -> dict[VictimGroup, dict[str, Any]]:
    """A report's victim block (reports.schemas.Victim) split into field groups."""
    addresses = [
        ", ".join(str(part) for part in address.values() if part)
        for address in details.get("addresses") or []
        if isinstance(address, dict)
    ]
    raw: dict[VictimGroup, dict[str, Any]] = {
        VictimGroup.NAME: {
            "name": details.get("name"),
            "first_name": details.get("first_name"),
            "last_name": details.get("last_name"),
            "other_names": list(details.get("display_names") or []),
        },
        VictimGroup.BIRTH: {"date_of_birth": details.get("date_of_birth")},
        VictimGroup.SCHOOL: {"school_name": details.get("school_name")},
        VictimGroup.CONTACT: {
            "phones": list(details.get("phones") or []),
            "emails": list(details.get("emails") or []),
            "addresses": [a for a in addresses if a][:MAX_ITEMS],
        },
        VictimGroup.ONLINE: {
            "screen_names": list(details.get("screen_names") or []),
            "platform": details.get("platform"),
            "user_id": details.get("user_id"),
            "profile_urls": list(details.get("profile_urls") or []),
        },
    }
    groups: dict[VictimGroup, dict[str, Any]] = {}
    for group, value in raw.items():
        kept = {key: item for key, item in value.items() if item not in (None, [], "")}
        if kept:
            groups[group] = kept
    return groups
