"""Corridor points: an index by owner, for a rep's best accounts over the whole country.

A trip with no appointment says where the rep's valuable accounts lie when most of them are
beyond a day's reach (``services.planning_inputs.gather``, ``routing.reach.far_areas``). It
ranks the rep's own accounts over all of France: on the point's GiST (0023) that read every
confirmed account of the country, 6–7 s among 1 000 000 accounts (bench/README.md,
anchorless trip). By owner, it reads the rep's portfolio only, index-only like the GiST.

Revision ID: 0027_corridor_points_owner
Revises: 0026_territory_overlay
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_corridor_points_owner"
down_revision: str | Sequence[str] | None = "0026_territory_overlay"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_corridor_points_owner",
        "corridor_points",
        ["owner_id"],
        postgresql_include=["geom", "account_id", "kind", "potential", "score"],
        postgresql_where=sa.text("confirmed"),
    )


def downgrade() -> None:
    op.drop_index("ix_corridor_points_owner", table_name="corridor_points")
