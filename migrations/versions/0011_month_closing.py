"""Travel-cost months validated by a manager (frozen figures) and adjustments made after.

Revision ID: 0011_month_closing
Revises: 0010_trips
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_month_closing"
down_revision: str | Sequence[str] | None = "0010_trips"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "month_validations",
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("validated_by", sa.Integer(), nullable=True),
        sa.Column(
            "validated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("rate_per_km", sa.Numeric(8, 4), nullable=False),
        sa.PrimaryKeyConstraint("rep_id", "month", name="pk_month_validations"),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["users.id"], name="fk_month_validations_rep_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["validated_by"],
            ["users.id"],
            name="fk_month_validations_validated_by_users",
            ondelete="SET NULL",
        ),
    )
    op.create_table(
        "cost_adjustments",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("amount_eur", sa.Numeric(10, 2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name="pk_cost_adjustments"),
        sa.ForeignKeyConstraint(
            ["rep_id", "month"],
            ["month_validations.rep_id", "month_validations.month"],
            name="fk_cost_adjustments_validation",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name="fk_cost_adjustments_author_id_users",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_cost_adjustments_rep_month", "cost_adjustments", ["rep_id", "month"])
    op.create_index("ix_cost_adjustments_author_id", "cost_adjustments", ["author_id"])
    op.create_index("ix_month_validations_validated_by", "month_validations", ["validated_by"])


def downgrade() -> None:
    op.drop_index("ix_month_validations_validated_by", table_name="month_validations")
    op.drop_index("ix_cost_adjustments_author_id", table_name="cost_adjustments")
    op.drop_index("ix_cost_adjustments_rep_month", table_name="cost_adjustments")
    op.drop_table("cost_adjustments")
    op.drop_table("month_validations")
