"""`perisai provenance read`: the contract other tools script against."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.media.provenance_factory import AI, SigningChain, jpeg_bytes, sign
from typer.testing import CliRunner

from perisai.cli import app as root

runner = CliRunner()


def _rows(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_json_lines_and_exit_codes(c2pa_data: Path, tmp_path: Path) -> None:
    ai = c2pa_data / "gen_AI_created_trainedAlgorithmicMedia.jpg"
    none = c2pa_data / "c2pa-rs__no_manifest.jpg"
    result = runner.invoke(root, ["provenance", "read", "--json", str(ai), str(none)])
    assert result.exit_code == 0, result.output
    rows = _rows(result.stdout)
    assert [Path(r["path"]).name for r in rows] == [ai.name, none.name]
    assert set(rows[0]) == {"path", "ai", "c2pa", "hints", "error"}
    assert rows[0]["ai"] == "yes" and rows[0]["error"] is None
    assert rows[0]["c2pa"] == {
        "state": "valid",
        "signer": "C2PA Signer (C2PA Test Signing Cert)",
        "digital_source_types": [
            "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
        ],
        "errors": ["signingCredential.untrusted"],
    }
    assert (rows[1]["ai"], rows[1]["c2pa"]["state"]) == ("unknown", "absent")
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not a picture at all")
    result = runner.invoke(root, ["provenance", "read", "--json", str(junk), str(ai)])
    assert result.exit_code == 2
    rows = _rows(result.stdout)
    assert rows[0]["error"] and rows[1]["ai"] == "yes"  # the others are still read


def test_trust_option(tmp_path: Path, test_chain: SigningChain) -> None:
    signed = tmp_path / "ai.jpg"
    signed.write_bytes(sign(test_chain, jpeg_bytes(1), source_type=AI))
    anchors = tmp_path / "roots.pem"
    anchors.write_bytes(test_chain.root_pem)
    result = runner.invoke(
        root, ["provenance", "read", "--trust", str(anchors), "--json", str(signed)]
    )
    assert result.exit_code == 0
    assert _rows(result.stdout)[0]["c2pa"]["state"] == "trusted"
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    result = runner.invoke(root, ["provenance", "read", "--trust", str(bad), str(signed)])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no PEM certificate" in result.stderr


def test_table_output(c2pa_data: Path) -> None:
    result = runner.invoke(
        root, ["provenance", "read", str(c2pa_data / "c2pa-python__C.jpg")], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0
    assert "algorithmicMedia" in result.stdout and "valid" in result.stdout
