"""Proof (issue #18, item 7): erasure reaches backups.

Against a real PostgreSQL database with committed data (not the rolled-back test transaction,
which a dump would not see):

1. A child is named in a report (with an intended recipient), and a victim record is made.
2. A database backup (``pg_dump``) and a key store backup are taken.
3. A supervisor erases the child.
4. The dump is restored into a fresh database. It still holds the rows as they were (the
   record active, the sealed identity), but no key: with the master key and the live key
   store, nothing in it opens — no key of the store opens any of its sealed values.
5. Positive control: with the key store backup restored too, the old identity *does* open (so
   the check above could fail). Replaying the erasure ledger (``perisai victims keys
   reconcile``) destroys the key again and erases the restored record; then nothing opens.
6. ``perisai audit verify`` passes on the live database and on the reconciled restore.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from tests.victims.factories import CHILD_NAME, child
from typer.testing import CliRunner

from perisai.audit.cli import app as audit_cli
from perisai.audit.service import SYSTEM, Actor, verify_chain
from perisai.cli import app as perisai_cli
from perisai.config import Settings
from perisai.crypto import DecryptionError, open_with_key
from perisai.db.engine import Database
from perisai.keystore import KeyGone
from perisai.reports.models import Report, ReportVictim
from perisai.reports.schemas import ReportIn
from perisai.reports.service import canonical_sha256, submit
from perisai.reports.victimseal import open_details, open_victim
from perisai.runtime import Runtime
from perisai.testing.database import (
    client_tool,
    create_database,
    drop_database,
    migrated_database,
)
from perisai.victims import service as victims
from perisai.victims.models import Victim, VictimIdentity

SUPERVISOR = Actor(kind="user", id="supervisor-1", agency="SECRETARIAT")
RECIPIENT = "Adik Penerimawangsa"  # made up: the intended recipient's name
_names = itertools.count(1)


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass
class Deployment:
    server: str
    url: str
    data_dir: Path
    runtime: Runtime
    databases: list[str]

    def env(self, url: str | None = None) -> dict[str, str]:
        return {"PERISAI_DATA_DIR": str(self.data_dir), "PERISAI_DATABASE_URL": url or self.url}

    def runtime_on(self, url: str) -> Runtime:
        return Runtime(settings=self.runtime.settings, db=Database(url, pool_size=2))


@pytest.fixture
def deployment(pg_server: str, tmp_path: Path) -> Iterator[Deployment]:
    name = f"perisai_backup_{os.getpid()}_{next(_names)}"
    url = migrated_database(pg_server, name)
    data_dir = tmp_path / "var"
    runtime = Runtime(settings=Settings(data_dir=data_dir, demo=False), db=Database(url))
    found = Deployment(pg_server, url, data_dir, runtime, [name])
    try:
        yield found
    finally:
        runtime.db.dispose()
        for database in found.databases:
            drop_database(pg_server, database)


def _child_named(deployment: Deployment) -> tuple[str, str]:
    """A committed report naming the child (and an intended recipient), and its record."""
    raw: dict[str, Any] = {
        "incident": {"type": "online_enticement", "escalation_reason": "meeting planned"},
        "reported_accounts": [{"platform": "ExampleChat", "emails": ["suspect@example.test"]}],
        "victims": [child()],
        "intended_recipients": [{"first_name": RECIPIENT, "age": 12}],
    }
    runtime = deployment.runtime
    with runtime.db.transaction() as session:
        submitted = submit(
            session, keyring=runtime.keyring, actor=SYSTEM, data=ReportIn.model_validate(raw),
            body_sha256=canonical_sha256(raw), client_id="test", idempotency_key="backup-1",
        )  # fmt: skip
        report_id = submitted.receipt.report_id
    with runtime.db.transaction() as session:
        victim = victims.create_from_report(
            session, runtime.keyring, report_public_id=report_id, position=0, actor=SYSTEM
        )
        return report_id, victim.public_id


def _dump(url: str, path: Path) -> None:
    pg_dump = client_tool("pg_dump", url)
    subprocess.run([pg_dump, "--format=custom", f"--file={path}", _libpq(url)], check=True)


def _restore(deployment: Deployment, dump: Path) -> str:
    name = f"{deployment.databases[0]}_restored"
    url = create_database(deployment.server, name)
    deployment.databases.append(name)
    pg_restore = client_tool("pg_restore", url)
    subprocess.run([pg_restore, "--no-owner", f"--dbname={_libpq(url)}", str(dump)], check=True)
    return url


def _sealed_values(url: str, deployment: Deployment) -> list[bytes]:
    runtime = deployment.runtime_on(url)
    try:
        with runtime.db.transaction() as session:
            values = list(session.scalars(select(VictimIdentity.sealed)))
            values += [v for v in session.scalars(select(ReportVictim.sealed)) if v is not None]
            values += [v for v in session.scalars(select(Report.details_sealed)) if v is not None]
            return values
    finally:
        runtime.db.dispose()


def _anything_opens(deployment: Deployment, values: list[bytes]) -> bool:
    """Whether any key of the store, or the master key itself, opens any of the values, under
    any binding (the attacker is not bound by our associated data: try the right ones)."""
    keyring = deployment.runtime.keyring
    store = keyring.subjects()
    keys = [key for segment in store.segments() for key in store.read_segment(segment).values()]
    for value in values:
        for key in keys:
            for binding in _bindings(deployment):
                try:
                    open_with_key(key, value, binding)
                    return True
                except DecryptionError:
                    pass
    return False


def _bindings(deployment: Deployment) -> list[str]:
    with deployment.runtime.db.transaction() as session:
        report = session.scalars(select(Report)).one()
        victim = session.scalars(select(Victim)).one()
        groups = ("name", "birth", "school", "contact", "guardian", "online")
        return [
            f"report:{report.public_id}:victim:0",
            f"report:{report.public_id}:details",
            *(f"victim:{victim.public_id}:{group}" for group in groups),
        ]


def _read_restored(deployment: Deployment, url: str, report_id: str) -> dict[str, Any]:
    """What the restored database yields with the current key store and the master key."""
    runtime = deployment.runtime_on(url)
    try:
        with runtime.db.transaction() as session:
            report = session.scalars(select(Report).where(Report.public_id == report_id)).one()
            victim = session.scalars(select(Victim)).one()
            try:
                identity = victims.data_key(runtime.keyring, victim) is not None
            except victims.VictimConflict:
                identity = False
            return {
                "status": victim.status,
                "report_victim": open_victim(runtime.keyring, report_id, report.victims[0]),
                "details": open_details(runtime.keyring, report),
                "identity_key": identity,
            }
    finally:
        runtime.db.dispose()


@pytest.mark.slow
def test_a_backup_taken_before_erasure_cannot_be_read_after_it(
    deployment: Deployment, tmp_path: Path
) -> None:
    report_id, victim_id = _child_named(deployment)
    runtime = deployment.runtime
    # The database holds no key at all, only ciphertext and segment names.
    with runtime.db.transaction() as session:
        assert session.scalar(text("SELECT count(*) FROM victim WHERE key_sealed IS NOT NULL")) == 0
        assert (
            session.scalar(text("SELECT count(*) FROM report_victim WHERE key_sealed IS NOT NULL"))
            == 0
        )

    dump = tmp_path / "before.dump"
    _dump(deployment.url, dump)
    store_backup = tmp_path / "keys-before"
    assert runtime.keyring.subjects().backup(store_backup)["keys"] >= 3  # record, victim, details
    assert CHILD_NAME.encode() not in dump.read_bytes()  # ciphertext only, as before

    with runtime.db.transaction() as session:
        victim = victims.victim_by_public_id(session, victim_id)
        victims.erase_victim(session, runtime.keyring, victim, basis="request", actor=SUPERVISOR)

    restored = _restore(deployment, dump)
    # The restore holds the rows as they were before the erasure ...
    seen = _read_restored(deployment, restored, report_id)
    assert seen["status"] == "active"
    # ... and nothing in it opens: not through the services, not by trying every key.
    assert seen == {"status": "active", "report_victim": None, "details": None,
                    "identity_key": False}  # fmt: skip
    values = _sealed_values(restored, deployment)
    assert len(values) >= 3  # identity groups, the report's victim block, the recipients
    assert not _anything_opens(deployment, values)

    # Positive control: the key store restored from its backup too, the old identity opens.
    live = deployment.runtime.settings.subject_keys_path
    shutil.rmtree(live)
    shutil.copytree(store_backup, live)
    seen = _read_restored(deployment, restored, report_id)
    assert seen["report_victim"] is not None and seen["report_victim"]["name"] == CHILD_NAME
    assert seen["details"]["intended_recipients"][0]["first_name"] == RECIPIENT
    assert seen["identity_key"] is True

    # The ledger, replayed over the restored database and the restored store, erases again.
    done = CliRunner().invoke(
        perisai_cli, ["victims", "keys", "reconcile", "--json"], env=deployment.env(restored)
    )
    assert done.exit_code == 0, done.output
    counts = json.loads(done.stdout)  # stdout: the JSON; logs go to stderr
    assert (counts["records_erased"], counts["keys_destroyed"]) == (1, 3)
    seen = _read_restored(deployment, restored, report_id)
    assert seen == {"status": "erased", "report_victim": None, "details": None,
                    "identity_key": False}  # fmt: skip
    assert not _anything_opens(deployment, _sealed_values(deployment.url, deployment))
    with pytest.raises(KeyGone):
        runtime.keyring.subjects().get(
            _segment_of(deployment, victim_id), victims.key_subject(victim_id)
        )

    # The audit chain keeps the fact of erasure and verifies, live and restored.
    for url in (deployment.url, restored):
        verified = CliRunner().invoke(audit_cli, ["verify"], env=deployment.env(url))
        assert verified.exit_code == 0, verified.output
    with runtime.db.transaction() as session:
        assert verify_chain(session).ok


def _segment_of(deployment: Deployment, victim_id: str) -> str:
    with deployment.runtime.db.transaction() as session:
        segment = victims.victim_by_public_id(session, victim_id).key_segment
        assert segment is not None
        return segment


def test_an_erasure_whose_transaction_fails_is_completed_by_the_replay(
    deployment: Deployment,
) -> None:
    report_id, victim_id = _child_named(deployment)
    runtime = deployment.runtime

    class Crash(Exception):
        pass

    def erase_then_crash() -> None:
        with runtime.db.transaction() as session:
            victim = victims.victim_by_public_id(session, victim_id)
            victims.erase_victim(
                session, runtime.keyring, victim, basis="request", actor=SUPERVISOR
            )
            raise Crash  # e.g. the connection drops before the commit

    with pytest.raises(Crash):
        erase_then_crash()
    # The ledger line was the commit point: the keys are gone, though the row says active.
    seen = _read_restored(deployment, deployment.url, report_id)
    assert seen == {"status": "active", "report_victim": None, "details": None,
                    "identity_key": False}  # fmt: skip
    with runtime.db.transaction() as session:
        counts = victims.reconcile(session, runtime.keyring, actor=SYSTEM)
    assert counts["records_erased"] == 1 and counts["ledger_bad_lines"] == 0
    seen = _read_restored(deployment, deployment.url, report_id)
    assert seen["status"] == "erased"
    with runtime.db.transaction() as session:
        row = session.scalars(
            select(ReportVictim).join(Report).where(Report.public_id == report_id)
        ).one()
        assert row.sealed is None and row.shredded_at is not None
        assert verify_chain(session).ok
    # Idempotent: a second replay changes nothing.
    with runtime.db.transaction() as session:
        again = victims.reconcile(session, runtime.keyring, actor=SYSTEM)
    assert again["records_erased"] == 0 and again["keys_destroyed"] == 0


def test_keys_still_in_database_rows_move_to_the_store(deployment: Deployment) -> None:
    """Records from before the key store held their wrapped key in the row, and reports' extras
    were sealed by the master key alone; reconcile moves both under keys in the store, so
    backups taken from then on hold no key."""
    from perisai.crypto import wrap_key

    report_id, victim_id = _child_named(deployment)
    runtime = deployment.runtime
    with runtime.db.transaction() as session:
        victim = victims.victim_by_public_id(session, victim_id)
        key = victims.data_key(runtime.keyring, victim)
        # As an older record: the key wrapped into the row, none in the store.
        victim.key_sealed = wrap_key(runtime.keyring, key, victims.key_binding(victim_id))
        assert victim.key_segment is not None
        runtime.keyring.subjects().destroy(victim.key_segment, [victims.key_subject(victim_id)])
        victim.key_segment = None
        # As an older report: intended recipients sealed by the master key alone.
        report = session.scalars(select(Report).where(Report.public_id == report_id)).one()
        parts = open_details(runtime.keyring, report)
        report.details_sealed = runtime.keyring.seal_text(
            json.dumps(parts), f"report:{report_id}:details"
        )
        report.key_segment = None
    with runtime.db.transaction() as session:
        counts = victims.reconcile(session, runtime.keyring, actor=SYSTEM)
    assert counts["keys_moved_to_store"] == 2
    with runtime.db.transaction() as session:
        victim = victims.victim_by_public_id(session, victim_id)
        assert victim.key_sealed is None and victim.key_segment is not None
        assert victims.data_key(runtime.keyring, victim) == key
        assert session.scalar(text("SELECT count(*) FROM victim WHERE key_sealed IS NOT NULL")) == 0
        report = session.scalars(select(Report).where(Report.public_id == report_id)).one()
        assert report.key_segment is not None
        assert open_details(runtime.keyring, report) == parts
        with pytest.raises(DecryptionError):  # no longer under the master key alone
            runtime.keyring.open_text(report.details_sealed or b"", f"report:{report_id}:details")
