"""Hash-bank files in the formats investigators and platforms exchange.

Readers return ``BankEntry`` objects, one per signal. A malformed row raises ``BankFormatError``
naming the file and line; pass ``errors=[]`` to collect those errors and keep reading instead.
Every reader refuses files above ``max_bytes``; XML goes through ``defusedxml``.

Formats: ``csv`` (ours: ``signal_type,signal,label,category,source,note``), ``vics`` (Project
VIC OData JSON), ``hashdeep``, ``md5sum``, ``sha1sum``, ``ncmec`` (hash-sharing API XML).
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

from perisai.media.errors import BankFormatError, MediaError
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
BANK_FORMATS: Final = ("csv", "vics", "hashdeep", "md5sum", "sha1sum", "ncmec")
#: Bank files larger than this are refused (JSON and XML are parsed whole).
DEFAULT_MAX_BANK_BYTES: Final = 1 << 30
#: A CSV cell may hold a long video's frame list, far above the csv module's 128 KiB default.
MAX_CELL_BYTES: Final = 16 << 20
VICS_CONTEXT: Final = (
    "http://github.com/ICMEC/ProjectVic/DataModels/2.0.xml/{dialect}/$metadata#Cases"
)
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
}


def detect_format(path: Path | str) -> str:  # noqa: PLR0911 - a decision table
    """Guess a bank file's format from its first bytes (then its name)."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
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
    if re.match(r"^\\?[0-9a-fA-F]{32}\s[ *]", first) or first.upper().startswith("MD5 ("):
        return "md5sum"
    if re.match(r"^\\?[0-9a-fA-F]{40}\s[ *]", first) or first.upper().startswith("SHA1 ("):
        return "sha1sum"
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
            cells = dict(zip(names, row, strict=False))
            known = {k: cells.get(k, "") for k in CSV_COLUMNS}
            extra = {k: v for k, v in cells.items() if k not in CSV_COLUMNS and v != ""}
            entry = sink.entry(reader.line_num, **known, metadata=extra)
            if entry is not None:
                yield entry


def _write_csv(entries: list[BankEntry], out: TextIO) -> WriteSummary:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        writer.writerow([e.signal_type, e.signal, e.label, e.category, e.source, e.note])
    return WriteSummary(len(entries), 0)


# --- md5sum / sha1sum -------------------------------------------------------------------------


def _sum_reader(kind: str, hex_length: int) -> Callable[[Path, _Sink], Iterator[BankEntry]]:
    gnu = re.compile(rf"^\\?([0-9a-fA-F]{{{hex_length}}})(?:\s[ *](.*))?$")
    bsd = re.compile(rf"^{kind.upper()} \((.*)\) = ([0-9a-fA-F]{{{hex_length}}})$", re.IGNORECASE)

    def read(path: Path, sink: _Sink) -> Iterator[BankEntry]:
        with _open_text(path) as fh:
            for number, raw in enumerate(fh, 1):
                line = raw.rstrip("\r\n")
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                if m := gnu.match(line):
                    signal, name = m.group(1), m.group(2) or ""
                elif m := bsd.match(line):
                    name, signal = m.group(1), m.group(2)
                else:
                    sink(f"not a '{kind.upper()}  filename' line", number)
                    continue
                entry = sink.entry(
                    number, signal_type=kind, signal=signal, note=name, source=f"{kind}sum"
                )
                if entry is not None:
                    yield entry

    return read


def _sum_writer(kind: str) -> Callable[[list[BankEntry], TextIO], WriteSummary]:
    def write(entries: list[BankEntry], out: TextIO) -> WriteSummary:
        written = 0
        for e in entries:
            if e.signal_type == kind:
                name = (e.note or e.label or "-").replace("\n", " ")
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


def _read_hashdeep(path: Path, sink: _Sink) -> Iterator[BankEntry]:
    columns: list[str] | None = None
    with _open_text(path) as fh:
        for number, raw in enumerate(fh, 1):
            line = raw.rstrip("\r\n")
            if number == 1:
                if not line.startswith("%%%% HASHDEEP-"):
                    sink("missing the '%%%% HASHDEEP-1.0' header", 1)
                    return
                continue
            if line.startswith("%%%%"):
                columns = [c.strip().lower() for c in line[4:].split(",")]
                if "filename" not in columns or columns[-1] != "filename":
                    sink("the column header must end with 'filename'", number)
                    return
                continue
            if not line.strip() or line.startswith("#"):
                continue
            if columns is None:
                sink("data before the '%%%% size,...,filename' column header", number)
                return
            cells = line.split(",", len(columns) - 1)
            if len(cells) != len(columns):
                sink(f"{len(cells)} fields, expected {len(columns)}", number)
                continue
            row = dict(zip(columns, cells, strict=True))
            meta: dict[str, Any] = {}
            if row.get("size", "").isdigit():
                meta["size"] = int(row["size"])
            for kind in _HASHDEEP_TYPES:
                if row.get(kind):
                    entry = sink.entry(
                        number,
                        signal_type=kind,
                        signal=row[kind],
                        note=row["filename"],
                        source="hashdeep",
                        metadata=dict(meta),
                    )
                    if entry is not None:
                        yield entry


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

_VICS_KEYS: Final = ("MD5", "SHA1", "Category", "MediaID")


def _read_vics(path: Path, sink: _Sink) -> Iterator[BankEntry]:
    try:
        with _open_text(path) as fh:
            document = json.load(fh)
    except json.JSONDecodeError as exc:
        sink(f"not valid JSON: {exc.msg}", exc.lineno)
        return
    except UnicodeDecodeError as exc:
        sink(f"not UTF-8 text: {exc}")
        return
    context = str(document.get("@odata.context", "")) if isinstance(document, dict) else ""
    dialect = m.group(1) if (m := re.search(r"2\.0\.xml/(\w+)/", context)) else ""
    if isinstance(document, dict) and isinstance(document.get("value"), list):
        cases = document["value"]
    elif isinstance(document, dict) and "Media" in document:
        cases = [document]
    else:
        sink("expected an OData object with a 'value' list of cases")
        return
    for c, case in enumerate(cases):
        media = case.get("Media") if isinstance(case, dict) else None
        if not isinstance(media, list):
            sink(f"value[{c}]: a case needs a 'Media' list")
            continue
        for m_i, item in enumerate(media):
            yield from _vics_item(item, f"value[{c}].Media[{m_i}]", dialect, sink)


def _vics_item(item: object, where: str, dialect: str, sink: _Sink) -> Iterator[BankEntry]:
    if not isinstance(item, dict):
        sink(f"{where}: not an object")
        return
    md5, sha1 = item.get("MD5"), item.get("SHA1")
    if not md5 and not sha1:
        sink(f"{where}: neither MD5 nor SHA1")
        return
    meta = {k: v for k, v in item.items() if k not in _VICS_KEYS}
    if dialect:
        meta["vics_dialect"] = dialect
    files = item.get("MediaFiles")
    note = str(item.get("RelativeFilePath") or "")
    if not note and isinstance(files, list) and files and isinstance(files[0], dict):
        note = str(files[0].get("FileName") or "")
    media_id, category = item.get("MediaID"), item.get("Category")
    for kind, value in (("md5", md5), ("sha1", sha1)):
        if value:
            entry = sink.entry(
                None,
                where,
                signal_type=kind,
                signal=str(value),
                label="" if media_id is None else str(media_id),
                category="" if category is None else str(category),
                source="vics",
                note=note,
                metadata=dict(meta),
            )
            if entry is not None:
                yield entry


def _write_vics(entries: list[BankEntry], out: TextIO) -> WriteSummary:
    media = []
    written = 0
    dialect = "Default"
    for n, g in enumerate(_groups([e for e in entries if e.signal_type in ("md5", "sha1")]), 1):
        first = _first(g)
        item: dict[str, Any] = {k: v for k, v in first.metadata.items() if k != "vics_dialect"}
        dialect = str(first.metadata.get("vics_dialect", dialect))
        item["MediaID"] = int(first.label) if first.label.isdigit() else n
        if first.category:
            item["Category"] = int(first.category) if first.category.isdigit() else first.category
        if "md5" in g:
            item["MD5"] = g["md5"].signal.upper()
        if "sha1" in g:
            item["SHA1"] = g["sha1"].signal.upper()
        if first.note and "RelativeFilePath" not in item:
            item["RelativeFilePath"] = first.note
        media.append(item)
        written += len(g)
    document = {
        "@odata.context": VICS_CONTEXT.format(dialect=dialect),
        "value": [{"CaseID": 1, "Media": media}],
    }
    json.dump(document, out, indent=1, ensure_ascii=False)
    out.write("\n")
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
    "hashdeep": _read_hashdeep,
    "md5sum": _sum_reader("md5", 32),
    "sha1sum": _sum_reader("sha1", 40),
    "ncmec": _read_ncmec,
}
_WRITERS: Final[dict[str, Callable[[list[BankEntry], TextIO], WriteSummary]]] = {
    "csv": _write_csv,
    "vics": _write_vics,
    "hashdeep": _write_hashdeep,
    "md5sum": _sum_writer("md5"),
    "sha1sum": _sum_writer("sha1"),
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
    buffer = io.StringIO()
    summary = _WRITERS[name](list(entries), buffer)
    Path(path).write_text(buffer.getvalue(), encoding="utf-8")
    return summary
