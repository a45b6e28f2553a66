"""Viral fixtures: reports of benign test pictures (ThreatExchange's bridge photo and its
resized copies) from named platforms and accounts, with the PDQ enrichment would store."""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.datasets import PDQ
from tests.reports.factories import declaration
from tests.triage.factories import body

from perisai.audit.service import SYSTEM
from perisai.crypto import Keyring
from perisai.enrichment.results import ReportFileSignal
from perisai.media import pdq_of_image
from perisai.media.hashing import image_crop_set
from perisai.reports.models import Report
from perisai.reports.schemas import ReportIn
from perisai.reports.service import canonical_sha256, submit
from perisai.runtime import Runtime
from perisai.viral.index import ClusterIndex
from perisai.viral.models import ViralCluster
from perisai.viral.tasks import cluster_and_check, thresholds_of

BRIDGE = PDQ / "bridge-mods"
ORIGINAL = BRIDGE / "aaa-orig.jpg"
# Resized and re-encoded copies of the original (ThreatExchange's test set).
COPIES = (
    BRIDGE / "shrink-a-little.jpg",
    BRIDGE / "shrink-a-lot.jpg",
    BRIDGE / "square-512x512.jpg",
    BRIDGE / "blur-a-little.jpg",
)
OTHER = PDQ / "misc-images" / "small.jpg"  # an unrelated picture
PLATFORMS = ("ExampleChat", "PhotoShare", "ClipTok")
_serial = itertools.count(1)


@cache
def image_bytes(path: Path) -> bytes:
    return path.read_bytes()


def recoded(path: Path, *, width: int, quality: int = 70) -> bytes:
    """The picture resized to ``width`` and re-encoded as JPEG (a re-post's typical journey)."""
    with Image.open(path) as image:
        height = round(image.height * width / image.width)
        out = io.BytesIO()
        image.convert("RGB").resize((width, height)).save(out, "JPEG", quality=quality)
    return out.getvalue()


def _stored(db: Session, keyring: Keyring, raw: dict[str, Any]) -> Report:
    n = next(_serial)
    submitted = submit(
        db,
        keyring=keyring,
        actor=SYSTEM,
        data=ReportIn.model_validate(raw),
        body_sha256=canonical_sha256({**raw, "_n": n}),
        client_id="viral-test",
        idempotency_key=f"viral-test-{n}",
    )
    db.flush()
    return db.scalars(select(Report).where(Report.public_id == submitted.receipt.report_id)).one()


def report_of(
    db: Session,
    keyring: Keyring,
    content: bytes,
    *,
    platform: str,
    account: str | None = None,
    received_at: datetime | None = None,
    pdq: bool = True,
    crops: bool = True,
    url: str | None = None,
) -> Report:
    """A report from ``platform`` naming ``account``, with one picture whose PDQ is stored as
    enrichment stores it (``pdq=False``: declared hashes only, as before an upload)."""
    raw = body(files=[declaration("photo.jpg", content)])
    raw["incident"]["platform"] = platform
    raw["reported_accounts"] = [{"platform": platform, "screen_name": account}] if account else []
    if url:
        raw["urls"] = [url]
    report = _stored(db, keyring, raw)
    if received_at is not None:
        report.received_at = received_at
    if pdq:
        add_pdq(db, report, content, crops=crops)
    db.flush()
    return report


def add_pdq(db: Session, report: Report, content: bytes, *, crops: bool = True) -> None:
    """Store the picture's PDQ (and crop set) for the report's first file, as enrichment does
    after upload (``crops=False``: a row hashed before crop sets were computed)."""
    hashed = pdq_of_image(content)
    crop_set = image_crop_set(content) if crops else None
    db.add(
        ReportFileSignal(
            report_file_id=report.files[0].id,
            kind="image",
            pdq=hashed.hex,
            pdq_quality=hashed.quality,
            pdq_crops=crop_set.pack() if crop_set is not None else None,
            hashed_at=report.received_at,
        )
    )
    db.flush()


def viral_cluster(db: Session, runtime: Runtime, platforms: Sequence[str] = PLATFORMS) -> str:
    """Copies of one picture reported from ``platforms`` within an hour, clustered and checked:
    a viral cluster with its alert and proposals; its public id."""
    index = ClusterIndex()
    pictures = [ORIGINAL, *COPIES]
    start = datetime.now(UTC) - timedelta(hours=2)
    for n, platform in enumerate(platforms):
        report = report_of(
            db,
            runtime.keyring,
            image_bytes(pictures[n % len(pictures)]),
            platform=platform,
            account=f"poster{n}",
            received_at=start + timedelta(minutes=10 * n),
            url=f"https://{platform.lower()}.example/p/{n}",
        )
        cluster_and_check(db, index, thresholds_of(runtime.settings), report.id)
    found = db.scalars(select(ViralCluster.public_id).where(ViralCluster.alerted_at.is_not(None)))
    return found.one()
