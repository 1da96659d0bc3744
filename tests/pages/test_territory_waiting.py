"""A territory drawn or built over accounts others hold shows 0 accounts in the balance (it
counts by assignment) until the automatic assignment runs: the page says how many lie in
its outline, not yet assigned to it, and links to that assignment."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.services import assignment
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
