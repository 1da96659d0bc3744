"""A manager sees her team's accounts and those nobody owns (the ones she just imported, the
dispatcher's queue) in the list, on the map, on the account page and under « Sans commercial »,
and may edit and assign them; another team's accounts stay hidden. Through the real app."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.api.authz_world import other_team
from tests.pages.test_accounts_list_and_map import _listed, _map_total, _total
from tests.web import ClientFactory

CLAIRE, CAMILLE = 1, 4
NICE = "7.20,43.65,7.32,43.75"
IMPORTED = (
    "identifiant;raison sociale;adresse;code postal;ville;type;secteur;latitude;longitude\r\n"
    "QA18-001;Boulangerie Importée Dix-Huit;12 rue de France;06000;Nice;prospect;Boulangerie;"
    "43,6965;7,2620\r\n"
    "QA18-002;Hôtel Importé Dix-Huit;1 promenade des Anglais;06000;Nice;client;Hôtel;"
    "43,6950;7,2650\r\n"
).encode()


def _comptes(n: int) -> str:
    return f"{n:,} compte{'s' if n > 1 else ''}".replace(",", "\u202f")


def _import_as_claire(api_as: ClientFactory, db: Session) -> list[int]:
    """Claire imports two accounts (a prospect and a client, located): nobody owns them."""
    answer = api_as(CLAIRE).post(
        "/api/imports/accounts", files={"file": ("nouveaux.csv", IMPORTED, "text/csv")}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["inserted"] == 2, answer.text
    rows = db.execute(
        text("""SELECT a.id, asg.owner_id, a.geom IS NOT NULL AS located FROM accounts a
                LEFT JOIN account_assignments asg ON asg.account_id = a.id
                WHERE a.external_id LIKE 'QA18-%' ORDER BY a.external_id""")
    ).all()
    assert [(r.owner_id, r.located) for r in rows] == [(None, True), (None, True)]
    return [int(r.id) for r in rows]


def test_a_manager_lists_maps_and_opens_the_accounts_she_imported(
    api_as: ClientFactory, demo_db: Session
) -> None:
    imported = _import_as_claire(api_as, demo_db)
    claire = api_as(CLAIRE)
    page = claire.get("/comptes", params={"q": "QA18"})
    assert page.status_code == 200
    assert sorted(_listed(page.text)) == imported, "the client nobody owns is listed too"
    assert _total(page.text) == "2 comptes"
    assert _map_total(claire, page.text) == 2, "the map shows what the list shows"
    assert "la carte y ajoute" not in page.text  # her list and her map are the same accounts
    points = claire.get("/api/account-map", params={"bbox": NICE, "q": "QA18"}).json()
    assert sorted(p["id"] for p in points["points"]) == imported
    for account_id in imported:
        assert claire.get(f"/comptes/{account_id}").status_code == 200
        assert claire.get(f"/api/accounts/{account_id}").status_code == 200
    api_listed = claire.get("/api/accounts", params={"q": "Importé Dix-Huit"}).json()
    assert sorted(r["id"] for r in api_listed) == imported


def test_sans_commercial_gives_a_manager_every_account_nobody_owns(
    api_as: ClientFactory, demo_db: Session
) -> None:
    imported = _import_as_claire(api_as, demo_db)
    unowned = """FROM accounts a LEFT JOIN account_assignments asg ON asg.account_id = a.id
                 WHERE asg.owner_id IS NULL"""
    count = int(demo_db.execute(text(f"SELECT count(*) {unowned}")).scalar_one())
    located = int(
        demo_db.execute(text(f"SELECT count(*) {unowned} AND a.geom IS NOT NULL")).scalar_one()
    )
    assert count >= 2 + 1  # the demo's queue and the two imported
    claire = api_as(CLAIRE)
    offered = claire.get("/comptes").text
    assert re.search(r'<option value="0"[^>]*>Sans commercial</option>', offered)
    page = claire.get("/comptes", params={"rep": "0"})
    assert _total(page.text) == _comptes(count)
    assert re.search(r'<option value="0" selected>Sans commercial</option>', page.text)
    assert _map_total(claire, page.text) == located
    listed = _listed(page.text)
    assert listed and set(imported) <= set(
        _listed(claire.get("/comptes", params={"rep": "0", "q": "QA18"}).text)
    )
    owners = demo_db.execute(
        text("""SELECT DISTINCT asg.owner_id FROM accounts a
                LEFT JOIN account_assignments asg ON asg.account_id = a.id
                WHERE a.id = ANY(:ids)"""),
        {"ids": listed},
    ).all()
    assert [r[0] for r in owners] == [None]


def test_a_manager_still_does_not_see_another_teams_accounts(
    api_as: ClientFactory, demo_db: Session
) -> None:
    team = other_team(demo_db)
    claire = api_as(CLAIRE)
    assert claire.get(f"/comptes/{team.account_id}").status_code == 404
    assert claire.get(f"/api/accounts/{team.account_id}").status_code == 404
    searched = claire.get("/comptes", params={"q": "GRASSE TORRÉFACTION"})
    assert _listed(searched.text) == [] and _total(searched.text) == "0 compte"
    assert _map_total(claire, searched.text) == 0
    team_ids = {
        int(r[0])
        for r in demo_db.execute(text("SELECT id FROM users WHERE id = 1 OR manager_id = 1"))
    }
    grasse = claire.get("/api/account-map", params={"bbox": "6.85,43.6,6.98,43.7"}).json()
    assert grasse["points"] and team.account_id not in {p["id"] for p in grasse["points"]}
    assert {p["owner_id"] for p in grasse["points"]} <= team_ids | {None}
    edited = claire.patch(f"/api/accounts/{team.account_id}", json={"sector": "x"})
    assert edited.status_code == 403
    taken = claire.post(
        "/api/assignment/manual", json={"account_ids": [team.account_id], "rep_id": CAMILLE}
    )
    assert taken.status_code == 403


def test_a_manager_edits_and_assigns_an_account_nobody_owns(
    api_as: ClientFactory, demo_db: Session
) -> None:
    prospect, client = _import_as_claire(api_as, demo_db)
    claire = api_as(CLAIRE)
    edited = claire.patch(
        f"/api/accounts/{client}", json={"sector": "Restaurant"}, headers={"If-Match": "*"}
    )
    assert edited.status_code == 200, edited.text
    given = claire.post(
        "/api/assignment/manual", json={"account_ids": [prospect, client], "rep_id": CAMILLE}
    )
    assert given.status_code == 200 and given.json() == {"changed": 2}
    owners = demo_db.execute(
        text("SELECT owner_id FROM account_assignments WHERE account_id = ANY(:a)"),
        {"a": [prospect, client]},
    ).all()
    assert [r[0] for r in owners] == [CAMILLE, CAMILLE]
    camille = api_as(CAMILLE)  # the rep now lists the client she was given
    assert client in _listed(camille.get("/comptes", params={"q": "QA18"}).text)
