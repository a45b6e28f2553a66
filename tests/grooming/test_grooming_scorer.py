"""The scorer and the stream: flags, suspects, stages, hints, thresholds, limits."""

from __future__ import annotations

from collections import Counter

import pytest

import perisai.grooming.signals as signals_module
from perisai.grooming import (
    MAX_MESSAGES_PER_CONVERSATION,
    AuthorHint,
    Conversation,
    GroomingInputError,
    GroomingScorer,
    Message,
    assessment_to_dict,
)
from perisai.grooming import scorer as scorer_module
from perisai.grooming.features import FEATURE_NAMES, FEATURE_SIGNS, ConversationState

GROOMING = [
    Message("stranger", "hai dik, main roblox jugak ke?"),
    Message("kid", "ye"),
    Message("stranger", "u umur brp?"),
    Message("kid", "13 thn"),
    Message("stranger", "u matang dari umur u, lain dari yg lain"),
    Message("stranger", "u sorang je ke kt rumah? parents u check phone x?"),
    Message("stranger", "jgn bgtau sape2 tau, rahsia kita"),
    Message("stranger", "add abg kt wasap"),
    Message("stranger", "hntr pic u skit"),
    Message("stranger", "jom jumpa sabtu ni, abg amik u kat sekolah"),
]
FAMILY = [
    Message("aunt", "jgn bgtau mak pasal kek tau, surprise birthday dia"),
    Message("niece", "ok makcik hehe"),
    Message("aunt", "hntr gambar baju raya u, nenek nk tgk"),
    Message("aunt", "makcik amik u kt sekolah pukul 2 ok"),
]


@pytest.fixture(scope="module")
def scorer() -> GroomingScorer:
    return GroomingScorer.load()


def test_grooming_chat_is_flagged_with_suspect_and_stage(scorer: GroomingScorer) -> None:
    a = scorer.score(Conversation("g1", GROOMING))
    assert a.flag
    assert a.risk >= scorer.threshold
    assert a.suspect == "stranger"
    assert a.stage == "approach"
    assert a.first_flag_message is not None
    first_contact = 8  # the picture request
    assert a.first_flag_message <= first_contact
    assert {s.author for s in a.signals} == {"stranger"}
    assert len(a.languages) == len(GROOMING)


def test_family_surprise_is_not_flagged(scorer: GroomingScorer) -> None:
    a = scorer.score(Conversation("f1", FAMILY, {"aunt": AuthorHint(45), "niece": AuthorHint(10)}))
    assert not a.flag
    assert a.risk < scorer.threshold


def test_news_about_grooming_is_not_flagged(scorer: GroomingScorer) -> None:
    text = (
        "Berita: lelaki didakwa bawah Akta 792 selepas minta kanak-kanak padam chat, "
        "hantar gambar dan jumpa dia, kata polis"
    )
    a = scorer.score(Conversation("n1", [Message("news", text), Message("r", "seram")]))
    assert not a.flag
    assert a.signals == []


def test_stream_matches_batch_and_reports_first_flag(scorer: GroomingScorer) -> None:
    stream = scorer.stream("g1")
    flags = [stream.feed(m).flag for m in GROOMING]
    batch = scorer.score(Conversation("g1", GROOMING))
    assert stream.assessment() == batch
    first = flags.index(True)
    assert batch.first_flag_message == first
    assert all(flags[first:]), "a raised flag stays raised"
    assert not any(flags[:first])


def test_threshold_is_configurable(scorer: GroomingScorer) -> None:
    strict = GroomingScorer(scorer.model, threshold=1.0)
    lax = GroomingScorer(scorer.model, threshold=0.0)
    family = Conversation("f", FAMILY)
    assert not strict.score(Conversation("g", GROOMING)).flag
    assert lax.score(family).flag
    with pytest.raises(GroomingInputError, match="threshold"):
        GroomingScorer(scorer.model, threshold=1.5)


def test_minor_hint_on_both_sides_lowers_risk(scorer: GroomingScorer) -> None:
    hinted = {"stranger": AuthorHint(account="minor"), "kid": AuthorHint(account="minor")}
    plain = scorer.score(Conversation("g", GROOMING[:7]))
    peers = scorer.score(Conversation("g", GROOMING[:7], hinted))
    assert peers.risk < plain.risk


def test_empty_and_emoji_only_conversations_are_graceful(scorer: GroomingScorer) -> None:
    for messages in ([], [Message("a", "😀😀😀"), Message("b", "🙏")], [Message("a", "")]):
        a = scorer.score(Conversation("e", messages))
        assert not a.flag
        assert a.suspect is None
        assert a.stage is None
        assert 0.0 <= a.risk < scorer.threshold


def test_mixed_scripts_do_not_crash(scorer: GroomingScorer) -> None:
    text = "你好 مرحبا Привет send me a selfie ஹலோ"
    a = scorer.score(Conversation("m", [Message("a", text)]))
    assert [s.kind for s in a.signals] == ["image_request"]
    assert a.signals[0].evidence == "send me a selfie"


def test_too_many_messages_is_a_clear_error(scorer: GroomingScorer) -> None:
    messages = [Message("a", "hi")] * (MAX_MESSAGES_PER_CONVERSATION + 1)
    with pytest.raises(GroomingInputError, match="limit"):
        scorer.score(Conversation("big", messages))


@pytest.mark.parametrize("author", ["", "x" * 500])
def test_bad_author_is_a_clear_error(scorer: GroomingScorer, author: str) -> None:
    with pytest.raises(GroomingInputError, match="author"):
        scorer.stream("c").feed(Message(author, "hi"))


@pytest.mark.parametrize("text", ["haha ok, what games u play", "u sorang ke? jgn bgtau sape2"])
def test_each_message_costs_the_same_however_long_the_chat(
    scorer: GroomingScorer, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    """Linear time, by counting work instead of timing it: every message is analysed once,
    and at most one evidence vector per author is built per message, at message 10 as at 5000.
    (Speed itself is measured in benchmarks/grooming_speed.py.)"""
    analysed: list[int] = []
    vectors: list[int] = []
    real_analyse = signals_module.analyse_message
    real_features = ConversationState.features

    def counting_analyse(index: int, message: Message) -> object:
        analysed.append(index)
        return real_analyse(index, message)

    def counting_features(self: ConversationState, author: str | None) -> list[float]:
        vectors.append(self.messages)
        return real_features(self, author)

    monkeypatch.setattr(scorer_module, "analyse_message", counting_analyse)
    monkeypatch.setattr(ConversationState, "features", counting_features)
    messages = [Message("a" if i % 2 else "b", text) for i in range(5000)]
    a = scorer.score(Conversation("long", messages))
    assert len(a.languages) == 5000
    assert analysed == list(range(5000))
    per_message = Counter(vectors)
    assert max(per_message.values()) <= 3  # two authors (+ the empty prior once at the end)
    early = sum(n for m, n in per_message.items() if m <= 1000)
    late = sum(n for m, n in per_message.items() if m > 4000)
    assert late <= early + 2  # no more work per message late in the chat than early on


def test_assessment_dict_has_exactly_the_contract_keys(scorer: GroomingScorer) -> None:
    d = assessment_to_dict(scorer.score(Conversation("g1", GROOMING)))
    assert set(d) == {
        "id",
        "risk",
        "flag",
        "stage",
        "suspect",
        "first_flag_message",
        "signals",
        "learned",  # v2.1: the learned layer's counted hits, [] when there are none
    }
    assert set(d["signals"][0]) == {"message", "kind", "stage", "evidence", "lang"}
    assert all(set(h) == {"message", "evidence", "probability"} for h in d["learned"])


NEUTRAL = ["haha", "ok", "lol", "hmm ok", "dah makan?", "nice", "ok la", "hahaha"]


def test_neutral_replies_never_push_risk_up(scorer: GroomingScorer) -> None:
    # issue 14: "u alone at home?" followed by four neutral messages used to be flagged
    stream = scorer.stream("c")
    first = stream.feed(Message("s", "u alone at home?"))
    risks = [stream.feed(Message("k" if i % 2 else "s", t)).risk for i, t in enumerate(NEUTRAL)]
    assert all(r == first.risk for r in risks)
    assert not stream.assessment().flag


def test_small_talk_in_front_changes_nothing(scorer: GroomingScorer) -> None:
    for messages in (FAMILY, GROOMING):
        one, two = messages[0].author, messages[1].author
        padding = [Message(one if i % 2 else two, t) for i, t in enumerate(NEUTRAL * 2)]
        plain = scorer.score(Conversation("p", messages))
        padded = scorer.score(Conversation("p", padding + messages))
        assert padded.risk == plain.risk
        assert padded.flag == plain.flag


def test_a_declared_adult_minor_gap_never_lowers_risk(scorer: GroomingScorer) -> None:
    for end in range(1, len(GROOMING) + 1):
        messages = GROOMING[:end]
        plain = scorer.score(Conversation("g", messages))
        for adult, minor in ((30, 13), (19, 17), (60, 8)):
            hints = {"stranger": AuthorHint(adult), "kid": AuthorHint(minor)}
            hinted = scorer.score(Conversation("g", messages, hints))
            assert hinted.risk >= plain.risk, (end, adult, minor)
            assert hinted.flag or not plain.flag


def test_the_model_keeps_its_sign_constraints(scorer: GroomingScorer) -> None:
    signs = dict(zip(FEATURE_NAMES, scorer.model.weights, strict=True))
    for name, weight in signs.items():
        if FEATURE_SIGNS[name] > 0:
            assert weight >= 0, name
        elif FEATURE_SIGNS[name] < 0:
            assert weight <= 0, name
    assert signs["age_gap"] >= 0 and signs["has_secrecy"] >= 0
    assert signs["has_platform_migration"] >= 0


def test_a_topic_word_is_no_blanket_discount(scorer: GroomingScorer) -> None:
    # issue 14: one incidental "class", "RM50", "raya" or "police" lowered the whole chat
    cover = [
        Message("stranger", "class esok pukul 3, bawa RM50 utk yuran team"),
        Message("kid", "ok"),
        Message("stranger", "raya nanti balik kampung? police pun ada kat jalan"),
    ]
    plain = scorer.score(Conversation("g", GROOMING))
    covered = scorer.score(Conversation("g", cover + GROOMING))
    assert covered.risk >= plain.risk
    assert covered.flag


def test_a_parent_checking_the_stove_is_not_flagged(scorer: GroomingScorer) -> None:
    # issue 14: a father asking whether his son is home alone and for a photo of the stove
    messages = [
        Message("ayah", "boy, u sorang kat rumah ke?"),
        Message("son", "ya, mak keluar"),
        Message("ayah", "send me a photo of the stove, did i turn it off?"),
        Message("son", "[photo]"),
        Message("ayah", "ok good, ayah balik pukul 6"),
    ]
    a = scorer.score(Conversation("dad", messages))
    assert not a.flag


def test_every_flag_is_explained_by_message_spans(scorer: GroomingScorer) -> None:
    a = scorer.score(Conversation("g1", GROOMING))
    assert a.flag and a.signals
    for s in a.signals:
        text = GROOMING[s.message].text
        assert text[s.span[0] : s.span[1]] == s.evidence
        assert s.author == GROOMING[s.message].author
