"""Generate the grooming calibration set (`cal.jsonl`) from banks.py, reproducibly.

    .venv/bin/python tests/data/grooming/calibration/make_calibration.py [--check]

Training/calibration data only (`split: "train"`), written apart from the held-out test set:
see README.md. Lengths are drawn the same way for both labels (benign chats are padded to the
length of a randomly drawn grooming chat), so length says nothing about the label.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType


def _load_banks(name: str) -> ModuleType:
    """A bank module beside this script (the directory is data, not a package)."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Families a and b split banks.py by exchange; family c is banks_c.py, written afterwards.
BANKS: dict[int, ModuleType] = {
    0: _load_banks("banks"),
    1: _load_banks("banks"),
    2: _load_banks("banks_c"),
}

OUT = Path(__file__).resolve().parent / "cal.jsonl"
SEED = 20261205
LANGS = ("en", "ms", "mx")
MYT = timezone(timedelta(hours=8))
GROOMING_PRETEXTS = (
    "tutor",
    "coach",
    "online_seller",
    "game_friend",
    "neighbour",
    "cousin",
    "photographer",
    "peer",
)
BENIGN_KINDS = (
    "parent",
    "cousin",
    "tutor",
    "coach",
    "online_seller",
    "couple",
    "counsellor",
    "peer",
    "group",
    "surprise",
    "neighbour",
)
CONTROL = ("flatter", "gift", "risk", "secret", "deceive", "isolate", "move", "agegap")
REQUESTS = ("photo", "cam", "meet")
HANDLES = (
    "aiman_07",
    "Nurul A.",
    "kevin.tan",
    "Priya",
    "hafiz99",
    "mei_ling",
    "Arjun R.",
    "sofea",
    "danish_k",
    "Farah",
    "jason lim",
    "Kavitha",
    "irfan.z",
    "Wei Jie",
    "Aina",
    "rizal_88",
    "Siti H.",
    "daniel",
    "Lakshmi",
    "zul",
    "amirah.b",
    "hazwan",
    "Chloe",
    "Ravi",
    "yana_x",
)
FILL = {
    "name": ("Farid", "Lim", "Suresh", "Aida", "Wong", "Hani"),
    "place": ("Bangi", "Cheras", "Kajang", "Setapak", "Ipoh", "Klang", "Shah Alam", "Seremban"),
    "app": ("telegram", "signal", "snap", "discord", "insta", "line"),
    "rm": ("RM20", "RM50", "RM30", "rm100", "RM15"),
    "game": ("mlbb", "pubg", "roblox", "free fire", "genshin"),
}
SMS = {
    "you": "u",
    "your": "ur",
    "are": "r",
    "tonight": "2nite",
    "tomorrow": "tmr",
    "please": "pls",
    "dont": "dnt",
    "tell": "tll",
    "parents": "prnts",
    "home": "hme",
    "alone": "alne",
    "jangan": "jgn",
    "tak": "x",
    "nak": "nk",
    "sekarang": "skrg",
    "sorang": "sorg",
    "boleh": "blh",
    "dengan": "dgn",
    "yang": "yg",
    "okay": "k",
    "because": "bcs",
    "know": "knw",
    "video": "vid",
    "picture": "pic",
    "message": "msg",
    "later": "l8r",
    "tengok": "tgk",
}
EMOJI = ("😂", "🥲", "😅", "🙂", "😭", "👍", "🤣", "😴")


def parse(bank: str, family: int) -> list[list[tuple[str, str]]]:
    """The exchanges of `bank` in `family`: in banks.py exchange i belongs to family i % 2
    (banks of fewer than 4 exchanges belong to both); banks_c.py is family 2's alone."""
    exchanges = []
    lines = bank.strip().splitlines()
    if family < 2 and len(lines) >= 4:
        lines = [line for i, line in enumerate(lines) if i % 2 == family]
    for line in lines:
        turns = []
        for part in line.split(" | "):
            speaker, _, text = part.partition("> ")
            turns.append((speaker.strip(), text.strip()))
        exchanges.append(turns)
    return exchanges


def fill(text: str, rng: random.Random) -> str:
    text = re.sub(r"\{([^{}]*\|[^{}]*)\}", lambda m: rng.choice(m.group(1).split("|")), text)
    return re.sub(r"\{(\w+)\}", lambda m: rng.choice(FILL[m.group(1)]), text)


def styled(text: str, style: str, rng: random.Random) -> str:
    if style == "clean" or text.startswith("["):
        return text
    out = []
    for word in text.lower().split():
        bare = word.strip("?,.!'")
        styled_word = word
        if style == "sms" and bare in SMS and rng.random() < 0.7:
            styled_word = word.replace(bare, SMS[bare])
        elif len(word) > 4 and rng.random() < (0.06 if style == "sms" else 0.02):
            i = rng.randrange(len(word) - 1)  # a typo: two letters swapped
            styled_word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        out.append(styled_word)
    text = " ".join(out).rstrip(".")
    if rng.random() < 0.08:
        text += " " + rng.choice(EMOJI)
    return text


class Builder:
    def __init__(self, rng: random.Random, authors: dict[str, str], timed: bool) -> None:
        self.rng = rng
        self.authors = authors
        self.styles = {role: rng.choice(("clean", "casual", "sms")) for role in authors}
        self.messages: list[dict[str, str]] = []
        self.clock = datetime(2026, rng.randint(1, 10), rng.randint(1, 28), 16, 0, tzinfo=MYT)
        self.timed = timed

    def session(self, night: bool) -> None:
        days = self.rng.randint(0, 3)
        hour = self.rng.choice((22, 23, 0, 1)) if night else self.rng.randint(8, 21)
        base = self.clock.replace(hour=hour, minute=self.rng.randint(0, 59))
        self.clock = max(self.clock, base + timedelta(days=days + (1 if hour < 5 else 0)))

    def add(self, exchange: list[tuple[str, str]]) -> int:
        first = len(self.messages)
        for role, text in exchange:
            if role not in self.authors:
                continue
            message = {
                "author": self.authors[role],
                "text": styled(fill(text, self.rng), self.styles[role], self.rng),
            }
            if self.timed:
                self.clock += timedelta(seconds=self.rng.randint(10, 240))
                message["sent_at"] = self.clock.isoformat()
            self.messages.append(message)
        return first


def draw_grooming_plan(rng: random.Random) -> list[str]:
    control = sorted(rng.sample(CONTROL, rng.randint(2, 6)), key=CONTROL.index)
    if rng.random() < 0.2:  # some swap the order
        rng.shuffle(control)
    plan = ["probe", *control] if rng.random() < 0.85 else control
    if rng.random() < 0.87:
        requests = rng.sample(REQUESTS, rng.randint(1, 2))
        at = rng.randint(max(1, len(plan) - 2), len(plan))  # sometimes before the last controls
        plan[at:at] = requests
        if rng.random() < 0.35:
            plan.append("threat")
    plan.append("end")
    return plan


def grooming(rng: random.Random, lang: str, number: int, family: int) -> dict[str, object]:
    pretext = rng.choice(GROOMING_PRETEXTS)
    suspect, child = rng.sample(HANDLES, 2)
    timed = rng.random() < 0.6
    b = Builder(rng, {"S": suspect, "C": child}, timed)
    small = parse(BANKS[family].SMALL[lang], family)
    cover = parse(BANKS[family].PRETEXT[lang][pretext], family)
    stages = {k: parse(v, family) for k, v in BANKS[family].GROOMING[lang].items()}
    b.session(False)
    for exchange in rng.sample(cover, min(len(cover), rng.randint(1, 3))):
        b.add(exchange)
    slow = rng.random() < 0.4
    for _ in range(rng.randint(6, 22) if slow else rng.randint(0, 4)):
        b.add(rng.choice(small + cover))
    first_indicator = first_request = None
    plan = draw_grooming_plan(rng)
    for step_no, step in enumerate(plan):
        if step_no and rng.random() < 0.3:
            b.session(rng.random() < 0.5)
        start = b.add(rng.choice(stages[step]))
        if first_indicator is None and step != "end":
            first_indicator = start
        if first_request is None and step in REQUESTS:
            first_request = start
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            b.add(rng.choice(small + cover))
    return {
        "id": f"cal-{number:04d}",
        "messages": b.messages,
        "label": "grooming",
        "category": pretext,
        "lang": {"mx": "mixed"}.get(lang, lang),
        "split": "train",
        "hints": {},
        "suspect": suspect,
        "first_indicator": first_indicator,
        "first_contact_request": first_request,
        "origin": "calibration",
    }


def benign(
    rng: random.Random, lang: str, number: int, length: int, family: int
) -> dict[str, object]:
    kind = rng.choice(BENIGN_KINDS)
    first, second, third = rng.sample(HANDLES, 3)
    authors = {"S": first, "C": second}
    if kind == "group":
        authors["T"] = third
    b = Builder(rng, authors, rng.random() < 0.6)
    small = parse(BANKS[family].SMALL[lang], family)
    cover_key = {"surprise": "cousin", "neighbour": "neighbour"}.get(kind, kind)
    cover = parse(BANKS[family].PRETEXT[lang][cover_key], family)
    looks = parse(BANKS[family].BENIGN[lang][kind], family)
    picks = rng.sample(looks, min(len(looks), rng.randint(2, 6)))
    b.session(rng.random() < 0.25)
    for exchange in rng.sample(cover, min(len(cover), rng.randint(1, 3))):
        b.add(exchange)
    while len(b.messages) < length:
        if picks and rng.random() < 0.35:
            if rng.random() < 0.25:
                b.session(kind in ("couple", "peer", "group") and rng.random() < 0.5)
            b.add(picks.pop())
        else:
            b.add(rng.choice(small + cover))
    for exchange in picks:
        b.add(exchange)
    return {
        "id": f"cal-{number:04d}",
        "messages": b.messages,
        "label": "benign",
        "category": kind,
        "lang": {"mx": "mixed"}.get(lang, lang),
        "split": "train",
        "hints": {},
        "suspect": None,
        "first_indicator": None,
        "first_contact_request": None,
        "origin": "calibration",
    }


def build() -> str:
    """Conversations of family 0 ("a"), 1 ("b") and 2 ("c"): no exchange is shared between
    them, so a model trained on one family can be validated on the other."""
    rng = random.Random(SEED)
    records: list[dict[str, object]] = []
    for family in (0, 1, 2):
        lengths: list[int] = []
        for i in range(60):
            record = grooming(rng, LANGS[i % 3], len(records), family)
            record["family"] = "abc"[family]
            records.append(record)
            lengths.append(len(record["messages"]))  # type: ignore[arg-type]
        for i in range(90):
            record = benign(rng, LANGS[i % 3], len(records), rng.choice(lengths), family)
            record["family"] = "abc"[family]
            records.append(record)
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare with cal.jsonl")
    args = parser.parse_args()
    text = build()
    if args.check:
        sys.exit(0 if OUT.read_text("utf-8") == text else 1)
    OUT.write_text(text, "utf-8")


if __name__ == "__main__":
    main()
