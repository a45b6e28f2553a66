"""Per-message analysis: signals with exact evidence, context markers, age cues, language."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from perisai.grooming.langid import detect_language
from perisai.grooming.lexicon import (
    ADULT_REGEX,
    CONTEXT_REGEX,
    EXPLAINS,
    EXPLANATION_REGEX,
    MINOR_REGEX,
    SIGNAL_REGEX,
    WEAK_SUFFIX,
)
from perisai.grooming.models import MAX_MESSAGE_CHARS, Message, Signal
from perisai.grooming.normalise import normalise
from perisai.grooming.taxonomy import KIND_STAGE


@dataclass(frozen=True, slots=True)
class MessageAnalysis:
    lang: str
    signals: list[Signal]
    contexts: frozenset[str]
    minor_cue: bool
    adult_cue: bool
    # Signals inside text that talks *about* grooming (news, school talks) or inside quotation
    # marks: counted separately, never shown as the author's own behaviour.
    quoted_signals: int
    # Kinds found but explained by this same message (a photo *of the stove*, a secret *cake*):
    # not shown, and weighed apart from unexplained evidence.
    explained: tuple[str, ...] = ()


# Text between double quotation marks (straight, curly or guillemets): someone quoting words.
_QUOTED = re.compile(r"[\"“”«»„][^\"“”«»„]{3,400}[\"“”«»„]")


_CACHED_CHARS = 200  # short messages ("ok", "haha", "u home?") repeat; cache their analysis


@dataclass(frozen=True, slots=True)
class _TextAnalysis:
    lang: str
    found: tuple[tuple[str, int, int, bool], ...]  # kind, start, end (original text), weak
    contexts: frozenset[str]
    minor_cue: bool
    adult_cue: bool
    quoted_signals: int
    explained: tuple[str, ...]


def analyse_message(index: int, message: Message) -> MessageAnalysis:
    text = message.text[:MAX_MESSAGE_CHARS]
    result = _analyse_cached(text) if len(text) <= _CACHED_CHARS else _analyse_text(text)
    return MessageAnalysis(
        lang=result.lang,
        signals=[
            Signal(
                message=index,
                kind=kind,
                stage=KIND_STAGE[kind],
                evidence=text[start:end],
                span=(start, end),
                lang=result.lang,
                author=message.author,
                weak=weak,
            )
            for kind, start, end, weak in result.found
        ],
        contexts=result.contexts,
        minor_cue=result.minor_cue,
        adult_cue=result.adult_cue,
        quoted_signals=result.quoted_signals,
        explained=result.explained,
    )


def _analyse_text(text: str) -> _TextAnalysis:
    norm = normalise(text)
    lang = detect_language(norm.raw_tokens)
    contexts = frozenset(
        m.lastgroup for m in CONTEXT_REGEX.finditer(norm.text) if m.lastgroup is not None
    )
    explaining: set[str] = set()
    for match in EXPLANATION_REGEX.finditer(norm.text):
        if match.lastgroup is not None:
            explaining |= EXPLAINS[match.lastgroup]
    quotes = [m.span() for m in _QUOTED.finditer(text)] if '"' in text or "“" in text else []
    found: list[tuple[str, int, int, bool]] = []
    explained: list[str] = []
    quoted = 0
    for match in SIGNAL_REGEX.finditer(norm.text):
        group = match.lastgroup
        if group is None:
            continue
        kind = group.removesuffix(WEAK_SUFFIX)
        start, end = norm.original_span(*match.span())
        if any(a <= start and end <= b for a, b in quotes):
            quoted += 1
            continue
        if kind in explaining:
            explained.append(kind)
            continue
        found.append((kind, start, end, kind != group))
    if found and "education" in contexts:
        quoted, found = quoted + len(found), []
    return _TextAnalysis(
        lang=lang,
        found=tuple(found),
        contexts=contexts,
        minor_cue=MINOR_REGEX.search(norm.text) is not None,
        adult_cue=ADULT_REGEX.search(norm.text) is not None,
        quoted_signals=quoted,
        explained=tuple(explained),
    )


_analyse_cached = functools.lru_cache(maxsize=16_384)(_analyse_text)
