"""Fit the calibrated combiner: sign-constrained logistic regression on per-author evidence
vectors, plus Platt scaling.

Every evidence feature's weight is kept non-negative (and the few "this looks mutual / peers"
features non-positive) by projected gradient descent, so no learned weight can turn evidence,
a declared adult-to-minor age gap, a private-platform move or a secrecy request into a discount
(issue 14: a training set where only benign chats declared ages once taught the age gap a
strongly negative weight).

Deterministic: fixed folds, no randomness in the solver, rounded exported numbers. numpy and
scikit-learn are only imported here, never by the scorer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from perisai.grooming.dataset import Labelled
from perisai.grooming.features import (
    FEATURE_NAMES,
    FEATURE_SIGNS,
    LEARNED_HIT,
    ConversationState,
)
from perisai.grooming.learned import NgramLayer, ngrams
from perisai.grooming.model import CombinerModel
from perisai.grooming.models import GroomingInputError
from perisai.grooming.signals import analyse_message

MODEL_VERSION_PREFIX = "3"
_C = 0.5  # regularisation: the training sets are small and synthetic
_FOLDS = 5
_BETA = 0.5
_ITERATIONS = 3000
_LAYER_C = 1.0
_LAYER_MIN_DF = 2


@dataclass(frozen=True, slots=True)
class Sample:
    features: list[float]
    label: int
    group: int  # the conversation it came from (folds never split a conversation)


def _suspect_of(item: Labelled, state: ConversationState) -> str | None:
    if item.suspect is not None:
        return item.suspect
    ranked = sorted(state.authors.items(), key=lambda kv: -kv[1].suspicion)
    return ranked[0][0] if ranked and ranked[0][1].suspicion > 0 else None


def prefix_samples(
    item: Labelled, group: int = 0, learned: Sequence[float] | None = None
) -> list[Sample]:
    """Samples of `item` as scored, plus, for benign chats, as scored without explanations.

    The second pass is augmentation: explanation words are a short list, and look-alike chats
    in other words (a photo of something the list does not name) will show their signals
    unexplained; the combiner must learn that such signals alone are not grooming.
    """
    samples = _samples(item, group, learned, ignore_explanations=False)
    if not item.grooming:
        samples += _samples(item, group, learned, ignore_explanations=True)
    return samples


def _samples(
    item: Labelled,
    group: int,
    learned: Sequence[float] | None,
    *,
    ignore_explanations: bool,
) -> list[Sample]:
    """Evidence vectors a stream would see.

    Benign chats contribute every author's vector after each message that added to their
    evidence (the stream's peak risk must stay low throughout). Grooming chats contribute the
    suspect's vector at the end and at the first image / camera / meeting request (where we
    want to be flagged already), and every other author's at the end as negatives (the child
    who answers "ok, our secret" is not the groomer).
    """
    state = ConversationState(
        hints=dict(item.conversation.hints), ignore_explanations=ignore_explanations
    )
    samples: list[Sample] = []
    label = 1 if item.grooming else 0
    scores = learned
    for index, message in enumerate(item.conversation.messages):
        analysis = analyse_message(index, message)
        p = 0.0
        if scores is not None:
            p, _ = state.learned(message, index, analysis, lambda i, _text: scores[i])
        state.update(message, analysis, p)
        if label == 0 and (analysis.signals or analysis.explained or p >= LEARNED_HIT):
            samples.append(Sample(state.features(message.author), 0, group))
        elif label == 1 and index == item.first_contact_request and item.suspect is not None:
            samples.append(Sample(state.features(item.suspect), 1, group))
    if label == 1:
        suspect = _suspect_of(item, state)
        for author in state.authors:
            if state.has_evidence(author) or author == suspect:
                samples.append(Sample(state.features(author), 1 if author == suspect else 0, group))
    return samples


def fit_constrained(x: Any, y: Any, signs: Sequence[int], c: float = _C) -> tuple[Any, float]:
    """Balanced, L2-regularised logistic regression with sign bounds, by accelerated projected
    gradient descent on standardised features (convex: the solution does not depend on the
    starting point). Returns (weights, bias)."""
    import numpy as np

    n, d = x.shape
    pos = float(y.sum())
    neg = float(n - pos)
    sample_weight = np.where(y == 1, n / (2.0 * pos), n / (2.0 * neg))
    lower = np.array([0.0 if s > 0 else -np.inf for s in signs])
    upper = np.array([0.0 if s < 0 else np.inf for s in signs])
    lam = 1.0 / (c * n)
    lipschitz = 0.25 * float(np.max(sample_weight)) * float(np.linalg.norm(x, 2) ** 2) / n + lam
    step = 1.0 / lipschitz
    theta = np.zeros(d + 1)  # weights, then bias
    previous = theta.copy()
    momentum = 1.0
    xb = np.hstack([x, np.ones((n, 1))])
    for _ in range(_ITERATIONS):
        t_next = (1.0 + (1.0 + 4.0 * momentum * momentum) ** 0.5) / 2.0
        probe = theta + ((momentum - 1.0) / t_next) * (theta - previous)
        z = xb @ probe
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))
        grad = xb.T @ (sample_weight * (p - y)) / n
        grad[:d] += lam * probe[:d]
        nxt = probe - step * grad
        nxt[:d] = np.clip(nxt[:d], lower, upper)
        previous, theta, momentum = theta, nxt, t_next
    return theta[:d], float(theta[d])


def train(
    items: Sequence[Labelled],
    *,
    source: str,
    calibration: Sequence[Labelled] = (),
    learned_layer: bool = False,
) -> CombinerModel:
    """Fit on `items` plus `calibration`. With `learned_layer`, also fit the character n-gram
    layer (learned.py) on `items` only, so the combiner, which learns from both, sees how far
    the layer is to be trusted on chats written apart from the layer's training wording (as
    its real input will be). Without it the layer scores nothing and its features stay 0."""
    # numpy and scikit-learn are slow to import; only training needs them.
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold

    if {item.grooming for item in [*items, *calibration]} != {True, False}:
        raise GroomingInputError("training needs both grooming and benign conversations")
    layer: NgramLayer | None = None
    out_of_fold: list[list[float]] | list[None] = [None] * (len(items) + len(calibration))
    if learned_layer:
        if {item.grooming for item in items} != {True, False}:
            items, calibration = [*items, *calibration], ()  # too little apart: one set
        layer, out_of_fold = train_layer(items, calibration)
    n_apart = len(calibration)
    items = [*items, *calibration]
    samples = [
        s
        for group, item in enumerate(items)
        for s in prefix_samples(item, group, out_of_fold[group])
    ]
    x = np.array([s.features for s in samples], dtype=float)
    y = np.array([s.label for s in samples], dtype=float)
    groups = np.array([s.group for s in samples])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    xs = (x - mean) / scale
    signs = [FEATURE_SIGNS[name] for name in FEATURE_NAMES]

    folds = StratifiedGroupKFold(n_splits=_FOLDS, shuffle=True, random_state=0)
    margins = np.zeros(len(y))
    for train_index, test_index in folds.split(xs, y.astype(int), groups):
        w, b = fit_constrained(xs[train_index], y[train_index], signs)
        margins[test_index] = xs[test_index] @ w + b
    platt = LogisticRegression(C=1e6, max_iter=2000).fit(margins.reshape(-1, 1), y.astype(int))
    a, b_platt = float(platt.coef_[0][0]), float(platt.intercept_[0])
    calibrated = 1.0 / (1.0 + np.exp(-(a * margins + b_platt)))
    threshold = _best_threshold(calibrated, y, groups)

    w, bias_s = fit_constrained(xs, y, signs)
    # Fold the standardisation into the weights; the scale is positive, so signs survive.
    weights = w / scale
    bias = float(bias_s - np.sum(w * mean / scale))
    return CombinerModel(
        version=f"{MODEL_VERSION_PREFIX}.{len(items)}.{int(y.sum())}",
        weights=tuple(float(v) for v in weights),
        bias=bias,
        platt_a=a,
        platt_b=b_platt,
        threshold=threshold,
        layer=layer,
        metadata={
            "source": source,
            "conversations": len(items),
            "samples": len(samples),
            "positive_samples": int(y.sum()),
            "combiner": (
                f"sign-constrained LogisticRegression(C={_C}, balanced) + Platt "
                f"({_FOLDS}-fold grouped CV)"
            ),
            "n_features": len(FEATURE_NAMES),
            "learned_layer": (
                f"char_wb 3-5-grams in {_LAYER_MIN_DF}+ messages, LogisticRegression(C={_LAYER_C}),"
                f" {len(layer.weights)} n-grams kept; combiner trained on its {_FOLDS}-fold "
                f"out-of-fold scores and its scores on the {n_apart} calibration chats kept "
                "apart from it"
                if layer is not None
                else "none"
            ),
            "signs": dict(FEATURE_SIGNS),
        },
    )


def _message_labels(item: Labelled) -> list[int]:
    """Distant supervision from the lexicon: 1 for the suspect's messages (from the first
    annotated indicator on) that carry a signal the lexicon knows, 0 for every message of a
    benign chat and every other author's, -1 (left out) for the suspect's other messages,
    which are mostly small talk and pretext cover shared with look-alike chats. The layer learns
    what indicator messages look like in characters, and so their paraphrases and spellings."""
    start = item.first_indicator or 0
    labels: list[int] = []
    for i, m in enumerate(item.conversation.messages):
        if not item.grooming or m.author != item.suspect:
            labels.append(0)
        elif i < start:
            labels.append(-1)
        else:
            labels.append(1 if analyse_message(i, m).signals else -1)
    return labels


def train_layer(
    items: Sequence[Labelled], calibration: Sequence[Labelled] = ()
) -> tuple[NgramLayer, list[list[float]]]:
    """Fit the learned layer on every message of `items`; score each of their messages out of
    fold (folds by conversation), and every message of `calibration` with the final layer,
    which never saw them. Returns the layer and the scores, items then calibration."""
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    texts: list[str] = []
    labels: list[int] = []
    groups: list[int] = []
    for group, item in enumerate(items):
        texts += [m.text for m in item.conversation.messages]
        labels += _message_labels(item)
        groups += [group] * len(item.conversation.messages)
    y = np.array(labels)
    g = np.array(groups)
    kept = y >= 0

    def fit(index: Any) -> tuple[Any, Any]:
        vectoriser = CountVectorizer(
            analyzer=ngrams, binary=True, min_df=_LAYER_MIN_DF, dtype=np.float64
        )
        index = index[kept[index]]
        x = vectoriser.fit_transform([texts[i] for i in index])
        # Not balanced: the probability keeps the real share of indicator messages, so a "hit"
        # (>= 0.5) means more likely an indicator than not, not "rarer class, boosted".
        model = LogisticRegression(C=_LAYER_C, max_iter=2000)
        model.fit(x, y[index])
        return vectoriser, model

    oof = np.zeros(len(texts))
    for train_index, test_index in GroupKFold(n_splits=_FOLDS).split(texts, y, g):
        vectoriser, model = fit(train_index)
        oof[test_index] = model.predict_proba(vectoriser.transform([texts[i] for i in test_index]))[
            :, 1
        ]
    vectoriser, model = fit(np.arange(len(texts)))
    for item in calibration:
        messages = [m.text for m in item.conversation.messages]
        oof = np.concatenate([oof, model.predict_proba(vectoriser.transform(messages))[:, 1]])
    names = vectoriser.get_feature_names_out()
    coef = model.coef_[0]
    weights = {str(n): float(c) for n, c in zip(names, coef, strict=True) if abs(c) >= 0.01}
    layer = NgramLayer(weights=weights, bias=float(model.intercept_[0]))
    per_item: list[list[float]] = []
    position = 0
    for item in [*items, *calibration]:
        n = len(item.conversation.messages)
        per_item.append([float(v) for v in oof[position : position + n]])
        position += n
    return layer, per_item


def _best_threshold(probabilities: Any, labels: Any, groups: Any) -> float:
    """The threshold with the best cross-validated conversation-level F0.5 (a conversation is
    flagged when any of its samples is), on a 0.05 grid; the middle of the best plateau."""
    import numpy as np

    p = np.asarray(probabilities)
    y = np.asarray(labels)
    g = np.asarray(groups)
    conversations = np.unique(g)
    scores: list[tuple[float, float]] = []
    for t in np.arange(0.2, 0.91, 0.05):
        tp = fp = fn = 0.0
        for conv in conversations:
            mask = g == conv
            grooming = bool(y[mask].max() == 1)
            # grooming: flagged when the suspect's samples reach t; benign: when any does
            flagged = (
                bool((p[mask & (y == 1)] >= t).any()) if grooming else bool((p[mask] >= t).any())
            )
            if grooming and flagged:
                tp += 1
            elif grooming:
                fn += 1
            elif flagged:
                fp += 1
        denom = (1 + _BETA**2) * tp + _BETA**2 * fn + fp
        score = (1 + _BETA**2) * tp / denom if denom else 0.0
        scores.append((float(t), score))
    # The F0.5 curve is often flat at its top; take the middle of the plateau rather than its
    # low edge (the low edge is where unseen look-alikes start to cross).
    top = max(score for _t, score in scores)
    plateau = [t for t, score in scores if score >= top - 1e-9]
    best = plateau[len(plateau) // 2]
    return round(best, 2)
