"""What a submission may carry: the fingerprints of up to ten files, never a file."""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

MAX_FILES: Final = 10
MAX_FRAMES: Final = 600  # ten minutes at one frame per second
MAX_CONTACT: Final = 200

Md5 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$", to_lower=True)]
Hex64 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$", to_lower=True)]
Quality = Annotated[int, Field(ge=0, le=100)]


class FrameIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    t: Annotated[float, Field(ge=0, le=MAX_FRAMES, allow_inf_nan=False)]
    pdq: Hex64
    quality: Quality


class FileHashesIn(BaseModel):
    """The fingerprints `PerisaiHash.hashFile` gives for one file (other keys it adds, such as
    `size` or `exif_orientation`, are ignored: only hashes are kept)."""

    model_config = ConfigDict(extra="ignore")

    kind: Literal["image", "video"] = "image"
    md5: Md5
    sha256: Hex64
    pdq: Hex64 | None = None
    pdq_quality: Quality | None = None
    frames: Annotated[list[FrameIn], Field(max_length=MAX_FRAMES)] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> FileHashesIn:
        if (self.pdq is None) != (self.pdq_quality is None):
            raise ValueError("pdq and pdq_quality come together")
        if self.kind == "video" and not self.frames:
            raise ValueError("a video needs its frames")
        if self.kind == "image" and self.frames:
            raise ValueError("a picture has no frames")
        return self


class SubmissionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    files: Annotated[list[FileHashesIn], Field(min_length=1, max_length=MAX_FILES)]
    #: The person shown was under 18 when it was made: required, the service is for children.
    under_18: Literal[True]
    contact: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_CONTACT)] = ""
    lang: Literal["ms", "en"] = "en"


class SubmittedOut(BaseModel):
    code: str
    secret: str
    state: str
    status_url: str


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)]
    secret: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]


class StatusOut(BaseModel):
    code: str
    state: str
    hold_reason: str
    submitted_at: str
    files: int
    seen_and_blocked: int
