"""Call intervals, tasks done, alert severity and the unread count.

* ``visit_intervals``: default days between visits per segment (qualification A/B/C, kind
  client/prospect), seeded with sensible values and editable; ``accounts.visit_interval_days``
  overrides them for one account.
* ``account_priorities.overdue_days`` / ``overdue_points``: the "visit overdue" part of the
  priority index.
* ``tasks.done_at`` / ``done_by``: who closed a task and when; open tasks of a person are
  read through a partial index.
* ``alerts.severity``: the rule's ``high``/``medium``/``low`` (the old ``warning`` becomes
  ``medium``).
* A partial index answers the unread in-app count of a user (the menu badge).

Revision ID: 0013_call_intervals
Revises: 0012_calendar
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_call_intervals"
down_revision: str | Sequence[str] | None = "0012_calendar"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULTS = (
    ("qualification", "A", 30),
    ("qualification", "B", 60),
    ("qualification", "C", 90),
    ("kind", "client", 60),
    ("kind", "prospect", 120),
)


def upgrade() -> None:
    intervals = op.create_table(
        "visit_intervals",
        sa.Column("segment", sa.String(20), nullable=False),
        sa.Column("value", sa.String(50), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "segment IN ('qualification', 'kind')", name=op.f("ck_visit_intervals_segment")
        ),
        sa.CheckConstraint("days BETWEEN 1 AND 3650", name=op.f("ck_visit_intervals_days")),
        sa.PrimaryKeyConstraint("segment", "value", name="pk_visit_intervals"),
    )
    op.bulk_insert(intervals, [{"segment": s, "value": v, "days": d} for s, v, d in DEFAULTS])
    op.add_column("accounts", sa.Column("visit_interval_days", sa.Integer(), nullable=True))
    op.create_check_constraint(
        op.f("ck_accounts_visit_interval_days"),
        "accounts",
        "visit_interval_days IS NULL OR visit_interval_days BETWEEN 1 AND 3650",
    )
    op.add_column("account_priorities", sa.Column("overdue_days", sa.Integer(), nullable=True))
    op.add_column("account_priorities", sa.Column("overdue_points", sa.Float(), nullable=True))
    op.add_column("tasks", sa.Column("done_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("tasks", sa.Column("done_by", sa.Integer(), nullable=True))
    op.create_foreign_key(
        "fk_tasks_done_by_users", "tasks", "users", ["done_by"], ["id"], ondelete="SET NULL"
    )
    op.create_index("ix_tasks_done_by", "tasks", ["done_by"])
    op.create_index(
        "ix_tasks_open_assignee",
        "tasks",
        ["assignee_id", "due_date"],
        postgresql_where=sa.text("status = 'open'"),
    )
    op.execute("UPDATE alerts SET severity = 'medium' WHERE severity NOT IN ('high', 'low')")
    op.alter_column("alerts", "severity", server_default="medium")
    op.create_check_constraint(
        op.f("ck_alerts_severity"), "alerts", "severity IN ('high', 'medium', 'low')"
    )
    op.create_index(
        "ix_notifications_unread_in_app",
        "notifications",
        ["user_id"],
        postgresql_where=sa.text("channel = 'in_app' AND read_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_notifications_unread_in_app", table_name="notifications")
    op.drop_constraint(op.f("ck_alerts_severity"), "alerts", type_="check")
    op.alter_column("alerts", "severity", server_default="warning")
    op.execute("UPDATE alerts SET severity = 'warning' WHERE severity <> 'high'")
    op.drop_index("ix_tasks_open_assignee", table_name="tasks")
    op.drop_index("ix_tasks_done_by", table_name="tasks")
    op.drop_constraint("fk_tasks_done_by_users", "tasks", type_="foreignkey")
    op.drop_column("tasks", "done_by")
    op.drop_column("tasks", "done_at")
    op.drop_column("account_priorities", "overdue_points")
    op.drop_column("account_priorities", "overdue_days")
    op.drop_constraint(op.f("ck_accounts_visit_interval_days"), "accounts", type_="check")
    op.drop_column("accounts", "visit_interval_days")
    op.drop_table("visit_intervals")
