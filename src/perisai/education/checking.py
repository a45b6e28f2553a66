"""Check a chat: score it with the grooming engine and explain the result. Nothing is kept.

Everything here works on values in memory and returns a view model; there is no database,
file or log access in this module (the nothing-stored test relies on it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from html import escape

from perisai.chats import ChatMessage, ParsedChat, to_transcript
from perisai.education.signs import (
    Audience,
    Words,
    explain_kind,
    explain_learned,
    explain_stage,
)
from perisai.education.timefmt import show
from perisai.grooming import (
    MAX_MESSAGES_PER_CONVERSATION,
    STAGES,
    Assessment,
    Conversation,
    Message,
    Signal,
    default_scorer,
)

MAX_SHOWN = 50  # flagged messages listed on the page (the rest are counted)
MAX_TRANSCRIPT_BYTES = 80_000  # carried to the hotline form, as HTML; above it, an excerpt
MAX_SHOWN_CHARS = 700  # of one flagged message: the part around its warning signs
CONTEXT = 2  # messages before and after each flagged one in an excerpt
# Together these keep the result page under 200 KB however long the chat (see the tests).


@dataclass(frozen=True)
class Sign:
    kind: str
    stage: str | None
    words: Words


@dataclass(frozen=True)
class Flagged:
    index: int
    author: str
    when: str | None
    when_iso: str | None
    pieces: list[tuple[str, bool]]  # the text in pieces; True where the warning sign is
    signs: list[Sign]
    # The engine's learned layer counted this message: "unlisted" when no listed sign is in it
    # (worded like one, not in the usual words), "also" beside listed signs, None otherwise.
    learned: str | None = None


@dataclass(frozen=True)
class StageStep:
    stage: str
    words: Words
    seen: bool
    reached: bool  # the furthest stage the chat reached


@dataclass
class CheckResult:
    format: str
    audience: Audience
    total: int
    scored: int
    level: str  # "danger" | "watch" | "none"
    suspect: str | None
    steps: list[StageStep]
    flagged: list[Flagged]
    more_flagged: int
    signs: list[Sign]
    transcript: str
    transcript_is_excerpt: bool
    kinds: set[str] = field(default_factory=set)
    learned: Words | None = None  # what a learned-layer hit means, when the chat has one

    @property
    def has_threat(self) -> bool:
        return bool(self.kinds & {"threat", "coercion"})

    @property
    def wants_meeting(self) -> bool:
        return "meeting_request" in self.kinds


def score(messages: list[ChatMessage]) -> Assessment:
    conversation = Conversation(
        id="check",
        messages=[Message(m.author or "?", m.text, m.sent_at) for m in messages],
    )
    return default_scorer().score(conversation)


def _window(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """The part of a long message around its warning signs, with the spans moved to match."""
    if len(text) <= MAX_SHOWN_CHARS:
        return text, spans
    first = min((s[0] for s in spans), default=0)
    start = max(0, min(first - MAX_SHOWN_CHARS // 3, len(text) - MAX_SHOWN_CHARS))
    end = start + MAX_SHOWN_CHARS
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    shift = len(prefix) - start
    moved = [(a + shift, b + shift) for a, b in spans if a >= start and b <= end]
    return prefix + text[start:end] + suffix, moved


def _pieces(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    text, spans = _window(text, spans)
    merged: list[list[int]] = []
    for start, end in sorted(s for s in spans if 0 <= s[0] < s[1] <= len(text)):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in merged:
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text) or not pieces:
        pieces.append((text[at:], False))
    return pieces


def _sign(signal: Signal, lang: str) -> Sign:
    return Sign(signal.kind, signal.stage, explain_kind(signal.kind, signal.stage, lang))


def _flagged(
    messages: list[ChatMessage],
    by_message: dict[int, list[Signal]],
    learned: set[int],
    lang: str,
) -> list[Flagged]:
    found = []
    for index in sorted(set(by_message) | learned)[:MAX_SHOWN]:
        message = messages[index]
        signals = by_message.get(index, [])
        kinds = list(dict.fromkeys(s.kind for s in signals))
        first = {s.kind: s for s in reversed(signals)}
        hit = None
        if index in learned:
            hit = "also" if signals else "unlisted"
        found.append(
            Flagged(
                index=index,
                author=message.author,
                when=show(message.sent_at, lang) if message.sent_at else None,
                when_iso=message.sent_at.isoformat() if message.sent_at else None,
                pieces=_pieces(message.text, [s.span for s in signals]),
                signs=[_sign(first[kind], lang) for kind in kinds],
                learned=hit,
            )
        )
    return found


def _steps(assessment: Assessment, lang: str) -> list[StageStep]:
    seen = {s.stage for s in assessment.signals}
    steps = []
    for stage in STAGES:
        words = explain_stage(stage, lang)
        if words is not None:
            steps.append(StageStep(stage, words, stage in seen, stage == assessment.stage))
    return steps


def _weight(text: str) -> int:
    """Bytes the text takes in the page once HTML-escaped (an upper bound of Jinja's escaping)."""
    return len(escape(text).encode("utf-8"))


def _transcript(messages: list[ChatMessage], flagged: set[int]) -> tuple[str, bool]:
    whole = to_transcript(messages)
    if _weight(whole) <= MAX_TRANSCRIPT_BYTES:
        return whole, False
    keep = sorted(
        {i for f in flagged for i in range(f - CONTEXT, f + CONTEXT + 1) if 0 <= i < len(messages)}
    )
    excerpt = to_transcript([messages[i] for i in keep])
    while _weight(excerpt) > MAX_TRANSCRIPT_BYTES and keep:
        keep = keep[len(keep) // 10 + 1 :]  # drop the oldest first: the latest matter most
        excerpt = to_transcript([messages[i] for i in keep])
    return excerpt, True


def check_chat(chat: ParsedChat, *, lang: str, audience: Audience) -> CheckResult:
    """Score the chat (its latest messages when it is longer than the engine takes)."""
    messages = chat.messages[-MAX_MESSAGES_PER_CONVERSATION:]
    assessment = score(messages)
    by_message: dict[int, list[Signal]] = defaultdict(list)
    for signal in assessment.signals:
        if 0 <= signal.message < len(messages):
            by_message[signal.message].append(signal)
    kinds_in_order = sorted(
        {s.kind: s for s in assessment.signals}.values(),
        key=lambda s: (STAGES.index(s.stage) if s.stage in STAGES else len(STAGES), s.message),
    )
    # The learned layer's counted hits: messages worded like a warning sign (the suspect's).
    learned = {h.message for h in assessment.learned if 0 <= h.message < len(messages)}
    flagged = set(by_message) | learned
    if assessment.flag:
        level = "danger"
    elif assessment.signals:
        level = "watch"
    else:
        level = "none"
    transcript, is_excerpt = _transcript(messages, flagged)
    return CheckResult(
        format=chat.format,
        audience=audience,
        total=len(chat.messages),
        scored=len(messages),
        level=level,
        suspect=assessment.suspect if assessment.signals else None,
        steps=_steps(assessment, lang),
        flagged=_flagged(messages, by_message, learned, lang),
        more_flagged=max(0, len(flagged) - MAX_SHOWN),
        signs=[_sign(s, lang) for s in kinds_in_order],
        transcript=transcript,
        transcript_is_excerpt=is_excerpt,
        kinds={s.kind for s in assessment.signals},
        learned=explain_learned(lang) if learned else None,
    )
