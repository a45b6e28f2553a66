"""CyberTipline report XML → our report body (the dict `ReportIn` validates).

Parsed with defusedxml: a DTD, entity or external reference is refused, never expanded. The
mapping covers the sections Perisai stores (incident summary, web-page URLs, reported persons or
users, victims, additional info); other sections (reporter, law enforcement, intended recipients,
other internet details) are ignored. Names follow the public CyberTipline report format.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

MAX_XML_BYTES = 1_048_576

INCIDENT_TYPES = {
    "Child Pornography (possession, manufacture, and distribution)": "child_pornography",
    "Child Sex Trafficking": "child_sex_trafficking",
    "Child Sex Tourism": "child_sex_tourism",
    "Child Sexual Molestation": "child_sexual_molestation",
    "Misleading Domain Name": "misleading_domain_name",
    "Misleading Words or Digital Images on the Internet": "misleading_words_or_digital_images",
    "Online Enticement of Children for Sexual Act": "online_enticement",
    "Unsolicited Obscene Material Sent to a Child": "unsolicited_obscene_material_to_child",
}
REPORT_ANNOTATIONS = {
    "sextortion": "sextortion",
    "csamSolicitation": "csam_solicitation",
    "minorToMinorInteraction": "minor_to_minor_interaction",
    "spam": "spam",
}


class CybertipError(ValueError):
    """The XML is malformed, dangerous, or not a CyberTipline report; `field` says where."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _text(element: Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    value = element.text.strip()
    return value or None


def _texts(parent: Element, path: str) -> list[str]:
    return [value for value in (_text(item) for item in parent.findall(path)) if value]


def _incident(summary: Element | None) -> dict[str, Any]:
    if summary is None:
        raise CybertipError("report.incidentSummary", "is required")
    kind = _text(summary.find("incidentType"))
    if kind not in INCIDENT_TYPES:
        raise CybertipError(
            "report.incidentSummary.incidentType", f"unknown incident type {str(kind)[:80]!r}"
        )
    annotations = []
    holder = summary.find("reportAnnotations")
    for item in [] if holder is None else list(holder):
        if item.tag not in REPORT_ANNOTATIONS:
            raise CybertipError(
                "report.incidentSummary.reportAnnotations", f"unknown annotation {item.tag[:40]!r}"
            )
        annotations.append(REPORT_ANNOTATIONS[item.tag])
    return {
        "type": INCIDENT_TYPES[kind],
        "occurred_at": _text(summary.find("incidentDateTime")),
        "escalation_reason": _text(summary.find("escalateToHighPriority")),
        "annotations": annotations,
    }


def _ip_event(event: Element) -> dict[str, Any]:
    found: dict[str, Any] = {"ip": _text(event.find("ipAddress"))}
    name = _text(event.find("eventName"))
    if name:
        found["event"] = name.lower()
    optional = {"at": "dateTime", "possible_proxy": "possibleProxy", "port": "port"}
    for key, tag in optional.items():
        value = _text(event.find(tag))
        if value is not None:
            found[key] = value
    return found


def _account(person: Element) -> dict[str, Any]:
    account: dict[str, Any] = {
        "platform": _text(person.find("espService")),
        "user_id": _text(person.find("espIdentifier")),
        "screen_name": _text(person.find("screenName")),
        "display_names": _texts(person, "displayName"),
        "profile_urls": _texts(person, "profileUrl"),
        "emails": _texts(person, "personOrUserReportedPerson/email"),
        "phones": _texts(person, "personOrUserReportedPerson/phone"),
        "ip_events": [_ip_event(item) for item in person.findall("ipCaptureEvent")],
        "device_ids": _texts(person, "deviceId/idValue"),
        "prior_report_ids": _texts(person, "priorCTReports"),
    }
    return {key: value for key, value in account.items() if value not in (None, [])}


def _victim(victim: Element) -> dict[str, Any]:
    person = victim.find("victimPerson")
    found: dict[str, Any] = {"school_name": _text(victim.find("schoolName"))}
    if person is not None:
        names = [_text(person.find("firstName")), _text(person.find("lastName"))]
        found["name"] = " ".join(name for name in names if name) or None
        found["age"] = _text(person.find("age"))
        found["emails"] = _texts(person, "email")
        found["phones"] = _texts(person, "phone")
    return {key: value for key, value in found.items() if value not in (None, [])}


def parse_report_xml(raw: bytes) -> dict[str, Any]:
    """The report body for `ReportIn`; raises CybertipError with a clear reason."""
    if len(raw) > MAX_XML_BYTES:
        raise CybertipError("report", f"larger than {MAX_XML_BYTES} bytes")
    try:
        root = SafeET.fromstring(raw, forbid_dtd=True)
    except (defusedxml.DTDForbidden, defusedxml.EntitiesForbidden):
        raise CybertipError("report", "DTDs and entities are not allowed") from None
    except defusedxml.ExternalReferenceForbidden:
        raise CybertipError("report", "external references are not allowed") from None
    except ParseError as exc:
        raise CybertipError("report", f"malformed XML: {exc}") from None
    if root.tag != "report":
        raise CybertipError("report", f"the root element must be <report>, not <{root.tag[:40]}>")
    body: dict[str, Any] = {
        "incident": _incident(root.find("incidentSummary")),
        "reported_accounts": [_account(item) for item in root.findall("personOrUserReported")],
        "victims": [_victim(item) for item in root.findall("victim")],
        "urls": _texts(root, "internetDetails/webPageIncident/url"),
    }
    info = _text(root.find("additionalInfo"))
    if info:
        body["additional_info"] = info
    return body
