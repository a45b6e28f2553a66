"""CyberTipline report XML: mapped into our model, parsed safely, refused clearly."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.reports.factories import REPORTS, bearer, fresh_key

from perisai.reports.cybertip import CybertipError, parse_report_xml
from perisai.reports.models import Report, ReportIdentifier
from perisai.reports.schemas import ReportIn

CYBERTIP = f"{REPORTS}/cybertip"

SAMPLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<report xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <incidentSummary>
    <incidentType>Online Enticement of Children for Sexual Act</incidentType>
    <escalateToHighPriority>child at immediate risk</escalateToHighPriority>
    <reportAnnotations><sextortion/><minorToMinorInteraction/></reportAnnotations>
    <incidentDateTime>2026-11-20T02:00:00.000Z</incidentDateTime>
  </incidentSummary>
  <internetDetails><webPageIncident><url>https://example.com/p/1</url></webPageIncident>
  </internetDetails>
  <reporter><reportingPerson><firstName>Trust</firstName><lastName>Team</lastName>
    <email>trust@example.com</email></reportingPerson></reporter>
  <personOrUserReported>
    <personOrUserReportedPerson><email>Abang.Baik+x@gmail.com</email>
      <phone>012-345 6789</phone></personOrUserReportedPerson>
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


def test_sample_maps_into_a_valid_report() -> None:
    report = ReportIn.model_validate(parse_report_xml(SAMPLE))
    assert report.incident.type == "online_enticement"
    assert report.incident.annotations == ["sextortion", "minor_to_minor_interaction"]
    assert report.incident.escalation_reason == "child at immediate risk"
    account = report.reported_accounts[0]
    assert (account.platform, account.user_id, account.screen_name) == (
        "ExampleChat",
        "u123",
        "abang_baik",
    )
    assert account.emails == ["Abang.Baik+x@gmail.com"]
    assert account.ip_events[0].event == "login"
    assert account.ip_events[0].port == 443
    assert account.ip_events[0].possible_proxy is False
    assert report.victims[0].age == 12
    assert report.victims[0].name == "Siti Contoh"
    assert report.urls == ["https://example.com/p/1"]
    assert report.additional_info == "free text"


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
        (b"<report/>", "is required"),
        (
            b"<report><incidentSummary><incidentType>Jaywalking</incidentType>"
            b"</incidentSummary></report>",
            "unknown incident type",
        ),
        (
            b"<report><incidentSummary><incidentType>Child Sex Tourism</incidentType>"
            b"<reportAnnotations><mystery/></reportAnnotations></incidentSummary></report>",
            "unknown annotation",
        ),
        (b"<report>" + b" " * 1_048_577 + b"</report>", "larger than"),
    ],
)
def test_bad_xml_is_refused_with_a_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(CybertipError, match=reason):
        parse_report_xml(raw)


def test_xml_submission_is_stored_and_replayable(client: TestClient, db: Session) -> None:
    headers, key = bearer(db), fresh_key()
    xml_headers = {**headers, "Idempotency-Key": key, "Content-Type": "application/xml"}
    first = client.post(CYBERTIP, content=SAMPLE, headers=xml_headers)
    assert first.status_code == 201, first.text
    receipt = first.json()
    assert receipt["sha256"] == hashlib.sha256(SAMPLE).hexdigest()
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
    assert response.json()["errors"][0]["field"] == "victims.0.age"


def test_xml_endpoint_wants_xml(client: TestClient, db: Session) -> None:
    headers = {**bearer(db), "Idempotency-Key": fresh_key(), "Content-Type": "application/json"}
    assert client.post(CYBERTIP, content=b"{}", headers=headers).status_code == 415


def test_xml_endpoint_needs_the_scope(client: TestClient) -> None:
    headers = {"Idempotency-Key": fresh_key(), "Content-Type": "application/xml"}
    assert client.post(CYBERTIP, content=SAMPLE, headers=headers).status_code == 401
