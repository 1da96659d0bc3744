"""The "Règles" editor's dry run posts the draft being edited and shows its firings only."""

from __future__ import annotations

import html
from contextlib import nullcontext

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.config import Settings
from fieldcrm.services import rules
from tests.api.test_rules_draft import AS_OF, BROKEN, KEY, YAML, looser, ship_rules, written
from tests.conftest import DEMO_TODAY
from tests.web import ClientFactory

SETTINGS = Settings(database_url="postgresql+psycopg://unused/unused", _env_file=None)


def _editor(page: str) -> str:
    """The text of the editor's textarea."""
    return html.unescape(
        page.split('name="document"', 1)[1].split(">", 1)[1].split("</textarea>")[0]
    )


def test_page_dry_run_posts_the_draft_being_edited_and_shows_its_firings(
    api_as: ClientFactory, demo_db: Session
) -> None:
    ship_rules(demo_db)
    manager = api_as(1)
    stored = manager.get(f"/api/rules/{KEY}").json()
    before = written(demo_db)
    everything = manager.post("/api/rules/dry-run", params=AS_OF).json()["by_rule"]
    expected = manager.post(
        "/api/rules/dry-run", params=AS_OF, content=looser(stored["definition"]), headers=YAML
    ).json()
    assert expected["firings"] != everything[KEY]

    edit = manager.get("/regles", params={"edit": KEY})
    assert edit.status_code == 200 and _editor(edit.text) == stored["definition"]
    draft = looser(_editor(edit.text))
    form = {"document": draft, "action": "dry_run", "as_of": DEMO_TODAY.isoformat()}
    queued = manager.post("/regles", data=form, follow_redirects=False)

    # answered at once: the job page follows the dry run, a worker runs it
    assert queued.status_code == 303, queued.text
    job_id = int(queued.headers["location"].removeprefix("/taches/"))
    waiting = manager.get(f"/taches/{job_id}")
    assert 'data-status="queued"' in waiting.text
    assert f'data-then="/regles?essai={job_id}"' in waiting.text
    assert f"Essai à blanc du brouillon « {KEY} » au 15/04/2026" in html.unescape(waiting.text)
    rules.run_dry_run_job(lambda: nullcontext(demo_db), job_id, settings=SETTINGS)
    done = manager.get(f"/api/jobs/{job_id}").json()
    assert (done["status"], done["done"], done["total"]) == ("done", 3, 3)
    assert done["result"]["firings"] == expected["firings"]
    assert done["result"]["fired"] == expected["fired"]
    assert 'id="dry-run"' in manager.get(f"/taches/{job_id}").text  # on the job page too
    page = manager.get("/regles", params={"essai": job_id})

    assert page.status_code == 200, page.text
    result = page.text.split('id="dry-run"', 1)[1]
    assert f"Essai à blanc du 15/04/2026 : {expected['firings']} déclenchements" in result
    assert f": {everything[KEY]} déclenchements" not in result
    assert 'id="dry-run-draft"' in result and "non enregistré" in result
    name = expected["rule_names"][KEY]
    assert f'<span title="{KEY}">{html.escape(name)}</span> : {expected["firings"]}' in result
    assert 'title="stale-prospect"' not in result, "only the draft is simulated"
    assert expected["fired"][0]["account"] in html.unescape(result)
    assert _editor(page.text) == draft, "the editor keeps the draft"
    assert manager.get(f"/api/rules/{KEY}").json() == stored
    assert written(demo_db) == before
    assert api_as(4).get("/regles", params={"essai": job_id}).status_code in (403, 404)


def test_page_dry_run_of_every_stored_rule_is_a_job_too(
    api_as: ClientFactory, demo_db: Session
) -> None:
    ship_rules(demo_db)
    manager = api_as(1)
    everything = manager.post("/api/rules/dry-run").json()
    queued = manager.post("/regles/essai", follow_redirects=False)
    assert queued.status_code == 303
    job_id = int(queued.headers["location"].removeprefix("/taches/"))
    rules.run_dry_run_job(lambda: nullcontext(demo_db), job_id, settings=SETTINGS)
    page = manager.get("/regles", params={"essai": job_id}).text
    assert f"{everything['firings']} déclenchements" in page
    assert 'id="dry-run-draft"' not in page


def test_a_dry_run_job_fails_in_french_once_its_starter_lost_the_right(
    api_as: ClientFactory, demo_db: Session
) -> None:
    ship_rules(demo_db)
    manager = api_as(1)
    draft = manager.get(f"/api/rules/{KEY}").json()["definition"]
    queued = manager.post("/api/rules/dry-run/jobs", content=draft, headers=YAML)
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    job_id = queued.json()["id"]
    demo_db.execute(text("UPDATE users SET role = 'rep' WHERE id = 1"))
    rules.run_dry_run_job(lambda: nullcontext(demo_db), job_id, settings=SETTINGS)
    demo_db.execute(text("UPDATE users SET role = 'manager' WHERE id = 1"))
    job = manager.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "failed" and job["result"] is None
    assert job["error"].startswith("Vous ne pouvez plus faire cet essai")
    page = manager.get("/regles", params={"essai": job_id}).text
    assert 'id="dry-run-failed"' in page and 'id="dry-run"' not in page
    assert _editor(page) == draft


def test_page_invalid_draft_dry_run_is_422_in_french_and_stores_nothing(
    api_as: ClientFactory, demo_db: Session
) -> None:
    ship_rules(demo_db)
    manager = api_as(1)
    before = written(demo_db)
    page = manager.post("/regles", data={"document": BROKEN, "action": "dry_run"})
    assert page.status_code == 422
    assert "La règle n’est pas valide ; rien n’a été enregistré" in page.text
    assert 'id="problems"' in page.text
    assert 'data-field="when.potential.gt"' in page.text
    assert "<code>when.potential.gt</code>" not in page.text, "no path in the code's words"
    assert 'id="dry-run"' not in page.text
    assert _editor(page.text) == BROKEN
    saving = manager.post("/regles", data={"document": BROKEN, "action": "save"})
    assert saving.status_code == 422 and 'data-field="when.potential.gt"' in saving.text
    assert manager.get("/api/rules/essai-casse").status_code == 404
    assert written(demo_db) == before


def test_page_dry_run_with_a_bad_date_is_422_naming_it(
    api_as: ClientFactory, demo_db: Session
) -> None:
    ship_rules(demo_db)
    manager = api_as(1)
    draft = manager.get(f"/api/rules/{KEY}").json()["definition"]
    page = manager.post(
        "/regles", data={"document": draft, "action": "dry_run", "as_of": "2026-13-01"}
    )
    assert page.status_code == 422 and 'data-field="as_of"' in page.text
    assert "date de référence : date invalide (reçu : « 2026-13-01 »)" in html.unescape(page.text)
    assert 'id="dry-run"' not in page.text
