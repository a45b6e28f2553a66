"""The hotline's "attach a chat": the chat parser feeds the report, so the engine sees the real
conversation; from "check a chat" the form opens filled in and nothing is stored until sent."""

from __future__ import annotations

import html
import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perisai.enrichment.grooming import score_conversations
from perisai.reports.hotline import receipt_code_sha256
from perisai.reports.hotline_chat import MAX_CHAT_CHARS
from perisai.reports.models import Report

DATA = Path(__file__).resolve().parents[1] / "data" / "chats"
CODE = re.compile(r"<code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code>")


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', page)
    assert found is not None, name
    return found.group(1)


def _chat_box(page: str) -> str:
    found = re.search(r'<textarea id="chat" name="chat"[^>]*>(.*?)</textarea>', page, re.S)
    assert found is not None
    return html.unescape(found.group(1))


def _reports(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Report)) or 0


def test_from_check_a_chat_to_a_report_with_the_chat(client: TestClient, db: Session) -> None:
    sample = (DATA / "whatsapp-android-ms-24h.txt").read_bytes()
    checked = client.post(
        "/semak-chat", files={"chat_file": ("chat.txt", sample, "text/plain")}, data={"who": "self"}
    )
    carried = re.search(r'<textarea name="chat" hidden>(.*?)</textarea>', checked.text, re.S)
    assert carried is not None
    before = _reports(db)
    prefilled = client.post(
        "/lapor", data={"prefill": "1", "kind": "enticement", "chat": html.unescape(carried[1])}
    )
    assert prefilled.status_code == 200
    assert prefilled.headers["cache-control"] == "no-store"
    assert _reports(db) == before  # shown, not stored
    chat = _chat_box(prefilled.text)
    assert chat.startswith("[2024-03-14 20:02:00] Abang Zul: hai adik, umur berapa? sekolah mana?")

    sent = client.post(
        "/lapor",
        data={
            "csrf_token": _hidden(prefilled.text, "csrf_token"),
            "submission_id": _hidden(prefilled.text, "submission_id"),
            "kind": "enticement",
            "chat": chat,
        },
    )
    assert sent.status_code == 201, sent.text
    code = CODE.search(sent.text)
    assert code is not None
    report = db.scalars(
        select(Report).where(Report.receipt_code_sha256 == receipt_code_sha256(code[1]))
    ).one()
    conversation = report.conversations[0]
    assert conversation["platform"] == "whatsapp_ios"  # the carried transcript's own form
    messages = conversation["messages"]
    assert len(messages) == 10
    assert messages[0]["author"] == "Abang Zul"
    assert messages[0]["sent_at"].startswith("2024-03-14T20:02:00+08:00")
    assert messages[2]["text"].count("\n") == 2  # the three-line message arrives whole
    # The engine sees the real conversation: authors, order and the warning signs.
    graded = score_conversations(db, report)
    assert graded[0].suspect == "Abang Zul"
    assert {"secrecy", "meeting_request"} <= {s["kind"] for s in graded[0].signals}


def test_a_chat_pasted_into_the_hotline_is_parsed(client: TestClient, db: Session) -> None:
    page = client.get("/report").text
    assert '<label for="chat">' in page
    sample = (DATA / "whatsapp-android-en-12h.txt").read_text()
    sent = client.post(
        "/report",
        data={
            "csrf_token": _hidden(page, "csrf_token"),
            "submission_id": _hidden(page, "submission_id"),
            "kind": "enticement",
            "chat": sample,
        },
    )
    assert sent.status_code == 201, sent.text
    report = db.scalars(select(Report).order_by(Report.id.desc()).limit(1)).one()
    conversation = report.conversations[0]
    assert conversation["platform"] == "whatsapp_android"
    assert [m["author"] for m in conversation["messages"][:2]] == ["Jay Gamer", "Danial"]
    assert all("Media omitted" not in m["text"] for m in conversation["messages"])


def test_a_chat_alone_is_enough_and_a_too_long_one_is_refused(client: TestClient) -> None:
    page = client.get("/lapor").text
    too_long = client.post(
        "/lapor",
        data={
            "csrf_token": _hidden(page, "csrf_token"),
            "submission_id": _hidden(page, "submission_id"),
            "kind": "enticement",  # no category is pre-selected: the reporter chooses one
            "chat": "A: " + "x" * MAX_CHAT_CHARS,
        },
    )
    assert too_long.status_code == 422
    assert "Chat terlalu panjang" in too_long.text
