"""Managers' territories screen and dispatchers' assignment screen, through the real app."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory


def test_manager_sees_map_balance_and_drawing_tools(api_as: ClientFactory) -> None:
    page = api_as(1).get("/territoires")
    assert page.status_code == 200
    assert "leaflet.draw.js" in page.text
    assert "Riviera" in page.text
    assert 'id="balance"' in page.text
    assert "Enregistrer le tracé" in page.text


def test_manager_builds_a_territory_from_departements(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(1)
    done = client.post(
        "/territoires/construire",
        data={"name": "Var", "unit": "departements", "codes": "83", "rep_id": "5"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    area = demo_db.execute(
        text("SELECT ST_Area(geom::geography) / 1e6 FROM territories WHERE name = 'Var'")
    ).scalar_one()
    assert 5000 < area < 7000  # the Var département is about 6 000 km²


def test_rebalancing_proposal_is_shown_not_applied(api_as: ClientFactory, demo_db: Session) -> None:
    before = demo_db.execute(
        text("SELECT md5(string_agg(ST_AsText(geom), '' ORDER BY id)) FROM territories")
    ).scalar()
    page = api_as(1).get("/territoires?metric=accounts")
    assert page.status_code == 200
    assert "Proposition de rééquilibrage (non appliquée)" in page.text
    after = demo_db.execute(
        text("SELECT md5(string_agg(ST_AsText(geom), '' ORDER BY id)) FROM territories")
    ).scalar()
    assert before == after


def test_reps_may_not_open_the_dispatch_screen(api_as: ClientFactory) -> None:
    assert api_as(4).get("/affectations").status_code == 403


def test_dispatcher_assigns_the_selection_with_a_lock(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(2)
    page = client.get("/affectations")
    assert page.status_code == 200
    queued = (
        demo_db.execute(
            text(
                "SELECT id FROM accounts LEFT JOIN account_assignments ON account_id = id WHERE owner_id IS NULL ORDER BY id LIMIT 2"
            )
        )
        .scalars()
        .all()
    )
    assert len(queued) == 2
    done = client.post(
        "/affectations/attribuer",
        data={"account_ids": [str(i) for i in queued], "rep_id": "4", "lock": "true"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    rows = demo_db.execute(
        text("SELECT owner_id, locked FROM account_assignments WHERE account_id = ANY(:ids)"),
        {"ids": list(queued)},
    ).all()
    assert len(rows) == 2 and all(r.owner_id == 4 and r.locked for r in rows)
    assert "2 comptes attribués." in client.get(done.headers["location"]).text


def test_preview_lists_moves_without_writing(api_as: ClientFactory, demo_db: Session) -> None:
    demo_db.execute(
        text(
            "UPDATE account_assignments SET owner_id = NULL WHERE account_id IN (SELECT account_id"
            " FROM account_assignments WHERE territory_id IS NOT NULL AND NOT locked"
            " ORDER BY account_id LIMIT 3)"
        )
    )
    page = api_as(2).get("/affectations?preview=1")
    assert page.status_code == 200
    assert 'id="preview"' in page.text
    moving = re.search(r"(\d+) comptes changeraient", page.text)
    assert moving is not None and int(moving.group(1)) >= 3
    unowned = demo_db.execute(
        text(
            "SELECT count(*) FROM account_assignments"
            " WHERE owner_id IS NULL AND territory_id IS NOT NULL AND NOT locked"
        )
    ).scalar()
    assert unowned >= 3


def test_assigning_an_empty_selection_shows_the_form_again_saying_so(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """« Attribuer la sélection (0) »: the assignment screen again (queue, map, form), the
    form saying « Cochez au moins un compte. »; not a bare « champ obligatoire » page, and
    nothing assigned."""
    count = "SELECT count(*) FROM assignment_runs"
    runs = demo_db.execute(text(count)).scalar()
    response = api_as(2).post("/affectations/attribuer", data={"rep_id": "4", "lock": "true"})
    assert response.status_code == 422
    form = response.text.split('id="assign-form"', 1)[1].split("</form>", 1)[0]
    assert '<p class="error" role="alert" id="assign-error">Cochez au moins un compte.</p>' in form
    assert 'id="queue"' in form and 'id="dispatch-map"' in response.text
    assert "champ obligatoire" not in response.text
    assert demo_db.execute(text(count)).scalar() == runs
    english = api_as(2).post("/affectations/attribuer?lang=en", data={"rep_id": "4"})
    assert "Tick at least one account." in english.text


def _row_of(page: str, account_id: int) -> str:
    """The queue's table row of one account."""
    found = re.search(rf'<tr><td><input[^>]*value="{account_id}".*?</tr>', page, re.S)
    assert found, f"account {account_id} not in the queue's first page"
    return found.group(0)


def test_queue_shows_each_accounts_true_reason(api_as: ClientFactory, demo_db: Session) -> None:
    # two accounts a territory with a rep covers, taken from their owner: one placed only
    # roughly (to review), one placed but locked by a dispatcher
    unconfirmed, locked = (
        demo_db.execute(
            text(
                """SELECT a.id FROM accounts a JOIN account_assignments s ON s.account_id = a.id
                   WHERE a.geocode_status = 'matched' AND s.owner_id IS NOT NULL
                     AND EXISTS (SELECT 1 FROM territories t
                                 WHERE t.rep_id IS NOT NULL AND ST_Covers(t.geom, a.geom))
                   ORDER BY a.id LIMIT 2"""
            )
        )
        .scalars()
        .all()
    )
    demo_db.execute(
        text(
            "UPDATE account_assignments SET owner_id = NULL, locked = (account_id = :l) "
            "WHERE account_id IN (:u, :l)"
        ),
        {"u": unconfirmed, "l": locked},
    )
    demo_db.execute(
        text("UPDATE accounts SET geocode_status = 'to_review' WHERE id = :u"), {"u": unconfirmed}
    )
    first = demo_db.execute(  # first on the queue's first page (best priority first)
        text(
            """INSERT INTO account_priorities (account_id, score, band)
               SELECT id, 1e6, 'urgent' FROM accounts WHERE id IN (:u, :l)
               ON CONFLICT (account_id) DO UPDATE SET score = 1e6"""
        ),
        {"u": unconfirmed, "l": locked},
    )
    assert first.rowcount == 2
    page = api_as(2).get("/affectations").text
    row = _row_of(page, unconfirmed)
    assert 'data-reason="unconfirmed"' in row
    assert "lieu non confirmé (à vérifier dans Géocodage)" in row
    assert "pas encore affecté" not in row
    row = _row_of(page, locked)
    assert 'data-reason="locked"' in row and "verrouillé par un répartiteur" in row


def test_balance_spread_is_said_in_plain_french(api_as: ClientFactory, demo_db: Session) -> None:
    from fieldcrm.auth.roles import Actor, Role
    from fieldcrm.services import territories

    manager = Actor(id=1, role=Role.MANAGER, name="Claire Lefèvre", team=frozenset({4, 5, 6}))
    report = territories.balance_report(demo_db, actor=manager)
    accounts = [r.accounts for r in report.rows]
    mean = sum(accounts) / len(accounts)
    spread = (sum((a - mean) ** 2 for a in accounts) / len(accounts)) ** 0.5 / mean
    page = api_as(1).get("/territoires", params={"metric": "accounts"}).text
    said = page[page.index('id="balance-spread"') :]
    said = said[: said.index("</p>")]
    assert "Écart entre territoires, autour de la moyenne :" in said
    assert f"Comptes ±{round(spread * 100)}\u00a0%" in said
    assert "coefficient" not in page.lower()
    proposal = page[page.index('id="proposal-spread"') :]
    proposal = proposal[: proposal.index("</p>")]
    assert re.search(r"±\d+\u00a0% avant, ±\d+\u00a0% après", proposal), proposal


def test_a_refused_build_is_the_page_again_with_the_form_as_typed(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """Unknown codes, or no name: the territories page again (map, balance), the builder's
    form as typed and, above it, why in French with the units' French name; nothing built."""
    count = "SELECT count(*) FROM territories"
    before = demo_db.execute(text(count)).scalar()
    manager = api_as(1)
    page = manager.post(
        "/territoires/construire",
        data={"name": "Sud", "unit": "postcodes", "codes": "99999", "rep_id": "5"},
    )
    assert page.status_code == 422
    said = re.search(r'<p class="error" role="alert" id="build-error">(.*?)</p>', page.text)
    assert said, page.text[:1500]
    assert said.group(1).replace("\u00a0", " ") == (
        "codes postaux : code postal inconnu (reçu : « 99999 »)"
    )
    form = page.text.split('action="/territoires/construire"', 1)[1].split("</form>", 1)[0]
    assert 'value="Sud"' in form and 'value="99999"' in form
    assert '<option value="postcodes" selected>' in form
    assert '<option value="5" selected>' in form
    assert 'id="balance"' in page.text and 'id="territory-map"' in page.text
    nameless = manager.post(
        "/territoires/construire", data={"name": "", "unit": "departements", "codes": "06"}
    )
    assert nameless.status_code == 422
    assert 'id="build-error">nom : un territoire a besoin d’un nom</p>' in nameless.text
    assert demo_db.execute(text(count)).scalar() == before
