"""A validated CyberTipline ``report`` (and its ``fileDetails``) → our report body.

The body is the dict ``ReportIn`` validates. What the mapping does not read stays in the
``Walk`` and is kept verbatim by the caller. Phones carry their ``countryCallingCode`` in front
(``+60 123456789``) so that they normalise to the right country.
"""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from xml.etree.ElementTree import Element

from perisai.reports.cybertip import names
from perisai.reports.cybertip.walk import Walk, value_of

Body = dict[str, Any]


def _clean(found: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in found.items() if value not in (None, [], {})}


def _phones(w: Walk, parent: Element | None, tag: str = "phone") -> list[str]:
    phones = []
    for element in w.kids(parent, tag):
        number = value_of(element)
        code = w.attr(element, "countryCallingCode")
        if number is None:
            continue
        phones.append(f"{code} {number}" if code and not number.startswith("+") else number)
    return phones


def _address(w: Walk, element: Element) -> dict[str, Any]:
    kind = w.attr(element, "type")
    return _clean({
        "kind": kind.lower() if kind else None,
        "street": w.text(element, "address"),
        "city": w.text(element, "city"),
        "zip_code": w.text(element, "zipCode"),
        "state": w.text(element, "state"),
        "non_usa_state": w.text(element, "nonUsaState"),
        "country": w.text(element, "country"),
    })  # fmt: skip


def _person(w: Walk, element: Element | None) -> dict[str, Any]:
    if element is None:
        return {}
    return _clean({
        "first_name": w.text(element, "firstName"),
        "last_name": w.text(element, "lastName"),
        "phones": _phones(w, element),
        "emails": w.texts(element, "email"),
        "addresses": [_address(w, a) for a in w.kids(element, "address")],
        "age": w.text(element, "age"),
        "date_of_birth": w.date(element, "dateOfBirth"),
    })  # fmt: skip


def _ip_event(w: Walk, element: Element) -> dict[str, Any]:
    name = w.text(element, "eventName")
    return _clean({
        "ip": w.text(element, "ipAddress"),
        "event": name.lower() if name else None,
        "at": w.time(element, "dateTime"),
        "possible_proxy": w.boolean(element, "possibleProxy"),
        "port": w.text(element, "port"),
    })  # fmt: skip


def _device(w: Walk, element: Element) -> dict[str, Any]:
    name = w.text(element, "eventName")
    return _clean({
        "type": w.text(element, "idType"),
        "value": w.text(element, "idValue"),
        "event": name.lower() if name else None,
        "at": w.time(element, "dateTime"),
    })  # fmt: skip


def _state(w: Walk, element: Element | None) -> dict[str, Any] | None:
    if element is None:
        return None
    return _clean({
        "disabled": value_of(element) in ("true", "1"),
        "disabled_at": w.time_attr(element, "disabledDate"),
        "user_notified": w.bool_attr(element, "userNotified"),
        "user_notified_at": w.time_attr(element, "userNotifiedDate"),
        "reenabled_at": w.time_attr(element, "reenabledDate"),
    })  # fmt: skip


def _location(w: Walk, element: Element | None) -> dict[str, Any] | None:
    if element is None:
        return None
    return _clean({
        "city": w.text(element, "city"),
        "region": w.text(element, "region"),
        "country": w.text(element, "countryCode"),
        "verified": w.bool_attr(element, "verified"),
        "at": w.time_attr(element, "timestamp"),
    })  # fmt: skip


def _facts(w: Walk, element: Element) -> dict[str, Any]:
    """The fields of ``AccountFacts``: flags, bio, group, devices, location, notes."""
    return {
        "compromised": w.boolean(element, "compromisedAccount"),
        "profile_bio": w.text(element, "profileBio"),
        "group_identifier": w.text(element, "groupIdentifier"),
        "devices": [_device(w, d) for d in w.kids(element, "deviceId")],
        "temporarily_disabled": _state(w, w.kid(element, "accountTemporarilyDisabled")),
        "permanently_disabled": _state(w, w.kid(element, "accountPermanentlyDisabled")),
        "estimated_location": _location(w, w.kid(element, "estimatedLocation")),
        "all_emails_reported": w.boolean(element, "allEmailsReported"),
        "additional_info": w.texts(element, "additionalInfo"),
    }


def _account_ids(w: Walk, element: Element) -> dict[str, Any]:
    return {
        "user_id": w.text(element, "espIdentifier"),
        "platform": w.text(element, "espService"),
        "display_names": w.texts(element, "displayName"),
        "profile_urls": w.texts(element, "profileUrl"),
        "ip_events": [_ip_event(w, e) for e in w.kids(element, "ipCaptureEvent")],
        "prior_report_ids": w.texts(element, "priorCTReports"),
    }


def _associated(w: Walk, element: Element) -> dict[str, Any]:
    platform = w.kid(element, "platform")
    kind = w.attr(element, "type") or "Other"
    return _clean({
        "relation": names.ASSOCIATED_KINDS.get(kind, kind),
        "platform": value_of(platform),
        "third_party": w.bool_attr(platform, "thirdPartyUser"),
        "first_name": w.text(element, "firstName"),
        "middle_name": w.text(element, "middleName"),
        "last_name": w.text(element, "lastName"),
        "approximate_age": w.text(element, "approximateAge"),
        "date_of_birth": w.date(element, "dateOfBirth"),
        "phones": _phones(w, element),
        "emails": w.texts(element, "email"),
        "all_emails_reported": w.boolean(element, "allEmailsReported"),
        "addresses": [_address(w, a) for a in w.kids(element, "address")],
        "service": w.text(element, "espService"),
        "user_id": w.text(element, "espIdentifier"),
        "profile_urls": w.texts(element, "profileUrl"),
        "screen_name": w.text(element, "screenName"),
        "display_names": w.texts(element, "displayName"),
        "profile_bio": w.text(element, "profileBio"),
        "group_identifier": w.text(element, "groupIdentifier"),
        "compromised": w.boolean(element, "compromisedAccount"),
        "temporarily_disabled": _state(w, w.kid(element, "accountTemporarilyDisabled")),
        "permanently_disabled": _state(w, w.kid(element, "accountPermanentlyDisabled")),
        "ip_events": [_ip_event(w, e) for e in w.kids(element, "ipCaptureEvent")],
        "devices": [_device(w, d) for d in w.kids(element, "deviceId")],
        "prior_report_ids": w.texts(element, "priorCTReport"),
        "additional_info": w.text(element, "additionalInfo"),
    })  # fmt: skip


def _reported(w: Walk, element: Element) -> dict[str, Any]:
    person = _person(w, w.kid(element, "personOrUserReportedPerson"))
    return _clean({
        **person,
        **_account_ids(w, element),
        "screen_name": w.text(element, "screenName"),
        "third_party": w.boolean(element, "thirdPartyUserReported"),
        "associated_accounts": [_associated(w, a) for a in w.kids(element, "associatedAccount")],
        **_facts(w, element),
    })  # fmt: skip


def _recipient(w: Walk, element: Element) -> dict[str, Any]:
    return _clean({
        **_person(w, w.kid(element, "intendedRecipientPerson")),
        **_account_ids(w, element),
        "screen_name": w.text(element, "screenName"),
        **_facts(w, element),
    })  # fmt: skip


def _victim(w: Walk, element: Element) -> dict[str, Any]:
    person = _person(w, w.kid(element, "victimPerson"))
    full_name = " ".join(n for n in (person.get("first_name"), person.get("last_name")) if n)
    screen = w.text(element, "screenName")
    return _clean({
        **person,
        "name": full_name or None,
        **_account_ids(w, element),
        "screen_names": [screen] if screen else [],
        "school_name": w.text(element, "schoolName"),
        "associated_accounts": [_associated(w, a) for a in w.kids(element, "associatedAccount")],
        **_facts(w, element),
    })  # fmt: skip


def _incident(w: Walk, summary: Element | None) -> dict[str, Any]:
    kind = w.text(summary, "incidentType") or ""
    holder = w.kid(summary, "reportAnnotations")
    annotations = [
        names.REPORT_ANNOTATIONS[child.tag]
        for child in w.kids(holder, "*")
        if child.tag in names.REPORT_ANNOTATIONS and value_of(child) in ("true", "1")
    ]
    return _clean({
        "type": names.INCIDENT_TYPES.get(kind, kind),
        "platform": w.text(summary, "platform"),
        "escalation_reason": w.text(summary, "escalateToHighPriority"),
        "annotations": annotations,
        "occurred_at": w.time(summary, "incidentDateTime"),
        "time_description": w.text(summary, "incidentDateTimeDescription"),
    })  # fmt: skip


def _internet(w: Walk, root: Element, body: Body) -> None:
    """Web pages (their URLs), chats and e-mails; other kinds stay verbatim."""
    for details in w.kids(root, "internetDetails"):
        web = w.kid(details, "webPageIncident")
        body["urls"] += w.texts(web, "url")
        for chat in w.kids(details, "chatImIncident"):
            body["chat_incidents"].append(_clean({
                "client": w.text(chat, "chatClient"),
                "room_name": w.text(chat, "chatRoomName"),
                "content": w.text(chat, "content"),
                "additional_info": w.text(chat, "additionalInfo"),
            }))  # fmt: skip
        for mail in w.kids(details, "emailIncident"):
            body["email_incidents"].append(_clean({
                "addresses": w.texts(mail, "emailAddress"),
                "content": w.text(mail, "content"),
                "additional_info": w.text(mail, "additionalInfo"),
            }))  # fmt: skip


def _law_enforcement(w: Walk, element: Element | None) -> dict[str, Any] | None:
    if element is None:
        return None
    international = w.kid(element, "servedLegalProcessInternational")
    return _clean({
        "agency_name": w.text(element, "agencyName"),
        "case_number": w.text(element, "caseNumber"),
        "officer": _person(w, w.kid(element, "officerContact")) or None,
        "reported_to_law_enforcement": w.boolean(element, "reportedToLe"),
        "served_legal_process_domestic": w.boolean(element, "servedLegalProcessDomestic"),
        "served_legal_process_international": (
            None if international is None else value_of(international) in ("true", "1")
        ),
        "legal_process_country": w.attr(international, "fleaCountry"),
    })  # fmt: skip


def _reporter(w: Walk, element: Element | None) -> dict[str, Any] | None:
    if element is None:
        return None
    return _clean({
        "person": _person(w, w.kid(element, "reportingPerson")),
        "contact": _person(w, w.kid(element, "contactPerson")) or None,
        "company_template": w.text(element, "companyTemplate"),
        "terms_of_service": w.text(element, "termsOfService"),
        "legal_url": w.text(element, "legalURL"),
    })  # fmt: skip


def read_report(w: Walk) -> Body:
    """The ``ReportIn`` body of a validated ``report``."""
    root = w.root
    body: Body = {
        "incident": _incident(w, w.kid(root, "incidentSummary")),
        "urls": [],
        "chat_incidents": [],
        "email_incidents": [],
    }
    _internet(w, root, body)
    body["law_enforcement"] = _law_enforcement(w, w.kid(root, "lawEnforcement"))
    body["reporter"] = _reporter(w, w.kid(root, "reporter"))
    body["reported_accounts"] = [_reported(w, e) for e in w.kids(root, "personOrUserReported")]
    body["intended_recipients"] = [_recipient(w, e) for e in w.kids(root, "intendedRecipient")]
    body["victims"] = [_victim(w, e) for e in w.kids(root, "victim")]
    body["additional_info"] = w.text(root, "additionalInfo")
    return _clean(body)


# --- fileDetails ----------------------------------------------------------------------------


def _safe_name(text: str | None) -> str | None:
    if not text:
        return None
    base = PureWindowsPath(PurePosixPath(text).name).name
    return base if base not in ("", ".", "..") else None


def _file_hashes(w: Walk, root: Element) -> tuple[dict[str, str], list[dict[str, str]]]:
    declared: dict[str, str] = {}
    others = []
    for element in w.kids(root, "originalFileHash"):
        kind, value = w.attr(element, "hashType") or "", value_of(element) or ""
        column = names.HASH_COLUMNS.get(kind.upper())
        if column and column not in declared:
            declared[column] = value
        elif value:
            others.append({"type": kind or "unknown", "value": value})
    return declared, others


def _file_annotations(w: Walk, root: Element) -> list[str]:
    found = []
    if w.boolean(root, "potentialMeme"):
        found.append("potential_meme")
    for child in w.kids(w.kid(root, "fileAnnotations"), "*"):
        if child.tag in names.FILE_ANNOTATIONS and value_of(child) in ("true", "1"):
            found.append(names.FILE_ANNOTATIONS[child.tag])
    return list(dict.fromkeys(found))


def _file_metadata(w: Walk, root: Element) -> list[dict[str, Any]]:
    pairs = []
    for details in w.kids(root, "details"):
        kind = w.attr(details, "type")
        for pair in w.kids(details, "nameValuePair"):
            pairs.append(_clean({
                "kind": kind.lower() if kind else None,
                "name": w.text(pair, "name"),
                "value": w.text(pair, "value") or "",
            }))  # fmt: skip
    return pairs


def read_file_details(w: Walk) -> tuple[str | None, Body]:
    """(NCMEC's report id, the ``FileDeclaration`` body) of a validated ``fileDetails``."""
    root = w.root
    report_id = w.text(root, "reportId")
    file_id = w.text(root, "fileId")
    original = w.text(root, "originalFileName")
    name = _safe_name(w.text(root, "fileName")) or _safe_name(original) or _safe_name(file_id)
    declared, others = _file_hashes(w, root)
    relevance = w.text(root, "fileRelevance")
    event = w.kid(root, "ipCaptureEvent")
    body = _clean({
        "name": name or "file",
        **declared,
        "annotations": _file_annotations(w, root),
        "industry_classification": w.text(root, "industryClassification"),
        "publicly_available": w.boolean(root, "publiclyAvailable"),
        "original_name": original,
        "source_file_id": file_id,
        "location": w.text(root, "locationOfFile"),
        "uploaded_to_platform_at": w.time(root, "uploadedToEspTimestamp"),
        "viewed_by_platform": w.boolean(root, "fileViewedByEsp"),
        "exif_viewed_by_platform": w.boolean(root, "exifViewedByEsp"),
        "relevance": names.FILE_RELEVANCE.get(relevance or "", relevance),
        "other_hashes": others,
        "ip_event": None if event is None else _ip_event(w, event),
        "devices": [_device(w, d) for d in w.kids(root, "deviceId")],
        "metadata": _file_metadata(w, root),
        "additional_info": w.texts(root, "additionalInfo"),
    })  # fmt: skip
    return report_id, body
