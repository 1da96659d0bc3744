"""Assignment in PostGIS: one set-based statement (``ST_Covers``), preview, overrides, queue.

The assignment is one statement: the territories (with their rounded area) drive a join on
the accounts' GiST index, ``DISTINCT ON`` keeps the winner of the tie-break rule (priority
desc, area asc, id asc — the same as :mod:`fieldcrm.territories.assign`), accounts locked by
a dispatcher are left out, and the changes are written to the narrow ``account_assignments``
and to the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import NotFound
from fieldcrm.store.joins import ASSIGNMENT_JOIN, CONFIRMED_LOCATION, NOT_LOCKED, PRIORITY_JOIN
from fieldcrm.store.territories import QueueItem, check_rep, get_territory
from fieldcrm.territories.assign import AREA_DECIMALS

__all__ = [
    "EVERYWHERE",
    "AccountMove",
    "HistoryRow",
    "MoveCount",
    "MovesPage",
    "QueueItem",
    "Scope",
    "assign_all",
    "history",
    "manual_assign",
    "preview_assignment",
    "preview_moves",
    "queue_blockers",
    "set_lock",
    "unassigned",
    "unlocked_names",
    "waiting_by_territory",
]


@dataclass(frozen=True)
class MoveCount:
    """How many accounts move from one (rep, territory) to another."""

    from_rep_id: int | None
    from_rep_name: str | None
    to_rep_id: int | None
    to_rep_name: str | None
    from_territory_id: int | None
    to_territory_id: int | None
    accounts: int


@dataclass(frozen=True)
class HistoryRow:
    """One change of owner or territory."""

    account_id: int
    from_rep_id: int | None
    to_rep_id: int | None
    from_territory_id: int | None
    to_territory_id: int | None
    changed_by: int | None
    changed_at: dt.datetime
    reason: str
    run_id: int | None = None


# One CTE shared by the preview and the assignment: for each unlocked account whose location
# is confirmed (CONFIRMED_LOCATION: not "à vérifier") and whose (territory, owner) would
# change, the old and new values. Its scope (see :func:`_target`) may leave one territory out
# (the one being deleted) and keep only the accounts leaving or joining some territories.
_TARGET = f"""
WITH t AS MATERIALIZED (
    SELECT id, rep_id, priority, round(ST_Area(geom)::numeric, {AREA_DECIMALS}) AS area, geom
    FROM territories WHERE CAST(:without AS int) IS NULL OR id <> CAST(:without AS int)
),
hit AS MATERIALIZED (
    SELECT DISTINCT ON (a.id) a.id AS account_id, t.id AS territory_id, t.rep_id
    FROM t JOIN accounts a ON ST_Covers(t.geom, a.geom)
    WHERE {CONFIRMED_LOCATION}
    ORDER BY a.id, t.priority DESC, t.area ASC, t.id ASC
),
every_target AS MATERIALIZED (
    SELECT hit.account_id, asg.territory_id AS old_territory, asg.owner_id AS old_rep,
           hit.territory_id AS new_territory, hit.rep_id AS new_rep,
           asg.account_id IS NOT NULL AS has_row
    FROM hit LEFT JOIN account_assignments asg ON asg.account_id = hit.account_id
    WHERE {NOT_LOCKED}
      AND (asg.territory_id IS DISTINCT FROM hit.territory_id
           OR asg.owner_id IS DISTINCT FROM hit.rep_id)
    UNION ALL
    -- confirmed accounts that no territory covers any more lose their territory and owner
    -- (an account "à vérifier" keeps what it has until someone confirms its place)
    SELECT asg.account_id, asg.territory_id, asg.owner_id, NULL, NULL, true
    FROM account_assignments asg JOIN accounts a ON a.id = asg.account_id
    WHERE {NOT_LOCKED} AND {CONFIRMED_LOCATION}
      AND (asg.territory_id IS NOT NULL OR asg.owner_id IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM hit WHERE hit.account_id = asg.account_id)
),
target AS MATERIALIZED (
    SELECT * FROM every_target
    WHERE (CAST(:scope AS int[]) IS NULL
           OR old_territory = ANY(CAST(:scope AS int[]))
           OR new_territory = ANY(CAST(:scope AS int[])))
      AND (CAST(:owners AS int[]) IS NULL
           OR (old_rep = ANY(CAST(:owners AS int[]))
               AND (new_rep IS NULL OR new_rep = ANY(CAST(:owners AS int[]))))
           OR (old_rep IS NULL AND new_rep = ANY(CAST(:owners AS int[]))))
)
"""


@dataclass(frozen=True)
class Scope:
    """Which accounts an assignment statement considers.

    ``without``: a territory to leave out (as if deleted); ``territory_ids``: only the
    accounts leaving or joining one of these territories (None: every account);
    ``owner_ids`` (a manager's team, from :func:`fieldcrm.auth.policy.scope_owner_ids`):
    only the accounts they own that stay with them or join the queue, and the accounts
    nobody owns that go to them (None: every owner).
    """

    without: int | None = None
    territory_ids: tuple[int, ...] | None = None
    owner_ids: tuple[int, ...] | None = None

    def params(self) -> dict[str, Any]:
        """Bind parameters of :data:`_TARGET`."""
        scope = list(self.territory_ids) if self.territory_ids is not None else None
        owners = list(self.owner_ids) if self.owner_ids is not None else None
        return {"without": self.without, "scope": scope, "owners": owners}


EVERYWHERE = Scope()


_SUMMARY = """
SELECT m.from_rep_id, fu.full_name AS from_rep_name, m.to_rep_id, tu.full_name AS to_rep_name,
       m.from_territory_id, m.to_territory_id, m.accounts
FROM (SELECT {old_rep} AS from_rep_id, {new_rep} AS to_rep_id,
             {old_t} AS from_territory_id, {new_t} AS to_territory_id, count(*) AS accounts
      FROM {source} GROUP BY 1, 2, 3, 4) m
LEFT JOIN users fu ON fu.id = m.from_rep_id
LEFT JOIN users tu ON tu.id = m.to_rep_id
ORDER BY m.accounts DESC, m.from_rep_id NULLS FIRST, m.to_rep_id NULLS FIRST,
         m.from_territory_id NULLS FIRST, m.to_territory_id NULLS FIRST
"""


def _tune(session: Session) -> None:
    """Planner settings for this transaction: the ``ST_Covers`` cost estimates are huge, so
    the JIT would compile for ~0.7 s for nothing; the tie-break sort should stay in memory."""
    session.execute(text("SET LOCAL jit = off"))
    session.execute(text("SET LOCAL work_mem = '64MB'"))


def preview_assignment(session: Session, *, scope: Scope = EVERYWHERE) -> list[MoveCount]:
    """The diff the assignment would apply: account counts per (from, to); nothing is written."""
    _tune(session)
    sql = _TARGET + _SUMMARY.format(
        old_rep="old_rep",
        new_rep="new_rep",
        old_t="old_territory",
        new_t="new_territory",
        source="target",
    )
    return [MoveCount(**r) for r in session.execute(text(sql), scope.params()).mappings()]


# The accounts the assignment would bring into each territory: :data:`_TARGET`'s rows whose
# new territory is one and differs from the old, counted per territory under the same scope,
# without the accounts leaving every territory nor the pairs of reps the preview adds. An
# account already assigned to a territory is not tested against its outline (the cheap
# bounding-box join and the assignment rows first, ``candidates``); the others are the
# territory's when it covers them and no territory before it in the tie-break (priority
# desc, area asc, id asc: ``hit`` of :data:`_TARGET`) covers them too.
_WAITING = f"""
WITH t AS MATERIALIZED (
    SELECT id, rep_id, priority, round(ST_Area(geom)::numeric, {AREA_DECIMALS}) AS area, geom
    FROM territories WHERE CAST(:without AS int) IS NULL OR id <> CAST(:without AS int)
),
waiting_candidates AS MATERIALIZED (
    SELECT t.id AS territory_id, t.rep_id, a.id AS account_id, a.geom
    FROM t JOIN accounts a ON a.geom && t.geom
    {ASSIGNMENT_JOIN}
    WHERE {CONFIRMED_LOCATION} AND {NOT_LOCKED}
      AND asg.territory_id IS DISTINCT FROM t.id
      AND (CAST(:scope AS int[]) IS NULL
           OR asg.territory_id = ANY(CAST(:scope AS int[]))
           OR t.id = ANY(CAST(:scope AS int[])))
      AND (CAST(:owners AS int[]) IS NULL
           OR (asg.owner_id = ANY(CAST(:owners AS int[]))
               AND (t.rep_id IS NULL OR t.rep_id = ANY(CAST(:owners AS int[]))))
           OR (asg.owner_id IS NULL AND t.rep_id = ANY(CAST(:owners AS int[]))))
)
SELECT c.territory_id, count(*) AS accounts
FROM waiting_candidates c JOIN t ON t.id = c.territory_id
WHERE ST_Covers(t.geom, c.geom)
  AND NOT EXISTS (
      SELECT 1 FROM t y
      WHERE (y.priority > t.priority
             OR (y.priority = t.priority
                 AND (y.area < t.area OR (y.area = t.area AND y.id < t.id))))
        AND ST_Covers(y.geom, c.geom))
GROUP BY c.territory_id
"""


def waiting_by_territory(session: Session, *, scope: Scope = EVERYWHERE) -> dict[int, int]:
    """Per territory (by id), how many accounts the assignment would bring into it from
    another territory or none (:func:`preview_assignment`'s moves to it, summed), in one
    statement that tests outlines only for the accounts not yet assigned to them;
    territories with none are left out. Nothing is written."""
    _tune(session)
    rows = session.execute(text(_WAITING), scope.params()).all()
    return {int(r.territory_id): int(r.accounts) for r in rows}


@dataclass(frozen=True)
class AccountMove:
    """One account the assignment moves: from which rep/territory to which, and why.

    ``why``: ``in_territory`` (the account lies in ``to_territory``), ``territory_rep`` (its
    territory stays, the territory's rep changed) or ``outside`` (no territory covers it any
    more: it joins the queue of accounts without an owner).
    """

    account_id: int
    account_name: str
    from_rep_id: int | None
    from_rep_name: str | None
    to_rep_id: int | None
    to_rep_name: str | None
    from_territory_id: int | None
    from_territory_name: str | None
    to_territory_id: int | None
    to_territory_name: str | None
    why: str


@dataclass(frozen=True)
class MovesPage:
    """A page of the accounts that move, their total and the fingerprint of the whole list."""

    total: int
    moves: list[AccountMove]
    fingerprint: str


_LISTED = """,
listed AS (
    SELECT x.account_id, a.name AS account_name, x.old_rep AS from_rep_id,
           fu.full_name AS from_rep_name, x.new_rep AS to_rep_id, tu.full_name AS to_rep_name,
           x.old_territory AS from_territory_id, ft.name AS from_territory_name,
           x.new_territory AS to_territory_id, tt.name AS to_territory_name,
           CASE WHEN x.new_territory IS NULL THEN 'outside'
                WHEN x.old_territory IS NOT DISTINCT FROM x.new_territory THEN 'territory_rep'
                ELSE 'in_territory' END AS why
    FROM target x JOIN accounts a ON a.id = x.account_id
    LEFT JOIN users fu ON fu.id = x.old_rep LEFT JOIN users tu ON tu.id = x.new_rep
    LEFT JOIN territories ft ON ft.id = x.old_territory
    LEFT JOIN territories tt ON tt.id = x.new_territory
)
SELECT (SELECT count(*) FROM target) AS total,
       (SELECT md5(coalesce(string_agg(concat_ws(':', account_id, old_rep, new_rep,
                                                 old_territory, new_territory), ','
                                       ORDER BY account_id), ''))
        FROM target) AS fingerprint,
       p.*
FROM (SELECT 1) one LEFT JOIN LATERAL (
    SELECT * FROM listed
    ORDER BY to_territory_name NULLS LAST, to_rep_name NULLS LAST, account_name, account_id
    LIMIT :limit OFFSET :offset
) p ON true
"""


def preview_moves(
    session: Session, *, scope: Scope = EVERYWHERE, limit: int = 50, offset: int = 0
) -> MovesPage:
    """The accounts the assignment would move (a page of them, by destination and name), their
    total and a fingerprint of the whole diff (what the apply checks); nothing is written."""
    _tune(session)
    rows = session.execute(
        text(_TARGET + _LISTED), {**scope.params(), "limit": limit, "offset": offset}
    ).mappings()
    total, fingerprint, moves = 0, "", []
    for r in rows:
        total, fingerprint = int(r["total"]), str(r["fingerprint"])
        if r["account_id"] is not None:
            moves.append(AccountMove(**{k: v for k, v in r.items() if k in _MOVE_FIELDS}))
    return MovesPage(total, moves, fingerprint)


_MOVE_FIELDS = set(AccountMove.__dataclass_fields__)


def fingerprint(session: Session, *, scope: Scope = EVERYWHERE) -> str:
    """The fingerprint of the diff the assignment would apply now (see :func:`preview_moves`)."""
    return preview_moves(session, scope=scope, limit=0).fingerprint


def assign_all(
    session: Session,
    *,
    actor_id: int | None,
    reason: str,
    run_id: int | None = None,
    scope: Scope = EVERYWHERE,
) -> list[MoveCount]:
    """Assign every unlocked account with a confirmed location to its territory's rep, in one
    statement (accounts "à vérifier" are left as they are until someone confirms them).

    Accounts in no territory lose their territory and owner (they join the queue). Each change
    writes one ``assignment_history`` row (who, when, why, from, to, the run). Returns the
    applied diff.

    The assignments table is held against other writers (a dispatcher's override waits, readers
    do not) until the transaction ends, so the changes computed are the changes written: rows
    are updated or plainly inserted (an upsert checks and locks each row, twice the cost).
    """
    _tune(session)
    lock_assignments(session)
    sql = (
        _TARGET
        + """,
updated AS (
    UPDATE account_assignments s
    SET territory_id = t.new_territory, owner_id = t.new_rep, updated_at = now()
    FROM target t WHERE s.account_id = t.account_id AND t.has_row
),
added AS (
    INSERT INTO account_assignments (account_id, territory_id, owner_id)
    SELECT account_id, new_territory, new_rep FROM target WHERE NOT has_row
    ORDER BY account_id
),
logged AS (
    INSERT INTO assignment_history (account_id, from_rep_id, to_rep_id, from_territory_id,
                                    to_territory_id, changed_by, reason, run_id)
    SELECT account_id, old_rep, new_rep, old_territory, new_territory, :actor, :reason, :run
    FROM target ORDER BY account_id
    RETURNING from_rep_id, to_rep_id, from_territory_id, to_territory_id
)
"""
        + _SUMMARY.format(
            old_rep="from_rep_id",
            new_rep="to_rep_id",
            old_t="from_territory_id",
            new_t="to_territory_id",
            source="logged",
        )
    )
    rows = session.execute(
        text(sql), {**scope.params(), "actor": actor_id, "reason": reason[:200], "run": run_id}
    ).mappings()
    return [MoveCount(**r) for r in rows]


def lock_assignments(session: Session) -> None:
    """Hold the assignments against other writers until the transaction ends (readers pass)."""
    session.execute(text("LOCK TABLE account_assignments IN SHARE ROW EXCLUSIVE MODE"))


def _existing(session: Session, account_ids: Sequence[int]) -> None:
    found = set(
        session.execute(
            text("SELECT id FROM accounts WHERE id = ANY(:ids)"), {"ids": list(account_ids)}
        ).scalars()
    )
    missing = sorted(set(account_ids) - found)
    if missing:
        raise NotFound("account", missing[0] if len(missing) == 1 else missing)


def manual_assign(
    session: Session,
    account_ids: Sequence[int],
    *,
    rep_id: int | None,
    territory_id: int | None = None,
    keep_territory: bool = True,
    lock: bool = True,
    actor_id: int | None,
    reason: str,
    run_id: int | None = None,
) -> int:
    """Give accounts to ``rep_id`` (a dispatcher's override), lock them by default.

    The territory is kept unless ``keep_territory`` is false (then set to ``territory_id``).
    One UPDATE for all the accounts, one history row per account whose owner or territory
    changed (of run ``run_id`` when given); returns that number.
    """
    if not account_ids:
        return 0
    _existing(session, account_ids)
    check_rep(session, rep_id)
    if not keep_territory and territory_id is not None:
        get_territory(session, territory_id)
    changed = session.execute(
        text("""
        WITH old AS (
            SELECT a.id, asg.owner_id, asg.territory_id
            FROM accounts a LEFT JOIN LATERAL (
                SELECT * FROM account_assignments s WHERE s.account_id = a.id FOR UPDATE
            ) asg ON true
            WHERE a.id = ANY(:ids)
        ),
        changed AS (
            INSERT INTO account_assignments AS s (account_id, owner_id, territory_id, locked)
            SELECT id, CAST(:rep AS int), CASE WHEN :keep THEN territory_id ELSE :territory END,
                   CAST(:lock AS boolean)
            FROM old
            ON CONFLICT (account_id) DO UPDATE
            SET owner_id = excluded.owner_id, territory_id = excluded.territory_id,
                locked = s.locked OR excluded.locked, updated_at = now()
            RETURNING s.account_id, s.owner_id, s.territory_id
        )
        INSERT INTO assignment_history (account_id, from_rep_id, to_rep_id, from_territory_id,
                                        to_territory_id, changed_by, reason, run_id)
        SELECT c.account_id, o.owner_id, c.owner_id, o.territory_id, c.territory_id, :actor,
               :reason, CAST(:run AS bigint)
        FROM changed c JOIN old o ON o.id = c.account_id
        WHERE o.owner_id IS DISTINCT FROM c.owner_id
           OR o.territory_id IS DISTINCT FROM c.territory_id
        RETURNING account_id"""),
        {
            "ids": list(account_ids),
            "rep": rep_id,
            "keep": keep_territory,
            "territory": territory_id,
            "lock": lock,
            "actor": actor_id,
            "reason": reason[:200],
            "run": run_id,
        },
    ).all()
    return len(changed)


def unlocked_names(session: Session, account_ids: Sequence[int]) -> dict[int, tuple[str, bool]]:
    """Each account's name, and whether its assignment is unlocked now."""
    rows = session.execute(
        text(f"""SELECT a.id, a.name, {NOT_LOCKED} AS unlocked
                 FROM accounts a {ASSIGNMENT_JOIN} WHERE a.id = ANY(:ids)"""),
        {"ids": list(account_ids)},
    ).all()
    return {int(r.id): (r.name, bool(r.unlocked)) for r in rows}


QUEUE_REASONS = (
    "not_located",
    "unconfirmed",
    "locked",
    "outside_territories",
    "territory_without_rep",
    "other",
)
"""Why an account of the queue (no owner) stays there after an automatic assignment, in the
order they are tested."""

QUEUE_REASON = f"""CASE WHEN a.geom IS NULL THEN 'not_located'
    WHEN NOT ({CONFIRMED_LOCATION}) THEN 'unconfirmed'
    WHEN NOT ({NOT_LOCKED}) THEN 'locked'
    WHEN NOT EXISTS (SELECT 1 FROM territories t WHERE ST_Covers(t.geom, a.geom))
        THEN 'outside_territories'
    WHEN NOT EXISTS (SELECT 1 FROM territories t
                     WHERE ST_Covers(t.geom, a.geom) AND t.rep_id IS NOT NULL)
        THEN 'territory_without_rep'
    ELSE 'other' END"""
"""SQL (with :data:`ASSIGNMENT_JOIN`): the first of :data:`QUEUE_REASONS` that keeps an
account without owner in the queue — one home for the queue's list and its counts."""


def queue_blockers(session: Session) -> dict[str, int]:
    """How many accounts of the queue each reason of :data:`QUEUE_REASONS` keeps there (the
    automatic assignment leaves them where they are); reasons with no account are left out.
    ``other``: an account the assignment would give to someone (or out of its scope)."""
    rows = session.execute(
        text(f"""
        SELECT {QUEUE_REASON} AS reason, count(*) AS n
        FROM accounts a {ASSIGNMENT_JOIN} WHERE asg.owner_id IS NULL
        GROUP BY 1""")
    ).all()
    counts = {str(r.reason): int(r.n) for r in rows}
    return {k: counts[k] for k in QUEUE_REASONS if counts.get(k)}


def set_lock(session: Session, account_ids: Sequence[int], *, locked: bool) -> int:
    """Lock (or unlock) accounts against automatic assignment; returns how many changed."""
    if not account_ids:
        return 0
    _existing(session, account_ids)
    sql = (
        """INSERT INTO account_assignments AS s (account_id, locked)
           SELECT id, true FROM accounts WHERE id = ANY(:ids)
           ON CONFLICT (account_id) DO UPDATE SET locked = true, updated_at = now()
           WHERE NOT s.locked
           RETURNING account_id"""
        if locked
        else """UPDATE account_assignments SET locked = false, updated_at = now()
                WHERE account_id = ANY(:ids) AND locked RETURNING account_id"""
    )
    return len(session.execute(text(sql), {"ids": list(account_ids)}).all())


def unassigned(
    session: Session, *, limit: int = 100, offset: int = 0
) -> tuple[int, list[QueueItem]]:
    """Accounts without an owner, best priority first, with the reason (:data:`QUEUE_REASON`);
    and their total."""
    total = session.execute(
        text(f"SELECT count(*) FROM accounts a {ASSIGNMENT_JOIN} WHERE asg.owner_id IS NULL")
    ).scalar_one()
    rows = session.execute(
        text(f"""
        SELECT a.id, a.name, a.postcode, a.city, ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat,
               asg.territory_id, {QUEUE_REASON} AS reason
        FROM accounts a {ASSIGNMENT_JOIN} {PRIORITY_JOIN} WHERE asg.owner_id IS NULL
        ORDER BY ap.score DESC NULLS LAST, a.id
        LIMIT :limit OFFSET :offset"""),
        {"limit": limit, "offset": offset},
    ).mappings()
    return int(total), [QueueItem(**r) for r in rows]


def history(
    session: Session, *, account_id: int | None = None, limit: int = 100
) -> list[HistoryRow]:
    """Latest assignment changes, of one account or of all."""
    rows = session.execute(
        text("""SELECT account_id, from_rep_id, to_rep_id, from_territory_id, to_territory_id,
                       changed_by, changed_at, reason, run_id
                FROM assignment_history
                WHERE CAST(:account AS bigint) IS NULL OR account_id = :account
                ORDER BY changed_at DESC, id DESC LIMIT :limit"""),
        {"account": account_id, "limit": limit},
    ).mappings()
    return [HistoryRow(**r) for r in rows]
