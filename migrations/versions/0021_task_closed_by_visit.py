"""Tasks a visit completes: a rule's task may say ``closed_by: visit`` (QA of 2026-12-06:
a visit report left "Visiter …" open in the rep's tasks).

Revision ID: 0021_task_closed_by_visit
Revises: 0020_corridor_index
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_task_closed_by_visit"
down_revision: str | Sequence[str] | None = "0020_corridor_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "tasks",
        sa.Column("closed_by_visit", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.add_column("tasks", sa.Column("done_by_activity_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        "fk_tasks_done_by_activity_id_activities",
        "tasks",
        "activities",
        ["done_by_activity_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index("ix_tasks_done_by_activity_id", "tasks", ["done_by_activity_id"])


def downgrade() -> None:
    op.drop_index("ix_tasks_done_by_activity_id", table_name="tasks")
    op.drop_constraint("fk_tasks_done_by_activity_id_activities", "tasks", type_="foreignkey")
    op.drop_column("tasks", "done_by_activity_id")
    op.drop_column("tasks", "closed_by_visit")
