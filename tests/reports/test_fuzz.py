"""Property-based garbage: whatever JSON arrives, intake answers 2xx or 4xx, never 5xx."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session
from tests.reports.factories import REPORTS, bearer, example_body, fresh_key

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
# Function-scoped fixtures are fine here: every example is one more request in the same
# rolled-back transaction, and nothing depends on a fresh database per example.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _replace(body: Any, path: tuple[Any, ...], value: Any) -> None:
    target = body
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


@FUZZ
@given(body=JSON)
def test_arbitrary_json_is_never_a_server_error(client: TestClient, db: Session, body: Any) -> None:
    response = client.post(
        REPORTS, json=body, headers={**bearer(db), "Idempotency-Key": fresh_key()}
    )
    assert response.status_code == 422
    assert response.json()["errors"]


@FUZZ
@given(data=st.data())
def test_one_corrupted_field_is_never_a_server_error(
    client: TestClient, db: Session, data: st.DataObject
) -> None:
    body = example_body()
    path = data.draw(st.sampled_from(_paths(body)))
    _replace(body, path, data.draw(JSON))
    response = client.post(
        REPORTS, json=body, headers={**bearer(db), "Idempotency-Key": fresh_key()}
    )
    assert response.status_code in (201, 422), response.text
    if response.status_code == 422:
        assert all(error["field"] for error in response.json()["errors"])
