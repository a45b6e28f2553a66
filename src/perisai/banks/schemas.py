"""Request and response bodies of the bank and media-matching API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from perisai.banks.models import DEFAULT_PDQ_THRESHOLD, bankable_signal_types
from perisai.banks.service import BANK_NAME_PATTERN
from perisai.media.pdq import FrameHash, frames_to_signal


def _bankable(name: str) -> str:
    known = bankable_signal_types()
    if name.lower() not in known:
        raise ValueError(f"unknown signal type (one of {', '.join(known)})")
    return name.lower()


#: A signal type of the media library's registry that banks hold (``pdq``, ``tmk``, ...).
SignalTypeName = Annotated[
    str,
    Field(max_length=16, json_schema_extra={"enum": bankable_signal_types()}),
    AfterValidator(_bankable),
]
BankKindName = Literal["positive", "negative"]
MAX_FRAMES = 100_000


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class BankIn(_In):
    name: str = Field(pattern=BANK_NAME_PATTERN, description="Lower case, digits, `.`, `_`, `-`.")
    description: str = Field("", max_length=2000)
    kind: BankKindName = Field(
        "positive", description="`negative`: known-benign; its matches suppress positive ones."
    )
    enabled: bool = True
    pdq_threshold: int = Field(DEFAULT_PDQ_THRESHOLD, ge=0, le=256)
    source: str = Field("", max_length=255)
    shared: bool = Field(
        True, description="Others may read it and match against it (only its owner changes it)."
    )


class BankPatch(_In):
    description: str | None = Field(None, max_length=2000)
    kind: BankKindName | None = None
    enabled: bool | None = None
    pdq_threshold: int | None = Field(None, ge=0, le=256)
    source: str | None = Field(None, max_length=255)
    shared: bool | None = None


class BankOut(BaseModel):
    name: str
    description: str
    kind: str
    enabled: bool
    pdq_threshold: int
    source: str
    created_by: str
    created_at: datetime
    entries: int | None = None
    owner: str = Field(description="`agency:<SHORT>` or `apikey:<id>`: who may change it.")
    shared: bool


class FrameIn(_In):
    t: float = Field(ge=0)
    pdq: str = Field(min_length=64, max_length=64)
    quality: int = Field(ge=0, le=100)


class EntryIn(_In):
    signal_type: SignalTypeName
    signal: str | list[FrameIn] = Field(
        description="Hash hex; for `vpdq` a list of frames `{t, pdq, quality}`; for `tmk` the "
        "signature's text (`tmk1:` and base64, about 17 KB).",
        max_length=MAX_FRAMES,
    )
    label: str = Field("", max_length=255)
    category: str = Field("", max_length=64)
    source: str = Field("", max_length=255)
    note: str = Field("", max_length=10_000)
    metadata: dict[str, Any] = Field(default_factory=dict)


class EntryOut(BaseModel):
    id: int
    bank: str
    signal_type: str
    signal: str | list[dict[str, Any]]
    label: str
    category: str
    source: str
    note: str
    metadata: dict[str, Any]
    added_by: str
    enabled: bool
    disabled_reason: str
    created_at: datetime


class EntryPage(BaseModel):
    items: list[EntryOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null: end.")


class DisableIn(_In):
    reason: str = Field("", max_length=255, description="Why (e.g. noisy: matches stock photo).")


class RowError(BaseModel):
    line: int | None = None
    entry: int | None = None
    field: str | None = None
    message: str


class ImportOut(BaseModel):
    bank: str
    format: str
    added: int
    duplicates: int
    rejected: int
    errors: list[RowError]


class MatchIn(_In):
    signal_type: SignalTypeName
    signal: str | list[FrameIn] = Field(max_length=MAX_FRAMES)
    banks: list[str] | None = Field(None, max_length=100, description="Only these banks.")


class MatchedBank(BaseModel):
    id: int
    name: str
    kind: str
    pdq_threshold: int


class MatchedEntry(BaseModel):
    id: int
    label: str
    category: str
    source: str
    note: str
    metadata: dict[str, Any]
    added_by: str
    created_at: datetime


class MatchItem(BaseModel):
    signal_type: str
    distance: int
    variant: str | None = Field(
        None,
        description="Which hash of the upload matched when not the original: `raw` is the PDQ "
        "of the pixels as stored (EXIF orientation ignored, as other tools hash them).",
    )
    query_match_pct: float | None = None
    bank_match_pct: float | None = None
    bank: MatchedBank
    entry: MatchedEntry


class MatchOut(BaseModel):
    matched: bool = Field(description="True when a positive match stands (none suppressed it).")
    matches: list[MatchItem]
    negative_matches: list[MatchItem] = Field(description="Matches in known-benign banks.")
    suppressed: list[MatchItem] = Field(description="Positive matches a negative match voided.")
    hashes: dict[str, Any] | None = Field(None, description="The upload's hashes (uploads only).")
    warnings: list[str] = Field(default_factory=list)


class HashOut(BaseModel):
    kind: str
    size: int | None
    md5: str | None
    sha1: str | None
    sha256: str | None
    pdq: str | None
    pdq_quality: int | None
    exif_orientation: int | None = Field(None, description="Set when the tag is not 1.")
    pdq_raw: str | None = Field(
        None, description="PDQ as stored, EXIF orientation ignored (only when it is not 1)."
    )
    pdq_raw_quality: int | None = None
    vpdq: list[dict[str, Any]] | None = None
    tmk: str | None = Field(None, description="A video's TMK-like signature (`tmk1:`, base64).")
    error: str | None = None
    error_kind: str | None = None


def signal_text(signal: str | list[FrameIn]) -> str:
    """A signal as the media library spells it (a vPDQ frame list becomes its JSON string)."""
    if isinstance(signal, str):
        return signal
    return frames_to_signal([FrameHash(f.t, f.pdq, f.quality) for f in signal])
