"""Corridor points: the score and the owner beside the point (issue 17).

The corridor query (``store.plans.candidates_in``) reads every located account of a band of
the corridor (about 4 000 in the dense Riviera of the bench) and ranks them by value per
detour. Since 0020 it read them index-only on a GiST of ``accounts``, then probed the owner
(``account_assignments``) and the score (``account_priorities``) once per account: two B-tree
descents per row, half of the query's time (bench/README.md, corridor).

``corridor_points`` holds, for every account, what the ranking needs: whether its location
is confirmed (the rule of ``store.joins.CONFIRMED_LOCATION``), the point, kind, potential,
owner and score; its GiST on the point, over the confirmed ones, includes them all, so a band
is one index-only scan. One row per account, made with it: each trigger below only updates
its own columns of that row, so that concurrent writers serialise on its lock (a row made
when a location is confirmed could miss an owner or score written meanwhile by another
transaction).
It is a copy kept by statement-level triggers (transition tables, one statement at a time, as
the statement keys of migration 0006), never written by the application:

* ``accounts``: insert, update (only rows whose location, status, kind or potential
  changed), delete and truncate;
* ``account_assignments``: the owner; ``account_priorities``: the score (insert, update,
  delete, truncate).

The three indexes of 0020 only served the corridor and go: the account GiST (every import
wrote it), and the two ``account_id`` indexes including the owner and the score (the score's
made every priority update non-HOT).

Revision ID: 0023_corridor_points
Revises: 0022_manual_runs
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "0023_corridor_points"
down_revision: str | Sequence[str] | None = "0022_manual_runs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONFIRMED = "n.geocode_status IN ('matched', 'manual') AND n.geom IS NOT NULL"
"""``store.joins.CONFIRMED_LOCATION`` on the transition table ``n`` (a migration is frozen:
the test ``tests/store/test_corridor_points.py`` checks the copy against the live rule)."""

COLUMNS = "account_id, confirmed, geom, kind, potential, owner_id, score"

ROW = f"""n.id, {CONFIRMED}, n.geom, n.kind, coalesce(n.potential_eur_month, 0)::float8,
         s.owner_id, p.score
         FROM new_rows n
         LEFT JOIN account_assignments s ON s.account_id = n.id
         LEFT JOIN account_priorities p ON p.account_id = n.id"""

FUNCTIONS = f"""
CREATE FUNCTION corridor_points_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO corridor_points ({COLUMNS})
  SELECT {ROW};
  RETURN NULL;
END $$;

-- Only the account's own columns: the owner and the score are the side tables' triggers' to
-- write. Each trigger updates the one row of the account, so concurrent writers of an
-- account and of its owner or score wait for each other's row lock and neither loses the
-- other's column.
CREATE FUNCTION corridor_points_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE corridor_points c
  SET confirmed = {CONFIRMED}, geom = n.geom, kind = n.kind,
      potential = coalesce(n.potential_eur_month, 0)::float8
  FROM new_rows n JOIN old_rows o ON o.id = n.id
  WHERE c.account_id = n.id
    AND (o.geocode_status, o.geom, o.kind, o.potential_eur_month)
        IS DISTINCT FROM (n.geocode_status, n.geom, n.kind, n.potential_eur_month);
  RETURN NULL;
END $$;

CREATE FUNCTION corridor_points_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM corridor_points;
  ELSE
    DELETE FROM corridor_points c USING old_rows o WHERE c.account_id = o.id;
  END IF;
  RETURN NULL;
END $$;

-- TG_ARGV[0]: the column of the side table copied (owner_id or score), same name here.
CREATE FUNCTION corridor_points_side() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  col text := TG_ARGV[0];
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    EXECUTE format('UPDATE corridor_points SET %1$I = NULL WHERE %1$I IS NOT NULL', col);
  ELSIF TG_OP = 'DELETE' THEN
    EXECUTE format(
      'UPDATE corridor_points c SET %1$I = NULL FROM old_rows o
       WHERE c.account_id = o.account_id AND c.%1$I IS NOT NULL', col);
  ELSE
    EXECUTE format(
      'UPDATE corridor_points c SET %1$I = n.%1$I FROM new_rows n
       WHERE c.account_id = n.account_id AND c.%1$I IS DISTINCT FROM n.%1$I', col);
  END IF;
  RETURN NULL;
END $$;
"""

SIDES = (("account_assignments", "owner_id"), ("account_priorities", "score"))


def _triggers() -> list[str]:
    """The CREATE TRIGGER statements (one event per trigger: a trigger with transition
    tables may not have several)."""
    out = [
        """CREATE TRIGGER corridor_points_insert AFTER INSERT ON accounts
           REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
           EXECUTE FUNCTION corridor_points_inserted()""",
        """CREATE TRIGGER corridor_points_update AFTER UPDATE ON accounts
           REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
           EXECUTE FUNCTION corridor_points_updated()""",
        """CREATE TRIGGER corridor_points_delete AFTER DELETE ON accounts
           REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
           EXECUTE FUNCTION corridor_points_deleted()""",
        """CREATE TRIGGER corridor_points_truncate AFTER TRUNCATE ON accounts
           FOR EACH STATEMENT EXECUTE FUNCTION corridor_points_deleted()""",
    ]
    for table, column in SIDES:
        arg = f"corridor_points_side('{column}')"
        out += [
            f"""CREATE TRIGGER corridor_points_insert AFTER INSERT ON {table}
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {arg}""",
            f"""CREATE TRIGGER corridor_points_update AFTER UPDATE ON {table}
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {arg}""",
            f"""CREATE TRIGGER corridor_points_delete AFTER DELETE ON {table}
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {arg}""",
            f"""CREATE TRIGGER corridor_points_truncate AFTER TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION {arg}""",
        ]
    return out


def upgrade() -> None:
    op.create_table(
        "corridor_points",
        sa.Column("account_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column(
            "geom",
            Geometry("POINT", srid=4326, spatial_index=False),
            nullable=True,
        ),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("potential", sa.Float(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_corridor_points")),
    )
    # no write between the copy and the triggers (the app may be running)
    op.execute("LOCK TABLE accounts, account_assignments, account_priorities IN SHARE MODE")
    op.execute(
        f"""INSERT INTO corridor_points ({COLUMNS})
            SELECT {ROW.replace("new_rows", "accounts")}"""
    )
    op.create_index(
        "ix_corridor_points_point",
        "corridor_points",
        [sa.text("(geom::point)")],
        postgresql_using="gist",
        postgresql_include=["geom", "account_id", "kind", "potential", "owner_id", "score"],
        postgresql_where=sa.text("confirmed"),
    )
    op.execute(FUNCTIONS)
    for statement in _triggers():
        op.execute(statement)
    op.drop_index("ix_account_priorities_score_by_account", table_name="account_priorities")
    op.drop_index("ix_account_assignments_owner_by_account", table_name="account_assignments")
    op.drop_index("ix_accounts_corridor_points", table_name="accounts")


def downgrade() -> None:
    op.create_index(
        "ix_accounts_corridor_points",
        "accounts",
        [sa.text("(geom::point)")],
        postgresql_using="gist",
        postgresql_include=["geom", "id", "kind", "potential_eur_month"],
        postgresql_where=sa.text("geocode_status IN ('matched', 'manual') AND geom IS NOT NULL"),
    )
    op.create_index(
        "ix_account_assignments_owner_by_account",
        "account_assignments",
        ["account_id"],
        postgresql_include=["owner_id"],
    )
    op.create_index(
        "ix_account_priorities_score_by_account",
        "account_priorities",
        ["account_id"],
        postgresql_include=["score"],
    )
    for table in ("accounts", *(t for t, _ in SIDES)):
        for event in ("insert", "update", "delete", "truncate"):
            op.execute(f"DROP TRIGGER corridor_points_{event} ON {table}")
    for name in ("inserted", "updated", "deleted", "side"):
        op.execute(f"DROP FUNCTION corridor_points_{name}()")
    op.drop_table("corridor_points")
