"""Assignment use cases on the demo company: preview then apply, history, dispatcher
overrides (manual assignment, lock, unlock) and the queue of accounts without an owner."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.errors import Forbidden
from fieldcrm.services import assignment
from fieldcrm.services import territories as territories_svc
from fieldcrm.store import assignment as store_assignment

MANAGER = Actor(id=1, role=Role.MANAGER, name="Claire Lefèvre", team=frozenset({4, 5, 6}))
DISPATCHER = Actor(id=2, role=Role.DISPATCHER, name="Karim Benali")
REP = Actor(id=4, role=Role.REP, name="Camille Martin")


def _owner(db: Session, account_id: int) -> int | None:
    return db.execute(
        text(
            "SELECT owner_id FROM accounts LEFT JOIN account_assignments ON account_id = id WHERE id = :i"
        ),
        {"i": account_id},
    ).scalar_one()


def test_reps_may_not_assign(demo_db: Session) -> None:
    with pytest.raises(Forbidden):
        assignment.preview_assignment(demo_db, actor=REP)
    with pytest.raises(Forbidden):
        assignment.assign_all(demo_db, actor=REP)
    with pytest.raises(Forbidden):
        assignment.manual_assign(demo_db, [1], rep_id=4, actor=REP)
    with pytest.raises(Forbidden):
        assignment.unassigned_queue(demo_db, actor=REP)


def test_preview_then_apply_when_a_territory_changes_rep(demo_db: Session) -> None:
    assignment.assign_all(demo_db, actor=territories_svc.SYSTEM)  # settle the demo
    assert assignment.preview_assignment(demo_db, actor=DISPATCHER).total == 0
    in_riviera = demo_db.execute(
        text("""SELECT count(*) FROM account_assignments
                WHERE territory_id = 1 AND locked IS NOT TRUE AND owner_id = 4""")
    ).scalar_one()
    assert in_riviera > 100
    territories_svc.update_territory(demo_db, 1, rep_id=5, actor=MANAGER)
    preview = assignment.preview_assignment(demo_db, actor=DISPATCHER)
    assert not preview.applied
    assert [(m.from_rep_name, m.to_rep_name, m.accounts) for m in preview.moves] == [
        ("Camille Martin", "Julien Bernard", in_riviera)
    ]
    assert (
        demo_db.execute(
            text("SELECT count(*) FROM account_assignments WHERE territory_id = 1 AND owner_id = 5")
        ).scalar_one()
        == 0
    )
    applied = assignment.assign_all(demo_db, actor=DISPATCHER, reason="Camille en congé")
    assert applied.applied and applied.moves == preview.moves
    hist = assignment.history(demo_db, limit=in_riviera + 5, actor=MANAGER)
    latest = [h for h in hist if h.reason == "Camille en congé"]
    assert len(latest) == in_riviera
    assert all(h.changed_by == 2 and h.from_rep_id == 4 and h.to_rep_id == 5 for h in latest)


def test_dispatcher_override_survives_automatic_assignment(demo_db: Session) -> None:
    assignment.assign_all(demo_db, actor=territories_svc.SYSTEM)
    account = demo_db.execute(
        text(
            "SELECT account_id FROM account_assignments WHERE territory_id = 2 AND owner_id = 5 LIMIT 1"
        )
    ).scalar_one()
    assert assignment.manual_assign(demo_db, [account], rep_id=6, actor=DISPATCHER) == 1
    assert assignment.assign_all(demo_db, actor=territories_svc.SYSTEM).total == 0
    assert _owner(demo_db, account) == 6
    [last] = assignment.history(demo_db, account_id=account, limit=1, actor=DISPATCHER)
    assert (last.from_rep_id, last.to_rep_id, last.changed_by) == (5, 6, 2)
    assert last.reason == "affectation manuelle"
    assert assignment.set_lock(demo_db, [account], locked=False, actor=DISPATCHER) == 1
    back = assignment.assign_all(demo_db, actor=territories_svc.SYSTEM)
    assert back.total == 1 and _owner(demo_db, account) == 5
    [last] = assignment.history(demo_db, account_id=account, limit=1, actor=DISPATCHER)
    assert last.changed_by is None  # the system


def test_unassigned_queue_lists_accounts_without_owner(demo_db: Session) -> None:
    territories_svc.update_territory(demo_db, 3, rep_id=None, actor=MANAGER)
    assignment.assign_all(demo_db, actor=territories_svc.SYSTEM)
    total, items = assignment.unassigned_queue(demo_db, limit=20, actor=DISPATCHER)
    expected = demo_db.execute(
        text(
            "SELECT count(*) FROM accounts LEFT JOIN account_assignments ON account_id = id WHERE owner_id IS NULL"
        )
    ).scalar_one()
    in_france = demo_db.execute(
        text("SELECT count(*) FROM account_assignments WHERE territory_id = 3")
    ).scalar_one()
    assert total == expected >= in_france > 0
    assert len(items) == 20
    assert {i.reason for i in items} <= set(store_assignment.QUEUE_REASONS)
    _, everything = assignment.unassigned_queue(demo_db, limit=total, actor=DISPATCHER)
    without_rep = [i for i in everything if i.reason == "territory_without_rep"]
    assert len(without_rep) == in_france and {i.territory_id for i in without_rep} == {3}
    # each account's reason is the one the queue's counts give it (one rule)
    counted = assignment.queue_blockers(demo_db, actor=DISPATCHER)
    assert dict(Counter(i.reason for i in everything)) == counted
    # taking one from the queue
    taken = items[0].id
    assignment.manual_assign(demo_db, [taken], rep_id=6, actor=DISPATCHER)
    total_after, _ = assignment.unassigned_queue(demo_db, limit=1, actor=DISPATCHER)
    assert total_after == total - 1
