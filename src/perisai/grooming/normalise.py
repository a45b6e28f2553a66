"""Normalisation of chat text (English, Malay, Manglish) into canonical lower-case words.

Signal patterns are written once against the canonical words ("jangan beritahu"), and every
spelling seen in chats ("jgn bgtau", "jgn bitau", "jangan bagitau") is mapped onto them here.
Each canonical token remembers the character span of the original token, so evidence is always
quoted exactly as the author wrote it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

# Letters (any script), digits and in-word apostrophes; everything else separates tokens.
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Three or more of the same character are chat elongation ("cantikkkk", "sooo"): keep one.
_ELONGATION = re.compile(r"(.)\1{2,}")

# Everyday words a misspelling must never be "mended" into a lexicon word from.
_COMMON_WORDS: frozenset[str] = frozenset(
    [
        "about",
        "after",
        "again",
        "along",
        "also",
        "always",
        "another",
        "around",
        "asked",
        "because",
        "before",
        "being",
        "below",
        "better",
        "between",
        "bring",
        "brought",
        "called",
        "coming",
        "could",
        "doing",
        "during",
        "every",
        "first",
        "found",
        "friend",
        "going",
        "great",
        "happy",
        "house",
        "inside",
        "later",
        "little",
        "maybe",
        "might",
        "money",
        "morning",
        "never",
        "night",
        "nothing",
        "other",
        "people",
        "place",
        "please",
        "right",
        "school",
        "should",
        "since",
        "something",
        "still",
        "store",
        "taken",
        "thank",
        "their",
        "there",
        "these",
        "thing",
        "think",
        "those",
        "three",
        "today",
        "together",
        "tomorrow",
        "under",
        "until",
        "using",
        "wanted",
        "water",
        "where",
        "which",
        "while",
        "would",
        "years",
        "yesterday",
        "young",
        "class",
        "video",
        "photo",
        "phone",
        "cousin",
        "coach",
        "taman",
        "teacher",
        "police",
        "cikgu",
        "sekolah",
        "makan",
        "minum",
        "kereta",
        "kucing",
        "hujan",
        "jalan",
        "pasar",
        "malam",
        "rumah",
        "kawan",
        "sedap",
        "sikit",
        "tahun",
        "bulan",
        "minggu",
        "petang",
        "pagi",
        "siang",
        "semalam",
        "esok",
        "tadi",
        "nanti",
        "kelas",
        "buku",
        "jersi",
        "field",
        "match",
        "trial",
        "trials",
        "relay",
        "games",
        "player",
        "played",
    ]
)

# Spelling variant → canonical form. Canonical forms may be several words.
ABBREVIATIONS: dict[str, str] = {
    # pronouns and address
    "u": "you",
    "yu": "you",
    "yoo": "you",
    "ur": "your",
    "yr": "your",
    "youre": "you are",
    "you're": "you are",
    "ure": "you are",
    "r": "are",
    "im": "i am",
    "i'm": "i am",
    "i’m": "i am",
    "ive": "i have",
    "i've": "i have",
    "ill": "i will",
    "i'll": "i will",
    "i'd": "i would",
    "sy": "saya",
    "sye": "saya",
    "saye": "saya",
    "aq": "aku",
    "ak": "aku",
    "ko": "kau",
    "awk": "awak",
    "wak": "awak",
    "dik": "adik",
    "adk": "adik",
    "adek": "adik",
    "abg": "abang",
    "bang": "abang",
    "kak": "akak",
    "kakak": "akak",
    "kite": "kita",
    "kte": "kita",
    "diorg": "diorang",
    "dorang": "diorang",
    "dorg": "diorang",
    "diorng": "diorang",
    # negation and modal
    "x": "tak",
    "tk": "tak",
    "tdk": "tak",
    "tidak": "tak",
    "xde": "takde",
    "tkde": "takde",
    "tiada": "takde",
    "takda": "takde",
    "xda": "takde",
    "jgn": "jangan",
    "jgan": "jangan",
    "jngn": "jangan",
    "jan": "jangan",
    "nk": "nak",
    "nakk": "nak",
    "hendak": "nak",
    "mau": "nak",
    "mahu": "nak",
    "blh": "boleh",
    "bole": "boleh",
    "leh": "boleh",
    "bley": "boleh",
    "boley": "boleh",
    "dont": "do not",
    "don't": "do not",
    "don’t": "do not",
    "dnt": "do not",
    "doesnt": "does not",
    "doesn't": "does not",
    "cant": "cannot",
    "can't": "cannot",
    "wont": "will not",
    "won't": "will not",
    "didnt": "did not",
    "didn't": "did not",
    "isnt": "is not",
    "isn't": "is not",
    "wanna": "want to",
    "gonna": "going to",
    "lemme": "let me",
    "gimme": "give me",
    "lets": "let us",
    "let's": "let us",
    # verbs
    "bgtau": "beritahu",
    "bgtahu": "beritahu",
    "bagitau": "beritahu",
    "bagitahu": "beritahu",
    "bitau": "beritahu",
    "btau": "beritahu",
    "bgtw": "beritahu",
    "ckp": "cakap",
    "citer": "cerita",
    "crita": "cerita",
    "tgk": "tengok",
    "tngok": "tengok",
    "hntr": "hantar",
    "hantaq": "hantar",
    "antar": "hantar",
    "snd": "send",
    "jmpa": "jumpa",
    "jmpe": "jumpa",
    "jumpe": "jumpa",
    "jmp": "jumpa",
    "blnja": "belanja",
    "blanja": "belanja",
    "blnje": "belanja",
    "bg": "bagi",
    "bgi": "bagi",
    "bli": "beli",
    "blik": "balik",
    "balek": "balik",
    "amik": "ambil",
    "ambik": "ambil",
    "tlg": "tolong",
    "tolng": "tolong",
    "pdm": "padam",
    "dlt": "delete",
    "del": "delete",
    "fhm": "faham",
    "phm": "faham",
    "fham": "faham",
    "tdo": "tidur",
    "tido": "tidur",
    "plz": "please",
    "pls": "please",
    "plis": "please",
    "plss": "please",
    "pliz": "please",
    "tq": "thank you",
    "thx": "thanks",
    "ty": "thank you",
    # question words and particles
    "brp": "berapa",
    "bape": "berapa",
    "brape": "berapa",
    "brapa": "berapa",
    "bpe": "berapa",
    "mne": "mana",
    "mna": "mana",
    "mn": "mana",
    "ape": "apa",
    "pe": "apa",
    "pa": "apa",
    "npe": "kenapa",
    "knp": "kenapa",
    "knape": "kenapa",
    "camne": "macam mana",
    "cmne": "macam mana",
    "mcm": "macam",
    "cm": "macam",
    "mcam": "macam",
    "dgn": "dengan",
    "dgan": "dengan",
    "ngan": "dengan",
    "dng": "dengan",
    "kt": "kat",
    "dkt": "dekat",
    "dekt": "dekat",
    "utk": "untuk",
    "tuk": "untuk",
    "skrg": "sekarang",
    "skang": "sekarang",
    "skrang": "sekarang",
    "skg": "sekarang",
    "tgh": "tengah",
    "tngh": "tengah",
    "dh": "dah",
    "sudah": "dah",
    "da": "dah",
    "yg": "yang",
    "ygg": "yang",
    "je": "saja",
    "jer": "saja",
    "ja": "saja",
    "sje": "saja",
    "sahaja": "saja",
    "ni": "ni",
    "nie": "ni",
    "ini": "ni",
    "tu": "tu",
    "itu": "tu",
    "sume": "semua",
    "smua": "semua",
    "sesape": "sesiapa",
    "ssiapa": "sesiapa",
    "org": "orang",
    "orng": "orang",
    "ore": "orang",
    "sorg": "sorang",
    "sorng": "sorang",
    "seorang": "sorang",
    "sowang": "sorang",
    "sgt": "sangat",
    "sngt": "sangat",
    "sgat": "sangat",
    "gile": "gila",
    "btul": "betul",
    "btl": "betul",
    "lwa": "lawa",
    "cntik": "cantik",
    "cantek": "cantik",
    "cute": "comel",
    "cuteee": "comel",
    "comey": "comel",
    "hensem": "handsome",
    # people, places, things
    "umo": "umur",
    "umor": "umur",
    "umr": "umur",
    "skolah": "sekolah",
    "sklh": "sekolah",
    "skola": "sekolah",
    "skul": "school",
    "rmh": "rumah",
    "umah": "rumah",
    "rumh": "rumah",
    "mak": "mak",
    "mama": "mak",
    "ibu": "mak",
    "umi": "mak",
    "emak": "mak",
    "mok": "mak",
    "ayah": "ayah",
    "abah": "ayah",
    "bapak": "ayah",
    "papa": "ayah",
    "ayh": "ayah",
    "walid": "ayah",
    "mum": "mom",
    "mummy": "mom",
    "mommy": "mom",
    "mother": "mom",
    "father": "dad",
    "daddy": "dad",
    "parent": "parents",
    "ibubapa": "parents",
    "famili": "family",
    "keluarga": "family",
    "kwn": "kawan",
    "kawn": "kawan",
    "frens": "friends",
    "frenz": "friends",
    "fren": "friend",
    "pic": "pic",
    "pics": "pic",
    "pix": "pic",
    "picture": "pic",
    "pictures": "pic",
    "photo": "pic",
    "photos": "pic",
    "foto": "pic",
    "gmbr": "gambar",
    "gmbar": "gambar",
    "gambo": "gambar",
    "selfie": "selfie",
    "selfies": "selfie",
    "swafoto": "selfie",
    "msg": "message",
    "mesej": "message",
    "msj": "message",
    "messages": "message",
    "fon": "phone",
    "hp": "phone",
    "handphone": "phone",
    "telefon": "phone",
    "no": "no",
    "nombor": "number",
    "nmbr": "number",
    "num": "number",
    "wa": "whatsapp",
    "whatsap": "whatsapp",
    "watsap": "whatsapp",
    "ws": "whatsapp",
    "tele": "telegram",
    "tg": "telegram",
    "sc": "snapchat",
    "insta": "instagram",
    "ig": "instagram",
    "vc": "video call",
    "videocall": "video call",
    "facetime": "video call",
    "cam": "camera",
    "kamera": "camera",
    "webcam": "camera",
    "bilik": "bilik",
    "room": "room",
    "duit": "money",
    "wang": "money",
    "hadiah": "gift",
    "present": "gift",
    "robux": "robux",
    "diamond": "diamonds",
    "topup": "top up",
    "tambah nilai": "top up",
    "reload": "top up",
    "thn": "tahun",
    "thun": "tahun",
    "yo": "years old",
    "y/o": "years old",
    "yrs": "years",
    "fb": "facebook",
    "tiktok": "tiktok",
    "dm": "dm",
    "pm": "dm",
    "parents": "parents",
    "cikgu": "cikgu",
    "teacher": "teacher",
    # SMS spelling: dropped vowels, digits for sounds, contractions without the apostrophe
    "hw": "how",
    "hme": "home",
    "hom": "home",
    "alne": "alone",
    "alon": "alone",
    "prnts": "parents",
    "prents": "parents",
    "parnts": "parents",
    "tll": "tell",
    "tel": "tell",
    "vid": "video",
    "vids": "video",
    "vdeo": "video",
    "cl": "call",
    "cll": "call",
    "l8r": "later",
    "ltr": "later",
    "2nite": "tonight",
    "2night": "tonight",
    "tonite": "tonight",
    "nite": "night",
    "tmr": "tomorrow",
    "tmrw": "tomorrow",
    "2moro": "tomorrow",
    "2day": "today",
    "rn": "right now",
    "w": "with",
    "wif": "with",
    "wat": "what",
    "wut": "what",
    "wht": "what",
    "bcos": "because",
    "coz": "because",
    "cuz": "because",
    "sum1": "someone",
    "some1": "someone",
    "any1": "anyone",
    "every1": "everyone",
    "no1": "no one",
    "convo": "conversation",
    "chatt": "chat",
    "msgs": "message",
    "txt": "text",
    "snaps": "pic",
    "clip": "video",
    "clips": "video",
    "they'll": "they will",
    "theyll": "they will",
    "she'll": "she will",
    "he'll": "he will",
    "we'll": "we will",
    "you'll": "you will",
    "youll": "you will",
    "it's": "it is",
    "its": "it is",
    "that's": "that is",
    "thats": "that is",
    "you've": "you have",
    "youve": "you have",
    "doesn’t": "does not",
    "won’t": "will not",
    "can’t": "cannot",
    "you’re": "you are",
    "they’ll": "they will",
    "i’ll": "i will",
    "dotn": "do not",
    "dont't": "do not",
    "nver": "never",
    "nvr": "never",
    "ppl": "people",
    "pple": "people",
    "kamu": "kamu",
    "kmu": "kamu",
    "tggu": "tunggu",
    "tnggu": "tunggu",
    "tgu": "tunggu",
    "sapa": "siapa",
    "spa": "siapa",
    "sape": "siapa",
    "pi": "pergi",
    "gi": "pergi",
    "pegi": "pergi",
    "lps": "lepas",
    "lpas": "lepas",
    "lg": "lagi",
    "lgi": "lagi",
    "kwsn": "kawasan",
    "tpt": "tempat",
    "tmpt": "tempat",
    "krja": "kerja",
    "keje": "kerja",
    "kije": "kerja",
    "prgi": "pergi",
    "bgitau": "beritahu",
    "bgtau2": "beritahu",
    "bgth": "beritahu",
    "beritau": "beritahu",
    "bagi tau": "beritahu",
    "tau": "tahu",
    "taw": "tahu",
    "tw": "tahu",
    "pkcik": "pakcik",
    "mkcik": "makcik",
    "fone": "phone",
    "phon": "phone",
    "sim": "sim",
    "simkad": "sim",
    "nmbor": "number",
    "nombo": "number",
    "numbr": "number",
    "berdua": "berdua",
}

# Malay and Manglish particles that sit inside phrases without changing what they ask
# ("sorang je ke kat rumah tu", "mak pun tak?", "now la please"): dropped from the canonical
# text (their characters stay inside any evidence span that straddles them).
PARTICLES: frozenset[str] = frozenset(
    {
        "la",
        "lah",
        "pun",
        "kot",
        "eh",
        "weh",
        "wei",
        "sia",
        "lor",
        "meh",
        "tu",
        "ni",
        "ah",
        "ya",
        "ye",
        "yer",
        "kan",
        "ok",
        "okay",
        "oke",
        "mah",
        "lo",
    }
)


@dataclass(frozen=True, slots=True)
class Normalised:
    """Canonical text plus the map back to the original characters."""

    text: str
    starts: list[int]  # start offset of each canonical token in `text`
    spans: list[tuple[int, int]]  # original (start, end) of each canonical token
    raw_tokens: list[str]  # lower-cased original tokens, for language identification

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the canonical text back onto the original message text."""
        first = max(bisect_right(self.starts, start) - 1, 0)
        last = max(bisect_right(self.starts, max(end - 1, start)) - 1, first)
        return self.spans[first][0], self.spans[last][1]


_VOWELS = frozenset("aeiou")


@functools.cache
def _fuzzy_index() -> tuple[frozenset[str], dict[str, str | None], dict[str, str | None]]:
    """Words the patterns are written in, and two ways to reach them from a misspelling.

    `deletes` maps each word of five letters or more, and each one-letter deletion of it, to
    the word (None when two words collide): a token at edit distance one (a dropped, added or
    swapped letter: "somoene", "chekc", "aftter") finds its word through a shared deletion.
    `skeletons` maps a word's consonant skeleton to it, for SMS spellings without vowels
    ("prnts", "tll", "pdm").
    """
    from perisai.grooming.lexicon import lexicon_words

    words = set(lexicon_words())
    for value in ABBREVIATIONS.values():
        words.update(value.split())
    known = frozenset(words) | frozenset(ABBREVIATIONS) | _COMMON_WORDS
    deletes: dict[str, str | None] = {}
    skeletons: dict[str, str | None] = {}

    def put(table: dict[str, str | None], key: str, word: str) -> None:
        if key in table and table[key] != word:
            table[key] = None
        else:
            table[key] = word

    for word in sorted(words):
        if not word.isalpha():
            continue
        if len(word) >= 5:
            put(deletes, word, word)
            for i in range(len(word)):
                put(deletes, word[:i] + word[i + 1 :], word)
        if len(word) >= 4:
            put(skeletons, word[0] + "".join(c for c in word[1:] if c not in _VOWELS), word)
    return known, deletes, skeletons


def _fuzzy(token: str) -> str | None:
    """The lexicon word a misspelt token stands for, when exactly one fits."""
    known, deletes, skeletons = _fuzzy_index()
    if token in known or not token.isalpha() or len(token) < 3:
        return None
    if not any(c in _VOWELS for c in token[1:]) and len(token) >= 3:
        found = skeletons.get(token)
        if found is not None:
            return found
    if len(token) < 5:
        return None
    keys = [token] + [token[:i] + token[i + 1 :] for i in range(len(token))]
    candidates = {w for k in keys if (w := deletes.get(k)) is not None and _one_edit(token, w)}
    if len(candidates) == 1:
        return candidates.pop()
    return None


def _one_edit(a: str, b: str) -> bool:
    """True when a and b differ by one insertion, deletion, substitution or adjacent swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i = diff[0]
        return len(diff) == 2 and diff[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


@functools.lru_cache(maxsize=65_536)
def canonical_token(raw: str) -> str:
    token = _ELONGATION.sub(r"\1", raw)
    found = ABBREVIATIONS.get(token, ABBREVIATIONS.get(raw))
    if found is not None:
        return found
    return _fuzzy(token) or token


def normalise(text: str) -> Normalised:
    """Lower-case, NFKC-fold, collapse elongation, expand abbreviations, mend misspellings and
    drop Malay particles, token by token."""
    folded = unicodedata.normalize("NFKC", text).lower()
    # NFKC can change the length of a string; only then fall back to the unfolded text so that
    # offsets still point into the original.
    source = folded if len(folded) == len(text) else text.lower()
    parts: list[str] = []
    starts: list[int] = []
    spans: list[tuple[int, int]] = []
    raw_tokens: list[str] = []
    position = 0
    for match in _TOKEN.finditer(source):
        raw = match.group()
        raw_tokens.append(raw)
        if raw in PARTICLES:
            continue
        canonical = canonical_token(raw)
        starts.append(position)
        spans.append(match.span())
        parts.append(canonical)
        position += len(canonical) + 1
    return Normalised(" ".join(parts), starts, spans, raw_tokens)
