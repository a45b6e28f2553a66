"""Short scenario quizzes: each question tests one warning sign (a grooming-engine kind), so a
class's results show which signs it missed. The same ids and answers in both languages."""

from __future__ import annotations

from dataclasses import dataclass

from perisai.education.lessons import Audience


@dataclass(frozen=True)
class Wording:
    scenario: str
    question: str
    options: tuple[str, str, str]
    why: str


@dataclass(frozen=True)
class Question:
    id: str
    sign: str  # the warning sign (signal kind of perisai.grooming) this question teaches
    answer: int  # index of the right option
    words: dict[str, Wording]


def _q(qid: str, sign: str, answer: int, en: Wording, ms: Wording) -> Question:
    return Question(qid, sign, answer, {"en": en, "ms": ms})


CHILDREN: tuple[Question, ...] = (
    _q(
        "c1",
        "gift_offer",
        1,
        Wording(
            "A player in your game says: \u201cI'll top up your diamonds for free, just for "
            "you.\u201d",
            "What should you think?",
            (
                "Great, free diamonds!",
                "A gift from someone online can be a trick to make me owe "
                "them. I'll tell an adult.",
                "I should give my password so they can top up.",
            ),
            "Gifts from people you only know online are a common trick to make you feel you owe "
            "them something.",
        ),
        Wording(
            "Seorang pemain dalam permainan kamu berkata: \u201cAbang top up diamond kamu "
            "percuma, untuk kamu sorang je.\u201d",
            "Apa yang patut kamu fikir?",
            (
                "Best, diamond percuma!",
                "Hadiah daripada orang dalam talian boleh jadi helah "
                "supaya saya terhutang budi. Saya akan beritahu orang dewasa.",
                "Saya patut beri kata laluan supaya dia boleh top up.",
            ),
            "Hadiah daripada orang yang kamu kenal dalam talian sahaja ialah helah biasa untuk "
            "membuat kamu rasa terhutang budi.",
        ),
    ),
    _q(
        "c2",
        "secrecy",
        1,
        Wording(
            "A new online friend says: \u201cDon't tell your mum about our chats. She wouldn't "
            "understand.\u201d",
            "What do you do?",
            (
                "Keep the secret so they stay my friend.",
                "Tell an adult I trust: safe people don't ask children to keep secrets.",
                "Delete the chat so nobody sees it.",
            ),
            "Asking a child to keep secrets from their family is one of the clearest warning "
            "signs. Keep the chat and tell someone.",
        ),
        Wording(
            "Seorang kawan baharu dalam talian berkata: \u201cJangan beritahu mak pasal chat "
            "kita. Dia takkan faham.\u201d",
            "Apa yang kamu buat?",
            (
                "Simpan rahsia supaya dia terus jadi kawan saya.",
                "Beritahu orang dewasa yang saya "
                "percayai: orang yang selamat tidak menyuruh kanak-kanak berahsia.",
                "Padam chat supaya tiada orang nampak.",
            ),
            "Menyuruh kanak-kanak berahsia daripada keluarga ialah antara tanda amaran yang "
            "paling jelas. Simpan chat itu dan beritahu seseorang.",
        ),
    ),
    _q(
        "c3",
        "image_request",
        2,
        Wording(
            "Someone you chat with in a game asks for a photo of you in your school uniform.",
            "What is the safest thing to do?",
            (
                "Send it: it's only a uniform.",
                "Send a photo of a friend instead.",
                "Don't send it, and tell an adult.",
            ),
            "A photo shows your school and your face. Once sent, you can't take it back.",
        ),
        Wording(
            "Seseorang yang kamu berbual dalam permainan meminta gambar kamu berpakaian "
            "seragam sekolah.",
            "Apakah tindakan paling selamat?",
            (
                "Hantar: cuma baju sekolah.",
                "Hantar gambar kawan sebagai ganti.",
                "Jangan hantar, dan beritahu orang dewasa.",
            ),
            "Gambar menunjukkan sekolah dan wajah kamu. Sekali dihantar, kamu tidak boleh "
            "menariknya balik.",
        ),
    ),
    _q(
        "c4",
        "risk_assessment",
        0,
        Wording(
            "Someone online asks: \u201cAre your parents home? Does anyone check your phone?\u201d",
            "Why might they ask this?",
            (
                "To find out if anyone would notice what they are doing.",
                "Because they are worried about you.",
                "It's normal small talk.",
            ),
            "Checking whether adults are around is how someone weighs the risk of being caught.",
        ),
        Wording(
            "Seseorang dalam talian bertanya: \u201cMak ayah ada kat rumah? Ada orang periksa "
            "telefon awak?\u201d",
            "Kenapa dia mungkin bertanya begini?",
            (
                "Untuk tahu sama ada orang lain akan perasan apa yang dia buat.",
                "Kerana dia risaukan kamu.",
                "Itu cuma berbual kosong.",
            ),
            "Menyemak sama ada orang dewasa ada ialah cara seseorang menimbang risiko ditangkap.",
        ),
    ),
    _q(
        "c5",
        "meeting_request",
        1,
        Wording(
            "An online friend wants to meet you at the park after school and says to come alone.",
            "What do you do?",
            (
                "Go, but only for a few minutes.",
                "Don't go, and tell a parent or teacher.",
                "Take a friend your age along.",
            ),
            "Never meet someone you only know online without a trusted adult. 'Come alone' is a "
            "big warning sign.",
        ),
        Wording(
            "Seorang kawan dalam talian mahu berjumpa kamu di taman selepas sekolah dan "
            "menyuruh kamu datang seorang.",
            "Apa yang kamu buat?",
            (
                "Pergi, tapi sekejap sahaja.",
                "Jangan pergi, dan beritahu mak ayah atau guru.",
                "Bawa kawan sebaya.",
            ),
            "Jangan sekali-kali berjumpa orang yang kamu kenal dalam talian sahaja tanpa orang "
            "dewasa yang dipercayai. 'Datang seorang' ialah tanda amaran besar.",
        ),
    ),
    _q(
        "c6",
        "threat",
        2,
        Wording(
            "Someone says they will show everyone a photo of you unless you send another one.",
            "What should you do?",
            (
                "Send another one so they stop.",
                "Keep it secret or you'll be in trouble.",
                "Don't send anything, keep the messages and tell an adult now.",
            ),
            "This is a crime called sextortion. It is not your fault and adults can help stop it.",
        ),
        Wording(
            "Seseorang berkata dia akan tunjuk gambar kamu kepada semua orang jika kamu tidak "
            "menghantar gambar lain.",
            "Apa yang patut kamu buat?",
            (
                "Hantar satu lagi supaya dia berhenti.",
                "Rahsiakan, nanti kamu kena marah.",
                "Jangan hantar apa-apa, simpan mesej dan beritahu orang dewasa sekarang.",
            ),
            "Ini jenayah yang dipanggil sekstorsi. Ia bukan salah kamu dan orang dewasa boleh "
            "membantu menghentikannya.",
        ),
    ),
)

TEENS: tuple[Question, ...] = (
    _q(
        "t1",
        "age_gap_normalisation",
        2,
        Wording(
            "A 24-year-old you met on a game server says you're more mature than people your age "
            "and that \u201cage is just a number\u201d.",
            "What's going on?",
            (
                "A compliment: some teens are mature.",
                "Nothing, as long as you only chat.",
                "A warning sign: they are making an adult-teen relationship sound normal.",
            ),
            "Flattery plus 'age doesn't matter' is a classic way to lower your guard.",
        ),
        Wording(
            "Seorang berumur 24 tahun yang kamu kenal di pelayan permainan berkata kamu lebih "
            "matang daripada rakan sebaya dan \u201cumur cuma nombor\u201d.",
            "Apa yang sedang berlaku?",
            (
                "Pujian: ada remaja yang memang matang.",
                "Tiada apa-apa, selagi cuma berbual.",
                "Tanda amaran: dia membuat hubungan dewasa-remaja nampak biasa.",
            ),
            "Pujian bersama 'umur tak penting' ialah cara klasik untuk melemahkan kewaspadaan "
            "kamu.",
        ),
    ),
    _q(
        "t2",
        "platform_migration",
        0,
        Wording(
            "Someone from a Discord server asks to continue on Telegram or on your number "
            "\u201cfor privacy\u201d.",
            "Why is this a warning sign?",
            (
                "Private apps are harder for anyone to see or moderate.",
                "It isn't: every app is the same.",
                "Only because Telegram is expensive.",
            ),
            "Moving you somewhere private cuts out moderators, friends and parents.",
        ),
        Wording(
            "Seseorang dari pelayan Discord mahu sambung berbual di Telegram atau nombor kamu "
            "\u201csupaya lebih privasi\u201d.",
            "Kenapa ini tanda amaran?",
            (
                "Aplikasi peribadi lebih sukar dilihat atau dikawal oleh sesiapa.",
                "Bukan: semua aplikasi sama.",
                "Hanya kerana Telegram mahal.",
            ),
            "Memindahkan kamu ke tempat peribadi memutuskan moderator, kawan dan ibu bapa.",
        ),
    ),
    _q(
        "t3",
        "coercion",
        1,
        Wording(
            "You said no to sending a photo. They reply: \u201cIf you really trusted me you'd "
            "send it.\u201d",
            "What is this?",
            (
                "A fair point about trust.",
                "Pressure after a no: a warning sign. No means no.",
                "A joke you should laugh off and then send.",
            ),
            "Guilt-tripping after a refusal is coercion. You never have to prove trust with a "
            "picture.",
        ),
        Wording(
            "Kamu kata tidak mahu hantar gambar. Dia balas: \u201cKalau betul percaya saya, "
            "awak akan hantar.\u201d",
            "Apakah ini?",
            (
                "Hujah yang adil tentang kepercayaan.",
                "Desakan selepas kamu kata tidak: tanda amaran. Tidak bermaksud tidak.",
                "Gurauan yang patut kamu abaikan lalu hantar.",
            ),
            "Membuat kamu rasa bersalah selepas menolak ialah paksaan. Kamu tidak perlu "
            "membuktikan kepercayaan dengan gambar.",
        ),
    ),
    _q(
        "t4",
        "threat",
        1,
        Wording(
            "Someone threatens to send a photo you shared to your friends unless you pay RM500.",
            "What's the best move?",
            (
                "Pay quickly so it goes away.",
                "Stop replying, keep the evidence, don't pay, report it and tell an adult.",
                "Delete your account and all the chats.",
            ),
            "Paying rarely ends sextortion. Keep the evidence; it helps stop them.",
        ),
        Wording(
            "Seseorang mengugut untuk menghantar gambar yang kamu kongsi kepada kawan-kawan "
            "kamu jika kamu tidak membayar RM500.",
            "Apakah langkah terbaik?",
            (
                "Bayar cepat supaya selesai.",
                "Berhenti membalas, simpan bukti, jangan bayar, "
                "laporkan dan beritahu orang dewasa.",
                "Padam akaun dan semua chat.",
            ),
            "Membayar jarang menamatkan sekstorsi. Simpan bukti; ia membantu menghentikan mereka.",
        ),
    ),
    _q(
        "t5",
        "deletion",
        2,
        Wording(
            "An older online friend asks you to switch on disappearing messages.",
            "Why might they want that?",
            (
                "To save phone storage.",
                "It's just a new feature everyone uses.",
                "So there's no record of what they say.",
            ),
            "Asking to delete or hide messages is about leaving no evidence.",
        ),
        Wording(
            "Seorang kawan dalam talian yang lebih tua meminta kamu menghidupkan mesej hilang.",
            "Kenapa dia mahu begitu?",
            (
                "Untuk jimat storan telefon.",
                "Itu cuma ciri baharu yang semua orang guna.",
                "Supaya tiada rekod apa yang dia kata.",
            ),
            "Meminta mesej dipadam atau disembunyikan bertujuan supaya tiada bukti.",
        ),
    ),
    _q(
        "t6",
        "isolation",
        0,
        Wording(
            "They keep saying your friends are fake and your parents don't get you, but they do.",
            "What is this?",
            (
                "Isolation: cutting you off from people who'd protect you.",
                "Honest advice from someone who cares.",
                "Normal when you're a teenager.",
            ),
            "Turning you against friends and family leaves them as the only one you listen to.",
        ),
        Wording(
            "Dia selalu kata kawan-kawan kamu palsu dan mak ayah tak faham kamu, tapi dia faham.",
            "Apakah ini?",
            (
                "Pengasingan: memisahkan kamu daripada orang yang akan melindungi kamu.",
                "Nasihat jujur daripada orang yang ambil berat.",
                "Biasa bagi remaja.",
            ),
            "Melagakan kamu dengan kawan dan keluarga menjadikan dia satu-satunya orang yang "
            "kamu dengar.",
        ),
    ),
)

PARENTS: tuple[Question, ...] = (
    _q(
        "p1",
        "gift_offer",
        2,
        Wording(
            "Your 11-year-old has game credits and a new headset you didn't buy. They say "
            "\u201ca friend from the game\u201d sent them.",
            "What does this suggest?",
            (
                "Generous gamers; nothing to do.",
                "They must have stolen them.",
                "A possible grooming sign: ask calmly who the friend is and look at the chats "
                "together.",
            ),
            "Gifts from an online 'friend' create a sense of debt. Ask without blaming.",
        ),
        Wording(
            "Anak anda berumur 11 tahun ada kredit permainan dan set kepala baharu yang anda "
            "tidak beli. Dia kata \u201ckawan dari game\u201d yang hantar.",
            "Apakah yang mungkin ditunjukkan?",
            (
                "Pemain yang pemurah; tiada apa-apa.",
                "Dia tentu mencurinya.",
                "Mungkin tanda grooming: tanya dengan tenang siapa kawan itu dan lihat chat "
                "bersama.",
            ),
            "Hadiah daripada 'kawan' dalam talian menimbulkan rasa terhutang. Tanya tanpa "
            "menyalahkan.",
        ),
    ),
    _q(
        "p2",
        "secrecy",
        1,
        Wording(
            "Your child shows you a chat where an adult says \u201cthis is our secret\u201d.",
            "What do you do first?",
            (
                "Take the phone away so it can't happen again.",
                "Stay calm, thank your child for telling you, and keep the chat as evidence.",
                "Message the adult and tell them off.",
            ),
            "Your calm reaction keeps your child telling you. Confronting the person can make "
            "them delete evidence.",
        ),
        Wording(
            "Anak anda menunjukkan chat di mana seorang dewasa berkata \u201cini rahsia "
            "kita\u201d.",
            "Apa yang anda buat dahulu?",
            (
                "Rampas telefon supaya tidak berulang.",
                "Bertenang, berterima kasih kerana anak bercerita, dan simpan chat sebagai bukti.",
                "Mesej orang dewasa itu dan marahi dia.",
            ),
            "Reaksi tenang anda membuat anak terus bercerita. Berdepan dengan orang itu boleh "
            "membuat dia memadam bukti.",
        ),
    ),
    _q(
        "p3",
        "deletion",
        0,
        Wording(
            "You've found worrying messages on your child's phone.",
            "What should happen to them?",
            (
                "Keep them: screenshots with names and times or an export, then block and report.",
                "Delete them to protect your child.",
                "Forward them to the family group for advice.",
            ),
            "Evidence helps the police and platforms act. Don't share it around.",
        ),
        Wording(
            "Anda menjumpai mesej yang merisaukan dalam telefon anak anda.",
            "Apa yang patut dibuat dengannya?",
            (
                "Simpan: tangkapan skrin dengan nama dan masa atau eksport, kemudian sekat dan "
                "lapor.",
                "Padam untuk melindungi anak.",
                "Majukan ke kumpulan keluarga untuk nasihat.",
            ),
            "Bukti membantu polis dan platform bertindak. Jangan sebarkan.",
        ),
    ),
    _q(
        "p4",
        "meeting_request",
        2,
        Wording(
            "A chat shows an adult arranging to pick your child up after school tomorrow.",
            "What do you do?",
            (
                "Wait and see whether they turn up.",
                "Ask your child to cancel politely.",
                "Keep the evidence and contact the police now (999 if there is immediate danger).",
            ),
            "A planned meeting is the most urgent warning sign.",
        ),
        Wording(
            "Chat menunjukkan seorang dewasa merancang mengambil anak anda selepas sekolah esok.",
            "Apa yang anda buat?",
            (
                "Tunggu dan lihat sama ada dia datang.",
                "Suruh anak membatalkan dengan sopan.",
                "Simpan bukti dan hubungi polis sekarang (999 jika ada bahaya segera).",
            ),
            "Pertemuan yang dirancang ialah tanda amaran paling mendesak.",
        ),
    ),
    _q(
        "p5",
        "threat",
        0,
        Wording(
            "Your teenager is being threatened: pay, or an intimate picture will be shared.",
            "What helps most?",
            (
                "Reassure them it's not their fault, don't pay, keep evidence and report it.",
                "Pay once to end it quickly.",
                "Punish them for sending the picture.",
            ),
            "Sextortion is a crime against your child. Blame makes them hide the next one.",
        ),
        Wording(
            "Anak remaja anda diugut: bayar, atau gambar intim akan disebarkan.",
            "Apa yang paling membantu?",
            (
                "Yakinkan dia ini bukan salahnya, jangan bayar, simpan bukti dan laporkan.",
                "Bayar sekali untuk selesaikan cepat.",
                "Hukum dia kerana menghantar gambar itu.",
            ),
            "Sekstorsi ialah jenayah terhadap anak anda. Menyalahkan membuat dia menyembunyikan "
            "yang seterusnya.",
        ),
    ),
)

QUIZZES: dict[Audience, tuple[Question, ...]] = {
    "children": CHILDREN,
    "teens": TEENS,
    "parents": PARENTS,
}
CLASS_AUDIENCES: tuple[Audience, ...] = ("children", "teens")  # what a school session can use


def quiz(audience: Audience) -> tuple[Question, ...]:
    return QUIZZES[audience]


@dataclass(frozen=True)
class Marked:
    question: Question
    chosen: int | None
    correct: bool


class MissingAnswers(Exception):
    """Some questions have no answer (the ids, in order)."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


def mark(audience: Audience, answers: dict[str, str]) -> list[Marked]:
    """Mark a submitted form (`{question id: option index}`); every question needs an answer."""
    marked = []
    missing = []
    for question in quiz(audience):
        raw = answers.get(question.id, "")
        chosen = int(raw) if raw in ("0", "1", "2") else None
        if chosen is None:
            missing.append(question.id)
        marked.append(Marked(question, chosen, chosen == question.answer))
    if missing:
        raise MissingAnswers(missing)
    return marked
