"""Report fixtures: the issue's example body, a file declaration, and keyed clients."""

from __future__ import annotations

import atexit
import copy
import hashlib
import itertools
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy.orm import Session
from tests.identity.factories import make_api_key

from perisai.audit.service import SYSTEM
from perisai.crypto import Keyring
from perisai.identity.permissions import Scope
from perisai.keystore import attach
from perisai.reports import service
from perisai.reports.schemas import ReportIn
from perisai.testing.examples import ISSUE_EXAMPLE_JSON

REPORTS = "/api/v1/reports"
# Per-subject keys (victims, sealed extras) go to a subject key store outside the database.
_KEY_DIR = Path(tempfile.mkdtemp(prefix="perisai-test-keys-"))
atexit.register(shutil.rmtree, _KEY_DIR, True)
KEYRING = attach(
    Keyring(master=bytes(range(32))), _KEY_DIR / "subject-keys", _KEY_DIR / "erasure-ledger"
)
_keys = itertools.count(1)

# A benign 1x1 PNG: real magic bytes, so sniffing has something to find.
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def example_body() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(ISSUE_EXAMPLE_JSON)
    return copy.deepcopy(loaded)


def declaration(name: str, data: bytes, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "size": len(data),
        "md5": hashlib.md5(data).hexdigest(),  # noqa: S324 - reporting hash
        "sha1": hashlib.sha1(data).hexdigest(),  # noqa: S324 - reporting hash
        "sha256": hashlib.sha256(data).hexdigest(),
        **extra,
    }


def bearer(db: Session, scopes: list[Scope] | None = None) -> dict[str, str]:
    _, secret = make_api_key(db, scopes=scopes if scopes is not None else [Scope.REPORTS_SUBMIT])
    return {"Authorization": f"Bearer {secret}"}


def fresh_key() -> str:
    return f"test-key-{next(_keys)}"


def submit(
    client: TestClient,
    headers: dict[str, str],
    body: dict[str, Any] | None = None,
    key: str | None = None,
) -> Response:
    return client.post(
        REPORTS,
        json=example_body() if body is None else body,
        headers={**headers, "Idempotency-Key": key or fresh_key()},
    )


def submitted_id(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> str:
    response = submit(client, headers, body)
    assert response.status_code == 201, response.text
    report_id: str = response.json()["report_id"]
    return report_id


def prepared_report(
    key: str, body: dict[str, Any] | None = None, *, api_key_id: int | None = None
) -> service.PreparedReport:
    """A report ready for `service.store` or the intake writer (the issue's example by default)."""
    raw = example_body() if body is None else body
    return service.prepare(
        keyring=KEYRING,
        actor=SYSTEM,
        data=ReportIn.model_validate(raw),
        body_sha256=service.canonical_sha256(raw),
        client_id="test-client",
        idempotency_key=key,
        api_key_id=api_key_id,
    )
