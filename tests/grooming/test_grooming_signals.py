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
}


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
