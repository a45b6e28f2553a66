"""Static checks of the workspace templates: every string is translated; nothing the CSP forbids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from perisai.manifest import import_all
from perisai.web.i18n import LANGUAGES, translate

# The workspace templates use strings other domains own (monitoring, enrichment…), registered
# when their pages' modules are imported: import every router, as the app does, so that this
# file passes on its own and not only after a test that built the app.
import_all(lambda manifest: manifest.routers)

TEMPLATES = sorted(
    (Path(__file__).resolve().parents[2] / "src/perisai/workspace/templates").rglob("*.html")
)
KEY = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")


def test_there_are_templates() -> None:
    assert len(TEMPLATES) >= 8


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_every_key_is_translated_in_both_languages(path: Path) -> None:
    keys = set(KEY.findall(path.read_text()))
    for key in keys:
        for lang in LANGUAGES:
            assert translate(key, lang) != key, f"{path.name}: {key} has no {lang} text"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_nothing_the_csp_forbids(path: Path) -> None:
    text = path.read_text()
    assert not re.search(r"\sstyle\s*=", text), "inline style attribute"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline script"
    assert "<style" not in text
