"""Audit log: an index on (entity, entity_id, action).

The agenda and « Ma journée » read an appointment's moves from the audit log
(``services.appointment_moves.former_starts``) on every page of a rep whose appointments
changed; without an index each read scans the whole log, which only grows.

Revision ID: 0024_audit_entity_index
Revises: 0023_corridor_points
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0024_audit_entity_index"
down_revision: str | Sequence[str] | None = "0023_corridor_points"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_log_entity", "audit_log", ["entity", "entity_id", "action"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_entity", table_name="audit_log")
