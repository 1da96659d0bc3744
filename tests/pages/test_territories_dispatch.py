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


def test_assignment_form_names_the_missing_field(api_as: ClientFactory) -> None:
    response = api_as(2).post("/affectations/attribuer", data={"rep_id": "4"})
    assert response.status_code == 422
    assert "comptes :" in response.text  # « account_ids » by its French name
