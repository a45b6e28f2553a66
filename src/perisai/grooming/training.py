"""Fit the calibrated combiner: logistic regression on conversation features + Platt scaling.

Deterministic: fixed folds and seeds, a solver without randomness, rounded exported numbers.
scikit-learn and numpy are only imported here, never by the scorer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from perisai.grooming.dataset import Labelled
from perisai.grooming.features import FEATURE_NAMES, ConversationState
from perisai.grooming.model import CombinerModel
from perisai.grooming.models import GroomingInputError
from perisai.grooming.signals import analyse_message

MODEL_VERSION_PREFIX = "2"
_C = 0.5  # strong-ish regularisation: the dev set is small and synthetic
_FOLDS = 5
_BETA = 0.5


@dataclass(frozen=True, slots=True)
class Sample:
    features: list[float]
    label: int


def prefix_samples(item: Labelled) -> list[Sample]:
    """Feature vectors a stream would see.

    Benign chats contribute every prefix that follows a signal (the stream's peak risk must stay
    low throughout); grooming chats contribute their end and, when annotated, the prefix ending
    at the first image / camera / meeting request (where we want to be flagged already).
    """
    state = ConversationState(hints=dict(item.conversation.hints))
    samples: list[Sample] = []
    label = 1 if item.grooming else 0
    for index, message in enumerate(item.conversation.messages):
        analysis = analyse_message(index, message)
        state.update(message.author, analysis)
        if label == 0 and analysis.signals:
            samples.append(Sample(state.features(), 0))
        elif label == 1 and index == item.first_contact_request:
            samples.append(Sample(state.features(), 1))
    samples.append(Sample(state.features(), label))
    return samples


def train(items: Sequence[Labelled], *, source: str) -> CombinerModel:
    # scikit-learn is slow to import; only training needs it.
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    labels = {item.grooming for item in items}
    if labels != {True, False}:
        raise GroomingInputError("training needs both grooming and benign conversations")
    samples = [s for item in items for s in prefix_samples(item)]
    x = np.array([s.features for s in samples], dtype=float)
    y = np.array([s.label for s in samples], dtype=int)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    xs = (x - mean) / scale

    def combiner() -> LogisticRegression:
        return LogisticRegression(C=_C, class_weight="balanced", max_iter=2000)

    folds = StratifiedKFold(
        n_splits=min(_FOLDS, int(y.sum()), int((1 - y).sum())), shuffle=True, random_state=0
    )
    margins = cross_val_predict(combiner(), xs, y, cv=folds, method="decision_function")
    platt = LogisticRegression(C=1e6, max_iter=2000).fit(margins.reshape(-1, 1), y)
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    calibrated = 1.0 / (1.0 + np.exp(-(a * margins + b)))
    threshold = _best_threshold(calibrated, y)

    final = combiner().fit(xs, y)
    weights = final.coef_[0] / scale  # fold the standardisation into the weights
    bias = float(final.intercept_[0] - np.sum(final.coef_[0] * mean / scale))
    return CombinerModel(
        version=f"{MODEL_VERSION_PREFIX}.{len(items)}.{int(y.sum())}",
        weights=tuple(float(w) for w in weights),
        bias=bias,
        platt_a=a,
        platt_b=b,
        threshold=threshold,
        metadata={
            "source": source,
            "conversations": len(items),
            "samples": len(samples),
            "positive_samples": int(y.sum()),
            "combiner": f"LogisticRegression(C={_C}, balanced) + Platt ({_FOLDS}-fold CV)",
            "n_features": len(FEATURE_NAMES),
        },
    )


def _best_threshold(probabilities: object, labels: object) -> float:
    """The threshold with the best cross-validated F0.5 (precision first), on a 0.05 grid."""
    import numpy as np

    p = np.asarray(probabilities)
    y = np.asarray(labels)
    best, best_score = 0.5, -1.0
    for t in np.arange(0.2, 0.86, 0.05):
        flagged = p >= t
        tp = float(np.sum(flagged & (y == 1)))
        fp = float(np.sum(flagged & (y == 0)))
        fn = float(np.sum(~flagged & (y == 1)))
        denom = (1 + _BETA**2) * tp + _BETA**2 * fn + fp
        score = (1 + _BETA**2) * tp / denom if denom else 0.0
        if score > best_score + 1e-9:
            best, best_score = float(t), score
    return round(best, 2)
