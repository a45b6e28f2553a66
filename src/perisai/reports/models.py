"""Reports from platforms and the hotline: the report, its victims, identifiers and files.

The report keeps what the reporter sent (JSONB) next to the columns intake and triage query;
victim details are sealed (AES-256-GCM, bound to the report and position) and never leave here
unencrypted; identifiers are normalised at intake into `report_identifier` so that linking can
query by key.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai.db.base import Base, CreatedAt


class ReportStatus(enum.StrEnum):
    RECEIVED = "received"
    FINISHED = "finished"
    RETRACTED = "retracted"


class ReporterKind(enum.StrEnum):
    APIKEY = "apikey"
    HOTLINE = "hotline"
    IMPORT = "import"  # e.g. a CyberTipline report forwarded by NCMEC


class Report(CreatedAt, Base):
    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("client_id", "idempotency_key", name="uq_report_client_idempotency"),
        CheckConstraint("status IN ('received', 'finished', 'retracted')", name="status"),
        CheckConstraint("reporter_kind IN ('apikey', 'hotline', 'import')", name="reporter_kind"),
        # Triage's duplicate check: the earliest report with the same canonical body.
        Index("ix_report_body_sha256_id", "body_sha256", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    reporter_kind: Mapped[str] = mapped_column(String(16))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"), index=True)
    # Who the idempotency key belongs to: "apikey:<id>", "hotline" or "import:<source>".
    client_id: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    body_sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    retracted_at: Mapped[datetime | None]

    incident_type: Mapped[str] = mapped_column(String(64), index=True)
    occurred_at: Mapped[datetime | None]
    escalation_reason: Mapped[str | None] = mapped_column(Text)
    incident_annotations: Mapped[list[str]] = mapped_column(JSONB, default=list)
    reported_accounts: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    conversations: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    urls: Mapped[list[str]] = mapped_column(JSONB, default=list)
    additional_info: Mapped[str | None] = mapped_column(Text)
    jurisdiction: Mapped[str | None] = mapped_column(String(8))
    offence_codes: Mapped[list[str]] = mapped_column(JSONB, default=list)
    victim_count: Mapped[int] = mapped_column(Integer, default=0)
    # Hotline only: SHA-256 of the receipt code the reporter keeps (the code itself is not kept),
    # and the optional contact, sealed and bound to ``report:<public_id>:contact``.
    receipt_code_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    contact_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The rest of a CyberTipline-style report: incident platform and time note, reporter, law
    # enforcement, chat and e-mail incidents, and for imports ``source`` (format, the elements
    # kept verbatim, how zoneless times were read). Whatever may identify a child (intended
    # recipients, unmodelled parts of victim blocks) is sealed in ``details_sealed``, bound to
    # ``report:<public_id>:details``.
    details: Mapped[dict[str, Any]] = mapped_column(
        JSONB, default=dict, server_default=text("'{}'::jsonb")
    )
    details_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The subject key store segment holding the keys of ``details_sealed`` and
    # ``contact_sealed`` (reports/victimseal.py); NULL: sealed by the master key (older rows).
    key_segment: Mapped[str | None] = mapped_column(String(16))

    victims: Mapped[list[ReportVictim]] = relationship(
        back_populates="report", order_by="ReportVictim.position"
    )
    files: Mapped[list[ReportFile]] = relationship(
        back_populates="report", order_by="ReportFile.id"
    )


class ReportVictim(Base):
    """One victim's details as sealed JSON, bound to ``report:<public_id>:victim:<position>``.

    Sealed under a data key of this victim's own, kept in the subject key store outside the
    database (``key_segment`` names its segment, perisai.keystore), so that erasing the child
    destroys the key and every copy of ``sealed`` with it, database backups included
    (crypto-shredding, docs/victims.md). Older rows hold the key wrapped by the master key in
    ``key_sealed``, or neither (sealed by the master key directly). ``age`` and ``identified``
    are what triage reads, so that no job needs the plaintext.
    """

    __tablename__ = "report_victim"
    __table_args__ = (UniqueConstraint("report_id", "position", name="uq_report_victim_position"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    # NULL once shredded (erasure or retention); ``shredded_at`` says when.
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    key_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    key_segment: Mapped[str | None] = mapped_column(String(16))
    # The stated age, or the top of a stated range; whether any identifying detail was given.
    age: Mapped[int | None] = mapped_column(Integer)
    identified: Mapped[bool | None] = mapped_column(Boolean)
    shredded_at: Mapped[datetime | None]

    report: Mapped[Report] = relationship(back_populates="victims")


class ReportIdentifier(Base):
    """A normalised identifier of a reported account, queried by ``key`` when linking."""

    __tablename__ = "report_identifier"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    account_index: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(600), index=True)
    original: Mapped[str] = mapped_column(Text)


class ReportFile(CreatedAt, Base):
    """A file declared in a report; its bytes arrive by upload into the encrypted vault."""

    __tablename__ = "report_file"
    __table_args__ = (UniqueConstraint("report_id", "name", name="uq_report_file_name"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    # Hash columns are indexed: triage links reports by the declared or received MD5/SHA-256.
    declared_md5: Mapped[str | None] = mapped_column(String(32), index=True)
    declared_sha1: Mapped[str | None] = mapped_column(String(40))
    declared_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    declared_size: Mapped[int | None] = mapped_column(BigInteger)
    content_type_declared: Mapped[str | None] = mapped_column(String(255))
    annotations: Mapped[list[str]] = mapped_column(JSONB, default=list)
    industry_classification: Mapped[str | None] = mapped_column(String(2))
    publicly_available: Mapped[bool | None] = mapped_column(Boolean)
    # What the platform knows about the file beyond the columns (original name, where it was,
    # relevance, other hashes, EXIF name/value pairs, upload IP event...): NCMEC file details.
    details: Mapped[dict[str, Any]] = mapped_column(
        JSONB, default=dict, server_default=text("'{}'::jsonb")
    )
    # Filled by the upload.
    size: Mapped[int | None] = mapped_column(BigInteger)
    md5: Mapped[str | None] = mapped_column(String(32), index=True)
    sha1: Mapped[str | None] = mapped_column(String(40))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    content_type_sniffed: Mapped[str | None] = mapped_column(String(255))
    content_type_mismatch: Mapped[bool | None] = mapped_column(Boolean)
    blob_path: Mapped[str | None] = mapped_column(String(512))
    uploaded_at: Mapped[datetime | None]

    report: Mapped[Report] = relationship(back_populates="files")


class OffenceCode(Base):
    """An offence a report may name (Act 792 sections and others): data the deployment edits."""

    __tablename__ = "offence_code"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    act: Mapped[str] = mapped_column(String(128))
    section: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(255))
    title_ms: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
