"""The account page says when a dispatcher locked the account's assignment (by whom, when):
nobody wonders why the territory rule does not move it. Shown to those who assign it, not to
its rep; gone once unlocked or once the run that locked it is undone."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

CLAIRE, KARIM, CAMILLE, JULIEN = 1, 2, 4, 5
LOCK = re.compile(r'<p id="assignment-lock">(.*?)</p>', re.S)


def _said(page: str) -> str | None:
    """The lock line's text (tags dropped, spaces collapsed), None when absent."""
    found = LOCK.search(page)
    if found is None:
        return None
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()).replace(" :", ":")


def _camilles_account(db: Session) -> int:
    return int(
        db.execute(
            text("""SELECT account_id FROM account_assignments
                    WHERE owner_id = :rep AND NOT locked ORDER BY account_id LIMIT 1"""),
            {"rep": CAMILLE},
        ).scalar_one()
    )


def test_a_lock_made_on_the_dispatch_screen_is_said_with_who_and_when(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account = _camilles_account(demo_db)
    karim = api_as(KARIM)
    assert _said(karim.get(f"/comptes/{account}").text) is None  # not locked yet
    done = karim.post(
        "/affectations/attribuer",
        data={"rep_id": str(JULIEN), "account_ids": [str(account)], "lock": "true"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    said = _said(karim.get(f"/comptes/{account}").text)
    assert said is not None
    assert re.fullmatch(
        r"Affectation verrouillée par Karim Benali le \d\d/\d\d/\d{4} à \d\d:\d\d: "
        r"l’affectation automatique par territoire ne change pas son commercial\. Affectations",
        said,
    ), said
    # their manager assigns her team's accounts: she sees it too; the rep does not act on it
    assert _said(api_as(CLAIRE).get(f"/comptes/{account}").text) == said
    rep_page = api_as(JULIEN).get(f"/comptes/{account}")
    assert rep_page.status_code == 200 and _said(rep_page.text) is None
    # its run undone: the lock goes with it, and so does the line
    run = demo_db.execute(text("SELECT max(id) FROM assignment_runs")).scalar_one()
    undo = karim.post(f"/affectations/operations/{run}/annuler", follow_redirects=False)
    assert undo.status_code == 303
    assert _said(karim.get(f"/comptes/{account}").text) is None


def test_a_lock_that_moves_nobody_is_said_too(api_as: ClientFactory, demo_db: Session) -> None:
    """Locked on its own rep: no run is kept (nothing moved), the lock is still recorded."""
    account = _camilles_account(demo_db)
    karim = api_as(KARIM)
    karim.post(
        "/affectations/attribuer",
        data={"rep_id": str(CAMILLE), "account_ids": [str(account)], "lock": "true"},
        follow_redirects=False,
    )
    said = _said(karim.get(f"/comptes/{account}").text)
    assert said is not None and said.startswith("Affectation verrouillée par Karim Benali le ")


def test_locks_and_unlocks_by_the_api_are_recorded_and_said(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account = _camilles_account(demo_db)
    karim = api_as(KARIM)
    locked = karim.post("/api/assignment/lock", json={"account_ids": [account], "locked": True})
    assert locked.json() == {"changed": 1}
    said = _said(karim.get(f"/comptes/{account}").text)
    assert said is not None and said.startswith("Affectation verrouillée par Karim Benali le ")
    unlocked = karim.post("/api/assignment/lock", json={"account_ids": [account], "locked": False})
    assert unlocked.json() == {"changed": 1}
    assert _said(karim.get(f"/comptes/{account}").text) is None
    # locked again with no record of it (a lock from before locks were recorded): said plainly
    demo_db.execute(
        text("UPDATE account_assignments SET locked = true WHERE account_id = :a"), {"a": account}
    )
    assert _said(karim.get(f"/comptes/{account}").text) == (
        "Affectation verrouillée par un répartiteur: l’affectation automatique par territoire "
        "ne change pas son commercial. Affectations"
    )


def test_english_reader(api_as: ClientFactory, demo_db: Session) -> None:
    account = _camilles_account(demo_db)
    karim = api_as(KARIM)
    karim.post("/api/assignment/lock", json={"account_ids": [account], "locked": True})
    said = _said(karim.get(f"/comptes/{account}?lang=en").text)
    assert said is not None
    assert re.fullmatch(
        r"Assignment locked by Karim Benali on \d+ \w+ \d{4} at \d\d:\d\d: the automatic assignment by "
        r"territory does not change its rep\. Assignments",
        said,
    ), said
