"""Schools: a teacher's class session, pupils' anonymous answers, the class's aggregates, and an
MOE officer's figures per district; small groups suppressed, nothing per child, all audited."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session
from tests.identity.factories import make_user

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM
from perisai.education import schools
from perisai.education.models import ClassAnswer, ClassResponse, ClassSession
from perisai.education.quizzes import mark, quiz
from perisai.identity.deps import SESSION_COOKIE
from perisai.identity.models import Agency, User
from perisai.identity.service import IdentityError, start_session
from perisai.runtime import Runtime


def _login(client: TestClient, db: Session, runtime: Runtime, role: str, agency: str) -> User:
    user, _ = make_user(db, runtime.keyring, role=role, agency=agency)
    token = start_session(db, settings=runtime.settings, user=user, totp_verified=True)
    db.flush()
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, token)
    return user


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _answers(audience: str, wrong: tuple[str, ...] = ()) -> dict[str, str]:
    return {
        q.id: str((q.answer + 1) % 3 if q.id in wrong else q.answer)
        for q in quiz(audience)  # type: ignore[arg-type]
    }


def _pupils(db: Session, found: ClassSession, count: int, wrong: tuple[str, ...] = ()) -> None:
    for _ in range(count):
        marked = mark(found.audience, _answers(found.audience, wrong))  # type: ignore[arg-type]
        schools.submit_answers(db, class_session=found, marked=marked)
    db.flush()


def _actions(db: Session, prefix: str) -> list[str]:
    return list(
        db.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.action.like(f"{prefix}%"))
            .order_by(AuditEntry.id)
        )
    )


def test_teacher_and_officer_roles_belong_to_moe(db: Session, runtime: Runtime) -> None:
    with pytest.raises(IdentityError, match="only for users of agency MOE"):
        make_user(db, runtime.keyring, role="teacher", agency="PDRM")
    with pytest.raises(IdentityError, match="only for users of agency MOE"):
        make_user(db, runtime.keyring, role="moe_officer", agency="SECRETARIAT")


def test_teacher_starts_a_session_and_pupils_answer_anonymously(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    _login(client, db, runtime, "teacher", "MOE")
    home = client.get("/app/education")
    assert home.status_code == 200
    started = client.post(
        "/app/education/sessions",
        data={
            "csrf_token": _csrf(home.text),
            "audience": "children",
            "district": "Selangor|Petaling",
            "label": "5 Bestari",
            "minutes": "60",
            "max_responses": "40",
        },
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    page = client.get(started.headers["location"])
    code = re.search(r'id="class-code">([A-Z0-9]{6})<', page.text)
    assert code is not None
    assert "0 answers received" in page.text or "0 jawapan diterima" in page.text
    assert "education.class_session.start" in _actions(db, "education.")

    client.cookies.clear()  # a pupil: no account, no name
    entry = client.get("/kelas")
    assert entry.status_code == 200 and "Tanpa nama" in entry.text
    form = client.post("/kelas", data={"code": code.group(1).lower()})
    assert form.status_code == 200
    assert form.text.count('type="radio"') == 3 * len(quiz("children"))
    sent = client.post(
        "/kelas/jawab",
        data={"code": code.group(1), "csrf_token": _csrf(form.text), **_answers("children")},
    )
    assert sent.status_code == 200, sent.text
    assert "Jawapan anda telah dihantar tanpa nama." in sent.text
    assert "6 daripada 6 betul" in sent.text
    session_id = db.scalar(select(ClassSession.id).where(ClassSession.code == code.group(1)))
    assert db.scalar(select(func.count()).select_from(ClassResponse)) == 1
    answers = db.scalars(select(ClassAnswer).where(ClassAnswer.session_id == session_id)).all()
    assert sorted(a.question_id for a in answers) == sorted(q.id for q in quiz("children"))
    # What a response holds: its id, its session, and right-or-wrong per question. Nothing else.
    columns = {
        row[0]
        for row in db.execute(
            text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name IN ('class_response', 'class_answer')"
            )
        )
    }
    assert columns == {"id", "session_id", "response_id", "question_id", "sign", "correct"}
    again = client.post("/kelas", data={"code": code.group(1)})
    assert "Anda sudah menjawab kuiz ini." in again.text


def test_results_are_suppressed_under_ten_and_show_missed_signs_after(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    teacher = _login(client, db, runtime, "teacher", "MOE")
    found = schools.start_session(
        db, actor=SYSTEM, teacher_id=teacher.id, audience="teens", state="Kedah", district="Kulim"
    )
    _pupils(db, found, 9, wrong=("t2",))
    page = client.get(f"/app/education/sessions/{found.id}")
    assert page.status_code == 200
    assert 'id="suppressed"' in page.text
    assert "%" not in page.text.split('id="responses"')[1]
    _pupils(db, found, 3)
    page = client.get(f"/app/education/sessions/{found.id}", headers={"accept-language": "en"})
    assert "12 answers received" in page.text
    missed = re.search(r'<dl class="means" id="missed">(.*?)</dl>', page.text, re.S)
    assert missed is not None
    assert "Moving the chat to another app (25%)" in missed.group(1)  # 3 of 12 got t2 right
    assert "Right on average: 88%" in page.text  # (5 * 12 + 3) / (6 * 12)
    assert _actions(db, "education.class_session.results_read")


def test_only_the_teacher_who_started_it_sees_a_session(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    owner, _ = make_user(db, runtime.keyring, role="teacher", agency="MOE")
    found = schools.start_session(
        db,
        actor=SYSTEM,
        teacher_id=owner.id,
        audience="children",
        state="Perlis",
        district="Perlis",
    )
    _login(client, db, runtime, "teacher", "MOE")
    assert client.get(f"/app/education/sessions/{found.id}").status_code == 404
    _login(client, db, runtime, "analyst", "SECRETARIAT")
    assert client.get(f"/app/education/sessions/{found.id}").status_code == 403
    assert client.get("/app/education/districts").status_code == 403
    _login(client, db, runtime, "moe_officer", "MOE")
    assert client.get(f"/app/education/sessions/{found.id}").status_code == 403


def test_a_teacher_moved_out_of_moe_loses_access(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    teacher = _login(client, db, runtime, "teacher", "MOE")
    pdrm = db.scalar(select(Agency.id).where(Agency.short_name == "PDRM"))
    db.execute(update(User).where(User.id == teacher.id).values(agency_id=pdrm))
    db.expire_all()
    assert client.get("/app/education").status_code == 403


def test_bad_session_input_is_a_field_error(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    _login(client, db, runtime, "teacher", "MOE")
    home = client.get("/app/education", headers={"accept-language": "en"})
    refused = client.post(
        "/app/education/sessions",
        data={"csrf_token": _csrf(home.text), "audience": "children", "district": "Atlantis|X"},
        headers={"accept-language": "en"},
    )
    assert refused.status_code == 422
    assert "Choose the school district." in refused.text
    forged = client.post(
        "/app/education/sessions",
        data={"csrf_token": "forged", "audience": "children", "district": "Perlis|Perlis"},
    )
    assert forged.status_code == 403
    assert db.scalar(select(func.count()).select_from(ClassSession)) == 0


def test_expired_closed_and_full_sessions_take_no_answers(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    teacher, _ = make_user(db, runtime.keyring, role="teacher", agency="MOE")
    past = datetime.now(UTC) - timedelta(hours=3)
    expired = schools.start_session(
        db,
        actor=SYSTEM,
        teacher_id=teacher.id,
        audience="children",
        state="Melaka",
        district="Jasin",
        minutes=30,
        now=past,
    )
    wrong = client.post("/class", data={"code": expired.code})
    assert wrong.status_code == 404
    assert "This code is not known, or the session has ended" in wrong.text

    full = schools.start_session(
        db,
        actor=SYSTEM,
        teacher_id=teacher.id,
        audience="children",
        state="Melaka",
        district="Jasin",
        max_responses=1,
    )
    _pupils(db, full, 1)
    form = client.post("/class", data={"code": full.code})
    refused = client.post(
        "/class/answer",
        data={"code": full.code, "csrf_token": _csrf(form.text), **_answers("children")},
    )
    assert refused.status_code == 409
    assert "This session is full" in refused.text

    schools.close_session(db, actor=SYSTEM, teacher_id=teacher.id, session_id=full.id)
    db.flush()
    assert client.post("/class", data={"code": full.code}).status_code == 404


def test_unanswered_questions_and_forged_forms_store_nothing(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    teacher, _ = make_user(db, runtime.keyring, role="teacher", agency="MOE")
    found = schools.start_session(
        db, actor=SYSTEM, teacher_id=teacher.id, audience="teens", state="Sabah", district="Tawau"
    )
    form = client.post("/class", data={"code": found.code})
    partial = client.post(
        "/class/answer", data={"code": found.code, "csrf_token": _csrf(form.text), "t1": "2"}
    )
    assert partial.status_code == 422
    assert partial.text.count('class="field-error"') == len(quiz("teens")) - 1
    forged = client.post("/class/answer", data={"code": found.code, **_answers("teens")})
    assert forged.status_code == 403
    assert db.scalar(select(func.count()).select_from(ClassResponse)) == 0


def test_wrong_codes_are_rate_limited(client: TestClient) -> None:
    statuses = {client.post("/class", data={"code": "ZZZZZZ"}).status_code for _ in range(31)}
    assert statuses == {404, 429}


def test_officer_sees_districts_never_classes_or_children(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    teacher, _ = make_user(db, runtime.keyring, role="teacher", agency="MOE")
    big = schools.start_session(
        db,
        actor=SYSTEM,
        teacher_id=teacher.id,
        audience="children",
        state="Johor",
        district="Muar",
        label="6 Cemerlang",
    )
    small = schools.start_session(
        db,
        actor=SYSTEM,
        teacher_id=teacher.id,
        audience="children",
        state="Kelantan",
        district="Jeli",
        label="4 Dahlia",
    )
    _pupils(db, big, 12, wrong=("c3",))
    _pupils(db, small, 4, wrong=("c1", "c2", "c4"))
    _login(client, db, runtime, "moe_officer", "MOE")
    page = client.get("/app/education/districts", headers={"accept-language": "en"})
    assert page.status_code == 200
    rows = re.search(r'<table id="districts">(.*?)</table>', page.text, re.S)
    assert rows is not None
    assert re.search(r"<td>Johor</td><td>Muar</td>\s*<td>1</td><td>12</td><td>83%</td>", rows[1])
    assert "Asking for photos or videos of you" in rows[1]  # Muar's most-missed sign
    assert re.search(r"<td>Kelantan</td><td>Jeli</td>\s*<td colspan=\"4\"", rows[1])
    assert "Fewer than 10 answers: hidden" in rows[1]
    signs = re.search(r'<table id="signs">(.*?)</table>', page.text, re.S)
    assert signs is not None
    # Jeli's four pupils (wrong on c1, c2, c4) count nowhere: those signs are all at 100%.
    assert re.search(r"Offering gifts, money or game credits</td><td>100%", signs[1])
    for private in (big.code, small.code, "6 Cemerlang", "4 Dahlia"):
        assert private not in page.text
    assert _actions(db, "education.district_stats.read")
