"""How the packaged grooming model's flag threshold was chosen: cross-family validation on the
calibration set, never the held-out test set.

    .venv/bin/python benchmarks/grooming_threshold.py

The calibration set (tests/data/grooming/calibration/cal.jsonl) has three families of
conversations that share no exchange (a, b, c). For each family, the model is trained as packaged
(the learned layer on devset.jsonl + heldout/dev.jsonl; the combiner also on the two other
families, kept apart from the layer) and evaluated on the family it never saw, at every
threshold. The packaged threshold is the one with the best mean F0.5 over the three families
(the lowest on a tie: earlier flags). Prints precision, recall, F0.5 and the share flagged by
the first image/camera/meeting request per family and threshold, and the packaged threshold.
"""

from __future__ import annotations

import json
from pathlib import Path

from perisai.grooming import GroomingScorer
from perisai.grooming.dataset import Labelled, load_jsonl
from perisai.grooming.evaluation import evaluate
from perisai.grooming.model import load_model
from perisai.grooming.training import train

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "grooming"
THRESHOLDS = (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85)


def families() -> dict[str, list[Labelled]]:
    path = DATA / "calibration" / "cal.jsonl"
    family = {
        row["id"]: row["family"]
        for row in (json.loads(line) for line in path.read_text("utf-8").splitlines())
    }
    split: dict[str, list[Labelled]] = {"a": [], "b": [], "c": []}
    for item in load_jsonl(path):
        split[family[item.conversation.id]].append(item)
    return split


def main() -> None:
    devset = [i for i in load_jsonl(DATA / "devset.jsonl") if i.split != "test"]
    dev = load_jsonl(DATA / "heldout" / "dev.jsonl")
    cal = families()
    mean: dict[float, float] = dict.fromkeys(THRESHOLDS, 0.0)
    print("| validated on | threshold | precision | recall | F0.5 | flagged by first request |")
    print("|---|---|---|---|---|---|")
    for held in cal:
        apart = [item for family, items in cal.items() if family != held for item in items]
        model = train([*devset, *dev], source="bench", calibration=apart, learned_layer=True)
        for threshold in THRESHOLDS:
            r = evaluate(GroomingScorer(model, threshold), cal[held])
            early = r["early_detection"]["flagged_by_first_contact_request"]
            mean[threshold] += r["f0_5"] / len(cal)
            print(
                f"| family {held} | {threshold:.2f} | {r['precision']:.3f} "
                f"| {r['recall']:.3f} | {r['f0_5']:.3f} | {100 * early:.1f} % |"
            )
    best = max(THRESHOLDS, key=lambda t: (round(mean[t], 4), -t))
    print(
        "\nmean F0.5 over the three families: "
        + ", ".join(f"{t:.2f}: {mean[t]:.3f}" for t in THRESHOLDS)
    )
    packaged = load_model()
    print(f"best: {best:.2f}; packaged model {packaged.version} stores {packaged.threshold:.2f}")


if __name__ == "__main__":
    main()
