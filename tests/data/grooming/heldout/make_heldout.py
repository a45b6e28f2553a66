"""Write the held-out grooming evaluation: dev.jsonl and test.jsonl beside this file.

    python tests/data/grooming/heldout/make_heldout.py [--out DIR] [--check]

Everything comes from the hand-written files in source/: three phrase banks (bank_en.txt,
bank_ms.txt, bank_mx.txt) of short exchanges per stage, pretext and benign scenario, and whole
hand-written conversations (hand_dev.txt, hand_test.txt). Exchange i of each bank belongs to
dev when i % 3 == 1 and to test otherwise, so no exchange is used by both files; the
hand-written conversations belong to one file each. The output is reproducible (fixed seeds).
The data is synthetic and non-explicit; see README.md. This script imports nothing of
perisai, on purpose: it was written apart from the detector.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source"
MYT = timezone(timedelta(hours=8))
LANGS = ("en", "ms", "mixed")
PRETEXTS = (
    "tutor",
    "coach",
    "scout",
    "neighbour",
    "cousin",
    "online_seller",
    "game_friend",
    "talent_agent",
    "photographer",
    "fake_peer",
)
SCENARIOS = (
    "parent",
    "cousin",
    "tutor",
    "coach",
    "online_seller",
    "adult_couple",
    "awareness",
    "peer",
    "group_chat",
    "surprise",
    "neighbour",
)
# How many conversations each file holds, and the share of grooming.
TARGETS = {"dev": (160, 0.45, 20250611), "test": (445, 0.45, 20250612)}
MIN_LEN, MAX_LEN = 15, 150
# Messages both files may share: a one-word reaction or a placeholder is not wording.
TRIVIAL_WORDS = 2
TRIVIAL_CHARS = 10


# ---------------------------------------------------------------- source parsing
@dataclass(frozen=True, slots=True)
class Line:
    role: str
    mark: str  # "" | "*" (indicator) | "#" (photo/clip/camera/meeting request)
    text: str


Exchange = tuple[Line, ...]
LINE_RE = re.compile(r"^([A-E])([*#]?):\s?(.*)$")


def parse_line(raw: str, where: str) -> Line:
    match = LINE_RE.match(raw)
    if not match:
        raise SystemExit(f"{where}: not a 'ROLE: text' line: {raw!r}")
    role, mark, text = match.groups()
    if not text.strip():
        raise SystemExit(f"{where}: empty message")
    return Line(role, mark, text.strip())


def parse_bank_file(path: Path) -> dict[str, list[Exchange]]:
    banks: dict[str, list[Exchange]] = {}
    current: list[Line] = []
    name = ""

    def flush() -> None:
        if current:
            if not name:
                raise SystemExit(f"{path}: exchange before any @bank")
            banks.setdefault(name, []).append(tuple(current))
            current.clear()

    for number, raw in enumerate(path.read_text("utf-8").splitlines(), 1):
        line = raw.rstrip()
        if line.startswith("//"):
            continue
        if line.startswith("@"):
            flush()
            name = line[1:].strip()
            if name in banks:
                raise SystemExit(f"{path}:{number}: bank {name} defined twice")
        elif not line:
            flush()
        else:
            current.append(parse_line(line, f"{path}:{number}"))
    flush()
    for bank, exchanges in banks.items():
        marked = any(ln.mark for ex in exchanges for ln in ex)
        if marked and not bank.startswith("g."):
            raise SystemExit(f"{path}: bank {bank} is not a grooming stage but marks a line")
    return banks


def load_banks(split: str) -> dict[str, dict[str, list[Exchange]]]:
    """Banks per language ("en", "ms", "mx"), keeping only the exchanges of `split`."""
    out: dict[str, dict[str, list[Exchange]]] = {}
    for lang in ("en", "ms", "mx"):
        banks = parse_bank_file(SOURCE / f"bank_{lang}.txt")
        out[lang] = {
            name: [ex for i, ex in enumerate(exs) if (i % 3 == 1) == (split == "dev")]
            for name, exs in banks.items()
        }
    return out


@dataclass(slots=True)
class HandConv:
    label: str
    category: str
    lang: str
    start: str  # time-of-day of the first session: n, e, d; "-" for no timestamps
    suspect_role: str
    items: list[Line | str] = field(default_factory=list)  # str: "~x" or "%small N"
    where: str = ""


def parse_header(line: str, where: str) -> HandConv:
    parts = line[3:].split()
    if len(parts) < 3:
        raise SystemExit(f"{where}: header needs label, category and lang")
    label, category, lang, *rest = parts
    opts = dict(p.split("=", 1) for p in rest)
    if label not in ("grooming", "benign") or lang not in LANGS:
        raise SystemExit(f"{where}: bad header {line!r}")
    return HandConv(label, category, lang, opts.get("t", "e"), opts.get("suspect", "A"), [], where)


def parse_hand_file(path: Path) -> list[HandConv]:
    convs: list[HandConv] = []
    for number, raw in enumerate(path.read_text("utf-8").splitlines(), 1):
        line = raw.strip()
        where = f"{path.name}:{number}"
        if not line or line.startswith("//"):
            continue
        if line.startswith("==="):
            convs.append(parse_header(line, where))
        elif not convs:
            raise SystemExit(f"{where}: line before any === header")
        elif line.startswith(("~", "%")):
            convs[-1].items.append(line)
        else:
            convs[-1].items.append(parse_line(line, where))
    for conv in convs:
        marks = [it.mark for it in conv.items if isinstance(it, Line) and it.mark]
        if (conv.label == "grooming") != bool(marks):
            raise SystemExit(f"{conv.where}: grooming needs marks, benign must have none")
    return convs


# ---------------------------------------------------------------- filling and noise
FILL = {
    "rm": ["RM10", "RM15", "RM20", "RM30", "RM50", "RM100", "RM25", "RM40"],
    "game": ["ML", "Mobile Legends", "Free Fire", "Roblox", "PUBG", "Genshin", "Valorant"],
    "place": [
        "Mid Valley",
        "Sunway Pyramid",
        "KL Sentral",
        "Mydin",
        "the night market",
        "Taman Tasik",
        "Kajang",
        "Shah Alam",
        "Seremban",
        "Ipoh",
        "Klang",
        "Cheras",
        "AEON",
        "the futsal court",
        "Bangsar",
        "Wangsa Maju",
    ],
    "app": ["Telegram", "Snapchat", "Discord", "Signal", "WhatsApp", "IG", "Line", "WeChat"],
    "food": [
        "nasi lemak",
        "mee goreng",
        "chicken rice",
        "roti canai",
        "nasi ayam",
        "maggi",
        "satay",
        "laksa",
        "nasi kerabu",
        "char kuey teow",
        "burger ramly",
    ],
    "school": [
        "SMK Seksyen 7",
        "SMK Bukit Jalil",
        "SMK Taman Melawati",
        "SMK Convent",
        "SMK Sri Permata",
        "SMK Puchong Jaya",
        "SMK Bandar Baru Bangi",
    ],
}
FILL_LANG = {
    "day": {
        "en": ["Saturday", "Sunday", "Wednesday", "Friday"],
        "ms": ["Sabtu", "Ahad", "Rabu", "Jumaat"],
    },
    "time": {
        "en": ["3pm", "4.30", "5pm", "after lunch", "8pm", "10am"],
        "ms": ["3 petang", "lepas asar", "5 petang", "lepas zohor", "8 malam", "10 pagi"],
    },
}
ALT_RE = re.compile(r"\{([^{}]*)\}")


def fill(text: str, rng: random.Random, names: dict[str, str], lang: str) -> str:
    def repl(match: re.Match[str]) -> str:
        body = str(match.group(1))
        if "|" in body:
            return rng.choice(body.split("|"))
        if body in names:
            return names[body]
        if body in FILL:
            return rng.choice(FILL[body])
        if body in FILL_LANG:
            key = "ms" if lang == "ms" else "en"
            return rng.choice(FILL_LANG[body][key])
        raise SystemExit(f"unknown placeholder {{{body}}} in {text!r}")

    return ALT_RE.sub(repl, text)


SMS_EN = {
    "you": "u",
    "your": "ur",
    "you're": "ur",
    "are": "r",
    "okay": "ok",
    "please": "pls",
    "because": "coz",
    "tomorrow": "tmr",
    "tonight": "2nite",
    "why": "y",
    "with": "w",
    "people": "ppl",
    "really": "rly",
    "know": "kno",
    "message": "msg",
    "messages": "msgs",
    "parents": "prnts",
    "alone": "alne",
    "home": "hme",
    "thanks": "thx",
    "later": "l8r",
    "before": "b4",
    "night": "nite",
    "what": "wat",
    "don't": "dont",
    "i'm": "im",
    "can't": "cant",
    "picture": "pic",
    "tell": "tll",
    "delete": "dlt",
}
SMS_MS = {
    "tak": "x",
    "nak": "nk",
    "sekarang": "skrg",
    "dengan": "dgn",
    "boleh": "blh",
    "kenapa": "knp",
    "macam": "mcm",
    "saya": "sy",
    "awak": "awk",
    "jangan": "jgn",
    "dekat": "dkt",
    "yang": "yg",
    "untuk": "utk",
    "je": "jer",
    "lagi": "lg",
    "tengok": "tgk",
    "cakap": "ckp",
    "sebab": "sbb",
    "rumah": "rmh",
    "bagitau": "bgtau",
    "terima kasih": "tq",
    "tunggu": "tggu",
    "betul": "btl",
    "dulu": "dlu",
    "orang": "org",
    "sorang": "sorg",
    "kita": "kt",
    "pergi": "pi",
}
EMOJI = ["😂", "🙂", "😅", "👍", "🥲", "😆", "🤣", "😊", "🙏", "😭", "😴", "🔥"]
WORD_RE = re.compile(r"[A-Za-z']+")


@dataclass(frozen=True, slots=True)
class Style:
    lower: bool
    sms: float  # share of mappable words shortened
    typo: float  # share of words with a typo
    emoji: float


STYLES = (
    Style(lower=False, sms=0.0, typo=0.0, emoji=0.03),
    Style(lower=True, sms=0.25, typo=0.01, emoji=0.06),
    Style(lower=True, sms=0.75, typo=0.03, emoji=0.08),
    Style(lower=True, sms=0.45, typo=0.02, emoji=0.15),
)


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def noisy(text: str, style: Style, rng: random.Random) -> str:
    if text.startswith("[") and text.endswith("]"):
        return text
    if style.sms:
        for phrase, short in SMS_MS.items():
            if " " in phrase and phrase in text and rng.random() < style.sms:
                text = text.replace(phrase, short)

        def shorten(match: re.Match[str]) -> str:
            word = match.group(0)
            short = SMS_EN.get(word.lower()) or SMS_MS.get(word.lower())
            if short and rng.random() < style.sms:
                return short
            if rng.random() < style.typo:
                return typo(word, rng)
            return word

        text = WORD_RE.sub(shorten, text)
    if style.lower:
        text = text.lower().rstrip(".")
    if rng.random() < style.emoji:
        text = f"{text} {rng.choice(EMOJI)}"
    return text


# ---------------------------------------------------------------- people
NAMES = [
    "Aiman", "Hafiz", "Syafiq", "Danish", "Irfan", "Amir", "Haziq", "Faris", "Rizal", "Zul",
    "Aisyah", "Nurul", "Sofea", "Alya", "Mira", "Balqis", "Farah", "Hana", "Izzah", "Qistina",
    "Wei Jie", "Jun Hao", "Kah Wai", "Mei Ling", "Jia Xin", "Hui Min", "Chee Keong", "Xin Yi",
    "Arjun", "Kavin", "Ravi", "Dinesh", "Priya", "Kavitha", "Shalini", "Thivya", "Ganesh",
    "Jason", "Daniel", "Ryan", "Sarah", "Rachel", "Adam", "Nadia", "Ikhwan", "Syazwan",
    "Amirul", "Aqil", "Yusuf", "Puteri", "Damia", "Adib", "Luqman", "Hakim", "Elina", "Tasha",
]  # fmt: skip


def handle(name: str, rng: random.Random) -> str:
    first = name.split(maxsplit=1)[0].lower()
    styles = [
        name,
        f"{first}_{rng.randrange(1, 99):02d}",
        f"{first}.{rng.choice('abcdefghjkmnrsz')}",
        f"its{first}",
        f"{name} {rng.choice('ABCDHKMNRSTZ')}.",
        f"{first}{rng.randrange(1990, 2013)}",
    ]
    return rng.choice(styles)


def people(roles: str, rng: random.Random) -> tuple[dict[str, str], dict[str, str]]:
    """Author handles and short names for the roles; the same pool for every role."""
    chosen = rng.sample(NAMES, len(roles))
    handles: dict[str, str] = {}
    for role, name in zip(roles, chosen, strict=True):
        h = handle(name, rng)
        while h in handles.values():
            h = f"{h}_"
        handles[role] = h
    shorts = {role: name.split()[0] for role, name in zip(roles, chosen, strict=True)}
    return handles, shorts


# ---------------------------------------------------------------- timestamps
NIGHT = [(21, 40), (22, 10), (22, 45), (23, 20), (23, 50), (0, 30), (1, 10)]
EVENING = [(17, 30), (18, 40), (19, 50), (20, 30), (21, 5)]
DAY = [(7, 15), (9, 30), (11, 0), (12, 45), (14, 20), (15, 30), (16, 10)]


def session_start(prev: datetime, kind: str, rng: random.Random) -> datetime:
    hour, minute = rng.choice({"n": NIGHT, "e": EVENING, "d": DAY}[kind])
    day = prev.date() + timedelta(days=rng.choice([0, 1, 1, 1, 2, 3, 6]))
    start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=MYT)
    start += timedelta(minutes=rng.randrange(0, 25), seconds=rng.randrange(60))
    if hour < 5:
        start += timedelta(days=1)
    while start <= prev:
        start += timedelta(days=1)
    return start


def stamp_sessions(sessions: list[tuple[str, int]], rng: random.Random) -> list[str]:
    """ISO 8601 times (+08:00) for messages grouped in sessions of (time-of-day, count)."""
    base = datetime(2024, 1, 1, tzinfo=MYT) + timedelta(days=rng.randrange(600))
    now = base
    out: list[str] = []
    for kind, count in sessions:
        now = session_start(now, kind, rng)
        for _ in range(count):
            out.append(now.isoformat(timespec="seconds"))
            gap = rng.expovariate(1 / 45) + 4
            if rng.random() < 0.07:
                gap += rng.randrange(120, 1500)
            now += timedelta(seconds=int(gap))
    return out


# ---------------------------------------------------------------- conversation assembly
@dataclass(slots=True)
class Built:
    lines: list[Line]
    breaks: set[int]  # message indexes that open a new session


class Picker:
    """Draws exchanges of one split for one language (mixed draws from all three)."""

    def __init__(self, banks: dict[str, dict[str, list[Exchange]]], lang: str, rng: random.Random):
        self.banks = banks
        self.lang = lang
        self.rng = rng
        # (bank, position): the banks are written in parallel, so position i of bank_en and of
        # bank_ms often say the same thing; a conversation uses each position once.
        self.used: set[tuple[str, int]] = set()

    def order(self) -> list[str]:
        if self.lang == "en":
            return ["en"]
        if self.lang == "ms":
            return ["ms"]
        roll = self.rng.random()
        if roll < 0.6:
            return ["mx", "en", "ms"]
        return ["ms", "mx", "en"] if roll < 0.8 else ["en", "mx", "ms"]

    def has(self, bank: str) -> bool:
        return any(self.banks[b].get(bank) for b in self.order())

    def fresh(self, bank: str) -> Exchange | None:
        """An exchange of a position not used yet in this conversation, if any is left."""
        for source in self.order():
            options = self.banks[source].get(bank, [])
            fresh = [i for i in range(len(options)) if (bank, i) not in self.used]
            if fresh:
                i = self.rng.choice(fresh)
                self.used.add((bank, i))
                return options[i]
        return None

    def pick(self, bank: str) -> Exchange:
        """A fresh exchange when there is one, else any."""
        choice = self.fresh(bank)
        if choice is not None:
            return choice
        for source in self.order():
            options = self.banks[source].get(bank)
            if options:
                return self.rng.choice(options)
        raise SystemExit(f"no exchange for bank {bank} ({self.lang})")

    def small(self, bank: str, count: int) -> list[Line]:
        """Whole small-talk exchanges adding up to at least `count` messages."""
        out: list[Line] = []
        while len(out) < count:
            out.extend(self.pick(bank))
        return out


FILLERS = ["haha", "ok", "lol", "hmm", "😂", "ok ok", "hahaha", "ya", "oh", "👍", "haha ok"]


def with_fillers(lines: list[Line], rng: random.Random, roles: str) -> list[Line]:
    if not lines or rng.random() < 0.6:
        return lines
    others = [r for r in roles if r != lines[-1].role]
    return [*lines, Line(rng.choice(others), "", rng.choice(FILLERS))]


def target_length(rng: random.Random, mu: float) -> int:
    """A conversation length: log-normal, and now and then a long chat (both labels alike)."""
    length = round(rng.lognormvariate(mu, 0.5))
    if rng.random() < 0.25:
        length += rng.randrange(15, 50)
    return max(MIN_LEN, min(MAX_LEN - 10, length))


def grooming_stages(pretext: str, rng: random.Random) -> list[str]:
    """The ordered indicator stages of one grooming conversation (varies per conversation)."""
    early = ["g.probe"] if rng.random() < 0.85 else []
    bond = [
        s for s, p in (("g.flatter", 0.85), ("g.gift", 0.5), ("g.agegap", 0.3)) if rng.random() < p
    ]
    if pretext in ("game_friend", "online_seller") and "g.gift" not in bond:
        bond.append("g.gift")
    rng.shuffle(bond)
    control = [
        s
        for s, p in (
            ("g.risk", 0.8),
            ("g.secret", 0.85),
            ("g.isolate", 0.35),
            ("g.deceive", 0.35),
            ("g.move", 0.5),
        )
        if rng.random() < p
    ]
    rng.shuffle(control)
    contact: list[str] = []
    if rng.random() < 0.82:
        model = pretext in ("scout", "talent_agent", "photographer")
        photo = "g.photo.model" if model and rng.random() < 0.7 else "g.photo"
        options = [photo, "g.cam", "g.meet"]
        contact = rng.sample(options, rng.choice([1, 1, 2]))
    tail = []
    if contact and rng.random() < 0.35:
        tail.append("g.threat")
    if rng.random() < 0.5:
        tail.append("g.end")
    stages = early + bond + control
    # Now and then the request comes before some of the control stages.
    if contact and control and rng.random() < 0.3:
        cut = rng.randrange(len(early + bond), len(stages))
        return stages[:cut] + contact + stages[cut:] + tail
    return stages + contact + tail


def grooming_plan(
    pretext: str, picker: Picker, rng: random.Random
) -> tuple[list[Exchange], list[Exchange]]:
    """(neutral opening part, indicator part) as exchanges, before any small talk is added."""
    opening = [picker.pick(f"open.{pretext}"), picker.pick(f"cover.{pretext}")]
    arc = [picker.pick(stage) for stage in grooming_stages(pretext, rng)]
    for _ in range(rng.choice([0, 1, 1, 2])):
        cover = picker.fresh(f"cover.{pretext}")
        if cover:
            arc.insert(rng.randrange(len(arc) + 1), cover)
    return opening, arc


def spread_small(
    parts: list[Exchange],
    total_small: int,
    bank: str,
    picker: Picker,
    rng: random.Random,
    *,
    lead: bool = True,
) -> list[list[Line]]:
    """Cut `total_small` small-talk messages into random stretches placed between `parts`
    (and before the first part when `lead`)."""
    cuts = sorted(rng.randrange(total_small + 1) for _ in range(len(parts) - (not lead)))
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, total_small], strict=True)]
    if not lead:
        sizes.insert(0, 0)
    chunks: list[list[Line]] = []
    for part, size in zip(parts, sizes[1:], strict=True):
        chunks.append(list(part))
        if size:
            chunks.append(picker.small(bank, size))
    if sizes[0]:
        chunks.insert(0, picker.small(bank, sizes[0]))
    return chunks


def build_grooming(pretext: str, picker: Picker, rng: random.Random) -> Built:
    opening, arc = grooming_plan(pretext, picker, rng)
    target = target_length(rng, 2.9)
    bank = "small.peer" if pretext == "fake_peer" else "small.kid"
    fixed = sum(len(ex) for ex in opening + arc)
    small = max(0, target - fixed)
    # Slow burn: most of the small talk usually comes before the first indicator.
    before = round(small * rng.choice([0.3, 0.5, 0.65, 0.75, 0.85, 0.9]))
    if rng.random() < 0.4:  # a slow burn: a long friendly stretch before anything happens
        extra = rng.randrange(12, 36)
        before += extra
        small += extra
    chunks = spread_small(opening, before, bank, picker, rng, lead=False)
    chunks += spread_small(arc, small - before, bank, picker, rng)
    return assemble(chunks, rng, "AB")


SCENARIO_BANKS: dict[str, tuple[list[str], str, str]] = {
    # scenario: (banks drawn for the look-alike part, small-talk bank, roles)
    "parent": (["b.parent"], "small.family", "AB"),
    "cousin": (["open.cousin", "cover.cousin", "b.cousin"], "small.kid", "AB"),
    "tutor": (["open.tutor", "cover.tutor", "b.tutor"], "small.kid", "AB"),
    "coach": (["open.coach", "cover.coach", "b.coach"], "small.kid", "AB"),
    "online_seller": (
        ["open.online_seller", "cover.online_seller", "b.seller"],
        "small.adult",
        "AB",
    ),
    "adult_couple": (["b.couple"], "small.adult", "AB"),
    "awareness": (["b.awareness"], "small.family", "AB"),
    "peer": (["b.peer"], "small.peer", "AB"),
    "group_chat": (["b.group"], "small.peer", "ABCD"),
    "surprise": (["b.surprise"], "small.family", "AB"),
    "neighbour": (["open.neighbour", "cover.neighbour", "b.neighbour"], "small.kid", "AB"),
}


def build_benign(scenario: str, picker: Picker, rng: random.Random, target: int) -> Built:
    banks, small_bank, roles = SCENARIO_BANKS[scenario]
    parts: list[Exchange] = []
    if banks[0].startswith("open."):
        parts.append(picker.pick(banks[0]))
        covers = [picker.fresh(banks[1]) for _ in range(rng.choice([1, 2, 3]))]
        parts += [ex for ex in covers if ex]
    looks = [picker.fresh(banks[-1]) for _ in range(rng.choice([3, 4, 5, 5, 6, 7]))]
    parts += [ex for ex in looks if ex]
    opening, rest = parts[:1], parts[1:]
    rng.shuffle(rest)
    small = max(0, target - sum(len(ex) for ex in parts))
    before = round(small * rng.choice([0.2, 0.45, 0.6, 0.7, 0.8]))
    lead = not banks[0].startswith("open.")
    chunks = spread_small(opening, before, small_bank, picker, rng, lead=lead)
    chunks += spread_small(rest, small - before, small_bank, picker, rng)
    if len(roles) > 2:
        chunks = [regroup(chunk, roles, rng) for chunk in chunks]
    return assemble(chunks, rng, roles)


def regroup(chunk: list[Line], roles: str, rng: random.Random) -> list[Line]:
    """Spread a two-person small-talk stretch over the members of a group chat."""
    if any(line.role not in "AB" for line in chunk):
        return chunk
    cast = dict(zip("AB", rng.sample(roles, 2), strict=True))
    return [Line(cast[line.role], line.mark, line.text) for line in chunk]


def assemble(chunks: list[list[Line]], rng: random.Random, roles: str) -> Built:
    lines: list[Line] = []
    breaks: set[int] = {0}
    for chunk in chunks:
        if lines and rng.random() < 0.3:
            breaks.add(len(lines))
        lines.extend(with_fillers(chunk, rng, roles))
    return Built(lines[:MAX_LEN], {b for b in breaks if b < MAX_LEN})


def build_hand(conv: HandConv, picker: Picker) -> tuple[Built, list[str]]:
    """Lines of a hand-written conversation with its %small stretches filled in, and the
    time-of-day of each session."""
    lines: list[Line] = []
    breaks = {0}
    kinds = [conv.start if conv.start != "-" else "e"]
    small_bank = "small.peer" if conv.category in ("fake_peer", "peer") else "small.kid"
    for item in conv.items:
        if isinstance(item, Line):
            lines.append(item)
        elif item.startswith("~"):
            breaks.add(len(lines))
            kinds.append(item[1:2] or kinds[-1])
        elif item.startswith("%small"):
            lines.extend(picker.small(small_bank, int(item.split()[1])))
        else:
            raise SystemExit(f"{conv.where}: unknown directive {item!r}")
    return Built(lines, breaks), kinds


# ---------------------------------------------------------------- records
@dataclass(slots=True)
class Spec:
    label: str
    category: str
    lang: str
    origin: str
    built: Built
    kinds: list[str] | None  # session time-of-day; None: draw them
    stamped: bool
    suspect_role: str = "A"


def session_kinds(spec: Spec, first_ind: int | None, rng: random.Random) -> list[str]:
    starts = sorted(spec.built.breaks)
    kinds = []
    for start in starts:
        if spec.label == "grooming":
            late = first_ind is not None and start >= first_ind - 3
            p_night = 0.5 if late else 0.25
        elif spec.category in ("peer", "adult_couple", "group_chat", "cousin", "surprise"):
            p_night = 0.4
        else:
            p_night = 0.2
        roll = rng.random()
        kinds.append("n" if roll < p_night else ("e" if roll < p_night + 0.4 else "d"))
    return kinds


def to_record(spec: Spec, rng: random.Random, lang_of_text: str) -> dict[str, object]:
    lines = spec.built.lines
    roles = sorted({line.role for line in lines})
    handles, shorts = people("".join(roles), rng)
    ab = "akak" if lang_of_text != "en" and rng.random() < 0.2 else "abang"
    styles = {role: rng.choice(STYLES) for role in roles}
    messages: list[dict[str, str]] = []
    for line in lines:
        text = fill(line.text, rng, shorts, lang_of_text)
        text = re.sub(r"\b(abang|akak)\b", ab, text)
        messages.append({"author": handles[line.role], "text": noisy(text, styles[line.role], rng)})
    first_ind = next((i for i, ln in enumerate(lines) if ln.mark), None)
    first_req = next((i for i, ln in enumerate(lines) if ln.mark == "#"), None)
    if spec.stamped:
        kinds = spec.kinds or session_kinds(spec, first_ind, rng)
        starts = sorted(spec.built.breaks)
        counts = [b - a for a, b in zip(starts, [*starts[1:], len(lines)], strict=True)]
        for message, when in zip(
            messages, stamp_sessions(list(zip(kinds, counts, strict=True)), rng), strict=True
        ):
            message["sent_at"] = when
    grooming = spec.label == "grooming"
    return {
        "id": "",
        "messages": messages,
        "label": spec.label,
        "category": spec.category,
        "lang": spec.lang,
        "split": "test",
        "origin": spec.origin,
        "hints": {},
        "suspect": handles[spec.suspect_role] if grooming else None,
        "first_indicator": first_ind if grooming else None,
        "first_contact_request": first_req if grooming else None,
    }


# ---------------------------------------------------------------- files
def normalise(text: str) -> str:
    """What 'the same message' means across files: case, punctuation and emoji ignored."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def trivial(text: str) -> bool:
    norm = normalise(text)
    return len(norm.split()) <= TRIVIAL_WORDS or len(norm) <= TRIVIAL_CHARS


def plan_counts(total: int, share: float, hand: list[HandConv]) -> dict[tuple[str, str], int]:
    """How many generated conversations each (label, lang) needs beside the hand-written."""
    grooming = round(total * share)
    want: dict[tuple[str, str], int] = {}
    for label, count in (("grooming", grooming), ("benign", total - grooming)):
        for i, lang in enumerate(LANGS):
            want[(label, lang)] = count // 3 + (1 if i < count % 3 else 0)
    for conv in hand:
        want[(conv.label, conv.lang)] -= 1
    if min(want.values()) < 0:
        raise SystemExit(f"more hand-written conversations than planned: {want}")
    return want


def generated_specs(
    want: dict[tuple[str, str], int],
    banks: dict[str, dict[str, list[Exchange]]],
    rng: random.Random,
    grooming_lengths: list[int],
) -> list[Spec]:
    """Grooming first; each benign conversation then aims at the length of a grooming one
    drawn at random, so that length tells nothing about the label."""
    specs: list[Spec] = []
    lengths = list(grooming_lengths)
    for (label, lang), count in sorted(want.items(), key=lambda kv: kv[0][0] != "grooming"):
        categories = PRETEXTS if label == "grooming" else SCENARIOS
        offset = rng.randrange(len(categories))
        for i in range(count):
            category = categories[(offset + i) % len(categories)]
            if label == "grooming":
                built = build_grooming(category, Picker(banks, lang, rng), rng)
                while len(built.lines) > MAX_LEN:
                    built = build_grooming(category, Picker(banks, lang, rng), rng)
            else:
                built = benign_near(category, Picker(banks, lang, rng), rng, lengths)
            if label == "grooming":
                lengths.append(len(built.lines))
            specs.append(Spec(label, category, lang, "generated", built, None, rng.random() < 0.6))
    return specs


def benign_near(category: str, picker: Picker, rng: random.Random, lengths: list[int]) -> Built:
    """A benign conversation whose length is near one of `lengths` (small talk overshoots its
    aim by part of an exchange, so the aim is lowered until the result fits)."""
    want = max(MIN_LEN + 3, min(MAX_LEN, rng.choice(lengths) + rng.randrange(-4, 4)))
    aim = want
    for _ in range(12):
        built = build_benign(category, Picker(picker.banks, picker.lang, rng), rng, aim)
        if abs(len(built.lines) - want) <= 4 and MIN_LEN <= len(built.lines) <= MAX_LEN:
            return built
        aim -= max(1, (len(built.lines) - want) // 2) if len(built.lines) > want else -1
    if not MIN_LEN <= len(built.lines) <= MAX_LEN:
        raise SystemExit(f"no {category} conversation near {want} messages")
    return built


def hand_specs(
    hand: list[HandConv], banks: dict[str, dict[str, list[Exchange]]], rng: random.Random
) -> list[Spec]:
    specs = []
    for conv in hand:
        built, kinds = build_hand(conv, Picker(banks, conv.lang, rng))
        if not MIN_LEN <= len(built.lines) <= MAX_LEN:
            raise SystemExit(f"{conv.where}: {len(built.lines)} messages")
        if len(kinds) != len(built.breaks):
            raise SystemExit(f"{conv.where}: session markers must not repeat or open the chat")
        stamped = conv.start != "-" and rng.random() < 0.8
        specs.append(
            Spec(
                conv.label,
                conv.category,
                conv.lang,
                "hand",
                built,
                kinds,
                stamped,
                conv.suspect_role,
            )
        )
    return specs


def avoid_shared(record: dict[str, object], seen: set[str], rng: random.Random) -> int:
    """Re-spell any message that an earlier file already holds word for word (by chance)."""
    changed = 0
    messages = record["messages"]
    assert isinstance(messages, list)
    for message in messages:
        tries = 0
        while not trivial(message["text"]) and normalise(message["text"]) in seen:
            tries += 1
            if tries > 20:
                raise SystemExit(f"cannot keep {message['text']!r} apart from the other file")
            message["text"] = noisy(message["text"], STYLES[2], rng)
            changed += 1
    return changed


def make_split(split: str, seen: set[str]) -> list[dict[str, object]]:
    total, share, seed = TARGETS[split]
    rng = random.Random(seed)
    banks = load_banks(split)
    hand = [c for path in sorted(SOURCE.glob(f"hand_{split}*.txt")) for c in parse_hand_file(path)]
    specs = hand_specs(hand, banks, rng)
    lengths = [len(s.built.lines) for s in specs if s.label == "grooming"]
    specs += generated_specs(plan_counts(total, share, hand), banks, rng, lengths)
    records = []
    for spec in specs:
        lang_of_text = {"en": "en", "ms": "ms"}.get(spec.lang, rng.choice(["en", "ms"]))
        record = to_record(spec, rng, lang_of_text)
        avoid_shared(record, seen, rng)
        records.append(record)
    rng.shuffle(records)
    for number, record in enumerate(records, 1):
        record["id"] = f"{split}-{number:04d}"
    return records


def texts(records: list[dict[str, object]]) -> set[str]:
    out: set[str] = set()
    for record in records:
        messages = record["messages"]
        assert isinstance(messages, list)
        out.update(normalise(m["text"]) for m in messages if not trivial(m["text"]))
    return out


def dump(records: list[dict[str, object]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder for dev.jsonl, test.jsonl")
    parser.add_argument("--check", action="store_true", help="compare with the files, write none")
    args = parser.parse_args(argv)
    dev = make_split("dev", set())
    test = make_split("test", texts(dev))
    outputs = {"dev.jsonl": dump(dev), "test.jsonl": dump(test)}
    if args.check:
        stale = [n for n, body in outputs.items() if (args.out / n).read_text("utf-8") != body]
        if stale:
            print(f"out of date: {', '.join(stale)}", file=sys.stderr)
            return 1
        return 0
    for name, body in outputs.items():
        (args.out / name).write_text(body, "utf-8")
    print(f"dev {len(dev)}, test {len(test)} conversations written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
