"""Every API operation, fed generated input (valid and invalid), answers below 500.

Schemathesis reads the app's OpenAPI document and Hypothesis generates requests for each
operation; the app runs on the rolled-back demo session, called with the admin's token (the
admin may reach every route, so requests get past authorisation into the handlers).
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy.orm import Session

from tests.web import EMAILS, PASSWORD, make_client

EXAMPLES = 10


def test_no_operation_answers_a_server_error(demo_db: Session) -> None:
    client = make_client(demo_db)
    token = client.post("/api/auth/login", json={"email": EMAILS[3], "password": PASSWORD}).json()[
        "token"
    ]
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", client.app)
    failures: dict[str, str] = {}
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        try:
            check()
        except Exception as exc:  # one report for every operation, not only the first
            failures[f"{operation.method.upper()} {operation.path}"] = str(exc)[:500]
        checked += 1
    assert checked >= 10
    assert not failures, "\n\n".join(f"{op}:\n{msg}" for op, msg in failures.items())
