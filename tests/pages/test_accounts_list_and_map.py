"""« Comptes »: the list and its map select the same accounts (one filter), the list says how
many, the search finds an account by its import id, and the « Commercial » filter offers the
active reps and only those disabled reps who still own accounts. Through the real app."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

ADMIN = 3
WORLD = "-180,-90,180,90"


def _located(db: Session, n: int) -> list[int]:
    rows = db.execute(
        text("SELECT id FROM accounts WHERE geom IS NOT NULL ORDER BY id LIMIT :n"), {"n": n}
    )
    return [int(r[0]) for r in rows]


def _listed(html: str) -> list[int]:
    body = html[html.index('id="accounts"') :]
    return [int(i) for i in re.findall(r'<tr data-account="(\d+)"', body)]


def _total(html: str) -> str:
    found = re.search(r'id="accounts-total"[^>]*><strong>([^<]*)</strong>', html)
    assert found, "the list says how many accounts it selects"
    return found.group(1)


def _map_total(api: Any, html: str) -> int:
    """What the page's map asks /api/account-map for (its query, the whole world in view)."""
    found = re.search(r"query: (\"[^\"]*\")", html)
    assert found, "the page hands its filter to the map"
    query = json.loads(found.group(1))
    answer = api.get(f"/api/account-map?{query}&bbox={WORLD}")
    assert answer.status_code == 200, answer.text
    return int(answer.json()["total"])


def test_an_import_id_is_found_and_the_map_shows_only_what_the_list_shows(
    api_as: ClientFactory, demo_db: Session
) -> None:
    first, second = _located(demo_db, 2)
    for account_id, key in ((first, "QA17-001"), (second, "QA17-002")):
        demo_db.execute(
            text("UPDATE accounts SET external_id = :k WHERE id = :id"),
            {"k": key, "id": account_id},
        )
    demo_db.flush()
    admin = api_as(ADMIN)
    page = admin.get("/comptes", params={"q": "QA17"})
    assert page.status_code == 200
    assert sorted(_listed(page.text)) == sorted([first, second])
    assert _total(page.text) == "2 comptes"
    assert _map_total(admin, page.text) == 2, "the map shows the list's two accounts, not all"
    one = admin.get("/comptes", params={"q": "qa17-001"})  # whatever its case
    assert _listed(one.text) == [first] and _total(one.text) == "1 compte"
    assert _map_total(admin, one.text) == 1
    assert "identifiant d’import" in page.text  # the box says what it searches
    none = admin.get("/comptes", params={"q": "QA18"})
    assert _listed(none.text) == [] and _total(none.text) == "0 compte"
    assert _map_total(admin, none.text) == 0


def test_filters_select_the_list_and_the_map_alike(api_as: ClientFactory, demo_db: Session) -> None:
    admin = api_as(ADMIN)
    condition = "a.kind = 'client' AND asg.owner_id = 4"
    scope = f"""FROM accounts a LEFT JOIN account_assignments asg ON asg.account_id = a.id
                WHERE {condition}"""
    expected = int(demo_db.execute(text(f"SELECT count(*) {scope}")).scalar_one())
    located = int(
        demo_db.execute(text(f"SELECT count(*) {scope} AND a.geom IS NOT NULL")).scalar_one()
    )
    everything = int(demo_db.execute(text("SELECT count(*) FROM accounts")).scalar_one())
    assert 50 < expected < everything  # more than a page, less than all
    page = admin.get("/comptes", params={"kind": "client", "rep": "4", "q": ""})
    assert page.status_code == 200
    assert _total(page.text) == f"{expected:,} comptes".replace(",", "\u202f")
    assert _map_total(admin, page.text) == located
    assert re.search(r'<option value="client" selected>', page.text), "the filter stays shown"
    assert 'id="clear-filters"' in page.text
    listed = _listed(page.text)
    assert len(listed) == 50
    owners = demo_db.execute(
        text(
            "SELECT DISTINCT a.kind, asg.owner_id FROM accounts a"
            " JOIN account_assignments asg ON asg.account_id = a.id WHERE a.id = ANY(:ids)"
        ),
        {"ids": listed},
    ).all()
    assert [tuple(r) for r in owners] == [("client", 4)]
    following = re.search(r'href="/comptes\?([^"]*page=1)"', page.text)
    assert following and "kind=client" in following.group(1) and "rep=4" in following.group(1)
    bad = admin.get("/comptes", params={"rep": "abc"})
    assert bad.status_code == 422


def test_the_rep_filter_offers_active_reps_and_disabled_ones_still_owning_accounts(
    api_as: ClientFactory, demo_db: Session
) -> None:
    demo_db.execute(text("UPDATE users SET active = false WHERE id IN (5, 6)"))
    demo_db.execute(text("UPDATE account_assignments SET owner_id = 4 WHERE owner_id = 6"))
    demo_db.flush()
    owns = demo_db.execute(text("SELECT count(*) FROM account_assignments WHERE owner_id = 5"))
    assert owns.scalar_one() > 0
    page = api_as(ADMIN).get("/comptes")
    select = re.search(r'<select name="rep">(.*?)</select>', page.text, re.S)
    assert select
    options = dict(re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select.group(1)))
    assert options.get("4") == "Camille Martin"
    assert options.get("5", "").endswith("(désactivé)"), "disabled, still owns accounts"
    assert "6" not in options, "disabled and owning nothing: not offered"


def test_a_rep_is_told_the_map_adds_the_prospects_nobody_owns(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """A rep lists their own accounts; their map also shows the prospects nobody owns (to pick
    them up): the page says so rather than « dans la liste comme sur la carte » alone."""
    demo_db.execute(
        text("""DELETE FROM account_assignments WHERE account_id IN (
                  SELECT a.id FROM accounts a JOIN account_assignments s ON s.account_id = a.id
                  WHERE s.owner_id = 5 AND a.kind = 'prospect' AND a.geom IS NOT NULL
                  ORDER BY a.id LIMIT 3)""")
    )
    own = """FROM accounts a JOIN account_assignments asg ON asg.account_id = a.id
             WHERE asg.owner_id = 4"""
    listed = int(demo_db.execute(text(f"SELECT count(*) {own}")).scalar_one())
    located = int(
        demo_db.execute(text(f"SELECT count(*) {own} AND a.geom IS NOT NULL")).scalar_one()
    )
    unowned = int(
        demo_db.execute(
            text("""SELECT count(*) FROM accounts a
                    LEFT JOIN account_assignments asg ON asg.account_id = a.id
                    WHERE asg.owner_id IS NULL AND a.kind = 'prospect' AND a.geom IS NOT NULL""")
        ).scalar_one()
    )
    assert unowned >= 3
    rep = api_as(4)
    page = rep.get("/comptes")
    assert _total(page.text) == f"{listed:,} comptes".replace(",", "\u202f")
    assert _map_total(rep, page.text) == located + unowned
    said = page.text[page.text.index('id="accounts-total"') :][:600]
    assert "la carte y ajoute les prospects que personne ne suit" in said
    admin = api_as(ADMIN).get("/comptes")  # an admin's list and map are the same accounts
    assert "la carte y ajoute" not in admin.text


def test_sans_commercial_is_offered_only_where_the_list_can_show_such_accounts(
    api_as: ClientFactory,
) -> None:
    """An admin's and a manager's lists hold the accounts nobody owns: « Sans commercial » is
    offered there (what it gives: tests/pages/test_manager_unowned_accounts.py); a rep's list
    holds only their own, and they get no « Commercial » filter."""
    option = '<option value="0"'
    assert option in api_as(ADMIN).get("/comptes").text
    manager = api_as(1).get("/comptes").text
    assert "Commercial" in manager and option in manager
    assert option not in api_as(4).get("/comptes").text
