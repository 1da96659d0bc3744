"""The assignment screens count one account as one: « 1 compte attribué. », « · 1 compte · »
in the history, « (1 compte) » in the queued job's label. Through the real app."""

from __future__ import annotations

import html
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.services import assignment
from fieldcrm.store import jobs as job_store
from tests.web import ClientFactory

DISPATCHER = 2


def _queued(db: Session, n: int) -> list[int]:
    rows = db.execute(
        text(
            "SELECT id FROM accounts LEFT JOIN account_assignments ON account_id = id"
            " WHERE owner_id IS NULL ORDER BY id LIMIT :n"
        ),
        {"n": n},
    )
    return [int(r[0]) for r in rows]


def test_one_account_assigned_reads_singular_and_two_plural(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(DISPATCHER)
    first, second, third = _queued(demo_db, 3)
    done = client.post(
        "/affectations/attribuer",
        data={"account_ids": [str(first)], "rep_id": "4"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = html.unescape(client.get(done.headers["location"]).text)
    assert "1 compte attribué." in page and "1 comptes" not in page
    history = page[page.index('id="run-list"') :]
    latest = re.search(r"<li data-run=\"\d+\">.*?</li>", history, re.S)
    assert latest and " · 1 compte" in latest.group(0) and "1 comptes" not in latest.group(0)
    done = client.post(
        "/affectations/attribuer",
        data={"account_ids": [str(second), str(third)], "rep_id": "4"},
        follow_redirects=False,
    )
    page = html.unescape(client.get(done.headers["location"]).text)
    assert "2 comptes attribués." in page
    latest = re.search(r"<li data-run=\"\d+\">.*?</li>", page[page.index('id="run-list"') :], re.S)
    assert latest and " · 2 comptes" in latest.group(0)
    english = client.get(done.headers["location"] + "&lang=en").text
    assert "2 accounts assigned." in english


def test_the_queued_automatic_assignment_names_one_account_singular(demo_db: Session) -> None:
    dispatcher = Actor(id=DISPATCHER, role=Role.DISPATCHER, name="Karim Benali")
    assignment.assign_all(demo_db, actor=dispatcher)  # settled: nothing moves
    account = demo_db.execute(
        text(
            "SELECT account_id FROM account_assignments"
            " WHERE territory_id IS NOT NULL AND owner_id IS NOT NULL AND NOT locked"
            " ORDER BY account_id LIMIT 1"
        )
    ).scalar_one()
    demo_db.execute(
        text("UPDATE account_assignments SET owner_id = NULL WHERE account_id = :a"),
        {"a": account},
    )
    preview = assignment.preview_moves(demo_db, actor=dispatcher)
    assert preview.total == 1
    job_id = assignment.start_assign_all(demo_db, actor=dispatcher, expected=preview.fingerprint)
    view = job_store.job(demo_db, job_id)
    assert view is not None
    label = view.label
    assert label == "Affectation automatique (1 compte)"
