"""The CLI contract other tools script against, run as a real subprocess on a fresh database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text

from perisai.testing.database import drop_database, migrated_database


@pytest.fixture(scope="module")
def cli_env(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    name = f"perisai_cli_{os.getpid()}"
    url = migrated_database(pg_server, name)
    data_dir = tmp_path_factory.mktemp("cli-var")
    yield {**os.environ, "PERISAI_DATABASE_URL": url, "PERISAI_DATA_DIR": str(data_dir)}
    drop_database(pg_server, name)


def perisai(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perisai.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def rows(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_user_and_key_creation_then_audit(cli_env: dict[str, str]) -> None:
    made = perisai(
        cli_env,
        "identity",
        "user",
        "create",
        "--agency",
        "JKM",
        "--role",
        "caseworker",
        "--email",
        "kw@jkm.gov.my",
        "--password",
        "a-long-password-1",
        "--json",
    )
    assert made.returncode == 0, made.stderr
    (user,) = rows(made.stdout)
    assert isinstance(user["id"], int) and len(str(user["totp_secret"])) >= 16
    key = perisai(
        cli_env,
        "identity",
        "apikey",
        "create",
        "--name",
        "ExampleChat",
        "--scopes",
        "reports:submit,media:match",
        "--agency",
        "MCMC",
        "--json",
    )
    (created,) = rows(key.stdout)
    assert str(created["key"]).startswith("psk_")
    revoked = perisai(cli_env, "identity", "apikey", "revoke", str(created["id"]))
    assert revoked.returncode == 0
    verify = perisai(cli_env, "audit", "verify", "--json")
    (result,) = rows(verify.stdout)
    assert verify.returncode == 0 and result["ok"] is True and result["entries"] == 3
    head = perisai(cli_env, "audit", "head", "--json")
    (signed,) = rows(head.stdout)
    from perisai.audit.signing import verify_signed

    assert verify_signed(signed)


def _set_action(url: str, entry_id: int | None, action: str | None) -> str | None:
    """Rewrite one audit entry's action behind the triggers' back; returns the one it had."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only"))
        before: str | None = connection.scalar(
            text("SELECT action FROM audit_entry WHERE id = :id"), {"id": entry_id}
        )
        connection.execute(
            text("UPDATE audit_entry SET action = :action WHERE id = :id"),
            {"id": entry_id, "action": action},
        )
        connection.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only"))
    engine.dispose()
    return before


def test_audit_verify_fails_on_tampering(cli_env: dict[str, str]) -> None:
    perisai(cli_env, "identity", "apikey", "create", "--name", "x", "--scopes", "events:read")
    url = cli_env["PERISAI_DATABASE_URL"]
    engine = create_engine(url)
    with engine.connect() as connection:
        first = connection.scalar(text("SELECT min(id) FROM audit_entry"))
    engine.dispose()
    original = _set_action(url, first, "nothing")
    try:
        verify = perisai(cli_env, "audit", "verify", "--json")
    finally:
        # The module's other tests share this database and verify its chain too.
        _set_action(url, first, original)
    (result,) = rows(verify.stdout)
    assert verify.returncode == 1
    assert {k: result[k] for k in ("ok", "entries", "first_bad_entry", "reason")} == {
        "ok": False,
        "entries": 1,
        "first_bad_entry": first,
        "reason": "content does not match its hash",
    }
    assert {"anchored_at", "heads_checked"} <= set(result)


@pytest.mark.parametrize(
    "args",
    [
        ("identity", "user", "create", "--agency", "PDRM"),
        (
            "identity",
            "user",
            "create",
            "--agency",
            "NOPE",
            "--role",
            "analyst",
            "--email",
            "a@b.my",
            "--password",
            "a-long-password-1",
        ),
        ("identity", "apikey", "create", "--name", "x", "--scopes", "root:all"),
        ("identity", "apikey", "revoke", "not-a-number"),
        ("no-such-command",),
    ],
)
def test_bad_arguments_exit_2_with_one_line(cli_env: dict[str, str], args: tuple[str, ...]) -> None:
    result = perisai(cli_env, *args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("perisai: error:")


def test_malformed_setting_stops_with_its_name(cli_env: dict[str, str]) -> None:
    result = perisai({**cli_env, "PERISAI_LOGIN_MAX_FAILURES": "many"}, "db", "url")
    assert result.returncode == 2
    assert "PERISAI_LOGIN_MAX_FAILURES" in result.stderr


def test_db_url_prints_the_database(cli_env: dict[str, str]) -> None:
    result = perisai(cli_env, "db", "url")
    assert result.stdout.strip().startswith("postgresql://")  # libpq's form, for psql
    result = perisai(cli_env, "db", "url", "--sqlalchemy")
    assert result.stdout.strip().startswith("postgresql+psycopg://")


@pytest.fixture
def own_tmp() -> Iterator[Path]:
    """A directory outside pytest's temporary tree.

    Run as root, the embedded server runs as another user, which must traverse the directory's
    parents; pytest resets its own root to 0700 whenever another pytest session starts, which
    locked the server out of its data directory half-way through this test.
    """
    with tempfile.TemporaryDirectory(prefix="perisai-test-cli-") as tmp:
        yield Path(tmp)


def test_embedded_server_is_stopped_by_the_command_that_started_it(own_tmp: Path) -> None:
    tmp_path = own_tmp
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERISAI_")}
    env["PERISAI_DATA_DIR"] = str(tmp_path / "var")
    pgdata = tmp_path / "var" / "pg"
    try:
        result = perisai(env, "audit", "verify", "--json")
        assert result.returncode == 0, result.stderr
        assert pgdata.is_dir() and not (pgdata / "postmaster.pid").exists()

        # `db url` leaves it running for the program that will use the URL...
        result = perisai(env, "db", "url")
        assert result.returncode == 0, result.stderr
        assert "host=" in result.stdout and str(tmp_path) in result.stdout.replace("%2F", "/")
        assert (pgdata / "postmaster.pid").exists()
        # ...which can connect with it as it is (libpq parses it as psql and pg_dump do).
        with psycopg.connect(result.stdout.strip()) as connection:
            assert connection.execute("SELECT current_database()").fetchone() == ("perisai",)
        # A command that did not start it leaves it running; `db stop` ends it.
        assert perisai(env, "audit", "verify").returncode == 0
        assert (pgdata / "postmaster.pid").exists()
        assert perisai(env, "db", "stop").returncode == 0
        assert not (pgdata / "postmaster.pid").exists()
    finally:
        from perisai.db.embedded import stop_embedded

        stop_embedded(pgdata)


def test_admin_account_commands(cli_env: dict[str, str]) -> None:
    made = perisai(
        cli_env,
        "identity",
        "user",
        "create",
        "--agency",
        "PDRM",
        "--role",
        "analyst",
        "--email",
        "admin-cli@pdrm.gov.my",
        "--password",
        "a-long-password-1",
        "--json",
    )
    assert made.returncode == 0, made.stderr
    who = ("--user", "ADMIN-CLI@pdrm.gov.my")
    listed = perisai(cli_env, "identity", "user", "list", "--search", "admin-cli", "--json")
    (answer,) = rows(listed.stdout)
    users = answer["users"]
    assert isinstance(users, list) and len(users) == 1
    found = users[0]
    assert found["email"] == "admin-cli@pdrm.gov.my" and found["active"] is True
    for command, key, value in (
        ("disable", "active", False),
        ("enable", "active", True),
        ("unlock", "counters_cleared", 0),
    ):
        done = perisai(cli_env, "identity", "user", command, *who, "--json")
        assert done.returncode == 0, done.stderr
        assert rows(done.stdout)[0][key] == value
    role = perisai(cli_env, "identity", "user", "set-role", *who, "--role", "supervisor", "--json")
    assert rows(role.stdout)[0]["role"] == "supervisor"
    bad = perisai(cli_env, "identity", "user", "set-role", *who, "--role", "teacher")
    assert (
        bad.returncode == 2 and "MOE" in bad.stderr + bad.stdout and "Traceback" not in bad.stderr
    )
    code = perisai(cli_env, "identity", "user", "reset-password", *who, "--json")
    assert len(str(rows(code.stdout)[0]["code"])) >= 20
    nobody = perisai(cli_env, "identity", "user", "disable", "--user", "nobody@x.my")
    assert nobody.returncode == 2 and "no such user" in nobody.stderr + nobody.stdout
    audit = perisai(cli_env, "audit", "verify", "--json")
    assert audit.returncode == 0, audit.stdout
