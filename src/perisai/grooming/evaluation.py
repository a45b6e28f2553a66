"""Evaluation: precision, recall, F0.5, ROC-AUC, per-language figures and early detection.

Early detection is measured two ways: messages from the first annotated indicator to the flag,
and the share of grooming chats flagged no later than the first image / camera / meeting request;
plus the eSPD latency-weighted F1 (Vogt et al., 2021).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from perisai.grooming.dataset import Labelled
from perisai.grooming.models import Assessment, AuthorHint, Message
from perisai.grooming.scorer import GroomingScorer

_ESPD_P = math.log(3) / 89  # penalty 0.5 at message 90


@dataclass(frozen=True, slots=True)
class Outcome:
    item: Labelled
    assessment: Assessment


def latency_penalty(messages_read: int) -> float:
    return -1.0 + 2.0 / (1.0 + math.exp(-_ESPD_P * (messages_read - 1)))


def _prf(outcomes: Sequence[Outcome]) -> dict[str, float | int]:
    tp = sum(1 for o in outcomes if o.item.grooming and o.assessment.flag)
    fp = sum(1 for o in outcomes if not o.item.grooming and o.assessment.flag)
    fn = sum(1 for o in outcomes if o.item.grooming and not o.assessment.flag)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0

    def f(beta: float) -> float:
        b2 = beta * beta
        denom = b2 * precision + recall
        return (1 + b2) * precision * recall / denom if denom else 0.0

    return {
        "n": len(outcomes),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f0_5": round(f(0.5), 4),
        "f1": round(f(1.0), 4),
    }


def roc_auc(outcomes: Sequence[Outcome]) -> float | None:
    """Probability that a random grooming chat outranks a random benign one (ties count half)."""
    pos = [o.assessment.risk for o in outcomes if o.item.grooming]
    neg = [o.assessment.risk for o in outcomes if not o.item.grooming]
    if not pos or not neg:
        return None
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return round(wins / (len(pos) * len(neg)), 4)


def _early(outcomes: Sequence[Outcome], f1: float) -> dict[str, Any]:
    grooming = [o for o in outcomes if o.item.grooming]
    delays = [
        o.assessment.first_flag_message - o.item.first_indicator
        for o in grooming
        if o.assessment.first_flag_message is not None and o.item.first_indicator is not None
    ]
    annotated = [o for o in grooming if o.item.first_contact_request is not None]
    in_time = [
        o
        for o in annotated
        if o.assessment.first_flag_message is not None
        and o.item.first_contact_request is not None
        and o.assessment.first_flag_message <= o.item.first_contact_request
    ]
    penalties = [
        latency_penalty(o.assessment.first_flag_message + 1)
        for o in grooming
        if o.assessment.first_flag_message is not None
    ]
    speed = 1.0 - statistics.median(penalties) if penalties else 0.0
    return {
        "median_messages_from_first_indicator_to_flag": statistics.median(delays)
        if delays
        else None,
        "flagged_by_first_contact_request": round(len(in_time) / len(annotated), 4)
        if annotated
        else None,
        "annotated_grooming": len(annotated),
        "espd_speed": round(speed, 4),
        "latency_weighted_f1": round(f1 * speed, 4),
    }


def evaluate(scorer: GroomingScorer, items: Sequence[Labelled]) -> dict[str, Any]:
    outcomes = [Outcome(item, scorer.score(item.conversation)) for item in items]
    overall = _prf(outcomes)
    languages = sorted({o.item.lang for o in outcomes})
    categories = sorted({o.item.category for o in outcomes if not o.item.grooming})
    false_alarms = {
        cat: sum(
            1
            for o in outcomes
            if not o.item.grooming and o.item.category == cat and o.assessment.flag
        )
        for cat in categories
    }
    origins = sorted({o.item.origin for o in outcomes if o.item.origin})
    return {
        "model": scorer.model.version,
        "threshold": scorer.threshold,
        **overall,
        "roc_auc": roc_auc(outcomes),
        "per_language": {
            lang: {
                **_prf([o for o in outcomes if o.item.lang == lang]),
                "roc_auc": roc_auc([o for o in outcomes if o.item.lang == lang]),
            }
            for lang in languages
        },
        "per_origin": {
            origin: _prf([o for o in outcomes if o.item.origin == origin]) for origin in origins
        },
        "false_alarms_by_category": false_alarms,
        "early_detection": _early(outcomes, float(overall["f1"])),
        "missed": [
            o.item.conversation.id for o in outcomes if o.item.grooming and not o.assessment.flag
        ],
        "false_positives": [
            o.item.conversation.id for o in outcomes if not o.item.grooming and o.assessment.flag
        ],
    }


# Neutral small talk for the padding test, written for this module (not taken from any data
# set): greetings, food, weather, games, school and family chores in English, Malay, Manglish.
NEUTRAL_MESSAGES: tuple[str, ...] = (
    "hi",
    "hello!",
    "haha",
    "ok",
    "lol that's funny",
    "dah makan?",
    "belum lagi, nanti",
    "what are you eating",
    "nasi lemak je",
    "hujan lebat gila tadi",
    "yeah the road here also wet",
    "nanti I check",
    "ok can",
    "weekend ni buat apa",
    "nothing much, rest only",
    "the new episode came out already",
    "belum tengok lagi",
    "wah best",
    "traffic jam teruk today",
    "hahaha same",
    "ok la",
    "good night",
    "morning!",
    "sounds good",
)


def pad(item: Labelled, count: int) -> Labelled:
    """The conversation with `count` neutral messages put in front, alternating between its
    first two authors (a long friendly start, as real chats have)."""
    messages = item.conversation.messages
    authors = list(dict.fromkeys(m.author for m in messages))[:2] or ["a"]
    padding = [
        Message(authors[i % len(authors)], NEUTRAL_MESSAGES[i % len(NEUTRAL_MESSAGES)])
        for i in range(count)
    ]
    first = item.first_indicator
    request = item.first_contact_request
    return replace(
        item,
        conversation=replace(item.conversation, messages=padding + list(messages)),
        first_indicator=None if first is None else first + count,
        first_contact_request=None if request is None else request + count,
    )


def padding_test(
    scorer: GroomingScorer, items: Sequence[Labelled], counts: Sequence[int] = (4, 8, 16)
) -> dict[str, Any]:
    """False alarms on benign chats before and after padding them with neutral messages."""
    benign = [item for item in items if not item.grooming]
    if not benign:
        return {}
    base = sum(scorer.score(item.conversation).flag for item in benign)
    result: dict[str, Any] = {"benign": len(benign), "false_alarms": {"0": base}}
    for count in counts:
        flagged = sum(scorer.score(pad(item, count).conversation).flag for item in benign)
        result["false_alarms"][str(count)] = flagged
    worst = max(result["false_alarms"].values())
    result["added_points"] = round(100.0 * (worst - base) / len(benign), 2)
    return result


def hint_test(scorer: GroomingScorer, items: Sequence[Labelled]) -> dict[str, Any]:
    """Recall on grooming chats without hints and with the suspect declared 30 (adult) and
    everyone else 13 (minor); a declared adult-to-minor gap must never cost a flag."""
    grooming = [item for item in items if item.grooming and item.suspect is not None]
    if not grooming:
        return {}
    plain = hinted = lost = lowered = 0
    for item in grooming:
        conversation = item.conversation
        authors = {m.author for m in conversation.messages}
        hints = {
            author: AuthorHint(declared_age=30 if author == item.suspect else 13)
            for author in authors
        }
        before = scorer.score(conversation)
        after = scorer.score(replace(conversation, hints=hints))
        plain += before.flag
        hinted += after.flag
        lost += before.flag and not after.flag
        lowered += after.risk < before.risk
    return {
        "grooming": len(grooming),
        "recall_without_hints": round(plain / len(grooming), 4),
        "recall_with_hints": round(hinted / len(grooming), 4),
        "flags_lost": lost,
        "risk_lowered": lowered,
    }
