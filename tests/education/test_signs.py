"""Every warning sign and stage the engine can name has words for children and parents."""

from __future__ import annotations

import pytest

from perisai.education.signs import (
    GENERAL,
    KIND_WORDS,
    STAGE_WORDS,
    explain_kind,
    explain_stage,
)
from perisai.grooming import KINDS, STAGES
from perisai.web.i18n import LANGUAGES


@pytest.mark.parametrize("kind", KINDS)
def test_every_engine_kind_has_its_own_words_in_malay_and_english(kind: str) -> None:
    assert kind in KIND_WORDS, f"add Malay and English words for {kind!r} to education/signs.py"
    for lang in LANGUAGES:
        words = KIND_WORDS[kind][lang]
        assert words.title and len(words.self) > 40 and len(words.parent) > 40
    assert KIND_WORDS[kind]["ms"].title != KIND_WORDS[kind]["en"].title


@pytest.mark.parametrize("stage", STAGES)
def test_every_engine_stage_has_words(stage: str) -> None:
    for lang in LANGUAGES:
        words = explain_stage(stage, lang)
        assert words is not None and words.title


def test_an_unknown_kind_borrows_its_stage_then_general_words() -> None:
    borrowed = explain_kind("kind_added_later", "approach", "ms")
    assert borrowed.title == GENERAL["ms"].title
    assert borrowed.self == STAGE_WORDS["approach"]["ms"].self
    assert explain_kind("kind_added_later", "stage_added_later", "en") == GENERAL["en"]
    assert explain_stage("stage_added_later", "en") is None


def test_words_are_addressed_to_the_right_person() -> None:
    secrecy = KIND_WORDS["secrecy"]
    assert "your child" in secrecy["en"].said_to("parent")
    assert "anak anda" in secrecy["ms"].said_to("parent")
    assert "kamu" in secrecy["ms"].said_to("self")
