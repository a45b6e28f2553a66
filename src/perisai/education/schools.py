"""Class quiz sessions for schools (MOE): a teacher starts a session with a code, pupils answer
anonymously, the teacher sees the class's aggregates, MOE officers see aggregates per district.

Privacy by construction: a response stores only which questions it got right (no name, time,
address or device); every figure shown is over a group of at least `MIN_GROUP` responses, else
suppressed; nothing lists responses one by one. Services take the caller's session and never
commit; every change and every read of results is audited.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import Session

from perisai.audit.service import PUBLIC, Actor, record
from perisai.education.districts import is_district
from perisai.education.models import ClassAnswer, ClassResponse, ClassSession
from perisai.education.quizzes import CLASS_AUDIENCES, Marked, quiz

MIN_GROUP = 10  # fewer responses than this: figures are suppressed
MISSED_BELOW = 0.7  # a sign the class got right less often than this counts as missed
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L or U: easy to read aloud
CODE_LENGTH = 6
DURATIONS = (30, 45, 60, 90, 120)  # minutes a session stays open
DEFAULT_MAX_RESPONSES = 60
MAX_RESPONSES = 200
MAX_LABEL = 60


class SchoolError(Exception):
    """Input the teacher or pupil must fix: the field and the translation key of the message."""

    def __init__(self, field: str, key: str) -> None:
        super().__init__(key)
        self.field, self.key = field, key


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())[:16]


def _checked(
    audience: str, state: str, district: str, label: str, minutes: int, max_responses: int
) -> None:
    if audience not in CLASS_AUDIENCES:
        raise SchoolError("audience", "class.err.audience")
    if not is_district(state, district):
        raise SchoolError("district", "class.err.district")
    if len(label) > MAX_LABEL:
        raise SchoolError("label", "class.err.label")
    if minutes not in DURATIONS:
        raise SchoolError("minutes", "class.err.minutes")
    if not 1 <= max_responses <= MAX_RESPONSES:
        raise SchoolError("max_responses", "class.err.max_responses")


def start_session(
    session: Session,
    *,
    actor: Actor,
    teacher_id: int,
    audience: str,
    state: str,
    district: str,
    label: str = "",
    minutes: int = 60,
    max_responses: int = DEFAULT_MAX_RESPONSES,
    now: datetime | None = None,
) -> ClassSession:
    label = " ".join(label.split())
    _checked(audience, state, district, label, minutes, max_responses)
    moment = now or datetime.now(UTC)
    code = new_code()
    while session.scalar(select(ClassSession.id).where(ClassSession.code == code)) is not None:
        code = new_code()
    found = ClassSession(
        code=code,
        teacher_id=teacher_id,
        audience=audience,
        label=label,
        state=state,
        district=district,
        expires_at=moment + timedelta(minutes=minutes),
        closed_at=None,
        max_responses=max_responses,
    )
    session.add(found)
    session.flush()
    record(
        session,
        actor=actor,
        action="education.class_session.start",
        object_type="class_session",
        object_id=found.id,
        details={"audience": audience, "state": state, "district": district, "minutes": minutes},
    )
    return found


def is_open(found: ClassSession, now: datetime | None = None) -> bool:
    moment = now or datetime.now(UTC)
    return found.closed_at is None and found.expires_at > moment


def open_session(session: Session, code: str, now: datetime | None = None) -> ClassSession | None:
    """The open session with this code, if any (expired and closed ones are not found)."""
    cleaned = normalise_code(code)
    if len(cleaned) != CODE_LENGTH:
        return None
    found = session.scalar(select(ClassSession).where(ClassSession.code == cleaned))
    return found if found is not None and is_open(found, now) else None


def submit_answers(session: Session, *, class_session: ClassSession, marked: list[Marked]) -> None:
    """Store one pupil's answers (which questions were right), anonymously."""
    locked = session.scalar(
        select(ClassSession).where(ClassSession.id == class_session.id).with_for_update()
    )
    if locked is None or not is_open(locked):
        raise SchoolError("code", "class.err.closed")
    count = session.scalar(
        select(func.count()).select_from(ClassResponse).where(ClassResponse.session_id == locked.id)
    )
    if (count or 0) >= locked.max_responses:
        raise SchoolError("code", "class.err.full")
    response = ClassResponse(session_id=locked.id)
    session.add(response)
    session.flush()
    session.add_all(
        ClassAnswer(
            response_id=response.id,
            session_id=locked.id,
            question_id=m.question.id,
            sign=m.question.sign,
            correct=m.correct,
        )
        for m in marked
    )
    record(
        session,
        actor=PUBLIC,
        action="education.class_answer.submit",
        object_type="class_session",
        object_id=locked.id,
    )


def close_session(session: Session, *, actor: Actor, teacher_id: int, session_id: int) -> bool:
    found = _own(session, teacher_id, session_id)
    if found is None:
        return False
    if found.closed_at is None:
        found.closed_at = datetime.now(UTC)
        record(
            session,
            actor=actor,
            action="education.class_session.close",
            object_type="class_session",
            object_id=found.id,
        )
    return True


def _own(session: Session, teacher_id: int, session_id: int) -> ClassSession | None:
    return session.scalar(
        select(ClassSession).where(
            ClassSession.id == session_id, ClassSession.teacher_id == teacher_id
        )
    )


@dataclass(frozen=True)
class SessionRow:
    session: ClassSession
    responses: int


def my_sessions(session: Session, *, teacher_id: int, limit: int = 50) -> list[SessionRow]:
    responses = (
        select(func.count())
        .select_from(ClassResponse)
        .where(ClassResponse.session_id == ClassSession.id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(ClassSession, responses)
        .where(ClassSession.teacher_id == teacher_id)
        .order_by(ClassSession.created_at.desc(), ClassSession.id.desc())
        .limit(limit)
    ).all()
    return [SessionRow(found, count or 0) for found, count in rows]


@dataclass(frozen=True)
class QuestionFigure:
    question_id: str
    sign: str
    correct: float  # share of responses that got it right, 0..1


@dataclass(frozen=True)
class ClassResults:
    session: ClassSession
    responses: int
    suppressed: bool
    questions: list[QuestionFigure]
    missed: list[QuestionFigure]  # the signs the class got right less than MISSED_BELOW
    average: float | None  # mean share right


def class_results(
    session: Session, *, actor: Actor, teacher_id: int, session_id: int
) -> ClassResults | None:
    """The class's aggregates (the teacher's own sessions only); audited."""
    found = _own(session, teacher_id, session_id)
    if found is None:
        return None
    responses = (
        session.scalar(
            select(func.count())
            .select_from(ClassResponse)
            .where(ClassResponse.session_id == found.id)
        )
        or 0
    )
    record(
        session,
        actor=actor,
        action="education.class_session.results_read",
        object_type="class_session",
        object_id=found.id,
        details={"responses": responses, "suppressed": responses < MIN_GROUP},
    )
    if responses < MIN_GROUP:
        return ClassResults(found, responses, True, [], [], None)
    shares: dict[str, float] = dict(
        session.execute(
            select(ClassAnswer.question_id, func.avg(case((ClassAnswer.correct, 1.0), else_=0.0)))
            .where(ClassAnswer.session_id == found.id)
            .group_by(ClassAnswer.question_id)
        ).all()
    )
    figures = [
        QuestionFigure(q.id, q.sign, float(shares.get(q.id, 0.0)))
        for q in quiz(found.audience)  # type: ignore[arg-type]
    ]
    missed = sorted((f for f in figures if f.correct < MISSED_BELOW), key=lambda f: f.correct)
    average = sum(f.correct for f in figures) / len(figures)
    return ClassResults(found, responses, False, figures, missed, average)


@dataclass(frozen=True)
class SignFigure:
    sign: str
    correct: float


@dataclass(frozen=True)
class DistrictRow:
    state: str
    district: str
    sessions: int
    responses: int
    suppressed: bool
    correct: float | None
    most_missed: SignFigure | None


@dataclass(frozen=True)
class DistrictFigures:
    rows: list[DistrictRow]
    signs: list[SignFigure]  # across every district with enough responses, weakest first
    responses: int
    since: datetime


def district_figures(session: Session, *, actor: Actor, since: datetime) -> DistrictFigures:
    """Aggregates per district since a date; districts under MIN_GROUP responses suppressed."""
    totals = session.execute(
        select(
            ClassSession.state,
            ClassSession.district,
            func.count(distinct(ClassSession.id)),
            func.count(distinct(ClassResponse.id)),
        )
        .join(ClassResponse, ClassResponse.session_id == ClassSession.id)
        .where(ClassSession.created_at >= since)
        .group_by(ClassSession.state, ClassSession.district)
        .order_by(ClassSession.state, ClassSession.district)
    ).all()
    by_sign = session.execute(
        select(
            ClassSession.state,
            ClassSession.district,
            ClassAnswer.sign,
            func.avg(case((ClassAnswer.correct, 1.0), else_=0.0)),
        )
        .join(ClassAnswer, ClassAnswer.session_id == ClassSession.id)
        .where(ClassSession.created_at >= since)
        .group_by(ClassSession.state, ClassSession.district, ClassAnswer.sign)
    ).all()
    signs_of: dict[tuple[str, str], list[SignFigure]] = {}
    for state, district, sign, share in by_sign:
        signs_of.setdefault((state, district), []).append(SignFigure(sign, float(share)))
    rows = []
    shown: set[tuple[str, str]] = set()
    for state, district, sessions, responses in totals:
        if responses < MIN_GROUP:
            rows.append(DistrictRow(state, district, sessions, responses, True, None, None))
            continue
        shown.add((state, district))
        figures = signs_of.get((state, district), [])
        weakest = min(figures, key=lambda f: f.correct) if figures else None
        overall = _overall(session, state, district, since)
        rows.append(DistrictRow(state, district, sessions, responses, False, overall, weakest))
    record(
        session,
        actor=actor,
        action="education.district_stats.read",
        object_type="education",
        details={"since": since.date().isoformat(), "districts": len(rows)},
    )
    return DistrictFigures(
        rows, _signs_overall(session, since, shown), sum(r.responses for r in rows), since
    )


def _overall(session: Session, state: str, district: str, since: datetime) -> float:
    share = session.scalar(
        select(func.avg(case((ClassAnswer.correct, 1.0), else_=0.0)))
        .join(ClassSession, ClassSession.id == ClassAnswer.session_id)
        .where(
            ClassSession.state == state,
            ClassSession.district == district,
            ClassSession.created_at >= since,
        )
    )
    return float(share or 0.0)


def _signs_overall(
    session: Session, since: datetime, shown: set[tuple[str, str]]
) -> list[SignFigure]:
    """Per sign across the districts shown (suppressed districts stay out of every figure)."""
    if not shown:
        return []
    rows = session.execute(
        select(
            ClassSession.state,
            ClassSession.district,
            ClassAnswer.sign,
            func.count(),
            func.sum(case((ClassAnswer.correct, 1), else_=0)),
        )
        .join(ClassAnswer, ClassAnswer.session_id == ClassSession.id)
        .where(ClassSession.created_at >= since)
        .group_by(ClassSession.state, ClassSession.district, ClassAnswer.sign)
    ).all()
    counts: dict[str, list[int]] = {}
    for state, district, sign, total, right in rows:
        if (state, district) in shown:
            pair = counts.setdefault(sign, [0, 0])
            pair[0] += int(total)
            pair[1] += int(right or 0)
    figures = [SignFigure(sign, right / total) for sign, (total, right) in counts.items() if total]
    return sorted(figures, key=lambda f: f.correct)
