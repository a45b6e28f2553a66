"""NCMEC CyberTipline reports in and out, true to NCMEC's published schema.

``read_cybertip`` validates a ``report`` document (and any ``fileDetails`` documents of its
files) against ``cyber_tipline.xsd``, maps what the report domain models into ``ReportIn``, and
keeps everything else verbatim: elements and attributes under ``victim`` and
``intendedRecipient`` sealed (they may identify a child), the rest in the report's details.
Times without a zone are read in the zone the importer states, else UTC, and the summary says
which. ``write_report`` (``writer.py``) turns a stored report back into schema-valid XML.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from perisai.http.problems import field_path
from perisai.reports.cybertip.document import (
    FILE_DETAILS,
    REPORT,
    CybertipProblems,
    parse,
)
from perisai.reports.cybertip.reader import read_file_details, read_report
from perisai.reports.cybertip.walk import Walk, Zone, parse_zone
from perisai.reports.schemas import ReportIn
from perisai.reports.service import SourceExtras

__all__ = ["CybertipImport", "CybertipProblems", "Zone", "parse_zone", "read_cybertip"]

# Verbatim parts under these elements may identify a child: they are sealed.
SEALED_ROOTS = ("report/victim", "report/intendedRecipient")
SOURCE_FORMAT = "cybertip"


@dataclass
class CybertipImport:
    """A report read from CyberTipline XML: the body, what is kept verbatim, and a summary."""

    data: ReportIn
    source: SourceExtras
    summary: dict[str, Any] = field(default_factory=dict)


def _sealed(path: str) -> bool:
    return any(path == root or path.startswith((root + "/", root + "[")) for root in SEALED_ROOTS)


def _verbatim(walks: list[tuple[str, Walk]]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    plain: list[dict[str, str]] = []
    sealed: list[dict[str, str]] = []
    for document, walk in walks:
        for path, xml in walk.leftovers():
            item = {"document": document, "path": path, "xml": xml}
            (sealed if _sealed(path) else plain).append(item)
    return plain, sealed


def _unique_names(files: list[dict[str, Any]]) -> None:
    seen: dict[str, int] = {}
    for item in files:
        name = item["name"]
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            stem, dot, suffix = name.rpartition(".")
            item["name"] = f"{stem}-{seen[name]}.{suffix}" if dot else f"{name}-{seen[name]}"


def _validated(body: dict[str, Any]) -> ReportIn:
    try:
        return ReportIn.model_validate(body)
    except ValidationError as exc:
        raise CybertipProblems(
            [f"{field_path(error['loc'])}: {error['msg']}" for error in exc.errors()[:50]]
        ) from None


_INDEX = re.compile(r"\[\d+\]")


def _grouped(items: list[dict[str, str]]) -> dict[str, Any]:
    """How many verbatim parts, and how many of each kind (the path without positions)."""
    kinds = Counter(_INDEX.sub("", f"{item['document']}:{item['path']}") for item in items)
    return {"count": len(items), "kinds": dict(kinds)}


def _summary(
    data: ReportIn, zone: Zone, walks: list[tuple[str, Walk]], plain: list[Any], sealed: list[Any]
) -> dict[str, Any]:
    zoneless = [f"{document}:{path}" for document, walk in walks for path in walk.zoneless]
    return {
        "format": SOURCE_FORMAT,
        "documents": len(walks),
        "files": len(data.files),
        "victims": len(data.victims),
        "reported_accounts": len(data.reported_accounts),
        "times_without_zone": {
            "count": len(zoneless),
            "read_as": zone.name,
            "why": zone.describe(),
            "paths": zoneless,
        },
        "unmodelled": _grouped(plain),
        "unmodelled_sealed": _grouped(sealed),
    }


def read_cybertip(
    report: bytes, file_details: Sequence[bytes] = (), *, zone: Zone | None = None
) -> CybertipImport:
    """Validate, map and summarise; ``CybertipProblems`` lists every problem, one per line."""
    zone = zone or Zone()
    walk = Walk(parse(report, REPORT, "report"), zone)
    body = read_report(walk)
    walks = [("report", walk)]
    files: list[dict[str, Any]] = []
    ncmec_ids: set[str] = set()
    for number, raw in enumerate(file_details, start=1):
        label = f"fileDetails[{number}]"
        file_walk = Walk(parse(raw, FILE_DETAILS, label), zone)
        ncmec_id, declared = read_file_details(file_walk)
        ncmec_ids.update([ncmec_id] if ncmec_id else [])
        files.append(declared)
        walks.append((label, file_walk))
    problems = [problem for _, w in walks for problem in w.problems]
    if len(ncmec_ids) > 1:
        problems.append(
            f"fileDetails: they name different reports ({', '.join(sorted(ncmec_ids))})"
        )
    if problems:
        raise CybertipProblems(problems)
    _unique_names(files)
    if files:
        body["files"] = files
    data = _validated(body)
    plain, sealed = _verbatim(walks)
    summary = _summary(data, zone, walks, plain, sealed)
    details: dict[str, Any] = {
        "format": SOURCE_FORMAT,
        "times_without_zone": summary["times_without_zone"],
        "unmodelled": plain,
        "unmodelled_sealed": summary["unmodelled_sealed"],
    }
    if ncmec_ids:
        details["ncmec_report_id"] = ncmec_ids.pop()
    source = SourceExtras(details=details, sealed={"unmodelled": sealed} if sealed else {})
    return CybertipImport(data=data, source=source, summary=summary)
