"""The learning pages' content: how grooming and sextortion happen, what to do and where to get
help, for children (9-12), teens (13-17) and parents, in Malay and English.

Plain data, rendered as web pages and as one-page printable guides (PDF) from the same text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Audience = Literal["children", "teens", "parents"]
AUDIENCES: tuple[Audience, ...] = ("children", "teens", "parents")
SLUGS: dict[str, dict[Audience, str]] = {
    "ms": {"children": "kanak-kanak", "teens": "remaja", "parents": "ibu-bapa"},
    "en": {"children": "children", "teens": "teens", "parents": "parents"},
}


@dataclass(frozen=True)
class Section:
    heading: str
    text: str = ""
    points: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lesson:
    audience: Audience
    lang: str
    title: str
    for_whom: str
    intro: str
    stages_heading: str
    stages: tuple[tuple[str, str], ...]  # (stage in their words, what it looks like)
    sections: tuple[Section, ...]
    signs: Section
    todo: Section
    help: Section


HELP_MS = Section(
    "Di mana mendapatkan bantuan",
    points=(
        "Dalam bahaya sekarang: hubungi 999.",
        "Talian Kasih 15999 (24 jam), WhatsApp 019-261 5999.",
        "Cyber999, CyberSecurity Malaysia: 1-300-88-2999.",
        "Lapor kepada pasukan petugas tanpa nama: /lapor.",
        "Semak chat yang merisaukan, tanpa disimpan: /semak-chat.",
    ),
)
HELP_EN = Section(
    "Where to get help",
    points=(
        "In danger now: call 999.",
        "Talian Kasih 15999 (24 hours), WhatsApp 019-261 5999.",
        "Cyber999, CyberSecurity Malaysia: 1-300-88-2999.",
        "Report to the task force anonymously: /report.",
        "Check a worrying chat, nothing stored: /check-a-chat.",
    ),
)

CHILDREN_EN = Lesson(
    audience="children",
    lang="en",
    title="Staying safe with people you meet online",
    for_whom="For children aged 9 to 12",
    intro="Most people online are fine. But some adults pretend to be your friend so they can "
    "trick you. This is called grooming. Knowing the signs helps you stay safe.",
    stages_heading="How grooming happens, step by step",
    stages=(
        (
            "Getting to know you",
            "They chat a lot, play games with you and ask your age and school.",
        ),
        ("Being extra nice", "They say you are special and offer gifts, top-ups or game money."),
        ("Checking who is watching", "They ask if your parents are home or check your phone."),
        ("Secrets", "They say 'don't tell anyone' and want to move to another app."),
        ("Asking for more", "They ask for photos, video calls or to meet you."),
    ),
    sections=(
        Section(
            "What is sextortion?",
            "Sometimes a person gets a photo or video of a child and then threatens to share it "
            "unless the child sends more or pays money. That is a crime. It is never the "
            "child's fault, and adults can help.",
        ),
    ),
    signs=Section(
        "Warning signs",
        points=(
            "Someone asks you to keep your chats a secret.",
            "Someone offers you gifts, top-ups or game money for nothing.",
            "Someone asks for photos of you, or for a video call.",
            "Someone wants to meet you, or asks where you live.",
            "Someone asks if your parents are home or check your phone.",
            "Something makes you feel uncomfortable, scared or confused.",
        ),
    ),
    todo=Section(
        "What to do",
        points=(
            "Stop replying. You don't have to be polite.",
            "Don't delete the chat: it is evidence.",
            "Tell an adult you trust: a parent, carer, teacher or counsellor.",
            "You will not be in trouble for telling.",
            "Block and report the account, with an adult's help.",
        ),
    ),
    help=HELP_EN,
)

CHILDREN_MS = Lesson(
    audience="children",
    lang="ms",
    title="Selamat dengan orang yang kamu kenal dalam talian",
    for_whom="Untuk kanak-kanak berumur 9 hingga 12 tahun",
    intro="Kebanyakan orang dalam talian baik-baik sahaja. Tetapi ada orang dewasa yang berpura-"
    "pura menjadi kawan kamu untuk memperdaya kamu. Ini dipanggil grooming. Mengetahui "
    "tandanya membantu kamu kekal selamat.",
    stages_heading="Bagaimana grooming berlaku, langkah demi langkah",
    stages=(
        (
            "Berkenalan",
            "Dia selalu berbual, bermain permainan dengan kamu dan bertanya umur serta "
            "sekolah kamu.",
        ),
        (
            "Terlalu baik",
            "Dia kata kamu istimewa dan menawarkan hadiah, top-up atau duit permainan.",
        ),
        (
            "Menyemak siapa yang memerhati",
            "Dia bertanya sama ada mak ayah ada di rumah atau memeriksa telefon kamu.",
        ),
        ("Rahsia", "Dia kata 'jangan beritahu sesiapa' dan mahu pindah ke aplikasi lain."),
        ("Meminta lebih", "Dia minta gambar, panggilan video atau mahu berjumpa kamu."),
    ),
    sections=(
        Section(
            "Apa itu sekstorsi?",
            "Kadang-kadang seseorang mendapat gambar atau video kanak-kanak, kemudian mengugut "
            "untuk menyebarkannya jika kanak-kanak itu tidak menghantar lagi atau membayar "
            "wang. Itu jenayah. Ia bukan salah kanak-kanak itu, dan orang dewasa boleh membantu.",
        ),
    ),
    signs=Section(
        "Tanda amaran",
        points=(
            "Seseorang menyuruh kamu merahsiakan chat kamu.",
            "Seseorang menawarkan hadiah, top-up atau duit permainan tanpa sebab.",
            "Seseorang meminta gambar kamu, atau panggilan video.",
            "Seseorang mahu berjumpa kamu, atau bertanya di mana kamu tinggal.",
            "Seseorang bertanya sama ada mak ayah ada di rumah atau memeriksa telefon kamu.",
            "Sesuatu membuat kamu rasa tidak selesa, takut atau keliru.",
        ),
    ),
    todo=Section(
        "Apa yang perlu dibuat",
        points=(
            "Berhenti membalas. Kamu tidak perlu bersopan dengannya.",
            "Jangan padam chat itu: ia bukti.",
            "Beritahu orang dewasa yang kamu percayai: mak, ayah, penjaga, guru atau kaunselor.",
            "Kamu tidak akan dimarahi kerana bercerita.",
            "Sekat dan laporkan akaun itu, dengan bantuan orang dewasa.",
        ),
    ),
    help=HELP_MS,
)

TEENS_EN = Lesson(
    audience="teens",
    lang="en",
    title="Grooming and sextortion: know the moves",
    for_whom="For teens aged 13 to 17",
    intro="Groomers are often friendly, patient and good at making you feel understood. Some "
    "pretend to be your age; some are open about being older. Sextortion can start in minutes. "
    "Knowing how it works makes it easier to spot and to get out.",
    stages_heading="The usual steps",
    stages=(
        (
            "Access",
            "Contact through a game, social app or a friend of a friend; questions about "
            "your age and school.",
        ),
        ("Trust", "Attention, compliments ('you're so mature'), gifts, credits or money."),
        ("Checking the risk", "Are you alone? Who checks your phone? Where do you live?"),
        (
            "Isolation",
            "'Keep this between us', disappearing messages, moving to a private app, "
            "'your friends don't get you'.",
        ),
        ("Normalising", "'Age is just a number', jokes that push limits, asking for pictures."),
        ("Approach", "Video calls, meeting up, pressure after you say no, or threats."),
    ),
    sections=(
        Section(
            "Sextortion: what it is and what to do",
            "Someone gets an intimate image, or says they have one, and threatens to share it "
            "unless you send more or pay. It is a crime and it is not your fault, even if you "
            "sent the picture yourself. Don't pay and don't send more: paying rarely ends it. "
            "Stop replying, keep the evidence, report the account and tell an adult you trust. "
            "Take It Down (by NCMEC) can help remove nude images of under-18s from some "
            "platforms.",
        ),
    ),
    signs=Section(
        "Warning signs",
        points=(
            "An adult wants a close, private friendship with you.",
            "Pressure to keep secrets or delete messages.",
            "Moving the chat to another app, a private account or your number.",
            "Gifts, credits, money or a phone you didn't ask for.",
            "Requests for photos, video calls or meeting up.",
            "Guilt or pressure after you say no; any threat.",
        ),
    ),
    todo=Section(
        "What to do",
        points=(
            "Stop replying; you don't owe anyone an explanation.",
            "Keep the evidence: screenshots with names, dates and times, or export the chat.",
            "Block and report the account in the app.",
            "Tell an adult you trust. You're not in trouble.",
            "If you're threatened: don't pay, don't send more, report it now.",
        ),
    ),
    help=HELP_EN,
)

TEENS_MS = Lesson(
    audience="teens",
    lang="ms",
    title="Grooming dan sekstorsi: kenali taktiknya",
    for_whom="Untuk remaja berumur 13 hingga 17 tahun",
    intro="Pelaku grooming selalunya mesra, sabar dan pandai membuat kamu rasa difahami. Ada "
    "yang berpura-pura sebaya; ada yang terus terang lebih tua. Sekstorsi boleh bermula dalam "
    "beberapa minit. Mengetahui caranya memudahkan kamu mengenal pasti dan keluar.",
    stages_heading="Langkah-langkah biasa",
    stages=(
        (
            "Akses",
            "Hubungan melalui permainan, aplikasi sosial atau kawan kepada kawan; soalan "
            "tentang umur dan sekolah kamu.",
        ),
        ("Kepercayaan", "Perhatian, pujian ('kamu matang'), hadiah, kredit atau wang."),
        ("Menyemak risiko", "Kamu seorang diri? Siapa periksa telefon kamu? Di mana kamu tinggal?"),
        (
            "Pengasingan",
            "'Antara kita sahaja', mesej hilang, pindah ke aplikasi peribadi, "
            "'kawan-kawan kamu tak faham kamu'.",
        ),
        ("Menormalkan", "'Umur cuma nombor', gurauan yang melampaui batas, meminta gambar."),
        (
            "Pendekatan",
            "Panggilan video, ajakan berjumpa, desakan selepas kamu kata tidak, atau ugutan.",
        ),
    ),
    sections=(
        Section(
            "Sekstorsi: apa itu dan apa yang perlu dibuat",
            "Seseorang mendapat gambar intim, atau mendakwa ada, dan mengugut untuk "
            "menyebarkannya jika kamu tidak menghantar lagi atau membayar. Ini jenayah dan "
            "bukan salah kamu, walaupun kamu sendiri yang menghantar gambar itu. Jangan bayar "
            "dan jangan hantar lagi: membayar jarang menamatkannya. Berhenti membalas, simpan "
            "bukti, laporkan akaun itu dan beritahu orang dewasa yang kamu percayai. Take It "
            "Down (oleh NCMEC) boleh membantu membuang gambar bogel remaja bawah 18 tahun "
            "daripada sesetengah platform.",
        ),
    ),
    signs=Section(
        "Tanda amaran",
        points=(
            "Orang dewasa mahukan persahabatan rapat dan peribadi dengan kamu.",
            "Desakan supaya berahsia atau memadam mesej.",
            "Memindahkan chat ke aplikasi lain, akaun peribadi atau nombor kamu.",
            "Hadiah, kredit, wang atau telefon yang kamu tidak minta.",
            "Permintaan gambar, panggilan video atau berjumpa.",
            "Rasa bersalah atau desakan selepas kamu kata tidak; sebarang ugutan.",
        ),
    ),
    todo=Section(
        "Apa yang perlu dibuat",
        points=(
            "Berhenti membalas; kamu tidak perlu menjelaskan apa-apa.",
            "Simpan bukti: tangkapan skrin dengan nama, tarikh dan masa, atau eksport chat.",
            "Sekat dan laporkan akaun itu dalam aplikasi.",
            "Beritahu orang dewasa yang kamu percayai. Kamu tidak bersalah.",
            "Jika diugut: jangan bayar, jangan hantar lagi, laporkan sekarang.",
        ),
    ),
    help=HELP_MS,
)

PARENTS_EN = Lesson(
    audience="parents",
    lang="en",
    title="Protecting your child from online grooming and sextortion",
    for_whom="For parents and carers",
    intro="Groomers look for children through games, social media and chat apps. They build "
    "trust slowly, or push fast for images and then threaten. Children often don't tell because "
    "they feel ashamed or fear losing their phone. How you react decides whether they tell you "
    "next time.",
    stages_heading="How grooming usually unfolds",
    stages=(
        (
            "Access and rapport",
            "Friendly contact in a game or app; questions about age, school and family.",
        ),
        ("Trust", "Flattery, attention, gifts, top-ups, game currency, sometimes a phone."),
        (
            "Risk assessment",
            "Checking whether you supervise the phone and when the child is alone.",
        ),
        (
            "Secrecy and isolation",
            "Secrets, deleted or disappearing messages, moving to private "
            "apps, setting the child against family.",
        ),
        ("Desensitisation", "'Age doesn't matter', sexual jokes, requests for pictures."),
        ("Approach", "Video calls, meeting, pressure after refusals, threats (sextortion)."),
    ),
    sections=(
        Section(
            "Signs in your child",
            points=(
                "Secretive about the phone, switching screens when you come near.",
                "New gifts, credits, money or a second phone you can't explain.",
                "A new older 'friend' they talk about or avoid talking about.",
                "Upset, anxious or withdrawn after being online; trouble sleeping.",
            ),
        ),
        Section(
            "Talk early, talk often",
            "Ask about the games and apps they use. Agree that they can come to you about "
            "anything online without losing the phone. Tell them that adults who ask for "
            "secrets, pictures or meetings are doing wrong, and that it is never the child's "
            "fault. In Malaysia, grooming a child is a crime under the Sexual Offences against "
            "Children Act 2017.",
        ),
    ),
    signs=Section(
        "Warning signs in a chat",
        points=(
            "Requests for secrecy or to delete messages.",
            "Moving to another app, a private account or a phone number.",
            "Gifts, top-ups or money; offers of a phone or SIM.",
            "Questions about whether you are home or check the phone.",
            "Requests for photos, video calls or to meet.",
            "Threats to share images (sextortion).",
        ),
    ),
    todo=Section(
        "What to do",
        points=(
            "Stay calm; thank your child for telling you. Don't blame or punish.",
            "Don't confront the person or pose as your child.",
            "Keep the evidence: screenshots with account names and times, or export the chat.",
            "Then block and report the account in the app.",
            "Report to the task force or the police; don't pay a sextortionist.",
        ),
    ),
    help=HELP_EN,
)

PARENTS_MS = Lesson(
    audience="parents",
    lang="ms",
    title="Melindungi anak daripada grooming dan sekstorsi dalam talian",
    for_whom="Untuk ibu bapa dan penjaga",
    intro="Pelaku grooming mencari kanak-kanak melalui permainan, media sosial dan aplikasi chat. "
    "Mereka membina kepercayaan perlahan-lahan, atau mendesak dengan cepat untuk mendapatkan "
    "gambar lalu mengugut. Kanak-kanak selalunya tidak bercerita kerana malu atau takut telefon "
    "dirampas. Cara anda bertindak menentukan sama ada mereka akan bercerita lagi.",
    stages_heading="Bagaimana grooming biasanya berlaku",
    stages=(
        (
            "Akses dan kemesraan",
            "Hubungan mesra dalam permainan atau aplikasi; soalan tentang "
            "umur, sekolah dan keluarga.",
        ),
        (
            "Kepercayaan",
            "Pujian, perhatian, hadiah, top-up, mata wang permainan, kadang-kadang telefon.",
        ),
        ("Menilai risiko", "Menyemak sama ada anda mengawasi telefon dan bila anak bersendirian."),
        (
            "Rahsia dan pengasingan",
            "Rahsia, mesej dipadam atau mesej hilang, pindah ke aplikasi "
            "peribadi, melagakan anak dengan keluarga.",
        ),
        ("Desensitisasi", "'Umur tak penting', gurauan seksual, permintaan gambar."),
        ("Pendekatan", "Panggilan video, berjumpa, desakan selepas ditolak, ugutan (sekstorsi)."),
    ),
    sections=(
        Section(
            "Tanda-tanda pada anak anda",
            points=(
                "Berahsia tentang telefon, menukar skrin apabila anda mendekat.",
                "Hadiah, kredit, wang atau telefon kedua yang tidak dapat dijelaskan.",
                "'Kawan' baharu yang lebih tua yang disebut, atau dielak daripada disebut.",
                "Sedih, cemas atau menyendiri selepas dalam talian; susah tidur.",
            ),
        ),
        Section(
            "Berbual awal, berbual selalu",
            "Tanya tentang permainan dan aplikasi yang mereka guna. Bersetuju bahawa mereka "
            "boleh datang kepada anda tentang apa-apa sahaja dalam talian tanpa kehilangan "
            "telefon. Beritahu mereka bahawa orang dewasa yang meminta rahsia, gambar atau "
            "pertemuan sedang melakukan kesalahan, dan ia bukan salah kanak-kanak. Di Malaysia, "
            "grooming kanak-kanak ialah jenayah di bawah Akta Kesalahan-Kesalahan Seksual "
            "terhadap Kanak-Kanak 2017.",
        ),
    ),
    signs=Section(
        "Tanda amaran dalam chat",
        points=(
            "Permintaan supaya berahsia atau memadam mesej.",
            "Berpindah ke aplikasi lain, akaun peribadi atau nombor telefon.",
            "Hadiah, top-up atau wang; tawaran telefon atau SIM.",
            "Soalan sama ada anda ada di rumah atau memeriksa telefon.",
            "Permintaan gambar, panggilan video atau berjumpa.",
            "Ugutan untuk menyebarkan gambar (sekstorsi).",
        ),
    ),
    todo=Section(
        "Apa yang perlu dibuat",
        points=(
            "Bertenang; terima kasih kepada anak kerana bercerita. Jangan salahkan atau hukum.",
            "Jangan berdepan dengan orang itu atau menyamar sebagai anak anda.",
            "Simpan bukti: tangkapan skrin dengan nama akaun dan masa, atau eksport chat.",
            "Kemudian sekat dan laporkan akaun itu dalam aplikasi.",
            "Laporkan kepada pasukan petugas atau polis; jangan bayar pelaku sekstorsi.",
        ),
    ),
    help=HELP_MS,
)

LESSONS: dict[tuple[Audience, str], Lesson] = {
    (lesson.audience, lesson.lang): lesson
    for lesson in (
        CHILDREN_EN,
        CHILDREN_MS,
        TEENS_EN,
        TEENS_MS,
        PARENTS_EN,
        PARENTS_MS,
    )
}


def lesson(audience: Audience, lang: str) -> Lesson:
    return LESSONS[(audience, lang)]


def audience_of_slug(lang: str, slug: str) -> Audience | None:
    for audience, known in SLUGS[lang].items():
        if known == slug:
            return audience
    return None
