"""Enrich a report's IP capture events with the deployment's local IP intelligence.

Every IP event of every reported account is looked up with the configured `IpIntel` sources
(MaxMind databases, Tor exit list snapshots, CIDR lists: all files on this machine, never a
network service) at the event's own time, and the answers are stored in `report_ip_intel`.
Intake looks events up with :func:`ip_intel_values` (pure) and stores them with the report;
the enrichment job calls :func:`enrich_ip_events`, which only flushes.

Enrichment is best effort: a report is never refused because a source is missing or broken.
Unreadable sources are logged and nothing is stored, so a later run can fill the gap.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from perisai.config import Settings
from perisai.enrichment.models import ReportIpIntel
from perisai.ipintel import IpIntel, IpIntelError, IpIntelSourceError, configured
from perisai.reports.models import Report
from perisai.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IpEventRef:
    """One IP capture event as the report stored it (JSONB of `reported_accounts`)."""

    account_index: int
    event_index: int
    ip: str
    event: str
    at: datetime | None


def ip_events(report: Report) -> Iterator[IpEventRef]:
    """The report's IP events, skipping entries that are not shaped as intake stores them."""
    return account_ip_events(report.reported_accounts or [])


def account_ip_events(accounts: list[Any]) -> Iterator[IpEventRef]:
    """The IP events of reported accounts as JSON (``reported_accounts``), well-shaped only."""
    for account_index, account in enumerate(accounts):
        events = account.get("ip_events") if isinstance(account, dict) else None
        for event_index, event in enumerate(events or []):
            if not isinstance(event, dict) or not isinstance(event.get("ip"), str):
                continue
            yield IpEventRef(
                account_index=account_index,
                event_index=event_index,
                ip=event["ip"],
                event=str(event.get("event") or "unknown")[:16],
                at=_aware_time(event.get("at")),
            )


def _aware_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def sources_configured(settings: Settings) -> bool:
    return bool(settings.ipintel_mmdb or settings.ipintel_tor_lists or settings.ipintel_cidr_lists)


@lru_cache(maxsize=4)
def _intel_for(mmdb: str, tor_lists: str, cidr_lists: str) -> IpIntel:
    # Same spelling as the CLI's environment settings, so both read one configuration format.
    paths = configured.from_environment(
        {
            configured.MMDB_SETTING: mmdb,
            configured.TOR_SETTING: tor_lists,
            configured.CIDR_SETTING: cidr_lists,
        }
    )
    return IpIntel.from_sources(
        mmdb=paths.mmdb, tor_lists=paths.tor_lists, cidr_lists=paths.cidr_lists
    )


def configured_intel(settings: Settings) -> IpIntel:
    """The deployment's sources, opened once per configuration (readers are shared)."""
    return _intel_for(
        settings.ipintel_mmdb, settings.ipintel_tor_lists, settings.ipintel_cidr_lists
    )


def _answer(intel: IpIntel, ip: str, at: datetime) -> dict[str, Any]:
    try:
        return intel.lookup(ip, at).to_dict()
    except IpIntelError as exc:
        return {"ip": ip, "error": str(exc)[:500]}


def available_intel(settings: Settings, *, label: str = "a report") -> IpIntel | None:
    """The configured sources, or None when there are none or they cannot be read (logged)."""
    if not sources_configured(settings):
        return None
    try:
        return configured_intel(settings)
    except IpIntelSourceError as exc:
        log.error("IP enrichment skipped for %s: %s", label, exc)
        return None


def ip_intel_values(
    intel: IpIntel, accounts: list[Any], received_at: datetime
) -> list[dict[str, Any]]:
    """The `report_ip_intel` column values (all but `report_id`) for the accounts' IP events.

    Pure: no database. An event without its own time is looked up at the report's receipt
    time, and says so.
    """
    looked_up_at = datetime.now(UTC)
    values = []
    for ref in account_ip_events(accounts):
        at = ref.at or received_at
        values.append(
            {
                "account_index": ref.account_index,
                "event_index": ref.event_index,
                "ip": ref.ip[:45],
                "event": ref.event,
                "at": at,
                "at_is_event_time": ref.at is not None,
                "answer": _answer(intel, ref.ip, at),
                "looked_up_at": looked_up_at,
            }
        )
    return values


def enrich_ip_events(
    session: Session, runtime: Runtime, report: Report, *, intel: IpIntel | None = None
) -> list[ReportIpIntel]:
    """Look up every IP event of `report` and store the answers, replacing earlier ones.

    Returns the stored rows (none when no source is configured or the sources are unreadable).
    """
    intel = intel or available_intel(runtime.settings, label=report.public_id)
    if intel is None:
        return []
    values = ip_intel_values(intel, report.reported_accounts or [], report.received_at)
    rows = [ReportIpIntel(report_id=report.id, **value) for value in values]
    session.execute(delete(ReportIpIntel).where(ReportIpIntel.report_id == report.id))
    session.add_all(rows)
    session.flush()
    return rows
