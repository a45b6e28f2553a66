"""The application connects as a role of its own (issue 11, item 8): migrations run as the
schema's owner, the application's role is neither owner nor superuser and gets only what it
needs, so it cannot change or remove audit entries nor switch the audit triggers off."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from perisai.audit.service import SYSTEM, record, verify_chain
from perisai.config import Settings
from perisai.db.approle import AppRoleError, ensure_login_role, grant_on
from perisai.db.migrate import at_head
from perisai.dbcli import app as db_cli
from perisai.jobs.queue import defer
from perisai.runtime import Runtime
from perisai.sharing.events import emit
from perisai.sharing.models import Tlp
from perisai.sharing.redaction import Viewer
from perisai.sharing.rls import read_as
from perisai.testing.database import create_database, drop_database


def _as(url: str, role: str) -> str:
    return make_url(url).set(username=role).render_as_string(hide_password=False)


@pytest.fixture
def app_role(pg_server: str) -> Iterator[str]:
    """A login role made for this test (roles are shared by every database on the server)."""
    role = f"perisai_app_t{os.getpid()}"
    admin = create_engine(make_url(pg_server).set(database="postgres"))
    with admin.begin() as connection:
        ensure_login_role(connection, role)
    yield role
    with admin.begin() as connection:
        connection.execute(text(f"DROP ROLE IF EXISTS {role}"))
    admin.dispose()


@pytest.fixture
def owner_url(pg_server: str, app_role: str) -> Iterator[str]:
    """A fresh, empty database (its owner: the server's admin role)."""
    name = f"perisai_test_approle_{os.getpid()}"
    url = create_database(pg_server, name)
    yield url
    drop_database(pg_server, name)


@pytest.fixture
def runtime(
    owner_url: str, app_role: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Runtime]:
    """Migrated by `perisai db upgrade` as the owner; the runtime connects as the app's role."""
    app_url = _as(owner_url, app_role)
    monkeypatch.setenv("PERISAI_DATABASE_URL", app_url)
    monkeypatch.setenv("PERISAI_MIGRATION_DATABASE_URL", owner_url)
    monkeypatch.setenv("PERISAI_DATA_DIR", str(tmp_path / "var"))
    upgraded = CliRunner().invoke(db_cli, ["upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    settings = Settings(
        database_url=app_url, migration_database_url=owner_url, data_dir=tmp_path / "var"
    )
    runtime = Runtime.start(settings)
    yield runtime
    runtime.db.dispose()


def test_the_app_role_is_neither_owner_nor_superuser(runtime: Runtime, app_role: str) -> None:
    assert runtime.db.app_role == app_role
    with runtime.db.transaction() as session:
        user, superuser, owner = session.execute(
            text(
                "SELECT current_user, r.rolsuper, pg_get_userbyid(c.relowner) "
                "FROM pg_roles r, pg_class c "
                "WHERE r.rolname = current_user AND c.relname = 'audit_entry'"
            )
        ).one()
    assert (user, superuser) == (app_role, False)
    assert owner != app_role
    assert at_head(runtime.db.engine), "/readyz's check works as the app's role"


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("UPDATE audit_entry SET action = 'x'", "permission denied"),
        ("DELETE FROM audit_entry", "permission denied"),
        ("TRUNCATE audit_entry", "permission denied"),
        ("ALTER TABLE audit_entry DISABLE TRIGGER USER", "must be owner"),
        ("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only", "must be owner"),
        ("DROP TABLE audit_entry", "must be owner"),
        ("CREATE TABLE audit_copy (id int)", "permission denied"),
    ],
)
def test_the_app_role_cannot_change_the_audit_log(
    runtime: Runtime, statement: str, refusal: str
) -> None:
    with runtime.db.transaction() as session:
        record(session, actor=SYSTEM, action="test.approle")
    with pytest.raises(DBAPIError, match=refusal), runtime.db.transaction() as session:
        session.execute(text(statement))
    with runtime.db.transaction() as session:
        result = verify_chain(session)
    assert result.ok and result.entries >= 1


def test_the_app_role_does_its_work(runtime: Runtime) -> None:
    """Writes and reads of row-level-secured tables, the reader role, the job queue."""
    with runtime.db.transaction() as session:
        event = emit(
            session,
            type="report.prioritised",
            subject_type="report",
            subject_id="R-ROLE",
            payload={"priority": "P2"},
            audience=["MCMC"],
            tlp=Tlp.AMBER,
        )
        defer(session, task="sharing.dispatch", args={}, queue="sharing")
        event_id = event.id
    with runtime.db.transaction() as session:
        seen = session.execute(text("SELECT count(*) FROM outbox_event")).scalar_one()
        assert seen >= 1
    with runtime.db.transaction() as session:
        read_as(session, Viewer.for_subscription("MCMC"))
        mine = session.execute(
            text("SELECT id FROM outbox_event WHERE id = :id"), {"id": event_id}
        ).all()
        assert [row[0] for row in mine] == [event_id]
    with runtime.db.transaction() as session:
        read_as(session, Viewer.for_subscription("JKM"))
        assert (
            session.execute(
                text("SELECT id FROM outbox_event WHERE id = :id"), {"id": event_id}
            ).all()
            == []
        ), "row-level security still applies to the reader"
    with runtime.db.transaction() as session:
        queued = session.execute(
            text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'sharing.dispatch'")
        ).scalar_one()
        assert queued >= 1


def test_a_privileged_role_is_refused_as_the_app_role(owner_url: str, runtime: Runtime) -> None:
    owner = make_url(owner_url).username or "postgres"
    with pytest.raises(AppRoleError, match="superuser"):
        grant_on(owner_url, owner)
    with pytest.raises(AppRoleError, match="does not exist"):
        grant_on(owner_url, "perisai_no_such_role")
    with pytest.raises(AppRoleError, match="plain lower-case"):
        grant_on(owner_url, "x; DROP TABLE audit_entry")
