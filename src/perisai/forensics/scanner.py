"""Run a scan: walk the source, analyse every item, journal it, then write the outputs."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from perisai.clikit import BadInput
from perisai.forensics.analysis import ProvenanceConfig, analyse_file
from perisai.forensics.digests import digest_path
from perisai.forensics.entries import ContainerProblem, Entry
from perisai.forensics.hashlists import KnownGood
from perisai.forensics.journal import JOURNAL_NAME, Journal
from perisai.forensics.limits import ScanLimits
from perisai.forensics.matching import BankMatcher
from perisai.forensics.pool import AnalysisPool
from perisai.forensics.records import base_record, finalise, merge_analysis, settle_status
from perisai.forensics.sniff import kind_of, sniff_path
from perisai.forensics.sources.archive import walk_archive
from perisai.forensics.sources.detect import SourceKind, source_kind, walk_source
from perisai.forensics.thumbnails import blurred_thumbnail
from perisai.forensics.workspace import Workspace
from perisai.media.signals import computed_from

STATE_NAME = "scan-state.json"


@dataclass(frozen=True)
class ScanOptions:
    source: Path
    out_dir: Path
    banks: tuple[Path, ...] = ()
    known_good: tuple[Path, ...] = ()
    examiner: str = "unknown"
    workers: int = 1
    resume: bool = False
    limits: ScanLimits = field(default_factory=ScanLimits)
    signing_key: Path | None = None
    video_fps: float = 1.0
    provenance: ProvenanceConfig = field(default_factory=ProvenanceConfig)


@dataclass
class Progress:
    items: int = 0
    bytes: int = 0
    matches: int = 0


@dataclass
class ScanHooks:
    on_progress: Callable[[Progress], None] | None = None
    # Called after each item journaled in this run; tests raise here to simulate a kill.
    after_item: Callable[[int], None] | None = None


@dataclass
class ScanOutcome:
    out_dir: Path
    records: list[dict[str, Any]]
    state: dict[str, Any]
    source_problems: list[str]
    # Lines of --hashes and --known-good files that were skipped (file:line: reason).
    list_warnings: list[str] = field(default_factory=list)


def now_iso() -> str:
    return datetime.now(UTC).astimezone().isoformat()


def _prepare_state(options: ScanOptions, kind: SourceKind) -> dict[str, Any]:
    """Create or (with --resume) reload the scan's identity, refusing to mix two scans."""
    path = options.out_dir / STATE_NAME
    source_text = str(options.source.resolve())
    if path.exists():
        if not options.resume:
            raise BadInput(
                f"{options.out_dir} holds a scan already: pass --resume or another --out"
            )
        state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if state.get("source") != source_text:
            raise BadInput(
                f"--resume: {options.out_dir} belongs to a scan of {state.get('source')}"
            )
        state["resumed_at"] = [*state.get("resumed_at", []), now_iso()]
    else:
        state = {"source": source_text, "source_kind": kind, "started_at": now_iso()}
        if kind != "directory":  # hash on acquisition: the evidence file as received
            state["source_sha256"] = digest_path(options.source).sha256
    state["examiner"] = options.examiner
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps(state, indent=2), encoding="utf-8")
    os.replace(temp, path)
    return state


class _Scan:
    def __init__(
        self, options: ScanOptions, hooks: ScanHooks, workspace: Workspace, journal: Journal
    ) -> None:
        self.options = options
        self.hooks = hooks
        self.workspace = workspace
        self.journal = journal
        self.records = journal.load() if options.resume else {}
        self.matcher = BankMatcher.from_files(list(options.banks))
        known_good = KnownGood.from_files(list(options.known_good))
        self.list_warnings = self.matcher.warnings + known_good.warnings
        self.pool: AnalysisPool[tuple[Entry, dict[str, Any]]] = AnalysisPool(
            options.workers,
            known_good,
            options.video_fps,
            options.provenance,
            # Video signals beyond vPDQ only where a bank can match them (TMK).
            frozenset(self.matcher.signal_types) & frozenset(computed_from("video")),
        )
        self.seen: dict[str, int] = {}
        self.progress = Progress()
        self.new_items = 0
        self.source_problems: list[str] = []

    def key_for(self, path: str) -> str:
        """The path, made unique: an archive may hold two members of the same name."""
        count = self.seen.get(path, 0)
        self.seen[path] = count + 1
        return path if count == 0 else f"{path}#{count + 1}"

    def walk(self, entries: Iterable[Entry | ContainerProblem], depth: int) -> list[str]:
        """Process entries; returns the problems of the container being walked."""
        problems: list[str] = []
        for entry in entries:
            if isinstance(entry, ContainerProblem):
                problems.append(entry.reason)
            else:
                self.handle(entry, depth)
        return problems

    def handle(self, entry: Entry, depth: int) -> None:
        key = self.key_for(entry.path)
        record = base_record(entry, key, depth)
        if entry.local_path is None:
            self.finish(record, None)
            return
        if kind_of(sniff_path(entry.local_path)) == "archive":
            self.handle_container(entry, record, depth)
            return
        if key in self.records:
            self.release(entry)
            return
        for (done_entry, done_record), result in self.pool.submit(
            str(entry.local_path), (entry, record)
        ):
            self.complete(done_entry, done_record, result)

    def handle_container(self, entry: Entry, record: dict[str, Any], depth: int) -> None:
        assert entry.local_path is not None
        fresh = record["key"] not in self.records
        if fresh:
            merge_analysis(record, analyse_file(str(entry.local_path)))
        if record.get("known_good"):
            pass  # a known-good archive is not opened
        elif depth + 1 > self.options.limits.max_depth:
            record["errors"].append(
                f"nested deeper than {self.options.limits.max_depth}: not opened"
            )
        else:
            walker = walk_archive(entry.local_path, entry.path, self.workspace, self.options.limits)
            record["errors"].extend(self.walk(walker, depth + 1))
        self.release(entry)
        if fresh:
            self.finish(record, None)

    def complete(self, entry: Entry, record: dict[str, Any], result: dict[str, Any]) -> None:
        merge_analysis(record, result)
        self.finish(record, entry)

    def finish(self, record: dict[str, Any], entry: Entry | None) -> None:
        record["known_good"] = bool(record.get("known_good"))
        record["matches"] = [] if record["known_good"] else self.matcher.match(record)
        settle_status(record)
        if record["matches"] and record.get("kind") == "image" and entry and entry.local_path:
            record["_thumbnail"] = blurred_thumbnail(entry.local_path)
        if entry is not None:
            self.release(entry)
        self.journal.append(record)
        self.records[record["key"]] = record
        self.tick(record)

    def tick(self, record: dict[str, Any]) -> None:
        self.progress.items += 1
        self.progress.bytes += record.get("size") or 0
        self.progress.matches += 1 if record["matches"] else 0
        self.new_items += 1
        if self.hooks.on_progress is not None:
            self.hooks.on_progress(self.progress)
        if self.hooks.after_item is not None:
            self.hooks.after_item(self.new_items)

    def release(self, entry: Entry) -> None:
        if entry.temporary and entry.local_path is not None:
            self.workspace.release(entry.local_path)

    def drain(self) -> None:
        for (entry, record), result in self.pool.drain():
            self.complete(entry, record, result)


def run_scan(options: ScanOptions, hooks: ScanHooks | None = None) -> ScanOutcome:
    """Scan `options.source` into `options.out_dir`; raises BadInput for unusable input."""
    if not options.source.exists():
        raise BadInput(f"source not found: {options.source}")
    if options.workers < 1:
        raise BadInput("--workers must be at least 1")
    kind = source_kind(options.source)
    options.out_dir.mkdir(parents=True, exist_ok=True)
    state = _prepare_state(options, kind)
    journal = Journal(options.out_dir / JOURNAL_NAME)
    with Workspace(options.out_dir, options.limits.max_total_extracted) as workspace:
        scan = _Scan(options, hooks or ScanHooks(), workspace, journal)
        journal.open()
        try:
            walker = walk_source(options.source, kind, workspace, options.limits)
            # An item's depth is the number of containers around it (`!/` in its path).
            scan.source_problems = scan.walk(walker, 0 if kind in ("directory", "file") else 1)
            scan.drain()
        finally:
            scan.pool.close()
            journal.close()
    state["ended_at"] = now_iso()
    return ScanOutcome(
        options.out_dir,
        finalise(list(scan.records.values())),
        state,
        scan.source_problems,
        scan.list_warnings,
    )
