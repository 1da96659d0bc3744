"""The "Règles" editor's dry run posts the draft being edited and shows its firings only."""

from __future__ import annotations

import html

from sqlalchemy.orm import Session

from tests.api.test_rules_draft import AS_OF, BROKEN, KEY, YAML, looser, ship_rules, written
from tests.conftest import DEMO_TODAY
from tests.web import ClientFactory


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
    page = manager.post("/regles", data=form)

    assert page.status_code == 200, page.text
    result = page.text.split('id="dry-run"', 1)[1]
    assert f"Essai à blanc du 15/04/2026 : {expected['firings']} déclenchements" in result
    assert f": {everything[KEY]} déclenchements" not in result
    assert 'id="dry-run-draft"' in result and "non enregistré" in result
    assert f"<code>{KEY}</code> : {expected['firings']}" in result
    assert "<code>stale-prospect</code>" not in result, "only the draft is simulated"
    assert expected["fired"][0]["account"] in html.unescape(result)
    assert _editor(page.text) == draft, "the editor keeps the draft"
    assert manager.get(f"/api/rules/{KEY}").json() == stored
    assert written(demo_db) == before


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
    assert "<code>when.potential.gt</code>" in page.text
    assert 'id="dry-run"' not in page.text
    assert _editor(page.text) == BROKEN
    saving = manager.post("/regles", data={"document": BROKEN, "action": "save"})
    assert saving.status_code == 422 and "<code>when.potential.gt</code>" in saving.text
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
    assert page.status_code == 422 and "<code>as_of</code>" in page.text
    assert 'id="dry-run"' not in page.text
