"""Rules through the API and pages: validate, save, dry run, run; alerts reach the inbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from fieldcrm.config import PACKAGE_DATA
from fieldcrm.services import scoring
from tests.conftest import DEMO_TODAY
from tests.web import ClientFactory

YAML = {"Content-Type": "application/yaml"}


def _ship_rules(db: Session) -> None:
    for path in sorted((PACKAGE_DATA / "rules").glob("*.yaml")):
        scoring.import_rules(db, path.read_text(encoding="utf-8"))


def test_a_faulty_rule_is_422_naming_the_faulty_part(api_as: ClientFactory) -> None:
    bad = "key: x\nname: X\nperiod: month\nwhen:\n  potential: {gt: lots}\nthen:\n  - priority: {add: 5}\n"
    response = api_as(1).post("/api/rules/validate", content=bad, headers=YAML)
    assert response.status_code == 422
    assert "potential" in response.json()["field"]


def test_manager_saves_disables_and_lists_a_rule_reps_may_not(api_as: ClientFactory) -> None:
    rule = "key: gros-potentiel\nname: Gros potentiel\nperiod: month\nwhen:\n  potential: {gt: 50000}\nthen:\n  - priority: {add: 5}\n"
    assert api_as(4).put("/api/rules", content=rule, headers=YAML).status_code == 403
    manager = api_as(1)
    saved = manager.put("/api/rules", content=rule, headers=YAML)
    assert saved.status_code == 200 and saved.json()["key"] == "gros-potentiel"
    off = manager.post(
        "/api/rules/gros-potentiel/enabled", json={"enabled": False}, headers={"If-Match": '"1"'}
    )
    assert off.json()["enabled"] is False
    assert "gros-potentiel" in {r["key"] for r in manager.get("/api/rules").json()}
    gone = manager.delete("/api/rules/gros-potentiel", headers={"If-Match": off.headers["ETag"]})
    assert gone.status_code == 204
    assert manager.get("/api/rules/gros-potentiel").status_code == 404


def test_dry_run_lists_lambda_and_writes_nothing_then_the_run_reaches_camilles_inbox(
    api_as: ClientFactory, demo_db: Session
) -> None:
    _ship_rules(demo_db)
    manager = api_as(1)
    dry = manager.post("/api/rules/dry-run", params={"as_of": DEMO_TODAY.isoformat()}).json()
    assert any(
        f["account"] == "LAMBDA SARL" and f["rule_key"] == "declining-key-account"
        for f in dry["fired"]
    )
    assert api_as(4).get("/api/alerts").json() == []
    run = manager.post("/api/rules/run", params={"as_of": DEMO_TODAY.isoformat()}).json()
    assert run["new_alerts"] >= 1
    rep = api_as(4)
    inbox = rep.get("/api/alerts", params={"limit": 1000}).json()
    lambda_alert = next(a for a in inbox if a["account_name"] == "LAMBDA SARL")
    assert "LAMBDA SARL" in lambda_alert["subject"]
    assert any(a["account_name"] == "LAMBDA SARL" for a in manager.get("/api/alerts").json()), (
        "the sales director is copied"
    )
    assert rep.post(f"/api/alerts/{lambda_alert['alert_id']}/acknowledge").status_code == 204
    assert all(
        a["alert_id"] != lambda_alert["alert_id"]
        for a in rep.get("/api/alerts", params={"unread": True}).json()
    )
    again = manager.post("/api/rules/run", params={"as_of": DEMO_TODAY.isoformat()}).json()
    assert again["new_alerts"] == 0, "running twice the same day raises nothing new"


def test_rules_page_validates_saves_and_dry_runs(api_as: ClientFactory, demo_db: Session) -> None:
    _ship_rules(demo_db)
    manager = api_as(1)
    page = manager.get("/regles")
    assert page.status_code == 200 and "declining-key-account" in page.text
    default = page.text.split('name="document"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    import html

    document = html.unescape(default)
    checked = manager.post("/regles", data={"document": document, "action": "validate"})
    assert checked.status_code == 200 and "valide" in checked.text
    broken = manager.post(
        "/regles",
        data={"document": "key: x\nwhen: {potential: {gt: lots}}\nthen: []", "action": "validate"},
    )
    assert broken.status_code == 422 and 'id="problems"' in broken.text
    saved = manager.post(
        "/regles", data={"document": document, "action": "save"}, follow_redirects=True
    )
    assert "enregistrée" in saved.text
    dry = manager.post("/regles/essai", follow_redirects=False)  # queued: its page follows it
    assert dry.status_code == 303 and dry.headers["location"].startswith("/taches/")
    assert api_as(4).get("/regles").status_code == 403


def test_alerts_page_lists_and_marks_read(api_as: ClientFactory, demo_db: Session) -> None:
    _ship_rules(demo_db)
    scoring.run_rules(demo_db, as_of=dt.date(2026, 4, 15))
    rep = api_as(4)
    page = rep.get("/alertes")
    assert "Marquer comme lue" in page.text
    assert "[fieldcrm]" not in page.text  # the e-mail prefix stays in the e-mail
    first = int(page.text.split('action="/alertes/', 1)[1].split("/lu", 1)[0])
    assert rep.post(f"/alertes/{first}/lu", follow_redirects=False).status_code == 303
    assert f'action="/alertes/{first}/lu"' not in rep.get("/alertes").text
