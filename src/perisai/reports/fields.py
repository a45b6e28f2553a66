"""Field types every report body shares: bounded strings, hashes, times with a sane window.

Every string and list is bounded so that a hostile body cannot grow without limit inside the
1 MiB request limit; every time must carry a zone and fall in a sane window
(`perisai.timebounds`); every date of birth too.
"""

from __future__ import annotations

import enum
from datetime import date
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
)

from perisai.timebounds import check_birth_date, check_instant

MAX_ITEMS = 100


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
Phone = Annotated[str, StringConstraints(min_length=1, max_length=64), NoNul]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Md5 = Annotated[str, StringConstraints(to_lower=True, pattern=r"^[0-9a-fA-F]{32}$")]
Sha1 = Annotated[str, StringConstraints(to_lower=True, pattern=r"^[0-9a-fA-F]{40}$")]
Sha256 = Annotated[str, StringConstraints(to_lower=True, pattern=r"^[0-9a-fA-F]{64}$")]


def _iso_text(value: object) -> object:
    # Numbers would be read as Unix times; a report's times must be written out with their zone.
    if isinstance(value, (int, float)):
        raise ValueError(
            "a time must be an ISO 8601 string with a zone, e.g. 2026-11-20T10:00+08:00"
        )
    return value


def _sane_instant(value: AwareDatetime) -> AwareDatetime:
    return check_instant(value)


def _sane_birth(value: date) -> date:
    return check_birth_date(value)


Time = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_sane_instant)]
BirthDate = Annotated[date, AfterValidator(_sane_birth)]
Age = Annotated[int, Field(ge=0, le=150)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=100_000)


class IpEventName(enum.StrEnum):
    LOGIN = "login"
    REGISTRATION = "registration"
    PURCHASE = "purchase"
    UPLOAD = "upload"
    OTHER = "other"
    UNKNOWN = "unknown"


class IpEvent(Strict):
    ip: IPvAnyAddress
    port: int | None = Field(None, ge=0, le=65535)
    event: IpEventName = IpEventName.UNKNOWN
    at: Time | None = None
    possible_proxy: bool | None = None
