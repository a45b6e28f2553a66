"""Normalisation and language labels."""

from __future__ import annotations

import pytest

from perisai.grooming.langid import detect_language
from perisai.grooming.normalise import normalise


def test_abbreviations_expand_to_canonical_words() -> None:
    assert normalise("jgn bgtau mak").text == "jangan beritahu mak"
    assert normalise("U umur brp?").text == "you umur berapa"


def test_elongation_collapses_but_spans_point_at_original() -> None:
    text = "cantikkkk sgttt"
    norm = normalise(text)
    assert norm.text == "cantik sangat"
    start, end = norm.original_span(0, len(norm.text))
    assert text[start:end] == text


def test_original_span_maps_multiword_expansion_back() -> None:
    text = "hey, wanna meet?"
    norm = normalise(text)
    start = norm.text.index("want to")
    s, e = norm.original_span(start, start + len("want to"))
    assert text[s:e] == "wanna"


@pytest.mark.parametrize("text", ["", "😀😀😀", "   ", "!!!???", "\x00\x01"])
def test_empty_or_symbol_only_text_has_no_tokens(text: str) -> None:
    assert normalise(text).text == ""


def test_nfkc_change_of_length_keeps_offsets_valid() -> None:
    text = "ﬁne ﬁne send pic"  # ligatures expand under NFKC
    norm = normalise(text)
    for s, e in norm.spans:
        assert 0 <= s < e <= len(text)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("how was school today", "en"),
        ("saya tinggal di rumah nenek", "ms"),
        ("u nk pegi mana tu", "ms_colloquial"),
        ("jom lepak, the movie starts at 8 la", "manglish"),
        ("😀😀", "und"),
        ("Привет мир", "und"),
    ],
)
def test_language_labels(text: str, lang: str) -> None:
    assert detect_language(normalise(text).raw_tokens) == lang


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("hw r u", "how are you"),
        ("ur prnts hme alne?", "your parents home alone"),
        ("sorang je ke kat rumah tu", "sorang saja ke kat rumah"),  # particles dropped
        ("mak pun x?", "mak tak"),
        ("somoene chekc", "someone check"),  # one edit from a lexicon word
        ("pdm", "padam"),  # consonant skeleton
        ("along the way", "along the way"),  # a real word is never "mended"
    ],
)
def test_sms_spelling_particles_and_typos_are_normalised(text: str, canonical: str) -> None:
    assert normalise(text).text == canonical


def test_dropped_particles_stay_inside_evidence_spans() -> None:
    text = "sorang je ke kat rumah tu"
    norm = normalise(text)
    s, e = norm.original_span(0, len(norm.text))
    assert text[s:e] == "sorang je ke kat rumah"
