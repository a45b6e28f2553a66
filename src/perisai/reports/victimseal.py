"""Sealing a report's victims under a data key of each victim's own (crypto-shredding).

Intake calls :func:`seal_victim` for each victim a report names: the details are sealed with a
fresh data key, and the key is kept only wrapped by the master key, in the same row. Erasing the
child (perisai.victims) destroys that wrapped key, and with it every copy of the details, in the
table, the write-ahead log, a dump or an export. What triage needs (the stated age and whether
the child is identifiable) is kept beside it, so no job opens the details.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from perisai.crypto import (
    DecryptionError,
    Keyring,
    new_data_key,
    open_with_key,
    seal_with_key,
    unwrap_key,
    wrap_key,
)
from perisai.reports.models import ReportVictim

# Victim fields that make a child identifiable (triage raises an ongoing case about one).
IDENTIFYING_FIELDS = ("name", "screen_names", "emails", "phones", "school_name")


def victim_binding(public_id: str, position: int) -> str:
    return f"report:{public_id}:victim:{position}"


def key_binding(public_id: str, position: int) -> str:
    return f"report:{public_id}:victim:{position}:key"


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
    keyring: Keyring, public_id: str, position: int, details: dict[str, Any]
) -> dict[str, Any]:
    """Column values of one ``report_victim`` row (without report id)."""
    data_key = new_data_key()
    plaintext = json.dumps(details, sort_keys=True).encode("utf-8")
    return {
        "position": position,
        "sealed": seal_with_key(data_key, plaintext, victim_binding(public_id, position)),
        "key_sealed": wrap_key(keyring, data_key, key_binding(public_id, position)),
        "age": stated_age(details),
        "identified": is_identified(details),
    }


def open_victim(keyring: Keyring, public_id: str, row: ReportVictim) -> dict[str, Any] | None:
    """The victim's details, or None once shredded. Callers authorise and audit the read."""
    if row.sealed is None:
        return None
    binding = victim_binding(public_id, row.position)
    if row.key_sealed is None:  # sealed before per-victim keys, by the master key directly
        opened: dict[str, Any] = json.loads(keyring.open_text(row.sealed, binding))
        return opened
    data_key = unwrap_key(keyring, row.key_sealed, key_binding(public_id, row.position))
    try:
        plaintext = open_with_key(data_key, row.sealed, binding)
    except DecryptionError:
        raise
    loaded: dict[str, Any] = json.loads(plaintext.decode("utf-8"))
    return loaded


def reseal_victim(keyring: Keyring, public_id: str, row: ReportVictim) -> None:
    """Move a row sealed by the master key (before per-victim keys) under a key of its own."""
    if row.key_sealed is not None or row.sealed is None:
        return
    details = open_victim(keyring, public_id, row)
    assert details is not None
    values = seal_victim(keyring, public_id, row.position, details)
    row.sealed, row.key_sealed = values["sealed"], values["key_sealed"]
    row.age, row.identified = values["age"], values["identified"]


def shred_victim(row: ReportVictim, now: datetime | None = None) -> None:
    """Destroy the victim's key and details: no copy can be opened again."""
    row.sealed = None
    row.key_sealed = None
    row.shredded_at = now or datetime.now(UTC)
