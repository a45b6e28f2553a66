"""The demo's data files (package data) and the names demo seeders share.

Below every domain (it imports nothing), so that a domain's demo seeder needs nothing of
`perisai.demo`, the entry point that runs them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

DEMO_DATA: Final = Path(__file__).parent
DEMO_MMDB: Final = tuple(
    DEMO_DATA / "maxmind" / name
    for name in (
        "GeoLite2-City-Test.mmdb",
        "GeoLite2-ASN-Test.mmdb",
        "GeoIP2-Anonymous-IP-Test.mmdb",
    )
)
# A hotline report is seeded with this receipt code, to try the public status page.
DEMO_RECEIPT_CODE: Final = "DEMO-2026-0001"
