"""``corridor_points`` (migration 0023) is an exact copy of what the corridor ranks.

The copy is kept by statement-level triggers on ``accounts``, ``account_assignments`` and
``account_priorities``. The oracle is the live rule: the accounts whose location is confirmed
(:data:`fieldcrm.store.joins.CONFIRMED_LOCATION`, the product's rule), with their kind,
potential, owner and score read from their own tables. After every statement of a random
sequence of writes (one row or many, every table, deletes and truncates), both must agree.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from fieldcrm.store.joins import ASSIGNMENT_JOIN, CONFIRMED_LOCATION, PRIORITY_JOIN
from tests.conftest import _rolled_back_session

ORACLE = f"""
SELECT a.id, ST_AsText(a.geom), a.kind, coalesce(a.potential_eur_month, 0)::float8,
       asg.owner_id, ap.score
FROM accounts a {ASSIGNMENT_JOIN} {PRIORITY_JOIN}
WHERE {CONFIRMED_LOCATION}
ORDER BY a.id
"""

COPY = """
SELECT account_id, ST_AsText(geom), kind, potential, owner_id, score
FROM corridor_points WHERE confirmed ORDER BY account_id
"""

EVERY_ACCOUNT = """
SELECT (SELECT array_agg(id ORDER BY id) FROM accounts)
       IS NOT DISTINCT FROM (SELECT array_agg(account_id ORDER BY account_id) FROM corridor_points)
"""

STATUSES = ("pending", "matched", "to_review", "failed", "manual")
SLOTS = 6
"""Accounts are picked among the first few ids of each example (some may be gone)."""


def _copy_and_oracle(db: Session) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    assert db.execute(text(EVERY_ACCOUNT)).scalar_one(), "one row per account"
    copy = [tuple(r) for r in db.execute(text(COPY))]
    oracle = [tuple(r) for r in db.execute(text(ORACLE))]
    return copy, oracle


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    yield from _rolled_back_session(engine)


def _insert_account(db: Session, status: str, located: bool, kind: str, pot: int | None) -> None:
    db.execute(
        text(
            """INSERT INTO accounts (name, kind, geocode_status, potential_eur_month, geom)
               VALUES ('Cp', :kind, :status, :pot,
                       CASE WHEN :located THEN ST_SetSRID(ST_MakePoint(7.1, 43.6), 4326) END)"""
        ),
        {"kind": kind, "status": status, "pot": pot, "located": located},
    )


write = st.one_of(
    st.tuples(
        st.just("insert"),
        st.sampled_from(STATUSES),
        st.booleans(),
        st.sampled_from(["client", "prospect"]),
        st.one_of(st.none(), st.integers(0, 5000)),
    ),
    st.tuples(st.just("status"), st.integers(0, SLOTS - 1), st.sampled_from(STATUSES)),
    st.tuples(st.just("move"), st.integers(0, SLOTS - 1), st.floats(6.0, 8.0)),
    st.tuples(st.just("unlocate"), st.integers(0, SLOTS - 1)),
    st.tuples(st.just("kind"), st.integers(0, SLOTS - 1), st.sampled_from(["client", "prospect"])),
    st.tuples(st.just("potential_all"), st.integers(0, 5000)),
    st.tuples(st.just("rename_all")),
    st.tuples(st.just("delete"), st.integers(0, SLOTS - 1)),
    st.tuples(st.just("own"), st.integers(0, SLOTS - 1), st.sampled_from([0, 1, None])),
    st.tuples(st.just("disown"), st.integers(0, SLOTS - 1)),
    st.tuples(st.just("score"), st.integers(0, SLOTS - 1), st.floats(0, 100)),
    st.tuples(st.just("score_all"), st.floats(0, 100)),
    st.tuples(st.just("unscore"), st.integers(0, SLOTS - 1)),
    st.tuples(st.just("truncate"), st.sampled_from(["account_priorities", "account_assignments"])),
)


def _apply(db: Session, op: tuple[object, ...], ids: list[int], users: list[int]) -> None:
    kind = op[0]
    pick = {"id": ids[int(op[1]) % len(ids)]} if len(op) > 1 and isinstance(op[1], int) else {}
    if kind == "insert":
        _insert_account(db, str(op[1]), bool(op[2]), str(op[3]), op[4])  # type: ignore[arg-type]
        return
    sql = {
        "status": "UPDATE accounts SET geocode_status = :v WHERE id = :id",
        "move": "UPDATE accounts SET geom = ST_SetSRID(ST_MakePoint(:v, 43.7), 4326) WHERE id = :id",
        "unlocate": "UPDATE accounts SET geom = NULL WHERE id = :id",
        "kind": "UPDATE accounts SET kind = :v WHERE id = :id",
        "potential_all": "UPDATE accounts SET potential_eur_month = :v",
        "rename_all": "UPDATE accounts SET name = name || '.'",
        "delete": "DELETE FROM accounts WHERE id = :id",
        "own": """INSERT INTO account_assignments (account_id, owner_id)
                  SELECT id, :v FROM accounts WHERE id = :id
                  ON CONFLICT (account_id) DO UPDATE SET owner_id = excluded.owner_id""",
        "disown": "DELETE FROM account_assignments WHERE account_id = :id",
        "score": """INSERT INTO account_priorities (account_id, score, band)
                    SELECT id, :v, 'normal' FROM accounts WHERE id = :id
                    ON CONFLICT (account_id) DO UPDATE SET score = excluded.score""",
        "score_all": """INSERT INTO account_priorities (account_id, score, band)
                        SELECT id, :v, 'normal' FROM accounts
                        ON CONFLICT (account_id) DO UPDATE SET score = excluded.score""",
        "unscore": "DELETE FROM account_priorities WHERE account_id = :id",
    }
    if kind == "truncate":
        db.execute(text(f"TRUNCATE {op[1]}"))
        return
    value = op[2] if len(op) > 2 else (op[1] if len(op) > 1 else None)
    if kind == "own" and value is not None:
        value = users[int(value)]  # type: ignore[call-overload]
    db.execute(text(sql[str(kind)]), pick | {"v": value})


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(ops=st.lists(write, min_size=1, max_size=12))
def test_the_copy_follows_every_write(engine: Engine, ops: list[tuple[object, ...]]) -> None:
    for db in _rolled_back_session(engine):
        users = [
            int(
                db.execute(
                    text(
                        "INSERT INTO users (email, full_name, role) "
                        "VALUES (:e, 'Rep', 'rep') RETURNING id"
                    ),
                    {"e": f"cp{k}@t.fr"},
                ).scalar_one()
            )
            for k in range(2)
        ]
        for k in range(SLOTS):
            _insert_account(db, STATUSES[k % len(STATUSES)], k != 2, "prospect", 100 * k)
        ids = [int(i) for i in db.execute(text("SELECT id FROM accounts ORDER BY id")).scalars()]
        copy, oracle = _copy_and_oracle(db)
        assert copy == oracle
        for op in ops:
            _apply(db, op, ids, users)
            copy, oracle = _copy_and_oracle(db)
            assert copy == oracle, op


def test_truncating_the_accounts_empties_the_copy(session: Session) -> None:
    _insert_account(session, "matched", True, "client", 10)
    assert _copy_and_oracle(session)[0]
    session.execute(text("TRUNCATE accounts CASCADE"))
    assert _copy_and_oracle(session) == ([], [])


def test_only_confirmed_locations_are_copied(session: Session) -> None:
    for status in STATUSES:
        _insert_account(session, status, True, "client", 10)
    kept = session.execute(
        text(
            "SELECT a.geocode_status FROM corridor_points c JOIN accounts a ON a.id = c.account_id"
            " WHERE c.confirmed"
        )
    ).scalars()
    assert sorted(kept) == ["manual", "matched"]


SIDE_WRITES = {
    "score": "INSERT INTO account_priorities (account_id, score, band) VALUES (:a, 42, 'normal')",
    "owner": "INSERT INTO account_assignments (account_id, owner_id) VALUES (:a, :u)",
}


@pytest.mark.parametrize("side", sorted(SIDE_WRITES))
@pytest.mark.parametrize("first", ["location", "side"])
def test_concurrent_writers_keep_each_others_columns(engine: Engine, side: str, first: str) -> None:
    """A location confirmed in one transaction while another writes the owner or the score:
    whichever writes first, once both commit the copy holds both (each trigger writes its own
    columns of the account's one row, and the second waits for the first's row lock)."""
    with engine.begin() as c:
        user = c.execute(
            text(
                "INSERT INTO users (email, full_name, role) "
                "VALUES ('cp-race@t.fr', 'Rep', 'rep') RETURNING id"
            )
        ).scalar_one()
        account = c.execute(
            text(
                "INSERT INTO accounts (name, kind, geocode_status) "
                "VALUES ('Course', 'client', 'pending') RETURNING id"
            )
        ).scalar_one()
    confirm = (
        "UPDATE accounts SET geocode_status = 'matched', "
        "geom = ST_SetSRID(ST_MakePoint(7, 43.6), 4326) WHERE id = :a"
    )
    writes = [confirm, SIDE_WRITES[side]]
    if first == "side":
        writes.reverse()
    one, two = engine.connect(), engine.connect()
    try:
        one.begin()
        two.begin()
        one.execute(text(writes[0]), {"a": account, "u": user})
        # the second writer waits for the first's lock: run it beside, then commit the first
        with ThreadPoolExecutor(1) as pool:
            waiting = pool.submit(two.execute, text(writes[1]), {"a": account, "u": user})
            time.sleep(0.3)
            one.commit()
            waiting.result(timeout=30)
        two.commit()
        with engine.connect() as c:
            copy = c.execute(
                text(
                    "SELECT confirmed, owner_id, score FROM corridor_points WHERE account_id = :a"
                ),
                {"a": account},
            ).one()
        expected = (True, user if side == "owner" else None, 42.0 if side == "score" else None)
        assert tuple(copy) == expected
    finally:
        one.close()
        two.close()
        with engine.begin() as c:
            c.execute(text("DELETE FROM accounts WHERE id = :a"), {"a": account})
            c.execute(text("DELETE FROM users WHERE id = :u"), {"u": user})
