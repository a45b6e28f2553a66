"""Linkage lookup: from one identifier to the cluster of reports joined through shared keys.

The cluster is found breadth first in the database (reports carrying the frontier's keys, then
those reports' keys), then handed to `perisai.identifiers.Linkage` for the links and reasons.
Media hashes count as keys, so reports sharing a file link too. Every lookup is audited, as the
answer gathers sensitive data across reports; the caller owns the transaction.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from perisai.audit.service import Actor, record
from perisai.cases.service import case_of_report
from perisai.identifiers import Identifier, Linkage
from perisai.linkage import queries, result
from perisai.sharing.redaction import Viewer, can_see_case, can_see_unassigned_report

# A cluster larger than this is cut (the answer says `truncated`): a shared public IP or a
# widely sent meme would otherwise pull in much of the database.
MAX_REPORTS = 500


@dataclass
class _Gathered:
    report_ids: set[int]
    rows: list[queries.KeyRow]
    truncated: bool


def visible_reports(session: Session, viewer: Viewer, report_ids: set[int]) -> set[int]:
    """The reports of `report_ids` this viewer may see (need-to-know, perisai.sharing)."""
    if viewer.is_system:
        return report_ids
    visible = set()
    for report_id in report_ids:
        case = case_of_report(session, report_id)
        allowed = can_see_unassigned_report(viewer) if case is None else can_see_case(viewer, case)
        if allowed:
            visible.add(report_id)
    return visible


def _gather(session: Session, seed_key: str, max_reports: int, viewer: Viewer) -> _Gathered:
    # Only visible reports are walked through: a link through a report the viewer may not see
    # would itself disclose that report.
    report_ids: set[int] = set()
    rows: list[queries.KeyRow] = []
    seen_keys, frontier = {seed_key}, {seed_key}
    truncated = False
    while frontier:
        fresh = queries.reports_with_keys(session, frontier) - report_ids
        fresh = visible_reports(session, viewer, fresh)
        if not fresh:
            break
        room = max_reports - len(report_ids)
        if len(fresh) > room:
            fresh, truncated = set(sorted(fresh)[:room]), True
        report_ids |= fresh
        new_rows = queries.keys_of_reports(session, fresh)
        rows.extend(new_rows)
        frontier = {row.key for row in new_rows} - seen_keys
        seen_keys |= frontier
        if truncated:
            break
    return _Gathered(report_ids, rows, truncated)


def _audit_object_id(key: str) -> str:
    # The audit column holds 64 characters; long keys (URLs) are named by their SHA-256.
    return key if len(key) <= 64 else hashlib.sha256(key.encode()).hexdigest()


def lookup(
    session: Session,
    *,
    actor: Actor,
    identifier: Identifier,
    viewer: Viewer,
    max_reports: int = MAX_REPORTS,
) -> dict[str, Any]:
    """The linkage answer for `identifier` as `viewer` may see it, audited."""
    gathered = _gather(session, identifier.key, max_reports, viewer)
    answer = _build(session, identifier, gathered)
    record(
        session,
        actor=actor,
        action="linkage.lookup",
        object_type="identifier",
        object_id=_audit_object_id(identifier.key),
        details={
            "kind": identifier.kind,
            "key": identifier.key,
            "reports": [item["report_id"] for item in answer["reports"]],
            "truncated": answer["truncated"],
        },
    )
    return answer


def _build(session: Session, identifier: Identifier, gathered: _Gathered) -> dict[str, Any]:
    if not gathered.report_ids:
        return result.empty_result(identifier)
    summaries = queries.report_summaries(session, gathered.report_ids)
    public_ids = {summary.id: summary.public_id for summary in summaries}
    pairs = [(public_ids[row.report_id], row.key) for row in gathered.rows]
    cluster = Linkage(pairs).cluster_of_key(identifier.key)
    if cluster is None:  # cannot happen: the seed's reports carry the seed key
        return result.empty_result(identifier)
    keys_of: dict[str, set[str]] = defaultdict(set)
    for public_id, key in pairs:
        keys_of[public_id].add(key)
    intel = queries.ip_intel_of_reports(session, gathered.report_ids)
    return {
        "identifier": result.identifier_section(identifier),
        "reports": result.reports_section(summaries, cluster, identifier.key, keys_of),
        "identifiers": result.identifiers_section(gathered.rows, public_ids),
        "links": result.links_section(cluster),
        "shared_media": result.media_section(cluster, gathered.rows, public_ids),
        "timeline": result.timeline_section(summaries, intel),
        "truncated": gathered.truncated,
    }
