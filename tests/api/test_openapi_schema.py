"""The OpenAPI document describes every answer: a typed 2xx body for each operation, and the
errors (with the app's error body) an operation behind the login may answer.

No database: the document is built from the routes alone.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import sessionmaker

from fieldcrm.api.schemas.accounts import AccountOut
from fieldcrm.api.schemas.people import UserOut, VisitOut
from fieldcrm.app import create_app
from fieldcrm.config import Settings
from fieldcrm.store.accounts import AccountRow
from fieldcrm.store.users import UserRow
from fieldcrm.store.visits import VisitRow
from tests.web import TEST_SECRET

NO_LOGIN = {
    ("post", "/api/auth/login"),
    ("post", "/api/auth/logout"),
    ("post", "/api/auth/password-reset"),
    ("get", "/api/calendar/feed.ics"),
}
"""The only operations that work without a session."""


@pytest.fixture(scope="module")
def app() -> FastAPI:
    settings = Settings(
        database_url="postgresql+psycopg://unused/unused",
        secret_key=TEST_SECRET,
        secure_cookies=False,
        _env_file=None,
    )
    return create_app(settings, sessions=sessionmaker())


@pytest.fixture(scope="module")
def spec(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = spec["components"]["schemas"][name]
    return schema


def untyped(spec: dict[str, Any], schema: dict[str, Any] | None) -> str | None:
    """Why ``schema`` says nothing about a JSON answer (None when it is typed)."""
    if not schema:
        return "no schema"
    schema = _resolve(spec, schema)
    if "anyOf" in schema:
        reasons = [untyped(spec, s) for s in schema["anyOf"] if s.get("type") != "null"]
        return next((r for r in reasons if r), None)
    kind = schema.get("type")
    if kind == "array":
        return untyped(spec, schema.get("items"))
    if kind == "object":
        values = schema.get("additionalProperties")
        if schema.get("properties"):
            return None
        if isinstance(values, dict) and values:
            return untyped(spec, values)
        return "an object of anything"
    if kind in {"string", "integer", "number", "boolean"}:
        return None
    return f"no type ({sorted(schema)})"


def test_the_checker_refuses_an_untyped_answer(spec: dict[str, Any]) -> None:
    assert untyped(spec, {}) == "no schema"
    assert untyped(spec, {"type": "object", "additionalProperties": True}) is not None
    assert untyped(spec, {"type": "array", "items": {"type": "object"}}) is not None
    assert untyped(spec, {"type": "object", "additionalProperties": {"type": "integer"}}) is None
    assert untyped(spec, {"$ref": "#/components/schemas/PlanOut"}) is None


def test_every_operation_has_a_typed_success_answer(spec: dict[str, Any]) -> None:
    problems = []
    operations = _operations(spec)
    for method, path, op in operations:
        ok = {code: r for code, r in op["responses"].items() if code.startswith("2")}
        if not ok:
            problems.append(f"{method.upper()} {path}: no 2xx answer")
        for code, answer in ok.items():
            content = answer.get("content")
            if code == "204":
                if content:
                    problems.append(f"{method.upper()} {path}: 204 with a body")
                continue
            if not content:
                problems.append(f"{method.upper()} {path}: {code} without content")
                continue
            for media, body in content.items():
                if media == "application/json":
                    why = untyped(spec, body.get("schema"))
                elif body.get("schema", {}).get("type") == "string":
                    why = None  # a file: CSV, XLSX, PDF, iCalendar
                else:
                    why = "a file without a string schema"
                if why:
                    problems.append(f"{method.upper()} {path} {code} {media}: {why}")
    assert len(operations) >= 80
    assert not problems, "\n".join(problems)


def test_operations_behind_the_login_declare_their_errors(spec: dict[str, Any]) -> None:
    missing = []
    for method, path, op in _operations(spec):
        if (method, path) in NO_LOGIN:
            continue
        needed = {"401", "403", "404", "422"} | ({"409"} if method != "get" else set())
        for code in sorted(needed - set(op["responses"])):
            missing.append(f"{method.upper()} {path}: {code}")
        body = op["responses"]["403"]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/ErrorBody"}, path
    assert not missing, "\n".join(missing)


def test_the_error_body_and_refused_fields_are_described(spec: dict[str, Any]) -> None:
    error = spec["components"]["schemas"]["ErrorBody"]
    assert set(error["required"]) == {"detail", "error"}
    assert {"field", "problems"} <= set(error["properties"])
    refused = spec["paths"]["/api/accounts"]["get"]["responses"]["422"]
    options = refused["content"]["application/json"]["schema"]["anyOf"]
    assert {"$ref": "#/components/schemas/ErrorBody"} in options
    assert {"$ref": "#/components/schemas/RequestRefused"} in options


def test_operations_without_login_do_not_claim_a_401(spec: dict[str, Any]) -> None:
    for method, path in NO_LOGIN:
        assert "401" not in spec["paths"][path][method]["responses"], path


@pytest.mark.parametrize(
    ("model", "row", "added"),
    [
        (AccountOut, AccountRow, set()),
        (UserOut, UserRow, set()),
        (VisitOut, VisitRow, {"created", "warning"}),
    ],
)
def test_answer_models_that_copy_a_row_keep_every_field_of_it(
    model: Any, row: Any, added: set[str]
) -> None:
    """A field added to the row must be added to the answer (else it would vanish)."""
    assert set(model.model_fields) == {f.name for f in dataclasses.fields(row)} | added
