"""A territory drawn or built over accounts others hold shows 0 accounts in the balance (it
counts by assignment) until the automatic assignment runs: the page says how many lie in
its outline, not yet assigned to it, and links to that assignment."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.services import assignment
from fieldcrm.store import users as user_store
from tests.pages.test_menu_counts import _statements
from tests.web import ClientFactory

ADMIN = Actor(id=3, role=Role.ADMIN, name="Admin")


def _new_territory(client, db: Session) -> int:  # type: ignore[no-untyped-def]
    """« Nice centre »: the commune of Nice, above Riviera – Monaco (priority 20), no rep."""
    done = client.post(
        "/territoires/construire",
        data={"name": "Nice centre", "unit": "communes", "codes": "06088", "priority": "20"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text[:500]
    return int(
        db.execute(text("SELECT id FROM territories WHERE name = 'Nice centre'")).scalar_one()
    )


def _balance_row(page: str, name: str) -> str:
    found = re.search(rf'<tr><th scope="row">{re.escape(name)}</th>.*?</tr>', page, re.S)
    assert found, name
    return found.group(0)


def test_a_new_territory_says_the_accounts_in_it_not_yet_assigned(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(1)
    tid = _new_territory(client, demo_db)
    page = client.get("/territoires").text
    # the balance counts by assignment: nothing is assigned to it yet
    assert '<td data-label="Comptes">0</td>' in _balance_row(page, "Nice centre")
    note = page[page.index('id="balance-waiting"') :]
    note = note[: note.index("</div>")]
    found = re.search(
        rf'<li data-territory="{tid}">Nice centre : (\d+) comptes dans le tracé, pas encore '
        r"affectés à ce territoire \(sans commercial : l’affectation les mettra dans la file "
        r"des comptes sans commercial\)</li>",
        note,
    )
    assert found, note
    waiting = int(found.group(1))
    assert waiting > 1
    assert 'href="/affectations?preview=1#auto"' in note
    assert "Lancer l’affectation automatique" in note
    # the territory list says it too, beside « 0 comptes »
    item = page[page.index(f'<li data-territory="{tid}">') :]
    item = item[: item.index("</li>")]
    assert "0 comptes" in item and f'data-waiting="{waiting}"' in item
    assert "lancer l’affectation" in item
    # the figure is what the automatic assignment then gives the territory
    assignment.assign_all(demo_db, actor=ADMIN)
    moved = demo_db.execute(
        text("SELECT count(*) FROM account_assignments WHERE territory_id = :t"), {"t": tid}
    ).scalar_one()
    assert moved == waiting
    after = client.get("/territoires").text
    assert f'<td data-label="Comptes">{waiting}</td>' in _balance_row(after, "Nice centre")
    assert 'id="balance-waiting"' not in after and "data-waiting=" not in after


def test_the_note_in_english(api_as: ClientFactory, demo_db: Session) -> None:
    client = api_as(1)
    _new_territory(client, demo_db)
    page = client.get("/territoires?lang=en").text
    note = page[page.index('id="balance-waiting"') :]
    note = note[: note.index("</div>")]
    assert re.search(
        r"Nice centre: \d+ accounts inside the outline, not yet assigned to this territory "
        r"\(no rep: the assignment will put them in the queue of accounts without a rep\)",
        note,
    ), note
    assert "Run the automatic assignment" in note
    assert "dans le tracé" not in page


def test_no_note_when_every_account_is_where_the_assignment_puts_it(
    api_as: ClientFactory, demo_db: Session
) -> None:
    assignment.assign_all(demo_db, actor=ADMIN)
    page = api_as(1).get("/territoires").text
    assert 'id="balance-waiting"' not in page and "data-waiting=" not in page


def _from_preview(db: Session, actor: Actor) -> dict[int, int]:
    """The test oracle: the accounts waiting per territory summed from the whole preview's
    moves (as the page computed them on every load before)."""
    waiting: dict[int, int] = {}
    for m in assignment.preview_assignment(db, actor=actor).moves:
        if m.to_territory_id is not None and m.to_territory_id != m.from_territory_id:
            waiting[m.to_territory_id] = waiting.get(m.to_territory_id, 0) + m.accounts
    return waiting


def test_the_page_counts_the_waiting_accounts_in_one_statement_not_the_whole_preview(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(1)
    tid = _new_territory(client, demo_db)
    with _statements(demo_db) as seen:
        page = client.get("/territoires").text
    by_rule = [s for s in seen if "waiting_candidates" in s]
    assert len(by_rule) == 1, by_rule  # the counts, by one statement
    assert not [s for s in seen if "every_target" in s], "no whole assignment preview"
    manager = user_store.actor(demo_db, 1)  # Claire, as the page sees her
    assert manager is not None and manager.role is Role.MANAGER and manager.team
    expected = _from_preview(demo_db, manager)
    assert expected.get(tid, 0) > 1
    assert f'data-waiting="{expected[tid]}"' in page
    # the same counts as the preview's, whoever looks (a manager's team, everyone's)
    for actor in (manager, ADMIN, Actor(id=2, role=Role.DISPATCHER, name="Karim Benali")):
        assert assignment.waiting_by_territory(demo_db, actor=actor) == _from_preview(
            demo_db, actor
        )
    # the same outline again, same priority: the tie-break's older one keeps the accounts
    alone = assignment.waiting_by_territory(demo_db, actor=ADMIN)
    twin = client.post(
        "/territoires/construire",
        data={"name": "Nice bis", "unit": "communes", "codes": "06088", "priority": "20"},
        follow_redirects=False,
    )
    assert twin.status_code == 303
    counts = assignment.waiting_by_territory(demo_db, actor=ADMIN)
    assert counts == _from_preview(demo_db, ADMIN) == alone  # none waits for « Nice bis »
    # a locked account of the outline is not waiting, as the preview says
    before = assignment.waiting_by_territory(demo_db, actor=ADMIN)
    locked = demo_db.execute(
        text(
            """SELECT a.id FROM accounts a JOIN territories t ON ST_Covers(t.geom, a.geom)
               LEFT JOIN account_assignments asg ON asg.account_id = a.id
               WHERE t.id = :t AND a.geocode_status IN ('matched', 'manual')
                 AND asg.locked IS NOT TRUE
               ORDER BY a.id LIMIT 1"""
        ),
        {"t": tid},
    ).scalar_one()
    demo_db.execute(
        text(
            """INSERT INTO account_assignments (account_id, locked) VALUES (:a, true)
               ON CONFLICT (account_id) DO UPDATE SET locked = true"""
        ),
        {"a": locked},
    )
    after = assignment.waiting_by_territory(demo_db, actor=ADMIN)
    assert after == _from_preview(demo_db, ADMIN)
    assert after[tid] == before[tid] - 1
