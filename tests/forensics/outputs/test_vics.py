from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.forensics.conftest import md5_of, write_bank

from perisai.forensics.outputs.write import write_outputs
from perisai.forensics.scanner import ScanOptions, run_scan
from perisai.media.banks import read_bank

OptionsFactory = Callable[..., ScanOptions]


def test_vics_export_stacks_copies_of_matched_media(
    evidence_dir: Path, tmp_path: Path, make_options: OptionsFactory
) -> None:
    photo = evidence_dir / "DCIM" / "img0.jpg"  # also present as docs/copy-of-img0.jpg
    bank = write_bank(tmp_path / "bank.csv", [("md5", md5_of(photo), "s1", "2")])
    options = make_options(evidence_dir, banks=(bank,))
    write_outputs(run_scan(options), options)
    document = json.loads((options.out_dir / "findings.vics.json").read_text(encoding="utf-8"))
    assert document["@odata.context"] == (
        "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Cases"
    )
    [media] = document["value"][0]["Media"]
    assert media["MD5"] == md5_of(photo).upper()
    assert media["Category"] == 2
    assert media["MimeType"] == "image/jpeg"
    assert sorted(f["FilePath"] for f in media["MediaFiles"]) == [
        "DCIM/img0.jpg",
        "docs/copy-of-img0.jpg",
    ]
    # The findings read back as a bank through the one VICS reader (a case can be re-banked).
    entries = read_bank(options.out_dir / "findings.vics.json")
    assert {(e.signal_type, e.signal) for e in entries} == {
        ("md5", md5_of(photo)),
        ("sha1", media["SHA1"].lower()),
    }
    assert entries[0].category == "2" and entries[0].metadata["vics_version"] == "2.0"
