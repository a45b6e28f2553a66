"""AI provenance of media, read offline: C2PA content credentials, IPTC digital source type in
XMP, and the metadata image generators write (PNG text chunks, EXIF, WebP). Pure library.

``read_provenance(path, trust=load_trust_list([...]))`` gives one answer per file:
``ai`` is "yes" (a verified manifest declares AI), "claimed" (only unverified evidence),
"no" (a verified manifest declares a non-AI source) or "unknown". See docs/provenance.md.

Names are re-exported lazily (as in ``perisai.media``): importing this package, or its CLI,
loads neither the C2PA SDK, Pillow nor the certificate parser until a name is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_EXPORTS: dict[str, str] = {
    "ProvenanceLimits": "containers",
    **dict.fromkeys(
        (
            "AI_ANSWERS",
            "C2PA_STATES",
            "AiAnswer",
            "C2paResult",
            "C2paState",
            "Hint",
            "ManifestFacts",
            "Provenance",
        ),
        "model",
    ),
    **dict.fromkeys(("DEFAULT_LIMITS", "decide", "read_provenance"), "reader"),
    **dict.fromkeys(("TrustList", "TrustListError", "load_trust_list"), "trust"),
}

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'perisai.media.provenance' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"perisai.media.provenance.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
