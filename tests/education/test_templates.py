"""Static checks of the education templates: every string is translated; nothing the CSP forbids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import perisai.education.text  # noqa: F401 - registers the strings
from perisai.web.i18n import LANGUAGES, translate

TEMPLATES = sorted(
    (Path(__file__).resolve().parents[2] / "src/perisai/education/templates").rglob("*.html")
)
KEY = re.compile(r"""\bt\(\s*["']([a-z_0-9]+(?:\.[a-z_0-9]+)+)["']""")


def test_there_are_templates() -> None:
    assert len(TEMPLATES) >= 4


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_every_key_is_translated_in_both_languages(path: Path) -> None:
    for key in set(KEY.findall(path.read_text())):
        for lang in LANGUAGES:
            assert translate(key, lang) != key, f"{path.name}: {key} has no {lang} text"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_nothing_the_csp_forbids(path: Path) -> None:
    text = path.read_text()
    assert not re.search(r"\sstyle\s*=", text), "inline style attribute"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert "<script" not in text, "no scripts at all on the education pages"
    assert "<style" not in text
