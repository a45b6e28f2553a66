"""Reading a validated CyberTipline tree while noting what was read.

Every element and attribute the mapping reads is marked; what is left afterwards was not
modelled, and is kept verbatim (``leftovers``) so that nothing of a valid report is dropped.
Times without a zone are read in the zone the importer states (else UTC) and counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from xml.etree.ElementTree import Element, tostring
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_FRACTION = re.compile(r"(\.\d{6})\d+")
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")
_DATE_ZONE = re.compile(r"(Z|[+-]\d{2}:\d{2})$")


@dataclass(frozen=True)
class Zone:
    """The zone zoneless times are read in, and why (stated by the importer, or the default)."""

    tz: tzinfo = UTC
    name: str = "UTC"
    stated: bool = False

    def describe(self) -> str:
        return (
            f"{self.name} (stated by the importer)"
            if self.stated
            else "UTC (no zone was stated; the schema's times may omit one)"
        )


def parse_zone(text: str) -> Zone:
    """``UTC``, ``+08:00`` / ``-0500``, or an IANA name such as ``Asia/Kuala_Lumpur``."""
    value = text.strip()
    if value.upper() in ("UTC", "Z"):
        return Zone(UTC, "UTC", stated=True)
    if m := _OFFSET.match(value):
        sign, hours, minutes = m.groups()
        offset = timedelta(hours=int(hours), minutes=int(minutes))
        if offset > timedelta(hours=14):
            raise ValueError(f"zone offset {value!r} is beyond ±14:00")
        return Zone(timezone(-offset if sign == "-" else offset), value, stated=True)
    try:
        return Zone(ZoneInfo(value), value, stated=True)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown zone {value[:60]!r} (use UTC, +08:00 or a name such as "
                         "Asia/Kuala_Lumpur)") from None  # fmt: skip


@dataclass
class Walk:
    """The mapping's view of one document: reads mark, leftovers are what nobody read."""

    root: Element
    zone: Zone = field(default_factory=Zone)
    zoneless: list[str] = field(default_factory=list)  # paths of times read in ``zone``
    problems: list[str] = field(default_factory=list)
    _used: set[int] = field(default_factory=set)
    _used_attrs: set[tuple[int, str]] = field(default_factory=set)
    _parents: dict[int, Element] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._parents = {id(child): parent for parent in self.root.iter() for child in parent}
        self._used.add(id(self.root))

    # --- reading ---------------------------------------------------------------------------

    def kids(self, parent: Element | None, tag: str) -> list[Element]:
        found = [] if parent is None else parent.findall(tag)
        self._used.update(id(child) for child in found)
        return found

    def kid(self, parent: Element | None, tag: str) -> Element | None:
        found = self.kids(parent, tag)
        return found[0] if found else None

    def text(self, parent: Element | None, tag: str) -> str | None:
        return value_of(self.kid(parent, tag))

    def texts(self, parent: Element | None, tag: str) -> list[str]:
        return [v for v in (value_of(child) for child in self.kids(parent, tag)) if v]

    def attr(self, element: Element | None, name: str) -> str | None:
        if element is None or name not in element.attrib:
            return None
        self._used_attrs.add((id(element), name))
        return element.attrib[name].strip() or None

    def boolean(self, parent: Element | None, tag: str) -> bool | None:
        return boolean(self.text(parent, tag))

    def bool_attr(self, element: Element | None, name: str) -> bool | None:
        return boolean(self.attr(element, name))

    def time(self, parent: Element | None, tag: str) -> str | None:
        element = self.kid(parent, tag)
        return self._time(value_of(element), element)

    def time_attr(self, element: Element | None, name: str) -> str | None:
        return self._time(self.attr(element, name), element, f"@{name}")

    def date(self, parent: Element | None, tag: str) -> str | None:
        text = self.text(parent, tag)
        return None if text is None else _DATE_ZONE.sub("", text)

    def _time(self, text: str | None, element: Element | None, suffix: str = "") -> str | None:
        if text is None or element is None:
            return None
        where = self.path(element) + (f"/{suffix}" if suffix else "")
        try:
            moment = datetime.fromisoformat(_FRACTION.sub(r"\1", text.replace("Z", "+00:00")))
        except ValueError:
            self.problems.append(f"{where}: {text[:40]!r} is not a time Python can hold")
            return None
        if moment.tzinfo is None:
            self.zoneless.append(where)
            moment = _localise(moment, self.zone.tz)
        return moment.isoformat()

    # --- what is left ----------------------------------------------------------------------

    def path(self, element: Element) -> str:
        parts = []
        current: Element | None = element
        while current is not None:
            parent = self._parents.get(id(current))
            name = current.tag
            if parent is not None:
                same = [child for child in parent if child.tag == current.tag]
                if len(same) > 1:
                    name += f"[{same.index(current) + 1}]"
            parts.append(name)
            current = parent
        return "/".join(reversed(parts))

    def leftovers(self) -> list[tuple[str, str]]:
        """(path, verbatim XML or attribute value) of every element and attribute not read,
        in document order (the depth is bounded by the parser)."""
        found: list[tuple[str, str]] = []
        self._left(self.root, found)
        return found

    def _left(self, element: Element, found: list[tuple[str, str]]) -> None:
        for name, value in element.attrib.items():
            if (id(element), name) not in self._used_attrs:
                found.append((f"{self.path(element)}/@{name}", value))
        for child in element:
            if id(child) in self._used:
                self._left(child, found)
            else:
                child.tail = None
                found.append((self.path(child), tostring(child, encoding="unicode")))


def _localise(moment: datetime, zone: tzinfo) -> datetime:
    """A wall-clock time in ``zone`` (for a named zone, its offset on that date)."""
    return moment.replace(tzinfo=zone)


def value_of(element: Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def boolean(text: str | None) -> bool | None:
    if text is None:
        return None
    return text.strip() in ("true", "1")
