"""One-page printable guides (PDF) for schools, drawn from the same text as the learning pages.

Made with fpdf2 and the PDF core font (nothing embedded, a few kilobytes each), once per
audience and language per process. The core font covers Latin-1, so typographic dashes and
quotes are written as their plain equivalents.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from fpdf import FPDF

from perisai.education.lessons import Audience, Lesson, Section, lesson

PLAIN = str.maketrans(
    {
        "\u2014": "-",
        "\u2013": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u2192": "->",
    }
)
FIXED_DATE = datetime(2026, 1, 1)  # a fixed creation date: the same text gives the same bytes
ACCENT = (11, 79, 138)
BODY = 11.5
TITLES = {
    "ms": ("Panduan Perisai", "Cetak dan tampal di kelas.", "Peringkat"),
    "en": ("Perisai guide", "Print it and put it up in class.", "Stages"),
}


def _plain(text: str) -> str:
    return text.translate(PLAIN).encode("latin-1", "replace").decode("latin-1")


class _Guide(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(14, 12, 14)
        self.set_auto_page_break(auto=True, margin=12)
        self.set_creation_date(FIXED_DATE)

    def heading(self, text: str, size: float = 12) -> None:
        self.set_font("Helvetica", "B", size)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, size * 0.45, _plain(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(0.8)

    def para(self, text: str, size: float = BODY, style: str = "") -> None:
        self.set_font("Helvetica", style, size)
        self.multi_cell(0, size * 0.45, _plain(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def bullets(self, points: tuple[str, ...], size: float = BODY) -> None:
        self.set_font("Helvetica", "", size)
        for point in points:
            self.set_x(self.l_margin + 2)
            self.multi_cell(
                0, size * 0.45, _plain(f"- {point}"), align="L", new_x="LMARGIN", new_y="NEXT"
            )
        self.ln(1)

    def section(self, section: Section) -> None:
        self.heading(section.heading, 13)
        if section.text:
            self.para(section.text)
        if section.points:
            self.bullets(section.points)


def _draw(pdf: _Guide, found: Lesson) -> None:
    brand, note, _ = TITLES[found.lang]
    pdf.set_font("Helvetica", "B", 8)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(0, 4, _plain(f"{brand} - {found.for_whom}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.heading(found.title, 19)
    pdf.para(found.intro, 12)
    pdf.heading(found.stages_heading, 13)
    pdf.set_font("Helvetica", "", BODY)
    for number, (name, text) in enumerate(found.stages, start=1):
        line = _plain(f"**{number}. {name}:** {text}")
        pdf.multi_cell(
            0, BODY * 0.45, line, markdown=True, align="L", new_x="LMARGIN", new_y="NEXT"
        )
    pdf.ln(1.5)
    for section in (found.signs, found.todo, *found.sections, found.help):
        pdf.section(section)
    pdf.set_font("Helvetica", "I", 8)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(0, 4, _plain(note), new_x="LMARGIN", new_y="NEXT")


@cache
def guide_pdf(audience: Audience, lang: str) -> bytes:
    """The one-page guide for the audience in the language."""
    found = lesson(audience, lang)
    pdf = _Guide()
    pdf.set_title(_plain(found.title))
    pdf.set_lang(lang)
    pdf.set_author("Perisai")
    pdf.add_page()
    _draw(pdf, found)
    return bytes(pdf.output())
