"""Third-party test data kept in the repository (`tests/data/<source>/`, with licences).

Tests read only these, never `../shared/testdata`, so that a clean clone passes on its own.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
PDQ = DATA / "threatexchange" / "pdq"
VIDEO = DATA / "threatexchange" / "video"
FORENSICS_GOLDEN = DATA / "threatexchange" / "forensics-golden"
MAXMIND = DATA / "maxmind"
C2PA = DATA / "c2pa"
EXIF = DATA / "exif"  # EXIF-rotated photos made from ThreatExchange images, with reference hashes
AGE = DATA / "age"
PROVENANCE = DATA / "provenance"  # signed / tampered / XMP / generator-text files we made (README)
