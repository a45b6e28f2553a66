"""Signal extraction: every kind, in English, Malay and Manglish, with exact evidence."""

from __future__ import annotations

import pytest

from perisai.grooming.models import Message
from perisai.grooming.signals import analyse_message
from perisai.grooming.taxonomy import KIND_STAGE, KINDS

EXAMPLES: dict[str, list[str]] = {
    "flattery": ["you're so mature for your age", "awak cantik sangat", "u comel gila dik"],
    "age_probe": ["how old r u", "umur awak berapa?", "dik form brp skrg"],
    "location_probe": ["what school do you go to", "awak tinggal di mana", "rmh u kat mana"],
    "risk_assessment": ["are u alone rn", "mak ayah awak ada di rumah?", "u sorang je kt rumah"],
    "secrecy": ["dont tell anyone ok", "ini rahsia kita", "jgn bgtau mak ayah u"],
    "deletion": ["delete this chat after", "padam mesej ni", "dlt chat ni lps baca"],
    "platform_migration": ["add me on snap", "bagi nombor phone awak", "jom chat kt tele"],
    "gift_offer": ["i can buy u robux", "saya boleh beli diamonds untuk awak", "abg blanja u"],
    "image_request": ["send me a selfie", "hantar gambar awak", "nk tgk muka u"],
    "camera_request": ["turn on ur camera", "jom video call malam ni", "jom vc"],
    "meeting_request": ["lets meet this weekend", "jom jumpa sabtu", "abg amik u kat sekolah"],
    "isolation": [
        "your parents dont understand you",
        "hanya saya yang faham awak",
        "abg je yg faham u",
    ],
    "threat": [
        "i'll tell everyone if u stop",
        "nanti awak menyesal",
        "kalau x reply abg akan sebar kat semua",
    ],
    "age_gap_normalisation": ["age is just a number", "umur hanya nombor", "beza umur x kisah"],
    "parent_deception": [
        "tell them you're studying at a friend's",
        "just say ur at tuition, they wont check",
        "cakap kat mak kamu pergi kelas tambahan",
    ],
    "device_gift": [
        "i'll get u a new phone, dont tell anyone",
        "tukar ke nombor baru yang abang bagi",
        "abg boleh belikan fon baru utk kamu",
    ],
    "coercion": [
        "prove that you trust me",
        "after everything i did for u",
        "kalau sayang abang, buktikan",
    ],
}

# Issue 14's missed wordings: indirect secrecy, deception, isolation, meetings and photo
# requests in other words, threats after a refusal, SMS spelling, Malay particles and "kamu".
ISSUE_WORDINGS: list[tuple[str, str]] = [
    ("secrecy", "no need to bring me up at home"),
    ("secrecy", "tak payah cerita kat mak"),
    ("parent_deception", "tell them you're studying at a friend's"),
    ("isolation", "your family won't get it"),
    ("meeting_request", "come by yourself"),
    ("meeting_request", "i'll swing by to get u"),
    ("meeting_request", "abang tunggu depan kedai"),
    ("meeting_request", "you can crash at mine"),
    ("image_request", "a couple of snaps of you"),
    ("image_request", "a quick clip of you"),
    ("threat", "i'll forward the screenshots to your teacher"),
    ("risk_assessment", "are you home alone?"),
    ("risk_assessment", "sorang je ke kat rumah tu"),
    ("risk_assessment", "u at hme alne?"),
    ("secrecy", "dnt tll ur prnts"),
    ("camera_request", "vid cl tonite"),
    ("deletion", "dlt this convo after"),
    ("image_request", "hantar gambar kamu"),
]


@pytest.mark.parametrize(("kind", "text"), ISSUE_WORDINGS)
def test_issue_wordings_are_recognised(kind: str, text: str) -> None:
    kinds = {s.kind for s in analyse_message(0, Message("s", text)).signals}
    assert kind in kinds, f"{kind} not found in {text!r}: {kinds}"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("can you send me a photo of the stove, did i turn it off?", "image_request"),
        ("esok petang kau sorang kat rumah? aku nak seludup kek masuk peti", "risk_assessment"),
        ("jangan bagitau ayah, kita nak buat surprise hari jadi dia", "secrecy"),
        ("salam semua, kelas online malam ni pukul 9. kamera on ye", "camera_request"),
    ],
)
def test_a_message_can_explain_its_own_signal(text: str, kind: str) -> None:
    analysis = analyse_message(0, Message("p", text))
    assert kind not in {s.kind for s in analysis.signals}
    assert kind in analysis.explained


def test_an_explanation_covers_only_its_own_kinds() -> None:
    # a cake explains a secret, not a photo request in the same breath
    analysis = analyse_message(0, Message("s", "jangan bagitau mak pasal kek, hantar gambar kamu"))
    assert "image_request" in {s.kind for s in analysis.signals}
    assert "secrecy" in analysis.explained


def test_quoted_warning_phrases_are_not_the_authors_own() -> None:
    analysis = analyse_message(0, Message("c", 'ingat: "hantar gambar", "datang sorang" ok'))
    assert analysis.signals == []
    assert analysis.quoted_signals >= 2


def test_every_kind_has_examples() -> None:
    assert set(EXAMPLES) == set(KINDS)


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, ts in EXAMPLES.items() for t in ts])
def test_kind_is_detected_with_exact_evidence(kind: str, text: str) -> None:
    analysis = analyse_message(3, Message("s", text))
    hits = [s for s in analysis.signals if s.kind == kind]
    assert hits, f"{kind} not found in {text!r}: {analysis.signals}"
    signal = hits[0]
    assert signal.message == 3
    assert signal.stage == KIND_STAGE[kind]
    assert signal.author == "s"
    assert text[signal.span[0] : signal.span[1]] == signal.evidence
    assert signal.evidence


@pytest.mark.parametrize(
    "text",
    ["what did you have for lunch", "esok ada ujian matematik", "gg bro nice game", "ok la"],
)
def test_ordinary_chat_has_no_signals(text: str) -> None:
    assert analyse_message(0, Message("a", text)).signals == []


def test_text_about_grooming_is_not_the_authors_behaviour() -> None:
    text = "Warning signs: predators say 'dont tell your parents' and 'send me a selfie'"
    analysis = analyse_message(0, Message("ngo", text))
    assert analysis.signals == []
    assert analysis.quoted_signals >= 2
    assert "education" in analysis.contexts


def test_huge_message_is_truncated_not_rejected() -> None:
    text = "send me a selfie " + "a" * 1_000_000
    analysis = analyse_message(0, Message("a", text))
    assert [s.kind for s in analysis.signals] == ["image_request"]


def test_age_cues_from_self_description() -> None:
    assert analyse_message(0, Message("k", "im 13, form 1")).minor_cue
    assert analyse_message(0, Message("a", "i am 34, my boss said")).adult_cue
