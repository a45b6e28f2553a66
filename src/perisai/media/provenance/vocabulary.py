"""The digital-source-type vocabulary (IPTC NewsCodes, plus C2PA's own terms) and what means AI.

A C2PA action or an XMP packet names where media came from with a URI such as
``http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia``. We decide per term:

- **AI** (a trained model made or composed the media): ``trainedAlgorithmicMedia``,
  ``compositeWithTrainedAlgorithmicMedia``, C2PA's ``trainedAlgorithmicData``, and
  ``compositeSynthetic`` — IPTC's composite "with at least one synthetic element": it was the term
  used for AI in-painting before IPTC added ``compositeWithTrainedAlgorithmicMedia`` for being
  "more specific", so a synthetic element may well be generated, and missing a face-swap costs
  more than flagging a CGI composite.
- **Not AI**: captures, scans, human and algorithmic edits, digital creation and art, data-driven
  and virtual recordings, screen captures, and ``algorithmicMedia`` ("created purely by an
  algorithm not based on any sampled training data", e.g. a rendered gradient).
- **Neither**: ``composite`` (of unstated parts: its ingredients say more) and C2PA's ``empty``.
  A term we do not know is kept as written and counts as neither.
"""

from __future__ import annotations

from typing import Final, Literal

IPTC_PREFIX: Final = "http://cv.iptc.org/newscodes/digitalsourcetype/"
C2PA_PREFIX: Final = "http://c2pa.org/digitalsourcetype/"

Meaning = Literal["ai", "not_ai", "neither"]

AI_TERMS: Final = frozenset(
    {
        "trainedAlgorithmicMedia",
        "compositeWithTrainedAlgorithmicMedia",
        "compositeSynthetic",
        "trainedAlgorithmicData",
    }
)
NOT_AI_TERMS: Final = frozenset(
    {
        "digitalCapture",
        "computationalCapture",
        "negativeFilm",
        "positiveFilm",
        "print",
        "humanEdits",
        "minorHumanEdits",
        "algorithmicallyEnhanced",
        "digitalCreation",
        "digitalArt",
        "dataDrivenMedia",
        "algorithmicMedia",
        "screenCapture",
        "virtualRecording",
        "compositeCapture",
        "softwareImage",
    }
)
NEITHER_TERMS: Final = frozenset({"composite", "empty"})
_C2PA_TERMS: Final = frozenset({"trainedAlgorithmicData", "empty"})
_CANONICAL: Final = {term.lower(): term for term in AI_TERMS | NOT_AI_TERMS | NEITHER_TERMS}
_PREFIXES: Final = (
    IPTC_PREFIX,
    C2PA_PREFIX,
    "https://cv.iptc.org/newscodes/digitalsourcetype/",
    "https://c2pa.org/digitalsourcetype/",
    "digsrctype:",
)


def term_of(value: str) -> str | None:
    """The vocabulary term a URI (or bare term) names, or None when it is not ours."""
    text = value.strip()
    lowered = text.lower()
    for prefix in _PREFIXES:
        if lowered.startswith(prefix):
            text = text[len(prefix) :]
            break
    return _CANONICAL.get(text.strip().lower())


def normalise(value: str) -> str:
    """The term's canonical URI; an unknown value is kept as written (trimmed)."""
    term = term_of(value)
    if term is None:
        return value.strip()
    return (C2PA_PREFIX if term in _C2PA_TERMS else IPTC_PREFIX) + term


def meaning(value: str) -> Meaning:
    term = term_of(value)
    if term in AI_TERMS:
        return "ai"
    if term in NOT_AI_TERMS:
        return "not_ai"
    return "neither"


def short_name(value: str) -> str:
    """The term alone (for people), or the value as written."""
    return term_of(value) or value.strip()
