"""Trips: one per (rep, kind, first day), and the visits left out of their kilometres.

Derivation now happens when its inputs change (a worker job), never on a read; the unique key
makes two derivations of the same rep unable to store a trip twice. Duplicates left by the
former read-time derivation are removed first (the most recent one is kept).

Revision ID: 0010_trips
Revises: 0009_worker
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010_trips"
down_revision: str | Sequence[str] | None = "0009_worker"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """DELETE FROM trips t USING trips newer
            WHERE newer.rep_id = t.rep_id AND newer.kind = t.kind
              AND newer.start_day = t.start_day AND newer.id > t.id"""
    )
    op.create_unique_constraint("uq_trips_rep_kind_start", "trips", ["rep_id", "kind", "start_day"])
    op.add_column("trips", sa.Column("to_check", postgresql.JSONB(), nullable=True))


def downgrade() -> None:
    op.drop_column("trips", "to_check")
    op.drop_constraint("uq_trips_rep_kind_start", "trips", type_="unique")
