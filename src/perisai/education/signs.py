"""What each warning sign and stage of the grooming engine means, for a child and for a parent.

The engine (`perisai.grooming`) names signal kinds and stages by stable ids and may add kinds:
:func:`explain_kind` falls back to the stage's words, then to a general sentence, so a new kind
never shows a raw id. `tests/education/test_signs.py` fails when a kind in
`perisai.grooming.KINDS` lacks its own Malay and English words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Audience = Literal["self", "parent"]
AUDIENCES: tuple[Audience, ...] = ("self", "parent")


@dataclass(frozen=True)
class Words:
    title: str
    self: str  # to the young person whose chat it is
    parent: str  # to a parent or carer checking a child's chat

    def said_to(self, audience: Audience) -> str:
        return self.self if audience == "self" else self.parent


# kind → language → words. Stage ids: see perisai.grooming.STAGES.
KIND_WORDS: dict[str, dict[str, Words]] = {
    "age_probe": {
        "en": Words(
            "Asking your age or school",
            "They asked how old you are or which school or year you are in. People who want to "
            "trick children often check this first, to find someone young.",
            "They asked your child's age, school or school year. Groomers often check this "
            "early, to find a young target.",
        ),
        "ms": Words(
            "Bertanya umur atau sekolah",
            "Dia bertanya umur kamu atau sekolah dan tahun kamu. Orang yang mahu memperdaya "
            "kanak-kanak selalu menyemak ini dahulu, untuk mencari mangsa yang muda.",
            "Dia bertanya umur, sekolah atau tahun persekolahan anak anda. Pelaku grooming "
            "selalu menyemak ini awal-awal untuk mencari sasaran yang muda.",
        ),
    },
    "flattery": {
        "en": Words(
            "Flattery and a 'special' bond",
            "They keep saying you are special, mature or different from other kids. Lots of "
            "compliments can be a way to make you trust them quickly.",
            "Heavy flattery ('so mature for your age', 'you're special') builds trust fast and "
            "makes your child feel the two of them share something special.",
        ),
        "ms": Words(
            "Pujian dan hubungan 'istimewa'",
            "Dia selalu kata kamu istimewa, matang atau lain daripada budak lain. Pujian "
            "berlebihan boleh jadi cara untuk buat kamu cepat percaya kepadanya.",
            "Pujian berlebihan ('matang untuk umur kamu', 'kamu istimewa') membina kepercayaan "
            "dengan cepat dan membuat anak anda rasa ada hubungan istimewa.",
        ),
    },
    "gift_offer": {
        "en": Words(
            "Offering gifts, money or game credits",
            "They offer top-ups, game currency, money or presents. A gift can make you feel "
            "you owe them something later.",
            "Offers of top-ups, game currency, money or presents create a feeling of owing "
            "something, which groomers use later.",
        ),
        "ms": Words(
            "Menawarkan hadiah, wang atau kredit permainan",
            "Dia menawarkan top-up, mata wang permainan, duit atau hadiah. Hadiah boleh buat "
            "kamu rasa terhutang budi kepadanya nanti.",
            "Tawaran top-up, mata wang permainan, wang atau hadiah menimbulkan rasa terhutang "
            "budi, yang digunakan pelaku kemudian.",
        ),
    },
    "location_probe": {
        "en": Words(
            "Asking where you live or are",
            "They asked where you live, where your school is, or where you are right now.",
            "They asked where your child lives, studies or is at the moment.",
        ),
        "ms": Words(
            "Bertanya di mana kamu tinggal atau berada",
            "Dia bertanya di mana kamu tinggal, di mana sekolah kamu, atau di mana kamu sekarang.",
            "Dia bertanya di mana anak anda tinggal, belajar atau berada sekarang.",
        ),
    },
    "risk_assessment": {
        "en": Words(
            "Checking whether adults are around",
            "They asked if your parents are home, if anyone checks your phone, or if you are "
            "alone. They want to know whether anyone would notice.",
            "They checked whether your child is alone or supervised, or whether anyone looks at "
            "the phone: a sign they are weighing the risk of being caught.",
        ),
        "ms": Words(
            "Menyemak sama ada orang dewasa ada",
            "Dia bertanya sama ada mak ayah ada di rumah, ada orang periksa telefon kamu, atau "
            "kamu seorang diri. Dia mahu tahu sama ada orang lain akan perasan.",
            "Dia menyemak sama ada anak anda bersendirian atau diawasi, atau ada orang yang "
            "memeriksa telefonnya: tanda dia menimbang risiko ditangkap.",
        ),
    },
    "secrecy": {
        "en": Words(
            "Asking you to keep it secret",
            "They told you not to tell your parents or friends. Safe people do not ask children "
            "to keep secrets from their family.",
            "They asked your child to keep the contact secret. Secrecy is one of the clearest "
            "warning signs.",
        ),
        "ms": Words(
            "Menyuruh kamu berahsia",
            "Dia suruh kamu jangan beritahu mak ayah atau kawan. Orang yang selamat tidak "
            "menyuruh kanak-kanak berahsia daripada keluarga.",
            "Dia menyuruh anak anda merahsiakan hubungan ini. Menyuruh berahsia ialah antara "
            "tanda amaran yang paling jelas.",
        ),
    },
    "deletion": {
        "en": Words(
            "Asking you to delete messages",
            "They asked you to delete the chat or use disappearing messages, so that there is "
            "no proof. Keep the messages instead.",
            "They asked your child to delete messages or use disappearing messages, which hides "
            "evidence.",
        ),
        "ms": Words(
            "Menyuruh kamu memadam mesej",
            "Dia suruh kamu padam chat atau guna mesej hilang supaya tiada bukti. Simpan mesej "
            "itu.",
            "Dia menyuruh anak anda memadam mesej atau menggunakan mesej hilang, untuk "
            "menyembunyikan bukti.",
        ),
    },
    "platform_migration": {
        "en": Words(
            "Moving the chat to another app",
            "They want to move to another app, a private account or your phone number, where "
            "it is harder for anyone else to see.",
            "They tried to move the chat to another app, a phone number or a private channel, "
            "away from moderation and from you.",
        ),
        "ms": Words(
            "Memindahkan chat ke aplikasi lain",
            "Dia mahu pindah ke aplikasi lain, akaun peribadi atau nombor telefon kamu, supaya "
            "orang lain susah nak lihat.",
            "Dia cuba memindahkan chat ke aplikasi lain, nombor telefon atau saluran peribadi, "
            "jauh daripada kawalan platform dan daripada anda.",
        ),
    },
    "isolation": {
        "en": Words(
            "Turning you against family or friends",
            "They say your family or friends don't understand you and only they do. That is "
            "how someone cuts you off from the people who protect you.",
            "They try to set your child against family or friends ('they don't understand "
            "you'), cutting off the people who would protect them.",
        ),
        "ms": Words(
            "Memisahkan kamu daripada keluarga atau kawan",
            "Dia kata keluarga atau kawan kamu tak faham kamu, hanya dia yang faham. Begitulah "
            "cara seseorang memisahkan kamu daripada orang yang melindungi kamu.",
            "Dia cuba melagakan anak anda dengan keluarga atau kawan ('mereka tak faham kamu'), "
            "memisahkan anak daripada orang yang melindunginya.",
        ),
    },
    "age_gap_normalisation": {
        "en": Words(
            "Saying age doesn't matter",
            "They say the age difference doesn't matter or that 'age is just a number'. It "
            "does matter: an adult should not want this kind of friendship with a child.",
            "They play down the age difference ('age is just a number'), a way to make an "
            "adult-child relationship seem normal.",
        ),
        "ms": Words(
            "Mengatakan umur tidak penting",
            "Dia kata beza umur tak penting atau 'umur cuma nombor'. Sebenarnya penting: orang "
            "dewasa tidak patut mahukan hubungan begini dengan kanak-kanak.",
            "Dia memperkecilkan beza umur ('umur cuma nombor'), cara untuk membuat hubungan "
            "orang dewasa dengan kanak-kanak nampak biasa.",
        ),
    },
    "image_request": {
        "en": Words(
            "Asking for photos or videos of you",
            "They asked for selfies, photos or videos of you. Once sent, a picture can be kept, "
            "shared or used to pressure you. You can always say no.",
            "They asked your child for photos, selfies or clips. Such requests often escalate "
            "and images can be used for blackmail.",
        ),
        "ms": Words(
            "Meminta gambar atau video kamu",
            "Dia minta swafoto, gambar atau video kamu. Sekali dihantar, gambar boleh disimpan, "
            "dikongsi atau digunakan untuk menekan kamu. Kamu sentiasa boleh kata tidak.",
            "Dia meminta gambar, swafoto atau klip daripada anak anda. Permintaan begini sering "
            "meningkat dan gambar boleh digunakan untuk mengugut.",
        ),
    },
    "camera_request": {
        "en": Words(
            "Asking for a video call or your camera",
            "They want a video call or ask you to turn on your camera. Calls can be recorded "
            "without you knowing.",
            "They asked for video calls or the camera. Calls can be recorded and used later.",
        ),
        "ms": Words(
            "Meminta panggilan video atau kamera",
            "Dia mahu panggilan video atau suruh kamu buka kamera. Panggilan boleh dirakam tanpa "
            "kamu tahu.",
            "Dia meminta panggilan video atau kamera. Panggilan boleh dirakam dan digunakan "
            "kemudian.",
        ),
    },
    "meeting_request": {
        "en": Words(
            "Asking to meet you",
            "They want to meet you in person or pick you up. Never go to meet someone you only "
            "know online without a trusted adult.",
            "They proposed meeting, picking up or visiting your child. This is the most urgent "
            "sign: act now.",
        ),
        "ms": Words(
            "Mengajak berjumpa",
            "Dia mahu berjumpa kamu atau mengambil kamu. Jangan sekali-kali pergi berjumpa "
            "orang yang kamu kenal dalam talian sahaja tanpa orang dewasa yang dipercayai.",
            "Dia mengajak anak anda berjumpa, mahu mengambil atau melawat anak anda. Ini tanda "
            "paling mendesak: bertindak sekarang.",
        ),
    },
    "threat": {
        "en": Words(
            "Threats or blackmail",
            "They threaten to share pictures or messages, or to hurt you or someone, unless you "
            "do what they want. This is a crime and it is not your fault. Don't pay and don't "
            "send more: tell an adult now.",
            "Threats to expose, share or hurt (sextortion or blackmail). This is a crime: keep "
            "the evidence, do not pay, and report it now.",
        ),
        "ms": Words(
            "Ugutan atau peras ugut",
            "Dia mengugut untuk menyebarkan gambar atau mesej, atau mencederakan kamu atau orang "
            "lain, jika kamu tidak ikut kehendaknya. Ini jenayah dan bukan salah kamu. Jangan "
            "bayar dan jangan hantar apa-apa lagi: beritahu orang dewasa sekarang.",
            "Ugutan untuk mendedahkan, menyebarkan atau mencederakan (sekstorsi atau peras "
            "ugut). Ini jenayah: simpan bukti, jangan bayar, dan laporkan sekarang.",
        ),
    },
    "parent_deception": {
        "en": Words(
            "Teaching you to lie to your parents",
            "They tell you what to say so your parents won't find out, or to say you are "
            "somewhere else. Safe people don't ask you to lie to your family.",
            "They coach your child on what to tell you, or to lie about where they are.",
        ),
        "ms": Words(
            "Mengajar kamu menipu mak ayah",
            "Dia ajar kamu apa nak cakap supaya mak ayah tak tahu, atau suruh kata kamu berada "
            "di tempat lain. Orang yang selamat tidak menyuruh kamu menipu keluarga.",
            "Dia mengajar anak anda apa yang perlu dikatakan kepada anda, atau menipu tentang "
            "di mana dia berada.",
        ),
    },
    "device_gift": {
        "en": Words(
            "Offering a phone or SIM card",
            "They offer you a phone, a SIM card or a new number. That gives them a secret way "
            "to reach you that nobody else checks.",
            "They offer your child a phone, SIM or new number: a private channel you cannot see.",
        ),
        "ms": Words(
            "Menawarkan telefon atau kad SIM",
            "Dia menawarkan telefon, kad SIM atau nombor baharu. Itu memberinya cara rahsia untuk "
            "menghubungi kamu yang tiada orang lain periksa.",
            "Dia menawarkan telefon, SIM atau nombor baharu kepada anak anda: saluran peribadi "
            "yang anda tidak nampak.",
        ),
    },
    "coercion": {
        "en": Words(
            "Pressure after you said no",
            "After you said no, they make you feel guilty, say you owe them, or ask you to "
            "'prove' you trust them. No means no.",
            "Pressure after a refusal (guilt, 'you owe me', 'prove you trust me') to push your "
            "child past a boundary.",
        ),
        "ms": Words(
            "Mendesak selepas kamu kata tidak",
            "Selepas kamu kata tidak, dia buat kamu rasa bersalah, kata kamu berhutang, atau "
            "minta kamu 'buktikan' kamu percaya kepadanya. Tidak bermaksud tidak.",
            "Desakan selepas anak anda menolak (rasa bersalah, 'kamu berhutang', 'buktikan kamu "
            "percaya') untuk memaksa anak melepasi batas.",
        ),
    },
}

STAGE_WORDS: dict[str, dict[str, Words]] = {
    "access_rapport": {
        "en": Words(
            "Getting to know you",
            "They make contact, chat in a friendly way and find out about you.",
            "First contact: friendly chat and finding out about the child.",
        ),
        "ms": Words(
            "Berkenalan",
            "Dia mula berhubung, berbual dengan mesra dan mengetahui tentang kamu.",
            "Hubungan pertama: berbual mesra dan mengetahui tentang anak.",
        ),
    },
    "trust": {
        "en": Words(
            "Building trust",
            "Compliments, attention and gifts to make you like and trust them.",
            "Compliments, attention and gifts to win the child's trust.",
        ),
        "ms": Words(
            "Membina kepercayaan",
            "Pujian, perhatian dan hadiah supaya kamu suka dan percaya kepadanya.",
            "Pujian, perhatian dan hadiah untuk memenangi kepercayaan anak.",
        ),
    },
    "risk_assessment": {
        "en": Words(
            "Checking who is watching",
            "Finding out if adults are around, where you are, and who checks your phone.",
            "Finding out whether adults supervise the child and where the child is.",
        ),
        "ms": Words(
            "Menyemak siapa yang memerhati",
            "Mengetahui sama ada orang dewasa ada, di mana kamu, dan siapa periksa telefon kamu.",
            "Mengetahui sama ada orang dewasa mengawasi anak dan di mana anak berada.",
        ),
    },
    "exclusivity_isolation": {
        "en": Words(
            "Secrets and cutting you off",
            "Secrets, deleting messages, moving to private apps and setting you against others.",
            "Secrecy, deleted messages, private apps and isolating the child from family.",
        ),
        "ms": Words(
            "Rahsia dan memisahkan kamu",
            "Berahsia, memadam mesej, berpindah ke aplikasi peribadi dan melagakan kamu dengan "
            "orang lain.",
            "Berahsia, memadam mesej, aplikasi peribadi dan memisahkan anak daripada keluarga.",
        ),
    },
    "desensitisation": {
        "en": Words(
            "Making unsafe things seem normal",
            "Saying age doesn't matter, asking for pictures, pushing after you said no.",
            "Normalising the age gap, asking for images, pressure after refusals.",
        ),
        "ms": Words(
            "Menjadikan perkara tidak selamat nampak biasa",
            "Kata umur tak penting, minta gambar, mendesak selepas kamu kata tidak.",
            "Menormalkan beza umur, meminta gambar, mendesak selepas ditolak.",
        ),
    },
    "approach": {
        "en": Words(
            "Asking for more: calls, meetings, threats",
            "Video calls, meeting in person, or threats. This is the most dangerous stage.",
            "Video calls, meeting in person, or threats: the most dangerous stage.",
        ),
        "ms": Words(
            "Meminta lebih: panggilan, berjumpa, ugutan",
            "Panggilan video, berjumpa, atau ugutan. Ini peringkat paling berbahaya.",
            "Panggilan video, berjumpa, atau ugutan: peringkat paling berbahaya.",
        ),
    },
}

GENERAL = {
    "en": Words(
        "Another warning sign",
        "Something in this message is a warning sign. Trust your feelings: if it feels wrong, "
        "tell a trusted adult.",
        "Something in this message is a warning sign of grooming.",
    ),
    "ms": Words(
        "Tanda amaran lain",
        "Ada sesuatu dalam mesej ini yang merupakan tanda amaran. Percayalah perasaan kamu: "
        "jika rasa tidak kena, beritahu orang dewasa yang dipercayai.",
        "Ada sesuatu dalam mesej ini yang merupakan tanda amaran grooming.",
    ),
}


# A message the engine's learned layer counted: worded like the signs above, though not in their
# usual words. It only ever counts beside listed signs of the same person (corroboration).
LEARNED = {
    "en": Words(
        "Worded like a warning sign",
        "This message does not use the usual words, but our checker has learned from many "
        "example chats, and to it this message reads like the warning signs above. It only "
        "counts because the same person also sent other warning signs. If it feels wrong to "
        "you, trust that feeling.",
        "This message is not on our list of known grooming phrases, but the checker's second, "
        "learned layer (trained on many example chats, slang and short spellings included) "
        "reads it as a warning sign. It counts only because the same person also sent listed "
        "warning signs. Read it in context.",
    ),
    "ms": Words(
        "Bunyinya seperti tanda amaran",
        "Mesej ini tidak menggunakan perkataan yang biasa, tetapi penyemak kami telah belajar "
        "daripada banyak contoh chat, dan baginya mesej ini berbunyi seperti tanda amaran di "
        "atas. Ia dikira hanya kerana orang yang sama juga menghantar tanda amaran lain. Jika "
        "kamu rasa tidak kena, percayalah perasaan itu.",
        "Mesej ini tiada dalam senarai frasa grooming yang kami kenal, tetapi lapisan kedua "
        "penyemak, yang dilatih daripada banyak contoh chat (termasuk slanga dan ejaan "
        "singkatan), membacanya sebagai tanda amaran. Ia dikira hanya kerana orang yang sama "
        "juga menghantar tanda amaran yang tersenarai. Bacalah dalam konteksnya.",
    ),
}


def explain_learned(lang: str) -> Words:
    """Words for a message the learned layer counted."""
    return LEARNED[lang]


def explain_kind(kind: str, stage: str | None, lang: str) -> Words:
    """Words for a signal kind; an unknown kind borrows its stage's explanation."""
    known = KIND_WORDS.get(kind)
    if known is not None:
        return known[lang]
    general = GENERAL[lang]
    stage_words = STAGE_WORDS.get(stage or "")
    if stage_words is None:
        return general
    words = stage_words[lang]
    return Words(general.title, words.self, words.parent)


def explain_stage(stage: str, lang: str) -> Words | None:
    found = STAGE_WORDS.get(stage)
    return found[lang] if found else None
