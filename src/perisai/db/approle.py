"""The application's own database role: neither owner of the schema nor superuser.

Migrations run as the schema's owner; the running application (server, worker, CLI commands)
connects as another role that gets only what it needs, granted after every upgrade by
:func:`grant_app_role`:

- reading and writing the tables, their sequences and functions (procrastinate's included);
- on ``audit_entry`` only SELECT and INSERT: no UPDATE, DELETE or TRUNCATE, and, not being the
  owner, it cannot ALTER the table or switch its append-only triggers off;
- membership of ``perisai_reader`` (the row-level-security reader that the outlets switch to),
  and on every table with row-level security a policy that lets the application itself through
  (it wrote and reads all rows, as the owner did before).

With the embedded server the role ``perisai_app`` is created here and used automatically; with
an external server, ``PERISAI_DATABASE_URL`` names the application's role (made by the operator,
with its password) and ``PERISAI_MIGRATION_DATABASE_URL`` the owner's.
"""

from __future__ import annotations

import re
from typing import Final

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

#: The application's role on the embedded server.
EMBEDDED_APP_ROLE: Final = "perisai_app"
READER_ROLE: Final = "perisai_reader"
_IDENTIFIER: Final = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# Tables the application may add to but never change.
APPEND_ONLY: Final = ("audit_entry",)
APP_POLICY: Final = "perisai_app_all"


class AppRoleError(Exception):
    """The application's role cannot be set up; the message says what to do."""


def role_of(url: str) -> str:
    return make_url(url).username or ""


def _checked(role: str) -> str:
    if not _IDENTIFIER.fullmatch(role):
        raise AppRoleError(f"{role!r} is not a plain lower-case role name")
    return role


def ensure_login_role(connection: Connection, role: str) -> None:
    """Create ``role`` (LOGIN, no other attribute) unless it exists; the caller may create roles."""
    role = _checked(role)
    connection.execute(
        text(
            f"""
            DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
              END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$
            """
        )
    )


def _refuse_privileged(connection: Connection, role: str) -> None:
    found = connection.execute(
        text(
            "SELECT r.rolsuper, r.rolbypassrls, "
            "pg_get_userbyid(d.datdba) = r.rolname AS owns_database "
            "FROM pg_roles r, pg_database d "
            "WHERE r.rolname = :role AND d.datname = current_database()"
        ),
        {"role": role},
    ).first()
    if found is None:
        raise AppRoleError(
            f"the application's role {role} does not exist: create it (LOGIN, with a password) "
            "or let the owner of the schema create it"
        )
    superuser, bypass_rls, owns_database = found
    if superuser or bypass_rls or owns_database:
        raise AppRoleError(
            f"the application's role {role} is a superuser, bypasses row-level security or "
            "owns the database: give the application a role of its own"
        )


def grant_app_role(connection: Connection, role: str, *, create: bool = False) -> None:
    """Give ``role`` exactly what the running application needs (see the module's docstring).

    Runs as the owner of the schema after migrations; idempotent. ``create``: make the role
    first when missing (the embedded server, whose owner is a superuser).
    """
    role = _checked(role)
    if create:
        ensure_login_role(connection, role)
    _refuse_privileged(connection, role)
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    statements = [
        f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO {role}',
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {role}",
    ]
    for table in APPEND_ONLY:
        statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {role}")
    # Roles are shared by the whole server: grant membership only once (two upgrades of two
    # databases at the same moment would otherwise both update the same catalog row).
    reader_exists, member = connection.execute(
        text(
            "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = :reader), "
            "EXISTS (SELECT FROM pg_auth_members m "
            "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member "
            "WHERE g.rolname = :reader AND u.rolname = :role)"
        ),
        {"reader": READER_ROLE, "role": role},
    ).one()
    if reader_exists and not member:
        statements.append(f"GRANT {READER_ROLE} TO {role}")
    for statement in statements:
        connection.execute(text(statement))
    secured = connection.execute(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity"
        )
    ).scalars()
    for table in list(secured):
        connection.execute(text(f'DROP POLICY IF EXISTS {APP_POLICY} ON "{table}"'))
        connection.execute(
            text(
                f'CREATE POLICY {APP_POLICY} ON "{table}" TO {role} USING (true) WITH CHECK (true)'
            )
        )


def grant_on(owner_url: str, role: str, *, create: bool = False) -> None:
    """:func:`grant_app_role` on its own connection to the owner's database URL."""
    engine = create_engine(owner_url)
    try:
        with engine.begin() as connection:
            grant_app_role(connection, role, create=create)
    finally:
        engine.dispose()
