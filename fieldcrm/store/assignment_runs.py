"""Assignment runs in PostgreSQL: one row per automatic assignment, applied rebalancing,
territory deletion or undo, the history rows each wrote (``assignment_history.run_id``), the
outlines a rebalancing redrew, and the undo of a run account by account.

Never commits.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import NotFound

UNDOABLE_KINDS = ("auto", "manual", "rebalance")
"""Runs that may be undone (the latest of them, once)."""


@dataclass(frozen=True)
class RunRow:
    """One run as the history shows it."""

    id: int
    kind: str
    actor_id: int | None
    actor_name: str | None
    created_at: dt.datetime
    reason: str
    accounts: int
    details: dict[str, Any] | None
    undoes_run_id: int | None
    undone_at: dt.datetime | None


@dataclass(frozen=True)
class NotRestored:
    """An account (or a territory's outline) an undo left as it is, and why.

    ``why``: ``changed_since`` (someone changed it after the run: ``by_name``, ``at``,
    ``reason`` say who, when, why), ``locked`` (a dispatcher locked it since),
    ``rep_inactive`` (its former rep is deactivated or gone), ``territory_gone`` (its former
    territory was deleted), ``shape_changed`` (a territory redrawn since the run).
    """

    entity: str
    id: int
    name: str
    why: str
    by_name: str | None = None
    at: dt.datetime | None = None
    reason: str | None = None


@dataclass(frozen=True)
class LockOrigin:
    """Who locked an account's assignment and when (both ``None`` when not recorded: a lock
    older than its record)."""

    by_name: str | None
    at: dt.datetime | None


LOCK_ENTITY = "account_assignment"
"""Audit entity of a lock or unlock made outside a run (``changes``: ``{"accounts": [ids]}``,
action ``assignment.lock`` or ``assignment.unlock``)."""


def lock_origin(session: Session, account_id: int) -> LockOrigin | None:
    """Who locked ``account_id``'s assignment, when: the latest lock event among the manual
    runs still standing that locked it (``details.locked_by_run``) and the locks and unlocks of
    the audit log (:data:`LOCK_ENTITY`); ``None`` when the assignment is not locked."""
    row = session.execute(
        text("""
        SELECT coalesce(asg.locked, false) AS locked, e.at, e.locks, u.full_name AS by_name
        FROM accounts a LEFT JOIN account_assignments asg ON asg.account_id = a.id
        LEFT JOIN LATERAL (
            SELECT * FROM (
                SELECT r.created_at AS at, r.id AS seq, 1 AS source, true AS locks,
                       r.actor_id
                FROM assignment_runs r
                WHERE r.kind = 'manual' AND r.undone_at IS NULL
                  AND r.details -> 'locked_by_run' @> jsonb_build_array(a.id)
                UNION ALL
                SELECT l.at, l.id, 2, l.action = 'assignment.lock', l.actor_id
                FROM audit_log l
                WHERE l.entity = :entity
                  AND l.action IN ('assignment.lock', 'assignment.unlock')
                  AND l.changes -> 'accounts' @> jsonb_build_array(a.id)
            ) events ORDER BY at DESC, source DESC, seq DESC LIMIT 1
        ) e ON true
        LEFT JOIN users u ON u.id = e.actor_id
        WHERE a.id = :id"""),
        {"id": account_id, "entity": LOCK_ENTITY},
    ).first()
    if row is None or not row.locked:
        return None
    if not row.locks:  # unlocked since its last recorded lock: locked again unrecorded
        return LockOrigin(None, None)
    return LockOrigin(row.by_name, row.at)


_RUN_COLUMNS = """r.id, r.kind, r.actor_id, u.full_name AS actor_name, r.created_at, r.reason,
                  r.accounts, r.details, r.undoes_run_id, r.undone_at"""


def create_run(
    session: Session,
    *,
    kind: str,
    actor_id: int | None,
    reason: str,
    details: dict[str, Any] | None = None,
    undoes_run_id: int | None = None,
) -> int:
    """Record a run about to write; its id (the history rows it writes carry it)."""
    return int(
        session.execute(
            text("""INSERT INTO assignment_runs (kind, actor_id, reason, details, undoes_run_id)
                    VALUES (:kind, :actor, :reason, CAST(:details AS jsonb), :undoes)
                    RETURNING id"""),
            {
                "kind": kind,
                "actor": actor_id,
                "reason": reason[:200],
                "details": None if details is None else json.dumps(details, default=str),
                "undoes": undoes_run_id,
            },
        ).scalar_one()
    )


def discard_run(session: Session, run_id: int) -> None:
    """Remove a run that moved nothing (it has no history rows)."""
    session.execute(text("DELETE FROM assignment_runs WHERE id = :id"), {"id": run_id})


def finish_run(session: Session, run_id: int) -> int:
    """Count the run's history rows into ``accounts``; that number."""
    return int(
        session.execute(
            text("""UPDATE assignment_runs SET accounts =
                        (SELECT count(*) FROM assignment_history WHERE run_id = :id)
                    WHERE id = :id RETURNING accounts"""),
            {"id": run_id},
        ).scalar_one()
    )


def set_details(session: Session, run_id: int, details: dict[str, Any]) -> None:
    """Replace the run's details (what an undo left, a rebalancing's moves)."""
    session.execute(
        text("UPDATE assignment_runs SET details = CAST(:d AS jsonb) WHERE id = :id"),
        {"id": run_id, "d": json.dumps(details, default=str)},
    )


def runs(session: Session, *, limit: int = 20) -> list[RunRow]:
    """The latest runs, newest first."""
    rows = session.execute(
        text(f"""SELECT {_RUN_COLUMNS} FROM assignment_runs r
                 LEFT JOIN users u ON u.id = r.actor_id ORDER BY r.id DESC LIMIT :limit"""),
        {"limit": limit},
    ).mappings()
    return [RunRow(**r) for r in rows]


def get_run(session: Session, run_id: int, *, for_update: bool = False) -> RunRow:
    """One run; :class:`NotFound` if absent."""
    lock = " FOR UPDATE OF r" if for_update else ""
    row = (
        session.execute(
            text(f"""SELECT {_RUN_COLUMNS} FROM assignment_runs r
                     LEFT JOIN users u ON u.id = r.actor_id WHERE r.id = :id{lock}"""),
            {"id": run_id},
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound("assignment_run", run_id)
    return RunRow(**row)


def latest_undoable(session: Session) -> int | None:
    """The id of the latest automatic assignment or rebalancing, if it is not undone yet."""
    row = session.execute(
        text("""SELECT id, undone_at FROM assignment_runs WHERE kind = ANY(:kinds)
                ORDER BY id DESC LIMIT 1"""),
        {"kinds": list(UNDOABLE_KINDS)},
    ).first()
    return int(row.id) if row is not None and row.undone_at is None else None


def mark_undone(session: Session, run_id: int) -> None:
    """The run was undone (it cannot be undone again)."""
    session.execute(
        text("UPDATE assignment_runs SET undone_at = now() WHERE id = :id"), {"id": run_id}
    )


# ---------------------------------------------------------------- outlines of a rebalancing


def keep_shapes_before(session: Session, run_id: int, territory_ids: list[int]) -> None:
    """Remember the outlines of ``territory_ids`` before the run redraws them."""
    session.execute(
        text("""INSERT INTO assignment_run_shapes (run_id, territory_id, geom_before, geom_after)
                SELECT :run, id, geom, geom FROM territories WHERE id = ANY(:ids)"""),
        {"run": run_id, "ids": territory_ids},
    )


def keep_shapes_after(session: Session, run_id: int) -> None:
    """Remember the outlines the run drew (call once it redrew them)."""
    session.execute(
        text("""UPDATE assignment_run_shapes s SET geom_after = t.geom
                FROM territories t WHERE t.id = s.territory_id AND s.run_id = :run"""),
        {"run": run_id},
    )


def restore_shapes(
    session: Session, run_id: int, *, actor_id: int | None
) -> tuple[list[int], list[NotRestored]]:
    """Put back the outlines the run redrew, unless redrawn (or deleted) since; the
    territories restored and those left as they are."""
    session.execute(
        text("""SELECT id FROM territories WHERE id IN
                (SELECT territory_id FROM assignment_run_shapes WHERE run_id = :run)
                ORDER BY id FOR UPDATE"""),
        {"run": run_id},
    )
    rows = session.execute(
        text("""SELECT s.territory_id, t.name, t.id IS NOT NULL AS exists,
                       coalesce(ST_Equals(t.geom, s.geom_after), false) AS same
                FROM assignment_run_shapes s LEFT JOIN territories t ON t.id = s.territory_id
                WHERE s.run_id = :run ORDER BY s.territory_id"""),
        {"run": run_id},
    ).all()
    ok = [int(r.territory_id) for r in rows if r.same]
    left = [
        NotRestored(
            "territory",
            int(r.territory_id),
            r.name or f"#{r.territory_id}",
            "shape_changed" if r.exists else "territory_gone",
        )
        for r in rows
        if not r.same
    ]
    session.execute(
        text("""UPDATE territories t SET geom = s.geom_before, updated_at = now(),
                       version = t.version + 1, edited_by = :actor
                FROM assignment_run_shapes s
                WHERE s.run_id = :run AND s.territory_id = t.id AND t.id = ANY(:ids)"""),
        {"run": run_id, "ids": ok, "actor": actor_id},
    )
    return ok, left


# ---------------------------------------------------------------- undo of the accounts

_UNDO_STATE = """
SELECT h.id AS history_id, h.account_id, a.name, h.from_rep_id, h.from_territory_id,
       h.to_rep_id, h.to_territory_id, asg.owner_id, asg.territory_id,
       coalesce(asg.locked, false) AS locked,
       later.changed_at AS later_at, later.reason AS later_reason, lu.full_name AS later_by,
       (h.from_rep_id IS NOT NULL AND (fu.id IS NULL OR NOT fu.active)) AS rep_inactive,
       (h.from_territory_id IS NOT NULL AND ft.id IS NULL) AS territory_gone
FROM assignment_history h
JOIN accounts a ON a.id = h.account_id
LEFT JOIN account_assignments asg ON asg.account_id = h.account_id
LEFT JOIN LATERAL (
    SELECT l.changed_at, l.reason, l.changed_by FROM assignment_history l
    WHERE l.account_id = h.account_id AND l.id > h.id ORDER BY l.id DESC LIMIT 1
) later ON true
LEFT JOIN users lu ON lu.id = later.changed_by
LEFT JOIN users fu ON fu.id = h.from_rep_id
LEFT JOIN territories ft ON ft.id = h.from_territory_id
WHERE h.run_id = :run
ORDER BY a.name, h.account_id
"""


def _why_not(r: Any) -> str | None:
    """Why an account of the run cannot go back (None: it can)."""
    if r.later_at is not None or (r.owner_id, r.territory_id) != (r.to_rep_id, r.to_territory_id):
        return "changed_since"
    if r.locked:
        return "locked"
    if r.rep_inactive:
        return "rep_inactive"
    if r.territory_gone:
        return "territory_gone"
    return None


def undo_accounts(
    session: Session, run_id: int, *, undo_run_id: int, actor_id: int | None, reason: str
) -> tuple[int, list[NotRestored]]:
    """Move the run's accounts back to the rep and territory they had before it, except those
    changed since (or locked, or whose former rep or territory is gone); each move back
    writes a history row of ``undo_run_id``. Returns how many went back, and the others."""
    lock_rows = session.execute(text(_UNDO_STATE), {"run": run_id}).all()
    back: list[Any] = []
    left: list[NotRestored] = []
    for r in lock_rows:
        why = _why_not(r)
        if why is None:
            back.append(r)
        else:
            by, at, because = (
                (r.later_by, r.later_at, r.later_reason) if why == "changed_since" else (None,) * 3
            )
            left.append(NotRestored("account", int(r.account_id), r.name, why, by, at, because))
    if back:
        session.execute(
            text("""
            WITH b AS (
                SELECT * FROM unnest(CAST(:ids AS int[]), CAST(:reps AS int[]),
                                     CAST(:terrs AS int[]))
                       AS b(account_id, rep_id, territory_id)
            ), moved AS (
                UPDATE account_assignments s
                SET owner_id = b.rep_id, territory_id = b.territory_id, updated_at = now()
                FROM b WHERE s.account_id = b.account_id
                RETURNING s.account_id
            )
            INSERT INTO assignment_history (account_id, from_rep_id, to_rep_id,
                                            from_territory_id, to_territory_id, changed_by,
                                            reason, run_id)
            SELECT h.account_id, h.to_rep_id, h.from_rep_id, h.to_territory_id,
                   h.from_territory_id, :actor, :reason, :undo_run
            FROM assignment_history h JOIN moved m ON m.account_id = h.account_id
            WHERE h.run_id = :run ORDER BY h.account_id"""),
            {
                "ids": [r.account_id for r in back],
                "reps": [r.from_rep_id for r in back],
                "terrs": [r.from_territory_id for r in back],
                "actor": actor_id,
                "reason": reason[:200],
                "undo_run": undo_run_id,
                "run": run_id,
            },
        )
    return len(back), left
