"""The assignment screens in the reader's language: the history's stored French reasons
(« affectation manuelle », « annulation de l’opération n° 4 », « suppression du territoire
« x » », old rows with a straight apostrophe too), the undo button (« Annuler l’opération »,
"Undo", not "Cancel"), the drawing tools' language, and the « nothing ticked » message where
the dispatcher is."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm import maps
from fieldcrm.http.assignment_text import assignment_reason
from tests.pages.test_assignment_plurals import _queued
from tests.web import ClientFactory

DISPATCHER = 2


def _run_item(page: str, run_id: int) -> str:
    found = re.search(rf'<li data-run="{run_id}">.*?</li>', page, re.S)
    assert found, f"run {run_id} not listed"
    return found.group(0)


def _latest_run(db: Session) -> int:
    return int(db.execute(text("SELECT max(id) FROM assignment_runs")).scalar_one())


def test_a_manual_assignment_and_its_undo_read_in_english(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(DISPATCHER)
    ids = _queued(demo_db, 2)
    done = client.post(
        "/affectations/attribuer",
        data={"rep_id": "4", "account_ids": [str(i) for i in ids]},
        follow_redirects=False,
    )
    assert done.status_code == 303
    manual = _latest_run(demo_db)
    french = _run_item(client.get("/affectations").text, manual)
    assert "affectation manuelle" in french
    assert f'id="undo-{manual}">Annuler l’opération</button>' in french
    english = _run_item(client.get("/affectations?lang=en").text, manual)
    assert "manual assignment" in english and "affectation manuelle" not in english
    assert f'id="undo-{manual}">Undo</button>' in english and "Cancel" not in english
    run_page = client.get(f"/affectations/operations/{manual}?lang=en").text
    assert "<p>manual assignment · by " in run_page
    assert 'id="undo-run">Undo</button>' in run_page

    undone = client.post(f"/affectations/operations/{manual}/annuler", follow_redirects=False)
    assert undone.status_code == 303
    undo = _latest_run(demo_db)
    said = client.get(f"/affectations/operations/{undo}?lang=en").text
    assert f"<p>undo of operation no. {manual} · by " in said
    assert f"undo of operation no. {manual}" in _run_item(
        client.get("/affectations?lang=en").text, undo
    )
    assert f"annulation de l’opération n° {manual}" in _run_item(
        client.get("/affectations").text, undo
    )
    # a row stored with the straight apostrophe reads the same
    demo_db.execute(
        text("UPDATE assignment_runs SET reason = :r WHERE id = :id"),
        {"r": f"annulation de l'opération n° {manual}", "id": undo},
    )
    said = client.get(f"/affectations/operations/{undo}?lang=en").text
    assert f"<p>undo of operation no. {manual} · by " in said


def test_a_territory_deletion_reads_in_english(api_as: ClientFactory, demo_db: Session) -> None:
    client = api_as(1)
    name = demo_db.execute(text("SELECT name FROM territories WHERE id = 2")).scalar_one()
    deleted = client.post("/territoires/2/supprimer", follow_redirects=False)
    assert deleted.status_code == 303
    run_id = _latest_run(demo_db)
    english = _run_item(client.get("/affectations?lang=en").text, run_id)
    assert f"deletion of the territory “{name}”" in english
    assert "suppression" not in english
    french = _run_item(client.get("/affectations").text, run_id)
    assert f"suppression du territoire «\u00a0{name}\u00a0»" in french or (
        f"suppression du territoire « {name} »" in french
    )


def test_stored_reasons_are_worded_for_the_reader() -> None:
    assert assignment_reason("affectation automatique", "en") == "automatic assignment"
    assert assignment_reason("rééquilibrage (3 communes)", "en") == "rebalancing (3 communes)"
    # one commune: its singular, in French too (stored « 1 communes »)
    assert assignment_reason("rééquilibrage (1 communes)", "en") == "rebalancing (1 commune)"
    assert assignment_reason("rééquilibrage (1 communes)", "fr") == "rééquilibrage (1 commune)"
    assert assignment_reason("suppression du territoire « Var »", "en") == (
        "deletion of the territory “Var”"
    )
    assert assignment_reason("transfert demandé par la direction", "en") == (
        "transfert demandé par la direction"  # a reason typed through the API: as typed
    )


def test_the_drawing_tools_speak_the_readers_language(api_as: ClientFactory) -> None:
    for client, path in ((api_as(1), "/territoires"), (api_as(DISPATCHER), "/affectations")):
        assert maps.DRAW_FRENCH in client.get(path).text, path
        english = client.get(f"{path}?lang=en").text
        assert "leaflet.draw.js" in english and maps.DRAW_FRENCH not in english, path
        assert "alert(" not in english  # a drawn shape pops no GeoJSON up


def test_nothing_ticked_is_said_beside_the_button(api_as: ClientFactory) -> None:
    """On a phone the form's message was below the map, off the screen: the button it is
    about takes the focus (the browser scrolls it into view), the message right under it;
    the page script says it there before any round trip (``data-nothing``)."""
    for lang, said in (("fr", "Cochez au moins un compte."), ("en", "Tick at least one account.")):
        page = api_as(DISPATCHER).post(f"/affectations/attribuer?lang={lang}", data={"rep_id": "4"})
        assert page.status_code == 422
        form = page.text[page.text.index('id="assign-form"') :]
        assert form.startswith(f'id="assign-form" data-nothing="{said}">')
        button = re.search(r'<button type="submit" id="assign-selected"[^>]*>', form)
        assert button and "autofocus" in button.group(0)
        after = form[form.index(button.group(0)) :]
        assert re.match(
            rf'.*?</button>\s*</div>\s*<p class="error" role="alert" id="assign-error">{said}</p>',
            after,
            re.S,
        ), after[:600]
    fresh = api_as(DISPATCHER).get("/affectations").text
    assert "autofocus" not in fresh[fresh.index('id="assign-form"') :].split("</form>")[0]
