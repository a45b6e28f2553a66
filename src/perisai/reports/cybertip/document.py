"""CyberTipline XML in and out: parsed safely, validated against NCMEC's published schema.

Parsing is defusedxml's: a DTD, entity or external reference is refused, never expanded. The
document is bounded (1 MiB, 40 levels deep) before the schema sees it, and the schema
(`cyber_tipline.xsd`, NCMEC's, shipped with the package) is loaded from the package only: no
import or include is ever fetched. Every problem is one line, ``path: reason``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Final
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

if TYPE_CHECKING:
    import xmlschema

MAX_XML_BYTES: Final = 1_048_576
MAX_DEPTH: Final = 40
MAX_PROBLEMS: Final = 50
XSD_PATH: Final = Path(__file__).with_name("cyber_tipline.xsd")
REPORT: Final = "report"
FILE_DETAILS: Final = "fileDetails"


class CybertipProblems(ValueError):
    """The document is not a valid CyberTipline document; ``problems`` has one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@lru_cache(maxsize=1)
def cybertip_schema() -> xmlschema.XMLSchema10:
    """NCMEC's schema, read once from the package (no network, no other file).

    xmlschema is imported here, not at start-up: it costs about a second to import."""
    import xmlschema

    return xmlschema.XMLSchema10(
        XSD_PATH.read_text(encoding="utf-8"), allow="none", defuse="always"
    )


def _too_deep(root: Element) -> bool:
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in element)
    return False


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def parse(raw: bytes, root_tag: str, name: str = "") -> Element:
    """The validated root element of a ``report`` or ``fileDetails`` document."""
    where = name or root_tag
    if len(raw) > MAX_XML_BYTES:
        raise CybertipProblems([f"{where}: larger than {MAX_XML_BYTES} bytes"])
    try:
        root: Element = SafeET.fromstring(raw, forbid_dtd=True)
    except (defusedxml.DTDForbidden, defusedxml.EntitiesForbidden):
        raise CybertipProblems([f"{where}: DTDs and entities are not allowed"]) from None
    except defusedxml.ExternalReferenceForbidden:
        raise CybertipProblems([f"{where}: external references are not allowed"]) from None
    except ParseError as exc:
        raise CybertipProblems([f"{where}: malformed XML: {exc}"]) from None
    if root.tag != root_tag:
        shown = root.tag[:60]
        raise CybertipProblems([f"{where}: the root element must be <{root_tag}>, not <{shown}>"])
    if _too_deep(root):
        raise CybertipProblems([f"{where}: nested deeper than {MAX_DEPTH} levels"])
    problems = validation_problems(root)
    if problems:
        raise CybertipProblems([f"{where}: {problem}" for problem in problems])
    return root


def validation_problems(root: Element) -> list[str]:
    """Where the document departs from NCMEC's schema, one line each (at most 50)."""
    problems = []
    for error in cybertip_schema().iter_errors(root):
        path = error.path or f"/{root.tag}"
        problems.append(f"{path}: {_one_line(error.reason or str(error))}")
        if len(problems) >= MAX_PROBLEMS:
            problems.append("(further problems not listed)")
            break
    return problems
