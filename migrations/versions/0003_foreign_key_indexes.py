"""Indexes on the foreign keys that deletions follow (cascades and SET NULL scans).

Without them, deleting an alert scanned every notification and task, deleting an account
scanned tasks, plan proposals and appointments (minutes at 1 000 000 accounts).

Revision ID: 0003_foreign_key_indexes
Revises: 0002_scoring
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003_foreign_key_indexes"
down_revision: str | Sequence[str] | None = "0002_scoring"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("appointments", "account_id"),
    ("assignment_history", "changed_by"),
    ("alerts", "rule_id"),
    ("tasks", "account_id"),
    ("tasks", "alert_id"),
    ("notifications", "alert_id"),
    ("plan_proposals", "account_id"),
    ("trips", "plan_id"),
    ("audit_log", "actor_id"),
    ("import_runs", "actor_id"),
    ("plans", "created_by"),
    ("rules", "created_by"),
    ("users", "manager_id"),
)


def upgrade() -> None:
    for table, column in INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table, column in reversed(INDEXES):
        op.drop_index(f"ix_{table}_{column}", table_name=table)
