"""Proof (issue #18): no victim identity reaches disk in plaintext, and after erasure no API,
page, export or database query recovers it while `perisai audit verify` still passes.

A PostgreSQL server of the test's own (embedded, its data directory under the test's data
directory) receives a report naming a child with a distinctive made-up name; enrichment, triage
and sharing run in a real worker; staff make the victim record, record consent and read the
identity. Then, after a CHECKPOINT and a WAL switch, every file under the data directory
(PostgreSQL's data files and WAL, its log, the evidence store, keys) is searched for the name in
UTF-8 and UTF-16 (both byte orders). A positive control (a made-up string stored in the clear
on purpose) shows the search finds what is there. PostgreSQL compresses values over ~2 kB, which
a byte search could miss, so every row of every table is also searched through SQL.
"""

from __future__ import annotations

import io
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError
from tests.reports.factories import declaration
from typer.testing import CliRunner

from perisai.app import create_app
from perisai.audit.cli import app as audit_cli
from perisai.audit.service import SYSTEM, verify_chain
from perisai.cases import service as cases
from perisai.config import Settings
from perisai.db.embedded import start_embedded, stop_embedded
from perisai.db.engine import Database
from perisai.db.migrate import upgrade
from perisai.identity.deps import SESSION_COOKIE
from perisai.identity.permissions import Scope
from perisai.identity.service import create_api_key, create_user, start_session
from perisai.jobs.worker import run_worker
from perisai.reports.imports import stored_report_in
from perisai.reports.models import Report
from perisai.runtime import Runtime
from perisai.triage.models import TriageRecord

NAME = "Qistina Wirawangsa Zulhazmi"  # made up, distinctive; never a real child
CONTROL = "Kawalan Positif Xylofonika"  # stored in the clear on purpose: the search must find it
SCHOOL = "SK Bukit Sintetik Jaya"
ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")


def occurrences(root: Path, needle: str) -> list[str]:
    """Files under ``root`` holding ``needle`` in UTF-8 or UTF-16 (either byte order)."""
    patterns = [needle.encode(encoding) for encoding in ENCODINGS]
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        try:
            data = path.read_bytes()
        except OSError:  # a socket or a file that vanished (temporary, WAL recycled)
            continue
        if any(pattern in data for pattern in patterns):
            found.append(str(path.relative_to(root)))
    return found


def rows_holding(url: str, needle: str) -> dict[str, int]:
    """Per table, rows whose text form (decompressed, de-TOASTed) holds ``needle``."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = connection.scalars(
                text(
                    "SELECT tablename FROM pg_tables"
                    " WHERE schemaname IN ('public', 'procrastinate')"
                )
            ).all()
            counts = {}
            for table in tables:
                count = connection.execute(
                    text(f'SELECT count(*) FROM "{table}" AS t WHERE t::text ILIKE :needle'),
                    {"needle": f"%{needle}%"},
                ).scalar_one()
                if count:
                    counts[table] = count
            return counts
    finally:
        engine.dispose()


@pytest.fixture
def own_server() -> Iterator[tuple[Path, str]]:
    # Not under pytest's tmp_path: run as root, the server runs as another user that must
    # traverse the path, and every new pytest session on the machine makes pytest's root
    # private again (0700), which stopped a server starting there.
    with tempfile.TemporaryDirectory(prefix="perisai-disk-proof-") as tmp:
        data_dir = Path(tmp) / "var"
        pgdata = data_dir / "pg"
        url = start_embedded(pgdata)
        try:
            upgrade(url)
            yield data_dir, url
        finally:
            _stop(pgdata)


def _stop(pgdata: Path) -> None:
    """Stop the test's server; on a loaded machine pg_ctl may give up waiting once."""
    for _ in range(3):
        try:
            stop_embedded(pgdata)
        except Exception:
            time.sleep(2)
        if not (pgdata / "postmaster.pid").exists():
            return


def _flush_to_files(url: str) -> None:
    """CHECKPOINT, a WAL switch and a CHECKPOINT, so that every page is in the files searched.

    Once, on a machine loaded by several sessions, the server closed the connection during the
    CHECKPOINT (cause not found; after a backend's crash the postmaster recovers and accepts
    connections again): then it is asked again, which changes nothing that the proof checks.
    """
    for attempt in range(3):
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                connection.execute(text("CHECKPOINT"))
                connection.execute(text("SELECT pg_switch_wal()"))
                connection.execute(text("CHECKPOINT"))
            return
        except OperationalError:
            if attempt == 2:
                raise
            time.sleep(10)
        finally:
            engine.dispose()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def _work_until_triaged(runtime: Runtime, public_id: str) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        run_worker(runtime, concurrency=1, wait=False, install_signal_handlers=False)
        with runtime.db.transaction() as session:
            report = session.scalars(select(Report).where(Report.public_id == public_id)).one()
            if session.get(TriageRecord, report.id) is not None:
                return
        time.sleep(0.2)
    raise AssertionError("the report was not triaged")


def _user(runtime: Runtime, agency: str, role: str) -> tuple[int, str]:
    """A user and a session token (TOTP done) of one agency and role."""
    with runtime.db.transaction() as session:
        user, _ = create_user(
            session, keyring=runtime.keyring, actor=SYSTEM, agency_short=agency, role=role,
            email=f"{role}@{agency.lower()}.proof.test", password="a-long-test-password",
        )  # fmt: skip
        session.flush()
        token = start_session(session, settings=runtime.settings, user=user, totp_verified=True)
        return user.id, token


@pytest.mark.slow
def test_no_identity_on_disk_and_nothing_left_after_erasure(
    own_server: tuple[Path, str],
) -> None:
    data_dir, url = own_server
    settings = Settings(data_dir=data_dir, demo=False)
    runtime = Runtime(settings=settings, db=Database(url, pool_size=4))
    app = create_app(settings, runtime=runtime)
    with TestClient(app, base_url="https://testserver") as client:
        with runtime.db.transaction() as session:
            _, secret = create_api_key(
                session, actor=SYSTEM, name="ExampleChat", scopes=[Scope.REPORTS_SUBMIT]
            )
        picture = _png()
        body = {
            "incident": {"type": "online_enticement", "escalation_reason": "meeting planned"},
            "reported_accounts": [{"platform": "ExampleChat", "emails": ["s@example.test"]}],
            "victims": [{"name": NAME, "age": 13, "school_name": SCHOOL,
                         "phones": ["+60123450001"], "screen_names": ["qwz_synthetic"]}],
            "conversations": [{"messages": [{"author": "suspect", "text": "how old are you?"}]}],
            "files": [declaration("picture.png", picture)],
        }  # fmt: skip
        headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "proof-1"}
        submitted = client.post("/api/v1/reports", json=body, headers=headers)
        assert submitted.status_code == 201, submitted.text
        public_id = submitted.json()["report_id"]
        uploaded = client.put(
            f"/api/v1/reports/{public_id}/files/picture.png",
            content=picture,
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "image/png"},
        )
        assert uploaded.status_code in (200, 201), uploaded.text
        _work_until_triaged(runtime, public_id)

        # Staff: a case, JKM with victim access, the victim record, consent for the NGO.
        users = {
            name: _user(runtime, agency, role)
            for name, agency, role in (
                ("analyst", "SECRETARIAT", "analyst"),
                ("jkm", "JKM", "caseworker"),
                ("supervisor", "SECRETARIAT", "supervisor"),
            )
        }
        client.cookies.set(SESSION_COOKIE, users["analyst"][1])
        made = client.post("/api/v1/cases", json={"title": CONTROL, "report_ids": [public_id]})
        assert made.status_code == 201, made.text
        case_id = made.json()["public_id"]
        record = client.post("/api/v1/victims", json={"report_id": public_id})
        assert record.status_code == 201, record.text
        victim_id = record.json()["public_id"]
        with runtime.db.transaction() as session:
            case = cases.case_by_public_id(session, case_id)
            cases.assign(session, case_id=case.id, agency="JKM", user_id=users["jkm"][0],
                         actor=SYSTEM, lead=True)  # fmt: skip
        client.cookies.set(SESSION_COOKIE, users["jkm"][1])
        seen = client.get(f"/api/v1/victims/{victim_id}", params={"purpose": "support_contact"})
        assert seen.json()["identity"]["name"]["name"] == NAME  # the record really holds it
        consent = client.post(
            f"/api/v1/victims/{victim_id}/consents",
            json={"field_group": "school", "agency": "NGO", "given_by": "both",
                  "method": "in_person"},
        )  # fmt: skip
        assert consent.status_code == 201, consent.text
        page = client.get(f"/workspace/cases/{case_id}", params={"purpose": "support_contact"})
        assert NAME in page.text  # the grant holder's case page shows it (and writes nothing)
        run_worker(runtime, concurrency=1, wait=False, install_signal_handlers=False)

        _flush_to_files(url)
        runtime.db.dispose()

        assert occurrences(data_dir, CONTROL), "the search did not find the positive control"
        assert rows_holding(url, CONTROL), "the SQL search did not find the positive control"
        for needle in (NAME, SCHOOL):
            assert occurrences(data_dir, needle) == []
            assert rows_holding(url, needle) == {}

        # Erasure by a secretariat supervisor; then no outlet and no query recovers it.
        client.cookies.set(SESSION_COOKIE, users["supervisor"][1])
        erased = client.post(
            f"/api/v1/victims/{victim_id}/erase",
            json={"basis": "request", "confirm": victim_id},
        )
        assert erased.status_code == 200, erased.text
        client.cookies.set(SESSION_COOKIE, users["jkm"][1])
        outlets = {
            "api": client.get(f"/api/v1/victims/{victim_id}", params={"purpose": "court"}),
            "export": client.get(
                f"/api/v1/victims/{victim_id}/export", params={"purpose": "court"}
            ),
            "page": client.get(f"/workspace/victims/{victim_id}", params={"purpose": "court"}),
            "case page": client.get(f"/workspace/cases/{case_id}", params={"purpose": "court"}),
            "case api": client.get(f"/api/v1/cases/{case_id}"),
        }
        for outlet, answer in outlets.items():
            assert answer.status_code == 200, (outlet, answer.text)
            assert NAME not in answer.text and SCHOOL not in answer.text, outlet
        with runtime.db.transaction() as session:
            report = session.scalars(select(Report).where(Report.public_id == public_id)).one()
            exported = stored_report_in(report, runtime.keyring).model_dump_json()
            assert NAME not in exported
            assert verify_chain(session).ok
    assert rows_holding(url, NAME) == {}
    environment = {"PERISAI_DATA_DIR": str(data_dir), "PERISAI_DATABASE_URL": url}
    verified = CliRunner().invoke(audit_cli, ["verify"], env=environment)
    assert verified.exit_code == 0, verified.output
