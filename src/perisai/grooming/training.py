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
from perisai.grooming.features import FEATURE_NAMES, FEATURE_SIGNS, ConversationState
from perisai.grooming.model import CombinerModel
from perisai.grooming.models import GroomingInputError
from perisai.grooming.signals import analyse_message

MODEL_VERSION_PREFIX = "3"
_C = 0.5  # regularisation: the training sets are small and synthetic
_FOLDS = 5
_BETA = 0.5
_ITERATIONS = 3000


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


def prefix_samples(item: Labelled, group: int = 0) -> list[Sample]:
    """Samples of `item` as scored, plus, for benign chats, as scored without explanations.

    The second pass is augmentation: explanation words are a short list, and look-alike chats
    in other words (a photo of something the list does not name) will show their signals
    unexplained; the combiner must learn that such signals alone are not grooming.
    """
    samples = _samples(item, group, ignore_explanations=False)
    if not item.grooming:
        samples += _samples(item, group, ignore_explanations=True)
    return samples


def _samples(item: Labelled, group: int, *, ignore_explanations: bool) -> list[Sample]:
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
    for index, message in enumerate(item.conversation.messages):
        analysis = analyse_message(index, message)
        state.update(message, analysis)
        if label == 0 and (analysis.signals or analysis.explained):
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


def train(items: Sequence[Labelled], *, source: str) -> CombinerModel:
    # numpy and scikit-learn are slow to import; only training needs them.
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold

    labels = {item.grooming for item in items}
    if labels != {True, False}:
        raise GroomingInputError("training needs both grooming and benign conversations")
    samples = [s for group, item in enumerate(items) for s in prefix_samples(item, group)]
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
            "signs": dict(FEATURE_SIGNS),
        },
    )


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
