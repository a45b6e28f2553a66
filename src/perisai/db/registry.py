"""Import every domain's models so that ``Base.metadata`` is complete (Alembic, tests)."""

from __future__ import annotations

from sqlalchemy import MetaData

from perisai.db.base import Base


def load_all_models() -> MetaData:
    # Imported for their side effect of registering tables on Base.metadata.
    import perisai.audit.models
    import perisai.banks.models
    import perisai.cases.models
    import perisai.enrichment.models
    import perisai.enrichment.results
    import perisai.identity.models
    import perisai.reports.models
    import perisai.sharing.models
    import perisai.triage.models  # noqa: F401

    return Base.metadata
