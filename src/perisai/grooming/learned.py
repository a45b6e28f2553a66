"""The learned second layer: a character n-gram model over single messages.

The lexicon sees only the wordings it lists; this layer scores each message by the character
n-grams (3 to 5 characters, inside words padded with a space, on the normalised text) that a
logistic model learned from the training conversations' suspects' messages against benign and
child-side messages. It recognises paraphrases and spellings near what it was trained on.

Its output feeds the combiner only as non-negative evidence (how many of an author's messages
it scored high), so it can add risk, never discount the lexicon's evidence; and every hit keeps
the span of the message that caused it (`Hit`). Pure Python at scoring time (a dict lookup
per n-gram); numpy and scikit-learn are used only by training.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

from perisai.grooming.models import GroomingInputError
from perisai.grooming.normalise import normalise

NGRAM_RANGE = (3, 5)


def ngrams(text: str) -> list[str]:
    """Character n-grams of each normalised word padded with spaces (like scikit-learn's
    `char_wb`), so training and scoring extract exactly the same features."""
    low, high = NGRAM_RANGE
    grams: list[str] = []
    for word in normalise(text).text.split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            if n > size:
                break
            grams.extend(padded[i : i + n] for i in range(size - n + 1))
    return grams


_CACHED_CHARS = 200  # short messages ("ok", "haha") repeat: score them once


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity, for the cache
class NgramLayer:
    weights: dict[str, float]
    bias: float

    def probability(self, text: str) -> float:
        if len(text) <= _CACHED_CHARS:
            return _cached_probability(self, text)
        return self._probability(text)

    def _probability(self, text: str) -> float:
        w = self.weights
        seen = set(ngrams(text))
        z = self.bias + sum(w.get(g, 0.0) for g in seen)
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "char_wb logistic",
            "ngram_range": list(NGRAM_RANGE),
            "bias": round(self.bias, 6),
            "weights": {g: round(v, 5) for g, v in sorted(self.weights.items())},
        }


def layer_from_json(data: object, source: str) -> NgramLayer:
    if not isinstance(data, dict) or data.get("ngram_range") != list(NGRAM_RANGE):
        raise GroomingInputError(f"{source}: learned layer missing or for other n-grams")
    try:
        weights = {str(g): float(v) for g, v in dict(data["weights"]).items()}
        return NgramLayer(weights=weights, bias=float(data["bias"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise GroomingInputError(f"{source}: malformed learned layer ({exc})") from exc


@functools.lru_cache(maxsize=8192)
def _cached_probability(layer: NgramLayer, text: str) -> float:
    return layer._probability(text)
