from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from perisai.forensics.outputs.manifest import ManifestInvalidError, write_public_key
from perisai.forensics.outputs.write import write_outputs
from perisai.forensics.scanner import ScanOptions, run_scan
from perisai.forensics.verify import verify_manifest

OptionsFactory = Callable[..., ScanOptions]


@pytest.fixture
def scanned(evidence_dir: Path, make_options: OptionsFactory) -> Path:
    options = make_options(evidence_dir, examiner="Insp. Aminah")
    return write_outputs(run_scan(options), options)


def test_manifest_records_custody_facts_and_verifies(scanned: Path, evidence_dir: Path) -> None:
    document = json.loads(scanned.read_text(encoding="utf-8"))
    manifest = document["manifest"]
    assert manifest["examiner"] == "Insp. Aminah"
    assert manifest["tool"]["name"] == "perisai forensics scan"
    assert manifest["started_at"].endswith("+00:00")
    assert len(manifest["items"]) == 9
    assert all(len(item["sha256"]) == 64 for item in manifest["items"])
    assert len(manifest["source"]["items_sha256"]) == 64
    summary = verify_manifest(scanned, check_files=True)
    assert summary["ok"] is True
    assert summary["items"] == 9


@pytest.mark.parametrize("offset", [100, 2000, -60])
def test_changing_one_byte_breaks_the_signature(scanned: Path, offset: int) -> None:
    data = bytearray(scanned.read_bytes())
    at = offset % len(data)
    while chr(data[at]) not in "0123456789abcdef":  # stay valid JSON: change a hex digit
        at += 1
    data[at] = ord("1") if data[at] != ord("1") else ord("2")
    scanned.write_bytes(bytes(data))
    with pytest.raises(ManifestInvalidError):
        verify_manifest(scanned)


def test_a_pinned_key_must_be_the_signer(scanned: Path, tmp_path: Path) -> None:
    stranger = tmp_path / "stranger.pub"
    write_public_key(stranger, Ed25519PrivateKey.generate())
    with pytest.raises(ManifestInvalidError, match="different key"):
        verify_manifest(scanned, public_key=stranger)
    assert verify_manifest(scanned, public_key=scanned.parent / "manifest.pub")["key_pinned"]


def test_check_files_catches_edited_outputs_and_evidence(scanned: Path, evidence_dir: Path) -> None:
    csv_path = scanned.parent / "items.csv"
    csv_path.write_text(csv_path.read_text(encoding="utf-8") + "x", encoding="utf-8")
    with pytest.raises(ManifestInvalidError, match=r"items\.csv"):
        verify_manifest(scanned, check_files=True)
    assert verify_manifest(scanned)["ok"]  # the signature alone still holds


def test_check_files_rehashes_the_source_folder(scanned: Path, evidence_dir: Path) -> None:
    (evidence_dir / "docs" / "notes.txt").write_text("altered", encoding="utf-8")
    with pytest.raises(ManifestInvalidError, match=r"notes\.txt: SHA-256 differs"):
        verify_manifest(scanned, check_files=True)


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\xff garbage", b"[]", b'{"manifest": {}}', b'{"manifest": {}, "signature": 5}'],
)
def test_garbage_manifests_fail_with_a_reason(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "manifest.json"
    path.write_bytes(content)
    with pytest.raises(ManifestInvalidError):
        verify_manifest(path)


def test_an_existing_signing_key_is_reused(
    evidence_dir: Path, tmp_path: Path, make_options: OptionsFactory
) -> None:
    key = tmp_path / "keys" / "examiner.pem"
    first = make_options(evidence_dir, "a", signing_key=key)
    second = make_options(evidence_dir, "b", signing_key=key)
    fingerprints = {
        json.loads(write_outputs(run_scan(o), o).read_text())["signature"]["key_fingerprint"]
        for o in (first, second)
    }
    assert len(fingerprints) == 1
    assert key.stat().st_mode & 0o777 == 0o600
    assert not (tmp_path / "a" / "signing-key.pem").exists()
