"""AI provenance of media, read offline: C2PA content credentials, IPTC digital source type in
XMP, and the metadata image generators write (PNG text chunks, EXIF, WebP). Pure library.

``read_provenance(path, trust=load_trust_list([...]))`` gives one answer per file:
``ai`` is "yes" (a verified manifest declares AI), "claimed" (only unverified evidence),
"no" (a verified manifest declares a non-AI source) or "unknown". See docs/provenance.md.

The C2PA SDK and Pillow are imported on first read, not with this package.
"""

from __future__ import annotations

from perisai.media.provenance.containers import ProvenanceLimits
from perisai.media.provenance.model import (
    AI_ANSWERS,
    C2PA_STATES,
    AiAnswer,
    C2paResult,
    C2paState,
    Hint,
    ManifestFacts,
    Provenance,
)
from perisai.media.provenance.reader import DEFAULT_LIMITS, decide, read_provenance
from perisai.media.provenance.trust import TrustList, TrustListError, load_trust_list

__all__ = [
    "AI_ANSWERS",
    "C2PA_STATES",
    "DEFAULT_LIMITS",
    "AiAnswer",
    "C2paResult",
    "C2paState",
    "Hint",
    "ManifestFacts",
    "Provenance",
    "ProvenanceLimits",
    "TrustList",
    "TrustListError",
    "decide",
    "load_trust_list",
    "read_provenance",
]
