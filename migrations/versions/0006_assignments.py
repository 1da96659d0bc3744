"""Owner and territory in a narrow ``account_assignments`` table; bulk tables get statement keys.

Two changes for the mass jobs (the first assignment of 1 000 000 accounts, the nightly rules):

1. An account's owner, territory and dispatcher lock leave the wide ``accounts`` row for a
   table of their own, one row per account that has ever been assigned or locked (readers
   ``LEFT JOIN`` it: no row means no owner, no territory, not locked). Assigning half a million
   accounts now writes narrow rows with three indexes instead of rewriting wide rows through
   the eight indexes of ``accounts`` (GiST included).

2. The foreign keys of the tables written in bulk (assignments, assignment history, priorities,
   alerts, tasks, notifications) become *statement keys*: the same rules, checked once per
   statement over the statement's transition table instead of once per row (a row-by-row
   foreign-key check is an SPI query plus a row lock: ~7 µs, 40 % of a first mass assignment).

   - Writing a child (INSERT, or UPDATE of the key): every non-null key must exist in the
     parent, or the statement fails with SQLSTATE 23503 (``foreign_key_violation``) naming
     the table, column and missing key, like a foreign key.
   - Deleting (or truncating) a parent: its children are deleted (``cascade``) or their key
     set to NULL (``set null``) in one statement.
   - Concurrency: instead of a share lock on each referenced row, a child-writing statement
     takes a shared transaction-level advisory lock on each parent table, and a deletion from
     a parent takes it exclusively (BEFORE DELETE / TRUNCATE). So a parent row cannot vanish
     between a child's check and its commit, and a deletion's cascade sees every committed
     child. The price: a deletion from ``accounts`` waits for transactions writing these
     tables (and they for it), where a foreign key would only wait on the rows involved.
     Checks run in READ COMMITTED, the isolation the application uses.

Revision ID: 0006_assignments
Revises: 0005_priority_columns
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_assignments"
down_revision: str | Sequence[str] | None = "0005_priority_columns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (child table, column, parent table, on delete); parents are referenced by their ``id``.
KEYS = (
    ("account_assignments", "account_id", "accounts", "cascade"),
    ("account_assignments", "owner_id", "users", "set null"),
    ("account_assignments", "territory_id", "territories", "set null"),
    ("account_priorities", "account_id", "accounts", "cascade"),
    ("assignment_history", "account_id", "accounts", "cascade"),
    ("assignment_history", "changed_by", "users", "set null"),
    ("alerts", "rule_id", "rules", "set null"),
    ("alerts", "account_id", "accounts", "cascade"),
    ("alerts", "recipient_id", "users", "set null"),
    ("tasks", "account_id", "accounts", "cascade"),
    ("tasks", "assignee_id", "users", "set null"),
    ("tasks", "alert_id", "alerts", "set null"),
    ("notifications", "user_id", "users", "set null"),
    ("notifications", "alert_id", "alerts", "cascade"),
)

# Foreign keys of migration 0001 replaced by the statement keys above.
_REPLACED = tuple(k for k in KEYS if k[0] not in ("account_assignments", "account_priorities"))

_FUNCTIONS = r"""
CREATE FUNCTION statement_key_lock(parent regclass, exclusive boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  -- 0x534B ('SK') namespaces these advisory locks; the second key is the parent table.
  IF exclusive THEN
    PERFORM pg_advisory_xact_lock(21323, parent::oid::int);
  ELSE
    PERFORM pg_advisory_xact_lock_shared(21323, parent::oid::int);
  END IF;
END $$;

CREATE FUNCTION statement_key_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  col text := TG_ARGV[0];
  parent text := TG_ARGV[1];
  missing text;
BEGIN
  PERFORM statement_key_lock(parent::regclass, false);
  -- Like a foreign key, an UPDATE only checks the keys it changes: a value some updated row
  -- already held was checked when it was written.
  EXECUTE format(
    'SELECT min(n.%1$I)::text FROM new_rows n
     WHERE n.%1$I IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %2$I p WHERE p.id = n.%1$I) %3$s',
    col, parent,
    CASE WHEN TG_OP = 'UPDATE'
         THEN format('AND NOT EXISTS (SELECT 1 FROM old_rows o WHERE o.%1$I = n.%1$I)', col)
         ELSE '' END) INTO missing;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'insert or update on table "%" violates statement key "%"',
                    TG_TABLE_NAME, TG_NAME
      USING ERRCODE = 'foreign_key_violation',
            DETAIL = format('Key (%s)=(%s) is not present in table "%s".', col, missing, parent),
            TABLE = TG_TABLE_NAME, COLUMN = col, CONSTRAINT = TG_NAME;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION statement_key_lock_parent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM statement_key_lock(TG_RELID::regclass, true);
  RETURN NULL;
END $$;

CREATE FUNCTION statement_key_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  child text := TG_ARGV[0];
  col text := TG_ARGV[1];
  action text := TG_ARGV[2];
  gone text := CASE WHEN TG_OP = 'TRUNCATE' THEN 'TRUE'
                    ELSE format('c.%I IN (SELECT o.id FROM old_rows o)', col) END;
BEGIN
  IF action = 'cascade' THEN
    EXECUTE format('DELETE FROM %I c WHERE c.%I IS NOT NULL AND %s', child, col, gone);
  ELSE
    EXECUTE format('UPDATE %1$I c SET %2$I = NULL WHERE c.%2$I IS NOT NULL AND %3$s',
                   child, col, gone);
  END IF;
  RETURN NULL;
END $$;
"""


def _create_key(child: str, column: str, parent: str, action: str) -> None:
    name = f"sk_{child}_{column}"
    for event, tables in (("insert", ""), ("update", "OLD TABLE AS old_rows")):
        op.execute(
            f"""CREATE TRIGGER {name}_{event} AFTER {event.upper()} ON {child}
                REFERENCING {tables} NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION statement_key_check('{column}', '{parent}')"""
        )
    op.execute(
        f"""CREATE TRIGGER {name}_delete AFTER DELETE ON {parent}
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
            EXECUTE FUNCTION statement_key_on_delete('{child}', '{column}', '{action}')"""
    )
    op.execute(
        f"""CREATE TRIGGER {name}_truncate AFTER TRUNCATE ON {parent} FOR EACH STATEMENT
            EXECUTE FUNCTION statement_key_on_delete('{child}', '{column}', '{action}')"""
    )


def _drop_key(child: str, column: str, parent: str) -> None:
    name = f"sk_{child}_{column}"
    for event in ("insert", "update"):
        op.execute(f"DROP TRIGGER {name}_{event} ON {child}")
    op.execute(f"DROP TRIGGER {name}_delete ON {parent}")
    op.execute(f"DROP TRIGGER {name}_truncate ON {parent}")


def _parents() -> list[str]:
    return sorted({parent for _, _, parent, _ in KEYS})


def upgrade() -> None:
    op.create_table(
        "account_assignments",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("territory_id", sa.Integer(), nullable=True),
        sa.Column("locked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_assignments")),
    )
    op.execute(
        """INSERT INTO account_assignments (account_id, owner_id, territory_id, locked)
           SELECT id, owner_id, territory_id, assignment_locked FROM accounts
           WHERE owner_id IS NOT NULL OR territory_id IS NOT NULL OR assignment_locked"""
    )
    op.create_index("ix_account_assignments_owner_id", "account_assignments", ["owner_id"])
    op.create_index("ix_account_assignments_territory_id", "account_assignments", ["territory_id"])
    op.drop_index("ix_accounts_owner_id", table_name="accounts")
    op.drop_index("ix_accounts_territory_id", table_name="accounts")
    op.drop_column("accounts", "owner_id")
    op.drop_column("accounts", "territory_id")
    op.drop_column("accounts", "assignment_locked")

    op.execute("DROP TRIGGER accounts_forget_priorities ON accounts")
    op.execute("DROP FUNCTION forget_account_priorities()")
    for child, column, parent, _ in _REPLACED:
        op.drop_constraint(f"fk_{child}_{column}_{parent}", child, type_="foreignkey")
    op.execute(_FUNCTIONS)
    for parent in _parents():
        op.execute(
            f"""CREATE TRIGGER sk_lock BEFORE DELETE OR TRUNCATE ON {parent}
                FOR EACH STATEMENT EXECUTE FUNCTION statement_key_lock_parent()"""
        )
    for key in KEYS:
        _create_key(*key)


def downgrade() -> None:
    for child, column, parent, _ in KEYS:
        _drop_key(child, column, parent)
    for parent in _parents():
        op.execute(f"DROP TRIGGER sk_lock ON {parent}")
    op.execute("DROP FUNCTION statement_key_on_delete()")
    op.execute("DROP FUNCTION statement_key_lock_parent()")
    op.execute("DROP FUNCTION statement_key_check()")
    op.execute("DROP FUNCTION statement_key_lock(regclass, boolean)")
    for child, column, parent, action in _REPLACED:
        op.create_foreign_key(
            f"fk_{child}_{column}_{parent}",
            child,
            parent,
            [column],
            ["id"],
            ondelete=action.upper(),
        )
    op.execute(
        """CREATE FUNCTION forget_account_priorities() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             DELETE FROM account_priorities p USING gone WHERE p.account_id = gone.id;
             RETURN NULL;
           END $$"""
    )
    op.execute(
        """CREATE TRIGGER accounts_forget_priorities AFTER DELETE ON accounts
           REFERENCING OLD TABLE AS gone FOR EACH STATEMENT
           EXECUTE FUNCTION forget_account_priorities()"""
    )

    op.add_column("accounts", sa.Column("owner_id", sa.Integer(), nullable=True))
    op.add_column("accounts", sa.Column("territory_id", sa.Integer(), nullable=True))
    op.add_column(
        "accounts",
        sa.Column(
            "assignment_locked", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
    )
    op.execute(
        """UPDATE accounts a SET owner_id = s.owner_id, territory_id = s.territory_id,
                                 assignment_locked = s.locked
           FROM account_assignments s WHERE s.account_id = a.id"""
    )
    op.create_foreign_key(
        "fk_accounts_owner_id_users", "accounts", "users", ["owner_id"], ["id"], ondelete="SET NULL"
    )
    op.create_foreign_key(
        "fk_accounts_territory_id_territories",
        "accounts",
        "territories",
        ["territory_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index("ix_accounts_owner_id", "accounts", ["owner_id"])
    op.create_index("ix_accounts_territory_id", "accounts", ["territory_id"])
    op.drop_table("account_assignments")
