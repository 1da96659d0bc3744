"""The rules editor speaks French (QA walk of the demo): its problems name each part by a
French label and list the allowed values as the editor offers them (all accepted), its help
is the validator's own list, and the dry run names rules by their name."""

from __future__ import annotations

import html
import re
from contextlib import nullcontext

import pytest
from sqlalchemy.orm import Session

from fieldcrm.config import Settings
from fieldcrm.errors import InvalidInput, Problem
from fieldcrm.http.error_text import rule_field_label, rule_problem_text
from fieldcrm.scoring.rules import CONDITIONS, parse_rule
from fieldcrm.services import rules
from fieldcrm.services.territories import SYSTEM
from tests.api.test_rules_draft import KEY, ship_rules
from tests.conftest import DEMO_TODAY
from tests.web import ClientFactory

SETTINGS = Settings(database_url="postgresql+psycopg://unused/unused", _env_file=None)
BASE = {"key": "essai", "name": "Essai", "when": {"potential": {"gt": 1}}}
QA_RULE = """key: qa16-test
name: Test QA
period: semaine
severity: urgent
when:
  potentiel: {gt: 1000}
  potential: {gt: "trente mille"}
then:
- alert: {to: patron}
"""


def _problems(rule: dict[str, object]) -> list[Problem]:
    with pytest.raises(InvalidInput) as caught:
        parse_rule(rule)
    return caught.value.problems


def _listed(page: str) -> list[str]:
    """The problems the editor lists, as read (tags aside)."""
    block = page.split('id="problems">', 1)[1].split("</ul>", 1)[0]
    items = re.findall(r"<li[^>]*>(.*?)</li>", block, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def test_the_editor_lists_problems_in_french_with_french_labels(api_as: ClientFactory) -> None:
    page = api_as(1).post("/regles", data={"document": QA_RULE, "action": "validate"})
    assert page.status_code == 422
    listed = _listed(page.text)
    assert listed[0] == (
        "importance : importance inconnue (reçu : « urgent ») ; attendu : importante, moyenne, faible"
    )
    assert listed[1].startswith(
        "conditions : condition inconnue (reçu : « potentiel ») ; attendu : all (toutes ces "
        "conditions), any (l’une de ces conditions)"
    )
    assert listed[2] == (
        "conditions › potentiel en €/mois › plus de : doit être un nombre (reçu : « trente mille »)"
    )
    assert listed[3] == (
        "action 1 › alerte › destinataire : destinataire inconnu (reçu : « patron ») ; attendu : "
        "commercial, utilisateur:<e-mail>, directeur_commercial, administrateur, répartiteur"
    )
    assert len(listed) == 4, "period: semaine is what the editor offers, so it is accepted"
    for english in ("must be", "unknown", "permis", "allowed", "day, week"):
        assert english not in " ".join(listed), english
    assert 'data-field="when.potential.gt"' in page.text, "the YAML path stays, unseen"
    assert "<code>" not in page.text.split('id="problems"')[1].split("</ul>")[0]


def test_every_value_a_french_error_offers_is_accepted() -> None:
    bad = {
        **BASE,
        "period": "quinzaine",
        "severity": "urgent",
        "then": [{"alert": {"to": "patron", "channels": ["pigeon"]}}, {"priority": {"band": "x"}}],
    }
    texts = {p.field: rule_problem_text(p) for p in _problems(bad)}
    offered = {
        "period": "jour, semaine, mois, trimestre, année, une fois",
        "severity": "importante, moyenne, faible",
        "then[0].alert.channels[0]": "application, e-mail, SMS",
        "then[1].priority.band": "basse, normale, haute, urgente",
        "then[0].alert.to": (
            "commercial, utilisateur:<e-mail>, directeur_commercial, administrateur, répartiteur"
        ),
    }
    for field, values in offered.items():
        assert texts[field].endswith(f" ; attendu : {values}"), texts[field]
    then = [{"priority": {"add": 1}}]
    for value in offered["period"].split(", "):
        parse_rule({**BASE, "period": value, "then": then})
    for value in offered["severity"].split(", "):
        parse_rule({**BASE, "severity": value, "then": then})
    for value in offered["then[1].priority.band"].split(", "):
        parse_rule({**BASE, "then": [{"priority": {"band": value}}]})
    for value in offered["then[0].alert.channels[0]"].split(", "):
        parse_rule({**BASE, "then": [{"alert": {"channels": [value]}}]})
    for value in offered["then[0].alert.to"].split(", "):
        to = value.replace("<e-mail>", "camille.martin@cafes-riviera.fr")
        parse_rule({**BASE, "then": [{"alert": {"to": to}}]})


def test_a_reassignment_offers_a_rep_or_the_dispatcher() -> None:
    (problem,) = _problems({**BASE, "then": [{"reassign": {"to": "patron"}}]})
    assert rule_problem_text(problem).endswith(" ; attendu : utilisateur:<e-mail>, répartiteur")
    (owner,) = _problems({**BASE, "then": [{"reassign": {"to": "commercial"}}]})
    assert rule_problem_text(owner) == (
        "action 1 › réaffectation › destinataire : le compte a déjà ce commercial "
        "(reçu : « commercial »)"
    )


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("rules[1].period", "règle 2 › période"),
        ("then[0].alert.cc[1]", "action 1 › alerte › copie à (n° 2)"),
        (
            "when.any[0].revenue_vs_last_year.below_pct",
            "conditions › l’une de ces conditions (n° 1) › CA comparé au même mois l’an dernier"
            " › baisse minimale en %",
        ),
        ("rule", "règle"),
        ("as_of", "date de référence"),
    ],
)
def test_rule_paths_are_named_by_french_labels(path: str, label: str) -> None:
    assert rule_field_label(path) == label


def test_the_editors_help_is_the_validators_list(api_as: ClientFactory) -> None:
    page = api_as(1).get("/regles").text
    helped = page.split('id="rules-help"', 1)[1].split("</details>", 1)[0]
    documented = re.findall(r'data-condition="([^"]+)"', helped)
    assert documented == list(CONDITIONS)
    assert "revenue_last_months" not in page
    assert set(re.findall(r'data-action="([^"]+)"', helped)) == {
        "alert",
        "priority",
        "task",
        "reassign",
    }
    assert "jour, semaine, mois, trimestre, année, une fois" in html.unescape(helped)


def test_the_dry_run_names_rules_by_their_name(api_as: ClientFactory, demo_db: Session) -> None:
    ship_rules(demo_db)
    manager = api_as(1)
    name = "CA en baisse sur un compte à fort potentiel"
    draft = manager.get(f"/api/rules/{KEY}").json()["definition"]
    assert f"fr: {name}" in draft  # the shipped rule gives its name in French and English
    form = {"document": draft, "action": "dry_run", "as_of": DEMO_TODAY.isoformat()}
    queued = manager.post("/regles", data=form, follow_redirects=False)
    job_id = int(queued.headers["location"].removeprefix("/taches/"))
    rules.run_dry_run_job(lambda: nullcontext(demo_db), job_id, settings=SETTINGS)
    assert manager.get(f"/api/jobs/{job_id}").json()["result"]["rule_names"] == {KEY: name}

    for url in (f"/regles?essai={job_id}", f"/taches/{job_id}"):
        report = html.unescape(manager.get(url).text.split('id="dry-run"', 1)[1])
        rows = report.split('id="dry-run-firings"', 1)[1].split("</table>", 1)[0]
        cells = re.findall(r"<tr><td[^>]*>(.*?)</td>", rows)
        assert cells and set(cells) == {name}, url
        assert f">{name}</span> :" in report and f"Brouillon « {name} »" in report
        assert f"<code>{KEY}</code>" not in report


@pytest.mark.parametrize("action", ["validate", "save", "dry_run"])
def test_an_empty_editor_comes_back_with_the_problem_next_to_it(
    api_as: ClientFactory, demo_db: Session, action: str
) -> None:
    """Sent empty (or blank), the editor is the rules page again, the problem listed above
    it in French; not a bare error page, and nothing saved nor queued."""
    before = [r.key for r in rules.list_rules(demo_db, actor=SYSTEM)]
    manager = api_as(1)
    for document in ("", "   \n"):
        page = manager.post("/regles", data={"document": document, "action": action})
        assert page.status_code == 422
        assert _listed(page.text) == [
            "règle : la règle est vide : écrivez-la dans l’éditeur (key, when et then)"
        ]
        assert '<form method="post" action="/regles">' in page.text
        assert "champ obligatoire" not in page.text
    assert [r.key for r in rules.list_rules(demo_db, actor=SYSTEM)] == before
