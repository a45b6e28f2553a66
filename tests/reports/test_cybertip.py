"""CyberTipline XML: validated against NCMEC's schema, every element modelled or kept verbatim,
parsed safely, refused one line per problem, and written back as schema-valid XML."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import defusedxml.ElementTree as SafeET
import pytest
import xmlschema
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.reports.factories import REPORTS, bearer, fresh_key

from perisai.reports.cybertip import CybertipProblems, parse_zone, read_cybertip
from perisai.reports.cybertip.document import XSD_PATH
from perisai.reports.cybertip.writer import report_xml
from perisai.reports.identifiers import account_identifiers
from perisai.reports.models import Report, ReportIdentifier

CYBERTIP = f"{REPORTS}/cybertip"
NCMEC = Path(__file__).resolve().parents[1] / "data" / "ncmec"
FULL = (NCMEC / "report-full.xml").read_bytes()
FILES = [(NCMEC / name).read_bytes() for name in ("file-details-annotations.xml",
                                                  "file-details-meme.xml")]  # fmt: skip
# NCMEC's schema as committed with the test data: the package's copy is checked against it,
# and every export is validated with it, independently of the code under test.
SCHEMA = xmlschema.XMLSchema10(str(NCMEC / "cyber_tipline.xsd"))

SAMPLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<report xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <incidentSummary>
    <incidentType>Online Enticement of Children for Sexual Acts</incidentType>
    <escalateToHighPriority>child at immediate risk</escalateToHighPriority>
    <reportAnnotations><sextortion/><minorToMinorInteraction/></reportAnnotations>
    <incidentDateTime>2026-11-20T02:00:00.000Z</incidentDateTime>
  </incidentSummary>
  <internetDetails><webPageIncident><url>https://example.com/p/1</url></webPageIncident>
  </internetDetails>
  <reporter><reportingPerson><firstName>Trust</firstName><lastName>Team</lastName>
    <email>trust@example.com</email></reportingPerson></reporter>
  <personOrUserReported>
    <personOrUserReportedPerson><phone>012-345 6789</phone>
      <email>Abang.Baik+x@gmail.com</email></personOrUserReportedPerson>
    <espIdentifier>u123</espIdentifier>
    <espService>ExampleChat</espService>
    <screenName>abang_baik</screenName>
    <displayName>Abang Baik</displayName>
    <ipCaptureEvent><ipAddress>81.2.69.160</ipAddress><eventName>Login</eventName>
      <dateTime>2026-11-20T01:58:00.000Z</dateTime><possibleProxy>false</possibleProxy>
      <port>443</port></ipCaptureEvent>
    <deviceId><idType>IMEI</idType><idValue>356938035643809</idValue></deviceId>
    <priorCTReports>123456</priorCTReports>
  </personOrUserReported>
  <victim><victimPerson><firstName>Siti</firstName><lastName>Contoh</lastName><age>12</age>
    </victimPerson><schoolName>SK Contoh</schoolName></victim>
  <additionalInfo>free text</additionalInfo>
</report>"""


def _schema_paths(root: str) -> set[str]:
    """Every element and attribute path the schema allows under ``root``."""
    found: set[str] = set()

    def walk(element: Any, prefix: str) -> None:
        path = f"{prefix}/{element.name}" if prefix else str(element.name)
        found.add(path)
        found.update(f"{path}/@{name}" for name in element.attributes or {})
        if element.type.has_complex_content():
            for child in element.type.content.iter_elements():
                walk(child, path)

    walk(SCHEMA.elements[root], "")
    return found


def _document_paths(raw: bytes) -> set[str]:
    found: set[str] = set()

    def walk(element: ET.Element, prefix: str) -> None:
        path = f"{prefix}/{element.tag}" if prefix else element.tag
        found.add(path)
        found.update(f"{path}/@{name}" for name in element.attrib)
        for child in element:
            walk(child, path)

    walk(SafeET.fromstring(raw), "")
    return found


def _generic(path: str) -> str:
    return "/".join(part.split("[")[0] for part in path.split("/"))


def test_the_package_ships_ncmecs_schema_unchanged() -> None:
    assert XSD_PATH.read_bytes() == (NCMEC / "cyber_tipline.xsd").read_bytes()


def test_the_fixtures_cover_every_element_and_attribute_of_the_schema() -> None:
    assert SCHEMA.is_valid(FULL.decode())
    assert all(SCHEMA.is_valid(raw.decode()) for raw in FILES)
    assert _document_paths(FULL) == _schema_paths("report")
    assert _document_paths(FILES[0]) | _document_paths(FILES[1]) == _schema_paths("fileDetails")


def test_nothing_is_dropped_silently() -> None:
    """Every path of the full report is either modelled or kept verbatim, never neither."""
    found = read_cybertip(FULL, FILES)
    details = found.source.details
    kept = {_generic(item["path"]) for item in details["unmodelled"]}
    kept |= {_generic(item["path"]) for item in found.source.sealed["unmodelled"]}
    # A kept element carries all of its subtree verbatim.
    covered = {p for p in _schema_paths("report") if any(p == k or p.startswith(k + "/")
                                                         for k in kept)}  # fmt: skip
    modelled = _schema_paths("report") - covered
    assert kept <= _schema_paths("report") | _schema_paths("fileDetails")
    assert "report/incidentSummary/reportAnnotations/sadisticOnlineExploitation" in modelled
    assert "report/internetDetails/newsgroupIncident" in kept
    assert len(modelled) > 3 * len(covered)
    for item in details["unmodelled"]:
        if not item["path"].split("/")[-1].startswith("@"):
            assert item["xml"].startswith("<"), item
    assert not any(i["path"].startswith("report/victim") for i in details["unmodelled"])
    assert found.summary["unmodelled"]["count"] == len(details["unmodelled"])


def test_the_full_report_maps_every_listed_field() -> None:
    data = read_cybertip(FULL, FILES, zone=parse_zone("Asia/Kuala_Lumpur")).data
    incident = data.incident
    assert incident.type == "online_enticement"
    assert incident.annotations == ["sextortion", "csam_solicitation",
                                    "minor_to_minor_interaction", "spam",
                                    "sadistic_online_exploitation"]  # fmt: skip
    assert incident.occurred_at == datetime(2026, 11, 20, 2, 15, tzinfo=UTC)
    assert incident.platform == "ExampleChat for Android"
    account = data.reported_accounts[0]
    assert (account.first_name, account.last_name, account.age) == ("Abang", "Baik", 34)
    assert account.phones == ["+60 123456789"]
    assert account.profile_bio and account.group_identifier == "group-77"
    assert account.compromised is False and account.third_party is False
    assert account.temporarily_disabled and account.temporarily_disabled.reenabled_at
    assert account.permanently_disabled and account.permanently_disabled.disabled
    assert [d.type for d in account.devices] == ["IMEI", "Advertising ID"]
    assert account.estimated_location and account.estimated_location.country == "MY"
    (associated,) = account.associated_accounts
    assert (associated.relation, associated.third_party, associated.middle_name) == (
        "linked",
        True,
        "Bin",
    )
    assert data.reporter and data.reporter.person.emails == ["trust@example.com"]
    assert data.reporter.legal_url == "https://example.com/legal"
    police = data.law_enforcement
    assert police and police.case_number == "EPU-2026-0042"
    assert police.served_legal_process_international and police.legal_process_country == "MY"
    assert police.officer and police.officer.phones == ["+1 2025550123"]
    (recipient,) = data.intended_recipients
    assert (recipient.first_name, recipient.age, len(recipient.additional_info)) == ("Adik", 13, 2)
    (victim,) = data.victims
    assert (victim.user_id, victim.screen_names, victim.name) == ("u-4004", ["siti_c"],
                                                                  "Siti Contoh")  # fmt: skip
    assert str(victim.date_of_birth) == "2014-04-05" and victim.profile_urls
    assert victim.ip_events and victim.associated_accounts[0].relation == "parent_guardian"
    assert [c.room_name for c in data.chat_incidents] == ["Study group 5B"]
    assert data.email_incidents[0].addresses == ["sender@example.com", "recipient@example.net"]
    first, meme = data.files
    assert "generative_ai" in first.annotations and {"potential_meme", "viral"} <= set(
        first.annotations)  # fmt: skip
    assert (first.original_name, first.relevance, first.md5) == (
        "IMG_0001.JPG",
        "reported",
        "5d41402abc4b2a76b9719d911017c592",
    )
    assert first.other_hashes[0].type == "PDQ" and len(first.metadata) == 3
    assert meme.annotations == ["potential_meme"]


def test_country_calling_codes_normalise_to_the_right_country() -> None:
    data = read_cybertip(FULL).data
    keys = {i.key for i in account_identifiers(data.reported_accounts) if i.kind == "phone"}
    assert keys == {"phone:+60123456789"}


def test_zoneless_times_are_read_as_utc_unless_a_zone_is_stated() -> None:
    default = read_cybertip(FULL)
    zoneless = default.summary["times_without_zone"]
    assert zoneless["count"] == 4 and zoneless["read_as"] == "UTC"
    assert "no zone was stated" in zoneless["why"]
    assert default.data.incident.occurred_at == datetime(2026, 11, 20, 10, 15, tzinfo=UTC)
    stated = read_cybertip(FULL, zone=parse_zone("+08:00"))
    assert stated.summary["times_without_zone"]["why"] == "+08:00 (stated by the importer)"
    assert stated.data.incident.occurred_at == datetime(2026, 11, 20, 2, 15, tzinfo=UTC)
    # A time that carries its zone is never moved.
    event = stated.data.reported_accounts[0].ip_events[0]
    assert event.at == datetime(2026, 11, 20, 1, 58, tzinfo=UTC)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "+25:00", "", "08"])
def test_unknown_zones_are_refused(zone: str) -> None:
    with pytest.raises(ValueError, match="zone"):
        parse_zone(zone)


def test_child_identifying_leftovers_are_kept_sealed_not_plain() -> None:
    found = read_cybertip(FULL)
    sealed_paths = [item["path"] for item in found.source.sealed["unmodelled"]]
    assert any(p.startswith("report/victim/victimPerson/phone") for p in sealed_paths)
    assert any(p.startswith("report/intendedRecipient/") for p in sealed_paths)
    plain = str(found.source.details)
    assert "siti" not in plain.lower() and "adik" not in plain.lower()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<report>&lol2;</report>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><report>&x;</report>"""


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (BILLION_LAUGHS, "DTDs and entities"),
        (EXTERNAL, "DTDs and entities"),
        (b"<report><incidentSummary>", "malformed XML"),
        (b"", "malformed XML"),
        (b"\xff\xfe garbage", "malformed XML"),
        (b"<notareport/>", "root element"),
        (b"<report/>", "not complete"),
        (
            SAMPLE.replace(b"Online Enticement of Children for Sexual Acts", b"Jaywalking"),
            "incidentType: value must be one of",
        ),
        (SAMPLE.replace(b"<sextortion/>", b"<mystery/>"), "reportAnnotations"),
        (b"<report>" + b" " * 1_048_577 + b"</report>", "larger than"),
        (b"<report>" + b"<a>" * 50 + b"</a>" * 50 + b"</report>", "deeper than"),
        (
            SAMPLE.replace(b"2026-11-20T02:00:00.000Z", b"0001-01-01T00:00:00Z"),
            "incident.occurred_at: Value error, must be between 1970-01-01",
        ),
        (SAMPLE.replace(b"2026-11-20T02:00:00.000Z", b"9999-12-31T23:59:59"), "must be between"),
        (
            SAMPLE.replace(b"<age>12</age>", b"<age>12</age><dateOfBirth>1850-01-01</dateOfBirth>"),
            "a date of birth must be between 1900-01-01",
        ),
    ],
)
def test_bad_xml_is_refused_with_a_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(CybertipProblems) as caught:
        read_cybertip(raw)
    assert any(reason in problem for problem in caught.value.problems), caught.value.problems


def test_every_problem_is_its_own_line() -> None:
    broken = SAMPLE.replace(b"Online Enticement of Children for Sexual Acts", b"Nope").replace(
        b"<port>443</port>", b"<port>https</port>"
    )
    with pytest.raises(CybertipProblems) as caught:
        read_cybertip(broken)
    problems = caught.value.problems
    assert len(problems) == 2 and all("\n" not in p for p in problems)
    assert problems[0].startswith("report: /report/incidentSummary/incidentType:")
    assert "/ipCaptureEvent/port" in problems[1]


def test_file_details_must_be_about_one_report() -> None:
    other = FILES[1].replace(b"90000001", b"90000002")
    with pytest.raises(CybertipProblems, match="different reports"):
        read_cybertip(FULL, [FILES[0], other])
    with pytest.raises(CybertipProblems, match=r"fileDetails\[1\]: the root element"):
        read_cybertip(FULL, [FULL])


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_garbage_is_refused_never_raised_through(raw: bytes) -> None:
    with pytest.raises(CybertipProblems):
        read_cybertip(raw)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=len(FULL) - 1), st.binary(min_size=1, max_size=8))
def test_corrupted_reports_are_refused_or_read(at: int, noise: bytes) -> None:
    raw = FULL[:at] + noise + FULL[at + len(noise) :]
    problems: list[str] = []
    try:
        read_cybertip(raw)
    except CybertipProblems as exc:
        problems = exc.problems
    if raw != FULL and problems:
        assert all(isinstance(p, str) and "\n" not in p for p in problems)


# --- export ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [FULL, SAMPLE])
def test_export_is_schema_valid_and_reads_back_the_same(raw: bytes) -> None:
    first = read_cybertip(raw, zone=parse_zone("+08:00"))
    xml = report_xml(first.data, received_at=datetime(2026, 11, 21, tzinfo=UTC))
    SCHEMA.validate(xml.decode())
    again = read_cybertip(xml)
    assert again.summary["times_without_zone"]["count"] == 0
    assert again.data.model_dump() == first.data.model_dump()


def test_export_of_a_report_without_an_incident_time_says_which_time_it_gives() -> None:
    data = read_cybertip(SAMPLE).data.model_copy(update={"incident": read_cybertip(
        SAMPLE).data.incident.model_copy(update={"occurred_at": None})})  # fmt: skip
    xml = report_xml(data, received_at=datetime(2026, 11, 21, 3, tzinfo=UTC))
    SCHEMA.validate(xml.decode())
    root = SafeET.fromstring(xml)
    assert root.findtext("incidentSummary/incidentDateTime") == "2026-11-21T03:00:00+00:00"
    assert "received" in (root.findtext("incidentSummary/incidentDateTimeDescription") or "")


# --- the API --------------------------------------------------------------------------------


def test_xml_submission_is_stored_and_replayable(client: TestClient, db: Session) -> None:
    headers, key = bearer(db), fresh_key()
    xml_headers = {**headers, "Idempotency-Key": key, "Content-Type": "application/xml"}
    first = client.post(CYBERTIP, content=SAMPLE, headers=xml_headers)
    assert first.status_code == 201, first.text
    receipt = first.json()
    assert receipt["sha256"] == hashlib.sha256(SAMPLE).hexdigest()
    assert receipt["summary"]["times_without_zone"]["count"] == 0
    again = client.post(CYBERTIP, content=SAMPLE, headers=xml_headers)
    assert again.status_code == 200
    assert again.json() == receipt
    changed = client.post(CYBERTIP, content=SAMPLE.replace(b"free", b"other"), headers=xml_headers)
    assert changed.status_code == 409
    report = db.scalars(select(Report).where(Report.public_id == receipt["report_id"])).one()
    keys = set(
        db.scalars(select(ReportIdentifier.key).where(ReportIdentifier.report_id == report.id))
    )
    assert "phone:+60123456789" in keys
    assert "username:examplechat:abang_baik" in keys
    shown = client.get(f"{REPORTS}/{receipt['report_id']}", headers=headers)
    assert shown.json()["victim_count"] == 1
    assert "Siti" not in shown.text


def test_the_full_report_through_the_api_with_a_stated_zone(
    client: TestClient, db: Session
) -> None:
    headers = {**bearer(db), "Idempotency-Key": fresh_key(), "Content-Type": "application/xml"}
    response = client.post(f"{CYBERTIP}?zone=%2B08:00", content=FULL, headers=headers)
    assert response.status_code == 201, response.text
    summary = response.json()["summary"]
    assert summary["times_without_zone"]["read_as"] == "+08:00"
    assert summary["unmodelled"]["count"] > 0 and summary["unmodelled_sealed"]["count"] > 0
    report = db.scalars(
        select(Report).where(Report.public_id == response.json()["report_id"])
    ).one()
    assert report.occurred_at == datetime(2026, 11, 20, 2, 15, tzinfo=UTC)
    assert report.details_sealed is not None and b"Siti" not in report.details_sealed
    assert report.details["reporter"]["person"]["first_name"] == "Trust"
    bad_zone = client.post(f"{CYBERTIP}?zone=Mars", content=FULL,
                           headers={**headers, "Idempotency-Key": fresh_key()})  # fmt: skip
    assert bad_zone.status_code == 422 and bad_zone.json()["errors"][0]["field"] == "zone"


def test_xml_errors_are_problem_details(client: TestClient, db: Session) -> None:
    headers = {**bearer(db), "Idempotency-Key": fresh_key(), "Content-Type": "application/xml"}
    response = client.post(CYBERTIP, content=BILLION_LAUGHS, headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "DTDs and entities" in response.json()["errors"][0]["message"]


def test_xml_values_are_validated_with_field_names(client: TestClient, db: Session) -> None:
    bad = SAMPLE.replace(b"<age>12</age>", b"<age>twelve</age>")
    headers = {**bearer(db), "Idempotency-Key": fresh_key(), "Content-Type": "application/xml"}
    response = client.post(CYBERTIP, content=bad, headers=headers)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "report" and "/report/victim/victimPerson/age" in error["message"]
    too_old = SAMPLE.replace(b"<age>12</age>", b"<age>30</age>")
    headers["Idempotency-Key"] = fresh_key()
    response = client.post(CYBERTIP, content=too_old, headers=headers)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "victims.0.age"


def test_xml_endpoint_wants_xml(client: TestClient, db: Session) -> None:
    headers = {**bearer(db), "Idempotency-Key": fresh_key(), "Content-Type": "application/json"}
    assert client.post(CYBERTIP, content=b"{}", headers=headers).status_code == 415


def test_xml_endpoint_needs_the_scope(client: TestClient) -> None:
    headers = {"Idempotency-Key": fresh_key(), "Content-Type": "application/xml"}
    assert client.post(CYBERTIP, content=SAMPLE, headers=headers).status_code == 401
