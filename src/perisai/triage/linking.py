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

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from perisai.enrichment.ipintel import ip_events
from perisai.linkage.queries import keys_of_reports
from perisai.reports.models import Report, ReportFile, ReportStatus
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


def key_display(key: str) -> str:
    """A link key's value as reasons show it (a media hash shortened)."""
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


# The most recent MAX_REPORTS_PER_KEY other reports per key. Written out once: built with the
# expression language on every call it cost a tenth of a triage's CPU in a drain (issue #12).
_IDENTIFIER_MATCHES = text(
    "SELECT DISTINCT ranked.report_id, ranked.key FROM (SELECT report_id, key, "
    "dense_rank() OVER (PARTITION BY key ORDER BY report_id DESC) AS rank "
    "FROM report_identifier WHERE key = ANY(CAST(:keys AS varchar[])) AND report_id <> :own"
    ") AS ranked WHERE ranked.rank <= :most"
)


def _identifier_matches(session: Session, report: Report, keys: list[str]) -> list[tuple[int, str]]:
    if not keys:
        return []
    rows = session.execute(
        _IDENTIFIER_MATCHES, {"keys": keys, "own": report.id, "most": MAX_REPORTS_PER_KEY}
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
        Match(rid, live[rid], key.partition(":")[0], key, key_display(key))
        for rid, key in pairs
        if rid in live
    ]
    return sorted(matches, key=lambda m: (m.other_id, m.key))


# Both directions of every link in one statement, from arrays (one parameter per column):
# a report can match a few hundred others, and SQLAlchemy's multi-row VALUES built each row's
# parameters in Python, a third of a triage's CPU in a drain (issue #12). Only a new row comes
# back (DO NOTHING returns no row for a link stored before).
_STORE_LINKS = text(
    "INSERT INTO report_link (report_id, other_report_id, kind, key, reason) "
    "SELECT * FROM unnest(CAST(:report_ids AS bigint[]), CAST(:other_ids AS bigint[]), "
    "CAST(:kinds AS varchar[]), CAST(:keys AS varchar[]), CAST(:reasons AS text[])) "
    "ON CONFLICT ON CONSTRAINT uq_report_link_pair_key DO NOTHING "
    "RETURNING report_id, other_report_id, key"
)


def store_links(session: Session, report: Report, matches: list[Match]) -> list[Match]:
    """Write both directions of each link; return the matches that were not stored before."""
    if not matches:
        return []
    backward_reasons = [
        Match(report.id, report.public_id, match.kind, match.key, match.display).reason()
        for match in matches
    ]
    returned = session.execute(
        _STORE_LINKS,
        {
            "report_ids": [report.id] * len(matches) + [m.other_id for m in matches],
            "other_ids": [m.other_id for m in matches] + [report.id] * len(matches),
            "kinds": [m.kind for m in matches] * 2,
            "keys": [m.key for m in matches] * 2,
            "reasons": [m.reason() for m in matches] + backward_reasons,
        },
    )
    stored = {(row.other_report_id, row.key) for row in returned if row.report_id == report.id}
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
