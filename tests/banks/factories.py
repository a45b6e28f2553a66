"""Factories for banks: real rows through the real service."""

from __future__ import annotations

import itertools
import random

from sqlalchemy.orm import Session

from perisai.audit.service import SYSTEM
from perisai.banks import service
from perisai.banks.models import Bank
from perisai.banks.models import BankEntry as EntryRow
from perisai.media.banks import BankEntry

_names = itertools.count(1)


def random_pdq(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


def flip_bits(pdq: str, bits: int) -> str:
    """``pdq`` with its lowest ``bits`` bits flipped: exactly ``bits`` away."""
    return f"{int(pdq, 16) ^ ((1 << bits) - 1):064x}"


def make_bank(db: Session, *, kind: str = "positive", threshold: int = 31) -> Bank:
    name = f"bank-{next(_names)}"
    settings = service.BankSettings(kind=kind, pdq_threshold=threshold, description="test bank")
    return service.create_bank(db, actor=SYSTEM, name=name, settings=settings)


def make_entry(
    db: Session, bank: Bank, signal: str, *, signal_type: str = "pdq", label: str = "item"
) -> EntryRow:
    return service.add_entry(
        db, actor=SYSTEM, bank=bank, entry=BankEntry(signal_type, signal, label, "A1", "test")
    )
