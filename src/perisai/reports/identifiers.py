"""Normalise the identifiers of reported accounts at intake (DOMAIN.md rules).

Each identifier becomes a `report_identifier` row keyed for linking; a value that cannot be
normalised is refused with the field that holds it, so the reporter can correct it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from perisai.identifiers import IdentifierError, normalise
from perisai.reports.schemas import ReportedAccount


class FieldError(Exception):
    """One request field is wrong; `field` is its dotted path (RFC 9457 `errors[].field`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class NormalisedIdentifier:
    account_index: int
    kind: str
    key: str
    original: str


def _values(account: ReportedAccount) -> Iterator[tuple[str, str, str]]:
    """(kind, field name, value) for every identifier the account carries."""
    if account.user_id:
        yield "username", "user_id", account.user_id
    if account.screen_name:
        yield "username", "screen_name", account.screen_name
    for index, email in enumerate(account.emails):
        yield "email", f"emails.{index}", email
    for index, phone in enumerate(account.phones):
        yield "phone", f"phones.{index}", phone
    for index, url in enumerate(account.profile_urls):
        yield "url", f"profile_urls.{index}", url
    for index, device in enumerate(account.device_ids):
        yield "device", f"device_ids.{index}", device
    for index, typed in enumerate(account.devices):
        yield "device", f"devices.{index}.value", typed.value
    for index, event in enumerate(account.ip_events):
        yield "ip", f"ip_events.{index}.ip", str(event.ip)


def account_identifiers(
    accounts: list[ReportedAccount],
) -> list[NormalisedIdentifier]:
    found: dict[tuple[int, str], NormalisedIdentifier] = {}
    for position, account in enumerate(accounts):
        for kind, field, value in _values(account):
            if kind == "username" and not account.platform:
                # A username means nothing without its platform (it is part of the key).
                continue
            try:
                identifier = normalise(kind, value, platform=account.platform)
            except IdentifierError as exc:
                path = f"reported_accounts.{position}.{field}"
                raise FieldError(path, exc.message) from None
            found.setdefault(
                (position, identifier.key),
                NormalisedIdentifier(position, identifier.kind, identifier.key, value),
            )
    return list(found.values())
