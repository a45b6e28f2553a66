"""schemathesis against the OpenAPI of the intake endpoints: whatever it sends, never a 5xx.

Cases are generated from `/api/v1/openapi.json` of the real app (a real database, a valid API
key with `reports:submit`) for POST /api/v1/reports, GET/finish/retract, PUT files and POST
/api/v1/reports/cybertip, both schema-conforming and negative (schema-violating) ones, and sent
through the app. Each operation gets a bounded number of examples so the file runs in seconds.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from sqlalchemy.orm import Session
from tests.reports.factories import PNG_BYTES, bearer, declaration, example_body, submitted_id

INTAKE_PATHS = r"^/api/v1/reports"
EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def intake_schema(app: FastAPI) -> Any:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    return schema.include(path_regex=INTAKE_PATHS)


def _operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def test_the_schema_covers_every_intake_operation(intake_schema: Any) -> None:
    found = {(op.method.upper(), op.path) for op in _operations(intake_schema)}
    assert found == {
        ("POST", "/api/v1/reports"),
        ("POST", "/api/v1/reports/cybertip"),
        ("GET", "/api/v1/reports/{report_id}"),
        ("POST", "/api/v1/reports/{report_id}/finish"),
        ("POST", "/api/v1/reports/{report_id}/retract"),
        ("PUT", "/api/v1/reports/{report_id}/files/{name}"),
    }


def _existing_report(client: TestClient, auth: dict[str, str]) -> dict[str, str]:
    """Path parameters naming a real report of this client and a file it declared."""
    body = {**example_body(), "files": [declaration("evidence.png", PNG_BYTES)]}
    return {"report_id": submitted_id(client, auth, body), "name": "evidence.png"}


@pytest.mark.parametrize(
    ("mode", "target"),
    [
        (GenerationMode.POSITIVE, "generated ids"),
        (GenerationMode.NEGATIVE, "generated ids"),
        # With the ids fixed, GET/finish/retract have nothing left to break (negative mode
        # cannot generate for them); the upload still gets arbitrary bodies and content types.
        (GenerationMode.POSITIVE, "an existing report"),
    ],
)
def test_no_intake_operation_answers_5xx(
    intake_schema: Any, client: TestClient, db: Session, mode: GenerationMode, target: str
) -> None:
    auth = bearer(db)
    strategies = []
    for op in _operations(intake_schema):
        if target == "generated ids":
            strategies.append(op.as_strategy(generation_mode=mode))
        elif "{report_id}" in op.path:
            # Random ids only ever reach the 404 branch; a real report reaches the handlers.
            wanted = _existing_report(client, auth)
            path_parameters = {k: v for k, v in wanted.items() if "{" + k + "}" in op.path}
            strategies.append(op.as_strategy(generation_mode=mode, path_parameters=path_parameters))

    @given(case=st.one_of(strategies))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION * len(strategies),
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Case[Any]) -> None:
        headers = {**dict(case.headers or {}), **auth}
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error], headers=headers)

    check()
