"""Evidence upload through the API: hashes checked, encrypted at rest, nothing kept on failure."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.reports.factories import (
    PNG_BYTES,
    REPORTS,
    bearer,
    declaration,
    example_body,
    submitted_id,
)

from perisai.audit.models import AuditEntry
from perisai.reports.evidence import read_blob
from perisai.reports.models import Report, ReportFile
from perisai.runtime import Runtime


def _with_files(*declarations: dict[str, object]) -> dict[str, object]:
    body = example_body()
    body["files"] = list(declarations)
    return body


def _stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_upload_stores_encrypted_and_records_hashes(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    headers = bearer(db)
    report_id = submitted_id(
        client, headers, _with_files(declaration("a.png", PNG_BYTES, content_type="image/png"))
    )
    response = client.put(
        f"{REPORTS}/{report_id}/files/a.png",
        content=PNG_BYTES,
        headers={**headers, "Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 200, response.text
    shown = response.json()
    assert shown["uploaded"] is True
    assert shown["content_type_sniffed"] == "image/png"
    assert shown["content_type_mismatch"] is False
    row = db.scalars(select(ReportFile).where(ReportFile.name == "a.png")).one()
    assert row.blob_path is not None
    blob = runtime.settings.evidence_dir / row.blob_path
    assert PNG_BYTES not in blob.read_bytes()
    assert b"".join(read_blob(blob, runtime.keyring)) == PNG_BYTES
    assert db.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "report.file.upload", AuditEntry.object_id == report_id
        )
    ).one()


def test_hash_mismatch_is_422_and_nothing_is_stored(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    headers = bearer(db)
    report_id = submitted_id(client, headers, _with_files(declaration("a.png", PNG_BYTES)))
    tampered = PNG_BYTES[:-1] + b"\x00"
    response = client.put(f"{REPORTS}/{report_id}/files/a.png", content=tampered, headers=headers)
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"files.a.png.md5", "files.a.png.sha1", "files.a.png.sha256"} <= fields
    assert _stored_files(runtime.settings.evidence_dir) == []
    row = db.scalars(select(ReportFile).where(ReportFile.name == "a.png")).one()
    db.refresh(row)
    assert row.uploaded_at is None
    assert row.blob_path is None


def test_content_type_mismatch_is_flagged(client: TestClient, db: Session) -> None:
    headers = bearer(db)
    body = _with_files(declaration("clip.mp4", PNG_BYTES, content_type="video/mp4"))
    report_id = submitted_id(client, headers, body)
    response = client.put(
        f"{REPORTS}/{report_id}/files/clip.mp4", content=PNG_BYTES, headers=headers
    )
    assert response.status_code == 200
    assert response.json()["content_type_mismatch"] is True
    assert response.json()["content_type_sniffed"] == "image/png"


def test_undeclared_file_is_404(client: TestClient, db: Session) -> None:
    headers = bearer(db)
    report_id = submitted_id(client, headers, example_body())
    response = client.put(f"{REPORTS}/{report_id}/files/x.bin", content=b"abc", headers=headers)
    assert response.status_code == 404


def test_second_upload_of_a_file_is_409(client: TestClient, db: Session) -> None:
    headers = bearer(db)
    report_id = submitted_id(client, headers, _with_files(declaration("a.png", PNG_BYTES)))
    url = f"{REPORTS}/{report_id}/files/a.png"
    assert client.put(url, content=PNG_BYTES, headers=headers).status_code == 200
    assert client.put(url, content=PNG_BYTES, headers=headers).status_code == 409


def test_upload_after_finish_is_409(client: TestClient, db: Session) -> None:
    headers = bearer(db)
    report_id = submitted_id(client, headers, _with_files(declaration("a.png", PNG_BYTES)))
    assert client.post(f"{REPORTS}/{report_id}/finish", headers=headers).status_code == 200
    response = client.put(f"{REPORTS}/{report_id}/files/a.png", content=PNG_BYTES, headers=headers)
    assert response.status_code == 409


def test_evidence_larger_than_the_limit_is_413(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    headers = bearer(db)
    big = b"\x00" * (runtime.settings.max_evidence_bytes + 1)
    report_id = submitted_id(client, headers, _with_files(declaration("big.bin", b"x")))
    response = client.put(f"{REPORTS}/{report_id}/files/big.bin", content=big, headers=headers)
    assert response.status_code == 413
    assert _stored_files(runtime.settings.evidence_dir) == []


def test_streamed_evidence_over_the_limit_is_413_and_nothing_kept(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    headers = bearer(db)
    report_id = submitted_id(client, headers, _with_files(declaration("big.bin", b"x")))
    piece = b"\x00" * 65536
    pieces = runtime.settings.max_evidence_bytes // len(piece) + 2
    response = client.put(
        f"{REPORTS}/{report_id}/files/big.bin",
        content=iter([piece] * pieces),  # no Content-Length: the stream itself is counted
        headers=headers,
    )
    assert response.status_code == 413
    assert _stored_files(runtime.settings.evidence_dir) == []
    row = db.scalars(select(ReportFile).where(ReportFile.name == "big.bin")).one()
    db.refresh(row)
    assert row.uploaded_at is None


def test_upload_limit_is_larger_than_the_json_limit(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    data = b"\x01" * (runtime.settings.max_body_bytes + 10)
    headers = bearer(db)
    report_id = submitted_id(client, headers, _with_files(declaration("f.bin", data)))
    response = client.put(f"{REPORTS}/{report_id}/files/f.bin", content=data, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["size"] == len(data)


def test_get_lists_uploaded_files(client: TestClient, db: Session) -> None:
    headers = bearer(db)
    report_id = submitted_id(client, headers, _with_files(declaration("a.png", PNG_BYTES)))
    client.put(f"{REPORTS}/{report_id}/files/a.png", content=PNG_BYTES, headers=headers)
    files = client.get(f"{REPORTS}/{report_id}", headers=headers).json()["files"]
    assert [(item["name"], item["uploaded"]) for item in files] == [("a.png", True)]
    report = db.scalars(select(Report).where(Report.public_id == report_id)).one()
    assert report.files[0].sha256 == files[0]["sha256"]


def test_an_overlong_content_type_header_is_cut_not_fatal(client: TestClient, db: Session) -> None:
    headers = bearer(db)
    report_id = submitted_id(client, headers, _with_files(declaration("a.png", PNG_BYTES)))
    long_type = "image/png; x=" + "y" * 400
    response = client.put(
        f"{REPORTS}/{report_id}/files/a.png",
        content=PNG_BYTES,
        headers={**headers, "Content-Type": long_type},
    )
    assert response.status_code == 200, response.text
    assert response.json()["content_type_declared"] == long_type[:255]
    assert response.json()["content_type_mismatch"] is False
