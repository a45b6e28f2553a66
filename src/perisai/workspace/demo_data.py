"""Demo data for the workspace: synthetic, non-explicit reports that show every capability.

- P1, **not yet reviewed and in no case**: a grooming conversation in Malay/Manglish (secrecy,
  then a meeting request) about a 12-year-old, with a sealed victim identity (a made-up name)
  and the reported account's IP events, looked up in MaxMind's test databases (city, country,
  network owner, VPN/Tor flags);
- P2: an online-enticement report linked to the P1 report by the same phone number and the
  same IP address within the hour (linkage);
- P3: a known-hash match: a plain grey test image whose SHA-256 is in a demo bank, stored
  encrypted so the blurred preview and the audited reveal can be tried;
- P4: a tip without identifiers, sent through the public hotline, whose status can be checked
  with the receipt code `perisai.demo_data.DEMO_RECEIPT_CODE`;
- an earlier threat-to-share report about a 14-year-old, reviewed, in a case with a task, a
  takedown notice to the platform and a note, referred to JKM (a referral the JKM caseworker can
  accept or decline).
Nothing links the case's report to the P1 report, so the P1 report stays out of any case (triage
attaches a report linked to one in an open case) for the analyst to review, open a case and
refer.
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.audit.service import SYSTEM, Actor
from perisai.banks.service import add_entry, create_bank
from perisai.cases import service as cases
from perisai.cases.takedowns import create_takedown
from perisai.demo_data import DEMO_MMDB, DEMO_RECEIPT_CODE
from perisai.enrichment.ipintel import available_intel, ip_intel_values
from perisai.enrichment.matches import match_report_files
from perisai.identity.agencies import SECRETARIAT
from perisai.identity.models import User
from perisai.ipintel import IpIntel
from perisai.media.banks import BankEntry
from perisai.reports import service as reports
from perisai.reports.evidence import BlobWriter
from perisai.reports.hotline import receipt_code_sha256
from perisai.reports.models import Report, ReporterKind
from perisai.reports.schemas import ReportIn
from perisai.runtime import Runtime
from perisai.triage.service import mark_reviewed, triage_report

DEMO_CHAT = [
    {"author": "abang_baik", "text": "hi adik, sekolah mana? umur berapa?"},
    {"author": "adik_manis", "text": "12 tahun, darjah 6"},
    {
        "author": "abang_baik",
        "text": "wah matang la u. jangan bagitahu mak ayah ok, ni rahsia kita",
    },
    {"author": "abang_baik", "text": "jom jumpa esok lepas sekolah, I tunggu kat taman"},
]
CASE_CHAT = [
    {"author": "kawan_gamer", "text": "hey, nak top up diamond free tak?"},
    {"author": "budak_tingkatan2", "text": "nak! macam mana?"},
    {"author": "kawan_gamer", "text": "hantar gambar selfie dulu, jangan bagitahu sesiapa"},
    {
        "author": "kawan_gamer",
        "text": "kalau tak hantar lagi, aku share gambar tu kat semua kawan sekolah kau",
    },
]
SHARED_PHONE = "012-345 6789"
TAKEDOWN_URL = "https://gamechat.example/u/kawan_gamer/posts/1"
# Addresses that MaxMind's test databases answer for (see perisai/demo_data/maxmind/README.md):
# 81.2.69.142 is London with VPN, Tor and hosting flags; 89.160.20.112 is Linköping, AS29518.
ANONYMISED_IP = "81.2.69.142"
SHARED_IP = "89.160.20.112"


def grey_square() -> bytes:
    """A benign test image: grey with a darker square (nothing but shapes)."""
    image = Image.new("RGB", (320, 240), (150, 150, 150))
    ImageDraw.Draw(image).rectangle((90, 60, 230, 180), fill=(60, 60, 60))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _intel(runtime: Runtime) -> IpIntel:
    """The deployment's sources when it has them (as `perisai demo run` sets), else the test
    databases shipped for the demo."""
    return available_intel(runtime.settings) or IpIntel.from_sources(mmdb=DEMO_MMDB)


def _submit(
    runtime: Runtime,
    session: Session,
    key: str,
    body: dict[str, Any],
    intel: IpIntel,
    hotline: reports.HotlineExtras | None = None,
) -> Report:
    data = ReportIn.model_validate(body)
    sha = reports.canonical_sha256(data.model_dump(mode="json"))
    done = reports.submit(
        session,
        keyring=runtime.keyring,
        actor=SYSTEM,
        data=data,
        body_sha256=sha,
        client_id="hotline" if hotline else "demo",
        idempotency_key=key,
        reporter_kind=ReporterKind.HOTLINE if hotline else ReporterKind.APIKEY,
        hotline=hotline,
        ip_lookup=lambda accounts, received_at: ip_intel_values(intel, accounts, received_at),
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


def _bodies(image: bytes, now: datetime) -> dict[str, dict[str, Any]]:
    def at(hours_ago: float) -> str:
        return (now - timedelta(hours=hours_ago)).isoformat()

    account = {"platform": "ExampleChat", "user_id": "u-demo-1", "screen_name": "abang_baik"}
    return {
        "p1": {
            "incident": {"type": "online_enticement"},
            "reported_accounts": [
                {
                    **account,
                    "phones": [SHARED_PHONE],
                    "ip_events": [
                        {"ip": ANONYMISED_IP, "event": "registration", "at": at(72)},
                        {"ip": SHARED_IP, "event": "login", "at": at(26)},
                    ],
                }
            ],
            "victims": [{"age": 12, "name": "Siti Contoh (demo)", "school_name": "SK Contoh"}],
            "conversations": [{"platform": "ExampleChat", "messages": DEMO_CHAT}],
            "additional_info": "Demo: synthetic conversation, no real person.",
        },
        "p2": {
            "incident": {"type": "online_enticement", "annotations": ["csam_solicitation"]},
            "reported_accounts": [
                {
                    "platform": "OtherApp",
                    "screen_name": "abg_baik_2",
                    "phones": [SHARED_PHONE],
                    "ip_events": [{"ip": SHARED_IP, "event": "login", "at": at(25.6)}],
                }
            ],
            "additional_info": "Demo: same phone number and address as an earlier report.",
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
            "additional_info": "Demo: a tip about a website, with no identifiers, sent through "
            "the public hotline.",
        },
        "case": {
            "incident": {"type": "online_enticement", "annotations": ["sextortion"]},
            "reported_accounts": [
                {"platform": "GameChat", "user_id": "g-demo-7", "screen_name": "kawan_gamer"}
            ],
            "victims": [{"age": 14, "name": "Adam Contoh (demo)"}],
            "conversations": [{"platform": "GameChat", "messages": CASE_CHAT}],
            "urls": [TAKEDOWN_URL],
            "additional_info": "Demo: an earlier synthetic report, already in a case.",
        },
    }


def _analyst(session: Session) -> Actor:
    """The demo analyst, as the author of what the demo did on the case (the system when the
    demo users are not there, as when a test seeds the workspace alone)."""
    user_id = session.scalar(select(User.id).where(User.email == "analyst@demo.perisai.my"))
    if user_id is None:
        return SYSTEM
    return Actor(kind="user", id=str(user_id), agency=SECRETARIAT, role="analyst")


def seed(runtime: Runtime, session: Session) -> None:
    image = grey_square()
    intel = _intel(runtime)
    bank = create_bank(session, actor=SYSTEM, name="demo-known-hashes")
    add_entry(
        session,
        actor=SYSTEM,
        bank=bank,
        entry=BankEntry("sha256", hashlib.sha256(image).hexdigest(), label="demo test image"),
    )
    bodies = _bodies(image, datetime.now(UTC))
    hotline = reports.HotlineExtras(receipt_code_sha256(DEMO_RECEIPT_CODE), {})
    stored = {
        name: _submit(
            runtime,
            session,
            f"demo-{name}",
            body,
            intel,
            hotline=hotline if name == "p4" else None,
        )
        for name, body in bodies.items()
    }
    _store_file(runtime, session, stored["p3"], image)
    for report in stored.values():
        session.refresh(report)
        match_report_files(session, runtime, report)  # what enrichment would store
        triage_report(session, report_id=report.id, actor=SYSTEM, keyring=runtime.keyring)
    analyst = _analyst(session)
    earlier = stored["case"]
    mark_reviewed(session, report_id=earlier.id, actor=analyst)
    case = cases.create_case(
        session,
        title="Demo: threat to share a pupil's photo",
        report_ids=[earlier.id],
        actor=analyst,
    )
    cases.add_task(
        session,
        case_id=case.id,
        title="Preserve the GameChat account's data (request to the platform)",
        due_at=datetime.now(UTC) + timedelta(days=2),
        actor=analyst,
    )
    create_takedown(session, case_id=case.id, url=TAKEDOWN_URL, platform="GameChat", actor=analyst)
    cases.add_note(
        session,
        case_id=case.id,
        body="Demo: the pupil's parent called the hotline; JKM asked to arrange support.",
        actor=analyst,
    )
    cases.refer(
        session,
        case_id=case.id,
        agency="JKM",
        reason="Demo: victim support for a 14-year-old",
        actor=analyst,
    )
    session.flush()
