"""Incremental conversation state and the conversation-level feature vector.

The state is updated once per message in O(kinds + authors) and never re-reads old messages,
which is what makes streaming cheap. Features describe *who* produced *which* signals towards
*whom*, how far and how fast the suspect escalated through the stages, and the context that makes
look-alike chats innocent (family, school, coaching, trade, talk about grooming).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from perisai.grooming.models import AuthorHint, Signal
from perisai.grooming.signals import MessageAnalysis
from perisai.grooming.taxonomy import KIND_STAGE, KIND_SUSPICION, KINDS, STAGE_ORDER

CONTEXTS: tuple[str, ...] = ("family", "school", "coach", "commerce", "education")
_LATE_STAGE = STAGE_ORDER["exclusivity_isolation"]
_MINOR_HINT_DISCOUNT = 0.5  # a declared minor can groom, but is less likely the groomer
_SIGNAL_CAP = 3  # repeating one kind says less than adding kinds

FEATURE_NAMES: tuple[str, ...] = (
    *(f"has_{kind}" for kind in KINDS),
    "n_kinds",
    "n_stages",
    "max_stage",
    "log_signals",
    "signal_density",
    "suspect_share",
    "other_log_signals",
    "other_n_kinds",
    "reciprocal_age_probe",
    "early_and_late",
    "late_speed",
    *(f"ctx_{name}" for name in CONTEXTS),
    "log_quoted",
    "suspect_adult",
    "suspect_minor",
    "other_minor",
    "other_adult",
    "age_gap",
    "minor_x_late",
    "log_messages",
    "group_chat",
)


@dataclass(slots=True)
class AuthorState:
    kind_counts: dict[str, int] = field(default_factory=dict)
    first_late: int | None = None
    messages: int = 0
    signals: int = 0
    suspicion: float = 0.0
    minor_cue: bool = False
    adult_cue: bool = False


@dataclass(slots=True)
class ConversationState:
    hints: dict[str, AuthorHint]
    messages: int = 0
    authors: dict[str, AuthorState] = field(default_factory=dict)
    kind_totals: dict[str, int] = field(default_factory=dict)
    contexts: dict[str, int] = field(default_factory=dict)
    quoted: int = 0
    signals_total: int = 0
    suspect: str | None = None
    signals: list[Signal] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)

    def update(self, author: str, analysis: MessageAnalysis) -> None:
        index = self.messages
        self.messages += 1
        self.languages.append(analysis.lang)
        state = self.authors.get(author)
        if state is None:
            state = self.authors[author] = AuthorState()
        state.messages += 1
        state.minor_cue |= analysis.minor_cue
        state.adult_cue |= analysis.adult_cue
        for name in analysis.contexts:
            self.contexts[name] = self.contexts.get(name, 0) + 1
        self.quoted += analysis.quoted_signals
        if not analysis.signals:
            return
        for signal in analysis.signals:
            self._count(state, signal.kind, index)
        self.signals.extend(analysis.signals)
        self._maybe_new_suspect(author, state)

    def _count(self, state: AuthorState, kind: str, index: int) -> None:
        previous = state.kind_counts.get(kind, 0)
        state.kind_counts[kind] = previous + 1
        self.kind_totals[kind] = self.kind_totals.get(kind, 0) + 1
        state.signals += 1
        self.signals_total += 1
        if previous < _SIGNAL_CAP:
            state.suspicion += KIND_SUSPICION[kind]
        if STAGE_ORDER[KIND_STAGE[kind]] >= _LATE_STAGE and state.first_late is None:
            state.first_late = index

    def _maybe_new_suspect(self, author: str, state: AuthorState) -> None:
        if self.suspect is None or self.suspect == author:
            self.suspect = author
            return
        if self._weighted(author, state) > self._weighted(self.suspect, self.authors[self.suspect]):
            self.suspect = author

    def _weighted(self, author: str, state: AuthorState) -> float:
        hint = self.hints.get(author)
        if hint is not None and hint.is_minor:
            return state.suspicion * _MINOR_HINT_DISCOUNT
        return state.suspicion

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

    def features(self) -> list[float]:
        """The feature vector, in FEATURE_NAMES order."""
        suspect = self.suspect
        sstate = self.authors[suspect] if suspect is not None else AuthorState()
        counts = sstate.kind_counts
        stages = {STAGE_ORDER[KIND_STAGE[kind]] for kind in counts}
        others = [name for name in self.authors if name != suspect]
        other_signals = self.signals_total - sstate.signals
        other_kinds = sum(1 for k, n in self.kind_totals.items() if n > counts.get(k, 0))
        other_minor = any(self.is_minor(name) for name in others)
        has_late = sstate.first_late is not None
        early = any(rank < _LATE_STAGE for rank in stages)
        vector = [1.0 if kind in counts else 0.0 for kind in KINDS]
        vector += [
            len(counts) / 4.0,
            len(stages) / 3.0,
            (max(stages) + 1) / len(STAGE_ORDER) if stages else 0.0,
            math.log1p(sstate.signals),
            sstate.signals / sstate.messages if sstate.messages else 0.0,
            sstate.signals / self.signals_total if self.signals_total else 0.0,
            math.log1p(other_signals),
            other_kinds / 4.0,
            1.0
            if counts.get("age_probe") and self.kind_totals["age_probe"] > counts["age_probe"]
            else 0.0,
            1.0 if early and has_late else 0.0,
            10.0 / (10.0 + (sstate.first_late or 0)) if has_late else 0.0,
        ]
        vector += [math.log1p(self.contexts.get(name, 0)) for name in CONTEXTS]
        vector += [
            math.log1p(self.quoted),
            1.0 if suspect is not None and self.is_adult(suspect) else 0.0,
            1.0 if suspect is not None and self.is_minor(suspect) else 0.0,
            1.0 if other_minor else 0.0,
            1.0 if any(self.is_adult(name) for name in others) else 0.0,
            self._age_gap(suspect, others),
            1.0 if other_minor and has_late else 0.0,
            math.log1p(self.messages) / 5.0,
            1.0 if len(self.authors) > 2 else 0.0,
        ]
        return vector

    def _age_gap(self, suspect: str | None, others: list[str]) -> float:
        """Declared age of the suspect minus the youngest other party, scaled; 0 when unknown."""
        if suspect is None:
            return 0.0
        hint = self.hints.get(suspect)
        ages = [
            h.declared_age
            for name in others
            if (h := self.hints.get(name)) is not None and h.declared_age is not None
        ]
        if hint is None or hint.declared_age is None or not ages:
            return 0.0
        return max(-1.0, min(1.0, (hint.declared_age - min(ages)) / 20.0))
