"""Alembic, driven from code: upgrade, current heads, and the models-versus-migrations check."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from perisai.db.approle import grant_on
from perisai.db.registry import load_all_models

if TYPE_CHECKING:
    from perisai.db.engine import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, *, app_role: str | None = None, create_role: bool = False) -> None:
    """Migrate to the heads as the owner (``url``), then grant the application's role (when it
    is another role) what it needs (:func:`perisai.db.approle.grant_app_role`)."""
    command.upgrade(alembic_config(url), "heads")
    if app_role is not None:
        grant_on(url, app_role, create=create_role)


def bring_to_head(database: Database) -> None:
    """Migrate ``database`` (as its owner) unless it is at head already."""
    engine = create_engine(database.owner_url)
    try:
        current = at_head(engine)
    finally:
        engine.dispose()
    if not current:
        upgrade(
            database.owner_url,
            app_role=database.app_role,
            create_role=database.creates_app_role,
        )


def script_heads() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config("postgresql://")).get_heads())


def database_heads(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def at_head(engine: Engine) -> bool:
    """True when every head revision is applied (a branch that another depends on is stored as
    its dependant only, so compare with everything the applied revisions imply)."""
    script = ScriptDirectory.from_config(alembic_config("postgresql://"))
    applied = database_heads(engine)
    implied = (
        {rev.revision for rev in script.iterate_revisions(tuple(applied), "base")}
        if applied
        else set()
    )
    return script_heads() <= implied


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave out objects owned by others: procrastinate's job queue tables."""
    return not (type_ == "table" and name is not None and name.startswith("procrastinate_"))


def differences(engine: Engine) -> list[str]:
    """What the models have that the migrated schema lacks, or the other way round."""
    metadata = load_all_models()
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        return [repr(diff) for diff in compare_metadata(context, metadata)]


def check_on_scratch_database(url: str) -> list[str]:
    """Migrate a fresh scratch database on the same server to head and compare with the models."""
    parsed = make_url(url)
    scratch = f"perisai_dbcheck_{abs(hash(url)) % 10**8}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch}"'))
            connection.execute(text(f'CREATE DATABASE "{scratch}"'))
        scratch_url = parsed.set(database=scratch).render_as_string(hide_password=False)
        upgrade(scratch_url)
        engine = create_engine(scratch_url)
        try:
            return differences(engine)
        finally:
            engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        admin.dispose()
