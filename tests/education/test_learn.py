"""Learning pages, scenario quizzes without JavaScript, and one-page printable guides."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from perisai.education.guides import guide_pdf
from perisai.education.learn_views import urls
from perisai.education.lessons import AUDIENCES, SLUGS, lesson
from perisai.education.quizzes import QUIZZES, quiz
from perisai.education.signs import KIND_WORDS
from perisai.web.i18n import LANGUAGES


@pytest.mark.parametrize("lang", LANGUAGES)
def test_index_lists_every_audience_with_lesson_quiz_and_guide(
    client: TestClient, lang: str
) -> None:
    response = client.get("/belajar" if lang == "ms" else "/learn")
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.text
    for audience in AUDIENCES:
        for url in urls(lang, audience).values():
            assert f'href="{url}"' in response.text


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_lesson_pages_explain_stages_what_to_do_and_help(
    client: TestClient, lang: str, audience: str
) -> None:
    found = lesson(audience, lang)  # type: ignore[arg-type]
    response = client.get(urls(lang, audience)["lesson"])  # type: ignore[arg-type]
    assert response.status_code == 200
    page = response.text
    assert found.title in page
    for name, _ in found.stages:
        assert name.replace("'", "&#39;") in page
    assert found.todo.heading in page and "999" in page and "15999" in page
    assert len(found.stages) >= 5


def test_unknown_audience_is_a_page_in_the_language(client: TestClient) -> None:
    response = client.get("/belajar/orang-asing")
    assert response.status_code == 404
    assert '<html lang="ms">' in response.text
    assert "Halaman tidak dijumpai" in response.text
    assert client.get("/learn/aliens/guide.pdf").status_code == 404


def test_language_switch_finds_the_same_page(client: TestClient) -> None:
    moved = client.get("/belajar?lang=en", follow_redirects=False)
    assert moved.headers["location"] == "/learn"
    page = client.get("/belajar/remaja").text
    assert 'hreflang="en" href="/learn/teens"' in page


def _answers(audience: str, right: bool) -> dict[str, str]:
    return {
        q.id: str(q.answer if right else (q.answer + 1) % 3)
        for q in quiz(audience)  # type: ignore[arg-type]
    }


def test_quiz_is_a_plain_form_and_marks_every_answer(client: TestClient) -> None:
    form = client.get("/learn/children/quiz").text
    assert '<form method="post" action="/learn/children/quiz">' in form
    assert form.count('type="radio"') == 3 * len(quiz("children"))
    assert "<script" not in form
    right = client.post("/learn/children/quiz", data=_answers("children", True))
    assert right.status_code == 200
    assert f"{len(quiz('children'))} of {len(quiz('children'))} right" in right.text
    assert right.headers["cache-control"] == "no-store"
    wrong = client.post("/belajar/remaja/kuiz", data=_answers("teens", False))
    assert "0 daripada 6 betul" in wrong.text
    assert wrong.text.count("Jawapan terbaik:") == len(quiz("teens"))


def test_unanswered_questions_are_field_errors_and_answers_are_kept(client: TestClient) -> None:
    partial = {"p1": "2", "p3": "0"}
    response = client.post("/learn/parents/quiz", data=partial)
    assert response.status_code == 422
    assert len(re.findall(r'class="field-error" id="q-p\d-error"', response.text)) == 3
    assert 'name="p1" value="2" checked' in response.text
    garbage = client.post(
        "/learn/parents/quiz", content=b"x" * 10_000, headers={"content-type": "text/plain"}
    )
    assert garbage.status_code == 400


def test_quizzes_are_the_same_in_both_languages_and_test_engine_signs() -> None:
    for questions in QUIZZES.values():
        assert 5 <= len(questions) <= 8
        assert len({q.id for q in questions}) == len(questions)
        for q in questions:
            assert q.sign in KIND_WORDS  # the teacher's page names the sign in both languages
            assert 0 <= q.answer < 3
            for lang in LANGUAGES:
                words = q.words[lang]
                assert len(words.options) == 3 and all(words.options) and words.why


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_guides_are_small_one_page_pdfs(client: TestClient, lang: str, audience: str) -> None:
    response = client.get(urls(lang, audience)["guide"])  # type: ignore[arg-type]
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) == 1
    assert len(data) < 20_000
    assert data == guide_pdf(audience, lang)
    slug = SLUGS[lang][audience]  # type: ignore[index]
    assert slug in response.headers["content-disposition"]
