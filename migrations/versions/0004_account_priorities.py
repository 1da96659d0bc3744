"""The priority index moves to its own narrow table, ``account_priorities``.

The nightly scoring run rewrote every row of the wide ``accounts`` table (a non-HOT update
through all its indexes, GiST included) to store three columns. In a table of their own the
run writes narrow rows with one index. No foreign key (its check would cost more than the
write on a first run of 1 000 000 accounts): a statement trigger deletes the priorities of
deleted accounts, and readers always join from ``accounts``.

Revision ID: 0004_account_priorities
Revises: 0003_foreign_key_indexes
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_account_priorities"
down_revision: str | Sequence[str] | None = "0003_foreign_key_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_priorities",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("band", sa.String(length=10), nullable=False),
        sa.Column("breakdown", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "computed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_priorities")),
    )
    op.execute(
        """INSERT INTO account_priorities (account_id, score, band, breakdown)
           SELECT id, priority_score, priority_band, priority_breakdown FROM accounts
           WHERE priority_score IS NOT NULL AND priority_band IS NOT NULL
             AND priority_breakdown IS NOT NULL"""
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
    op.drop_column("accounts", "priority_breakdown")
    op.drop_column("accounts", "priority_band")
    op.drop_column("accounts", "priority_score")


def downgrade() -> None:
    op.add_column("accounts", sa.Column("priority_score", sa.Float(), nullable=True))
    op.add_column("accounts", sa.Column("priority_band", sa.String(length=10), nullable=True))
    op.add_column(
        "accounts",
        sa.Column("priority_breakdown", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )
    op.execute(
        """UPDATE accounts a SET priority_score = p.score, priority_band = p.band,
                                 priority_breakdown = p.breakdown
           FROM account_priorities p WHERE p.account_id = a.id"""
    )
    op.execute("DROP TRIGGER accounts_forget_priorities ON accounts")
    op.execute("DROP FUNCTION forget_account_priorities()")
    op.drop_table("account_priorities")
