"""Every API operation answers what its OpenAPI document says, as each role (admin, dispatcher,
manager, rep).

Schemathesis reads the app's document and Hypothesis generates a few requests for each
operation (derandomized: the same requests every run); each answer must have a documented
status, a body valid against the schema of that status, and never be a server error. The app
runs on the rolled-back demo session; each operation starts with a fresh login, so an operation
that ends sessions (logout) does not blind the next ones; geocoding uses the shipped gazetteer
only (no request leaves the machine).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import Session

from fieldcrm.api import geocoding
from fieldcrm.geocoding.chain import GeocoderChain, build_chain
from fieldcrm.geocoding.gazetteer import load_gazetteer
from tests.web import EMAILS, PASSWORD, make_client

EXAMPLES = 4
"""Requests per operation and role: enough to reach the handler with valid and invalid input."""
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
ROLES = {"admin": 3, "dispatcher": 2, "manager": 1, "rep": 4}


def _offline_chain() -> GeocoderChain:
    """The shipped gazetteer only: no request leaves the machine."""
    return build_chain(["offline"], gazetteer=load_gazetteer(), threshold=0.6, max_retries=0)


def _explain(exc: BaseException) -> str:
    """The message of ``exc`` and of every exception it groups."""
    text = str(exc)
    for inner in getattr(exc, "exceptions", ()):
        text += "\n" + _explain(inner)
    return text


def _checker(operation: Any, headers: dict[str, str]) -> Callable[[], None]:
    """A Hypothesis test sending a few generated requests to ``operation`` with ``headers``."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    return check  # type: ignore[no-any-return]


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_answer_conforms_to_the_schema(demo_db: Session, role: str) -> None:
    client = make_client(demo_db)
    client.app.dependency_overrides[geocoding.get_chain] = _offline_chain  # type: ignore[attr-defined]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", client.app)
    failures: dict[str, str] = {}
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        login = client.post(
            "/api/auth/login", json={"email": EMAILS[ROLES[role]], "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['token']}"}

        check = _checker(operation, headers)
        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # a report for every operation
            failures[f"{operation.method.upper()} {operation.path}"] = _explain(exc)[:3000]
        checked += 1
    assert checked >= 80
    assert not failures, f"{len(failures)} operations as {role}:\n\n" + "\n\n".join(
        f"{op}:\n{msg}" for op, msg in failures.items()
    )
