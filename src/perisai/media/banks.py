"""Hash-bank files in the formats investigators and platforms exchange.

Readers return ``BankEntry`` objects, one per signal. A malformed row raises ``BankFormatError``
naming the file and line; pass ``errors=[]`` to collect those errors and keep reading instead.
Every reader refuses files above ``max_bytes``; XML goes through ``defusedxml``.

Formats: ``csv`` (ours: ``signal_type,signal,label,category,source,note``), ``vics`` (Project
VIC OData JSON, 1.x and 2.0, Cases and flat Media layouts: ``perisai.media.vics``), text hash
lists ``md5sum``, ``sha1sum``, ``sha256sum``, ``hashdeep`` and ``nsrl`` (every form the tools
write, read by the one parser in ``perisai.media.hashlists``), ``ncmec`` (hash-sharing API XML).
``nsrl`` is read only.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TextIO

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from perisai.media import vics
from perisai.media.errors import BankFormatError, MediaError
from perisai.media.hashlists import HashListError, iter_rows, parse_hash_list, read_hash_list
from perisai.media.signals import get_signal_type

__all__ = [
    "BANK_FORMATS",
    "DEFAULT_MAX_BANK_BYTES",
    "BankEntry",
    "WriteSummary",
    "detect_format",
    "read_bank",
    "write_bank",
]

CSV_COLUMNS: Final = ("signal_type", "signal", "label", "category", "source", "note")
BANK_FORMATS: Final = ("csv", "vics", "hashdeep", "md5sum", "sha1sum", "sha256sum", "nsrl", "ncmec")
#: Formats we read but do not write.
READ_ONLY_FORMATS: Final = ("nsrl",)
#: Bank files larger than this are refused (JSON and XML are parsed whole).
DEFAULT_MAX_BANK_BYTES: Final = 1 << 30
#: A CSV cell may hold a long video's frame list, far above the csv module's 128 KiB default.
MAX_CELL_BYTES: Final = 16 << 20
NCMEC_NS: Final = "https://hashsharing.ncmec.org/hashsharing/v2"


@dataclass(slots=True)
class BankEntry:
    """One signal of a known item, with what the bank says about it."""

    signal_type: str
    signal: str
    label: str = ""
    category: str = ""
    source: str = ""
    note: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    def normalized(self) -> BankEntry:
        """A copy with the signal type looked up and the signal in canonical form."""
        kind = get_signal_type(self.signal_type)
        return BankEntry(
            kind.name,
            kind.normalize(self.signal),
            self.label,
            self.category,
            self.source,
            self.note,
            dict(self.metadata),
        )


@dataclass(frozen=True, slots=True)
class WriteSummary:
    written: int
    skipped: int  # entries the format cannot hold (a PDQ hash in an md5sum list, ...)


class _Sink:
    """Raise the first error, or collect them all when the caller passed a list."""

    def __init__(self, file: str, errors: list[BankFormatError] | None) -> None:
        self.file = file
        self.errors = errors

    def __call__(self, message: str, line: int | None = None) -> None:
        error = BankFormatError(message, file=self.file, line=line)
        if self.errors is None:
            raise error
        self.errors.append(error)

    def entry(self, line: int | None, where: str = "", **fields: Any) -> BankEntry | None:
        """The validated entry, or None after reporting why (``where`` prefixes the reason)."""
        try:
            return BankEntry(**fields).normalized()
        except MediaError as exc:
            self(f"{where}: {exc}" if where else str(exc), line)
            return None


def _check_size(path: Path, max_bytes: int) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise BankFormatError(
            f"cannot read bank file: {exc.strerror or exc}", file=str(path)
        ) from exc
    if size > max_bytes:
        raise BankFormatError(
            f"bank file is {size} bytes, above the limit of {max_bytes}", file=str(path)
        )


def _open_text(path: Path) -> TextIO:
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise BankFormatError(
            f"cannot open bank file: {exc.strerror or exc}", file=str(path)
        ) from exc


# --- detection --------------------------------------------------------------------------------

_SUFFIXES: Final = {
    ".csv": "csv",
    ".json": "vics",
    ".xml": "ncmec",
    ".md5": "md5sum",
    ".sha1": "sha1sum",
    ".sha256": "sha256sum",
}
_SUM_FORMATS: Final = {"md5": "md5sum", "sha1": "sha1sum", "sha256": "sha256sum"}


def detect_format(path: Path | str) -> str:  # noqa: PLR0911 - a decision table
    """Guess a bank file's format from its first bytes (then its name)."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            head = fh.read(65536).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as exc:
        raise BankFormatError(f"cannot read bank file: {exc.strerror or exc}", file=str(p)) from exc
    text = head.decode("utf-8", "replace")
    first = text.split("\n", 1)[0].strip()
    if first.startswith("%%%% HASHDEEP"):
        return "hashdeep"
    if text.startswith(("{", "[")):
        return "vics"
    if text.startswith("<"):
        return "ncmec"
    if first.replace(" ", "").lower().startswith("signal_type,"):
        return "csv"
    listed = parse_hash_list(text.rsplit("\n", 1)[0] if len(head) == 65536 else text)
    if listed.form == "nsrl":
        return "nsrl"
    if listed.hashes:
        return _SUM_FORMATS[listed.hashes[0].signal_type]
    if p.suffix.lower() in _SUFFIXES:
        return _SUFFIXES[p.suffix.lower()]
    raise BankFormatError("cannot tell the bank format: pass it explicitly", file=str(p))


# --- CSV ------------------------------------------------------------------------------------


def _read_csv(path: Path, sink: _Sink) -> Iterator[BankEntry]:
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_BYTES))
    with _open_text(path) as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            sink(f"unreadable header: {exc}", 1)
            return
        if header is None:
            return
        names = [h.strip().lower() for h in header]
        if "signal_type" not in names or "signal" not in names:
            sink(f"header must name the columns {','.join(CSV_COLUMNS)}", 1)
            return
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                sink(f"unreadable row: {exc}", reader.line_num)
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(names):
                sink(f"{len(row)} cells, but the header has {len(names)}", reader.line_num)
                continue
            cells = dict(zip(names, map(from_spreadsheet_safe, row), strict=False))
            known = {k: cells.get(k, "") for k in CSV_COLUMNS}
            extra = {k: v for k, v in cells.items() if k not in CSV_COLUMNS and v != ""}
            entry = sink.entry(reader.line_num, **known, metadata=extra)
            if entry is not None:
                yield entry


#: A cell starting with one of these is a formula to a spreadsheet (CSV injection); any number
#: of apostrophes before one too, so that escaping and unescaping are exact inverses.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def spreadsheet_safe(value: str) -> str:
    """``value`` with an apostrophe in front when a spreadsheet would read it as a formula
    (``=``, ``+``, ``-``, ``@``, tab, carriage return): shown as text, never run."""
    return "'" + value if _FORMULA.match(value) else value


def from_spreadsheet_safe(value: str) -> str:
    """Undo :func:`spreadsheet_safe` (reading back a CSV this module wrote)."""
    return value[1:] if value.startswith("'") and _FORMULA.match(value[1:]) else value


def _write_csv(entries: list[BankEntry], out: TextIO) -> WriteSummary:
    # Lines end in CR LF (RFC 4180): then a cell holding a lone CR is quoted too, not a new row.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        cells = [e.signal_type, e.signal, e.label, e.category, e.source, e.note]
        writer.writerow([spreadsheet_safe(c) for c in cells])
    return WriteSummary(len(entries), 0)


# --- text hash lists (md5sum, sha1sum, sha256sum, md5deep, hashdeep, NSRL) -----------------


def _read_hash_list(path: Path, sink: _Sink) -> Iterator[BankEntry]:
    """Every form of text hash list, through the one parser (``perisai.media.hashlists``).

    The hashes of one listed file (a hashdeep or NSRL row) share a ``group``."""
    try:
        listed = read_hash_list(path, max_bytes=DEFAULT_MAX_BANK_BYTES)
    except HashListError as exc:
        raise BankFormatError(str(exc), file=str(path)) from None
    for problem in listed.problems:
        sink(problem.message, problem.line)
    if listed.problem_count > len(listed.problems):
        sink(f"{listed.problem_count - len(listed.problems)} more malformed lines not listed")
    source = {"hashdeep": "hashdeep", "nsrl": "nsrl"}.get(listed.form)
    for row in iter_rows(listed):
        meta: dict[str, Any] = {}
        if len(row) > 1:
            meta["group"] = f"row:{row[0].row}"
        if row[0].size is not None:
            meta["size"] = row[0].size
        for item in row:
            entry = sink.entry(
                item.line,
                signal_type=item.signal_type,
                signal=item.value,
                note=item.name,
                source=source or f"{item.signal_type}sum",
                metadata=dict(meta),
            )
            if entry is not None:
                yield entry


def _sum_writer(kind: str) -> Callable[[list[BankEntry], TextIO], WriteSummary]:
    def write(entries: list[BankEntry], out: TextIO) -> WriteSummary:
        written = 0
        for e in entries:
            if e.signal_type == kind:
                name = e.note or e.label or "-"
                if any(c in name for c in "\\\n\r"):  # coreutils' escaping
                    escaped = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
                    out.write(f"\\{e.signal}  {escaped}\n")
                else:
                    out.write(f"{e.signal}  {name}\n")
                written += 1
        return WriteSummary(written, len(entries) - written)

    return write


# --- grouping entries of one file (hashdeep, VICS and NCMEC hold several hashes per row) ------


def _groups(entries: list[BankEntry]) -> list[dict[str, BankEntry]]:
    """Runs of adjacent entries describing one file (readers and ``bank build`` keep a
    file's signals together): a new file starts when the descriptive fields change or a
    signal type repeats."""
    groups: list[dict[str, BankEntry]] = []
    last: tuple[str, ...] | None = None
    for e in entries:
        key = (str(e.metadata.get("group", "")), e.label, e.category, e.source, e.note)
        if key != last or e.signal_type in groups[-1]:
            groups.append({})
            last = key
        groups[-1][e.signal_type] = e
    return groups


def _first(group: dict[str, BankEntry]) -> BankEntry:
    return next(iter(group.values()))


# --- hashdeep ---------------------------------------------------------------------------------

_HASHDEEP_TYPES: Final = ("md5", "sha1", "sha256")


def _write_hashdeep(entries: list[BankEntry], out: TextIO) -> WriteSummary:
    groups = [g for g in _groups([e for e in entries if e.signal_type in _HASHDEEP_TYPES]) if g]
    kinds = [k for k in _HASHDEEP_TYPES if groups and all(k in g for g in groups)]
    out.write("%%%% HASHDEEP-1.0\n")
    out.write(f"%%%% size,{','.join(kinds)},filename\n" if kinds else "%%%% size,filename\n")
    out.write("## Invoked from: perisai\n## $ perisai media bank convert\n##\n")
    written = 0
    for g in groups if kinds else []:
        first = _first(g)
        size = first.metadata.get("size", 0)
        name = (first.note or first.label or "-").replace("\n", " ")
        out.write(",".join([str(size), *(g[k].signal for k in kinds), name]) + "\n")
        written += len(kinds)
    return WriteSummary(written, len(entries) - written)


# --- Project VIC (VICS JSON) ------------------------------------------------------------------


def _read_vics(path: Path, sink: _Sink) -> Iterator[BankEntry]:
    """Project VIC JSON, any version and layout, through the one reader (``media.vics``)."""
    try:
        with _open_text(path) as fh:
            document = json.load(fh)
    except json.JSONDecodeError as exc:
        sink(f"not valid JSON: {exc.msg}", exc.lineno)
        return
    except (UnicodeDecodeError, RecursionError) as exc:
        sink(f"not readable VICS JSON: {type(exc).__name__}")
        return
    try:
        parsed = vics.parse_vics(document)
    except vics.VicsError as exc:
        sink(str(exc))
        return
    for where, message in parsed.problems:
        sink(f"{where}: {message}")
    for number, media in enumerate(parsed.media, 1):
        meta = dict(media.fields)
        meta["group"] = f"vics:{number}"
        if parsed.dialect:
            meta["vics_dialect"] = parsed.dialect
        if parsed.version:
            meta["vics_version"] = parsed.version
        note = str(meta.get("RelativeFilePath") or "")
        files = meta.get("MediaFiles")
        if not note and isinstance(files, list) and files and isinstance(files[0], dict):
            note = str(files[0].get("FileName") or "")
        for kind, value in (("md5", media.md5), ("sha1", media.sha1)):
            if value:
                entry = sink.entry(
                    None,
                    media.where,
                    signal_type=kind,
                    signal=value,
                    label=media.media_id,
                    category=media.category,
                    source="vics",
                    note=note,
                    metadata=dict(meta),
                )
                if entry is not None:
                    yield entry


_VICS_META_DROP: Final = ("group", "vics_dialect", "vics_version", "size")


def _write_vics(entries: list[BankEntry], out: TextIO) -> WriteSummary:
    """VICS 2.0, Cases layout, one Media per file (its MD5 and SHA1 together)."""
    media: list[vics.VicsMedia] = []
    written = 0
    dialect = "Default"
    for g in _groups([e for e in entries if e.signal_type in ("md5", "sha1")]):
        first = _first(g)
        dialect = str(first.metadata.get("vics_dialect", dialect))
        fields = {k: v for k, v in first.metadata.items() if k not in _VICS_META_DROP}
        if "size" in first.metadata and "MediaSize" not in fields:
            fields["MediaSize"] = first.metadata["size"]
        if first.note and "RelativeFilePath" not in fields:
            fields["RelativeFilePath"] = first.note
        item = vics.VicsMedia(
            md5=g["md5"].signal if "md5" in g else None,
            sha1=g["sha1"].signal if "sha1" in g else None,
            media_id=first.label if first.label.isdigit() else str(len(media) + 1),
            category=first.category,
            fields=fields,
        )
        media.append(item)
        written += len(g)
    document = vics.vics_json(media, dialect=dialect, case={"SourceApplicationName": "Perisai"})
    out.write(vics.dumps(document))
    return WriteSummary(written, len(entries) - written)


# --- NCMEC hash sharing XML -------------------------------------------------------------------

_NCMEC_FINGERPRINTS: Final = {"md5": "md5", "sha1": "sha1", "pdq": "pdq", "pdna": "photodna"}


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _read_ncmec(path: Path, sink: _Sink) -> Iterator[BankEntry]:
    try:
        root = SafeET.parse(str(path)).getroot()
    except ET.ParseError as exc:
        sink(f"not well-formed XML: {exc}", exc.position[0])
        return
    except DefusedXmlException as exc:  # entities, external references: refused
        sink(f"refused unsafe XML: {exc}")
        return
    for section in root:
        if _local(section.tag) in ("images", "videos"):
            for n, item in enumerate(section, 1):
                yield from _ncmec_item(item, n, sink)


def _text(element: ET.Element | None) -> str:
    return "" if element is None else (element.text or "").strip()


def _ncmec_item(item: ET.Element, n: int, sink: _Sink) -> Iterator[BankEntry]:
    kind = _local(item.tag)
    if kind not in ("image", "video"):  # deletedImage / deletedVideo: nothing to match
        return
    children = {_local(c.tag): c for c in item}
    ident = _text(children.get("id"))
    where = f"{kind} {ident or '#' + str(n)}"
    prints = children.get("fingerprints")
    if prints is None or not ident:
        sink(f"{where}: needs an id and fingerprints")
        return
    meta: dict[str, Any] = {"ncmec_type": kind, "group": f"ncmec:{kind}:{ident}"}
    if (member := children.get("member")) is not None:
        meta["member_id"] = member.get("id", "")
        meta["member"] = _text(member)
    if "timestamp" in children:
        meta["timestamp"] = _text(children["timestamp"])
    for fp in prints:
        signal_type = _NCMEC_FINGERPRINTS.get(_local(fp.tag))
        if signal_type is None or not _text(fp):
            continue  # fingerprints fetched by link (TMK, Videntifier): not inline
        entry = sink.entry(
            None,
            where,
            signal_type=signal_type,
            signal=_text(fp),
            label=ident,
            category=_text(children.get("classification")),
            source="ncmec",
            note=str(meta.get("member", "")),
            metadata=dict(meta),
        )
        if entry is not None:
            yield entry


def _write_ncmec(entries: list[BankEntry], out: TextIO) -> WriteSummary:
    ET.register_namespace("", NCMEC_NS)
    root = ET.Element(f"{{{NCMEC_NS}}}queryResult")
    sections = {
        "image": ET.SubElement(root, f"{{{NCMEC_NS}}}images"),
        "video": ET.SubElement(root, f"{{{NCMEC_NS}}}videos"),
    }
    reverse = {v: k for k, v in _NCMEC_FINGERPRINTS.items()}
    written = 0
    for n, g in enumerate(_groups(entries), 1):
        first = _first(g)
        kind = first.metadata.get("ncmec_type") or ("video" if "vpdq" in g else "image")
        usable = [t for t in ("md5", "sha1", "pdq", "photodna") if t in g]
        if kind == "video":
            usable = [t for t in usable if t in ("md5", "sha1")]
        if not usable:
            continue
        item = ET.SubElement(sections[str(kind)], f"{{{NCMEC_NS}}}{kind}")
        member = ET.SubElement(
            item, f"{{{NCMEC_NS}}}member", id=str(first.metadata.get("member_id", "0"))
        )
        member.text = str(first.metadata.get("member", first.source or "perisai"))
        if first.metadata.get("timestamp"):
            ET.SubElement(item, f"{{{NCMEC_NS}}}timestamp").text = str(first.metadata["timestamp"])
        ET.SubElement(item, f"{{{NCMEC_NS}}}id").text = first.label or f"perisai-{n}"
        if first.category:
            ET.SubElement(item, f"{{{NCMEC_NS}}}classification").text = first.category
        prints = ET.SubElement(item, f"{{{NCMEC_NS}}}fingerprints")
        for t in usable:
            ET.SubElement(prints, f"{{{NCMEC_NS}}}{reverse[t]}").text = g[t].signal
        written += len(usable)
    for section in sections.values():
        section.set("count", str(len(section)))
        if not len(section):
            root.remove(section)
    out.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n')
    ET.indent(root)
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
    return WriteSummary(written, len(entries) - written)


# --- entry points -----------------------------------------------------------------------------

_READERS: Final[dict[str, Callable[[Path, _Sink], Iterator[BankEntry]]]] = {
    "csv": _read_csv,
    "vics": _read_vics,
    "hashdeep": _read_hash_list,
    "md5sum": _read_hash_list,
    "sha1sum": _read_hash_list,
    "sha256sum": _read_hash_list,
    "nsrl": _read_hash_list,
    "ncmec": _read_ncmec,
}
_WRITERS: Final[dict[str, Callable[[list[BankEntry], TextIO], WriteSummary]]] = {
    "csv": _write_csv,
    "vics": _write_vics,
    "hashdeep": _write_hashdeep,
    "md5sum": _sum_writer("md5"),
    "sha1sum": _sum_writer("sha1"),
    "sha256sum": _sum_writer("sha256"),
    "ncmec": _write_ncmec,
}


def _check_format(fmt: str) -> str:
    name = fmt.strip().lower()
    if name not in BANK_FORMATS:
        raise BankFormatError(f"unknown bank format {fmt!r} (known: {', '.join(BANK_FORMATS)})")
    return name


def read_bank(
    path: Path | str,
    fmt: str | None = None,
    *,
    errors: list[BankFormatError] | None = None,
    max_bytes: int = DEFAULT_MAX_BANK_BYTES,
) -> list[BankEntry]:
    """Read a bank file (format detected when ``fmt`` is None).

    With ``errors=None`` the first malformed row raises ``BankFormatError``; with a list, each
    one is appended there and reading goes on. A file that cannot be read at all always raises.
    """
    p = Path(path)
    _check_size(p, max_bytes)
    name = _check_format(fmt) if fmt else detect_format(p)
    return list(_READERS[name](p, _Sink(str(p), errors)))


def write_bank(entries: Iterable[BankEntry], path: Path | str, fmt: str = "csv") -> WriteSummary:
    """Write entries in ``fmt``; entries the format cannot hold are counted as skipped."""
    name = _check_format(fmt)
    if name in READ_ONLY_FORMATS:
        raise BankFormatError(f"{name} is read only: write csv, vics, hashdeep or a *sum list")
    buffer = io.StringIO()
    summary = _WRITERS[name](list(entries), buffer)
    Path(path).write_text(buffer.getvalue(), encoding="utf-8")
    return summary
