"""Assignment runs that can be previewed, confirmed and undone (issue 22/23).

An automatic assignment, an applied rebalancing, a territory deletion and an undo are each one
``assignment_runs`` row; every ``assignment_history`` row they write carries its ``run_id``, so
the last automatic run can be undone account by account. A rebalancing also keeps each
redrawn territory's outline before and after (``assignment_run_shapes``), to put it back.

``run_id`` is a plain indexed column, not a foreign key: runs are never deleted, and the
assignment writes its history rows in one statement that a per-row check would slow down.

Revision ID: 0018_assignment_runs
Revises: 0017_edit_versions
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision: str = "0018_assignment_runs"
down_revision: str | Sequence[str] | None = "0017_edit_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RUN_KINDS = "kind IN ('auto', 'rebalance', 'territory_delete', 'undo')"


def upgrade() -> None:
    op.create_table(
        "assignment_runs",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("accounts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("undoes_run_id", sa.BigInteger(), nullable=True),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(RUN_KINDS, name=op.f("ck_assignment_runs_kind")),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_assignment_runs_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["undoes_run_id"],
            ["assignment_runs.id"],
            name=op.f("fk_assignment_runs_undoes_run_id_assignment_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_runs")),
    )
    op.create_index(
        op.f("ix_assignment_runs_actor_id"), "assignment_runs", ["actor_id"], unique=False
    )
    op.create_index(
        op.f("ix_assignment_runs_undoes_run_id"), "assignment_runs", ["undoes_run_id"], unique=False
    )
    op.create_table(
        "assignment_run_shapes",
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column(
            "geom_before",
            Geometry("MULTIPOLYGON", srid=4326, spatial_index=False),
            nullable=False,
        ),
        sa.Column(
            "geom_after",
            Geometry("MULTIPOLYGON", srid=4326, spatial_index=False),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["assignment_runs.id"],
            name=op.f("fk_assignment_run_shapes_run_id_assignment_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "territory_id", name=op.f("pk_assignment_run_shapes")),
    )
    op.add_column("assignment_history", sa.Column("run_id", sa.BigInteger(), nullable=True))
    op.create_index(
        op.f("ix_assignment_history_run_id"), "assignment_history", ["run_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_assignment_history_run_id"), table_name="assignment_history")
    op.drop_column("assignment_history", "run_id")
    op.drop_table("assignment_run_shapes")
    op.drop_index(op.f("ix_assignment_runs_undoes_run_id"), table_name="assignment_runs")
    op.drop_index(op.f("ix_assignment_runs_actor_id"), table_name="assignment_runs")
    op.drop_table("assignment_runs")
