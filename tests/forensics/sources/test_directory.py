from __future__ import annotations

import os
from pathlib import Path

from perisai.forensics.sources.directory import walk_directory


def test_symlink_loops_fifos_and_odd_names_are_recorded_not_followed(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text("x", encoding="utf-8")
    (tmp_path / "self").symlink_to("self")
    (tmp_path / "dir-loop").symlink_to(".")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / os.fsdecode(b"odd\xffname")).write_bytes(b"y")
    entries = {e.path: e for e in walk_directory(tmp_path)}
    assert entries["self"].status == "refused"
    assert "symlink loop" in str(entries["self"].reason)
    assert entries["dir-loop"].entry_type == "symlink"
    assert entries["dir-loop"].local_path is None
    assert entries["pipe"].status == "refused"
    assert entries["odd\\xffname"].name_escaped
    assert entries["real.txt"].local_path == tmp_path / "real.txt"


def test_out_folder_inside_the_source_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "items.jsonl").write_text("{}", encoding="utf-8")
    (tmp_path / "kept.txt").write_text("x", encoding="utf-8")
    assert [e.path for e in walk_directory(tmp_path, exclude=tmp_path / "out")] == ["kept.txt"]
