"""The one hash-list parser against the real tools' output (tests/data/hashlists/)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perisai.media.banks import BankEntry, read_bank, write_bank
from perisai.media.hashlists import HashListError, parse_hash_list, read_hash_list

HASHLISTS = Path(__file__).resolve().parents[1] / "data" / "hashlists"
# The benign files make_hashlists.sh lists: name → content.
FILES = {
    "files/plain.txt": b"hello\n",
    "files/with space.txt": b"two words\n",
    "files/back\\slash.txt": b"back\n",
    "files/new\nline.txt": b"nl\n",
    "files/a,b.txt": b"comma\n",
    "files/empty.bin": b"",
}
SPLIT_NAME = "files/new"  # what md5deep and hashdeep leave of the name with a newline


def _expected(kind: str, *, split: bool = False) -> set[tuple[str, str, str]]:
    return {
        (kind, hashlib.new(kind, content).hexdigest(), SPLIT_NAME if split and "\n" in n else n)
        for n, content in FILES.items()
    }


def _found(name: str) -> set[tuple[str, str, str]]:
    return {(h.signal_type, h.value, h.name) for h in read_hash_list(HASHLISTS / name).hashes}


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("md5sum.txt", "md5"),
        ("sha1sum.txt", "sha1"),
        ("sha256sum.txt", "sha256"),
        ("sha256sum-binary.txt", "sha256"),
        ("md5sum-tag.txt", "md5"),
        ("sha256sum-tag.txt", "sha256"),
    ],
)
def test_coreutils_lists_with_escaped_names(name: str, kind: str) -> None:
    listed = read_hash_list(HASHLISTS / name)
    assert listed.problems == []
    assert _found(name) == _expected(kind)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("md5deep.txt", "md5"),
        ("md5deep-k.txt", "md5"),
        ("md5deep-c.txt", "md5"),
        ("md5deep-z.txt", "md5"),
        ("sha256deep.txt", "sha256"),
    ],
)
def test_md5deep_family(name: str, kind: str) -> None:
    listed = read_hash_list(HASHLISTS / name)
    assert _found(name) == _expected(kind, split=True)
    # md5deep does not escape: the newline in a name leaves one line that is no row.
    assert [(p.line, p.message[:10]) for p in listed.problems] == [
        (_line_of(name, "line.txt"), "not a hash")
    ]


def _line_of(name: str, text: str) -> int:
    lines = (HASHLISTS / name).read_text(encoding="utf-8").splitlines()
    return lines.index(text) + 1


def test_md5deep_z_keeps_the_sizes() -> None:
    sizes = {h.name: h.size for h in read_hash_list(HASHLISTS / "md5deep-z.txt").hashes}
    assert sizes == {
        (SPLIT_NAME if "\n" in name else name): len(content) for name, content in FILES.items()
    }


@pytest.mark.parametrize(
    ("name", "kinds"),
    [("hashdeep.txt", ("md5", "sha256")), ("hashdeep-all.txt", ("md5", "sha1", "sha256"))],
)
def test_hashdeep(name: str, kinds: tuple[str, ...]) -> None:
    listed = read_hash_list(HASHLISTS / name)
    assert listed.form == "hashdeep"
    assert _found(name) == set().union(*(_expected(k, split=True) for k in kinds))
    # The invocation comment and the row both break at the newline of that one name.
    assert len(listed.problems) == 2
    rows = {h.row for h in listed.hashes}
    assert len(rows) == len(FILES)
    assert all(h.size == len(FILES.get(h.name, b"nl\n")) for h in listed.hashes)


def test_comments_and_malformed_lines_are_reported_with_their_numbers() -> None:
    listed = read_hash_list(HASHLISTS / "commented.txt")
    assert [p.line for p in listed.problems] == [5, 7]
    assert [h.signal_type for h in listed.hashes] == ["md5", "sha1", "sha256"]
    assert "16 hex digits" in listed.problems[1].message


def test_bank_import_reads_every_list_and_keeps_a_row_together() -> None:
    errors: list[object] = []
    entries = read_bank(HASHLISTS / "hashdeep-all.txt", errors=errors)  # type: ignore[arg-type]
    assert len(errors) == 2 and len(entries) == 3 * len(FILES)
    plain = [e for e in entries if e.note == "files/plain.txt"]
    assert {e.signal_type for e in plain} == {"md5", "sha1", "sha256"}
    assert len({e.metadata["group"] for e in plain}) == 1 and plain[0].metadata["size"] == 6


def test_written_lists_escape_names_like_coreutils(tmp_path: Path) -> None:
    names = ["a\\b.txt", "new\nline", "plain name.txt"]
    entries = [
        BankEntry("md5", hashlib.md5(n.encode()).hexdigest(), note=n)  # noqa: S324 - fixture
        for n in names
    ]
    out = tmp_path / "list.md5"
    write_bank(entries, out, "md5sum")
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("\\") and "a\\\\b.txt" in text
    assert [e.note for e in read_bank(out)] == names


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only comments\n\n",
        "SHA512 (x) = " + "a" * 64 + "\n",
        "%%%% HASHDEEP-1.0\n" + "a" * 32 + ",x\n",
        "%%%% HASHDEEP-1.0\n%%%% size,md5,name\n",
        '"SHA-1","MD5"\n"zz","yy"\n',
    ],
)
def test_garbage_gives_problems_not_exceptions(text: str) -> None:
    listed = parse_hash_list(text)
    assert listed.hashes == [] and (text.strip(" \n#onlycmets") == "" or listed.problems)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_without_raising(text: str) -> None:
    listed = parse_hash_list(text)
    assert all(len(h.value) in (32, 40, 64) for h in listed.hashes)


def test_binary_and_oversized_files_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "x.md5"
    binary.write_bytes(b"\x00" * 100)
    with pytest.raises(HashListError, match="binary"):
        read_hash_list(binary)
    big = tmp_path / "big.md5"
    big.write_text(("a" * 32 + "  x\n") * 10, encoding="utf-8")
    with pytest.raises(HashListError, match="above the limit"):
        read_hash_list(big, max_bytes=100)
