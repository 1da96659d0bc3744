"""An API client must name the version it read to change a stored account, territory or rule.

Without ``If-Match`` the write answers 428 with a French message naming the header and how to
get it (a GET, its ``ETag``), and nothing is written; the caller's rights are checked first
(a caller who may not edit still gets 403/404, never a 428 that would confirm the row).
``If-Match: *`` is an explicit "whatever the version". Creating a rule needs no version.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import PreconditionRequired
from fieldcrm.http.error_text import describe
from tests.rows import own_account, row
from tests.web import ClientFactory

CLAIRE, ADMIN, CAMILLE, JULIEN = 1, 3, 4, 5
YAML = {"Content-Type": "application/yaml"}
RULE = (
    "key: sans-version\nname: Sans version\nperiod: month\n"
    "when:\n  potential: {gt: 50000}\nthen:\n  - priority: {add: %d}\n"
)
FRENCH = (
    "En-tête If-Match obligatoire pour modifier {what} : faites d’abord un GET pour lire son "
    "ETag, puis renvoyez-le dans l’en-tête If-Match (sans cela, une modification faite "
    "entre-temps serait écrasée)."
)


def _refused(response: Response, what: str) -> None:
    assert response.status_code == 428, response.text
    body = response.json()
    assert body["error"] == "PreconditionRequired"
    assert body["message"] == FRENCH.format(what=what)


def test_an_account_edit_without_if_match_is_a_428_and_writes_nothing(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account = own_account(demo_db, CAMILLE)
    before = row(
        demo_db, "SELECT sector, version, edited_by FROM accounts WHERE id = :a", a=account
    )
    audits = "SELECT count(*) FROM audit_log WHERE entity = 'account' AND entity_id = :a"
    audited = demo_db.execute(text(audits), {"a": str(account)}).scalar_one()
    camille = api_as(CAMILLE)
    refused = camille.patch(f"/api/accounts/{account}", json={"sector": "Glacier"})
    _refused(refused, f"le compte {account}")
    after = row(demo_db, "SELECT sector, version, edited_by FROM accounts WHERE id = :a", a=account)
    assert after == before
    assert demo_db.execute(text(audits), {"a": str(account)}).scalar_one() == audited
    # a blank header is no version either
    blank = camille.patch(
        f"/api/accounts/{account}", json={"sector": "Glacier"}, headers={"If-Match": " "}
    )
    assert blank.status_code == 428
    # the rights come first: Julien may not edit Camille's account, with or without a version
    assert api_as(JULIEN).patch(f"/api/accounts/{account}", json={"sector": "x"}).status_code == 403
    assert api_as(CLAIRE).patch("/api/accounts/2147483647", json={"sector": "x"}).status_code == 404
    # read, then send the ETag: it goes through and bumps the version
    etag = camille.get(f"/api/accounts/{account}").headers["ETag"]
    done = camille.patch(
        f"/api/accounts/{account}", json={"sector": "Glacier"}, headers={"If-Match": etag}
    )
    assert done.status_code == 200, done.text
    assert done.headers["ETag"] == f'"{int(str(before[1])) + 1}"'
    # "*" says "whatever the version" explicitly
    anyway = camille.patch(
        f"/api/accounts/{account}", json={"sector": "Bar"}, headers={"If-Match": "*"}
    )
    assert anyway.status_code == 200
    assert row(demo_db, "SELECT sector FROM accounts WHERE id = :a", a=account) == ("Bar",)


def test_a_territory_edit_or_deletion_without_if_match_is_a_428(
    api_as: ClientFactory, demo_db: Session
) -> None:
    before = row(demo_db, "SELECT name, priority, version FROM territories WHERE id = 1")
    claire = api_as(CLAIRE)
    _refused(claire.patch("/api/territories/1", json={"priority": 8}), "le territoire 1")
    _refused(claire.delete("/api/territories/1"), "le territoire 1")
    assert row(demo_db, "SELECT name, priority, version FROM territories WHERE id = 1") == before
    assert api_as(CAMILLE).delete("/api/territories/1").status_code == 403  # rights first
    stale = claire.delete("/api/territories/1", headers={"If-Match": '"999"'})
    assert stale.status_code == 409
    assert demo_db.execute(text("SELECT count(*) FROM territories WHERE id = 1")).scalar_one()
    etag = claire.get("/api/territories/1").headers["ETag"]
    assert claire.delete("/api/territories/1", headers={"If-Match": etag}).status_code == 204
    gone = demo_db.execute(text("SELECT count(*) FROM territories WHERE id = 1")).scalar_one()
    assert gone == 0


def test_a_rule_is_created_without_if_match_but_not_replaced(
    api_as: ClientFactory, demo_db: Session
) -> None:
    claire = api_as(CLAIRE)
    created = claire.put("/api/rules", content=RULE % 5, headers=YAML)
    assert created.status_code == 200 and created.headers["ETag"] == '"1"'
    stored = "SELECT definition, enabled, version FROM rules WHERE name = 'sans-version'"
    before = row(demo_db, stored)
    _refused(claire.put("/api/rules", content=RULE % 7, headers=YAML), "la règle « sans-version »")
    _refused(
        claire.post("/api/rules/sans-version/enabled", json={"enabled": False}),
        "la règle « sans-version »",
    )
    _refused(claire.delete("/api/rules/sans-version"), "la règle « sans-version »")
    assert row(demo_db, stored) == before
    assert api_as(CAMILLE).delete("/api/rules/sans-version").status_code == 403  # rights first
    assert claire.delete("/api/rules/pas-de-telle-regle").status_code == 404
    replaced = claire.put("/api/rules", content=RULE % 7, headers={**YAML, "If-Match": '"1"'})
    assert replaced.status_code == 200 and replaced.headers["ETag"] == '"2"'
    gone = claire.delete("/api/rules/sans-version", headers={"If-Match": '"2"'})
    assert gone.status_code == 204
    count = "SELECT count(*) FROM rules WHERE name = 'sans-version'"
    assert demo_db.execute(text(count)).scalar_one() == 0


def test_the_message_reads_in_english_too(api_as: ClientFactory, demo_db: Session) -> None:
    account = own_account(demo_db, CAMILLE)
    english = api_as(CAMILLE).patch(
        f"/api/accounts/{account}", params={"lang": "en"}, json={"sector": "x"}
    )
    assert english.status_code == 428
    assert english.json()["message"] == (
        f"account {account}: the If-Match header is required; GET the account first and send "
        "its ETag as If-Match (without it a change made meanwhile would be overwritten)"
    )
    assert describe(PreconditionRequired("rule", "clé"), "fr").startswith(
        "En-tête If-Match obligatoire pour modifier la règle « clé » :"
    )


def test_the_api_document_declares_the_428_where_if_match_is_read(anonymous: TestClient) -> None:
    paths = anonymous.get("/api/openapi.json").json()["paths"]
    with_version = {
        ("patch", "/api/accounts/{account_id}"),
        ("patch", "/api/territories/{territory_id}"),
        ("delete", "/api/territories/{territory_id}"),
        ("put", "/api/rules"),
        ("post", "/api/rules/{key}/enabled"),
        ("delete", "/api/rules/{key}"),
    }
    declared = {
        (method, path)
        for path, item in paths.items()
        for method, operation in item.items()
        if "428" in operation.get("responses", {})
    }
    assert declared == with_version
    header = [
        p for p in paths["/api/accounts/{account_id}"]["patch"]["parameters"] if p["in"] == "header"
    ]
    assert [p["name"].lower() for p in header] == ["if-match"]
