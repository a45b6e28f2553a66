"""Incremental conversation state and the per-author evidence vector.

Risk is computed for each author as a possible suspect, from that author's *evidence* only:
which kinds of indicator they produced (unexplained by their own message), how many stages,
how far, how recently, whether control behaviour (secrecy, isolation, deceiving parents, …)
came with a request, late-night timing, and what is known about ages. No feature counts
messages, so neutral replies can never raise risk, and every evidence feature carries a
non-negative weight (enforced in training), so more evidence, a declared adult-to-minor age gap,
a move to a private platform or a secrecy request can never lower it. The conversation's risk is
the highest of its authors'.

The state is updated once per message in O(kinds + authors) and never re-reads old messages.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from perisai.grooming.models import AuthorHint, LearnedHit, Message, Signal
from perisai.grooming.signals import MessageAnalysis
from perisai.grooming.taxonomy import (
    CONTACT_REQUEST_KINDS,
    CONTROL_KINDS,
    KIND_STAGE,
    KIND_SUSPICION,
    KINDS,
    STAGE_ORDER,
)

_LATE_STAGE = STAGE_ORDER["exclusivity_isolation"]
_SIGNAL_CAP = 3  # repeating one kind says less than adding kinds
_RECENT = 40  # messages: evidence older than this no longer counts as "recent" (decay)
_NIGHT = (22, 5)  # local hours [22:00, 05:00): late-night contact
LEARNED_HIT = 0.5  # the learned layer's probability for a message to count as a hit
LEARNED_STRONG = 0.8
_SHOWN_HITS = 10  # learned hits kept per author for the explanation (the features cap at 3)
_SHOWN_CHARS = 300  # a hit's evidence is its message, up to this many characters

# Direction of each feature's weight: +1 never lowers risk, -1 never raises it, 0 learned freely.
FEATURE_SIGNS: dict[str, int] = {
    **{f"has_{kind}": 1 for kind in KINDS},
    "n_kinds": 1,
    "n_stages": 1,
    "max_stage": 1,
    "n_control": 1,
    "control_and_request": 1,
    "early_and_late": 1,
    "log_signals": 1,
    "recent_kinds": 1,
    "explained_kinds": 1,
    "weak_kinds": 1,
    "late_night": 1,
    "suspect_adult": 1,
    "other_minor": 1,
    "age_gap": 1,
    "both_minor": -1,
    "all_adult": -1,
    "reciprocated": -1,
    "group_chat": 0,
    # the learned layer (learned.py): share of up to 3 of the author's messages it scored high
    "learned_hits": 1,
    "learned_strong": 1,
}
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURE_SIGNS)


@dataclass(slots=True)
class AuthorState:
    kind_counts: dict[str, int] = field(default_factory=dict)
    kind_last: dict[str, int] = field(default_factory=dict)  # message index of the latest
    explained: set[str] = field(default_factory=set)
    weak: set[str] = field(default_factory=set)  # kinds seen only in weak wordings
    messages: int = 0
    signals: int = 0
    capped_signals: int = 0
    suspicion: float = 0.0
    minor_cue: bool = False
    adult_cue: bool = False
    late_night: bool = False
    learned_hits: int = 0
    learned_strong: int = 0
    hits: list[LearnedHit] = field(default_factory=list)  # the first _SHOWN_HITS, for display


def _is_night(message: Message) -> bool:
    if message.sent_at is None or message.sent_at.tzinfo is None:
        return False  # no clock, or no way to know the author's local hour
    hour = message.sent_at.hour
    return hour >= _NIGHT[0] or hour < _NIGHT[1]


@dataclass(slots=True)
class ConversationState:
    hints: dict[str, AuthorHint]
    # Training only: count explained kinds as evidence, as if the explanation words were
    # missing (look-alike chats in wording the explanation lists do not know).
    ignore_explanations: bool = False
    messages: int = 0
    authors: dict[str, AuthorState] = field(default_factory=dict)
    kind_totals: dict[str, int] = field(default_factory=dict)
    quoted: int = 0
    suspicious: bool = False  # the lexicon has found something (a signal, weak or explained)
    # Messages before that, not yet scored by the learned layer: (author, index, text).
    pending: deque[tuple[str, int, str]] = field(default_factory=lambda: deque(maxlen=_RECENT))
    signals: list[Signal] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)

    def update(self, message: Message, analysis: MessageAnalysis, learned: float = 0.0) -> bool:
        """Add one message (`learned`: the learned layer's probability for it); True when
        another author's features may have changed too."""
        author = message.author
        index = self.messages
        self.messages += 1
        self.languages.append(analysis.lang)
        state = self.authors.get(author)
        new_author = state is None
        if state is None:
            state = self.authors[author] = AuthorState()
        state.messages += 1
        cue_changed = (analysis.minor_cue and not state.minor_cue) or (
            analysis.adult_cue and not state.adult_cue
        )
        state.minor_cue |= analysis.minor_cue
        state.adult_cue |= analysis.adult_cue
        self.quoted += analysis.quoted_signals
        self.suspicious = self.suspicious or self.layer_runs(analysis)
        # A hit never undoes an explanation: a message whose signal its own words explained
        # (a photo *of the stove*) or that quotes warning phrases is not counted again.
        # (In training's explanation-blind pass the explained message counts, as it would if
        # the explanation were worded in a way the lists do not know.)
        if not analysis.quoted_signals and (self.ignore_explanations or not analysis.explained):
            self._hit(state, index, author, message.text, learned)
        if self.ignore_explanations:
            for kind in analysis.explained:
                self._count(state, kind, index)
        else:
            state.explained.update(analysis.explained)
        if analysis.signals:
            for signal in analysis.signals:
                if signal.weak:
                    state.weak.add(signal.kind)
                    self.kind_totals[signal.kind] = self.kind_totals.get(signal.kind, 0) + 1
                else:
                    self._count(state, signal.kind, index)
            self.signals.extend(analysis.signals)
            if _is_night(message):
                state.late_night = True
        return cue_changed or new_author or bool(analysis.signals)

    def learned(
        self,
        message: Message,
        index: int,
        analysis: MessageAnalysis,
        score: Callable[[int, str], float],
    ) -> tuple[float, bool]:
        """The learned layer's probability for this message (0 while the conversation has no
        lexicon evidence: the message is kept, up to the last 40, and scored, with its hit
        counted for its author, when the first evidence arrives), and whether earlier messages
        were scored now (other authors' features may have changed)."""
        if not self.layer_runs(analysis):
            if not analysis.quoted_signals:
                self.pending.append((message.author, index, message.text))
            return 0.0, False
        backfilled = bool(self.pending)
        for author, earlier, text in self.pending:
            self._hit(self.authors[author], earlier, author, text, score(earlier, text))
        self.pending.clear()
        return score(index, message.text), backfilled

    def _hit(self, state: AuthorState, index: int, author: str, text: str, p: float) -> None:
        if p >= LEARNED_HIT:
            state.learned_hits += 1
            state.learned_strong += p >= LEARNED_STRONG
            if len(state.hits) < _SHOWN_HITS:
                shown = text[:_SHOWN_CHARS]
                state.hits.append(LearnedHit(index, author, shown, (0, len(shown)), round(p, 3)))

    def layer_runs(self, analysis: MessageAnalysis) -> bool:
        """Whether the learned layer scores this message: only once the lexicon has found
        something in the conversation (from this message on), so chats with no indicator at
        all, most of a platform's traffic, cost only the fast layer."""
        return self.suspicious or bool(analysis.signals or analysis.explained)

    def _count(self, state: AuthorState, kind: str, index: int) -> None:
        previous = state.kind_counts.get(kind, 0)
        state.kind_counts[kind] = previous + 1
        state.kind_last[kind] = index
        self.kind_totals[kind] = self.kind_totals.get(kind, 0) + 1
        state.signals += 1
        if previous < _SIGNAL_CAP:
            state.capped_signals += 1
            state.suspicion += KIND_SUSPICION[kind]

    def has_evidence(self, author: str) -> bool:
        state = self.authors.get(author)
        return state is not None and bool(state.kind_counts or state.explained or state.weak)

    def is_minor(self, author: str) -> bool:
        hint = self.hints.get(author)
        if hint is not None and (hint.is_minor or hint.is_adult):
            return hint.is_minor
        state = self.authors.get(author)
        return state is not None and state.minor_cue and not state.adult_cue

    def is_adult(self, author: str) -> bool:
        hint = self.hints.get(author)
        if hint is not None and (hint.is_minor or hint.is_adult):
            return hint.is_adult
        state = self.authors.get(author)
        return state is not None and state.adult_cue and not state.minor_cue

    def shown_hits(self, author: str | None) -> list[LearnedHit]:
        """The learned layer's hits that count for `author` (corroborated: only when the
        lexicon has evidence of theirs), to show beside the lexicon's signals."""
        state = self.authors.get(author) if author is not None else None
        return list(state.hits) if state is not None and state.kind_counts else []

    def features(self, author: str | None) -> list[float]:
        """The evidence vector of `author` as the suspect, in FEATURE_NAMES order."""
        state = self.authors.get(author) if author is not None else None
        if state is None:
            state = AuthorState()
        counts = state.kind_counts
        kinds = set(counts)
        stages = {STAGE_ORDER[KIND_STAGE[kind]] for kind in kinds}
        others = [name for name in self.authors if name != author]
        control = kinds & CONTROL_KINDS
        recent = sum(1 for k in kinds if self.messages - state.kind_last[k] <= _RECENT)
        reciprocated = (
            sum(1 for k, n in counts.items() if self.kind_totals.get(k, 0) > n) / len(kinds)
            if kinds
            else 0.0
        )
        other_minor = any(self.is_minor(name) for name in others)
        self_minor = author is not None and self.is_minor(author)
        vector = [1.0 if kind in kinds else 0.0 for kind in KINDS]
        vector += [
            len(kinds) / 4.0,
            len(stages) / 3.0,
            (max(stages) + 1) / len(STAGE_ORDER) if stages else 0.0,
            len(control) / 3.0,
            1.0 if control and kinds & CONTACT_REQUEST_KINDS else 0.0,
            1.0 if stages and min(stages) < _LATE_STAGE <= max(stages) else 0.0,
            math.log1p(state.capped_signals),
            recent / 4.0,
            len(state.explained - kinds) / 4.0,
            len(state.weak - kinds) / 4.0,
            1.0 if state.late_night else 0.0,
            1.0 if author is not None and self.is_adult(author) else 0.0,
            1.0 if other_minor else 0.0,
            self._age_gap(author, others),
            1.0 if self_minor and others and all(self.is_minor(n) for n in others) else 0.0,
            1.0
            if author is not None
            and self.is_adult(author)
            and others
            and all(self.is_adult(n) for n in others)
            else 0.0,
            reciprocated,
            1.0 if len(self.authors) > 2 else 0.0,
            # corroboration: the layer adds to an author who gave the lexicon some evidence
            min(state.learned_hits, 3) / 3.0 if counts else 0.0,
            min(state.learned_strong, 3) / 3.0 if counts else 0.0,
        ]
        return vector

    def _age_gap(self, author: str | None, others: list[str]) -> float:
        """How much older the author is than the youngest other party (declared ages), 0..1.

        Only a gap in the adult-to-younger direction counts; never negative, so declaring ages
        can never lower anyone's risk through this feature.
        """
        if author is None:
            return 0.0
        hint = self.hints.get(author)
        ages = [
            h.declared_age
            for name in others
            if (h := self.hints.get(name)) is not None and h.declared_age is not None
        ]
        if hint is None or hint.declared_age is None or not ages:
            return 0.0
        return max(0.0, min(1.0, (hint.declared_age - min(ages)) / 20.0))
