"""Rule-based language label per message: English, standard Malay, colloquial Malay, Manglish.

Word lists, not a model: chat messages are a handful of words and half of them abbreviations,
where statistical identifiers guess badly, and a set lookup costs microseconds.
"""

from __future__ import annotations

from collections.abc import Sequence

LANG_ENGLISH = "en"
LANG_MALAY = "ms"
LANG_MALAY_COLLOQUIAL = "ms_colloquial"
LANG_MANGLISH = "manglish"
LANG_UNKNOWN = "und"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


LANGUAGES = (LANG_ENGLISH, LANG_MALAY, LANG_MALAY_COLLOQUIAL, LANG_MANGLISH, LANG_UNKNOWN)

_ENGLISH = _words(
    """a about after again all am an and any are as ask at away back be because been before
    best better bring but buy by call came can come could day did do does doing done dont
    don't down each even ever every face feel few find for friend friends from get give go
    going good got had has have he hello her here hey hi him his home how i if in into is
    it its just keep know last later let like little look love make many maybe me mean
    meet mine more most much must my need never new nice no not now of off ok okay on one
    only or other our out over people phone photo pic picture play please pretty really
    right room said same say school see send she should show so some something soon sorry
    still such sure take talk tell than thanks that the their them then there these they
    thing think this time to today tomorrow tonight too trust try two up us very wait want
    was way we well were what when where which who why will with would yeah yes you your
    yours"""
)
# Standard Malay words (as written in formal text and careful chat).
_MALAY = _words(
    """ada adakah adik akan aku anda apa atau awak ayah bagaimana bagi baik balik banyak baru
    bawa beli belum benar berapa beritahu besar bila bilik boleh buat bukan cakap cantik
    cikgu dan dari dengan di dia dua esok guru hari hendak ibu ini itu jangan juga jumpa
    kamu kami kan kat kawan ke kelas kenapa kepada kerja kita lagi lama lepas lihat mahu
    makan malam mana mari masa mereka minta mungkin nama nanti orang pada pagi pergi perlu
    pukul punya rahsia rumah saja sama sangat saya sebab sekarang sekolah selalu semua
    sesiapa siapa sikit suka sudah tahu tahun tak tapi telefon tengok terima tidak tinggal
    tolong umur untuk wang yang"""
)
# Spellings and particles that only colloquial / chat Malay uses.
_MALAY_COLLOQUIAL = _words(
    """ab abg adk aq awk bape bg bgtau bitau blh bley brp btul camne ckp cmne dah dgn dh
    diorg dorang dkt dpt gak gitu jap je jer jgn jom kak kau kot ko la lah lak lepak mcm
    mne nk nak ni pastu pun sbb sikit sje skrg skang sy tgh tgk tu takde utk x xde xpe
    yela yg wei weh umo umor rmh sklh tuu kan ke ker ngan org sorg dik dok bro sis"""
)
_SHARED = frozenset({"i", "u", "you", "ok", "okay", "eh", "oh", "ha", "haha", "hahaha", "lol"})
_MIN_SHARE = 0.2


def detect_language(raw_tokens: Sequence[str]) -> str:
    """Label one message from its lower-cased tokens."""
    english = malay = colloquial = 0
    for token in raw_tokens:
        if token in _SHARED:
            continue
        if token in _MALAY_COLLOQUIAL:
            colloquial += 1
            malay += 1
        elif token in _MALAY:
            malay += 1
        elif token in _ENGLISH:
            english += 1
    known = english + malay
    if known == 0:
        return LANG_ENGLISH if any(t in _SHARED for t in raw_tokens) else LANG_UNKNOWN
    if english and malay and min(english, malay) / known >= _MIN_SHARE:
        return LANG_MANGLISH
    if malay > english:
        return LANG_MALAY_COLLOQUIAL if colloquial else LANG_MALAY
    return LANG_ENGLISH
