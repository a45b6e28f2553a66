"""Demo data for the workspace: four synthetic, non-explicit reports, triaged, one case at JKM.

- P1: a grooming conversation in Malay/Manglish (secrecy, then a meeting request) about a
  12-year-old, with a sealed victim identity (a made-up name);
- P2: an online-enticement report whose reported phone also appears in the P1 report;
- P3: a known-hash match: a plain grey test image whose SHA-256 is in a demo bank, stored
  encrypted so the blurred preview and the audited reveal can be tried;
- P4: a tip without identifiers.
The P1 report is put in a case and referred to JKM.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from perisai.audit.service import SYSTEM
from perisai.banks.service import add_entry, create_bank
from perisai.cases import service as cases
from perisai.media.banks import BankEntry
from perisai.reports import service as reports
from perisai.reports.evidence import BlobWriter
from perisai.reports.models import Report
from perisai.reports.schemas import ReportIn
from perisai.runtime import Runtime
from perisai.triage.service import triage_report

DEMO_CHAT = [
    {"author": "abang_baik", "text": "hi adik, sekolah mana? umur berapa?"},
    {"author": "adik_manis", "text": "12 tahun, darjah 6"},
    {
        "author": "abang_baik",
        "text": "wah matang la u. jangan bagitahu mak ayah ok, ni rahsia kita",
    },
    {"author": "abang_baik", "text": "jom jumpa esok lepas sekolah, I tunggu kat taman"},
]
SHARED_PHONE = "012-345 6789"


def grey_square() -> bytes:
    """A benign test image: grey with a darker square (nothing but shapes)."""
    image = Image.new("RGB", (320, 240), (150, 150, 150))
    ImageDraw.Draw(image).rectangle((90, 60, 230, 180), fill=(60, 60, 60))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _submit(runtime: Runtime, session: Session, key: str, body: dict[str, Any]) -> Report:
    data = ReportIn.model_validate(body)
    sha = reports.canonical_sha256(data.model_dump(mode="json"))
    done = reports.submit(
        session,
        keyring=runtime.keyring,
        actor=SYSTEM,
        data=data,
        body_sha256=sha,
        client_id="demo",
        idempotency_key=key,
    )
    report = session.query(Report).filter_by(public_id=done.receipt.report_id).one()
    reports.finish(session, report=report, actor=SYSTEM)
    return report


def _store_file(runtime: Runtime, session: Session, report: Report, data: bytes) -> None:
    writer = BlobWriter(runtime.settings.evidence_dir, runtime.keyring)
    try:
        writer.write(data)
        stored = writer.commit()
    finally:
        writer.abort()
    declared = report.files[0]
    declared.size = stored.size
    declared.md5, declared.sha1, declared.sha256 = stored.md5, stored.sha1, stored.sha256
    declared.content_type_sniffed = "image/png"
    declared.blob_path = stored.relative_path
    declared.uploaded_at = reports.now()
    session.flush()


def _bodies(image: bytes) -> dict[str, dict[str, Any]]:
    account = {"platform": "ExampleChat", "user_id": "u-demo-1", "screen_name": "abang_baik"}
    return {
        "p1": {
            "incident": {"type": "online_enticement"},
            "reported_accounts": [{**account, "phones": [SHARED_PHONE]}],
            "victims": [{"age": 12, "name": "Siti Contoh (demo)", "school_name": "SK Contoh"}],
            "conversations": [{"platform": "ExampleChat", "messages": DEMO_CHAT}],
            "additional_info": "Demo: synthetic conversation, no real person.",
        },
        "p2": {
            "incident": {"type": "online_enticement", "annotations": ["csam_solicitation"]},
            "reported_accounts": [
                {"platform": "OtherApp", "screen_name": "abg_baik_2", "phones": [SHARED_PHONE]}
            ],
            "additional_info": "Demo: same phone number as an earlier report.",
        },
        "p3": {
            "incident": {"type": "child_pornography"},
            "files": [
                {
                    "name": "demo-grey-square.png",
                    "size": len(image),
                    "sha256": hashlib.sha256(image).hexdigest(),
                    "content_type": "image/png",
                }
            ],
            "additional_info": "Demo: a plain grey test image whose hash is in a demo bank.",
        },
        "p4": {
            "incident": {"type": "misleading_domain_name"},
            "additional_info": "Demo: a tip about a website, with no identifiers.",
        },
    }


def seed(runtime: Runtime, session: Session) -> None:
    image = grey_square()
    bank = create_bank(session, actor=SYSTEM, name="demo-known-hashes")
    add_entry(
        session,
        actor=SYSTEM,
        bank=bank,
        entry=BankEntry("sha256", hashlib.sha256(image).hexdigest(), label="demo test image"),
    )
    stored = {
        name: _submit(runtime, session, f"demo-{name}", body)
        for name, body in _bodies(image).items()
    }
    _store_file(runtime, session, stored["p3"], image)
    for report in stored.values():
        triage_report(session, report_id=report.id, actor=SYSTEM, keyring=runtime.keyring)
    case = cases.create_case(
        session,
        title="Demo: grooming with a meeting request",
        report_ids=[stored["p1"].id],
        actor=SYSTEM,
    )
    cases.refer(
        session,
        case_id=case.id,
        agency="JKM",
        reason="Demo: victim support for a 12-year-old",
        actor=SYSTEM,
    )
    session.flush()
