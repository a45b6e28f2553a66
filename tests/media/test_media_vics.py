"""VICS: 1.3 and 2.0, Cases and flat #Media layouts read; 2.0 written and read back."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from perisai.media import vics
from perisai.media.banks import read_bank, write_bank
from perisai.media.errors import BankFormatError

VICS_DATA = Path(__file__).resolve().parents[1] / "data" / "vics"


def _digests(text: str) -> tuple[str, str]:
    data = text.encode()
    return hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest()  # noqa: S324


ONE, TWO, THREE = (_digests(f"vics benign {n}") for n in ("one", "two", "three"))


def _parse(name: str) -> vics.VicsDocument:
    return vics.parse_vics(json.loads((VICS_DATA / name).read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("name", "version", "dialect", "layout", "hashes"),
    [
        ("vics-1.3-media.json", "1.3", "", "media", [ONE, (TWO[0], None), (None, THREE[1])]),
        ("vics-1.3-cases.json", "1.3", "", "cases", [ONE, THREE]),
        ("vics-2.0-cases-us.json", "2.0", "US", "cases", [ONE, TWO]),
        ("vics-2.0-media.json", "2.0", "Default", "media", [ONE, TWO, THREE]),
    ],
)
def test_every_version_and_layout_reads(
    name: str, version: str, dialect: str, layout: str, hashes: list[tuple[str | None, ...]]
) -> None:
    parsed = _parse(name)
    assert (parsed.version, parsed.dialect, parsed.layout) == (version, dialect, layout)
    assert [(m.md5, m.sha1) for m in parsed.media if m.md5 or m.sha1][: len(hashes)] == hashes


def test_string_flags_become_booleans_and_plumbing_is_dropped() -> None:
    first = _parse("vics-1.3-media.json").media[0]
    assert first.fields["VictimIdentified"] is True and first.fields["OffenderIdentified"] is False
    assert not any("odata" in key for key in first.fields)
    assert (first.media_id, first.category, first.fields["Series"]) == (
        "1",
        "1",
        "Synthetic series A",
    )


def test_cases_keep_their_own_fields_and_media_files() -> None:
    first = _parse("vics-2.0-cases-us.json").media[0]
    assert first.case["CaseNumber"] == "SYN-2026-02"
    assert [f["FileName"] for f in first.fields["MediaFiles"]] == ["one.jpg", "one (1).jpg"]


def test_bank_import_reports_bad_items_and_reads_the_rest() -> None:
    errors: list[BankFormatError] = []
    entries = read_bank(VICS_DATA / "vics-2.0-cases-us.json", errors=errors)
    assert {(e.signal_type, e.signal) for e in entries} == {
        ("md5", ONE[0]),
        ("sha1", ONE[1]),
        ("md5", TWO[0]),
        ("sha1", TWO[1]),
    }
    assert sorted(e.reason.split(":")[0] for e in errors) == [
        "value[0].Media[2]",
        "value[0].Media[2]",
        "value[0].Media[3]",
    ]
    assert (
        entries[0].metadata["vics_dialect"] == "US" and entries[0].metadata["vics_version"] == "2.0"
    )
    assert entries[0].note == "DCIM/one.jpg" and entries[0].category == "1"


@pytest.mark.parametrize("name", sorted(p.name for p in VICS_DATA.glob("*.json")))
def test_we_write_2_0_and_read_back_what_we_write(tmp_path: Path, name: str) -> None:
    entries = read_bank(VICS_DATA / name, errors=[])
    out = tmp_path / "out.json"
    write_bank(entries, out, "vics")
    document = json.loads(out.read_text(encoding="utf-8"))
    context = document["@odata.context"]
    assert context.startswith("http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/")
    assert context.endswith("/$metadata#Cases")
    again = read_bank(out)
    key = [(e.signal_type, e.signal, e.label, e.category, e.note) for e in entries]
    assert [(e.signal_type, e.signal, e.label, e.category, e.note) for e in again] == key
    assert vics.parse_vics(document).layout == "cases"
    # One Media per file: its MD5 and SHA1 together.
    media = document["value"][0]["Media"]
    assert len(media) == len({e.metadata["group"] for e in entries})


def test_flat_layout_written_and_read_back() -> None:
    parsed = _parse("vics-2.0-media.json")
    document = vics.vics_json(parsed.media, dialect="UK", layout="media")
    assert document["@odata.context"].endswith("/2.0.xml/UK/$metadata#Media")
    again = vics.parse_vics(json.loads(vics.dumps(document)))
    assert (again.layout, again.dialect) == ("media", "UK")
    assert [(m.md5, m.sha1, m.category) for m in again.media] == [
        (m.md5, m.sha1, m.category) for m in parsed.media
    ]
    assert again.media[2].fields["PhotoDNA"] == parsed.media[2].fields["PhotoDNA"]


@pytest.mark.parametrize("document", [42, "text", {"value": 3}, {"nothing": []}])
def test_not_vics_is_refused(document: object) -> None:
    with pytest.raises(vics.VicsError):
        vics.parse_vics(document)


def test_deeply_nested_json_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(BankFormatError):
        read_bank(path, "vics")
