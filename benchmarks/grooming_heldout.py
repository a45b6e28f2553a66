"""Grooming engine v2 on the sealed held-out test set, beside issue 14's baseline and targets.

    .venv/bin/python benchmarks/grooming_heldout.py [--model m.json] [--file test.jsonl]

Prints aggregate figures only (never per conversation): precision, recall, F0.5, ROC-AUC, the
share flagged by the first image/camera/meeting request, per language and per origin, the
padding test and the hint test. The baseline column is the v1 engine (model 2.156.118) on the
same file, measured when the issue was taken up.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from perisai.grooming import GroomingScorer
from perisai.grooming.dataset import load_jsonl
from perisai.grooming.evaluation import evaluate, hint_test, padding_test

TEST_SET = Path(__file__).resolve().parents[1] / "tests/data/grooming/heldout/test.jsonl"
BASELINE = {
    "precision": "0.529",
    "recall": "0.810",
    "F0.5": "0.569",
    "ROC-AUC": "0.706",
    "flagged by first request": "75.6 %",
    "F0.5 en / ms / mixed": "0.592 / 0.532 / 0.579",
    "padding": "issue's probe: 3 -> 34 of 60 after 8 messages",
    "hints": "issue's probe: 31 -> 0 of 60 flagged",
}
TARGETS = {
    "F0.5": ">= 0.9",
    "flagged by first request": ">= 70 %",
    "padding": "<= +2 pts at 16",
    "hints": "never lower",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--file", type=Path, default=TEST_SET)
    args = parser.parse_args()
    scorer = GroomingScorer.load(args.model)
    items = load_jsonl(args.file)
    r = evaluate(scorer, items)
    pad = padding_test(scorer, items)
    hints = hint_test(scorer, items)
    langs = r["per_language"]
    early = r["early_detection"]["flagged_by_first_contact_request"]
    rows = {
        "precision": f"{r['precision']:.3f}",
        "recall": f"{r['recall']:.3f}",
        "F0.5": f"{r['f0_5']:.3f}",
        "ROC-AUC": f"{r['roc_auc']:.3f}",
        "flagged by first request": f"{100 * early:.1f} %",
        "F0.5 en / ms / mixed": " / ".join(
            f"{langs[k]['f0_5']:.3f}" for k in ("en", "ms", "mixed")
        ),
        "recall en / ms / mixed": " / ".join(
            f"{langs[k]['recall']:.3f}" for k in ("en", "ms", "mixed")
        ),
    }
    for origin, m in r["per_origin"].items():
        rows[f"P / R / F0.5, {origin}-written ({m['n']})"] = (
            f"{m['precision']:.3f} / {m['recall']:.3f} / {m['f0_5']:.3f}"
        )
    fa = pad["false_alarms"]
    rows["padding"] = (
        f"{fa['0']} / {fa['4']} / {fa['8']} / {fa['16']} of {pad['benign']} benign after "
        f"+0/4/8/16 neutral messages (+{pad['added_points']} pts)"
    )
    rows["hints"] = (
        f"recall {hints['recall_without_hints']:.3f} -> {hints['recall_with_hints']:.3f} "
        f"with suspect 30 / others 13 ({hints['flags_lost']} flags lost)"
    )
    print(f"model {r['model']} threshold {r['threshold']} on {r['n']} ({args.file.name})")
    print("| figure | v1 baseline | v2 | target |\n|---|---|---|---|")
    for name, ours in rows.items():
        print(f"| {name} | {BASELINE.get(name, '—')} | {ours} | {TARGETS.get(name, '—')} |")


if __name__ == "__main__":
    main()
