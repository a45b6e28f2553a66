from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.datasets import MAXMIND
from tests.linkage.factories import account, body, make_report

from perisai.audit.models import AuditEntry
from perisai.audit.service import Actor, flush_pending
from perisai.enrichment.ipintel import enrich_ip_events
from perisai.identifiers import normalise
from perisai.ipintel import IpIntel
from perisai.linkage.service import lookup
from perisai.runtime import Runtime
from perisai.sharing.redaction import Viewer

ANALYST = Actor(kind="user", id="42", agency="PDRM", role="analyst")
SHA_A = "a" * 64
MD5_B = "b" * 32


def _find(
    db: Session,
    kind: str,
    value: str,
    platform: str | None = None,
    viewer: Viewer | None = None,
) -> dict[str, Any]:
    # Linking itself is tested as the system sees it; need-to-know has its own test below.
    return lookup(
        db,
        actor=ANALYST,
        identifier=normalise(kind, value, platform=platform),
        viewer=viewer or Viewer.system(),
    )


def _report_ids(answer: dict[str, Any]) -> set[str]:
    return {item["report_id"] for item in answer["reports"]}


def _reasons(answer: dict[str, Any]) -> list[str]:
    return [reason for link in answer["links"] for reason in link["reasons"]]


def test_reports_sharing_a_phone_email_and_username_form_one_cluster(
    db: Session, runtime: Runtime
) -> None:
    keyring = runtime.keyring
    first = make_report(db, keyring, body(account(user_id="abang_baik", phones=["012-345 6789"])))
    # The same phone written differently, and a gmail address.
    second = make_report(
        db, keyring, body(account(phones=["+60 12-345 6789"], emails=["Abang.Baik+x@gmail.com"]))
    )
    # The same gmail account without dots or tag, and a username in another case on the platform.
    third = make_report(
        db, keyring, body(account(screen_name="ABANG_BAIK", emails=["abangbaik@googlemail.com"]))
    )
    unrelated = make_report(
        db, keyring, body(account(user_id="someone_else", phones=["013-999 8888"]))
    )

    answer = _find(db, "phone", "0123456789")
    assert _report_ids(answer) == {first.public_id, second.public_id, third.public_id}
    assert unrelated.public_id not in str(answer)
    reasons = _reasons(answer)
    assert f"same phone +60123456789 as report {second.public_id}" in reasons
    assert f"same email abangbaik@gmail.com as report {third.public_id}" in reasons
    assert any(
        reason == f"same username examplechat:abang_baik as report {third.public_id}"
        for reason in reasons
    )
    link_pairs = {tuple(link["reports"]) for link in answer["links"]}
    assert (first.public_id, second.public_id) in link_pairs
    shared = {item["key"]: item["reports"] for item in answer["identifiers"]}
    assert sorted(shared["phone:+60123456789"]) == sorted([first.public_id, second.public_id])
    assert "phone:+60139998888" not in shared
    seeds = {item["report_id"] for item in answer["reports"] if item["carries_identifier"]}
    assert seeds == {first.public_id, second.public_id}


def test_unrelated_reports_do_not_link(db: Session, runtime: Runtime) -> None:
    keyring = runtime.keyring
    one = make_report(db, keyring, body(account(user_id="alpha", phones=["012-111 2222"])))
    make_report(db, keyring, body(account(user_id="beta", phones=["012-333 4444"])))
    answer = _find(db, "phone", "012-111 2222")
    assert _report_ids(answer) == {one.public_id}
    assert answer["links"] == [] and answer["shared_media"] == []


def test_unknown_identifier_gives_an_empty_answer(db: Session, runtime: Runtime) -> None:
    make_report(db, runtime.keyring, body(account(user_id="gamma")))
    answer = _find(db, "email", "nobody@example.my")
    assert answer["identifier"]["key"] == "email:nobody@example.my"
    assert all(answer[name] == [] for name in ("reports", "identifiers", "links", "timeline"))


def test_reports_sharing_media_hashes_link(db: Session, runtime: Runtime) -> None:
    keyring = runtime.keyring
    first = make_report(
        db,
        keyring,
        body(account(user_id="uploader"), files=[{"name": "a.jpg", "sha256": SHA_A}]),
    )
    # No identifier in common: only the file (declared with upper-case hex) joins them.
    second = make_report(
        db,
        keyring,
        body(
            account(user_id="reposter"),
            files=[{"name": "copy.jpg", "sha256": SHA_A.upper(), "md5": MD5_B}],
        ),
    )
    third = make_report(
        db, keyring, body(account(user_id="third"), files=[{"name": "x.png", "md5": MD5_B}])
    )
    answer = _find(db, "username", "uploader", platform="ExampleChat")
    assert _report_ids(answer) == {first.public_id, second.public_id, third.public_id}
    media = {item["hash"]: item for item in answer["shared_media"]}
    assert media[SHA_A]["algorithm"] == "sha256"
    assert sorted(media[SHA_A]["reports"]) == sorted([first.public_id, second.public_id])
    assert {f["name"] for f in media[SHA_A]["files"]} == {"a.jpg", "copy.jpg"}
    assert sorted(media[MD5_B]["reports"]) == sorted([second.public_id, third.public_id])
    assert f"same media (SHA-256 {SHA_A}) as report {second.public_id}" in _reasons(answer)


def test_timeline_orders_receipt_incident_and_ip_events(db: Session, runtime: Runtime) -> None:
    keyring = runtime.keyring
    events = [{"ip": "81.2.69.160", "event": "login", "at": "2026-11-20T09:58:00+08:00"}]
    report = make_report(
        db,
        keyring,
        body(account(user_id="timed", ip_events=events)),
        received_at=datetime(2026, 11, 21, tzinfo=UTC),
    )
    answer = _find(db, "username", "timed", platform="ExampleChat")
    kinds = [(item["kind"], item["at"]) for item in answer["timeline"]]
    assert [kind for kind, _ in kinds] == ["ip_event", "incident", "report_received"]
    times = [datetime.fromisoformat(at) for _, at in kinds]
    assert times == sorted(times)
    assert answer["timeline"][0]["intel"] is None  # not enriched yet
    assert answer["timeline"][0]["report_id"] == report.public_id


def test_timeline_carries_stored_ip_intelligence(db: Session, runtime: Runtime) -> None:
    events = [{"ip": "81.2.69.160", "event": "login", "at": "2026-11-20T09:58:00+08:00"}]
    report = make_report(db, runtime.keyring, body(account(user_id="geo", ip_events=events)))
    intel = IpIntel.from_sources(mmdb=[MAXMIND / "GeoLite2-City-Test.mmdb"])
    enrich_ip_events(db, runtime, report, intel=intel)
    answer = _find(db, "ip", "81.2.69.160")
    (ip_event,) = [item for item in answer["timeline"] if item["kind"] == "ip_event"]
    assert ip_event["intel"]["country"] == "GB" and ip_event["intel"]["city"] == "London"


def test_every_lookup_is_audited(db: Session, runtime: Runtime) -> None:
    report = make_report(db, runtime.keyring, body(account(user_id="audited")))
    _find(db, "username", "audited", platform="ExampleChat")
    _find(db, "email", "nobody@example.my")
    flush_pending(db)
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "linkage.lookup").order_by(AuditEntry.id)
    ).all()
    assert [entry.object_id for entry in entries] == [
        "username:examplechat:audited",
        "email:nobody@example.my",
    ]
    assert entries[0].actor_id == "42" and entries[0].agency == "PDRM"
    assert entries[0].details["reports"] == [report.public_id]
    assert entries[1].details["reports"] == []


def test_long_keys_are_audited_by_their_hash(db: Session, runtime: Runtime) -> None:
    url = "https://example.com/" + "p" * 200
    _find(db, "url", url)
    flush_pending(db)
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "linkage.lookup")).one()
    assert entry.object_id is not None and len(entry.object_id) == 64
    assert entry.details["key"].startswith("url:https://example.com/")


def test_large_clusters_are_cut_and_say_so(db: Session, runtime: Runtime) -> None:
    for index in range(4):
        make_report(db, runtime.keyring, body(account(user_id=f"n{index}", phones=["0123000000"])))
    answer = lookup(
        db,
        actor=ANALYST,
        identifier=normalise("phone", "0123000000"),
        viewer=Viewer.system(),
        max_reports=3,
    )
    assert answer["truncated"] is True
    assert len(answer["reports"]) == 3


def test_links_follow_need_to_know(db: Session, runtime: Runtime) -> None:
    """A viewer sees, and links through, only the reports it may see."""
    from tests.identity.factories import make_user

    from perisai.cases.service import create_case, refer

    keyring = runtime.keyring
    loose = make_report(db, keyring, body(account(user_id="x1", phones=["012-777 1111"])))
    in_case = make_report(db, keyring, body(account(user_id="x2", phones=["012-777 1111"])))
    case = create_case(db, title="JKM case", report_ids=[in_case.id], actor=ANALYST)
    # Referring is the Secretariat's or the lead agency's (cases/policy.py).
    desk = Actor(kind="user", id="43", agency="SECRETARIAT", role="analyst")
    refer(db, case_id=case.id, agency="JKM", reason="victim support", actor=desk)
    db.flush()
    jkm, _ = make_user(db, keyring, role="caseworker", agency="JKM")
    ngo, _ = make_user(db, keyring, role="caseworker", agency="NGO")
    secretariat, _ = make_user(db, keyring, role="analyst", agency="SECRETARIAT")

    def seen_by(user: Any) -> set[str]:
        return _report_ids(_find(db, "phone", "012-777 1111", viewer=Viewer.for_user(user)))

    assert seen_by(jkm) == {in_case.public_id}
    assert seen_by(ngo) == set()
    # The secretariat's triage desk sees reports in no case, and every case.
    assert seen_by(secretariat) == {loose.public_id, in_case.public_id}
