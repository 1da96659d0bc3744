"""A bounded Schemathesis run as each role: no API operation answers a server error.

Schemathesis reads the app's OpenAPI document and Hypothesis generates valid and invalid
requests for each operation (a few per operation, derandomized: the same cases every run);
the app runs on the rolled-back demo session as a rep, a manager, a dispatcher and an
admin, so requests get past authorisation into each role's code paths. Operations that end
the session (logout, disabling or resetting a user, logins that count towards throttling)
run last; the session is opened again whenever a case revoked it.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from sqlalchemy.orm import Session

from tests.web import EMAILS, PASSWORD, make_client

EXAMPLES = 3
"""Cases per operation and role (valid and invalid mixed): enough to reach each handler."""
LAST = ("/api/auth", "/api/users")
"""Paths whose cases may end the session or throttle logins: fuzzed after the others."""
ROLES = {"rep": 4, "manager": 1, "dispatcher": 2, "admin": 3}
TIMEOUT_S = 120  # a slow answer on a busy machine is not a failure; a 5xx is


def _token(client: TestClient, user_id: int) -> str | None:
    response = client.post("/api/auth/login", json={"email": EMAILS[user_id], "password": PASSWORD})
    return response.json()["token"] if response.status_code == 200 else None


@pytest.mark.parametrize("user_id", list(ROLES.values()), ids=list(ROLES))
def test_no_operation_answers_a_server_error_as_any_role(demo_db: Session, user_id: int) -> None:
    client = make_client(demo_db)
    token = _token(client, user_id)
    assert token is not None
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", client.app, timeout=TIMEOUT_S)
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda op: (op.path.startswith(LAST), op.path, op.method),
    )
    failures: dict[str, str] = {}
    for operation in operations:
        strategy = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            try:
                case.call_and_validate(
                    headers=headers, checks=[not_a_server_error], timeout=TIMEOUT_S
                )
            except Exception as exc:  # name the input that broke it, for the report
                raise AssertionError(
                    f"{str(exc)[:300]}\n{case.method} {case.formatted_path} "
                    f"query={case.query!r} body={str(case.body)[:300]}"
                ) from exc

        try:
            check()
        except Exception as exc:  # one report for every operation, not only the first
            failures[f"{operation.method.upper()} {operation.path}"] = str(exc)[:900]
        if client.get("/api/auth/me", headers=headers).status_code == 401:
            token = _token(client, user_id)  # a case logged out or revoked the session
            if token is None:  # the user was disabled or their password changed: stop here
                break
            headers["Authorization"] = f"Bearer {token}"
    assert len(operations) >= 90
    assert not failures, "\n\n".join(f"{op}:\n{msg}" for op, msg in failures.items())
