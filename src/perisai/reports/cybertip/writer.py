"""A report (as ``ReportIn``) → a CyberTipline ``report`` document NCMEC's schema accepts.

Elements are written in the schema's order; what our model holds and the schema has no place
for (an age range, a jurisdiction, several screen names of a victim, conversations) goes into
the nearest ``additionalInfo`` or a ``chatImIncident``, so that forwarding loses nothing we know.
Elements kept verbatim at import are not written back: the export is what Perisai models.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from perisai.reports.cybertip import names
from perisai.reports.fields import IpEvent
from perisai.reports.parties import (
    AccountState,
    Address,
    AssociatedAccount,
    Device,
    IntendedRecipient,
    LawEnforcement,
    Location,
    Person,
    Reporter,
)
from perisai.reports.schemas import Incident, ReportedAccount, ReportIn, Victim

_SPLIT_PHONE = re.compile(r"^(\+\d{1,3})\s+(\S.*)$")
NO_TIME_NOTE = "The report gave no incident time: this is the time Perisai received it."


def _add(parent: Element, tag: str, value: object) -> Element | None:
    """A child holding ``value`` as the schema spells it; nothing for None or ""."""
    if value is None or value == "":
        return None
    child = SubElement(parent, tag)
    child.text = _lexical(value)
    return child


def _lexical(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _attrs(element: Element | None, **values: object) -> None:
    if element is None:
        return
    for name, value in values.items():
        if value is not None:
            element.set(name, _lexical(value))


def _phone(parent: Element, tag: str, text: str) -> None:
    code, number = None, text
    if m := _SPLIT_PHONE.match(text):
        code, number = m.groups()
    elif text.startswith("+"):
        import phonenumbers

        try:
            parsed = phonenumbers.parse(text, None)
            code, number = f"+{parsed.country_code}", str(parsed.national_number)
        except phonenumbers.NumberParseException:
            pass
    _attrs(_add(parent, tag, number), countryCallingCode=code)


def _address(parent: Element, tag: str, address: Address) -> None:
    element = SubElement(parent, tag)
    _add(element, "address", address.street)
    _add(element, "city", address.city)
    _add(element, "zipCode", address.zip_code)
    _add(element, "state", address.state)
    _add(element, "nonUsaState", address.non_usa_state)
    _add(element, "country", address.country)
    _attrs(element, type=names.address_kind(address.kind) if address.kind else None)


def _contacts(
    element: Element,
    phones: list[str],
    emails: list[str],
    addresses: list[Address],
    phone_tag: str = "phone",
    email_tag: str = "email",
) -> None:
    for phone in phones:
        _phone(element, phone_tag, phone)
    for email in emails:
        _add(element, email_tag, email)
    for address in addresses:
        _address(element, "address", address)


def _person(parent: Element, tag: str, person: Person, *, contact: bool = False) -> None:
    element = SubElement(parent, tag)
    _add(element, "firstName", person.first_name)
    _add(element, "lastName", person.last_name)
    _contacts(element, person.phones, person.emails, person.addresses)
    if not contact:
        _add(element, "age", person.age)
        _add(element, "dateOfBirth", person.date_of_birth)


def _ip_event(parent: Element, event: IpEvent) -> None:
    element = SubElement(parent, "ipCaptureEvent")
    _add(element, "ipAddress", event.ip)
    _add(element, "eventName", names.event_name(event.event))
    _add(element, "dateTime", event.at)
    _add(element, "possibleProxy", event.possible_proxy)
    _add(element, "port", event.port)


def _device(parent: Element, device: Device) -> None:
    element = SubElement(parent, "deviceId")
    _add(element, "idType", device.type)
    _add(element, "idValue", device.value)
    _add(element, "eventName", names.event_name(device.event) if device.event else None)
    _add(element, "dateTime", device.at)


def _state(parent: Element, tag: str, state: AccountState | None, *, reenabled: bool) -> None:
    if state is None:
        return
    element = _add(parent, tag, state.disabled)
    _attrs(
        element,
        disabledDate=state.disabled_at,
        userNotified=state.user_notified,
        userNotifiedDate=state.user_notified_at,
        reenabledDate=state.reenabled_at if reenabled else None,
    )


def _location(parent: Element, location: Location | None) -> None:
    if location is None:
        return
    element = SubElement(parent, "estimatedLocation")
    _add(element, "city", location.city)
    _add(element, "region", location.region)
    _add(element, "countryCode", location.country)
    _attrs(element, verified=location.verified, timestamp=location.at)


def _numbers(values: list[str]) -> tuple[list[str], list[str]]:
    """Prior report ids the schema can hold (xs:long) and the rest."""
    return [v for v in values if v.isdigit()], [v for v in values if not v.isdigit()]


def _associated(parent: Element, account: AssociatedAccount) -> None:
    element = SubElement(parent, "associatedAccount")
    element.set("type", names.reverse(names.ASSOCIATED_KINDS)[account.relation])
    platform = _add(element, "platform", account.platform)
    _attrs(platform, thirdPartyUser=account.third_party)
    for tag, value in (("firstName", account.first_name), ("middleName", account.middle_name),
                       ("lastName", account.last_name), ("approximateAge", account.approximate_age),
                       ("dateOfBirth", account.date_of_birth)):  # fmt: skip
        _add(element, tag, value)
    for phone in account.phones:
        _phone(element, "phone", phone)
    for email in account.emails:
        _add(element, "email", email)
    _add(element, "allEmailsReported", account.all_emails_reported)
    for address in account.addresses:
        _address(element, "address", address)
    _add(element, "espService", account.service)
    _add(element, "espIdentifier", account.user_id)
    for url in account.profile_urls:
        _add(element, "profileUrl", url)
    _add(element, "screenName", account.screen_name)
    for name in account.display_names:
        _add(element, "displayName", name)
    _add(element, "profileBio", account.profile_bio)
    _add(element, "groupIdentifier", account.group_identifier)
    _add(element, "compromisedAccount", account.compromised)
    _state(element, "accountTemporarilyDisabled", account.temporarily_disabled, reenabled=True)
    _state(element, "accountPermanentlyDisabled", account.permanently_disabled, reenabled=False)
    for event in account.ip_events:
        _ip_event(element, event)
    for device in account.devices:
        _device(element, device)
    ids, other = _numbers(account.prior_report_ids)
    for value in ids:
        _add(element, "priorCTReport", value)
    notes = [account.additional_info or "", *(f"Prior report: {v}" for v in other)]
    _add(element, "additionalInfo", "\n\n".join(n for n in notes if n))


def _identity(element: Element, account: ReportedAccount | IntendedRecipient | Victim) -> None:
    """espIdentifier … priorCTReports: the run the three account blocks share."""
    _add(element, "espIdentifier", account.user_id)
    _add(element, "espService", account.platform)
    _add(element, "compromisedAccount", account.compromised)


def _profile(element: Element, account: ReportedAccount | IntendedRecipient | Victim) -> None:
    for name in account.display_names:
        _add(element, "displayName", name)
    for url in account.profile_urls:
        _add(element, "profileUrl", url)
    _add(element, "profileBio", account.profile_bio)
    for event in account.ip_events:
        _ip_event(element, event)


def _reported(parent: Element, account: ReportedAccount) -> None:
    element = SubElement(parent, "personOrUserReported")
    person = Person(first_name=account.first_name, last_name=account.last_name,
                    phones=account.phones, emails=account.emails, addresses=account.addresses,
                    age=account.age, date_of_birth=account.date_of_birth)  # fmt: skip
    if person != Person():
        _person(element, "personOrUserReportedPerson", person)
    _identity(element, account)
    _add(element, "screenName", account.screen_name)
    _profile(element, account)
    for device in account.devices:
        _device(element, device)
    for value in account.device_ids:
        if value not in {d.value for d in account.devices}:
            _device(element, Device(type="Unspecified", value=value))
    _add(element, "thirdPartyUserReported", account.third_party)
    ids, other = _numbers(account.prior_report_ids)
    for value in ids:
        _add(element, "priorCTReports", value)
    _add(element, "groupIdentifier", account.group_identifier)
    _facts_tail(element, account)
    for associated in account.associated_accounts:
        _associated(element, associated)
    notes = [*account.additional_info, *(f"Prior report: {v}" for v in other)]
    _add(element, "additionalInfo", "\n\n".join(notes))


def _facts_tail(element: Element, account: ReportedAccount | IntendedRecipient | Victim) -> None:
    _state(element, "accountTemporarilyDisabled", account.temporarily_disabled, reenabled=True)
    _state(element, "accountPermanentlyDisabled", account.permanently_disabled, reenabled=False)
    _location(element, account.estimated_location)
    _add(element, "allEmailsReported", account.all_emails_reported)


def _recipient(parent: Element, recipient: IntendedRecipient) -> None:
    element = SubElement(parent, "intendedRecipient")
    person = Person(first_name=recipient.first_name, last_name=recipient.last_name,
                    phones=recipient.phones, emails=recipient.emails,
                    addresses=recipient.addresses, age=recipient.age,
                    date_of_birth=recipient.date_of_birth)  # fmt: skip
    if person != Person():
        _person(element, "intendedRecipientPerson", person)
    _identity(element, recipient)
    _add(element, "screenName", recipient.screen_name)
    _profile(element, recipient)
    for device in recipient.devices:
        _device(element, device)
    ids, other = _numbers(recipient.prior_report_ids)
    for value in ids:
        _add(element, "priorCTReports", value)
    _add(element, "groupIdentifier", recipient.group_identifier)
    _facts_tail(element, recipient)
    for note in [*recipient.additional_info, *(f"Prior report: {v}" for v in other)]:
        _add(element, "additionalInfo", note)


def _victim(parent: Element, victim: Victim) -> None:
    element = SubElement(parent, "victim")
    first = victim.first_name or (victim.name if not victim.last_name else None)
    age = victim.age
    notes = list(victim.additional_info)
    if age is None and victim.age_range is not None:
        notes.append(f"Age range stated: {victim.age_range.min}-{victim.age_range.max}")
    _person(element, "victimPerson", Person(
        first_name=first, last_name=victim.last_name, phones=victim.phones,
        emails=victim.emails, addresses=victim.addresses, age=age,
        date_of_birth=victim.date_of_birth,
    ))  # fmt: skip
    _identity(element, victim)
    _add(element, "screenName", victim.screen_names[0] if victim.screen_names else None)
    if len(victim.screen_names) > 1:
        notes.append("Other screen names: " + ", ".join(victim.screen_names[1:]))
    _profile(element, victim)
    for device in victim.devices:
        _device(element, device)
    _add(element, "schoolName", victim.school_name)
    ids, other = _numbers(victim.prior_report_ids)
    for value in ids:
        _add(element, "priorCTReports", value)
    notes += [f"Prior report: {v}" for v in other]
    _facts_tail(element, victim)
    for associated in victim.associated_accounts:
        _associated(element, associated)
    _add(element, "additionalInfo", "\n\n".join(notes))


def _incident(root: Element, incident: Incident, received_at: datetime) -> None:
    summary = SubElement(root, "incidentSummary")
    _add(summary, "incidentType", names.reverse(names.INCIDENT_TYPES)[incident.type])
    _add(summary, "platform", incident.platform)
    _add(summary, "escalateToHighPriority", incident.escalation_reason)
    if incident.annotations:
        holder = SubElement(summary, "reportAnnotations")
        theirs = names.reverse(names.REPORT_ANNOTATIONS)
        for annotation in incident.annotations:
            _add(holder, theirs[annotation], True)
    _add(summary, "incidentDateTime", incident.occurred_at or received_at)
    description = incident.time_description
    if incident.occurred_at is None:
        description = f"{description}\n\n{NO_TIME_NOTE}" if description else NO_TIME_NOTE
    _add(summary, "incidentDateTimeDescription", description)


def _internet(root: Element, data: ReportIn) -> None:
    if data.urls:
        web = SubElement(SubElement(root, "internetDetails"), "webPageIncident")
        for url in data.urls:
            _add(web, "url", url)
    for mail in data.email_incidents:
        element = SubElement(SubElement(root, "internetDetails"), "emailIncident")
        for address in mail.addresses:
            _add(element, "emailAddress", address)
        _add(element, "content", mail.content)
        _add(element, "additionalInfo", mail.additional_info)
    for chat in data.chat_incidents:
        element = SubElement(SubElement(root, "internetDetails"), "chatImIncident")
        _add(element, "chatClient", chat.client)
        _add(element, "chatRoomName", chat.room_name)
        _add(element, "content", chat.content)
        _add(element, "additionalInfo", chat.additional_info)
    for conversation in data.conversations:
        element = SubElement(SubElement(root, "internetDetails"), "chatImIncident")
        _add(element, "chatClient", conversation.platform)
        lines = [
            f"{m.sent_at.isoformat() + ' ' if m.sent_at else ''}{m.author or '?'}: {m.text}"
            for m in conversation.messages
        ]
        _add(element, "content", "\n".join(lines))


def _law_enforcement(root: Element, police: LawEnforcement | None) -> None:
    if police is None:
        return
    element = SubElement(root, "lawEnforcement")
    _add(element, "agencyName", police.agency_name)
    _add(element, "caseNumber", police.case_number)
    if police.officer is not None:
        _person(element, "officerContact", police.officer, contact=True)
    _add(element, "reportedToLe", police.reported_to_law_enforcement)
    _add(element, "servedLegalProcessDomestic", police.served_legal_process_domestic)
    international = _add(
        element, "servedLegalProcessInternational", police.served_legal_process_international
    )
    _attrs(international, fleaCountry=police.legal_process_country)


def _reporter(root: Element, reporter: Reporter) -> None:
    element = SubElement(root, "reporter")
    _person(element, "reportingPerson", reporter.person)
    if reporter.contact is not None:
        _person(element, "contactPerson", reporter.contact, contact=True)
    _add(element, "companyTemplate", reporter.company_template)
    _add(element, "termsOfService", reporter.terms_of_service)
    _add(element, "legalURL", reporter.legal_url)


def report_element(
    data: ReportIn, *, received_at: datetime, reporter: Reporter | None = None
) -> Element:
    """The ``report`` element; ``reporter`` stands in when the report names none."""
    root = Element("report")
    _incident(root, data.incident, received_at)
    _internet(root, data)
    _law_enforcement(root, data.law_enforcement)
    _reporter(root, data.reporter or reporter or Reporter())
    for account in data.reported_accounts:
        _reported(root, account)
    for recipient in data.intended_recipients:
        _recipient(root, recipient)
    for victim in data.victims:
        _victim(root, victim)
    notes = [data.additional_info or ""]
    if data.jurisdiction:
        notes.append(f"Jurisdiction: {data.jurisdiction}")
    if data.offence_codes:
        notes.append("Offence codes: " + ", ".join(data.offence_codes))
    _add(root, "additionalInfo", "\n\n".join(n for n in notes if n))
    return root


def report_xml(data: ReportIn, *, received_at: datetime, reporter: Reporter | None = None) -> bytes:
    root = report_element(data, received_at=received_at, reporter=reporter)
    indent(root)
    body = str(tostring(root, encoding="unicode"))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
