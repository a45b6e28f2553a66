"""What the page, the API and the CLI show of a cluster, as plain JSON-ready dicts."""

from __future__ import annotations

from typing import Any

from perisai.viral.models import ViralAlert, ViralProposal
from perisai.viral.service import ClusterRow, ClusterView


def row_json(row: ClusterRow) -> dict[str, Any]:
    return {
        "cluster_id": row.public_id,
        "first_seen_at": row.first_seen_at.isoformat(),
        "last_seen_at": row.last_seen_at.isoformat(),
        "alerted_at": row.alerted_at.isoformat() if row.alerted_at else None,
        "media": row.media,
        "reports": row.reports,
        "platforms": row.platforms,
        "proposals_waiting": row.open_proposals,
    }


def alert_json(alert: ViralAlert) -> dict[str, Any]:
    return {
        "alert_id": alert.public_id,
        "rule": alert.rule,
        "raised_at": alert.raised_at.isoformat(),
        "window_start": alert.window_start.isoformat(),
        "window_end": alert.window_end.isoformat(),
        "platforms": list(alert.platforms),
        "accounts": list(alert.accounts),
        "reports": alert.report_count,
        "thresholds": dict(alert.thresholds),
    }


def proposal_json(proposal: ViralProposal) -> dict[str, Any]:
    return {
        "id": proposal.id,
        "kind": proposal.kind,
        "platform": proposal.platform or None,
        "state": proposal.state,
        "decided_at": proposal.decided_at.isoformat() if proposal.decided_at else None,
        "decided_by": proposal.decided_by,
        "note": proposal.note,
        "result": dict(proposal.result or {}),
    }


def cluster_json(view: ClusterView) -> dict[str, Any]:
    cluster = view.cluster
    return {
        "cluster_id": cluster.public_id,
        "first_seen_at": cluster.first_seen_at.isoformat(),
        "last_seen_at": cluster.last_seen_at.isoformat(),
        "alerted_at": cluster.alerted_at.isoformat() if cluster.alerted_at else None,
        "media": cluster.media_count,
        "merged_from": view.merged_from,
        "platforms": [
            {
                "platform": p.platform,
                "reports": p.reports,
                "first_seen_at": p.first_seen_at.isoformat(),
                "urls": p.urls,
            }
            for p in view.platforms
        ],
        "reports": [
            {
                "report_id": r.public_id,
                "platform": r.platform,
                "seen_at": r.seen_at.isoformat(),
                "accounts": r.accounts,
                "joined_by": r.joined_by,
                "distance": r.distance,
            }
            for r in view.reports
        ],
        "counts_by_hour": [{"hour": h.isoformat(), "reports": n} for h, n in view.hourly],
        "alerts": [alert_json(a) for a in view.alerts],
        "proposals": [proposal_json(p) for p in view.proposals],
    }
