"""QA 23: the rules editor took a copy to a user nobody is (an alert copied to no one) and a
name of 10 000 characters. A rule being written — saved, checked, dry run, from the editor or
the API, one validator — names only users who can receive it (active users, by e-mail) and
has a name of at most 120 characters; refused with the part named in French, the editor
showing what was typed, nothing stored or queued."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.scoring.rules import MAX_NAME_CHARS
from tests.api.test_rules_draft import YAML, written
from tests.web import ClientFactory

pytestmark = pytest.mark.db

CLAIRE = "claire.lefevre@cafes-riviera.fr"
KARIM = "karim.benali@cafes-riviera.fr"
RULE = """key: copie-qa23
name: {name}
when:
  potential: {{gt: 30000}}
then:
  - alert:
      to: commercial
      cc: [directeur_commercial, "utilisateur:{cc}"]
      channels: [application]
"""
UNKNOWN_CC = (
    "action 1 › alerte › copie à (n° 2) : aucun utilisateur actif n’a cette adresse e-mail "
    "(reçu : « inconnu@cafes-riviera.fr ») ; attendu : commercial, utilisateur:<e-mail>, "
    "directeur_commercial, administrateur, répartiteur"
)


def _editor(page: str) -> str:
    return html.unescape(
        page.split('name="document"', 1)[1].split(">", 1)[1].split("</textarea>")[0]
    )


def _listed(page: str) -> list[str]:
    block = page.split('id="problems">', 1)[1].split("</ul>", 1)[0]
    items = re.findall(r"<li[^>]*>(.*?)</li>", block, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def _jobs(db: Session) -> int:
    return int(db.execute(text("SELECT count(*) FROM jobs")).scalar_one())


def test_the_editor_refuses_a_copy_to_nobody_and_keeps_what_was_typed(
    api_as: ClientFactory, demo_db: Session
) -> None:
    manager = api_as(1)
    before, jobs = written(demo_db), _jobs(demo_db)
    typed = RULE.format(name="Copie QA", cc="inconnu@cafes-riviera.fr")
    for action in ("validate", "save", "dry_run"):
        page = manager.post("/regles", data={"document": typed, "action": action})
        assert page.status_code == 422, (action, page.text[-500:])
        assert _listed(page.text) == [UNKNOWN_CC], action
        assert _editor(page.text) == typed, "the editor keeps what was typed"
    assert manager.get("/api/rules/copie-qa23").status_code == 404
    assert (written(demo_db), _jobs(demo_db)) == (before, jobs), "nothing stored nor queued"

    # a deactivated user receives nothing either; an active one, in any case, is taken
    demo_db.execute(text("UPDATE users SET active = false WHERE email = :e"), {"e": KARIM})
    gone = manager.post(
        "/regles", data={"document": RULE.format(name="Copie QA", cc=KARIM), "action": "save"}
    )
    assert gone.status_code == 422
    assert "aucun utilisateur actif n’a cette adresse e-mail (reçu : « karim" in html.unescape(
        gone.text
    )
    demo_db.execute(text("UPDATE users SET active = true WHERE email = :e"), {"e": KARIM})
    ok = RULE.format(name="Copie QA", cc="Karim.Benali@cafes-riviera.fr")
    saved = manager.post("/regles", data={"document": ok, "action": "save"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text[-800:]
    assert manager.get("/api/rules/copie-qa23").json()["definition"].count("Karim.Benali") == 1


def test_the_editor_refuses_a_name_over_120_characters(
    api_as: ClientFactory, demo_db: Session
) -> None:
    manager = api_as(1)
    before = written(demo_db)
    typed = RULE.format(name="N" * 10_000, cc=CLAIRE)
    page = manager.post("/regles", data={"document": typed, "action": "save"})
    assert page.status_code == 422
    assert _listed(page.text) == ["nom : trop long : 10\u202f000 caractères, 120 au plus"]
    assert _editor(page.text) == typed
    both = RULE.format(name="{fr: " + "é" * 121 + ", en: " + "e" * 130 + "}", cc=CLAIRE)
    listed = _listed(manager.post("/regles", data={"document": both, "action": "save"}).text)
    assert listed == [
        "nom › fr : trop long : 121 caractères, 120 au plus",
        "nom › en : trop long : 130 caractères, 120 au plus",
    ]
    english = manager.post(
        "/regles", params={"lang": "en"}, data={"document": typed, "action": "validate"}
    )
    assert _listed(english.text) == ["name: too long: 10000 characters, at most 120"]
    assert written(demo_db) == before
    longest = RULE.format(name="N" * MAX_NAME_CHARS, cc=CLAIRE)
    saved = manager.post(
        "/regles", data={"document": longest, "action": "save"}, follow_redirects=False
    )
    assert saved.status_code == 303


def test_the_api_refuses_them_with_the_same_validator(
    api_as: ClientFactory, demo_db: Session
) -> None:
    manager = api_as(1)
    before, jobs = written(demo_db), _jobs(demo_db)
    typed = RULE.format(name="N" * 10_000, cc="inconnu@cafes-riviera.fr").encode()
    fields = ["name", "then[0].alert.cc[1]"]
    for call in (
        lambda: manager.put("/api/rules", content=typed, headers=YAML),
        lambda: manager.post("/api/rules/validate", content=typed, headers=YAML),
        lambda: manager.post("/api/rules/dry-run", content=typed, headers=YAML),
        lambda: manager.post("/api/rules/dry-run/jobs", content=typed, headers=YAML),
    ):
        answer = call()
        assert answer.status_code == 422, answer.text
        assert [p["field"] for p in answer.json()["problems"]] == fields
    assert manager.get("/api/rules/copie-qa23").status_code == 404
    assert (written(demo_db), _jobs(demo_db)) == (before, jobs)
    fine = RULE.format(name="Copie QA", cc=CLAIRE).encode()
    assert manager.put("/api/rules", content=fine, headers=YAML).status_code == 200


def test_a_stored_rule_named_before_the_limit_still_runs_and_lists(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """The limit is on what is written: a rule stored with a longer name keeps running."""
    manager = api_as(1)
    long_name = "N" * 300
    demo_db.execute(
        text("""INSERT INTO rules (name, description, definition, enabled)
                VALUES ('ancienne', '', :d, true)"""),
        {"d": RULE.format(name=long_name, cc=CLAIRE).replace("copie-qa23", "ancienne")},
    )
    run = manager.post("/api/rules/dry-run")
    assert run.status_code == 200 and "ancienne" in run.json()["by_rule"]
    assert long_name in manager.get("/regles").text
