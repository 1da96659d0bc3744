"""Statement keys (migration 0006): the rules of a foreign key, checked once per statement."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

EXPECTED = {
    ("account_assignments", "account_id", "accounts"),
    ("account_assignments", "owner_id", "users"),
    ("account_assignments", "territory_id", "territories"),
    ("account_priorities", "account_id", "accounts"),
    ("assignment_history", "account_id", "accounts"),
    ("assignment_history", "changed_by", "users"),
    ("alerts", "rule_id", "rules"),
    ("alerts", "account_id", "accounts"),
    ("alerts", "recipient_id", "users"),
    ("tasks", "account_id", "accounts"),
    ("tasks", "assignee_id", "users"),
    ("tasks", "alert_id", "alerts"),
    ("notifications", "user_id", "users"),
    ("notifications", "alert_id", "alerts"),
}

_KEYS = """
SELECT c.relname AS child, split_part(encode(t.tgargs, 'escape'), '\\000', 1) AS col,
       split_part(encode(t.tgargs, 'escape'), '\\000', 2) AS parent
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE t.tgname LIKE 'sk\\_%\\_insert'
"""


def _one(db: Session, sql: str, **params: object) -> int:
    return int(db.execute(text(sql), params).scalar_one())


def _world(db: Session) -> dict[str, int]:
    """A rep, a territory, a rule, an account assigned to the rep with an alert, a task and
    a notification about it, a history row and a priority."""
    w = {
        "rep": _one(
            db,
            "INSERT INTO users (email, full_name, role) VALUES "
            "('sk-rep@t.fr', 'Rep', 'rep') RETURNING id",
        ),
        "territory": _one(
            db,
            "INSERT INTO territories (name, geom) VALUES ('T', "
            "ST_Multi(ST_MakeEnvelope(0, 0, 1, 1, 4326))) RETURNING id",
        ),
        "rule": _one(db, "INSERT INTO rules (name, definition) VALUES ('sk', 'x') RETURNING id"),
        "account": _one(db, "INSERT INTO accounts (name) VALUES ('SK SARL') RETURNING id"),
    }
    for sql in (
        "INSERT INTO account_assignments (account_id, owner_id, territory_id)"
        " VALUES (:account, :rep, :territory)",
        "INSERT INTO assignment_history (account_id, to_rep_id, changed_by, reason)"
        " VALUES (:account, :rep, :rep, 'test')",
        "INSERT INTO account_priorities (account_id, score, band) VALUES (:account, 1, 'low')",
    ):
        db.execute(text(sql), w)
    w["alert"] = _one(
        db,
        """INSERT INTO alerts (rule_id, rule_key, account_id, period, message, recipient_id)
           VALUES (:rule, 'sk', :account, '2026-04', 'm', :rep) RETURNING id""",
        **w,
    )
    for sql in (
        "INSERT INTO tasks (account_id, assignee_id, title, alert_id)"
        " VALUES (:account, :rep, 't', :alert)",
        "INSERT INTO notifications (user_id, alert_id, channel, subject, body)"
        " VALUES (:rep, :alert, 'app', 's', 'b')",
    ):
        db.execute(text(sql), w)
    return w


def test_the_bulk_tables_carry_the_expected_statement_keys(db: Session) -> None:
    keys = {(r.child, r.col, r.parent) for r in db.execute(text(_KEYS))}
    assert keys == EXPECTED
    for child, column, _ in EXPECTED:
        leading = db.execute(
            text("""SELECT count(*) FROM pg_index i JOIN pg_attribute a
                      ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                    WHERE i.indrelid = CAST(:t AS regclass) AND a.attname = :c"""),
            {"t": child, "c": column},
        ).scalar_one()
        assert leading >= 1, f"{child}.{column} has no index for its parent's deletions"


@pytest.mark.parametrize(
    ("sql", "column", "missing"),
    [
        (
            "INSERT INTO account_assignments (account_id, owner_id) VALUES (:account, -7)",
            "owner_id",
            "-7",
        ),
        ("INSERT INTO account_assignments (account_id) VALUES (-8)", "account_id", "-8"),
        (
            "UPDATE account_assignments SET territory_id = -9 WHERE account_id = :account",
            "territory_id",
            "-9",
        ),
        (
            "INSERT INTO alerts (rule_key, account_id, period, message) "
            "VALUES ('x', :account, 'p', 'm'), ('x', -3, 'p', 'm')",
            "account_id",
            "-3",
        ),
        ("UPDATE notifications SET alert_id = -4 WHERE alert_id = :alert", "alert_id", "-4"),
    ],
)
def test_a_child_pointing_at_a_missing_parent_is_refused(
    db: Session, sql: str, column: str, missing: str
) -> None:
    w = _world(db)
    if sql.startswith("INSERT INTO account_assignments (account_id, owner_id)"):
        db.execute(
            text("DELETE FROM account_assignments WHERE account_id = :a"), {"a": w["account"]}
        )
    with pytest.raises(IntegrityError) as raised, db.begin_nested():
        db.execute(text(sql), w)
    diag = raised.value.orig.diag  # type: ignore[union-attr]
    assert raised.value.orig.sqlstate == "23503"  # type: ignore[union-attr]
    assert diag.column_name == column
    assert f"Key ({column})=({missing}) is not present" in (diag.message_detail or "")


def test_deleting_parents_cascades_or_clears_like_the_foreign_keys(db: Session) -> None:
    w = _world(db)
    db.execute(text("DELETE FROM users WHERE id = :rep"), w)
    assert db.execute(
        text("""SELECT (SELECT owner_id FROM account_assignments WHERE account_id = :account),
                       (SELECT changed_by FROM assignment_history WHERE account_id = :account),
                       (SELECT recipient_id FROM alerts WHERE id = :alert),
                       (SELECT assignee_id FROM tasks WHERE alert_id = :alert),
                       (SELECT user_id FROM notifications WHERE alert_id = :alert)"""),
        w,
    ).one() == (None, None, None, None, None)
    db.execute(text("DELETE FROM territories WHERE id = :territory"), w)
    db.execute(text("DELETE FROM rules WHERE id = :rule"), w)
    assert db.execute(
        text("""SELECT (SELECT territory_id FROM account_assignments WHERE account_id = :account),
                       (SELECT rule_id FROM alerts WHERE id = :alert)"""),
        w,
    ).one() == (None, None)
    db.execute(text("DELETE FROM alerts WHERE id = :alert"), w)
    assert _one(db, "SELECT count(*) FROM notifications WHERE alert_id = :alert", **w) == 0
    assert (
        _one(db, "SELECT count(*) FROM tasks WHERE account_id = :account AND alert_id IS NULL", **w)
        == 1
    )
    db.execute(text("DELETE FROM accounts WHERE id = :account"), w)
    for table in ("account_assignments", "assignment_history", "account_priorities", "tasks"):
        assert _one(db, f"SELECT count(*) FROM {table} WHERE account_id = :account", **w) == 0


def test_truncating_a_parent_applies_the_same_rules(db: Session) -> None:
    w = _world(db)
    db.execute(text("TRUNCATE rules"))
    assert _one(db, "SELECT count(*) FROM alerts WHERE id = :alert AND rule_id IS NULL", **w) == 1
    db.execute(text("TRUNCATE accounts CASCADE"))
    for table in ("account_assignments", "assignment_history", "account_priorities", "alerts"):
        assert _one(db, f"SELECT count(*) FROM {table}") == 0


@pytest.fixture
def committed(engine: Engine) -> Iterator[tuple[str, dict[str, int]]]:
    """A committed rep and account (for tests across connections), removed afterwards."""
    url = engine.url.render_as_string(hide_password=False).replace("+psycopg", "")
    tag = uuid.uuid4().hex[:8]
    with psycopg.connect(url, autocommit=True) as conn:
        rep = conn.execute(
            "INSERT INTO users (email, full_name, role) VALUES (%s, 'Rep', 'rep') RETURNING id",
            (f"sk-{tag}@t.fr",),
        ).fetchone()[0]  # type: ignore[index]
        account = conn.execute(
            "INSERT INTO accounts (name) VALUES (%s) RETURNING id", (f"SK {tag}",)
        ).fetchone()[0]  # type: ignore[index]
    try:
        yield url, {"rep": rep, "account": account}
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DELETE FROM accounts WHERE id = %s", (account,))
            conn.execute("DELETE FROM users WHERE id = %s", (rep,))


def test_a_parent_deletion_waits_for_an_open_child_write_then_clears_it(
    committed: tuple[str, dict[str, int]],
) -> None:
    url, w = committed
    with psycopg.connect(url) as writer, psycopg.connect(url) as deleter:
        writer.execute(
            "INSERT INTO account_assignments (account_id, owner_id) VALUES (%(account)s, %(rep)s)",
            w,
        )
        deleter.execute("SET lock_timeout = '300ms'")
        with pytest.raises(errors.LockNotAvailable):
            deleter.execute("DELETE FROM users WHERE id = %(rep)s", w)
        deleter.rollback()
        writer.commit()
        deleter.execute("DELETE FROM users WHERE id = %(rep)s", w)
        deleter.commit()
        owner = writer.execute(
            "SELECT owner_id FROM account_assignments WHERE account_id = %(account)s", w
        ).fetchone()
        assert owner == (None,)


def test_a_child_write_waits_for_an_open_parent_deletion_then_fails(
    committed: tuple[str, dict[str, int]],
) -> None:
    url, w = committed
    with psycopg.connect(url) as writer, psycopg.connect(url) as deleter:
        deleter.execute("DELETE FROM accounts WHERE id = %(account)s", w)
        writer.execute("SET lock_timeout = '300ms'")
        insert = (
            "INSERT INTO assignment_history (account_id, to_rep_id, reason) "
            "VALUES (%(account)s, %(rep)s, 'race')"
        )
        with pytest.raises(errors.LockNotAvailable):
            writer.execute(insert, w)
        writer.rollback()
        deleter.commit()
        with pytest.raises(errors.ForeignKeyViolation):
            writer.execute(insert, w)
