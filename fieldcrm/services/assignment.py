"""Assignment use cases: accounts follow territories, dispatchers override.

The automatic assignment is one set-based statement (:func:`fieldcrm.store.territories.assign_all`)
whose diff can be previewed first; dispatchers give accounts by hand and lock them against it,
and work the queue of accounts without an owner. Each write commits once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor
from fieldcrm.services.territories import author_id
from fieldcrm.store import assignment as store
from fieldcrm.store import jobs as job_store

# ---------------------------------------------------------------- assignment


@dataclass(frozen=True)
class AssignmentDiff:
    """Accounts moving between reps/territories: per pair, and in total."""

    moves: list[store.MoveCount]
    applied: bool

    @property
    def total(self) -> int:
        """Number of accounts that change."""
        return sum(m.accounts for m in self.moves)


def preview_assignment(session: Session, *, actor: Actor) -> AssignmentDiff:
    """What :func:`assign_all` would change; nothing is written."""
    policy.require(actor, "assign")
    return AssignmentDiff(store.preview_assignment(session), applied=False)


def assign_all(
    session: Session, *, actor: Actor, reason: str = "affectation automatique"
) -> AssignmentDiff:
    """Assign every unlocked located account to the rep of its territory (one statement)."""
    policy.require(actor, "assign")
    moves = store.assign_all(session, actor_id=author_id(actor), reason=reason)
    if moves:  # alerts go to the new owners; priorities follow
        job_store.defer_rules(session)
    session.commit()
    return AssignmentDiff(moves, applied=True)


def manual_assign(
    session: Session,
    account_ids: Sequence[int],
    *,
    rep_id: int | None,
    actor: Actor,
    reason: str = "affectation manuelle",
    lock: bool = True,
) -> int:
    """A dispatcher gives accounts to a rep (locked against automatic assignment by default)."""
    policy.require(actor, "assign")
    changed = store.manual_assign(
        session,
        list(account_ids),
        rep_id=rep_id,
        lock=lock,
        actor_id=author_id(actor),
        reason=reason,
    )
    if changed:
        job_store.defer_rules(session)
    session.commit()
    return changed


def set_lock(session: Session, account_ids: Sequence[int], *, locked: bool, actor: Actor) -> int:
    """Lock or unlock accounts against automatic assignment."""
    policy.require(actor, "assign")
    changed = store.set_lock(session, list(account_ids), locked=locked)
    session.commit()
    return changed


def unassigned_queue(
    session: Session, *, limit: int = 100, offset: int = 0, actor: Actor
) -> tuple[int, list[store.QueueItem]]:
    """Accounts without an owner, with the reason, best priority first."""
    policy.require(actor, "assign")
    return store.unassigned(session, limit=limit, offset=offset)


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
