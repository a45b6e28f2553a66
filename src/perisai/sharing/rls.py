"""Row-level security as defence in depth: read a transaction as one viewer's agency.

After :func:`read_as` the transaction runs as ``perisai_reader`` with ``perisai.agency`` (and
``perisai.user_id``) set, so PostgreSQL itself hides case rows the agency may not see
(migration sharing_0003). The redaction layer still decides; this only catches its mistakes.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from perisai.sharing.redaction import Viewer

READER_ROLE = "perisai_reader"


def read_as(session: Session, viewer: Viewer) -> None:
    """Scope the rest of this transaction to ``viewer`` (the system is not scoped)."""
    if viewer.is_system:
        return
    session.execute(text(f"SET LOCAL ROLE {READER_ROLE}"))
    session.execute(
        text(
            "SELECT set_config('perisai.agency', :agency, true), "
            "set_config('perisai.user_id', :user_id, true)"
        ),
        {
            "agency": viewer.agency or "",
            "user_id": str(viewer.user_id) if viewer.user_id is not None else "",
        },
    )
