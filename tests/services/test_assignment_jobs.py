"""The automatic assignment applied as a job (rights and preview checked again when it runs;
a stale preview moves nothing), and a manager's team scope on the automatic assignment and
on the accounts export. In-process, on the demo company."""

from __future__ import annotations

import csv
import io
from contextlib import nullcontext

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.errors import Conflict, Forbidden
from fieldcrm.services import assignment, exports
from fieldcrm.services import territories as territories_svc
from fieldcrm.store import jobs as job_store
from fieldcrm.store import users as user_store

pytestmark = pytest.mark.db
SETTINGS = Settings(database_url="postgresql+psycopg://unused/unused", _env_file=None)
KARIM = Actor(id=2, role=Role.DISPATCHER, name="Karim Benali")
CAMILLE = Actor(id=4, role=Role.REP, name="Camille Martin")
EVERY = 10**6


def _owners(db: Session) -> dict[int, tuple[int | None, int | None]]:
    rows = db.execute(text("SELECT account_id, owner_id, territory_id FROM account_assignments"))
    return {r.account_id: (r.owner_id, r.territory_id) for r in rows}


def _ids(db: Session, sql: str) -> set[int]:
    return set(db.execute(text(sql)).scalars())


def _runs(db: Session) -> int:
    return int(db.execute(text("SELECT count(*) FROM assignment_runs")).scalar_one())


def _run_job(db: Session, job_id: int) -> job_store.JobView:
    assignment.run_assign_job(lambda: nullcontext(db), job_id)
    job = job_store.job(db, job_id)
    assert job is not None
    return job


def _moved_by(db: Session, run_id: int) -> set[int]:
    return _ids(db, f"SELECT account_id FROM assignment_history WHERE run_id = {int(run_id)}")


def _settle_then_give_riviera_to_julien(db: Session) -> None:
    assignment.assign_all(db, actor=territories_svc.SYSTEM)
    db.execute(text("UPDATE territories SET rep_id = 5 WHERE id = 1"))
    db.commit()


def test_the_apply_job_moves_exactly_the_preview_as_one_run(demo_db: Session) -> None:
    _settle_then_give_riviera_to_julien(demo_db)
    preview = assignment.preview_moves(demo_db, actor=KARIM, page_size=EVERY)
    listed = {m.account_id for m in preview.moves}
    assert len(listed) == preview.total > 100
    before, runs = _owners(demo_db), _runs(demo_db)

    job_id = assignment.start_assign_all(demo_db, actor=KARIM, expected=preview.fingerprint)
    queued = job_store.job(demo_db, job_id)
    assert queued is not None and (queued.status, queued.kind) == ("queued", "assignment")
    assert _owners(demo_db) == before and _runs(demo_db) == runs  # queued, nothing moved yet
    waiting = demo_db.execute(
        text("""SELECT count(*) FROM procrastinate_jobs WHERE task_name = :t
                AND status = 'todo' AND (args->>'job_id')::int = :j"""),
        {"t": job_store.ASSIGN_ALL, "j": job_id},
    ).scalar_one()
    assert waiting == 1

    job = _run_job(demo_db, job_id)
    assert job.status == "done", job.error
    assert (job.done, job.total) == (assignment.APPLY_STEPS, assignment.APPLY_STEPS)
    assert job.result is not None and job.result["accounts"] == len(listed)
    run_id = job.result["run_id"]
    assert _runs(demo_db) == runs + 1
    assert _moved_by(demo_db, run_id) == listed
    after = _owners(demo_db)
    assert {a for a in after if after[a] != before.get(a)} == listed
    assert all(after[a] == (5, 1) for a in listed)
    run = demo_db.execute(
        text("SELECT kind, actor_id, accounts FROM assignment_runs WHERE id = :r"), {"r": run_id}
    ).one()
    assert tuple(run) == ("auto", KARIM.id, len(listed))
    assert assignment.get_run(demo_db, run_id, actor=KARIM).undoable
    # run again (a retried queue job), it does nothing: the job is no longer queued
    assignment.run_assign_job(lambda: nullcontext(demo_db), job_id)
    assert _runs(demo_db) == runs + 1


def test_a_preview_gone_stale_before_the_job_runs_fails_it_and_moves_nothing(
    demo_db: Session,
) -> None:
    _settle_then_give_riviera_to_julien(demo_db)
    seen = assignment.preview_moves(demo_db, actor=KARIM, page_size=1)
    job_id = assignment.start_assign_all(demo_db, actor=KARIM, expected=seen.fingerprint)
    demo_db.execute(text("UPDATE territories SET rep_id = 6 WHERE id = 1"))  # meanwhile
    demo_db.commit()
    before, runs = _owners(demo_db), _runs(demo_db)

    job = _run_job(demo_db, job_id)
    assert job.status == "failed"
    assert job.error is not None
    assert "ont changé depuis l’aperçu" in job.error and "aucun compte n’a bougé" in job.error
    assert _owners(demo_db) == before
    assert _runs(demo_db) == runs


def test_a_stale_or_forbidden_apply_is_refused_at_once_and_queues_nothing(
    demo_db: Session,
) -> None:
    _settle_then_give_riviera_to_julien(demo_db)
    jobs_before = demo_db.execute(text("SELECT count(*) FROM jobs")).scalar_one()
    with pytest.raises(Conflict):
        assignment.start_assign_all(demo_db, actor=KARIM, expected="0" * 32)
    fingerprint = assignment.preview_moves(demo_db, actor=KARIM, page_size=1).fingerprint
    with pytest.raises(Forbidden):
        assignment.start_assign_all(demo_db, actor=CAMILLE, expected=fingerprint)
    assert demo_db.execute(text("SELECT count(*) FROM jobs")).scalar_one() == jobs_before


def test_the_starters_rights_are_checked_again_when_the_job_runs(demo_db: Session) -> None:
    _settle_then_give_riviera_to_julien(demo_db)
    fingerprint = assignment.preview_moves(demo_db, actor=KARIM, page_size=1).fingerprint
    job_id = assignment.start_assign_all(demo_db, actor=KARIM, expected=fingerprint)
    demo_db.execute(text("UPDATE users SET active = false WHERE id = :i"), {"i": KARIM.id})
    demo_db.commit()
    before, runs = _owners(demo_db), _runs(demo_db)
    job = _run_job(demo_db, job_id)
    assert job.status == "failed" and job.error is not None
    assert job.error.startswith("Vous ne pouvez plus appliquer cette affectation")
    assert _owners(demo_db) == before and _runs(demo_db) == runs


# ---------------------------------------------------------------- a manager's team scope


def _manager_of_camille_and_julien(db: Session) -> Actor:
    """Claire (1), once Sophie (6) has left her team: Karim (2), Camille (4), Julien (5)."""
    db.execute(text("UPDATE users SET manager_id = NULL WHERE id = 6"))
    db.commit()
    claire = user_store.actor(db, 1)
    assert claire is not None and claire.role is Role.MANAGER
    assert claire.team == frozenset({2, 4, 5})
    return claire


def test_a_managers_automatic_assignment_concerns_their_team_only(demo_db: Session) -> None:
    assignment.assign_all(demo_db, actor=territories_svc.SYSTEM)  # settle the demo
    claire = _manager_of_camille_and_julien(demo_db)
    assert _ids(demo_db, "SELECT rep_id FROM territories") >= {4, 5, 6}
    # within the team: Camille's Riviera (1) to Julien; across teams: Julien's (2) to Sophie,
    # Sophie's (3) to Camille; and a few accounts of each territory left without an owner
    demo_db.execute(
        text("""UPDATE territories SET rep_id = CASE id WHEN 1 THEN 5 WHEN 2 THEN 6 ELSE 4 END
                WHERE id IN (1, 2, 3)""")
    )
    demo_db.execute(
        text("""UPDATE account_assignments SET owner_id = NULL WHERE account_id IN (
                    SELECT account_id FROM (
                        SELECT account_id, row_number() OVER (PARTITION BY territory_id
                                                              ORDER BY account_id) AS n
                        FROM account_assignments
                        WHERE territory_id IN (1, 2, 3) AND NOT locked) x
                    WHERE n <= 3)""")
    )
    demo_db.commit()
    unlocked = "FROM account_assignments WHERE NOT locked AND territory_id"
    team_moves = _ids(demo_db, f"SELECT account_id {unlocked} = 1") | _ids(
        demo_db, f"SELECT account_id {unlocked} = 3 AND owner_id IS NULL"
    )
    other_moves = _ids(demo_db, f"SELECT account_id {unlocked} = 2") | _ids(
        demo_db, f"SELECT account_id {unlocked} = 3 AND owner_id = 6"
    )
    assert team_moves and other_moves and not team_moves & other_moves
    everything = assignment.preview_moves(demo_db, actor=KARIM, page_size=EVERY)
    assert {m.account_id for m in everything.moves} == team_moves | other_moves

    mine = assignment.preview_moves(demo_db, actor=claire, page_size=EVERY)
    assert {m.account_id for m in mine.moves} == team_moves
    assert mine.total == len(team_moves)
    counted = assignment.preview_assignment(demo_db, actor=claire)
    assert counted.total == len(team_moves)
    assert {(m.from_rep_id, m.to_rep_id) for m in counted.moves} <= {(4, 5), (None, 5), (None, 4)}
    # the dispatcher's fingerprint is not the manager's: her apply checks her own preview
    with pytest.raises(Conflict):
        assignment.start_assign_all(demo_db, actor=claire, expected=everything.fingerprint)

    before = _owners(demo_db)
    job = _run_job(
        demo_db, assignment.start_assign_all(demo_db, actor=claire, expected=mine.fingerprint)
    )
    assert job.status == "done", job.error
    assert job.result is not None and job.result["accounts"] == len(team_moves)
    assert _moved_by(demo_db, job.result["run_id"]) == team_moves
    after = _owners(demo_db)
    assert {a for a in after if after[a] != before[a]} == team_moves
    left = assignment.preview_moves(demo_db, actor=KARIM, page_size=EVERY)
    assert {m.account_id for m in left.moves} == other_moves  # the other team's, untouched


def _csv_ids(data: bytes) -> set[int]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    column = rows[0].index("Id fieldcrm")
    return {int(r[column]) for r in rows[1:]}


def test_a_managers_export_covers_their_team_and_unowned_accounts_only(
    demo_db: Session,
) -> None:
    claire = _manager_of_camille_and_julien(demo_db)
    demo_db.execute(
        text("""UPDATE account_assignments SET owner_id = NULL WHERE account_id IN (
                    SELECT account_id FROM account_assignments WHERE owner_id = 6
                    ORDER BY account_id LIMIT 2)""")
    )
    demo_db.commit()
    expected = _ids(
        demo_db,
        """SELECT a.id FROM accounts a LEFT JOIN account_assignments asg ON asg.account_id = a.id
           WHERE asg.owner_id IN (1, 2, 4, 5) OR asg.owner_id IS NULL""",
    )
    sophies = _ids(demo_db, "SELECT account_id FROM account_assignments WHERE owner_id = 6")
    unowned = _ids(
        demo_db,
        """SELECT a.id FROM accounts a LEFT JOIN account_assignments asg ON asg.account_id = a.id
           WHERE asg.owner_id IS NULL""",
    )
    assert sophies and unowned and expected.isdisjoint(sophies) and unowned <= expected

    job_id = exports.start_accounts_export(demo_db, actor=claire, fmt="csv")
    exports.run_export_job(lambda: nullcontext(demo_db), job_id, settings=SETTINGS)
    found = exports.export_file(demo_db, job_id, actor=claire)
    data = b"".join(exports.file_bytes(lambda: nullcontext(demo_db), found))
    assert _csv_ids(data) == expected
    # a dispatcher still exports every account
    every = _ids(demo_db, "SELECT id FROM accounts")
    job_id = exports.start_accounts_export(demo_db, actor=KARIM, fmt="csv")
    exports.run_export_job(lambda: nullcontext(demo_db), job_id, settings=SETTINGS)
    found = exports.export_file(demo_db, job_id, actor=KARIM)
    assert _csv_ids(b"".join(exports.file_bytes(lambda: nullcontext(demo_db), found))) == every
