"""Report links in the reader's language (workspace.reasons.link_text)."""

from __future__ import annotations

import pytest

from perisai.triage.linking import Match, key_display
from perisai.workspace.reasons import link_text

SHA = "ab" * 32


@pytest.mark.parametrize(
    ("key", "malay"),
    [
        ("phone:+60123456789", "telefon +60123456789 yang sama seperti laporan R-9"),
        ("ip:203.0.113.7", "Alamat IP 203.0.113.7 yang sama seperti laporan R-9"),
        ("email:a@example.com", "E-mel a@example.com yang sama seperti laporan R-9"),
        (f"sha256:{SHA}", f"fail (SHA-256) {SHA[:16]}… yang sama seperti laporan R-9"),
    ],
)
def test_a_link_reads_as_triage_stored_it_in_english_and_in_malay(key: str, malay: str) -> None:
    kind = key.partition(":")[0]
    stored = Match(9, "R-9", kind, key, key_display(key)).reason()
    assert link_text(kind, key, "R-9", "en") == stored
    assert link_text(kind, key, "R-9", "ms") == malay


def test_an_unknown_kind_is_named_as_stored() -> None:
    assert link_text("fax", "fax:123", "R-1", "ms") == "fax 123 yang sama seperti laporan R-1"
