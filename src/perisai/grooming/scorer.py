"""The public entry points: `GroomingScorer.score` for a whole conversation and
`GroomingScorer.stream(...).feed(message)` for one message at a time."""

from __future__ import annotations

import functools
from pathlib import Path

from perisai.grooming.features import LEARNED_HIT, ConversationState
from perisai.grooming.model import CombinerModel, load_model
from perisai.grooming.models import (
    MAX_AUTHOR_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_MESSAGES_PER_CONVERSATION,
    Assessment,
    AuthorHint,
    Conversation,
    GroomingInputError,
    Message,
)
from perisai.grooming.signals import analyse_message
from perisai.grooming.taxonomy import STAGE_ORDER, STAGES


class ConversationStream:
    """Per-conversation streaming state; each `feed` costs about the same however long the chat."""

    def __init__(
        self,
        model: CombinerModel,
        conversation_id: str,
        hints: dict[str, AuthorHint],
        threshold: float,
    ) -> None:
        self._model = model
        self._threshold = threshold
        self.conversation_id = conversation_id
        self._state = ConversationState(hints=dict(hints))
        self._author_risk: dict[str, float] = {}
        self._suspect: str | None = None
        self._peak_risk = 0.0
        self._first_flag: int | None = None
        self._empty: float | None = None  # risk with no suspect, until the state changes

    @property
    def first_flag_message(self) -> int | None:
        return self._first_flag

    @property
    def messages_seen(self) -> int:
        return self._state.messages

    def feed(self, message: Message) -> Assessment:
        """Add one message and return the assessment of everything fed so far."""
        self.update(message)
        return self.assessment()

    def update(self, message: Message) -> None:
        """Add one message without building an assessment (for bulk scoring)."""
        _check_message(message, self._state.messages)
        index = self._state.messages
        state = self._state
        analysis = analyse_message(index, message)
        learned, backfilled = state.learned(message, index, analysis, self._learned)
        others_changed = state.update(message, analysis, learned) or backfilled
        if (
            not analysis.signals
            and not analysis.explained
            and not others_changed
            and learned < LEARNED_HIT
        ):
            return  # no new evidence: nobody's risk can have changed
        self._empty = None
        authors = list(state.authors) if others_changed else [message.author]
        for author in authors:
            if state.has_evidence(author):
                self._author_risk[author] = self._model.probability(state.features(author))
        if not self._author_risk:
            return
        suspect = max(
            self._author_risk,
            key=lambda a: (self._author_risk[a], state.authors[a].suspicion),
        )
        if state.authors[suspect].kind_counts or state.authors[suspect].weak:
            self._suspect = suspect
        risk = self._author_risk[suspect]
        self._peak_risk = max(self._peak_risk, risk)
        if self._first_flag is None and risk >= self._threshold:
            self._first_flag = index

    def _learned(self, _index: int, text: str) -> float:
        return self._model.learned(text[:MAX_MESSAGE_CHARS])

    def assessment(self) -> Assessment:
        state = self._state
        suspect = self._suspect
        suspect_signals = [s for s in state.signals if s.author == suspect]
        stage = None
        if suspect_signals:
            stage = STAGES[max(STAGE_ORDER[s.stage] for s in suspect_signals)]
        risk = max(self._peak_risk, self._empty_risk())
        return Assessment(
            id=self.conversation_id,
            risk=round(risk, 4),
            flag=self._first_flag is not None,
            stage=stage,
            suspect=suspect,
            first_flag_message=self._first_flag,
            signals=list(state.signals),
            languages=list(state.languages),
            learned=state.shown_hits(suspect),
        )

    def _empty_risk(self) -> float:
        if self._empty is None:
            self._empty = self._model.probability(self._state.features(None))
        return self._empty


class GroomingScorer:
    """Scores conversations with the packaged (or a given) calibrated model."""

    def __init__(self, model: CombinerModel, threshold: float | None = None) -> None:
        self.model = model
        self.threshold = model.threshold if threshold is None else threshold
        if not 0.0 <= self.threshold <= 1.0:
            raise GroomingInputError(f"threshold must be between 0 and 1, got {self.threshold}")

    @classmethod
    def load(cls, path: Path | None = None, *, threshold: float | None = None) -> GroomingScorer:
        return cls(load_model(path), threshold)

    def stream(
        self, conversation_id: str, hints: dict[str, AuthorHint] | None = None
    ) -> ConversationStream:
        return ConversationStream(self.model, conversation_id, hints or {}, self.threshold)

    def score(self, conversation: Conversation) -> Assessment:
        if len(conversation.messages) > MAX_MESSAGES_PER_CONVERSATION:
            raise GroomingInputError(
                f"conversation {conversation.id!r} has {len(conversation.messages)} messages; "
                f"the limit is {MAX_MESSAGES_PER_CONVERSATION}"
            )
        stream = self.stream(conversation.id, conversation.hints)
        for message in conversation.messages:
            stream.update(message)
        return stream.assessment()


def _check_message(message: Message, index: int) -> None:
    if index >= MAX_MESSAGES_PER_CONVERSATION:
        raise GroomingInputError(
            f"more than {MAX_MESSAGES_PER_CONVERSATION} messages in one conversation"
        )
    if not isinstance(message.author, str) or not message.author:
        raise GroomingInputError(f"message {index}: author must be a non-empty string")
    if len(message.author) > MAX_AUTHOR_CHARS:
        raise GroomingInputError(f"message {index}: author id longer than {MAX_AUTHOR_CHARS}")
    if not isinstance(message.text, str):
        raise GroomingInputError(f"message {index}: text must be a string")


@functools.cache
def default_scorer() -> GroomingScorer:
    """The packaged model at its default threshold, loaded once per process."""
    return GroomingScorer.load()
