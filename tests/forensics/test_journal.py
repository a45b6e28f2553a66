from __future__ import annotations

from pathlib import Path

from perisai.forensics.journal import Journal


def test_torn_last_line_is_skipped_and_not_glued_to_the_next(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    journal = Journal(path, batch=1)
    journal.open()
    journal.append({"key": "a", "n": 1})
    journal.close()
    with path.open("a", encoding="utf-8") as stream:
        stream.write('{"key": "b", "n"')  # killed mid-write
    journal = Journal(path)
    journal.open()
    journal.append({"key": "c", "n": 3})
    journal.close()
    assert set(Journal(path).load()) == {"a", "c"}


def test_missing_journal_loads_empty(tmp_path: Path) -> None:
    assert Journal(tmp_path / "none.jsonl").load() == {}
