"""What the provenance reader answers about one file (plain data, JSON-ready)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from perisai.media.provenance.vocabulary import meaning

AiAnswer = Literal["yes", "claimed", "no", "unknown"]
C2paState = Literal["trusted", "valid", "invalid", "unverifiable", "absent"]
ManifestRole = Literal["active", "ingredient"]

AI_ANSWERS: Final[tuple[AiAnswer, ...]] = ("yes", "claimed", "no", "unknown")
C2PA_STATES: Final[tuple[C2paState, ...]] = (
    "trusted",
    "valid",
    "invalid",
    "unverifiable",
    "absent",
)


@dataclass(frozen=True, slots=True)
class Hint:
    """Unsigned metadata that bears on provenance (anyone can write it).

    ``kind`` says where it was found (``xmp.digital_source_type``, ``png.parameters``,
    ``exif.user_comment``, ``exif.software``, ...); ``claims_ai`` is our reading of it (a
    generator's parameters, an AI source type, a known generator's name).
    """

    kind: str
    value: str
    claims_ai: bool = False

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "value": self.value}

    def to_record(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value, "claims_ai": self.claims_ai}


@dataclass(frozen=True, slots=True)
class ManifestFacts:
    """One C2PA manifest of the file (the active one or an ingredient's), as claimed.

    ``verified`` is the validation state, kept apart from the claims: the manifest's signature
    and bindings are valid, and so is every manifest between it and the active one.
    """

    label: str
    role: ManifestRole
    verified: bool
    signer: str | None
    digital_source_types: tuple[str, ...]
    title: str | None = None

    def to_record(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "role": self.role,
            "verified": self.verified,
            "signer": self.signer,
            "title": self.title,
            "digital_source_types": list(self.digital_source_types),
        }


@dataclass(frozen=True, slots=True)
class C2paResult:
    state: C2paState
    signer: str | None = None
    digital_source_types: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    manifests: tuple[ManifestFacts, ...] = ()
    remote_url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "signer": self.signer,
            "digital_source_types": list(self.digital_source_types),
            "errors": list(self.errors),
        }


ABSENT: Final = C2paResult(state="absent")


@dataclass(frozen=True, slots=True)
class Provenance:
    """One answer per file.

    ``ai``: ``"yes"`` only when a verified manifest (active or ingredient) declares an AI source;
    ``"claimed"`` when the only evidence of AI is unverified (an invalid manifest, XMP, generator
    text); ``"no"`` when a verified manifest declares a capture or other non-AI source and nothing
    declares AI; ``"unknown"`` otherwise (no provenance is not "not AI"). ``error`` is set when
    the file could not be read at all (then ``ai`` is ``"unknown"``).
    """

    path: str
    ai: AiAnswer
    c2pa: C2paResult
    hints: tuple[Hint, ...] = ()
    error: str | None = None
    source_format: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The CLI contract: path, ai, c2pa {state, signer, digital_source_types, errors},
        hints [{kind, value}], and error (null when the file was read)."""
        return {
            "path": self.path,
            "ai": self.ai,
            "c2pa": self.c2pa.to_dict(),
            "hints": [hint.to_dict() for hint in self.hints],
            "error": self.error,
        }

    @property
    def ai_manifest(self) -> ManifestFacts | None:
        """The first verified manifest declaring AI (whose signer vouches for the "yes")."""
        for manifest in self.c2pa.manifests:
            if manifest.verified and any(meaning(t) == "ai" for t in manifest.digital_source_types):
                return manifest
        return None
