"""Notification delivery: claims, so a crashed sender's messages are taken again later.

A worker claims one notification (``status = 'sending'``, ``claimed_at``) and commits before
it hands the message over; a claim older than the stale delay belonged to a dead worker.
The partial index finds those stale claims.

Revision ID: 0008_notify_delivery
Revises: 0007_sessions
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_notify_delivery"
down_revision: str | Sequence[str] | None = "0007_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "notifications", sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index(
        "ix_notifications_sending",
        "notifications",
        ["claimed_at"],
        postgresql_where=sa.text("status = 'sending'"),
    )


def downgrade() -> None:
    op.execute(
        "UPDATE notifications SET status = 'retry', next_attempt_at = now() "
        "WHERE status = 'sending'"
    )
    op.drop_index("ix_notifications_sending", table_name="notifications")
    op.drop_column("notifications", "claimed_at")
