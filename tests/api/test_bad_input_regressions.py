"""Bad input answers 4xx naming the field, never 500, and nothing is written (issue 16).

Each test is one reported attack: a PATCH given an object, a boolean, a list or a lone
surrogate where text is expected; a visit dated year 1; a deeply nested rule; a YAML
"billion laughs"; an upload over the size cap; a broken workbook.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.accounts.french_csv import XLSX_UNREADABLE
from fieldcrm.scoring.rules import MAX_CONDITION_DEPTH, MAX_NESTING
from tests.rows import own_account
from tests.web import ClientFactory

CLAIRE_MANAGER, ADMIN, CAMILLE_REP = 1, 3, 4


def _account_row(db: Session, account_id: int) -> tuple[object, ...]:
    return tuple(
        db.execute(
            text(
                "SELECT name, city, phone, notes, employees, opening_hours, updated_at "
                "FROM accounts WHERE id = :id"
            ),
            {"id": account_id},
        ).one()
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"city": {"a": 1}}, "city"),
        ({"name": True}, "name"),
        ({"phone": ["06", "07"]}, "phone"),
        ({"notes": "ok", "employees": "beaucoup"}, "employees"),
        ({"employees": True}, "employees"),
        ({"opening_hours": "closed"}, "opening_hours"),
        ({"opening_hours": {"mon": [["25:00", "26:00"]]}}, "opening_hours"),
        ({"kind": {"x": 1}}, "kind"),
        ({"name": "x" * 301}, "name"),
        ({"city": "Nice\x00"}, "city"),
        ({"potential_eur_month": 1e15}, "potential_eur_month"),
        ({"siret": 12345678901234}, "siret"),
    ],
)
def test_patch_with_a_wrong_type_is_a_422_naming_the_field_and_writes_nothing(
    api_as: ClientFactory, demo_db: Session, body: dict[str, object], field: str
) -> None:
    account = own_account(demo_db, CAMILLE_REP)
    before = _account_row(demo_db, account)
    response = api_as(CAMILLE_REP).patch(f"/api/accounts/{account}", json=body)
    assert response.status_code == 422, response.text
    assert field in [p["field"] for p in response.json()["problems"]]
    assert _account_row(demo_db, account) == before


def test_patch_with_a_lone_surrogate_is_a_422_naming_the_field(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account = own_account(demo_db, CAMILLE_REP)
    before = _account_row(demo_db, account)
    raw = b'{"name": "Caf\\ud800 du Port", "city": "Nice"}'  # JSON allows the escape
    response = api_as(CAMILLE_REP).patch(
        f"/api/accounts/{account}", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    problems = response.json()["problems"]
    assert [p["field"] for p in problems] == ["name"]
    assert "demi-paire UTF-16" in problems[0]["message"]
    assert _account_row(demo_db, account) == before


def test_a_valid_patch_still_writes_and_normalises(api_as: ClientFactory, demo_db: Session) -> None:
    account = own_account(demo_db, CAMILLE_REP)
    response = api_as(CAMILLE_REP).patch(
        f"/api/accounts/{account}",
        json={"city": "  Menton ", "siret": "732 829 320 00074", "employees": 12},
        headers={"If-Match": "*"},
    )
    assert response.status_code == 200, response.text
    row = demo_db.execute(
        text("SELECT city, siret, employees FROM accounts WHERE id = :id"), {"id": account}
    ).one()
    assert tuple(row) == ("Menton", "73282932000074", 12)


def test_create_with_an_object_for_a_name_is_a_422(api_as: ClientFactory, demo_db: Session) -> None:
    count = demo_db.execute(text("SELECT count(*) FROM accounts")).scalar_one()
    response = api_as(CAMILLE_REP).post(
        "/api/accounts", json={"name": {"a": 1}, "postcode": "06000", "city": "Nice"}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "name"
    assert demo_db.execute(text("SELECT count(*) FROM accounts")).scalar_one() == count


@pytest.mark.parametrize("at", ["0001-01-01T10:00:00Z", "1999-12-31T10:00:00+01:00"])
def test_a_visit_dated_out_of_range_is_refused_before_anything_is_written(
    api_as: ClientFactory, demo_db: Session, at: str
) -> None:
    account = own_account(demo_db, CAMILLE_REP)
    rep = api_as(CAMILLE_REP)
    visits = "SELECT count(*) FROM activities WHERE account_id = :id"
    before = demo_db.execute(text(visits), {"id": account}).scalar_one()
    response = rep.post(
        "/api/visits",
        json={"account_id": account, "client_key": "year-one-visit", "kind": "visit", "at": at},
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "at"
    assert demo_db.execute(text(visits), {"id": account}).scalar_one() == before
    assert rep.get(f"/api/accounts/{account}").status_code == 200
    assert api_as(CLAIRE_MANAGER).get(f"/api/accounts/{account}").status_code == 200


def test_an_account_with_an_old_visit_stored_still_opens(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """A year-1 visit written before the check (or by hand) does not lock the account."""
    account = own_account(demo_db, CAMILLE_REP)
    demo_db.execute(
        text(
            "INSERT INTO activities (account_id, rep_id, kind, occurred_at, client_key) "
            "VALUES (:id, :rep, 'visit', '0001-01-01 10:00+00', 'ancient-visit-1')"
        ),
        {"id": account, "rep": CAMILLE_REP},
    )
    for user in (CAMILLE_REP, CLAIRE_MANAGER, ADMIN):
        response = api_as(user).get(f"/api/accounts/{account}")
        assert response.status_code == 200, (user, response.text)


def _nested_rule(depth: int) -> str:
    when = "potential: {gt: 1}"
    for _ in range(depth):
        when = f"not: {{{when}}}"
    return f"key: deep\nname: Profonde\nwhen: {{{when}}}\nthen: [{{priority: {{add: 5}}}}]\n"


@pytest.mark.parametrize("depth", [MAX_CONDITION_DEPTH + 1, 3000])
def test_deeply_nested_rules_are_a_422_with_the_limit(
    api_as: ClientFactory, demo_db: Session, depth: int
) -> None:
    count = demo_db.execute(text("SELECT count(*) FROM rules")).scalar_one()
    manager = api_as(CLAIRE_MANAGER)
    for path in ("/api/rules/validate", "/api/rules"):
        call = manager.post if path.endswith("validate") else manager.put
        response = call(path, content=_nested_rule(depth).encode(), headers=_YAML)
        assert response.status_code == 422, response.text
        detail = response.json()["detail"]
        assert str(MAX_CONDITION_DEPTH) in detail or str(MAX_NESTING) in detail
    assert demo_db.execute(text("SELECT count(*) FROM rules")).scalar_one() == count


def test_a_rule_just_within_the_nesting_limit_is_valid(api_as: ClientFactory) -> None:
    response = api_as(CLAIRE_MANAGER).post(
        "/api/rules/validate",
        content=_nested_rule(MAX_CONDITION_DEPTH - 1).encode(),
        headers=_YAML,
    )
    assert response.status_code == 200, response.text


_YAML = {"Content-Type": "application/yaml"}
BILLION_LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]\n"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "key: lol\nname: lol\nwhen: {potential: {gt: 1}}\nthen: [{priority: {add: 1}}]\n"
)


def test_yaml_aliases_are_refused_at_once(api_as: ClientFactory) -> None:
    assert len(BILLION_LAUGHS.encode()) < 600
    response = api_as(CLAIRE_MANAGER).post(
        "/api/rules/validate", content=BILLION_LAUGHS.encode(), headers=_YAML
    )
    assert response.status_code == 422, response.text
    assert "aliases" in response.json()["detail"]


def test_an_upload_over_the_cap_is_a_413_in_french(
    api_as: ClientFactory, anonymous: TestClient
) -> None:
    admin = api_as(ADMIN)
    settings = admin.app.state.settings  # type: ignore[attr-defined]
    small_cap = settings.model_copy(update={"upload_max_mb": 0.01})  # 10 kB (+ 64 kB of form)
    big = b"Raison sociale;Ville\n" + b"Caf\xc3\xa9 du Port;Nice\n" * 6000  # 114 kB
    files = {"file": ("big.csv", big, "text/csv")}
    for client in (admin, anonymous):
        client.app.state.settings = small_cap  # type: ignore[attr-defined]
    # declared length over the cap: refused before the body is read, even before the login
    api = admin.post("/api/imports/accounts", files=files)
    assert api.status_code == 413, api.text[:300]
    assert "fichier trop volumineux : 0,01 Mo au plus" in api.json()["detail"]
    page = admin.post("/import", data={"kind": "accounts"}, files=files)
    assert page.status_code == 413
    assert "fichier trop volumineux" in page.text
    assert anonymous.post("/api/imports/accounts", files=files).status_code == 413
    tiny = {"file": ("small.csv", b"Raison sociale;Ville\nA;Nice\n", "text/csv")}
    assert anonymous.post("/api/imports/accounts", files=tiny).status_code == 401
    # over the cap but inside the form's slack: read, then refused by its size
    admin.app.state.settings = settings.model_copy(update={"upload_max_mb": 0.1})  # type: ignore[attr-defined]
    api = admin.post("/api/imports/accounts", files=files)
    assert api.status_code == 413, api.text[:300]
    assert api.json()["field"] == "file"
    assert api.json()["detail"].startswith("file: fichier trop volumineux : 0,1 Mo au plus.")


def _truncated_xlsx() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    book = Workbook()
    book.active.append(["Raison sociale", "Ville"])
    book.active.append(["Café du Port", "Nice"])
    book.save(buffer)
    return buffer.getvalue()[:-200]


def _xlsx_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


ENCRYPTED_HEAD = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504  # an OLE file: Excel + password


@pytest.mark.parametrize(
    "data", [_truncated_xlsx(), b"Raison sociale;Ville\n", _xlsx_without_workbook(), ENCRYPTED_HEAD]
)
def test_a_broken_workbook_is_refused_with_one_french_message(
    api_as: ClientFactory, demo_db: Session, data: bytes
) -> None:
    count = demo_db.execute(text("SELECT count(*) FROM accounts")).scalar_one()
    response = api_as(ADMIN).post(
        "/api/imports/accounts", files={"file": ("comptes.xlsx", data, "application/octet-stream")}
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"] == f"file: {XLSX_UNREADABLE} (got 'comptes.xlsx')"  # its name
    assert demo_db.execute(text("SELECT count(*) FROM accounts")).scalar_one() == count


def test_a_visit_report_with_a_lone_surrogate_is_a_422(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """Pydantic refuses the text, and its error (which echoes the input) is still answered."""
    account = own_account(demo_db, CAMILLE_REP)
    raw = (
        f'{{"account_id": {account}, "client_key": "surrogate-visit-1", "report": "caf\\ud800"}}'
    ).encode()
    response = api_as(CAMILLE_REP).post(
        "/api/visits", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert "UTF-16" in response.json()["detail"]
    count = demo_db.execute(
        text("SELECT count(*) FROM activities WHERE client_key = 'surrogate-visit-1'")
    ).scalar_one()
    assert count == 0


def test_a_lone_surrogate_no_check_caught_is_still_a_422(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """The safety net: text the database cannot encode never becomes a 500."""
    account = own_account(demo_db, CAMILLE_REP)
    raw = (
        f'{{"account_id": {account}, "date": "2026-04-20", "time": "09:00",'
        f' "duration_minutes": 30, "title": "RDV \\udc00"}}'
    ).encode()
    before = demo_db.execute(text("SELECT count(*) FROM appointments")).scalar_one()
    response = api_as(CAMILLE_REP).post(
        "/api/appointments", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert demo_db.execute(text("SELECT count(*) FROM appointments")).scalar_one() == before


@pytest.mark.parametrize(
    "path",
    [
        "/api/costs/months/2\u0660\u0662\u0665-01/validation",  # Arabic-Indic digits
        "/api/costs/months/0000-01/validation",
    ],
)
def test_a_month_in_other_digits_or_year_zero_is_a_422(
    api_as: ClientFactory, demo_db: Session, path: str
) -> None:
    answer = api_as(CLAIRE_MANAGER).post(path, json={"rep_id": CAMILLE_REP})
    assert answer.status_code == 422, answer.text
