"""The runs API and the dispatch screen name a manual assignment as such."""

from __future__ import annotations

from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.services import assignment
from fieldcrm.services import territories as territories_svc
from tests.services.test_manual_runs import _queue_two
from tests.web import ClientFactory

DISPATCHER = Actor(id=2, role=Role.DISPATCHER, name="Karim Benali")


def test_the_api_and_the_screen_list_a_manual_run_as_manual(
    demo_db: Session, api_as: ClientFactory
) -> None:
    assignment.assign_all(demo_db, actor=territories_svc.SYSTEM)
    ids = _queue_two(demo_db)
    assignment.manual_assign(demo_db, ids, rep_id=6, actor=DISPATCHER)
    karim = api_as(2)
    [latest, *_] = karim.get("/api/assignment/runs").json()
    assert (latest["run"]["kind"], latest["undoable"], latest["run"]["accounts"]) == (
        "manual",
        True,
        2,
    )
    page = karim.get(f"/affectations/operations/{latest['run']['id']}").text
    assert "<h1>Attribution manuelle" in page
    assert all(f'href="/comptes/{i}"' in page for i in ids)
