"""Asking for a report's media to be clustered: light (no engine imports), in the caller's
transaction. Enrichment asks through its `enrichment.signals_stored` hook once it has stored the
signals (:func:`on_signals_stored`, registered in the viral manifest; enrichment does not import
viral).

The report waits in `viral_pending`; one `viral.cluster` job at most waits in the queue
(procrastinate's queueing lock) and takes every pending report, in batches, when it runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from sqlalchemy import text
from sqlalchemy.orm import Session

from perisai.jobs.queue import defer_once
from perisai.viral.names import CLUSTER_TASK

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


def on_signals_stored(session: Session, report_ids: Sequence[int]) -> None:
    for report_id in report_ids:
        request_clustering(session, report_id=report_id)
