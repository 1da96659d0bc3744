"""Assignment use cases: accounts follow territories, dispatchers override.

The automatic assignment is one set-based statement (:func:`fieldcrm.store.territories.assign_all`)
whose diff can be previewed first; dispatchers give accounts by hand and lock them against it,
and work the queue of accounts without an owner. Each write commits once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor
from fieldcrm.errors import Conflict, FieldcrmError, Forbidden, InvalidInput
from fieldcrm.services import jobs
from fieldcrm.services.territories import author_id
from fieldcrm.store import accounts as account_store
from fieldcrm.store import assignment as store
from fieldcrm.store import assignment_runs as runs_store
from fieldcrm.store import audit
from fieldcrm.store import jobs as job_store

# ---------------------------------------------------------------- assignment


@dataclass(frozen=True)
class AssignmentDiff:
    """Accounts moving between reps/territories: per pair, and in total (and the run)."""

    moves: list[store.MoveCount]
    applied: bool
    run_id: int | None = None

    @property
    def total(self) -> int:
        """Number of accounts that change."""
        return sum(m.accounts for m in self.moves)


def actor_scope(actor: Actor) -> store.Scope:
    """The accounts ``actor``'s automatic assignment concerns (:func:`policy.scope_owner_ids`):
    everyone's for admins and dispatchers; for a manager, their team's accounts that stay in
    the team or join the queue, and the unassigned accounts going to their team (moves to or
    from another team's reps are left out)."""
    owners = policy.scope_owner_ids(actor)
    return store.Scope(owner_ids=tuple(sorted(owners)) if owners is not None else None)


def preview_assignment(session: Session, *, actor: Actor) -> AssignmentDiff:
    """What :func:`assign_all` would change, counted per (from, to); nothing is written."""
    policy.require(actor, "assign")
    return AssignmentDiff(
        store.preview_assignment(session, scope=actor_scope(actor)), applied=False
    )


def waiting_by_territory(session: Session, *, actor: Actor) -> dict[int, int]:
    """Per territory (by id), how many accounts the automatic assignment would bring into it
    within ``actor``'s scope (:func:`preview_assignment`): they lie in its outline by the
    assignment's rule (place confirmed, not locked, the tie-break's winner) but are assigned
    to another territory or to none until it runs, so the balance (which counts accounts by
    assignment) does not count them there yet. Territories with none are left out."""
    policy.require(actor, "assign")
    # counted in one statement, not summed from the whole preview on every page load
    return store.waiting_by_territory(session, scope=actor_scope(actor))


PREVIEW_PAGE = 50
"""Accounts per page of the preview."""


def preview_moves(
    session: Session, *, actor: Actor, page: int = 0, page_size: int = PREVIEW_PAGE
) -> store.MovesPage:
    """The accounts :func:`assign_all` would move (name, from, to, why), a page at a time,
    with their total and the fingerprint the apply checks; nothing is written."""
    policy.require(actor, "assign")
    if page < 0:
        raise InvalidInput("page", "must be >= 0", value=page)
    return store.preview_moves(
        session, scope=actor_scope(actor), limit=page_size, offset=page * page_size
    )


AUTO_REASON = "affectation automatique"


STALE = "Les comptes à déplacer ont changé depuis l’aperçu : relisez-le avant d’appliquer."


def assign_all(
    session: Session,
    *,
    actor: Actor,
    reason: str = AUTO_REASON,
    expected: str | None = None,
) -> AssignmentDiff:
    """Assign every unlocked located account within ``actor``'s scope (:func:`actor_scope`)
    to the rep of its territory (one statement), as one run of the assignment history
    (undoable while it is the latest); one commit.

    ``expected`` is the fingerprint of the preview the user confirmed: if the accounts that
    would move are no longer those, nothing is written and :class:`Conflict` says so.
    """
    diff = _apply(session, actor=actor, reason=reason, expected=expected)
    session.commit()
    return diff


def _apply(
    session: Session,
    *,
    actor: Actor,
    reason: str,
    expected: str | None,
    progress: Callable[[int], None] | None = None,
) -> AssignmentDiff:
    """:func:`assign_all` without its commit (a job ends in the same transaction);
    ``progress`` is told each step done (of :data:`APPLY_STEPS`)."""
    step = progress or (lambda _done: None)
    policy.require(actor, "assign")
    scope = actor_scope(actor)
    store.lock_assignments(session)
    if expected is not None and store.fingerprint(session, scope=scope) != expected:
        raise Conflict(STALE)
    step(1)
    run_id = runs_store.create_run(session, kind="auto", actor_id=author_id(actor), reason=reason)
    moves = store.assign_all(
        session, actor_id=author_id(actor), reason=reason, run_id=run_id, scope=scope
    )
    total = runs_store.finish_run(session, run_id)
    step(2)
    if not moves:  # nothing moved: no run to show nor undo (the caller's work stays)
        runs_store.discard_run(session, run_id)
        return AssignmentDiff([], applied=True)
    audit.record(
        session,
        actor_id=author_id(actor),
        action="assignment.apply",
        entity="assignment_run",
        entity_id=run_id,
        changes={"accounts": total, "reason": reason},
    )
    job_store.defer_rules(session)  # alerts go to the new owners; priorities follow
    return AssignmentDiff(moves, applied=True, run_id=run_id)


# ---------------------------------------------------------------- the apply as a job
APPLY_KIND = "assignment"
APPLY_STEPS = 3
"""Checked against the preview, applied, recorded."""


def start_assign_all(
    session: Session, *, actor: Actor, expected: str, reason: str = AUTO_REASON
) -> int:
    """Queue the automatic assignment the user previewed (``expected``: its fingerprint) for
    a worker; the job's id. Refused at once, nothing queued: missing rights, or a preview
    that no longer matches (:class:`Conflict`)."""
    policy.require(actor, "assign")
    now = store.preview_moves(session, scope=actor_scope(actor), limit=0)
    if now.fingerprint != expected:
        raise Conflict(STALE)
    job_id = job_store.create_job(
        session,
        kind=APPLY_KIND,
        label=f"Affectation automatique ({now.total} compte{'s' if now.total > 1 else ''})",
        user_id=author_id(actor),
        params={
            "actor": jobs.actor_params(actor),
            "expected": expected,
            "reason": reason,
            "accounts": now.total,
        },
    )
    job_store.defer(session, job_store.ASSIGN_ALL, {"job_id": job_id})
    session.commit()
    return job_id


def apply_failure(exc: FieldcrmError) -> str:
    """The French sentence a refused apply ends its job with (nothing was moved)."""
    if isinstance(exc, Forbidden):
        return f"Vous ne pouvez plus appliquer cette affectation ; aucun compte n’a bougé : {exc}"
    return f"Affectation non appliquée, aucun compte n’a bougé : {exc}"


def run_assign_job(sessions: Callable[[], Session], job_id: int) -> None:
    """Run a queued automatic assignment (the worker calls this): the starter's rights and
    the previewed fingerprint are checked again (stale: the job fails, nothing moves), then
    the accounts move as one run of the history, and the job ends with
    ``{"run_id", "accounts"}`` in the same transaction."""
    with sessions() as session:
        job = job_store.job(session, job_id)
        if job is None or job.status != "queued" or job.kind != APPLY_KIND:
            return
        params = job.params
        job_store.mark_running(session, job_id, total=APPLY_STEPS, now=dt.datetime.now(dt.UTC))
        session.commit()
    with sessions() as progress_session, sessions() as session:

        def progress(step: int) -> None:
            job_store.set_progress(progress_session, job_id, step)
            progress_session.commit()

        def apply() -> dict[str, Any]:
            diff = _apply(
                session,
                actor=jobs.starter(session, params["actor"]),
                reason=params["reason"],
                expected=params["expected"],
                progress=progress,
            )
            return {"run_id": diff.run_id, "accounts": diff.total}

        jobs.finish_job(
            session,
            job_id,
            apply,
            unexpected="erreur inattendue pendant l’affectation automatique",
            reason=apply_failure,
        )


# ---------------------------------------------------------------- runs and undo


MANUAL = "manual"
"""The kind of a run that records accounts given by hand (:func:`manual_assign`)."""


@dataclass(frozen=True)
class RunView:
    """A run of the assignment history, and whether it is the one that may be undone."""

    run: runs_store.RunRow
    undoable: bool

    @property
    def kind(self) -> str:
        """The run's kind: ``auto``, ``manual``, ``rebalance``, ``territory_delete``, ``undo``."""
        return self.run.kind


def is_manual(run: runs_store.RunRow) -> bool:
    """Whether ``run`` records accounts given by hand."""
    return run.kind == MANUAL


def recent_runs(session: Session, *, actor: Actor, limit: int = 20) -> list[RunView]:
    """The latest runs (automatic assignments, rebalancings, deletions, undos), newest first."""
    policy.require(actor, "assign")
    undoable = runs_store.latest_undoable(session)
    return [RunView(r, r.id == undoable) for r in runs_store.runs(session, limit=limit)]


def get_run(session: Session, run_id: int, *, actor: Actor) -> RunView:
    """One run of the assignment history, and whether it may be undone."""
    policy.require(actor, "assign")
    run = runs_store.get_run(session, run_id)
    return RunView(run, runs_store.latest_undoable(session) == run.id)


@dataclass(frozen=True)
class UndoResult:
    """What an undo did: the accounts moved back, those left (and why), outlines put back."""

    run_id: int
    undone_run_id: int
    restored: int
    not_restored: list[runs_store.NotRestored]
    shapes_restored: list[int]


def undo_run(session: Session, run_id: int, *, actor: Actor) -> UndoResult:
    """Undo the latest assignment (automatic or by hand) or rebalancing: its accounts go back to the rep
    and territory they had, except those changed since (listed with why); a rebalancing's
    outlines are put back unless redrawn since. Recorded as one run; one commit."""
    run = runs_store.get_run(session, run_id, for_update=True)
    policy.require(actor, "territory.edit" if run.kind == "rebalance" else "assign")
    store.lock_assignments(session)
    if runs_store.latest_undoable(session) != run_id:
        raise Conflict(
            "Seule la dernière affectation (automatique ou manuelle) ou le dernier "
            "rééquilibrage, pas encore annulés, peuvent être annulés."
        )
    reason = f"annulation de l’opération n° {run_id}"
    undo_id = runs_store.create_run(
        session,
        kind="undo",
        actor_id=author_id(actor),
        reason=reason,
        undoes_run_id=run_id,
    )
    if is_manual(run):  # the run's own locks go with it
        store.set_lock(session, (run.details or {}).get("locked_by_run", []), locked=False)
    shapes_back, shapes_left = (
        runs_store.restore_shapes(session, run_id, actor_id=author_id(actor))
        if run.kind == "rebalance"
        else ([], [])
    )
    restored, left = runs_store.undo_accounts(
        session, run_id, undo_run_id=undo_id, actor_id=author_id(actor), reason=reason
    )
    runs_store.finish_run(session, undo_id)
    not_restored = shapes_left + left
    runs_store.set_details(session, undo_id, _undo_details(not_restored, shapes_back))
    runs_store.mark_undone(session, run_id)
    audit.record(
        session,
        actor_id=author_id(actor),
        action="assignment.undo",
        entity="assignment_run",
        entity_id=run_id,
        changes={"restored": restored, "not_restored": len(not_restored), "undo_run": undo_id},
    )
    if restored:
        job_store.defer_rules(session)
    session.commit()
    return UndoResult(undo_id, run_id, restored, not_restored, shapes_back)


def _undo_details(
    not_restored: list[runs_store.NotRestored], shapes_back: list[int]
) -> dict[str, Any]:
    return {
        "shapes_restored": shapes_back,
        "not_restored": [dataclasses.asdict(n) for n in not_restored],
    }


def _require_scope(
    session: Session, actor: Actor, account_ids: Sequence[int], rep_id: int | None
) -> None:
    """``assign`` on the current owner of every account and on the new owner ``rep_id``
    (a manager: their team's or nobody's accounts, given to their team)."""
    policy.require(actor, "assign", owner_id=rep_id)
    for owner in account_store.owners_of(session, list(account_ids)):
        policy.require(actor, "assign", owner_id=owner)


def manual_assign(
    session: Session,
    account_ids: Sequence[int],
    *,
    rep_id: int | None,
    actor: Actor,
    reason: str = "affectation manuelle",
    lock: bool = True,
) -> int:
    """A dispatcher gives accounts to a rep (locked against automatic assignment by default);
    a manager only their team's (or nobody's) accounts, and only to their team.

    Recorded as one run of the assignment history (who, when, which accounts), undoable
    while it is the latest like an automatic one: see :data:`MANUAL`. One commit.
    """
    _require_scope(session, actor, account_ids, rep_id)
    store.lock_assignments(session)  # one writer of runs at a time, as undo and auto do
    before = store.unlocked_names(session, list(account_ids))
    # the accounts this run locks: an undo unlocks them again
    locking = [a for a in account_ids if lock and before.get(a, ("", False))[1]]
    run_id = runs_store.create_run(
        session,
        kind=MANUAL,
        actor_id=author_id(actor),
        reason=reason,
        details={
            "rep_id": rep_id,
            "accounts": [{"id": a, "name": before[a][0]} for a in account_ids if a in before],
            "locked_by_run": locking,
        },
    )
    changed = store.manual_assign(
        session,
        list(account_ids),
        rep_id=rep_id,
        lock=lock,
        actor_id=author_id(actor),
        reason=reason,
        run_id=run_id,
    )
    runs_store.finish_run(session, run_id)
    if changed:
        audit.record(
            session,
            actor_id=author_id(actor),
            action="assignment.manual",
            entity="assignment_run",
            entity_id=run_id,
            changes={"accounts": changed, "rep_id": rep_id},
        )
        job_store.defer_rules(session)
    else:
        runs_store.discard_run(session, run_id)
        _record_lock(session, locking, locked=True, actor=actor)  # no run says who locked
    session.commit()
    return changed


def set_lock(session: Session, account_ids: Sequence[int], *, locked: bool, actor: Actor) -> int:
    """Lock or unlock accounts against automatic assignment (a manager: their team's);
    who did it and when is recorded (the account page says it: :func:`lock_origin`)."""
    _require_scope(session, actor, account_ids, None)
    before = store.unlocked_names(session, list(account_ids))
    changed = store.set_lock(session, list(account_ids), locked=locked)
    # unlocked before a lock (locked before an unlock): the accounts this call changed
    moved = [a for a in dict.fromkeys(account_ids) if a in before and before[a][1] is locked]
    _record_lock(session, moved, locked=locked, actor=actor)
    session.commit()
    return changed


def _record_lock(session: Session, account_ids: list[int], *, locked: bool, actor: Actor) -> None:
    """One audit entry for a lock or unlock made outside a run (none for no account)."""
    if account_ids:
        audit.record(
            session,
            actor_id=author_id(actor),
            action="assignment.lock" if locked else "assignment.unlock",
            entity=runs_store.LOCK_ENTITY,
            entity_id=None,
            changes={"accounts": account_ids},
        )


def lock_origin(session: Session, *, actor: Actor, account_id: int) -> runs_store.LockOrigin | None:
    """Whether a dispatcher locked the account's assignment, by whom and when, for those who
    assign it (:func:`policy.can` ``assign`` on its owner); ``None`` otherwise or unlocked."""
    owner = account_store.account_owner(session, account_id)
    if not policy.can(actor, "assign", owner_id=owner):
        return None
    return runs_store.lock_origin(session, account_id)


def unassigned_queue(
    session: Session, *, limit: int = 100, offset: int = 0, actor: Actor
) -> tuple[int, list[store.QueueItem]]:
    """Accounts without an owner, with the reason, best priority first."""
    policy.require(actor, "assign")
    return store.unassigned(session, limit=limit, offset=offset)


def queue_blockers(session: Session, *, actor: Actor) -> dict[str, int]:
    """Why the accounts of the queue stay there when the automatic assignment runs: counts
    per reason of :data:`fieldcrm.store.assignment.QUEUE_REASONS` (non-zero ones)."""
    policy.require(actor, "assign")
    return store.queue_blockers(session)


def history(
    session: Session,
    *,
    account_id: int | None = None,
    limit: int = 100,
    actor: Actor,
) -> list[store.HistoryRow]:
    """Latest assignment changes."""
    policy.require(actor, "assign")
    return store.history(session, account_id=account_id, limit=limit)
