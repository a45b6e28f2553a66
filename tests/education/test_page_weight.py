"""No education page weighs over 200 KB before images, however long the checked chat."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.identity.factories import make_user

from perisai.audit.service import SYSTEM
from perisai.education import schools
from perisai.education.quizzes import mark, quiz
from perisai.identity.deps import SESSION_COOKIE
from perisai.identity.service import start_session
from perisai.runtime import Runtime
from perisai.testing.pageweight import BUDGET_BYTES, PageWeight, weigh

DATA = Path(__file__).resolve().parents[1] / "data" / "chats"


def _weight(client: TestClient, html: bytes) -> PageWeight:
    def fetch(url: str) -> bytes:
        response = client.get(url)
        assert response.status_code == 200, url
        return response.content

    return weigh(html, fetch)


def _long_chat() -> bytes:
    """30,000 messages, each with warning signs, some of them long, with characters to escape."""
    lines = []
    for n in range(30_000):
        filler = " 'quoted' & <angled> " * (40 if n % 100 == 0 else 0)
        lines.append(
            f'14/03/2024, {n // 60 % 24:02d}:{n % 60:02d} - Abang "Zul": '
            f"adik umur berapa? jangan bagitahu mak ayah, rahsia kita{filler} jom jumpa esok"
        )
    return ("\n".join(lines) + "\n").encode()


PAGES: dict[str, Callable[[TestClient], bytes]] = {
    "check form": lambda c: c.get("/semak-chat").content,
    "check error": lambda c: c.post("/check-a-chat", data={"text": ""}).content,
    "check result": lambda c: (
        c.post(
            "/semak-chat",
            files={"chat_file": ("c.txt", (DATA / "whatsapp-android-ms-24h.txt").read_bytes())},
        ).content
    ),
    "check result, 30,000 flagged messages": lambda c: (
        c.post(
            "/check-a-chat", files={"chat_file": ("c.txt", _long_chat())}, data={"who": "parent"}
        ).content
    ),
    "learn index": lambda c: c.get("/belajar").content,
    "lesson (parents)": lambda c: c.get("/learn/parents").content,
    "quiz": lambda c: c.get("/learn/teens/quiz").content,
    "quiz result": lambda c: (
        c.post("/learn/teens/quiz", data={q.id: "0" for q in quiz("teens")}).content
    ),
    "class code": lambda c: c.get("/kelas").content,
    "hotline with a chat": lambda c: (
        c.post(
            "/report",
            data={"prefill": "1", "chat": (DATA / "whatsapp-android-en-12h.txt").read_text()},
        ).content
    ),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_is_under_200_kb_before_images(client: TestClient, name: str) -> None:
    html = PAGES[name](client)
    weight = _weight(client, html)
    assert weight.html > 1000  # a real page, not an error stub
    assert weight.total < BUDGET_BYTES, (name, weight)
    assert not any(url.endswith(".js") for url in weight.assets)  # no script on these pages


def test_the_teachers_and_officers_pages_are_under_200_kb_too(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    """The staff pages of the schools part, with a class's results shown (10 answers or more)."""
    teacher, _ = make_user(db, runtime.keyring, role="teacher", agency="MOE")
    found = schools.start_session(
        db, actor=SYSTEM, teacher_id=teacher.id, audience="teens", state="Kedah", district="Kulim"
    )
    for n in range(12):
        answers = {q.id: str(q.answer if n % 3 else (q.answer + 1) % 3) for q in quiz("teens")}
        schools.submit_answers(db, class_session=found, marked=mark("teens", answers))
    officer, _ = make_user(db, runtime.keyring, role="moe_officer", agency="MOE")
    db.flush()
    pages = {
        (teacher, "/app/education"): 'name="audience"',
        (teacher, f"/app/education/sessions/{found.id}"): 'id="missed"',
        (officer, "/app/education/districts"): "Kulim",
    }
    for (user, url), marker in pages.items():
        client.cookies.clear()
        token = start_session(db, settings=runtime.settings, user=user, totp_verified=True)
        db.flush()
        client.cookies.set(SESSION_COOKIE, token)
        html = client.get(url, headers={"accept-language": "en"}).content
        assert marker.encode() in html, url  # the page with its figures, not a refusal
        weight = _weight(client, html)
        assert weight.total < BUDGET_BYTES, (url, weight)
