"""Import every domain's models so that ``Base.metadata`` is complete (Alembic, tests)."""

from __future__ import annotations

from sqlalchemy import MetaData

from perisai.db.base import Base
from perisai.manifest import import_all


def load_all_models() -> MetaData:
    """Every domain's models (named in its manifest), registered on ``Base.metadata``."""
    import_all(lambda manifest: manifest.models)
    return Base.metadata
