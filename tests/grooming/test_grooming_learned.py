"""The learned layer runs only on conversations the fast layer finds suspicious, and then
scores the messages it skipped (the last 40), so gating costs no evidence."""

from __future__ import annotations

import pytest

from perisai.grooming import Conversation, GroomingScorer, Message
from perisai.grooming.features import FEATURE_NAMES
from perisai.grooming.model import CombinerModel, load_model

NEUTRAL = ["haha", "ok", "what u having for lunch", "nasi lemak", "so hot today", "ikr"]


@pytest.fixture
def scored_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace the layer by one that records what it scores and calls "zz" messages hits."""
    seen: list[str] = []

    def fake(self: CombinerModel, text: str) -> float:
        seen.append(text)
        return 0.95 if "zz" in text else 0.05

    monkeypatch.setattr(CombinerModel, "learned", fake)
    return seen


def test_packaged_model_has_the_layer_and_trusts_its_hits() -> None:
    model = load_model()
    assert model.layer is not None and model.layer.weights
    assert model.weights[FEATURE_NAMES.index("learned_hits")] > 0.0
    assert model.weights[FEATURE_NAMES.index("learned_strong")] > 0.0


def test_a_chat_without_any_indicator_never_reaches_the_layer(scored_texts: list[str]) -> None:
    chat = [Message("a" if i % 2 else "b", text) for i, text in enumerate(NEUTRAL * 5)]
    assessment = GroomingScorer.load().score(Conversation("c", chat, {}))
    assert not assessment.signals
    assert scored_texts == []


def test_earlier_messages_are_scored_when_the_first_indicator_arrives(
    scored_texts: list[str],
) -> None:
    chat = [
        Message("a", "zz paraphrase the lexicon does not know"),
        *[Message("b" if i % 2 else "a", t) for i, t in enumerate(NEUTRAL)],
        Message("a", "how old are u"),
    ]
    scorer = GroomingScorer.load()
    stream = scorer.stream("c")
    for message in chat[:-1]:
        stream.feed(message)
    assert scored_texts == []  # nothing suspicious yet: the layer has not run
    with_hit = stream.feed(chat[-1])
    assert chat[0].text in scored_texts and chat[-1].text in scored_texts
    assert len(scored_texts) == len(chat)  # each message scored exactly once

    plain = [Message(m.author, m.text.replace("zz", "yy")) for m in chat]
    without_hit = scorer.score(Conversation("c", plain, {}))
    assert with_hit.risk > without_hit.risk  # the backfilled hit counts for its author
    assert [s.kind for s in with_hit.signals] == [s.kind for s in without_hit.signals]


def test_only_the_last_40_skipped_messages_are_kept(scored_texts: list[str]) -> None:
    chat = [Message("a", f"zz early {i}") for i in range(100)] + [Message("a", "how old are u")]
    GroomingScorer.load().score(Conversation("c", chat, {}))
    assert len(scored_texts) == 41
    assert scored_texts[0] == "zz early 60"


def test_counted_hits_are_shown_with_their_message(scored_texts: list[str]) -> None:
    from perisai.grooming import assessment_to_dict

    chat = [
        Message("a", "zz a paraphrase"),
        Message("b", "zz the other side, no evidence of theirs"),
        Message("b", "haha ok"),
        Message("a", "how old are u"),
    ]
    assessment = GroomingScorer.load().score(Conversation("c", chat, {}))
    assert assessment.suspect == "a"
    assert [(h.message, h.author, h.evidence) for h in assessment.learned] == [
        (0, "a", "zz a paraphrase")
    ]
    hit = assessment.learned[0]
    assert chat[0].text[hit.span[0] : hit.span[1]] == hit.evidence
    shown = assessment_to_dict(assessment)["learned"]
    assert shown == [{"message": 0, "evidence": "zz a paraphrase", "probability": 0.95}]


def test_no_hits_are_shown_without_lexicon_evidence(scored_texts: list[str]) -> None:
    chat = [Message("a", "zz only the layer thinks so"), Message("b", "which area?")]
    assessment = GroomingScorer.load().score(Conversation("c", chat, {}))
    assert all(h.author != "a" for h in assessment.learned)
