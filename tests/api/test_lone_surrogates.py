"""A lone UTF-16 surrogate in a JSON body (``"\\ud800"``, legal JSON, unstorable text) is a
422 naming the field by its JSON path, on every JSON write, before the route runs: nothing is
written. A valid pair (an emoji written as two escapes) is ordinary text."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from fieldcrm.http.json_text import body_problem
from tests.rows import own_account, row
from tests.web import ClientFactory

CLAIRE, CAMILLE = 1, 4
JSON = {"Content-Type": "application/json"}


def _names(response: Response, path: str, label: str) -> None:
    """A 422 whose one problem is ``path``, and whose French message names it as ``label``."""
    assert response.status_code == 422, response.text
    body = response.json()
    assert [p["field"] for p in body["problems"]] == [path]
    assert "demi-paire UTF-16 isolée" in body["problems"][0]["message"]
    assert body["message"].startswith(f"{label} : caractère invalide (demi-paire UTF-16 isolée")


def test_an_account_edit_names_the_field_and_writes_nothing(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account = own_account(demo_db, CAMILLE)
    sql = "SELECT name, sector, version, updated_at FROM accounts WHERE id = :a"
    before = row(demo_db, sql, a=account)
    camille = api_as(CAMILLE)
    raw = b'{"sector": "Bar", "name": "Caf\\ud800 du Port"}'
    refused = camille.patch(
        f"/api/accounts/{account}", content=raw, headers={**JSON, "If-Match": "*"}
    )
    _names(refused, "name", "nom (name)")
    assert "position 4" in refused.json()["message"]
    assert row(demo_db, sql, a=account) == before
    # a surrogate pair is one character (😀): the same edit goes through
    paired = camille.patch(
        f"/api/accounts/{account}",
        content=b'{"sector": "Bar \\ud83d\\ude00"}',
        headers={**JSON, "If-Match": "*"},
    )
    assert paired.status_code == 200, paired.text
    assert row(demo_db, "SELECT sector FROM accounts WHERE id = :a", a=account) == ("Bar 😀",)


def test_a_rule_switch_names_the_field_and_changes_nothing(
    api_as: ClientFactory, demo_db: Session
) -> None:
    claire = api_as(CLAIRE)
    rule = "key: demi\nname: Demi\nwhen:\n  potential: {gt: 1}\nthen:\n  - priority: {add: 1}\n"
    saved = claire.put("/api/rules", content=rule, headers={"Content-Type": "application/yaml"})
    assert saved.status_code == 200, saved.text
    sql = "SELECT enabled, version FROM rules WHERE name = 'demi'"
    before = row(demo_db, sql)
    refused = claire.post(
        "/api/rules/demi/enabled",
        content=b'{"enabled": "\\udc00"}',
        headers={**JSON, "If-Match": saved.headers["ETag"]},
    )
    _names(refused, "enabled", "activation (enabled)")
    assert row(demo_db, sql) == before


def test_a_territory_edit_and_import_name_the_json_path(
    api_as: ClientFactory, demo_db: Session
) -> None:
    claire = api_as(CLAIRE)
    sql = "SELECT name, version, (SELECT count(*) FROM territories) FROM territories WHERE id = 1"
    before = row(demo_db, sql)
    renamed = claire.patch(
        "/api/territories/1",
        content=b'{"name": "Riviera \\uDBFF"}',
        headers={**JSON, "If-Match": "*"},
    )
    _names(renamed, "name", "nom (name)")
    feature = (
        b'{"type": "Feature", "properties": {"name": "Nord \\ud800"}, "geometry": {"type":'
        b' "Polygon", "coordinates": [[[7, 43], [7.1, 43], [7.1, 43.1], [7, 43]]]}}'
    )
    imported = claire.post(
        "/api/territories/import",
        content=b'{"type": "FeatureCollection", "features": [{}, ' + feature + b"]}",
        headers=JSON,
    )
    _names(imported, "features[1].properties.name", "nom (features[1].properties.name)")
    key = claire.post(
        "/api/territories/import",
        content=b'{"type": "FeatureCollection", "features\\ud800": []}',
        headers=JSON,
    )
    assert key.status_code == 422 and key.json()["field"] == "features\\ud800"
    assert row(demo_db, sql) == before


def test_any_json_write_is_covered_even_before_the_login(anonymous: TestClient) -> None:
    """The check needs no route of its own: a visit, an appointment, even a login."""
    login = anonymous.post(
        "/api/auth/login", content=b'{"email": "a@b.fr", "password": "x\\ud800"}', headers=JSON
    )
    _names(login, "password", "mot de passe (password)")


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b'{"a": "\\ud83d\\ude00"}', None),  # a pair: one character
        (b'{"a": "\\\\ud800"}', None),  # an escaped backslash, then text
        (b'{"a": "x\\\\ud800\\udc00"}', "a"),  # an escaped backslash, then a low half alone
        (b'{"a": "caf\\u00e9"}', None),
        (b'{"a": "\\ud83d"}', "a"),  # a high half alone
        (b'{"a": "\\uDE00 x"}', "a"),  # a low half alone, capitals
        (b'{"a": "\\ud83d\\ud83d\\ude00"}', "a"),  # a high half before a pair
        (b'{"a": [{"b": 1}, {"b": ["ok", "\\udfff"]}]}', "a[1].b[1]"),
        (b'["x", {"t": "\\ud800"}]', "[1].t"),
        (b'"\\ud800"', "body"),
        (b'{"a": "\\ud800"', None),  # no JSON: the route answers it
    ],
)
def test_the_check_finds_lone_halves_only_and_names_their_path(
    raw: bytes, field: str | None
) -> None:
    problem = body_problem(raw)
    assert (problem.field if problem else None) == field
