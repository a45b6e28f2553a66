"""Age answers: `{"18": True, ...}` read from disclosed claims only, and what they say about N."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from perisai.age.errors import Reason, fail

MAX_AGE = 150
_AGE_KEY = re.compile(r"^(0|[1-9][0-9]{0,2})$")
_IS_OVER = re.compile(r"^is_over_(0|[1-9][0-9]{0,2})$")
_AGE_OVER = re.compile(r"^age_over_(0|[1-9][0-9]{0,2})$")

Answer = bool | Literal["unknown"]


def add_answer(answers: dict[str, bool], age: str, value: object, where: str) -> None:
    if not isinstance(value, bool) or int(age) > MAX_AGE:
        raise fail(Reason.AGE_CLAIM_INVALID, f"{where} must be a boolean for an age up to 150")
    key = str(int(age))
    if answers.get(key, value) is not value:
        raise fail(Reason.AGE_CLAIMS_CONFLICT, f"two different answers for age {key}")
    answers[key] = value


def from_sd_jwt_claims(claims: dict[str, object]) -> dict[str, bool]:
    """`age_equal_or_over` ({"18": true}) and `is_over_NN` claims of a processed payload."""
    answers: dict[str, bool] = {}
    nested = claims.get("age_equal_or_over")
    if nested is not None:
        if not isinstance(nested, dict):
            raise fail(Reason.AGE_CLAIM_INVALID, "age_equal_or_over is not an object")
        for age, value in nested.items():
            if not _AGE_KEY.match(age):
                raise fail(Reason.AGE_CLAIM_INVALID, "age_equal_or_over has a key that is no age")
            add_answer(answers, age, value, f"age_equal_or_over[{age!r}]")
    for name, value in claims.items():
        found = _IS_OVER.match(name)
        if found:
            add_answer(answers, found.group(1), value, name)
    return answers


def from_mdoc_elements(elements: Iterable[tuple[str, object]]) -> dict[str, bool]:
    """`age_over_NN` data elements (identifier, value)."""
    answers: dict[str, bool] = {}
    for identifier, value in elements:
        found = _AGE_OVER.match(identifier)
        if found:
            add_answer(answers, found.group(1), value, identifier)
    return answers


def answer(age_over: dict[str, bool], over: int) -> Answer:
    """Is the holder at least `over`? True if any threshold ≥ over is true; False if any
    threshold ≤ over is false; otherwise (nothing said, or contradictory) "unknown"."""
    yes = any(value and int(age) >= over for age, value in age_over.items())
    no = any(not value and int(age) <= over for age, value in age_over.items())
    if yes == no:
        return "unknown"
    return yes


def sorted_answers(age_over: dict[str, bool]) -> dict[str, bool]:
    return {key: age_over[key] for key in sorted(age_over, key=int)}
