"""Signal and context patterns, written against canonical text (see `normalise`).

Every kind is a list of alternatives in English and Malay (colloquial spellings are folded onto
these by the normaliser). They are compiled once into a single alternation with one named group
per kind, so a message is scanned in one pass.
"""

from __future__ import annotations

import re

# Reusable fragments. `_GAP` allows up to two filler words ("send me one more pic").
_YOU = r"(?:you|awak|kau|adik|sayang|dear|baby|babe)"
_YOUR = r"(?:your|you punya|awak punya)"
_ME = r"(?:i|me|saya|aku|abang|akak|uncle|auntie|kakak)"
_PARENTS = r"(?:parents|mom|dad|mak|ayah|mak ayah|family|ibu bapa|guardian|mom and dad)"
_GAP = r"(?: \w+){0,2}"
_GAP3 = r"(?: \w+){0,3}"
_APPS = (
    r"(?:whatsapp|telegram|snap|snapchat|instagram|discord|line|wechat|kik|signal|"
    r"facebook|messenger|tiktok|private app|another app|app lain)"
)
_PHOTO = r"(?:pic|gambar|selfie|video|vid)"

SIGNAL_PATTERNS: dict[str, list[str]] = {
    "flattery": [
        rf"{_YOU}{_GAP} (?:so |very |really |sangat |gila |betul )?"
        r"(?:pretty|cute|comel|beautiful|gorgeous|cantik|lawa|manis|handsome|special|istimewa|"
        r"mature|matang|smart|hot)",
        r"(?:pretty|comel|beautiful|cantik|lawa|manis|handsome|matang|mature)"
        rf"(?: sangat| gila| betul| nya| la| lah)? {_YOU}",
        r"mature for your age|matang untuk umur|matang dari umur|look older than",
        r"(?:not|tak|bukan) (?:like|macam|sama macam) (?:other|the other|budak|orang) ",
        r"(?:lain|different) (?:dari|daripada|from) (?:yang lain|other|the others|others)",
        r"special (?:bond|connection|friend|girl|boy)|hubungan (?:istimewa|special)",
        r"(?:kawan|friend) (?:istimewa|special)",
        r"(?:you are|awak|you) my (?:favourite|favorite|fav|special)",
        r"(?:sayang|love|like) (?:adik|you) (?:sangat|so much|lebih)",
    ],
    "age_probe": [
        rf"how old (?:are )?{_YOU}|what is {_YOUR} age|your age|{_YOUR} umur",
        r"(?:umur|age)(?: \w+)? berapa|berapa (?:umur|tahun)",
        r"(?:darjah|tingkatan|form|standard|grade|year) berapa|"
        r"(?:which|what) (?:grade|form|standard|year) (?:are )?you",
        r"(?:born|lahir) (?:in )?(?:which year|tahun berapa|bila)",
        r"(?:you|awak|adik) (?:still )?(?:in |masih )(?:school|sekolah|primary|secondary)",
        r"\basl\b",
    ],
    "location_probe": [
        rf"where (?:do |are )?{_YOU} (?:live|stay|staying|from)",
        r"(?:which|what) school|sekolah (?:mana|apa)|nama sekolah|school (?:name|mana)",
        r"(?:rumah|tinggal|duduk|stay)(?: you| awak| adik| kau)? (?:kat |dekat |di )?"
        r"(?:mana|area mana)",
        r"(?:kat|dekat|di) mana (?:rumah|tinggal|duduk|sekolah)",
        rf"where is {_YOUR} (?:house|home|school)",
        r"(?:share|send|hantar|bagi|kongsi)(?: me)?(?: your| awak| you)? "
        r"(?:location|lokasi|loc|live location|pin)",
        r"(?:your|you punya) (?:address|alamat)|alamat (?:rumah|awak|you|adik)",
    ],
    "risk_assessment": [
        rf"(?:are )?{_YOU} (?:alone|sorang)|(?:sorang|alone)(?: je| only)?(?: ke)? "
        r"(?:kat |dekat |at )?(?:rumah|home|bilik|room)",
        rf"{_PARENTS}{_GAP} (?:ada|takde|tak ada|not|out|home|around|there|keluar|balik|"
        r"kerja|working|asleep|tidur|sleep)(?: \w+)?(?: ke| tak| or not| now| sekarang|\?)",
        rf"{_PARENTS}(?: you| awak| adik| kau)? (?:ada|takde|tak ada|balik|keluar) "
        r"(?:(?:kat|dekat|di) )?(?:rumah|home)",
        rf"(?:is|are) (?:anyone|anybody|someone|your {_PARENTS}) (?:else )?(?:home|there|around|"
        r"with you)",
        rf"(?:do|does|will) {_YOUR} {_PARENTS} (?:check|read|see|know|look at)",
        rf"{_PARENTS}{_GAP} (?:check|periksa|tengok|baca|selalu check) (?:your |awak )?"
        r"(?:phone|message|chat|whatsapp)",
        r"(?:own|sendiri) (?:room|bilik)|bilik sendiri|(?:in|dalam) (?:your |bilik )?(?:room|bilik)"
        r"(?: \w+)? (?:now|sekarang|ke)",
        r"who else (?:uses|use|can see|reads) (?:your )?(?:phone|device|account)",
        r"(?:siapa|orang) lain (?:guna|pakai|tengok) (?:phone|akaun)",
        rf"(?:when|bila|pukul berapa) (?:do |will )?{_PARENTS}(?: \w+)? (?:come back|get home|"
        r"balik|sleep|tidur|go out|keluar)",
        r"ada (?:orang|sesiapa|siapa)(?: \w+)? (?:kat|dekat|di)? ?(?:situ|sana|rumah|sebelah)",
    ],
    "secrecy": [
        rf"(?:do not|never|jangan) (?:tell|beritahu|cakap|cerita|bagi tahu|share|show)(?: kat| to)?"
        rf"(?: your)? (?:anyone|anybody|sesiapa|orang|{_PARENTS}|kawan|friends|cikgu|teacher|"
        r"nobody)",
        rf"jangan (?:bagi|biar) {_PARENTS}(?: \w+)? tahu",
        r"(?:our|a|little|kecil) (?:little )?secret|rahsia (?:kita|antara kita|kecil)|"
        r"secret (?:kita|between us|ok)",
        r"keep (?:this|it|us) (?:between us|secret|a secret|quiet|to yourself)",
        r"(?:between|antara) (?:you and me|us|kita|kita berdua|you and i)",
        r"(?:nobody|no one|tak siapa|takde orang) (?:needs to|has to|akan|perlu|will) "
        r"(?:know|tahu)",
        r"(?:tak|no) (?:payah|perlu|need to) (?:beritahu|cerita|cakap|tell)",
    ],
    "deletion": [
        r"(?:delete|padam|buang|clear|remove|hapus)(?: all| semua| the| our| this| these| "
        r"that)* (?:chat|chats|message|conversation|history|texts)",
        r"(?:delete|padam|buang|clear)(?: \w+)? (?:after|lepas|selepas|bila) "
        r"(?:read|baca|you read|tengok|seen|dah)",
        r"(?:turn on|on|guna|use|pasang) (?:disappearing|vanish|hilang)(?: mode| message)?",
        r"unsend|disappearing message|message hilang",
    ],
    "platform_migration": [
        rf"(?:add|chat|talk|text|dm|message|follow|contact|whatsapp) (?:me |saya |abang )?"
        rf"(?:on|in|kat|dekat|guna|through|melalui) {_APPS}",
        rf"(?:let us|jom|can we|boleh|nak) (?:move|go|switch|chat|pindah|sembang|tukar)"
        rf"(?: \w+)? (?:to|ke|kat|on|dekat|in) {_APPS}",
        rf"(?:what is|give me|send me|bagi|hantar|share|minta|nak)(?: me)? "
        rf"(?:{_YOUR} |no |number |nombor )+(?:phone |whatsapp |telegram |snap |snapchat |"
        r"instagram |number )*(?:number|no|whatsapp|telegram|snap|snapchat|instagram|id|"
        r"username)",
        r"(?:phone|whatsapp|telegram|snap) (?:number|no)? ?(?:you|awak|adik|your)",
        r"(?:more|lebih) private|private (?:chat|sikit|app)|(?:this app|app ni|sini) "
        r"(?:is not|not|tak|kurang) (?:safe|private|selamat)",
        rf"(?:download|install|get|buat) {_APPS}",
    ],
    "gift_offer": [
        rf"{_ME} (?:can |will |boleh |nak |akan )?(?:buy|belanja|bagi|give|send|get|top up|"
        rf"transfer|beli|hantar|gift|reload)(?: \w+)?(?: {_YOU}| for you| untuk you| untuk adik)",
        r"(?:free|beli|buy|give|bagi|dapat|get|nak) (?:you |awak |adik )?(?:some |a |free )?"
        r"(?:robux|diamonds|diamond|uc|vbucks|v bucks|skin|skins|gems|coins|game credit|"
        r"top up|credit|gift card|voucher)",
        r"(?:top up|reload|robux|diamonds|uc|skin)(?: \w+)? (?:untuk|for|kat) (?:you|awak|adik)",
        r"(?:transfer|send|bagi|hantar) (?:you |awak |adik )?(?:money|rm ?\d+|cash|\d+ ringgit)",
        r"(?:nak|want|would you like|suka) (?:gift|money|phone baru|new phone)",
        rf"{_ME} (?:can |will |boleh )?(?:buy|get|belikan|belanja) (?:you |awak |adik )"
        r"(?:a |an |new )?(?:phone|iphone|shoes|kasut|baju|gift|anything|apa apa)",
    ],
    "image_request": [
        rf"(?:send|hantar|bagi|give|share|post|snap)(?: me| saya| abang| aku)?(?: a| your| one| "
        rf"some| another| satu| lagi| more| new| cute)* {_PHOTO}",
        rf"{_PHOTO} (?:you|awak|adik|sikit|please|boleh|lagi|of you|baru|terbaru|sekarang)",
        r"(?:nak|want to|can i|boleh|let me|teringin nak) (?:tengok|see|look at) "
        r"(?:you|awak|adik|muka|your face|rupa|how you look)",
        r"(?:show|tunjuk)(?: me| saya| abang)? (?:you|your face|muka|rupa|yourself|diri)",
        r"(?:ambil|take|snap) (?:a |satu )?(?:selfie|gambar|pic)",
        r"what (?:are )?you wearing|(?:pakai|pakaian) apa",
    ],
    "camera_request": [
        r"video call|video chat|camera|live cam",
        r"(?:on|open|buka|turn on|switch on|nyalakan|hidupkan)(?: your| the| awak)? "
        r"(?:camera|video)",
        r"(?:call|telefon|phone) (?:me|saya|abang|aku|you|awak|adik)(?: \w+)? (?:tonight|malam|"
        r"now|sekarang|later|nanti|boleh)",
        r"(?:jom|let us|can we|nak|boleh|want to) (?:call|video|facetime)",
    ],
    "meeting_request": [
        r"(?:let us|jom|can we|nak|want to|i want to|boleh|should) (?:meet|jumpa|lepak|keluar|"
        r"hang out|go out|date|keluar makan)",
        r"(?:meet|jumpa|see) (?:you |awak |adik )?(?:in person|face to face|irl|depan depan|"
        r"real life|secara)",
        r"(?:pick|fetch) (?:you|adik|awak) up|(?:ambil|jemput) (?:you|awak|adik)(?: \w+)? "
        r"(?:kat|dekat|di|from|at|lepas)",
        r"(?:where|when|bila|mana) (?:can |should )?(?:we|kita) (?:meet|jumpa|boleh jumpa)",
        r"(?:come|datang) (?:over|to my|ke rumah|rumah abang|my place|jumpa)",
        rf"{_ME} (?:datang|come|pergi)(?: \w+)? (?:rumah|sekolah|school|house|tempat) "
        r"(?:you|awak|adik)",
        r"(?:meet|jumpa) (?:me|abang|saya|aku) (?:kat|dekat|at|di|after|lepas)",
    ],
    "isolation": [
        rf"{_PARENTS}(?: \w+)? (?:do not|tak|never|cannot|takkan|won't) "
        r"(?:understand|faham|care|peduli|sayang|listen|dengar)",
        r"(?:kawan|friends|kawan kawan)(?: \w+)? (?:do not|tak|never|cannot) (?:understand|faham|"
        r"care|peduli|sayang)",
        r"(?:only|just|cuma|hanya) (?:i|me|saya|abang|aku) (?:yang |who |that )?"
        r"(?:understand|faham|care|peduli|sayang|get)",
        rf"{_ME} (?:je|only|saja|sahaja) (?:yang )?(?:faham|understand|sayang|care)",
        r"(?:no one|nobody|takde orang|tak ada orang|tak siapa) (?:else )?(?:understand|faham|"
        r"care|sayang|peduli)",
        r"you do not need (?:them|your friends|your parents|anyone|other)",
        r"(?:they|diorang|dia orang|mereka) (?:are |just )?(?:jealous|cemburu)",
        r"(?:jangan|do not|stop)(?: \w+)? (?:main|kawan|lepak|hang out|talk|cakap|layan) "
        r"(?:dengan|with) (?:diorang|dia orang|them|your friends|kawan)",
        r"(?:kawan|friends) (?:you|awak|adik)?(?: tu)? (?:tak|not|bukan) (?:baik|good|real|betul)",
    ],
    "threat": [
        r"(?:if you do not|if you|kalau (?:you |awak |adik |kau )?tak)(?: \w+){0,5} "
        r"(?:i will|i am going to|saya akan|aku akan|abang akan|nanti abang|nanti aku)"
        r"(?: \w+)? (?:tell|post|share|send|sebar|viral|beritahu|hantar|expose|leak)",
        r"(?:i will|i am going to|saya akan|aku akan|abang akan)(?: \w+)? (?:tell|post|share|"
        rf"send|expose|sebar|viralkan|beritahu|hantar|leak)(?: \w+)? (?:everyone|{_PARENTS}|"
        r"school|sekolah|semua|cikgu|your friends|kawan)",
        r"(?:you will|you are going to) (?:regret|be sorry|get in trouble)|nanti (?:you|awak|"
        r"adik|kau) menyesal",
        r"(?:i have|i got|aku ada|abang ada|saya ada) (?:your|you punya|awak punya) "
        r"(?:pic|gambar|video|secret|rahsia)",
        r"(?:everyone|semua orang|satu sekolah) (?:will|akan) (?:know|tahu|see|tengok)",
        r"or else|kalau tak siap",
    ],
    "age_gap_normalisation": [
        r"age is just a number|(?:umur|age) (?:hanya|cuma|just|only) (?:nombor|angka|number)",
        r"(?:age|umur) (?:does not|do not|tak|is not|bukan) (?:matter|penting|masalah|"
        r"problem|kisah)",
        r"(?:tak|not|do not|never) (?:kisah|matter|care|peduli)(?: \w+)? (?:pasal |about )?"
        r"(?:umur|age)",
        r"(?:beza|gap|perbezaan) (?:umur|age)(?: \w+)? (?:tak|not|bukan|is not) (?:apa|masalah|"
        r"problem|matter|penting|big)",
        r"(?:love|cinta|sayang) (?:has no|tak kenal|does not see|knows no) (?:age|umur)",
        r"(?:i am|saya|abang|aku) (?:not|tak|bukan) (?:that |la |so |pun )?(?:old|tua)",
        r"(?:you are|awak|adik|you) (?:mature|matang) (?:enough|cukup)",
        r"(?:many|ramai) (?:couples|orang|people)(?: \w+)? (?:also|pun)? ?(?:have|ada) "
        r"(?:age gap|beza umur)",
    ],
}

# Context that makes look-alike signals innocent; counted per conversation for the combiner.
CONTEXT_PATTERNS: dict[str, list[str]] = {
    "family": [
        r"(?:anak|atuk|nenek|grandma|grandpa|makcik|pakcik|sepupu|cousin|aunty|"
        r"auntie|mak long|pak long|mak su|pak su|mak ngah|pak ngah|adik beradik|along|angah)",
        r"(?:birthday|hari jadi|surprise|kejutan|raya|kenduri|family dinner|balik kampung)",
    ],
    "school": [
        r"(?:cikgu|teacher|class|kelas|homework|kerja rumah|assignment|tugasan|exam|peperiksaan|"
        r"tuition|tuisyen|worksheet|lembaran|latihan|subject|subjek|google classroom|"
        r"classroom|zoom|google meet|ppt|nota|notes|quiz|kuiz|markah|marks|spm|pt3|upsr)",
    ],
    "coach": [
        r"(?:coach|jurulatih|training|latihan|practice|match|perlawanan|futsal|football|bola|"
        r"badminton|swimming|renang|team|pasukan|tournament|kejohanan|jersey|trial)",
    ],
    "commerce": [
        r"(?:cod|harga|price|rm ?\d+|barang|item|postage|pos|seller|buyer|stock|stok|deal|nego|"
        r"shopee|lazada|carousell|mudah|order|tempah|pembayaran|payment|resit|receipt|"
        r"still available|available lagi|ada lagi)",
    ],
    "education": [
        r"(?:grooming|groomer|predator|pemangsa|pedofil|paedophile|warning signs|tanda tanda|"
        r"red flags|awareness|kesedaran|safety tips|tips keselamatan|article|artikel|berita|"
        r"news|report it|laporkan|polis|police|act 792|akta 792|seminar|ceramah|webinar|"
        r"parents should|ibu bapa perlu|online safety|keselamatan online|child safety)",
    ],
}

# Self-description by the speaker that says they are a child or an adult.
MINOR_CUE = (
    r"(?:i am|saya|aku|sy) (?:\d|1[0-7])(?: years old| tahun| yo)?(?!\d)|"
    r"(?:i am|saya|aku|baru) (?:in )?(?:form|tingkatan|darjah|standard|year|grade) [1-6]|"
    r"\b(?:form|tingkatan|darjah|standard) [1-6]\b|(?:umur|age) (?:saya |aku |i )?"
    r"(?:\d|1[0-7])(?!\d)|\b(?:1[0-7]|[5-9]) (?:tahun|years old)\b|"
    r"(?:primary|secondary) school|sekolah (?:rendah|menengah)|my (?:mom|mak|ayah|dad) (?:said|"
    r"kata|cakap|marah)"
)
ADULT_CUE = (
    r"(?:i am|saya|aku|abang|umur) (?:[2-6]\d)(?: years old| tahun| yo)?(?!\d)|"
    r"\b(?:[2-6]\d) (?:tahun|years old)\b|(?:my|i) (?:work|kerja)|my (?:office|job|boss|wife|"
    r"husband|isteri|suami)|(?:office|ofis|pejabat|kerja|boss|bos|gaji|salary|meeting "
    r"client|client)"
)


def _alternation(alternatives: list[str]) -> str:
    return "|".join(f"(?:{alt})" for alt in alternatives)


def compile_grouped(patterns: dict[str, list[str]]) -> re.Pattern[str]:
    """One regex, one named group per key, each alternative bounded by word edges."""
    groups = [
        f"(?P<{name}>(?<!\\w)(?:{_alternation(alts)})(?!\\w))" for name, alts in patterns.items()
    ]
    return re.compile("|".join(groups))


SIGNAL_REGEX = compile_grouped(SIGNAL_PATTERNS)
CONTEXT_REGEX = compile_grouped(CONTEXT_PATTERNS)
MINOR_REGEX = re.compile(MINOR_CUE)
ADULT_REGEX = re.compile(ADULT_CUE)
