"""Dry run of a draft rule through the JSON API, on the demo company (the page: tests/pages)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.config import PACKAGE_DATA
from fieldcrm.services import scoring
from tests.conftest import DEMO_TODAY
from tests.web import ClientFactory

YAML = {"Content-Type": "application/yaml"}
KEY = "declining-key-account"
AS_OF = {"as_of": DEMO_TODAY.isoformat()}
BROKEN = (
    "key: essai-casse\nname: Essai\nwhen:\n  potential: {gt: lots}\nthen:\n  - priority: {add: 5}\n"
)


def ship_rules(db: Session) -> None:
    for path in sorted((PACKAGE_DATA / "rules").glob("*.yaml")):
        scoring.import_rules(db, path.read_text(encoding="utf-8"))


def written(db: Session) -> tuple[int, ...]:
    """Rows of the tables a real run writes to (alerts, tasks, notifications, deliveries,
    reassignments, priorities)."""
    row = db.execute(
        text("""
        SELECT (SELECT count(*) FROM alerts), (SELECT count(*) FROM tasks),
               (SELECT count(*) FROM notifications), (SELECT count(*) FROM deliveries),
               (SELECT count(*) FROM assignment_history),
               (SELECT md5(coalesce(string_agg(p::text, '' ORDER BY account_id), ''))
                FROM account_priorities p)""")
    ).one()
    return tuple(row)


def looser(definition: str) -> str:
    """The declining-key-account rule firing from a 1 % fall and a 10 000 € potential."""
    draft = definition.replace("below_pct: 10", "below_pct: 1").replace("gt: 30000", "gt: 10000")
    assert draft.count("1") > definition.count("1"), "both thresholds changed"
    return draft


def test_api_dry_run_of_a_draft_reports_its_own_firings_and_writes_nothing(
    api_as: ClientFactory, demo_db: Session
) -> None:
    ship_rules(demo_db)
    manager = api_as(1)
    stored = manager.get(f"/api/rules/{KEY}").json()
    before = written(demo_db)
    everything = manager.post("/api/rules/dry-run", params=AS_OF).json()
    assert everything["draft"] is None and {KEY, "stale-prospect"} <= set(everything["by_rule"])

    response = manager.post(
        "/api/rules/dry-run", params=AS_OF, content=looser(stored["definition"]), headers=YAML
    )

    assert response.status_code == 200, response.text
    dry = response.json()
    assert dry["draft"] == KEY and dry["rules"] == 1 and dry["as_of"] == DEMO_TODAY.isoformat()
    assert list(dry["by_rule"]) == [KEY], "the draft's firings only"
    assert dry["by_rule"][KEY] > everything["by_rule"][KEY] > 0
    assert dry["firings"] == dry["by_rule"][KEY] == len(dry["fired"])
    assert {f["rule_key"] for f in dry["fired"]} == {KEY}
    assert set(dry) == {
        "as_of",
        "dry_run",
        "draft",
        "rules",
        "accounts",
        "firings",
        "by_rule",
        "rule_names",
        "texts",
        "fired",
        "seconds",
    }, "typed: a dry run reports no alert, task or notification counts"
    assert written(demo_db) == before
    assert manager.get(f"/api/rules/{KEY}").json() == stored
    assert (
        manager.post("/api/rules/dry-run", params=AS_OF).json()["by_rule"]
        == (everything["by_rule"])
    )


def test_api_dry_run_schema_is_typed_and_takes_an_optional_yaml_draft(
    api_as: ClientFactory,
) -> None:
    spec = api_as(1).get("/api/openapi.json").json()
    operation = spec["paths"]["/api/rules/dry-run"]["post"]
    body = operation["requestBody"]
    assert not body.get("required") and "application/yaml" in body["content"]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/DryRunOut"}
    fields = spec["components"]["schemas"]["DryRunOut"]["properties"]
    assert {"draft", "by_rule", "fired", "firings"} <= set(fields)


def test_api_invalid_draft_is_422_naming_the_faulty_part_and_stores_nothing(
    api_as: ClientFactory, demo_db: Session
) -> None:
    ship_rules(demo_db)
    manager = api_as(1)
    before = written(demo_db)
    response = manager.post("/api/rules/dry-run", params=AS_OF, content=BROKEN, headers=YAML)
    assert response.status_code == 422
    assert response.json()["field"] == "when.potential.gt"
    saving = manager.put("/api/rules", content=BROKEN, headers=YAML)
    assert saving.status_code == 422 and saving.json()["problems"] == response.json()["problems"]
    assert manager.get("/api/rules/essai-casse").status_code == 404
    assert written(demo_db) == before
    not_utf8 = manager.post("/api/rules/dry-run", content=b"key: \xff\xfe", headers=YAML)
    assert not_utf8.status_code == 422 and not_utf8.json()["field"] == "document"


def test_api_draft_needs_a_rule_editor(api_as: ClientFactory, demo_db: Session) -> None:
    ship_rules(demo_db)
    dispatcher = api_as(2)
    assert dispatcher.post("/api/rules/dry-run", params=AS_OF).status_code == 200
    draft = dispatcher.get(f"/api/rules/{KEY}").json()["definition"]
    denied = dispatcher.post("/api/rules/dry-run", params=AS_OF, content=draft, headers=YAML)
    assert denied.status_code == 403
