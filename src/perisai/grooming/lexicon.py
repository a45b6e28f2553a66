"""Signal and context patterns, written against canonical text (see `normalise`).

Every kind is a list of alternatives in English and Malay (colloquial spellings are folded onto
these by the normaliser). They are compiled once into a single alternation with one named group
per kind, so a message is scanned in one pass.
"""

from __future__ import annotations

import re

# Reusable fragments. `_GAP` allows up to two filler words ("send me one more pic").
_YOU = r"(?:you|awak|kau|kamu|adik|sayang|dear|baby|babe)"
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
        r"(?:not|tak|bukan) (?:like|macam|sama macam) (?:other|the other|budak|orang)",
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
        rf"(?:are )?{_YOU} (?:alone|sorang)|(?:sorang|alone)(?: saja| only)?(?: ke)? "
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
        rf"{_PHOTO} (?:you|awak|kamu|adik|sikit|please|boleh|lagi|of you|baru|terbaru|sekarang)"
        r"(?! posted| post| hantar| upload| share)",
        r"(?:nak|want to|can i|boleh|let me|teringin nak) (?:tengok|see|look at) "
        r"(?:you|awak|adik|muka|your face|rupa|how you look)",
        r"(?:show|tunjuk)(?: me| saya| abang)? (?:you|your face|muka|rupa|yourself|diri)",
        r"(?:ambil|take|snap) (?:a |satu )?(?:selfie|gambar|pic)",
        r"what (?:are )?you wearing|(?:pakai|pakaian) apa",
    ],
    "camera_request": [
        r"video call|video chat|live cam",
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
        r"(?:ambil|jemput) (?:you|awak|adik)(?: \w+)? "
        r"(?:kat|dekat|di|from|at|lepas)",
        r"(?:where|when|bila|mana) (?:can |should )?(?:we|kita) (?:meet|jumpa|boleh jumpa)",
        r"(?:come|datang) (?:to my place|to my house|ke rumah abang|ke rumah akak|rumah abang|"
        r"rumah akak|my place)",
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
        r"kalau tak siap",
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


_P = _PARENTS
_APP_OR_THERE = rf"(?:sana|there|{_APPS})"

# Issue 14: indirect wordings, paraphrases and the kinds added in v2 (parent_deception,
# device_gift, coercion). Written against the canonical text: particles are already gone
# ("sorang je ke kat rumah tu" → "sorang saja ke kat rumah"), SMS spellings already mended.
V2_PATTERNS: dict[str, list[str]] = {
    "risk_assessment": [
        r"(?:are|is) you (?:at )?home alone|home alone|"
        r"alone (?:at |kat |di |dekat )?(?:home|rumah)",
        r"you (?:at |kat )?(?:home|rumah) (?:alone|sorang)",
        r"(?:no one|nobody) else(?: is)? (?:around|home|there|at home|kat rumah)",
        r"(?:takde|tak ada|tiada) (?:orang|sesiapa) lain",
        r"who (?:usually |always |else )?(?:checks|check|reads|read|sees|see|uses|use|holds) "
        r"your (?:phone|message|chat|account)",
        r"siapa (?:selalu |yang )?(?:check|periksa|tengok|pegang|guna|pakai)(?: \w+)? "
        r"(?:phone|message|chat|akaun)",
        rf"(?:can|does|do|will) your (?:{_P}|sister|brother|kakak) (?:see|read|check|look at) "
        r"your (?:phone|message|chat)",
        r"(?:does|do) your phone share|phone (?:share|shared|kongsi) (?:with|dengan)",
        rf"not even your {_P}|{_P} also (?:do not|does not|cannot|tak)",
        rf"{_P}(?: \w+){{0,2}} (?:work|working|kerja) (?:late|malam|syif malam|night shift|shift)",
        rf"{_P}(?: \w+)? (?:strict|garang)(?: or not| tak| ke)?",
        r"(?:do it|buat|do)(?: \w+)? (?:in|dalam) (?:your |the )?(?:room|bilik)",
        rf"(?:after|lepas|bila|when|once) (?:everyone|semua orang|they|diorang|your {_P}|{_P})"
        r"(?: dah| is| are| has)? (?:sleeps|sleep|tidur|asleep|slept)",
        r"(?:malam|night|tonight)(?: \w+)? (?:you|kamu|kau) (?:sorang|alone)",
        r"(?:you|kamu|kau) (?:sorang|alone) (?:tonight|malam|this afternoon|petang)",
    ],
    "location_probe": [
        r"(?:stay|live|tinggal|duduk) (?:which|at which) (?:taman|area|part)",
        r"(?:school|sekolah) address|alamat sekolah",
    ],
    "age_probe": [
        r"(?:sekolah rendah|primary) (?:ke|or|atau) (?:menengah|secondary)",
    ],
    "flattery": [
        r"lain (?:dari|daripada) budak lain|different from (?:other|the other) (?:kids|girls|boys)",
        r"(?:the )?only one (?:i|abang|akak|saya)(?: \w+){0,2} (?:look forward|wait|tunggu|talk|"
        r"trust|care|rindu|miss)",
        r"(?:you|kamu|awak) (?:saja|sahaja|only) (?:yang )?(?:abang|akak|saya|aku|i)(?: \w+)? "
        r"(?:tunggu|wait|rindu|miss|look forward)",
        r"(?:more )?mature than (?:them|your friends|other|kawan)|more mature",
        r"(?:known|kenal) each other (?:for )?(?:years|lama)|macam dah kenal lama",
        r"you (?:have|got|have got|ve got) (?:a |the )?(?:\w+ ){0,2}(?:build|figure|looks)",
    ],
    "secrecy": [
        r"no need to (?:bring me up|mention me|mention|tell|say)",
        r"(?:tak|tidak|no) (?:payah|perlu|need) (?:cerita|cakap|beritahu|sebut|mention|tell)",
        rf"(?:do not|jangan|never) (?:mention|sebut|bring up|say)(?: \w+){{0,2}} (?:to )?"
        rf"(?:anyone|anybody|sesiapa|orang|{_P}|me|abang|akak|the gift|gift|who gave)",
        r"(?:do not|jangan) (?:tell|beritahu|cerita|cakap)(?: \w+){0,2} (?:sister|brother|kakak|"
        r"cikgu|teacher|kawan|friends)",
        r"(?:do not|tak|tidak) (?:have to|payah|perlu) (?:tell|beritahu|cerita)(?: \w+){0,3} "
        r"(?:everything|semua)",
        r"our (?:thing|secret|little thing)|(?:rahsia|secret) (?:kita|kat) berdua",
        r"(?:for|untuk) (?:me|abang|akak|saya|aku) (?:only|saja|sahaja|sorang)|"
        r"simpan (?:untuk|for) (?:abang|akak|saya|aku|me)",
        r"(?:do not|jangan) (?:trust|percaya) (?:others|other people|orang lain)",
        r"(?:people|orang)(?: will| akan)? (?:think|fikir) (?:weird|pelik|bukan\w*|lain)",
        r"(?:do not|jangan) (?:say|cakap|beritahu) (?:who|siapa) (?:gave|bagi)",
    ],
    "parent_deception": [
        rf"(?:say|tell them|tell your {_P}|tell {_P}|cakap|beritahu)(?: \w+){{0,4}} (?:tuition|"
        r"tuisyen|kelas tambahan|extra class|rumah kawan|friend s|library|perpustakaan|"
        r"kerja kursus|group study|study group|studying)",
        rf"(?:if|kalau|when|bila) (?:your )?{_P} (?:ask|asks|tanya)",
        r"(?:say|cakap|tell them)(?: \w+){0,2} (?:a )?(?:friend|kawan) (?:from )?"
        r"(?:school|sekolah)",
        r"(?:tell|beritahu|cakap|say)(?: \w+){0,4} (?:money|duit)(?: \w+){0,3} (?:contest|"
        r"peraduan|menang|won|lucky draw|cabutan)",
        r"(?:say|cakap) (?:you |kamu )?(?:won|menang)",
        r"(?:say|cakap)(?: your)? phone (?:on )?silent",
        rf"(?:they|diorang|{_P}) (?:will not|takkan|tak akan|never) (?:check|periksa|tahu|know|"
        r"find out)",
        rf"(?:lie|tipu|bohong) (?:to |kat )?(?:{_P}|them|diorang)",
    ],
    "isolation": [
        r"family (?:will not|would not|do not|does not|cannot|tak|takkan) (?:get it|understand|"
        r"faham)",
        rf"(?:they|diorang|mereka|{_P}) (?:will not|would not|takkan|tak akan|never|tak|do not)"
        r" (?:believe|percaya)",
        r"(?:you|kamu|awak|kau) (?:do not|tak|tidak) (?:need|perlukan|perlu) (?:them|diorang|"
        r"mereka|your friends|kawan)",
        r"(?:friends|kawan)(?: \w+){0,2} (?:so |very |sangat )?(?:childish|kebudakan)",
        r"(?:never|tak pernah|tidak pernah) (?:listen|dengar)(?: to| cakap)? (?:you|kamu|kau)",
        r"holding you back|(?:tak|tidak) payah harap (?:diorang|mereka|them)",
        rf"(?:they|diorang|{_P})(?: will)?(?: just)? (?:overreact|freak out|over react)",
    ],
    "age_gap_normalisation": [
        r"age thing (?:does not|do not|tak|is not) (?:matter|penting)",
        r"(?:ex|last gf|last bf|girlfriend|boyfriend|bekas|gf|bf)(?: \w+){0,4} (?:younger|muda)",
        r"(?:bukan|not) (?:tua|old) (?:sangat|that|so)",
        r"i know i (?:am )?older|(?:talk|cakap|borak) (?:to|dengan) (?:you|kamu)(?: \w+)? "
        r"(?:i )?feel young",
    ],
    "gift_offer": [
        r"(?:i|abang|akak) (?:got|get|beli|belikan|bought)(?: \w+){0,2} (?:battlepass|"
        r"battle pass|skin|skins|robux|diamonds|uc)",
        r"battle ?pass(?: \w+){0,3} (?:i belanja|belanja|free|for you)",
        r"(?:i|abang|akak)(?: will)? order(?: \w+){0,3} (?:to|ke) (?:your )?(?:school|sekolah|"
        r"rumah|home|house|address)",
        r"top up (?:your|kamu|awak) (?:prepaid|data|phone|credit)",
        r"(?:abang|akak)(?: boleh)? belikan",
    ],
    "device_gift": [
        r"(?:i|abang|akak|saya)(?: \w+){0,2} (?:buy|beli|belikan|bagi|give|get|send|hantar)"
        r"(?: \w+){0,3} (?:phone|sim|iphone|new number|number baru)",
        r"new (?:phone|sim)(?: \w+)? (?:for you|untuk kamu|untuk awak)",
        r"(?:switch|tukar|use|guna|pakai) (?:to |ke )?(?:the )?(?:new )?(?:number|sim)"
        r"(?: baru| i sent| yang| abang| akak)",
        r"new number i (?:sent|gave)",
        r"(?:other|lain|second|secret) (?:number|phone|sim)(?: \w+){0,4} (?:do not|tak|never|"
        r"does not) (?:check|tengok|tahu|know)",
    ],
    "platform_migration": [
        rf"(?:add|text|call|chat) (?:you|kamu|awak)(?: \w+)? (?:kat|dekat|on|in) {_APP_OR_THERE}",
        r"give me your (?:other |second |secret )?number|your other number",
        r"(?:move|pindah|switch|tukar)(?: \w+)? (?:to|ke) (?:another|other|lain) app",
    ],
    "image_request": [
        r"(?:couple of|few|dua tiga|a few|beberapa)(?: \w+)? (?:pic|gambar|video|selfie)",
        r"(?:pic|gambar|video|selfie) (?:of )?(?:yourself|diri)",
        r"(?:send|hantar|bagi)(?: me)? \d+ (?:pic|gambar|video)",
        r"full body|(?:face|muka) (?:side|sisi)",
        r"(?:how to|cara) pose|(?:guide|ajar) (?:you|kamu)(?: \w+)? pose",
        r"in (?:your )?(?:school )?uniform",
        r"(?:video|pic|gambar) (?:pendek )?(?:of )?(?:you|kamu) (?:berjalan|walking)",
        r"video pendek (?:kamu|you)",
    ],
    "camera_request": [
        rf"(?:call|video) (?:me|abang|akak)(?: \w+)? (?:kat|on|dekat|in) {_APPS}",
    ],
    "meeting_request": [
        r"(?:wait|tunggu)(?: for you| kamu| you)? (?:at|kat|dekat|di|depan|belakang) (?:the )?"
        r"(?:back gate|pagar belakang|belakang|kedai|gate|pagar|taman|bus stop|stesen|corner|"
        r"simpang)",
        r"(?:abang|akak|i|saya) tunggu (?:depan|belakang|kat|dekat|at)",
        r"come (?:alone|sorang|by yourself|yourself)|datang (?:sorang|seorang|sendiri)",
        r"(?:swing|drop|pop) by (?:to )?(?:get|pick|fetch|ambil) (?:you|kamu)",
        r"crash at (?:mine|my place)|(?:tidur|bermalam|sleep over|stay over)(?: \w+)? "
        r"(?:rumah abang|rumah akak|my place|my house|mine)",
    ],
    "threat": [
        rf"(?:forward|send|hantar|post|share|sebar|tunjuk|show)(?: \w+){{0,3}} (?:screenshot|"
        rf"screenshots|ss|chats|semua|everything|gambar|pic)(?: \w+){{0,3}} (?:to|kat|dekat|ke)"
        rf" (?:your )?(?:teacher|cikgu|class|kelas|group|{_P}|school|sekolah|friends|kawan|"
        r"everyone)",
        r"(?:if|kalau) (?:you |kamu )?(?:block|blok|stop|ignore|report|tak reply)(?: \w+){0,3} "
        r"(?:i|abang|akak|aku)(?: will)? (?:hantar|send|post|tell|beritahu|sebar|share)",
        r"(?:tell|beritahu|bagitahu)(?: \w+){0,3} (?:what|apa) (?:you|kamu)(?: \w+){0,2} "
        r"(?:told|buat|did|doing|been|cakap)",
        r"(?:tell|beritahu) everyone in the group",
        r"fine(?: then)? i(?: will)? (?:tell|post|send|share)",
    ],
    "coercion": [
        r"(?:prove|buktikan)(?: \w+){0,2} (?:trust|percaya|love|sayang|care)",
        r"you owe me|(?:kamu|awak) (?:berhutang|hutang)|after (?:all|everything) i (?:did|gave|"
        r"bought|done)|lepas semua (?:abang|akak|saya)(?: \w+)? (?:buat|bagi|belikan)",
        r"you promised|dah janji|janji dah",
        r"(?:if|kalau) (?:you |kamu )?(?:really )?(?:love|sayang|care about|trust|percaya) "
        r"(?:me|abang|akak)",
        r"(?:do not|jangan) (?:be )?(?:so )?(?:shy|malu)",
    ],
}
# Weak wordings: common in innocent chats too ("which area?", "how old", "come by", "good
# girl", "now please", any "camera"). They are shown as signals of their kind but weigh only
# as weak evidence (see `features.py`), so a chat made of them alone does not look like
# grooming. Compiled as groups named "<kind>__weak".
WEAK_PATTERNS: dict[str, list[str]] = {
    "risk_assessment": [
        r"ada (?:orang|sesiapa|siapa)(?: \w+)? (?:kat|dekat|di)? ?(?:situ|sana|rumah|sebelah)",
    ],
    "location_probe": [
        r"(?:which|what) (?:area|taman|part|neighbourhood|kawasan)|(?:taman|kawasan) (?:mana|apa)",
        r"(?:do you |you )?live near",
        r"where (?:do )?(?:you )?(?:usually )?(?:hang out|lepak|go) after school|lepak mana",
        r"(?:take|naik) (?:the )?(?:bus|bas)(?: \w+){0,3} (?:home|balik|or|ke|atau)",
        r"(?:someone|orang|siapa) (?:fetches|fetch|ambil|jemput) (?:you|kamu)",
    ],
    "age_probe": [r"how old(?= *$)"],
    "flattery": [
        r"good (?:girl|boy)|budak baik",
        r"finally (?:someone|somebody|orang) (?:with|who|yang)",
        r"(?:the )?best in the (?:club|team|class)",
    ],
    "secrecy": [r"nobody else s|orang lain takde"],
    "parent_deception": [r"(?:do not|jangan) (?:pick up|angkat|jawab|answer)"],
    "isolation": [r"(?:you|kamu) (?:have|got) me|kamu ada (?:abang|akak|saya|aku)"],
    "gift_offer": [
        r"(?:i|abang|akak)(?: will)? (?:pay|bayar)(?: \w+){0,2} (?:fee|fees|yuran|entry|"
        r"for you|untuk kamu)",
        r"(?:here is|ini) rm ?\d+|rm ?\d+ (?:for you|untuk kamu)",
        r"(?:give|bagi) (?:you |kamu )?free|i belanja|(?:abang|akak) belanja",
    ],
    "device_gift": [
        r"need (?:a )?new phone|(?:nak|want)(?: \w+)? (?:phone|sim) baru|phone baru",
        r"your phone (?:so |dah |sangat )?(?:slow|lembap)|phone (?:kamu|awak) (?:dah )?lembap",
    ],
    "camera_request": [r"camera"],
    "meeting_request": [
        r"come by",
        r"(?:swing|drop|pop) by",
        r"come down for a bit|turun (?:kejap|sekejap|jap|bawah)",
        r"(?:i am|saya|abang|akak|i) (?:near|dekat) (?:your |kawasan |area )?(?:area|kawasan|"
        r"house|rumah|place)",
        r"(?:jumpa|meet)(?: \w+)? (?:kat|at|dekat|di) (?:the )?(?:taman|park|playground|mall)",
        r"(?:hantar|send|drive|bawa) (?:you|kamu) (?:balik|home)",
        r"(?:meet|jumpa) (?:after|lepas) (?:school|sekolah|maghrib|class|kelas)",
        r"(?:come|datang) (?:over|to my|ke rumah|jumpa)",
        r"(?:pick|fetch) (?:you|adik|awak|kamu) up",
    ],
    "coercion": [
        r"no pressure|(?:why|kenapa) (?:are you |you )?(?:so )?(?:scared|takut)",
        r"(?:now|sekarang) please",
    ],
    "threat": [r"or else"],
}
WEAK_SUFFIX = "__weak"

for _kind, _extra in V2_PATTERNS.items():
    SIGNAL_PATTERNS.setdefault(_kind, []).extend(_extra)
# The narrower new kinds go first: at one position the first group that matches wins, and
# "i'll get u a new phone" is a device gift before it is a gift.
_FIRST = ("device_gift", "parent_deception", "coercion")
SIGNAL_PATTERNS = {
    **{kind: SIGNAL_PATTERNS[kind] for kind in _FIRST},
    **{kind: alts for kind, alts in SIGNAL_PATTERNS.items() if kind not in _FIRST},
}

# Words in a message that explain *that message's* signal of the listed kinds as innocent (a
# parent's photo of the stove, a surprise cake, a seller's cash-on-delivery meet-up, a class
# told to switch cameras on). They never lower anything else in the conversation.
EXPLANATIONS: dict[str, tuple[str, frozenset[str]]] = {
    "errand": (
        r"(?:stove|dapur|api|iron|seterika|rice cooker|periuk|gas|paip|lampu|fridge|peti|parcel|"
        r"bungkusan|delivery|timetable|jadual|carpool|haircut|rambut|boots|kasut|homework|"
        r"kerja rumah|worksheet|folio|assignment|tugasan|notes|nota|slides|receipt|resit|"
        r"stroller|fold|raya|outfit|kenduri|wedding|majlis|grandma|grandpa|nenek|atuk|tok|"
        r"from today|tactics|past year|soalan|graph|sponsor)",
        frozenset({"image_request", "camera_request"}),
    ),
    "celebration": (
        r"(?:surprise|kejutan|cake|kek|birthday|hari jadi|propose|melamar|reward|pizza|wrap|"
        r"balut|sneak|seludup|sorok)",
        frozenset(
            {
                "secrecy",
                "parent_deception",
                "risk_assessment",
                "meeting_request",
                "deletion",
                "location_probe",
            }
        ),
    ),
    "own_family": (
        rf"(?:{_P}|cikgu|teacher) (?:aku|saya)|my (?:mom|dad|parents|mak|ayah|teacher)",
        frozenset({"secrecy", "risk_assessment"}),
    ),
    "trade": (
        r"(?:cod|handover|serah barang|postage|tracking|stock|stok|lrt|station|stesen|myvi|"
        r"grey shirt|baju kelabu)",
        frozenset({"meeting_request", "location_probe", "image_request"}),
    ),
    "group": (
        r"(?:everyone|semua|all|parents|mak ayah|ibu bapa)(?: \w+)? (?:confirm|join|sila)|"
        r"(?:in|dalam) (?:the )?(?:group|kumpulan)|the kids|budak budak|salam semua",
        frozenset({"meeting_request", "camera_request", "image_request"}),
    ),
    "parent_speaking": (
        r"(?:ayah|mak|dad|mom) (?:will |nak |akan |boleh )?(?:pick|ambil|jemput|fetch|swing|"
        r"datang|come|tunggu|wait|hantar|drive)",
        frozenset({"meeting_request", "risk_assessment", "image_request"}),
    ),
    "parent_said": (
        rf"(?:your )?{_P} (?:said|say|cakap|kata|ask|asked|minta)(?: \w+)?(?: ok| boleh)?",
        frozenset({"meeting_request", "risk_assessment"}),
    ),
}


def lexicon_words() -> frozenset[str]:
    """Every word of three letters or more the signal patterns are written in (for mending)."""
    words: set[str] = set()
    for alternatives in [*SIGNAL_PATTERNS.values(), *WEAK_PATTERNS.values()]:
        for pattern in alternatives:
            words.update(re.findall(r"(?<![\\a-z])[a-z]{3,}", pattern))
    return frozenset(words)


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
        r"(?:grooming|groomer|groomers|predator|predators|pemangsa|pedofil|paedophile|"
        r"warning signs|warning sign|tanda tanda|tanda amaran|amaran|watch for|beware|"
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
    """One regex, one named group per key, each alternative bounded by word edges (one shared
    look-behind up front, so positions inside a word are rejected before any alternative)."""
    groups = [f"(?P<{name}>(?:{_alternation(alts)})(?!\\w))" for name, alts in patterns.items()]
    return re.compile("(?<!\\w)(?:" + "|".join(groups) + ")")


SIGNAL_REGEX = compile_grouped(
    {
        **SIGNAL_PATTERNS,
        **{kind + WEAK_SUFFIX: alts for kind, alts in WEAK_PATTERNS.items()},
    }
)
EXPLANATION_REGEX = compile_grouped(
    {name: [pattern] for name, (pattern, _k) in EXPLANATIONS.items()}
)
EXPLAINS: dict[str, frozenset[str]] = {name: kinds for name, (_p, kinds) in EXPLANATIONS.items()}
CONTEXT_REGEX = compile_grouped(CONTEXT_PATTERNS)
MINOR_REGEX = re.compile(MINOR_CUE)
ADULT_REGEX = re.compile(ADULT_CUE)
