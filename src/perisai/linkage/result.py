"""The answer to a linkage lookup as one JSON-ready object (CLI `--json`, API and page share it).

Sections: `identifier` (what was asked), `reports` (the cluster's reports), `identifiers` (every
identifier those reports carry, with the reports it appears in), `links` (pairs of reports with
the keys they share and a sentence per key), `shared_media` (hashes in two or more reports) and
`timeline` (receipt, incident and IP event times, oldest first).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from perisai.identifiers import Cluster, Identifier
from perisai.linkage.queries import MEDIA_KINDS, KeyRow, ReportSummary

_MEDIA_LABELS = {"sha256": "SHA-256", "md5": "MD5"}


def key_parts(key: str) -> tuple[str, str]:
    kind, _, value = key.partition(":")
    return kind, value


def reason(key: str, other_report: str) -> str:
    """`same phone +60123456789 as report R-2026-…`; media keys name their hash."""
    kind, value = key_parts(key)
    if kind in MEDIA_KINDS:
        return f"same media ({_MEDIA_LABELS[kind]} {value}) as report {other_report}"
    return f"same {kind} {value} as report {other_report}"


def identifier_section(identifier: Identifier) -> dict[str, Any]:
    return {
        "kind": identifier.kind,
        "value": identifier.value if not identifier.sensitive else identifier.display,
        "key": identifier.key,
        "display": identifier.display,
    }


def empty_result(identifier: Identifier) -> dict[str, Any]:
    return {
        "identifier": identifier_section(identifier),
        "reports": [],
        "identifiers": [],
        "links": [],
        "shared_media": [],
        "timeline": [],
        "truncated": False,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def reports_section(
    summaries: list[ReportSummary],
    cluster: Cluster[str],
    seed_key: str,
    keys_of: Mapping[str, set[str]],
) -> list[dict[str, Any]]:
    return [
        {
            "report_id": summary.public_id,
            "status": summary.status,
            "reporter_kind": summary.reporter_kind,
            "incident_type": summary.incident_type,
            "received_at": _iso(summary.received_at),
            "occurred_at": _iso(summary.occurred_at),
            "carries_identifier": seed_key in keys_of.get(summary.public_id, set()),
            "shared_keys": sorted(keys_of.get(summary.public_id, set()) & set(cluster.shared)),
        }
        for summary in summaries
    ]


def identifiers_section(
    rows: Iterable[KeyRow], public_ids: Mapping[int, str]
) -> list[dict[str, Any]]:
    grouped: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row.kind in MEDIA_KINDS:
            continue
        entry = grouped.setdefault(
            row.key,
            {
                "kind": row.kind,
                "key": row.key,
                "value": key_parts(row.key)[1],
                "originals": [],
                "reports": [],
            },
        )
        if row.original not in entry["originals"]:
            entry["originals"].append(row.original)
        public_id = public_ids[row.report_id]
        if public_id not in entry["reports"]:
            entry["reports"].append(public_id)
    # Shared identifiers first (they are the links), then by kind and value.
    return sorted(grouped.values(), key=lambda e: (-len(e["reports"]), e["kind"], e["value"]))


def links_section(cluster: Cluster[str]) -> list[dict[str, Any]]:
    return [
        {
            "reports": [first, second],
            "keys": list(keys),
            "reasons": [reason(key, second) for key in keys],
        }
        for first, second, keys in cluster.links()
    ]


def media_section(
    cluster: Cluster[str], rows: Iterable[KeyRow], public_ids: Mapping[int, str]
) -> list[dict[str, Any]]:
    files: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        if row.kind in MEDIA_KINDS and row.key in cluster.shared and row.file_name is not None:
            files[row.key].append({"report_id": public_ids[row.report_id], "name": row.file_name})
    return [
        {
            "algorithm": key_parts(key)[0],
            "hash": key_parts(key)[1],
            "reports": list(cluster.shared[key]),
            "files": files[key],
        }
        for key in sorted(cluster.shared)
        if key_parts(key)[0] in MEDIA_KINDS
    ]


def _intel_summary(answer: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if answer is None:
        return None
    if "error" in answer:
        return {"error": answer["error"]}
    summary = {name: answer.get(name) for name in ("asn", "as_org", "country", "city")}
    summary["flags"] = sorted(answer.get("flags") or {})
    return summary


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def timeline_section(
    summaries: list[ReportSummary], intel: Mapping[tuple[int, int, int], dict[str, Any]]
) -> list[dict[str, Any]]:
    """Events with a known, zoned time, oldest first (IP events without a time are left out)."""
    events: list[tuple[datetime, dict[str, Any]]] = []
    for summary in summaries:
        events.append(
            (summary.received_at, {"kind": "report_received", "report_id": summary.public_id})
        )
        if summary.occurred_at is not None:
            events.append(
                (
                    summary.occurred_at,
                    {
                        "kind": "incident",
                        "report_id": summary.public_id,
                        "incident_type": summary.incident_type,
                    },
                )
            )
        events.extend(_ip_events(summary, intel))
    events.sort(key=lambda item: (item[0], item[1]["report_id"], item[1]["kind"]))
    return [{"at": moment.isoformat(), **event} for moment, event in events]


def _ip_events(
    summary: ReportSummary, intel: Mapping[tuple[int, int, int], dict[str, Any]]
) -> Iterable[tuple[datetime, dict[str, Any]]]:
    for account_index, account in enumerate(summary.reported_accounts):
        listed = account.get("ip_events") if isinstance(account, dict) else None
        for event_index, event in enumerate(listed or []):
            moment = _parse_time(event.get("at")) if isinstance(event, dict) else None
            if moment is None or not isinstance(event.get("ip"), str):
                continue
            yield (
                moment,
                {
                    "kind": "ip_event",
                    "report_id": summary.public_id,
                    "ip": event["ip"],
                    "event": event.get("event") or "unknown",
                    "account_index": account_index,
                    "intel": _intel_summary(intel.get((summary.id, account_index, event_index))),
                },
            )
