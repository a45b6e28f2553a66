"""What the viral API reads (pydantic; unknown fields refused, every string bounded)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from perisai.viral.service import MAX_NOTE, MAX_URL, MIN_NOTE


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConfirmIn(Strict):
    # The address to take down (takedown proposals only; the bank proposal takes none).
    url: Annotated[str, Field(min_length=1, max_length=MAX_URL)] | None = None


class DismissIn(Strict):
    note: Annotated[str, Field(min_length=MIN_NOTE, max_length=MAX_NOTE)]
