"""The managers' « Règles » screens in the reader's language: the rules list's descriptions
and what each rule checks, the editor's « valide » line, the dry run's report (its rules by
name, its message per account) and a refused dry run read English to an English reader and
French, as before, to a French one; a text the manager typed in French only stays as typed."""

from __future__ import annotations

import html
import re
from contextlib import nullcontext

import yaml
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.config import Settings
from fieldcrm.http.alert_text import fired_message, report_rule_name
from fieldcrm.http.error_text import job_error_text
from fieldcrm.services import rules, scoring
from tests.pages.test_french_screens import _section
from tests.pages.test_rule_alerts_english import _stale_prospect
from tests.web import ClientFactory

SETTINGS = Settings(database_url="postgresql+psycopg://unused/unused", _env_file=None)
AS_OF = {"as_of": "2026-04-15"}
FRENCH = re.compile(
    r"\bCA\b|baisse|potentiel|jours|depuis|mois|plus de|type de compte|champs|renseign|"
    r"créé|qualifié|toujours|Prospect non|Se déclenche|compte à fort|inférieur|\d %|\d,\d{1,2}\b"
)
ENGLISH = re.compile(
    r"revenue|Revenue|more than|days|since|month|fields|Fires when|created|qualified|"
    r"Unqualified|high-potential|\d%"
)
HOUSE_RULE = """key: regle-maison
name: Relance des cafés de la maison
description: Texte libre du directeur, en français seulement.
when:
  kind: prospect
  days_since_creation: {gt: 61}
  missing: [qualification, potential]
then:
  - alert: {to: owner, message: "Relancer {account} cette semaine"}
"""


def _text(fragment: str) -> str:
    """What a reader reads of an HTML fragment (tags aside)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def _row(page: str, key: str) -> str:
    """The rules list's row of ``key``, as read."""
    start = page.index(f"<code>{key}</code>")
    return _text(page[start : page.index("</tr>", start)])


def _dry_run(api_as: ClientFactory, db: Session) -> tuple[int, dict[str, object]]:
    """A dry run of the stored rules on 15/04/2026 as a job, run by the worker: its id and
    its report."""
    manager = api_as(1)
    queued = manager.post("/api/rules/dry-run/jobs", params=AS_OF)
    assert queued.status_code == 202, queued.text
    job_id = int(queued.json()["id"])
    rules.run_dry_run_job(lambda: nullcontext(db), job_id, settings=SETTINGS)
    done = manager.get(f"/api/jobs/{job_id}").json()
    assert done["status"] == "done", done
    return job_id, done["result"]


def test_the_rules_list_says_each_rule_in_its_readers_language(
    api_as: ClientFactory, demo_db: Session
) -> None:
    _stale_prospect(demo_db, 4)  # stores the shipped rules
    scoring.import_rules(demo_db, {"rules": [yaml.safe_load(HOUSE_RULE)]})
    manager = api_as(1)

    english = manager.get("/regles", params={"lang": "en"}).text
    declining = _row(english, "declining-key-account")
    assert "Revenue of the month more than 10% below the same month last year" in declining
    assert (
        "Fires when: previous month’s revenue down more than 10% year on year · potential in "
        "€/month: more than 30,000 · days since the last visit: more than 183"
    ) in declining
    prospect = _row(english, "stale-prospect")
    assert (
        "Fires when: account type: prospect · days since creation: more than 61 · fields left "
        "empty: qualification, potential"
    ) in prospect
    for row in (declining, prospect, _row(english, "stale-prospect-to-dispatch")):
        assert not FRENCH.search(row), row
    house = _row(english, "regle-maison")
    assert "Texte libre du directeur, en français seulement." in house, "as typed"
    assert "Fires when: account type: prospect" in house

    french = manager.get("/regles", params={"lang": "fr"}).text
    declining = _row(french, "declining-key-account")
    assert "CA du mois inférieur de plus de 10 % au même mois de l’an dernier" in declining
    assert (
        "Se déclenche si : CA du mois précédent en baisse de plus de 10 % sur un an · potentiel "
        "en €/mois : plus de 30 000 · jours depuis la dernière visite : plus de 183"
    ) in declining
    for key in ("declining-key-account", "stale-prospect", "regle-maison"):
        assert not ENGLISH.search(_row(french, key)), _row(french, key)


def test_the_editor_says_what_a_valid_draft_checks_in_its_readers_language(
    api_as: ClientFactory,
) -> None:
    manager = api_as(1)
    english = manager.post(
        "/regles", params={"lang": "en"}, data={"document": HOUSE_RULE, "action": "validate"}
    )
    assert english.status_code == 200
    assert _by_id(english.text, "valid-conditions") == (
        "Fires when: account type: prospect · days since creation: more than 61 · fields left "
        "empty: qualification, potential"
    )
    french = manager.post("/regles", data={"document": HOUSE_RULE, "action": "validate"})
    assert _by_id(french.text, "valid-conditions") == (
        "Se déclenche si : type de compte : prospect · jours depuis la création : plus de 61 · "
        "champs non renseignés : qualification, potentiel"
    )


def test_a_dry_runs_report_reads_in_its_readers_language(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account_id, name = _stale_prospect(demo_db, 4)
    job_id, report = _dry_run(api_as, demo_db)
    fired = report["fired"]
    assert isinstance(fired, list)
    mine = next(f for f in fired if f["account_id"] == account_id)
    assert mine["message"].startswith(f"{name} a été créé il y a 100 jours")  # stored French
    assert mine["values"]["days_since_creation"] == 100
    manager = api_as(1)

    for page, params in (("/regles", {"essai": job_id}), (f"/taches/{job_id}", {})):
        english = _section(manager.get(page, params={**params, "lang": "en"}).text, 'id="dry-run"')
        read = _text(english)
        assert "Dry run" in read or "dry run" in read, read[:300]
        assert "Prospect unqualified for more than 2 months" in read
        assert f"{name} was created 100 days ago and is still not qualified" in read
        assert not FRENCH.search(read), FRENCH.search(read)

        french = _text(_section(manager.get(page, params=params).text, 'id="dry-run"'))
        assert "Prospect non qualifié depuis plus de 2 mois" in french
        assert mine["message"] in french, "French reads as the run stored it"
        assert not ENGLISH.search(french), ENGLISH.search(french)


def test_the_report_words_each_firing_from_its_data() -> None:
    texts = {
        "fr": {
            "name": "Prospect",
            "subjects": [None],
            "messages": ["{account} : {days_since_creation} j"],
            "titles": [],
        },
        "en": {
            "name": "Prospect EN",
            "subjects": [None],
            "messages": ["{account}: {days_since_creation} d"],
            "titles": [],
        },
    }
    moved = {
        "fr": {"name": "Vers la file", "subjects": [], "messages": [], "titles": []},
        "en": {"name": "To the queue", "subjects": [], "messages": [], "titles": []},
    }
    report = {
        "rule_names": {"p": "Prospect", "q": "Vers la file", "maison": "Règle maison"},
        "texts": {"p": texts, "q": moved},
    }
    fired = {
        "rule_key": "p",
        "message": "ACME : 100 j",
        "values": {"account": "ACME", "days_since_creation": 100},
    }
    assert fired_message(fired, report, "en") == "ACME: 100 d"
    assert fired_message(fired, report, "fr") == "ACME : 100 j"
    assert (
        fired_message({"rule_key": "q", "message": "Vers la file"}, report, "en") == "To the queue"
    )
    house = {"rule_key": "maison", "message": "Relancer ACME"}
    assert fired_message(house, report, "en") == "Relancer ACME", "French only: as typed"
    old = {"rule_key": "p", "message": "ACME : 100 j"}
    assert fired_message(old, {"rule_names": {"p": "Prospect"}}, "en") == "ACME : 100 j"
    assert [report_rule_name(k, report, "en") for k in ("p", "q", "maison", "gone")] == [
        "Prospect EN",
        "To the queue",
        "Règle maison",
        "gone",
    ]
    assert report_rule_name("p", report, "fr") == "Prospect"


def test_a_refused_dry_run_reads_in_its_readers_language(
    api_as: ClientFactory, demo_db: Session
) -> None:
    _stale_prospect(demo_db, 4)
    manager = api_as(1)
    queued = manager.post("/api/rules/dry-run/jobs", params=AS_OF)
    job_id = int(queued.json()["id"])
    demo_db.execute(text("UPDATE users SET role = 'rep' WHERE id = 1"))
    rules.run_dry_run_job(lambda: nullcontext(demo_db), job_id, settings=SETTINGS)
    demo_db.execute(text("UPDATE users SET role = 'manager' WHERE id = 1"))
    stored = manager.get(f"/api/jobs/{job_id}").json()["error"]
    assert stored.startswith("Vous ne pouvez plus faire cet essai : ")

    english = _failed(manager.get("/regles", params={"essai": job_id, "lang": "en"}).text)
    assert english == job_error_text(stored, None, "en")
    assert english.startswith("You can no longer run this dry run: ")
    assert "view the rules" in english, english
    assert not FRENCH.search(english) and "rules.read" not in english, english
    french = _failed(manager.get("/regles", params={"essai": job_id}).text)
    assert french == job_error_text(stored, None, "fr")
    assert french.startswith("Vous ne pouvez plus faire cet essai : ")
    assert "consulter les règles" in french, french
    assert not ENGLISH.search(french) and "rules.read" not in french, french


def _failed(page: str) -> str:
    """The refusal a failed dry run shows on the rules page."""
    return _by_id(page, "dry-run-failed")


def _by_id(page: str, element_id: str) -> str:
    """The text of the element ``element_id`` (one without nested elements), as read."""
    found = re.search(rf'id="{element_id}">(.*?)</', page, re.S)
    assert found, page[-2000:]
    return _text(found.group(1)).strip()


def test_a_stale_switch_of_a_rule_is_refused_in_its_readers_language(
    api_as: ClientFactory, demo_db: Session
) -> None:
    _stale_prospect(demo_db, 4)
    manager = api_as(1)
    name = demo_db.execute(text("SELECT full_name FROM users WHERE id = 1")).scalar_one()
    for lang, said in (
        ("en", f"This rule was changed by {name} in the meantime; reload the page."),
        ("fr", f"Cette règle a été modifiée par {name} entre-temps ; rechargez la page."),
    ):
        read = manager.get("/api/rules/stale-prospect").json()["version"]
        form = {"enabled": "false", "version": read}
        switched = manager.post("/regles/stale-prospect/activation", data=form)
        assert switched.status_code == 200, "the first switch goes through"
        stale = manager.post(
            "/regles/stale-prospect/activation",
            params={"lang": lang},
            data={"enabled": "true", "version": read},
        )
        assert stale.status_code == 409
        assert said in html.unescape(stale.text)
