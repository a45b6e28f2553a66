"""Demo data for the schools pages: the demo teacher's class sessions with synthetic answers."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.audit.service import SYSTEM
from perisai.education import schools
from perisai.education.quizzes import mark, quiz
from perisai.identity.models import User
from perisai.runtime import Runtime

DEMO_TEACHER = "teacher@demo.perisai.my"
# (audience, state, district, label, pupils, how often each question is answered right)
CLASSES = (
    ("children", "Selangor", "Petaling", "5 Bestari", 24, 0.8),
    ("teens", "Selangor", "Petaling", "3 Amanah", 18, 0.7),
    ("children", "Johor", "Muar", "6 Cemerlang", 14, 0.75),
    ("teens", "Kelantan", "Jeli", "2 Dahlia", 6, 0.6),  # under 10: suppressed everywhere
)


def seed(runtime: Runtime, session: Session) -> None:
    teacher = session.scalar(select(User).where(User.email == DEMO_TEACHER))
    if teacher is None:
        return
    chance = random.Random(21)  # the same demo every time  # noqa: S311 - not security
    for audience, state, district, label, pupils, right in CLASSES:
        found = schools.start_session(
            session,
            actor=SYSTEM,
            teacher_id=teacher.id,
            audience=audience,
            state=state,
            district=district,
            label=label,
            minutes=120,
        )
        for _ in range(pupils):
            answers = {
                q.id: str(q.answer if chance.random() < right else (q.answer + 1) % 3)
                for q in quiz(found.audience)  # type: ignore[arg-type]
            }
            marked = mark(found.audience, answers)  # type: ignore[arg-type]
            schools.submit_answers(session, class_session=found, marked=marked)
