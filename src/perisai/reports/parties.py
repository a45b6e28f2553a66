"""The people and accounts a report names beyond the reported account itself, and the incident
details of chats and e-mails: the blocks of NCMEC's CyberTipline report, in snake_case.

Reporter and law-enforcement blocks are stored with the report; intended recipients (often the
child the content was meant for) are sealed like victims.
"""

from __future__ import annotations

import enum

from pydantic import Field

from perisai.reports.fields import (
    MAX_ITEMS,
    Age,
    BirthDate,
    Country,
    IpEvent,
    IpEventName,
    LongText,
    Phone,
    Short,
    Strict,
    Text,
    Time,
    Url,
)


class AddressKind(enum.StrEnum):
    HOME = "home"
    BUSINESS = "business"
    BILLING = "billing"
    SHIPPING = "shipping"
    TECHNICAL = "technical"


class Address(Strict):
    kind: AddressKind | None = None
    street: Short | None = None
    city: Short | None = None
    zip_code: Short | None = None
    state: Country | None = None  # a US state or territory code (two letters)
    non_usa_state: Short | None = None
    country: Country | None = None


class Person(Strict):
    """A named person: reporter, contact, officer (age and birth date only where they apply)."""

    first_name: Short | None = None
    last_name: Short | None = None
    phones: list[Phone] = Field(default_factory=list, max_length=MAX_ITEMS)
    emails: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    addresses: list[Address] = Field(default_factory=list, max_length=20)
    age: Age | None = None
    date_of_birth: BirthDate | None = None


class Device(Strict):
    """A device identifier with its kind (IMEI, advertising id, ...) and when it was seen."""

    type: Short
    value: Short
    event: IpEventName | None = None
    at: Time | None = None


class AccountState(Strict):
    """An account disabled (temporarily or permanently) by the platform, and when."""

    disabled: bool
    disabled_at: Time | None = None
    user_notified: bool | None = None
    user_notified_at: Time | None = None
    reenabled_at: Time | None = None


class Location(Strict):
    """Where the platform estimates the account is."""

    city: Short | None = None
    region: Short | None = None
    country: Country | None = None
    verified: bool | None = None
    at: Time | None = None


class AccountFacts(Strict):
    """What a platform knows about any account, beyond its identifiers."""

    compromised: bool | None = None
    profile_bio: Text | None = None
    group_identifier: Short | None = None
    devices: list[Device] = Field(default_factory=list, max_length=MAX_ITEMS)
    temporarily_disabled: AccountState | None = None
    permanently_disabled: AccountState | None = None
    estimated_location: Location | None = None
    all_emails_reported: bool | None = None
    additional_info: list[Text] = Field(default_factory=list, max_length=20)


class AssociatedKind(enum.StrEnum):
    BILLING = "billing"
    LINKED = "linked"
    BUSINESS = "business"
    CREATOR = "creator"
    PARENT_GUARDIAN = "parent_guardian"
    OTHER = "other"


class AssociatedAccount(Strict):
    """Another account tied to a reported person or victim (billing, linked, parent...)."""

    relation: AssociatedKind
    platform: Short | None = None
    third_party: bool | None = None
    first_name: Short | None = None
    middle_name: Short | None = None
    last_name: Short | None = None
    approximate_age: Age | None = None
    date_of_birth: BirthDate | None = None
    phones: list[Phone] = Field(default_factory=list, max_length=MAX_ITEMS)
    emails: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    all_emails_reported: bool | None = None
    addresses: list[Address] = Field(default_factory=list, max_length=20)
    service: Short | None = None
    user_id: Short | None = None
    profile_urls: list[Url] = Field(default_factory=list, max_length=MAX_ITEMS)
    screen_name: Short | None = None
    display_names: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    profile_bio: Text | None = None
    group_identifier: Short | None = None
    compromised: bool | None = None
    temporarily_disabled: AccountState | None = None
    permanently_disabled: AccountState | None = None
    ip_events: list[IpEvent] = Field(default_factory=list, max_length=1000)
    devices: list[Device] = Field(default_factory=list, max_length=MAX_ITEMS)
    prior_report_ids: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    additional_info: Text | None = None


class IntendedRecipient(AccountFacts):
    """Whom the reported content was meant for: often a child. Sealed at intake."""

    first_name: Short | None = None
    last_name: Short | None = None
    phones: list[Phone] = Field(default_factory=list, max_length=MAX_ITEMS)
    emails: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    addresses: list[Address] = Field(default_factory=list, max_length=20)
    age: Age | None = None
    date_of_birth: BirthDate | None = None
    platform: Short | None = None
    user_id: Short | None = None
    screen_name: Short | None = None
    display_names: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    profile_urls: list[Url] = Field(default_factory=list, max_length=MAX_ITEMS)
    ip_events: list[IpEvent] = Field(default_factory=list, max_length=1000)
    prior_report_ids: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)


class LawEnforcement(Strict):
    """Police already involved: their agency, case, officer and what has been served."""

    agency_name: Short
    case_number: Short | None = None
    officer: Person | None = None
    reported_to_law_enforcement: bool | None = None
    served_legal_process_domestic: bool | None = None
    served_legal_process_international: bool | None = None
    legal_process_country: Country | None = None


class Reporter(Strict):
    """Who reported: the person (required by NCMEC), a contact, the company's texts."""

    person: Person = Field(default_factory=Person)
    contact: Person | None = None
    company_template: Text | None = None
    terms_of_service: Text | None = None
    legal_url: Url | None = None


class ChatIncident(Strict):
    client: Short | None = None
    room_name: Short | None = None
    content: LongText | None = None
    additional_info: Text | None = None


class EmailIncident(Strict):
    addresses: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    content: LongText | None = None
    additional_info: Text | None = None
