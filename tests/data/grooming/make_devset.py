"""Generate the synthetic, non-explicit grooming dev set (devset.jsonl) reproducibly.

    .venv/bin/python tests/data/grooming/make_devset.py   # rewrites devset.jsonl next to it

Every phrase bank is split into two paraphrase families: the train split draws only from family
"train", the test split only from family "test", so held-out conversations use wording the
combiner never saw. Nothing here is sexual: the indicators are the non-explicit behaviours
(probing, flattery, secrecy, moving apps, gifts, photo/camera/meeting requests, threats).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20240604
OUT = Path(__file__).with_name("devset.jsonl")
Bank = dict[str, dict[str, list[str]]]  # lang -> family -> phrases

# --- phrase banks -------------------------------------------------------------------------------
# lang: en (English), ms (Malay, standard-ish), mg (Manglish / colloquial with abbreviations)


def bank(
    en: tuple[list[str], list[str]],
    ms: tuple[list[str], list[str]],
    mg: tuple[list[str], list[str]],
) -> Bank:
    return {
        lang: {"train": pair[0], "test": pair[1]}
        for lang, pair in (("en", en), ("ms", ms), ("mg", mg))
    }


GROOM: dict[str, Bank] = {
    "greet": bank(
        (
            ["hey there", "hi, saw ur comment on the game lol", "hello! u play roblox too?"],
            ["yo whats up", "hey, nice drawing u posted"],
        ),
        (
            ["hai, salam kenal", "assalamualaikum, boleh berkenalan?"],
            ["hai awak, boleh kawan?", "salam, saya nampak video awak"],
        ),
        (
            ["hai dik, saw ur tiktok haha", "hi adik, main ff jugak ke?"],
            ["hello dik, kenal2 boleh?", "hai awk, nice vid tadi"],
        ),
    ),
    "age_probe": bank(
        (
            ["how old r u btw?", "so how old are you?", "what grade are you in"],
            ["ur like 13 or smth right? how old", "which year are you in school?"],
        ),
        (
            ["umur awak berapa?", "awak darjah berapa?"],
            ["boleh saya tahu umur awak berapa", "tingkatan berapa sekarang?"],
        ),
        (
            ["u umur brp dik?", "dik form brp skrg", "umo brp?"],
            ["adik darjah brp?", "btw umur u brp ek"],
        ),
    ),
    "flattery": bank(
        (
            [
                "ur so pretty honestly",
                "you're so mature for your age",
                "you're not like other kids",
            ],
            [
                "you are really cute u know that",
                "honestly you're different from the others",
                "we have a special bond",
            ],
        ),
        (
            ["awak cantik sangat", "adik comel betul", "awak matang untuk umur awak"],
            ["awak lain dari yang lain", "kita ada hubungan istimewa kan"],
        ),
        (
            ["u cantik sgt la dik", "adik ni comel gila", "u matang dari umur u"],
            ["u lain dari yg lain tau", "adik kawan istimewa abg"],
        ),
    ),
    "gift": bank(
        (
            ["i can buy u robux if u want", "want some free diamonds? i got extra"],
            ["i'll top up ur game credit, no worries", "i can get you a new phone tbh"],
        ),
        (
            ["abang boleh belanja awak", "saya boleh beli diamonds untuk awak"],
            ["nak saya top up untuk awak?", "saya boleh belikan awak phone baru"],
        ),
        (
            ["abg blanja u robux nnti", "nk free diamond? abg bg"],
            ["abg topup utk u ok", "abg transfer rm50 kat u nak?"],
        ),
    ),
    "location": bank(
        (
            ["where do u live?", "what school do you go to?"],
            ["which school r u at", "where is your house near?"],
        ),
        (
            ["awak tinggal di mana?", "sekolah apa?"],
            ["rumah awak kat mana?", "nama sekolah awak apa?"],
        ),
        (["u duduk mane?", "sklh mana dik?"], ["rmh u kat mana ek", "share location u jap"]),
    ),
    "risk": bank(
        (
            ["are u alone rn?", "do ur parents check your phone?", "is anyone else home?"],
            ["r your parents home tonight", "do you have your own room?"],
        ),
        (
            ["awak sorang ke kat rumah?", "mak ayah awak ada di rumah?"],
            ["mak ayah selalu periksa phone awak?", "awak ada bilik sendiri?"],
        ),
        (
            ["u sorang je ke kt rumah?", "parents u check phone x?"],
            ["mak ayah u balik pukul brp?", "u ada bilik sendiri ke"],
        ),
    ),
    "secrecy": bank(
        (
            ["dont tell anyone about us ok", "this is our little secret"],
            ["keep this between us yeah", "never tell your parents bout me"],
        ),
        (
            ["jangan beritahu sesiapa tau", "ini rahsia kita berdua"],
            ["jangan bagi mak ayah tahu", "antara kita je tau"],
        ),
        (
            ["jgn bgtau sape2 tau", "rahsia kita ok dik"],
            ["jgn bgtau mak ayah u", "between us je ok"],
        ),
    ),
    "deletion": bank(
        (
            ["delete this chat after ok", "pls clear the chat later"],
            ["delete our messages after u read", "turn on disappearing messages"],
        ),
        (
            ["padam mesej ni nanti", "buang chat ni lepas baca"],
            ["padam semua chat kita", "padam lepas baca ya"],
        ),
        (
            ["dlt chat ni nnti", "clear chat lepas baca tau"],
            ["delete msg ni lps baca", "buang semua msg kita"],
        ),
    ),
    "migrate": bank(
        (
            ["add me on snap, easier", "whats ur whatsapp number", "lets move to telegram"],
            ["this app isnt private, dm me on instagram", "download telegram and text me"],
        ),
        (
            ["tambah saya di whatsapp", "bagi nombor phone awak"],
            ["jom sembang di telegram", "app ni tak selamat, chat di whatsapp"],
        ),
        (
            ["add abg kt wasap", "bg no fon u", "jom chat kt tele"],
            ["app ni x private, pm abg kat ig", "download telegram then chat abg"],
        ),
    ),
    "isolation": bank(
        (
            ["ur parents dont understand you like i do", "only i really get you"],
            ["your friends are jealous of us", "you don't need them, you have me"],
        ),
        (
            ["mak ayah awak tak faham awak", "hanya saya yang faham awak"],
            ["kawan kawan awak tak baik", "tak ada orang faham awak macam saya"],
        ),
        (
            ["mak ayah u x faham u", "abg je yg faham u"],
            ["kawan2 u tu x baik", "diorang cemburu je"],
        ),
    ),
    "agegap": bank(
        (
            ["age is just a number tbh", "im not that old lol"],
            ["age doesn't matter to me", "lots of couples have age gap"],
        ),
        (
            ["umur hanya nombor", "saya tak tua pun"],
            ["beza umur tak penting", "umur tak jadi masalah"],
        ),
        (["umur just number je", "abg x tua la"], ["beza umur x kisah pun", "u matang cukup dah"]),
    ),
    "image": bank(
        (
            ["send me a selfie?", "can i see a pic of u", "send a new pic pls"],
            ["show me what you look like", "take a selfie for me now"],
        ),
        (
            ["hantar gambar awak", "boleh saya tengok muka awak?"],
            ["tunjuk rupa awak sikit", "ambil gambar sekarang boleh"],
        ),
        (
            ["hntr pic u skit", "nk tgk muka u", "snd selfie jap"],
            ["gambar u terbaru ada?", "tunjuk muka jap dik"],
        ),
    ),
    "camera": bank(
        (
            ["can we video call tonight?", "turn on ur camera"],
            ["lets facetime later", "call me tonight, ill be up"],
        ),
        (
            ["jom video call malam ni", "buka kamera sekejap"],
            ["boleh call saya malam ni?", "hidupkan kamera awak"],
        ),
        (["jom vc mlm ni", "on cam jap dik"], ["call abg mlm ni bley?", "bukak camera jap"]),
    ),
    "meeting": bank(
        (
            ["lets meet this weekend", "i can pick you up after school"],
            ["we should hang out irl", "where can we meet? i'll drive"],
        ),
        (
            ["jom jumpa hujung minggu ni", "saya boleh ambil awak lepas sekolah"],
            ["bila kita boleh jumpa?", "datang jumpa saya kat mall"],
        ),
        (
            ["jom jumpa sabtu ni", "abg amik u kat sekolah nnti"],
            ["jom lepak dgn abg", "bila kita bole jumpa dik"],
        ),
    ),
    "threat": bank(
        (
            ["if u dont reply i'll tell everyone", "you'll regret ignoring me"],
            ["i have your pics, remember that", "everyone will know if u stop"],
        ),
        (
            ["kalau awak tak balas saya akan beritahu semua", "nanti awak menyesal"],
            ["saya ada gambar awak", "semua orang akan tahu nanti"],
        ),
        (
            ["kalau x reply abg akan sebar kat semua", "nnti u menyesal"],
            ["abg ada gambar u tau", "satu sekolah akan tahu"],
        ),
    ),
}

VICTIM: dict[str, Bank] = {
    "reply": bank(
        (["hi", "haha ok", "lol yeah", "hmm ok", "yea i do"], ["heyy", "ok lol", "sure", "idk"]),
        (["hai", "ok", "ya", "boleh"], ["hmm", "baik", "okay", "entah"]),
        (["hai abg", "ok je", "haha ye", "hmm ok la"], ["ye ke", "okk", "hehe", "x tau la"]),
    ),
    "age": bank(
        (["im 13", "13, year 8", "im in form 1"], ["12 turning 13", "i'm 14 why"]),
        (["saya 13 tahun", "tingkatan 1"], ["darjah 6", "umur saya 12"]),
        (["13 thn", "form 1 je"], ["darjah 6 hehe", "sy 14"]),
    ),
    "hesitant": bank(
        (["idk about that", "my mom said not to", "hmm why"], ["i dunno", "is that ok?"]),
        (["saya takut la", "kenapa?"], ["tak tahu lah", "mak saya marah nanti"]),
        (["x tau la abg", "takut la", "knp?"], ["mak sy marah nnti", "hmm kenapa eh"]),
    ),
}

FILLER: dict[str, Bank] = {
    "small": bank(
        (
            ["what games u play", "school was boring today", "lol that meme", "u ate already?"],
            ["whats ur fav song", "ugh exams next week", "nice haha", "ok gtg eat"],
        ),
        (
            ["awak suka main apa?", "sekolah hari ni okay?", "dah makan?"],
            ["awak minat lagu apa", "esok ada kelas?", "baik baik ya"],
        ),
        (
            ["u main game apa", "sklh ok harini?", "dh mkn?", "best la lagu tu"],
            ["fav lagu apa", "ptg ni free x", "haha lawak la"],
        ),
    ),
}

_STEPS = (
    "age_probe",
    "flattery",
    "gift",
    "location",
    "risk",
    "secrecy",
    "deletion",
    "migrate",
    "isolation",
    "agegap",
    "image",
    "camera",
    "meeting",
    "threat",
)
_CONTACT = {"image", "camera", "meeting"}


@dataclass
class Convo:
    cid: str
    split: str
    lang: str
    label: str
    category: str
    turns: list[tuple[str, str]] = field(default_factory=list)
    hints: dict[str, dict[str, object]] = field(default_factory=dict)
    first_indicator: int | None = None
    first_contact: int | None = None
    suspect: str | None = None


def noisy(rng: random.Random, text: str) -> str:
    """Chat-style variation: casing, dropped punctuation, elongation, emoji, particles."""
    if rng.random() < 0.3:
        text = text.rstrip("?.!")
    if rng.random() < 0.15:
        text = text.lower() + rng.choice(["", "..", "??", "!"])
    if rng.random() < 0.15 and text and text[-1].isalpha():
        text += text[-1] * rng.randint(1, 3)
    if rng.random() < 0.15:
        text += " " + rng.choice(["😊", "🙂", "😅", "👍", "hehe", "haha", "😂"])
    if rng.random() < 0.05:
        text = text.capitalize()
    return text


def pick(rng: random.Random, b: Bank, lang: str, split: str) -> str:
    return rng.choice(b[lang][split])


def grooming(rng: random.Random, c: Convo) -> None:
    s, t = (
        rng.choice(["abg_zul", "kidzfan99", "rayyan.x", "coolguy_88", "mr_j", "daniel2"]),
        "u" + str(rng.randint(100, 999)),
    )
    c.suspect = s

    def say(who: str, text: str) -> None:
        c.turns.append((who, noisy(rng, text)))

    say(s, pick(rng, GROOM["greet"], c.lang, c.split))
    say(t, pick(rng, VICTIM["reply"], c.lang, c.split))
    for _ in range(rng.randint(0, 3)):
        say(rng.choice([s, t]), pick(rng, FILLER["small"], c.lang, c.split))
    # a subset of the steps, mostly in stage order, sometimes with one swap
    # a third are "subtle": few indicators, no age question, like the ones real moderators miss
    subtle = rng.random() < 0.33
    core = (
        ["flattery"]
        if subtle
        else (["age_probe", "flattery"] if rng.random() < 0.7 else ["flattery"])
    )
    middle = rng.sample(
        ["gift", "location", "risk", "secrecy", "deletion", "migrate", "isolation", "agegap"],
        1 if subtle else rng.randint(1, 4),
    )
    middle.sort(key=_STEPS.index)
    late = rng.sample(["image", "camera", "meeting"], rng.randint(1, 2))
    tail = ["threat"] if rng.random() < 0.2 else []
    steps = core + middle + late + tail
    if rng.random() < 0.25 and len(steps) > 3:
        i = rng.randrange(len(steps) - 2)
        steps[i], steps[i + 1] = steps[i + 1], steps[i]
    for step in steps:
        if step in _CONTACT and c.first_contact is None:
            c.first_contact = len(c.turns)
        if c.first_indicator is None:
            c.first_indicator = len(c.turns)
        say(s, pick(rng, GROOM[step], c.lang, c.split))
        if step == "age_probe":
            say(t, pick(rng, VICTIM["age"], c.lang, c.split))
        elif rng.random() < 0.6:
            kind = "hesitant" if rng.random() < 0.4 else "reply"
            say(t, pick(rng, VICTIM[kind], c.lang, c.split))
        if rng.random() < 0.3:
            say(rng.choice([s, t]), pick(rng, FILLER["small"], c.lang, c.split))
    if rng.random() < 0.4:
        c.hints = {t: {"account": "minor"}, s: {"declared_age": rng.choice([19, 24, 31, None])}}


# --- hard negatives: (speaker a, speaker b, list of (speaker index, en, ms, mg) per family) ----
Line = tuple[int, str, str, str]
HARD: dict[str, dict[str, list[list[Line]]]] = {
    "family": {
        "train": [
            [
                (
                    0,
                    "hey sayang, dont tell mom about the cake ok, it's a surprise",
                    "sayang, jangan beritahu mak pasal kek tu, kejutan",
                    "jgn bgtau mak pasal kek tau, surprise birthday dia",
                ),
                (1, "ok auntie 😂", "baik makcik", "ok makcik hehe"),
                (
                    0,
                    "send me a pic of u in the raya outfit for nenek",
                    "hantar gambar baju raya untuk nenek",
                    "hntr gambar baju raya u, nenek nk tgk",
                ),
                (1, "ok later", "nanti saya hantar", "ok nnti"),
                (
                    0,
                    "i'll pick you up after school at 2, then we go buy the gift",
                    "makcik ambil awak lepas sekolah pukul 2",
                    "makcik amik u kt sekolah pukul 2 ok",
                ),
            ],
            [
                (
                    0,
                    "atuk here. are you home alone? mum said she's working late",
                    "atuk ni. awak sorang ke kat rumah? mak kerja lambat",
                    "atuk ni, u sorang ke kt rumah? mak kata kerja lambat",
                ),
                (
                    1,
                    "yes atuk, doing homework",
                    "ya atuk, buat kerja rumah",
                    "ye tuk, tgh buat homework",
                ),
                (
                    0,
                    "ok lock the door, uncle will come at 6 to fetch you for dinner",
                    "kunci pintu, pakcik datang pukul 6 ambil makan malam",
                    "kunci pintu tau, pakcik dtg pukul 6 amik u pergi makan",
                ),
            ],
        ],
        "test": [
            [
                (
                    0,
                    "psst keep it between us, we're planning a surprise party for dad",
                    "rahsia kita tau, kita buat parti hari jadi ayah",
                    "between us je, kita buat surprise party utk ayah",
                ),
                (1, "ok cousin!! 🎉", "ok sepupu", "okk set"),
                (
                    0,
                    "video call me tonight so we can plan with grandma",
                    "video call malam ni, kita bincang dengan nenek",
                    "vc malam ni ok, bincang dgn nenek",
                ),
                (1, "sure", "boleh", "bley"),
            ],
            [
                (
                    0,
                    "mak long here, show me your new school shoes lah",
                    "mak long ni, tunjuk kasut sekolah baru",
                    "mak long ni, tunjuk kasut sklh baru jap",
                ),
                (1, "kejap ya", "kejap", "jap"),
                (
                    0,
                    "come over to my house on sunday, family lunch",
                    "datang ke rumah mak long ahad ni, makan tengah hari",
                    "dtg rumah mak long ahad ni, family lunch",
                ),
            ],
        ],
    },
    "teacher": {
        "train": [
            [
                (
                    0,
                    "Class, we will move to the Telegram group for announcements",
                    "Kelas, kita pindah ke kumpulan Telegram untuk makluman",
                    "Class, kita pindah ke group tele utk announcement",
                ),
                (1, "ok teacher", "baik cikgu", "ok cikgu"),
                (
                    0,
                    "send me a photo of your homework by tonight",
                    "hantar gambar kerja rumah sebelum malam ni",
                    "hntr gambar homework sblm malam ni",
                ),
                (1, "noted", "baik", "ok"),
                (
                    0,
                    "tomorrow turn on your camera for the zoom class",
                    "esok buka kamera untuk kelas zoom",
                    "esok on camera utk kelas zoom ya",
                ),
            ],
            [
                (
                    0,
                    "Hi, I'm your new tuition teacher. which form are you in?",
                    "Hai, saya cikgu tuisyen baru. tingkatan berapa?",
                    "Hai, sy cikgu tuisyen baru. form brp?",
                ),
                (1, "form 2", "tingkatan 2", "form 2 cikgu"),
                (
                    0,
                    "ok, our class is at the library, bring the worksheet",
                    "kelas kita di perpustakaan, bawa lembaran kerja",
                    "kelas kt library, bawa worksheet",
                ),
            ],
        ],
        "test": [
            [
                (
                    0,
                    "Students, please install the Google Classroom app and add me",
                    "Murid, sila pasang Google Classroom dan tambah saya",
                    "Students, install google classroom then add cikgu ye",
                ),
                (1, "done teacher", "sudah cikgu", "dah cikgu"),
                (
                    0,
                    "snap a pic of your science notes and post in classroom",
                    "ambil gambar nota sains dan hantar ke classroom",
                    "snap gambar nota sains, post kt classroom",
                ),
                (
                    0,
                    "call me if you can't open the quiz",
                    "telefon saya kalau tak boleh buka kuiz",
                    "call cikgu kalau x boleh buka kuiz",
                ),
            ],
            [
                (
                    0,
                    "hello, tutor here. what year are you in?",
                    "tutor di sini. darjah berapa?",
                    "hi tutor sini, darjah brp?",
                ),
                (1, "year 5", "darjah 5", "darjah 5 cikgu"),
                (
                    0,
                    "ok let's meet at the community centre for the lesson on saturday",
                    "jom jumpa di dewan untuk kelas sabtu",
                    "jom jumpa kt dewan utk kelas sabtu",
                ),
            ],
        ],
    },
    "coach": {
        "train": [
            [
                (
                    0,
                    "Coach here. I'll pick you up at the school gate for training at 4",
                    "Jurulatih di sini. Saya ambil awak di pagar sekolah untuk latihan",
                    "coach ni, nnti coach amik u kt pagar sklh utk training",
                ),
                (1, "ok coach, my dad said ok", "baik coach, ayah bagi", "ok coach, ayah bg"),
                (
                    0,
                    "send a pic of your jersey size tag",
                    "hantar gambar saiz jersey",
                    "hntr gambar size jersey u",
                ),
            ],
        ],
        "test": [
            [
                (
                    0,
                    "team, futsal match moved to sunday. call me if you need a ride",
                    "pasukan, perlawanan futsal pindah ke ahad. telefon saya kalau perlu tumpang",
                    "team, match futsal tukar ahad, call coach kalau nk tumpang",
                ),
                (
                    1,
                    "can u fetch me at my house coach",
                    "boleh ambil saya di rumah?",
                    "coach bley amik sy kt rumah?",
                ),
                (
                    0,
                    "yes, i'll come to your house at 8, tell your mom",
                    "ya, saya datang rumah awak pukul 8, beritahu mak",
                    "ok, coach datang rmh u pukul 8, bgtau mak",
                ),
            ],
        ],
    },
    "peer": {
        "train": [
            [
                (0, "eh u umur brp? i'm 14", "umur awak berapa? saya 14", "u umur brp? aku 14"),
                (1, "same 14! which school?", "sama 14. sekolah mana?", "sama la 14, sklh mana?"),
                (
                    0,
                    "smk taman jaya. jom lepak mall saturday",
                    "smk taman jaya. jom keluar sabtu",
                    "smk taman jaya, jom lepak mall sabtu",
                ),
                (1, "ok bring ur brother", "ok bawa adik awak", "ok bawak adik u sekali"),
            ],
        ],
        "test": [
            [
                (
                    0,
                    "bro add me on discord for the game later",
                    "tambah aku di discord untuk main",
                    "bro add aku kt discord, main nnti",
                ),
                (1, "ok what form r u in", "ok kau tingkatan berapa", "ok ko form brp"),
                (0, "form 3 lol same as u", "tingkatan 3 sama macam kau", "form 3 la sama la"),
                (
                    1,
                    "nice, let's hang out after the exam",
                    "jom keluar lepas periksa",
                    "jom lepak lps exam",
                ),
            ],
        ],
    },
    "gamers": {
        "train": [
            [
                (
                    0,
                    "bro i'll give u 100 diamonds if u carry me in ranked",
                    "aku bagi kau 100 diamonds kalau tolong aku main ranked",
                    "bro aku bg ko 100 diamond kalau carry aku ranked",
                ),
                (
                    1,
                    "deal, add me on discord",
                    "ok, tambah aku di discord",
                    "set, add aku kt discord",
                ),
                (
                    0,
                    "dont tell anyone my password ok, and delete the chat after",
                    "jangan beritahu sesiapa password aku, padam chat lepas tu",
                    "jgn bgtau sape2 password aku, dlt chat lps tu",
                ),
                (
                    1,
                    "ok lol we meet at the cybercafe tmr",
                    "ok jumpa di kafe siber esok",
                    "ok jumpa kt cc esok",
                ),
            ],
        ],
        "test": [
            [
                (
                    0,
                    "i can top up ur uc, u pay me back next week",
                    "aku boleh top up uc kau, bayar minggu depan",
                    "aku blh topup uc ko, bayar minggu dpn",
                ),
                (
                    1,
                    "ok thx, jom video call while we play",
                    "jom video call sambil main",
                    "jom vc sambil main",
                ),
                (
                    0,
                    "keep it between us, my mom will be mad i spent money",
                    "antara kita je, mak aku marah aku guna duit",
                    "between us je, mak aku marah nnti",
                ),
                (1, "haha ok see u at school", "ok jumpa di sekolah", "ok jumpa kt sklh"),
            ],
        ],
    },
    "cod": {
        "train": [
            [
                (0, "hi is the bicycle still available?", "barang masih ada?", "basikal ada lagi?"),
                (1, "yes rm150, cod ok", "ya harga rm150, cod boleh", "ada, rm150, boleh cod"),
                (
                    0,
                    "where do u stay? can we meet at the lrt",
                    "awak tinggal di mana? jumpa di lrt",
                    "u duduk mane? jumpa kt lrt bley",
                ),
                (
                    1,
                    "send me your whatsapp number, i send location",
                    "bagi nombor whatsapp, saya hantar lokasi",
                    "bg no wasap, nnti sy share location",
                ),
            ],
        ],
        "test": [
            [
                (
                    0,
                    "selling the ps4 controller, price nego",
                    "jual controller ps4, harga nego",
                    "jual controller ps4, harga boleh nego",
                ),
                (
                    1,
                    "can i see more pics of the item?",
                    "boleh tengok gambar barang lagi?",
                    "nk tgk gambar item lagi",
                ),
                (
                    0,
                    "sure, let's meet at shell station 5pm, cod",
                    "jumpa di stesen shell pukul 5, cod",
                    "jumpa kt shell pukul 5, cod",
                ),
                (
                    1,
                    "ok i'll transfer rm20 deposit",
                    "saya transfer rm20 deposit dulu",
                    "ok sy transfer rm20 dulu",
                ),
            ],
        ],
    },
    "adult": {
        "train": [
            [
                (
                    0,
                    "you look really pretty in your profile pic",
                    "awak cantik dalam gambar profil",
                    "u cantik la dlm profile pic",
                ),
                (1, "haha thanks, you're sweet", "terima kasih", "thanks hehe"),
                (
                    0,
                    "lets meet for coffee after work, my office is near klcc",
                    "jom jumpa minum lepas kerja, pejabat saya dekat klcc",
                    "jom jumpa lepak kopi lps kerja, office i dekat klcc",
                ),
                (1, "sure, whatsapp me", "boleh, whatsapp saya", "ok, wasap i"),
            ],
        ],
        "test": [
            [
                (
                    0,
                    "my boss kept me late again haha",
                    "bos saya suruh kerja lambat lagi",
                    "boss i suruh stay lambat lagi",
                ),
                (1, "can we video call tonight then", "jom video call malam ni", "vc mlm ni nak?"),
                (
                    0,
                    "sure, and let's go out for dinner saturday",
                    "jom keluar makan sabtu",
                    "jom keluar makan sabtu ni",
                ),
            ],
        ],
    },
    "education": {
        "train": [
            [
                (
                    0,
                    "Warning signs of online grooming: the adult asks 'are you alone?' and says "
                    "'don't tell your parents'. Report it to police.",
                    "Tanda tanda grooming: pemangsa tanya 'awak sorang ke?' dan kata 'jangan "
                    "beritahu mak ayah'. Laporkan kepada polis.",
                    "Awareness: predator selalu ckp 'jgn bgtau mak ayah', 'send pic'. "
                    "report kat polis",
                ),
                (1, "thanks for sharing this", "terima kasih kongsi", "tq share"),
            ],
        ],
        "test": [
            [
                (
                    0,
                    "News: man charged under Act 792 after asking a child to delete chats and "
                    "meet him, police said",
                    "Berita: lelaki didakwa bawah Akta 792 selepas minta kanak-kanak padam "
                    "chat dan jumpa dia, kata polis",
                    "Berita: lelaki kena dakwa akta 792, dia suruh budak padam chat & jumpa dia",
                ),
                (
                    1,
                    "scary. parents should check",
                    "seram. ibu bapa perlu peka",
                    "seram gila. parents kena check",
                ),
            ],
        ],
    },
}
_HARD_HINTS: dict[str, tuple[dict[str, object], dict[str, object]]] = {
    "family": ({"declared_age": 45}, {"account": "minor"}),
    "teacher": ({"account": "adult"}, {"account": "minor"}),
    "coach": ({"declared_age": 35}, {"account": "minor"}),
    "peer": ({"account": "minor"}, {"account": "minor"}),
    "cod": ({"account": "adult"}, {"account": "adult"}),
    "gamers": ({"account": "minor"}, {"declared_age": 15}),
    "adult": ({"declared_age": 29}, {"declared_age": 27}),
    "education": ({"account": "adult"}, {"account": "adult"}),
}
_LANG_COLUMN = {"en": 1, "ms": 2, "mg": 3}


def hard_negative(rng: random.Random, c: Convo) -> None:
    script = rng.choice(HARD[c.category][c.split])
    a, b = f"{c.category}_{rng.randint(10, 99)}", f"user{rng.randint(100, 999)}"
    who = (a, b)
    for line in script:
        c.turns.append((who[line[0]], noisy(rng, str(line[_LANG_COLUMN[c.lang]]))))
        if rng.random() < 0.3:
            c.turns.append((rng.choice(who), pick(rng, FILLER["small"], c.lang, c.split)))
    if rng.random() < 0.6:
        ha, hb = _HARD_HINTS[c.category]
        c.hints = {a: dict(ha), b: dict(hb)}


def easy_negative(rng: random.Random, c: Convo) -> None:
    a, b = f"friend{rng.randint(10, 99)}", f"pal{rng.randint(10, 99)}"
    for _ in range(rng.randint(3, 9)):
        who = rng.choice([a, b])
        bankname = rng.choice(["small", "small", "reply"])
        source = FILLER["small"] if bankname == "small" else VICTIM["reply"]
        c.turns.append((who, noisy(rng, pick(rng, source, c.lang, c.split))))


def build() -> list[Convo]:
    rng = random.Random(SEED)
    plan: list[tuple[str, str, int]] = [("grooming", "grooming", 84)]
    plan += [(cat, "benign", 13) for cat in HARD]  # 104 hard negatives
    plan += [("chat", "benign", 24)]
    convos: list[Convo] = []
    for category, label, count in plan:
        for i in range(count):
            split = "test" if i % 10 in (3, 7, 9) else "train"
            lang = ("en", "ms", "mg")[i % 3]
            c = Convo(f"{category}-{i:03d}", split, lang, label, category)
            if label == "grooming":
                grooming(rng, c)
            elif category == "chat":
                easy_negative(rng, c)
            else:
                hard_negative(rng, c)
            convos.append(c)
    return convos


def to_json(c: Convo) -> dict[str, object]:
    record: dict[str, object] = {
        "id": c.cid,
        "messages": [{"author": a, "text": t} for a, t in c.turns],
        "label": c.label,
        "category": c.category,
        "lang": {"en": "en", "ms": "ms", "mg": "manglish"}[c.lang],
        "split": c.split,
    }
    if c.hints:
        record["hints"] = c.hints
    if c.label == "grooming":
        record["suspect"] = c.suspect
        record["first_indicator"] = c.first_indicator
        record["first_contact_request"] = c.first_contact
    return record


def main() -> None:
    lines = [json.dumps(to_json(c), ensure_ascii=False) for c in build()]
    OUT.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"wrote {len(lines)} conversations to {OUT}")


if __name__ == "__main__":
    main()
