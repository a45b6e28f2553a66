"""Asking for a report's media to be clustered: light (no engine imports), in the caller's
transaction. Enrichment calls :func:`request_clustering` once it has stored the signals.

The report waits in `viral_pending`; one `viral.cluster` job at most waits in the queue
(procrastinate's queueing lock) and takes every pending report, in batches, when it runs.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import text
from sqlalchemy.orm import Session

from perisai.jobs.queue import defer_once

CLUSTER_TASK: Final = "viral.cluster"
# Ahead of bulk work in its lane: a viral alert is due within a minute of the report's commit.
CLUSTER_PRIORITY: Final = 5
_PENDING = text(
    "INSERT INTO viral_pending (report_id) VALUES (:id) ON CONFLICT (report_id) DO NOTHING"
)


def request_clustering(session: Session, *, report_id: int) -> None:
    session.execute(_PENDING, {"id": report_id})
    defer_once(
        session,
        task=CLUSTER_TASK,
        args={},
        queueing_lock=CLUSTER_TASK,
        priority=CLUSTER_PRIORITY,
    )
