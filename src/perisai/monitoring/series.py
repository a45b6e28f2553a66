"""Which trend series a report counts in: pure, from the facts the rollup job reads.

A series key is ``dimension:value`` (``total`` alone for every report). Dimensions:

====================  =====================================================  ======
dimension             values                                                 counts
====================  =====================================================  ======
``total``             (none)                                                 reports
``source``            ``platform:<API key name>``, ``hotline``, ``ncmec``,   reports
                      ``import:<other>``
``type``              the incident type (``online_enticement``, ...)         reports
``offence``           each offence code of the report                        reports
``state``             ``MY-01`` … ``MY-16``, ``abroad``, ``unknown``          reports
``state_from``        where the state came from: ``jurisdiction`` (the       reports
                      report's, e.g. the hotline form's state field),
                      ``ip`` (IP geolocation's city), ``none``
``ai``                ``yes`` (a file marked or declared AI-generated),      reports
                      ``no`` (files, none marked); absent without files
``filetype``          ``image``, ``video``, ``audio``, ``document``,         files
                      ``other``, ``unknown``
``media``             ``known`` (a positive bank match), ``new``             files
====================  =====================================================  ======

A retracted report counts nowhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Final

from perisai.reports.states import STATES

DIMENSIONS: Final = (
    "total",
    "source",
    "type",
    "offence",
    "state",
    "state_from",
    "ai",
    "filetype",
    "media",
)
FILE_DIMENSIONS: Final = frozenset({"filetype", "media"})
TOTAL: Final = "total"
MAX_VALUE: Final = 120  # series keys stay well inside the column (200)

# IP geolocation answers a city, not a state: the main cities of each state, as GeoLite/GeoIP
# spell them (lower case). A city not listed leaves the state unknown rather than guessed.
CITY_STATE: Final[dict[str, str]] = {
    "johor bahru": "MY-01",
    "iskandar puteri": "MY-01",
    "batu pahat": "MY-01",
    "kluang": "MY-01",
    "muar": "MY-01",
    "alor setar": "MY-02",
    "sungai petani": "MY-02",
    "kulim": "MY-02",
    "kota bharu": "MY-03",
    "melaka": "MY-04",
    "malacca": "MY-04",
    "seremban": "MY-05",
    "nilai": "MY-05",
    "kuantan": "MY-06",
    "george town": "MY-07",
    "butterworth": "MY-07",
    "bayan lepas": "MY-07",
    "ipoh": "MY-08",
    "taiping": "MY-08",
    "kangar": "MY-09",
    "shah alam": "MY-10",
    "petaling jaya": "MY-10",
    "subang jaya": "MY-10",
    "klang": "MY-10",
    "cyberjaya": "MY-10",
    "kajang": "MY-10",
    "puchong": "MY-10",
    "kuala terengganu": "MY-11",
    "kota kinabalu": "MY-12",
    "sandakan": "MY-12",
    "tawau": "MY-12",
    "kuching": "MY-13",
    "miri": "MY-13",
    "sibu": "MY-13",
    "bintulu": "MY-13",
    "kuala lumpur": "MY-14",
    "labuan": "MY-15",
    "victoria": "MY-15",
    "putrajaya": "MY-16",
}
AI_WORDS: Final = frozenset({"yes", "claimed"})  # provenance answers that say "made by AI"
GENERATIVE_AI_ANNOTATION: Final = "generative_ai"


@dataclass(frozen=True)
class FileFacts:
    content_type: str | None  # sniffed when known, else declared
    annotations: tuple[str, ...] = ()
    provenance_ai: str | None = None  # yes | claimed | no | unknown
    known: bool = False  # a positive match in a bank


@dataclass(frozen=True)
class ReportFacts:
    retracted: bool
    reporter_kind: str  # apikey | hotline | import
    client_id: str
    api_key_name: str | None
    incident_type: str
    offence_codes: tuple[str, ...] = ()
    jurisdiction: str | None = None
    ip_places: tuple[tuple[str | None, str | None], ...] = ()  # (country, city) per IP event
    files: tuple[FileFacts, ...] = field(default_factory=tuple)


def _clean(value: str) -> str:
    """A value safe inside a key and a CSV cell: no control characters, bounded."""
    kept = "".join(ch for ch in value.strip() if ch.isprintable())
    return kept[:MAX_VALUE] or "unknown"


def source_of(facts: ReportFacts) -> str:
    if facts.reporter_kind == "hotline":
        return "hotline"
    if facts.reporter_kind == "import":
        origin = facts.client_id.removeprefix("import:")
        return "ncmec" if origin == "ncmec" else f"import:{_clean(origin)}"
    return f"platform:{_clean(facts.api_key_name or 'unknown')}"


def state_of(facts: ReportFacts) -> tuple[str, str]:
    """(state, where it came from): the report's jurisdiction first, then IP geolocation."""
    jurisdiction = (facts.jurisdiction or "").upper()
    if jurisdiction in STATES:
        return jurisdiction, "jurisdiction"
    if jurisdiction and not jurisdiction.startswith("MY"):
        return "abroad", "jurisdiction"
    for country, city in facts.ip_places:
        if country == "MY" and city and city.strip().lower() in CITY_STATE:
            return CITY_STATE[city.strip().lower()], "ip"
    return "unknown", "none"


def file_type_of(content_type: str | None) -> str:
    if not content_type:
        return "unknown"
    major = content_type.split("/", 1)[0].strip().lower()
    if major in {"image", "video", "audio"}:
        return major
    if content_type.lower().startswith(("application/pdf", "text/")):
        return "document"
    return "other"


def _is_ai(file: FileFacts) -> bool:
    return GENERATIVE_AI_ANNOTATION in file.annotations or file.provenance_ai in AI_WORDS


def series_of(facts: ReportFacts) -> dict[str, int]:
    """The report's contribution: {series key: count}; empty for a retracted report."""
    if facts.retracted:
        return {}
    counts: Counter[str] = Counter()
    counts[TOTAL] = 1
    counts[f"source:{source_of(facts)}"] = 1
    counts[f"type:{_clean(facts.incident_type)}"] = 1
    for code in sorted({_clean(code) for code in facts.offence_codes}):
        counts[f"offence:{code}"] = 1
    state, origin = state_of(facts)
    counts[f"state:{state}"] = 1
    counts[f"state_from:{origin}"] = 1
    if facts.files:
        counts["ai:yes" if any(_is_ai(f) for f in facts.files) else "ai:no"] = 1
    for file in facts.files:
        counts[f"filetype:{file_type_of(file.content_type)}"] += 1
        counts["media:known" if file.known else "media:new"] += 1
    return dict(counts)


def dimension_of(series_key: str) -> str:
    return series_key.split(":", 1)[0]


def value_of(series_key: str) -> str:
    return series_key.split(":", 1)[1] if ":" in series_key else ""
