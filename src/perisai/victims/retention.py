"""The retention schedule: how long each kind of record that may identify a child is kept.

Periods run from the record's last change. A record on legal hold is never erased by the
schedule. The audit log is not on this list: it keeps the fact of every read and erasure,
never identity (it is append-only and verifies after erasures).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

ADULT_AGE = 18
_YEAR = timedelta(days=365)


@dataclass(frozen=True)
class RetentionRule:
    kind: str
    keep: str  # how long, in words (docs and the page)
    keep_ms: str


SCHEDULE: tuple[RetentionRule, ...] = (
    RetentionRule(
        "victim_identity",
        "until the child turns 25, and at least 7 years after the last change",
        "sehingga kanak-kanak berumur 25 tahun, dan sekurang-kurangnya 7 tahun selepas "
        "perubahan terakhir",
    ),
    RetentionRule(
        "report_victim",
        "as the victim record it is linked to; unlinked: 7 years after the report",
        "seperti rekod mangsa yang dipautkan; tidak dipautkan: 7 tahun selepas laporan",
    ),
    RetentionRule(
        "report_extras",
        "intended recipients: as the report's victims (7 years, or with the linked record's "
        "erasure); the hotline reporter's contact: 2 years after the report, or with the "
        "erasure of a child the report names",
        "penerima yang dituju: seperti mangsa laporan (7 tahun, atau bersama pemadaman rekod "
        "yang dipautkan); hubungan pelapor talian: 2 tahun selepas laporan, atau bersama "
        "pemadaman kanak-kanak yang dinamakan dalam laporan",
    ),
    RetentionRule(
        "consent",
        "as the victim record (the record of what was agreed)",
        "seperti rekod mangsa (rekod persetujuan)",
    ),
    RetentionRule(
        "audit",
        "for ever: the fact of each read and erasure, never identity",
        "selama-lamanya: fakta setiap bacaan dan pemadaman, tanpa identiti",
    ),
)
MINIMUM_YEARS = 7
UNLINKED_REPORT_VICTIM_YEARS = 7
# The hotline reporter's own contact is for following the report up with them; by two years
# the report has been acted on or closed, and the case file (not the contact) is what remains.
CONTACT_YEARS = 2


def retain_until_for(changed_at: datetime, age: int | None) -> datetime:
    """When a victim record falls due: the child is 25 (if the age is known), and at least
    seven years after the last change."""
    floor = changed_at + MINIMUM_YEARS * _YEAR
    if age is None:
        return floor
    adult = changed_at + max(0, 25 - age) * _YEAR
    return max(floor, adult)
