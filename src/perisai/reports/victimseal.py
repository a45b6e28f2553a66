"""Sealing what may identify a child under keys kept outside the database (crypto-shredding).

Intake seals each victim a report names with a fresh data key of that victim's own, and the
report's child-identifying extras (intended recipients, verbatim parts of victim blocks) and the
hotline reporter's contact each with a key of their own. The keys go to the subject key store
(perisai.keystore), never to the database: the rows hold ciphertext and the name of the store
segment that holds the key (``key_segment``). Erasing the child (perisai.victims) destroys the
keys in the store, so every copy of the values — the table, the write-ahead log, a dump or base
backup taken before, an export — is ciphertext that nothing can open again. What triage needs
(the stated age and whether the child is identifiable) is kept beside it, so no job opens the
details.

Older rows are still read: ``key_sealed`` set (the data key wrapped by the master key in the
row, before the store) or neither (sealed by the master key directly). ``perisai victims keys
reconcile`` moves the former into the store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from perisai.crypto import (
    Keyring,
    new_data_key,
    open_with_key,
    seal_with_key,
    unwrap_key,
)
from perisai.keystore import KeyGone
from perisai.reports.models import Report, ReportVictim

# Victim fields that make a child identifiable (triage raises an ongoing case about one).
IDENTIFYING_FIELDS = ("name", "screen_names", "emails", "phones", "school_name")


def victim_binding(public_id: str, position: int) -> str:
    """The victim's subject name in the key store, and the associated data of its values."""
    return f"report:{public_id}:victim:{position}"


def key_binding(public_id: str, position: int) -> str:
    """Associated data of a key wrapped into the row (rows from before the key store)."""
    return f"report:{public_id}:victim:{position}:key"


def details_binding(public_id: str) -> str:
    return f"report:{public_id}:details"


def contact_binding(public_id: str) -> str:
    return f"report:{public_id}:contact"


@dataclass
class SubjectKeys:
    """Data keys made while preparing a report, to be put in the store by the writer (one
    segment, one fsync per batch) before the rows that need them are written."""

    keys: dict[str, bytes] = field(default_factory=dict)

    def new(self, subject: str) -> bytes:
        key = new_data_key()
        self.keys[subject] = key
        return key


def stated_age(details: dict[str, Any]) -> int | None:
    """The stated age, or the top of a stated range (what the age rules of triage read)."""
    if isinstance(details.get("age"), int):
        return int(details["age"])
    age_range = details.get("age_range")
    if isinstance(age_range, dict) and isinstance(age_range.get("max"), int):
        return int(age_range["max"])
    return None


def is_identified(details: dict[str, Any]) -> bool:
    return any(details.get(name) for name in IDENTIFYING_FIELDS)


def seal_victim(
    keys: SubjectKeys, public_id: str, position: int, details: dict[str, Any]
) -> dict[str, Any]:
    """Column values of one ``report_victim`` row (without report id and key segment)."""
    subject = victim_binding(public_id, position)
    plaintext = json.dumps(details, sort_keys=True).encode("utf-8")
    return {
        "position": position,
        "sealed": seal_with_key(keys.new(subject), plaintext, subject),
        "age": stated_age(details),
        "identified": is_identified(details),
    }


def seal_extra(keys: SubjectKeys, subject: str, value: Any) -> bytes:
    """A report's extra (``details_binding`` or ``contact_binding``) under a key of its own."""
    plaintext = json.dumps(value, sort_keys=True).encode("utf-8")
    return seal_with_key(keys.new(subject), plaintext, subject)


def _open(keyring: Keyring, segment: str, subject: str, sealed: bytes) -> bytes | None:
    """Open with the subject's key from the store; None when the key was destroyed (an erased
    child whose row a restored database still holds, before the ledger is replayed)."""
    try:
        data_key = keyring.subjects().get(segment, subject)
    except KeyGone:
        return None
    return open_with_key(data_key, sealed, subject)


def open_victim(keyring: Keyring, public_id: str, row: ReportVictim) -> dict[str, Any] | None:
    """The victim's details, or None once shredded. Callers authorise and audit the read."""
    if row.sealed is None:
        return None
    binding = victim_binding(public_id, row.position)
    if row.key_segment is not None:
        plaintext = _open(keyring, row.key_segment, binding, row.sealed)
        if plaintext is None:
            return None
    elif row.key_sealed is not None:  # the key wrapped in the row (before the key store)
        data_key = unwrap_key(keyring, row.key_sealed, key_binding(public_id, row.position))
        plaintext = open_with_key(data_key, row.sealed, binding)
    else:  # sealed by the master key directly (before per-victim keys)
        plaintext = keyring.open(row.sealed, binding.encode("utf-8"))
    loaded: dict[str, Any] = json.loads(plaintext.decode("utf-8"))
    return loaded


def _open_extra(keyring: Keyring, report: Report, sealed: bytes | None, binding: str) -> Any:
    if sealed is None:
        return None
    if report.key_segment is None:  # sealed by the master key (before the key store)
        return json.loads(keyring.open_text(sealed, binding))
    plaintext = _open(keyring, report.key_segment, binding, sealed)
    return None if plaintext is None else json.loads(plaintext.decode("utf-8"))


def open_details(keyring: Keyring, report: Report) -> dict[str, Any] | None:
    """The report's child-identifying extras (intended recipients, verbatim victim parts), None
    when there are none or their key was destroyed. Callers authorise and audit the read."""
    opened: dict[str, Any] | None = _open_extra(
        keyring, report, report.details_sealed, details_binding(report.public_id)
    )
    return opened


def open_contact(keyring: Keyring, report: Report) -> dict[str, str] | None:
    """The hotline reporter's contact, None when not given or its key was destroyed."""
    opened: dict[str, str] | None = _open_extra(
        keyring, report, report.contact_sealed, contact_binding(report.public_id)
    )
    return opened


def move_to_store(keyring: Keyring, public_id: str, row: ReportVictim) -> None:
    """Move a row whose key is in the database (or that the master key sealed) under a key in
    the store, so that erasing the child shreds it and no later backup holds its key."""
    if row.key_segment is not None or row.sealed is None:
        return
    details = open_victim(keyring, public_id, row)
    assert details is not None
    keys = SubjectKeys()
    values = seal_victim(keys, public_id, row.position, details)
    row.key_segment = keyring.subjects().put(keys.keys)
    row.sealed, row.key_sealed = values["sealed"], None
    row.age, row.identified = values["age"], values["identified"]


# The older name: linking a record moves the row first (victims.service).
reseal_victim = move_to_store


def victim_subjects(public_id: str, row: ReportVictim) -> list[tuple[str | None, str]]:
    """(segment, subject) of the keys to destroy when this victim is shredded."""
    return [(row.key_segment, victim_binding(public_id, row.position))]


def extra_subjects(report: Report) -> list[tuple[str | None, str]]:
    """(segment, subject) of the report's sealed extras."""
    found: list[tuple[str | None, str]] = []
    if report.details_sealed is not None:
        found.append((report.key_segment, details_binding(report.public_id)))
    if report.contact_sealed is not None:
        found.append((report.key_segment, contact_binding(report.public_id)))
    return found


def shred_victim(row: ReportVictim, now: datetime | None = None) -> None:
    """Drop the victim's details and any key in the row (the caller destroys the key in the
    store, :func:`victim_subjects`)."""
    row.sealed = None
    row.key_sealed = None
    row.shredded_at = now or datetime.now(UTC)


def destroy(keyring: Keyring, subjects: list[tuple[str | None, str]]) -> int:
    """Destroy these subjects' keys in the store; how many records were removed."""
    by_segment: dict[str, list[str]] = {}
    for segment, subject in subjects:
        if segment is not None:
            by_segment.setdefault(segment, []).append(subject)
    store = keyring.subjects() if by_segment else None
    return sum(store.destroy(seg, subs) for seg, subs in by_segment.items()) if store else 0
