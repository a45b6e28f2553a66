"""What enrichment found for a report: grooming assessments and media signals.

Re-enrichment replaces a report's rows, so the stored results always reflect one run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Identity,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from perisai.db.base import Base


class ReportGrooming(Base):
    """The grooming engine's assessment of one conversation of a report."""

    __tablename__ = "report_grooming"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    conversation_index: Mapped[int] = mapped_column(Integer)
    risk: Mapped[float] = mapped_column(Float)
    flag: Mapped[bool] = mapped_column(Boolean)
    stage: Mapped[str | None] = mapped_column(String(64))
    suspect: Mapped[str | None] = mapped_column(String(256))
    first_flag_message: Mapped[int | None] = mapped_column(Integer)
    # Signals with message index, kind, stage, evidence span and language (engine output).
    signals: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    # The learned layer's counted hits (message index, evidence, span, probability, author):
    # messages that read like an indicator, whatever their wording. NULL on rows scored before
    # the hits were stored (enrichment_0006): not recorded, which is not the same as none.
    learned: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    model_version: Mapped[str] = mapped_column(String(64))
    scored_at: Mapped[datetime]


class ReportFileSignal(Base):
    """Perceptual signals of an uploaded evidence file (crypto hashes live on the file)."""

    __tablename__ = "report_file_signal"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    report_file_id: Mapped[int] = mapped_column(
        ForeignKey("report_file.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # image | video | other
    pdq: Mapped[str | None] = mapped_column(String(64), index=True)
    pdq_quality: Mapped[int | None] = mapped_column(Integer)
    # A photo whose EXIF orientation is not 1 also has the PDQ of its pixels as stored
    # (orientation ignored): the hash other tools' banks hold for it. Both are matched.
    exif_orientation: Mapped[int | None] = mapped_column(Integer)
    pdq_raw: Mapped[str | None] = mapped_column(String(64), index=True)
    pdq_raw_quality: Mapped[int | None] = mapped_column(Integer)
    vpdq: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    # A video's TMK-like signature (`perisai.media.tmk`, ~17 KB of text), when computed.
    tmk: Mapped[str | None] = mapped_column(Text, deferred=True)
    # An image's crop set (`perisai.media.crops`, packed: 256 crops' PDQs, ~8 KB): how viral
    # clustering finds copies cut differently. NULL for other files and rows hashed before it.
    pdq_crops: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    error: Mapped[str | None] = mapped_column(Text)
    hashed_at: Mapped[datetime]


class ReportFileProvenance(Base):
    """What an uploaded evidence file declares about being made by AI (C2PA, XMP, generator
    metadata), as `perisai.media.provenance` read it: one row per file, replaced on re-enrichment.

    ``ai`` is the reader's answer (``yes`` only for a verified manifest declaring AI; ``claimed``
    when only unverified metadata says so; ``no``; ``unknown``) and is indexed so that the AI
    share of the evidence can be counted (``GROUP BY ai``).
    """

    __tablename__ = "report_file_provenance"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    report_file_id: Mapped[int] = mapped_column(
        ForeignKey("report_file.id", ondelete="CASCADE"), unique=True
    )
    ai: Mapped[str] = mapped_column(String(8), index=True)  # yes | claimed | no | unknown
    c2pa_state: Mapped[str] = mapped_column(String(16))  # trusted|valid|invalid|unverifiable|absent
    signer: Mapped[str | None] = mapped_column(String(512))  # the active manifest's, as claimed
    # The signer of the verified manifest that declares AI (the one who vouches for "yes").
    ai_signer: Mapped[str | None] = mapped_column(String(512))
    digital_source_types: Mapped[list[str]] = mapped_column(JSONB)
    errors: Mapped[list[str]] = mapped_column(JSONB)  # C2PA validation codes
    manifests: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)  # ManifestFacts.to_record()
    hints: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)  # Hint.to_record()
    error: Mapped[str | None] = mapped_column(Text)  # the file could not be read at all
    read_at: Mapped[datetime]


class ReportFileMatch(Base):
    """One match of a report's file in a bank: the fact triage, the report page, linking and
    exports read (nothing re-derives it). Enrichment replaces a file's rows on every run; a
    retro-hunt adds rows when an entry added later matches a stored file.

    ``status`` is ``positive``, ``negative`` (a known-benign bank) or ``suppressed`` (a positive
    match that a negative match of the same file voids). Bank and entry are copied beside their
    ids so that the fact survives the entry's removal.
    """

    __tablename__ = "report_file_match"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    report_file_id: Mapped[int] = mapped_column(
        ForeignKey("report_file.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))  # positive | negative | suppressed
    signal_type: Mapped[str] = mapped_column(String(16))
    distance: Mapped[int] = mapped_column(Integer)
    # Which hash of the file matched when not the original (``raw``: PDQ as stored).
    variant: Mapped[str | None] = mapped_column(String(16))
    query_match_pct: Mapped[float | None] = mapped_column(Float)  # vPDQ: share of frames
    bank_id: Mapped[int] = mapped_column(BigInteger, index=True)
    bank_name: Mapped[str] = mapped_column(String(64))
    entry_id: Mapped[int] = mapped_column(BigInteger, index=True)
    entry_label: Mapped[str] = mapped_column(String(255))
    found_by: Mapped[str] = mapped_column(String(16))  # enrichment | retrohunt
    matched_at: Mapped[datetime]
