"""The `perisai age verify` contract: one JSON object, exit 0 valid / 1 invalid / 2 unreadable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from tests.datasets import AGE as DATA
from typer.testing import CliRunner

from perisai.age.cli import app

runner = CliRunner()
KEYS = {"valid", "error", "format", "age_over", "device_auth"}
NEG = DATA / "negative" / "sdjwt"
ANNEX_D = DATA / "mdoc" / "iso18013-5-annexD"
SD_ARGS = [
    "--issuer-key", str(NEG / "issuer_public_jwk.json"),
    "--now", "1748537300",
    "--nonce", "1234567890",
    "--aud", "https://verifier.example.org",
    "--json",
]  # fmt: skip


def _run(*args: str) -> tuple[int, dict[str, Any] | None, str]:
    result = runner.invoke(app, ["verify", *args])
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) <= 1
    return result.exit_code, json.loads(lines[0]) if lines else None, result.stderr


def test_valid_sd_jwt() -> None:
    code, out, _ = _run(str(NEG / "neg00_CONTROL_valid_base.txt"), *SD_ARGS)
    assert code == 0 and out is not None and set(out) == KEYS
    assert out == {
        "valid": True,
        "error": None,
        "format": "sd-jwt",
        "age_over": {"18": True},
        "device_auth": "ok",
    }


def test_invalid_sd_jwt_says_why() -> None:
    code, out, _ = _run(str(NEG / "neg01_extra_unreferenced_disclosure.txt"), *SD_ARGS)
    assert code == 1 and out is not None
    assert out["valid"] is False and out["error"].startswith("disclosure_unreferenced")
    assert out["age_over"] == {}


def test_iso_times_and_format_flag() -> None:
    args = [a if a != "1748537300" else "2025-05-29T16:48:20Z" for a in SD_ARGS]
    code, out, _ = _run(str(NEG / "neg00_CONTROL_valid_base.txt"), "--format", "sd-jwt", *args)
    assert code == 0 and out is not None and out["valid"]


def test_no_key_binding_flag() -> None:
    path = str(NEG / "neg13_kb_missing_when_required.txt")
    assert _run(path, *SD_ARGS)[0] == 1
    code, out, _ = _run(path, "--no-key-binding", *SD_ARGS)
    assert code == 0 and out is not None and out["device_auth"] == "not checked"


def _reader_pem(tmp_path: Path) -> Path:
    d = int((ANNEX_D / "ephemeral_reader_key_d.hex").read_text().strip(), 16)
    key = ec.derive_private_key(d, ec.SECP256R1())
    path = tmp_path / "reader.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def test_mdoc_hex_with_transcript_and_reader_key(tmp_path: Path) -> None:
    args = [
        str(ANNEX_D / "device_response.hex"),
        "--issuer-key", str(ANNEX_D / "ds_cert.pem"),
        "--now", "2021-01-01T00:00:00Z",
        "--session-transcript", str(ANNEX_D / "session_transcript_bytes.hex"),
        "--reader-key", str(_reader_pem(tmp_path)),
        "--json",
    ]  # fmt: skip
    code, out, _ = _run(*args)
    assert code == 0 and out == {
        "valid": True, "error": None, "format": "mdoc", "age_over": {}, "device_auth": "ok"
    }  # fmt: skip
    raw = tmp_path / "response.cbor"
    raw.write_bytes(bytes.fromhex((ANNEX_D / "device_response.hex").read_text().strip()))
    code, out, _ = _run(str(raw), *args[1:])
    assert code == 0 and out is not None and out["valid"]
    code, out, _ = _run(
        str(DATA / "negative" / "mdoc" / "negM03_annexD_doctype_mismatch.hex"), *args[1:]
    )
    assert code == 1 and out is not None and out["error"].startswith("doctype_mismatch")


def test_bare_issuer_signed_flag(tmp_path: Path) -> None:
    from perisai.age import cose

    response = cose.loads(bytes.fromhex((ANNEX_D / "device_response.hex").read_text().strip()), "r")
    path = tmp_path / "issuer_signed.cbor"
    path.write_bytes(cose.dumps(response["documents"][0]["issuerSigned"]))
    base = [
        str(path),
        "--issuer-key",
        str(ANNEX_D / "ds_cert.pem"),
        "--now",
        "2021-01-01",
        "--json",
    ]
    code, out, _ = _run(*base)
    assert code == 2  # "2021-01-01" has no zone
    base[-2] = "2021-01-01T00:00:00+08:00"
    code, out, _ = _run(*base)
    assert code == 1 and out is not None and out["error"].startswith("issuer_signed_only")
    code, out, _ = _run(*base, "--allow-issuer-signed")
    assert code == 0 and out is not None and out["device_auth"] == "not checked"


def test_unreadable_input_and_bad_arguments(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01 not a presentation")
    key = str(NEG / "issuer_public_jwk.json")
    for args in [
        [str(junk), "--issuer-key", key],
        [str(tmp_path / "missing.txt"), "--issuer-key", key],
        [str(NEG / "neg00_CONTROL_valid_base.txt"), "--issuer-key", str(junk)],
        [str(NEG / "neg00_CONTROL_valid_base.txt"), "--issuer-key", key, "--now", "yesterday"],
        # Valid ISO 8601 that leaves the calendar once turned to UTC (issue #11 item 4).
        [
            str(NEG / "neg00_CONTROL_valid_base.txt"),
            "--issuer-key",
            key,
            "--now",
            "0001-01-01T00:00:00+08:00",
        ],
        [str(NEG / "neg00_CONTROL_valid_base.txt"), "--issuer-key", key, "--format", "pdf"],
        [str(NEG / "neg00_CONTROL_valid_base.txt"), "--issuer-key", key],  # KB without nonce/aud
        [
            str(ANNEX_D / "device_response.hex"),
            "--issuer-key",
            str(ANNEX_D / "ds_cert.pem"),
            "--now",
            "2021-01-01T00:00:00Z",
        ],  # no session transcript
    ]:
        code, out, err = _run(*args, "--json")
        assert code == 2, args
        assert out is None and err.startswith("perisai: error:") and err.count("\n") == 1
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (1_048_576 + 1))
    assert _run(str(big), "--issuer-key", key)[0] == 2


def test_issue_present_verify_round_trip(tmp_path: Path) -> None:
    out_dir = tmp_path / "creds"
    result = runner.invoke(
        app,
        ["issue", "--out", str(out_dir), "--birth-date", "2010-01-15", "--count", "3",
         "--now", "2026-06-01T00:00:00Z", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3 and len({r["valid_until"] for r in rows}) == 1
    presentation = tmp_path / "p.txt"
    result = runner.invoke(
        app,
        ["present", rows[0]["path"], "--holder-key", rows[0]["holder_key"], "--over", "16",
         "--out", str(presentation), "--nonce", "abc", "--aud", "https://rp.example",
         "--now", "2026-06-01T10:00:00Z"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    code, out, _ = _run(
        str(presentation), "--issuer-key", str(out_dir / "issuer" / "root.pem"),
        "--nonce", "abc", "--aud", "https://rp.example", "--now", "2026-06-01T10:01:00Z", "--json",
    )  # fmt: skip
    assert code == 0 and out is not None and out["age_over"] == {"16": True}


def test_issue_refuses_bad_input(tmp_path: Path) -> None:
    for extra in [
        ["--birth-date", "15/01/2010"],
        ["--birth-date", "2010-01-15", "--count", "0"],
        ["--birth-date", "2010-01-15", "--days", "400"],
        ["--birth-date", "2010-01-15", "--thresholds", "a,b"],
        ["--birth-date", "2010-01-15", "--format", "pdf"],
    ]:
        result = runner.invoke(app, ["issue", "--out", str(tmp_path / "x"), *extra])
        assert result.exit_code == 2, extra
