"""Learning pages: `/belajar` (Malay) and `/learn` (English) for children, teens and parents;
scenario quizzes that work without JavaScript (plain forms, marked on the server, nothing
stored); one-page printable guides as PDF."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from perisai.education import text as _text  # noqa: F401 - registers the strings
from perisai.education.formread import BadForm, TooLarge, parse_form, read_body
from perisai.education.guides import guide_pdf
from perisai.education.lessons import AUDIENCES, SLUGS, Audience, audience_of_slug, lesson
from perisai.education.pages import NO_STORE, other, page, switch_language
from perisai.education.quizzes import MissingAnswers, mark, quiz
from perisai.identity.deps import Public

router = APIRouter(include_in_schema=False, dependencies=[Public])

ROOT = {"ms": "/belajar", "en": "/learn"}
QUIZ = {"ms": "kuiz", "en": "quiz"}
GUIDE = {"ms": "panduan.pdf", "en": "guide.pdf"}
CHECK = {"ms": "/semak-chat", "en": "/check-a-chat"}
MAX_QUIZ_BODY = 4096


def urls(lang: str, audience: Audience) -> dict[str, str]:
    base = f"{ROOT[lang]}/{SLUGS[lang][audience]}"
    return {"lesson": base, "quiz": f"{base}/{QUIZ[lang]}", "guide": f"{base}/{GUIDE[lang]}"}


def _alternate(lang: str, audience: Audience | None, part: str) -> str:
    other_lang = other(lang)
    if audience is None:
        return ROOT[other_lang]
    return urls(other_lang, audience)[part]


def not_found(request: Request, lang: str) -> Response:
    context = {"learn_url": ROOT[lang], "check_url": CHECK[lang]}
    return page(request, lang, "education/not_found.html", context, status_code=404)


def _index(request: Request, lang: str) -> Response:
    moved = switch_language(request, lang, ROOT)
    if moved is not None:
        return moved
    cards = [
        {"lesson": lesson(audience, lang), "urls": urls(lang, audience)} for audience in AUDIENCES
    ]
    context = {"cards": cards, "check_url": CHECK[lang]}
    return page(request, lang, "education/learn_index.html", context, alternate=ROOT[other(lang)])


def _lesson(request: Request, lang: str, slug: str) -> Response:
    audience = audience_of_slug(lang, slug)
    if audience is None:
        return not_found(request, lang)
    context = {"lesson": lesson(audience, lang), "urls": urls(lang, audience)}
    context["check_url"] = CHECK[lang]
    alternate = _alternate(lang, audience, "lesson")
    return page(request, lang, "education/lesson.html", context, alternate=alternate)


def quiz_context(lang: str, audience: Audience) -> dict[str, Any]:
    questions = [
        {"id": q.id, "words": q.words[lang], "options": list(enumerate(q.words[lang].options))}
        for q in quiz(audience)
    ]
    return {"questions": questions, "lesson": lesson(audience, lang)}


def _quiz_form(
    request: Request,
    lang: str,
    audience: Audience,
    *,
    chosen: dict[str, str] | None = None,
    missing: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        **quiz_context(lang, audience),
        "action": urls(lang, audience)["quiz"],
        "chosen": chosen or {},
        "missing": missing or [],
        "hidden": {},
    }
    alternate = _alternate(lang, audience, "quiz")
    return page(
        request, lang, "education/quiz.html", context, status_code=status_code, alternate=alternate
    )


def _quiz_page(request: Request, lang: str, slug: str) -> Response:
    audience = audience_of_slug(lang, slug)
    if audience is None:
        return not_found(request, lang)
    return _quiz_form(request, lang, audience)


async def answers_of(request: Request) -> dict[str, str]:
    """The posted quiz answers (small URL-encoded forms only)."""
    body = await read_body(request, MAX_QUIZ_BODY)
    fields = parse_form(request.headers.get("content-type", ""), body)
    return {name: field.value.decode("utf-8", "replace")[:64] for name, field in fields.items()}


def marked_context(lang: str, audience: Audience, answers: dict[str, str]) -> dict[str, Any]:
    results = mark(audience, answers)
    rows = [
        {
            "words": r.question.words[lang],
            "chosen": r.chosen,
            "answer": r.question.answer,
            "correct": r.correct,
        }
        for r in results
    ]
    return {"rows": rows, "score": sum(r.correct for r in results), "total": len(results)}


async def _quiz_submit(request: Request, lang: str, slug: str) -> Response:
    audience = audience_of_slug(lang, slug)
    if audience is None:
        return not_found(request, lang)
    answers: dict[str, str] = {}
    try:
        answers = await answers_of(request)
        context = marked_context(lang, audience, answers)
    except (TooLarge, BadForm):
        return _quiz_form(request, lang, audience, status_code=400)
    except MissingAnswers as missing:
        return _quiz_form(
            request, lang, audience, chosen=answers, missing=missing.missing, status_code=422
        )
    context.update(
        {"lesson": lesson(audience, lang), "urls": urls(lang, audience), "check_url": CHECK[lang]}
    )
    alternate = _alternate(lang, audience, "quiz")
    return page(request, lang, "education/quiz_result.html", context, alternate=alternate)


def _guide(request: Request, lang: str, slug: str) -> Response:
    audience = audience_of_slug(lang, slug)
    if audience is None:
        return not_found(request, lang)
    name = f"perisai-{SLUGS[lang][audience]}-{lang}.pdf"
    return Response(
        guide_pdf(audience, lang),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"', **NO_STORE},
    )


@router.get("/belajar")
def index_ms(request: Request) -> Response:
    return _index(request, "ms")


@router.get("/learn")
def index_en(request: Request) -> Response:
    return _index(request, "en")


@router.get("/belajar/{slug}")
def lesson_ms(request: Request, slug: str) -> Response:
    return _lesson(request, "ms", slug)


@router.get("/learn/{slug}")
def lesson_en(request: Request, slug: str) -> Response:
    return _lesson(request, "en", slug)


@router.get("/belajar/{slug}/kuiz")
def quiz_ms(request: Request, slug: str) -> Response:
    return _quiz_page(request, "ms", slug)


@router.get("/learn/{slug}/quiz")
def quiz_en(request: Request, slug: str) -> Response:
    return _quiz_page(request, "en", slug)


@router.post("/belajar/{slug}/kuiz")
async def quiz_submit_ms(request: Request, slug: str) -> Response:
    return await _quiz_submit(request, "ms", slug)


@router.post("/learn/{slug}/quiz")
async def quiz_submit_en(request: Request, slug: str) -> Response:
    return await _quiz_submit(request, "en", slug)


@router.get("/belajar/{slug}/panduan.pdf")
def guide_ms(request: Request, slug: str) -> Response:
    return _guide(request, "ms", slug)


@router.get("/learn/{slug}/guide.pdf")
def guide_en(request: Request, slug: str) -> Response:
    return _guide(request, "en", slug)
