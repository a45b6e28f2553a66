"""Grooming engine speed: streaming messages per second on one core, and model load time.

    .venv/bin/python benchmarks/grooming_speed.py [--quick]

Streams the dev-set conversations (English, Malay, Manglish; grooming and hard negatives) through
`ConversationStream.feed`, one message at a time, as a platform would.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from perisai.grooming import GroomingScorer, Message
from perisai.grooming.learned import _cached_probability
from perisai.grooming.signals import _analyse_cached

DEVSET = Path(__file__).resolve().parents[1] / "tests" / "data" / "grooming" / "devset.jsonl"
TARGET_MSGS_PER_S = 10_000
TARGET_LOAD_S = 1.0


def load_conversations() -> list[tuple[str, list[Message]]]:
    rows = [json.loads(line) for line in DEVSET.read_text("utf-8").splitlines() if line]
    return [(r["id"], [Message(m["author"], m["text"]) for m in r["messages"]]) for r in rows]


def stream_rate(
    scorer: GroomingScorer,
    conversations: list[tuple[str, list[Message]]],
    seconds: float,
    *,
    cold: bool = False,
) -> tuple[float, int]:
    """Messages per second through `feed`; `cold` empties the per-text analysis cache before
    every conversation, so repeated short messages ("ok", "haha") are analysed afresh."""
    fed = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for cid, messages in conversations:
            if cold:
                _analyse_cached.cache_clear()
                _cached_probability.cache_clear()
            stream = scorer.stream(cid)
            for message in messages:
                stream.feed(message)
            fed += len(messages)
    return fed / (time.perf_counter() - start), fed


def cold_load_seconds() -> float:
    """Import the library and load the model in a fresh interpreter (what a worker pays)."""
    code = (
        "import time; t=time.perf_counter(); from perisai.grooming import GroomingScorer; "
        "GroomingScorer.load(); print(time.perf_counter()-t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="about 5 seconds instead of 30")
    parser.add_argument("--model", type=Path, default=None, help="another artefact")
    args = parser.parse_args()
    seconds = 3.0 if args.quick else 20.0
    start = time.perf_counter()
    scorer = GroomingScorer.load(args.model)
    warm_load = time.perf_counter() - start
    cold_load = min(cold_load_seconds() for _ in range(1 if args.quick else 3))
    conversations = load_conversations()
    rate, fed = stream_rate(scorer, conversations, seconds)
    cold_rate, _ = stream_rate(scorer, conversations, seconds / 2, cold=True)
    rows = [
        (
            "streaming messages/s (1 core)",
            f"{rate:,.0f}",
            f">= {TARGET_MSGS_PER_S:,}",
            rate >= TARGET_MSGS_PER_S,
        ),
        (
            "  same, text cache emptied per chat",
            f"{cold_rate:,.0f}",
            "(info)",
            True,
        ),
        (
            "model load, fresh process (s)",
            f"{cold_load:.3f}",
            f"<= {TARGET_LOAD_S}",
            cold_load <= TARGET_LOAD_S,
        ),
        (
            "model load, warm (s)",
            f"{warm_load:.4f}",
            f"<= {TARGET_LOAD_S}",
            warm_load <= TARGET_LOAD_S,
        ),
    ]
    print(f"grooming speed: {len(conversations)} dev-set conversations, {fed:,} messages streamed")
    print(f"{'figure':<32} {'ours':>12} {'target':>10}  verdict")
    for name, ours, target, ok in rows:
        print(f"{name:<32} {ours:>12} {target:>10}  {'PASS' if ok else 'FAIL'}")
    sys.exit(0 if all(r[3] for r in rows) else 1)


if __name__ == "__main__":
    main()
