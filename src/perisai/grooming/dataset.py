"""Labelled conversations: our JSONL format and the PAN 2012 XML format.

JSONL record = a conversation (see `serialise`) plus `label` ("grooming" | "benign") and
optionally `split` ("train" | "test"), `lang`, `category`, `suspect`, `first_indicator` and
`first_contact_request` (message indexes annotated by whoever wrote the data).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perisai.grooming.models import Conversation, GroomingInputError, Message
from perisai.grooming.serialise import conversation_from_dict, read_json_objects

LABELS = {"grooming": True, "benign": False}


@dataclass(frozen=True, slots=True)
class Labelled:
    conversation: Conversation
    grooming: bool
    split: str = "train"
    lang: str = "unknown"
    category: str = ""
    suspect: str | None = None
    first_indicator: int | None = None
    first_contact_request: int | None = None
    origin: str = ""  # how the record was made ("hand", "generated"), for reporting by subset


def _optional_index(obj: dict[str, Any], key: str, where: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise GroomingInputError(f"{where}: {key!r} must be a message index")
    return value


def labelled_from_dict(obj: dict[str, Any], where: str) -> Labelled:
    label = obj.get("label")
    if label not in LABELS:
        raise GroomingInputError(f"{where}: 'label' must be 'grooming' or 'benign'")
    split = obj.get("split", "train")
    if split not in ("train", "test"):
        raise GroomingInputError(f"{where}: 'split' must be 'train' or 'test'")
    suspect = obj.get("suspect")
    return Labelled(
        conversation=conversation_from_dict(obj, where),
        grooming=LABELS[label],
        split=split,
        lang=str(obj.get("lang", "unknown")),
        category=str(obj.get("category", "")),
        suspect=str(suspect) if suspect is not None else None,
        first_indicator=_optional_index(obj, "first_indicator", where),
        first_contact_request=_optional_index(obj, "first_contact_request", where),
        origin=str(obj.get("origin", "")),
    )


def load_jsonl(path: Path) -> list[Labelled]:
    """Read a labelled JSONL file; the first bad line stops it with an error naming the line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GroomingInputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    records = []
    for parsed in read_json_objects(data):
        if parsed.obj is None:
            raise GroomingInputError(f"{path}: {parsed.error}")
        records.append(labelled_from_dict(parsed.obj, f"{path}: line {parsed.line}"))
    return records


def load_pan(xml_path: Path, predators_path: Path) -> list[Labelled]:
    """Read a PAN 2012 conversations XML and its predator-id list (parsed with defusedxml)."""
    try:
        predators = {
            line.strip() for line in predators_path.read_text("utf-8").splitlines() if line.strip()
        }
    except (OSError, UnicodeDecodeError) as exc:
        raise GroomingInputError(f"cannot read {predators_path}: {exc}") from exc
    return list(_iter_pan(xml_path, predators))


def _iter_pan(xml_path: Path, predators: set[str]) -> Iterator[Labelled]:
    # Imported here: defusedxml is only needed by `train`, not by scoring.
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, iterparse

    try:
        for _event, element in iterparse(str(xml_path), events=("end",)):
            if element.tag != "conversation":
                continue
            messages = [
                Message(
                    author=(msg.findtext("author") or "").strip() or "?",
                    text=msg.findtext("text") or "",
                )
                for msg in element.iter("message")
            ]
            authors = {m.author for m in messages}
            found = sorted(authors & predators)
            conversation_id = element.get("id", "?")
            element.clear()  # keep memory flat on the 900k-message corpus
            yield Labelled(
                conversation=Conversation(id=conversation_id, messages=messages),
                grooming=bool(found),
                lang="en",
                category="pan2012",
                suspect=found[0] if found else None,
            )
    except (OSError, ParseError, DefusedXmlException) as exc:
        raise GroomingInputError(f"cannot parse PAN XML {xml_path}: {exc}") from exc
