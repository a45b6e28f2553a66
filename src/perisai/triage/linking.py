"""Linking a report to earlier ones that share a key: a normalised identifier of a reported
account (`report_identifier.key`), a media hash (`report_file`), or an IP address used within
:data:`IP_WINDOW` of each other.

Links are stored in both directions with the reason worded for each side
("same phone +60123456789 as report R-…"). Services flush, never commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from perisai.enrichment.ipintel import ip_events
from perisai.linkage.queries import keys_of_reports
from perisai.reports.models import Report, ReportFile, ReportIdentifier, ReportStatus
from perisai.triage.models import ReportLink

# Carrier-grade NAT shares addresses widely: only an address used close in time says much.
IP_WINDOW = timedelta(hours=1)
# A key shared by very many reports (a platform's support address, a CGNAT address) says little
# about any one of them; link to the most recent ones only, so one report cannot fan out into
# thousands of links and re-triage jobs.
MAX_REPORTS_PER_KEY = 200
MEDIA_KINDS = ("sha256", "md5")


@dataclass(frozen=True)
class Match:
    other_id: int
    other_public_id: str
    kind: str
    key: str
    display: str

    def reason(self) -> str:
        return f"same {_kind_name(self.kind)} {self.display} as report {self.other_public_id}"


def _kind_name(kind: str) -> str:
    return {"sha256": "file (SHA-256)", "md5": "file (MD5)", "ip": "IP address"}.get(kind, kind)


def _display(key: str) -> str:
    kind, _, value = key.partition(":")
    return value[:16] + "…" if kind in MEDIA_KINDS else value


def _live_reports(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(Report.id, Report.public_id).where(
            Report.id.in_(wanted), Report.status != ReportStatus.RETRACTED.value
        )
    )
    return {row.id: row.public_id for row in rows}


def _identifier_matches(session: Session, report: Report, keys: list[str]) -> list[tuple[int, str]]:
    if not keys:
        return []
    ranked = (
        select(
            ReportIdentifier.report_id,
            ReportIdentifier.key,
            func.dense_rank()
            .over(partition_by=ReportIdentifier.key, order_by=ReportIdentifier.report_id.desc())
            .label("rank"),
        )
        .where(ReportIdentifier.key.in_(keys), ReportIdentifier.report_id != report.id)
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.report_id, ranked.c.key)
        .where(ranked.c.rank <= MAX_REPORTS_PER_KEY)
        .distinct()
    )
    return [(row.report_id, row.key) for row in rows]


def _media_matches(session: Session, report: Report, keys: list[str]) -> list[tuple[int, str]]:
    sha256 = [k.partition(":")[2] for k in keys if k.startswith("sha256:")]
    md5 = [k.partition(":")[2] for k in keys if k.startswith("md5:")]
    if not (sha256 or md5):
        return []
    file_sha256 = func.lower(func.coalesce(ReportFile.sha256, ReportFile.declared_sha256))
    file_md5 = func.lower(func.coalesce(ReportFile.md5, ReportFile.declared_md5))
    # Plain column comparisons, so that indexes on the hash columns can serve the lookup.
    rows = session.execute(
        select(ReportFile.report_id, file_sha256.label("sha256"), file_md5.label("md5"))
        .where(
            ReportFile.report_id != report.id,
            or_(
                ReportFile.sha256.in_(sha256),
                ReportFile.declared_sha256.in_(sha256),
                ReportFile.md5.in_(md5),
                ReportFile.declared_md5.in_(md5),
            ),
        )
        .order_by(ReportFile.report_id.desc())
        .limit(MAX_REPORTS_PER_KEY * max(1, len(sha256) + len(md5)))
    )
    found: list[tuple[int, str]] = []
    for row in rows:
        if row.sha256 in sha256:
            found.append((row.report_id, f"sha256:{row.sha256}"))
        elif row.md5 in md5:
            found.append((row.report_id, f"md5:{row.md5}"))
    return found


def _ip_times(report: Report) -> dict[str, list[datetime]]:
    times: dict[str, list[datetime]] = defaultdict(list)
    for event in ip_events(report):
        times[event.ip].append(event.at or report.received_at)
    return times


def _ip_matches(session: Session, report: Report, keys: list[str]) -> list[tuple[int, str]]:
    if not keys:
        return []
    mine = _ip_times(report)
    candidates = {rid for rid, _ in _identifier_matches(session, report, keys)}
    if not candidates:
        return []
    found: list[tuple[int, str]] = []
    for other in session.scalars(select(Report).where(Report.id.in_(candidates))):
        for ip, their_times in _ip_times(other).items():
            close = any(abs(a - b) <= IP_WINDOW for a in mine.get(ip, []) for b in their_times)
            if close:
                found.append((other.id, f"ip:{ip}"))
    return found


def find_matches(session: Session, report: Report, keys: list[str] | None = None) -> list[Match]:
    """Every (other report, shared key) pair for ``report``, oldest other report first.

    `keys`: the report's keys (`linkage.queries.keys_of_reports`), if read already."""
    if keys is None:
        keys = [row.key for row in keys_of_reports(session, [report.id])]
    ip_keys = [k for k in keys if k.startswith("ip:")]
    media_keys = [k for k in keys if k.partition(":")[0] in MEDIA_KINDS]
    identifier_keys = [k for k in keys if k not in ip_keys and k not in media_keys]
    pairs = {
        *_identifier_matches(session, report, identifier_keys),
        *_media_matches(session, report, media_keys),
        *_ip_matches(session, report, ip_keys),
    }
    live = _live_reports(session, (rid for rid, _ in pairs))
    matches = [
        Match(rid, live[rid], key.partition(":")[0], key, _display(key))
        for rid, key in pairs
        if rid in live
    ]
    return sorted(matches, key=lambda m: (m.other_id, m.key))


def store_links(session: Session, report: Report, matches: list[Match]) -> list[Match]:
    """Write both directions of each link; return the matches that were not stored before.

    Set-based (a report can match a few hundred others on each of its keys): one statement per
    direction, not two per match.
    """
    if not matches:
        return []
    forward = [
        {
            "report_id": report.id,
            "other_report_id": match.other_id,
            "kind": match.kind,
            "key": match.key,
            "reason": match.reason(),
        }
        for match in matches
    ]
    backward = [
        {
            "report_id": match.other_id,
            "other_report_id": report.id,
            "kind": match.kind,
            "key": match.key,
            "reason": Match(
                report.id, report.public_id, match.kind, match.key, match.display
            ).reason(),
        }
        for match in matches
    ]
    # executemany with RETURNING: sent as multi-row INSERTs ("insertmanyvalues"); without it
    # the backward rows went one statement each (34 per report in a drain, issue #12).
    table = cast(Table, ReportLink.__table__)
    upsert = insert(table).on_conflict_do_nothing(constraint="uq_report_link_pair_key")
    returned = session.execute(upsert.returning(table.c.other_report_id, table.c.key), forward)
    stored = {(row.other_report_id, row.key) for row in returned}
    session.execute(upsert.returning(table.c.id), backward).all()
    new: list[Match] = []
    for match in matches:
        if (match.other_id, match.key) in stored:
            stored.discard((match.other_id, match.key))  # a repeated match is new only once
            new.append(match)
    return new


def links_of(session: Session, report_id: int) -> list[ReportLink]:
    """The report's stored links, in the order they were found."""
    return list(
        session.scalars(
            select(ReportLink).where(ReportLink.report_id == report_id).order_by(ReportLink.id)
        )
    )
