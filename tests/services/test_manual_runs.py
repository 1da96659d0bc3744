"""Accounts given by hand are one run of the assignment history (who, when, which accounts),
undoable like an automatic assignment; the preview says why the queue's accounts stay put."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.services import assignment
from fieldcrm.services import territories as territories_svc

DISPATCHER = Actor(id=2, role=Role.DISPATCHER, name="Karim Benali")


def _state(db: Session, ids: list[int]) -> list[tuple[int, int | None, bool | None]]:
    return [
        (int(r.id), r.owner_id, r.locked)
        for r in db.execute(
            text("""SELECT a.id, s.owner_id, s.locked FROM accounts a
                    LEFT JOIN account_assignments s ON s.account_id = a.id
                    WHERE a.id = ANY(:ids) ORDER BY a.id"""),
            {"ids": ids},
        )
    ]


def _queue_two(db: Session) -> list[int]:
    """Two accounts taken out of their rep's hands: they join the queue."""
    ids = [
        int(i)
        for i in db.execute(
            text("""SELECT account_id FROM account_assignments
                    WHERE owner_id IS NOT NULL AND locked IS NOT TRUE
                    ORDER BY account_id LIMIT 2""")
        ).scalars()
    ]
    db.execute(
        text("UPDATE account_assignments SET owner_id = NULL WHERE account_id = ANY(:ids)"),
        {"ids": ids},
    )
    return ids


def test_a_manual_assignment_is_a_run_of_the_history_and_can_be_undone(demo_db: Session) -> None:
    assignment.assign_all(demo_db, actor=territories_svc.SYSTEM)  # settle the demo
    ids = _queue_two(demo_db)
    before = _state(demo_db, ids)
    assert [owner for _, owner, _ in before] == [None, None]
    assert assignment.manual_assign(demo_db, ids, rep_id=6, actor=DISPATCHER) == 2
    [latest, *_] = assignment.recent_runs(demo_db, actor=DISPATCHER)
    run = latest.run
    assert latest.kind == "manual" and latest.undoable
    assert (run.accounts, run.actor_id, run.actor_name) == (2, 2, "Karim Benali")
    assert [a["id"] for a in (run.details or {})["accounts"]] == ids
    assert {h.run_id for h in assignment.history(demo_db, limit=2, actor=DISPATCHER)} == {run.id}
    assert _state(demo_db, ids) == [(i, 6, True) for i in ids]
    undone = assignment.undo_run(demo_db, run.id, actor=DISPATCHER)
    assert (undone.restored, undone.not_restored) == (2, [])
    # back in the queue, and no longer locked by the undone run
    assert _state(demo_db, ids) == [(i, None, False) for i in ids]


def test_a_manual_assignment_that_changes_nothing_leaves_no_run(demo_db: Session) -> None:
    assignment.assign_all(demo_db, actor=territories_svc.SYSTEM)
    ids = _queue_two(demo_db)
    assignment.manual_assign(demo_db, ids, rep_id=6, actor=DISPATCHER)
    runs_before = [v.run.id for v in assignment.recent_runs(demo_db, actor=DISPATCHER)]
    assert assignment.manual_assign(demo_db, ids, rep_id=6, actor=DISPATCHER) == 0
    assert [v.run.id for v in assignment.recent_runs(demo_db, actor=DISPATCHER)] == runs_before


def test_the_preview_says_why_the_queue_stays(demo_db: Session) -> None:
    assignment.assign_all(demo_db, actor=territories_svc.SYSTEM)
    ids = _queue_two(demo_db)
    demo_db.execute(
        text("UPDATE accounts SET geocode_status = 'to_review' WHERE id = :i"), {"i": ids[0]}
    )
    demo_db.execute(
        text("UPDATE account_assignments SET locked = true WHERE account_id = :i"), {"i": ids[1]}
    )
    queued = demo_db.execute(
        text("""SELECT count(*) FROM accounts a
                LEFT JOIN account_assignments s ON s.account_id = a.id
                WHERE s.owner_id IS NULL""")
    ).scalar_one()
    blockers = assignment.queue_blockers(demo_db, actor=DISPATCHER)
    assert sum(blockers.values()) == queued
    before = dict(blockers)
    demo_db.execute(
        text("UPDATE accounts SET geocode_status = 'matched' WHERE id = :i"), {"i": ids[0]}
    )
    after = assignment.queue_blockers(demo_db, actor=DISPATCHER)
    assert before["unconfirmed"] - after.get("unconfirmed", 0) == 1
    assert after["locked"] == before["locked"] >= 1
