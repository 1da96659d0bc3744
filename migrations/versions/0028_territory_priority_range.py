"""Territories' priorities within 0–1000, as every write now checks.

A territory's priority is a whole number from 0 to 1000 (:mod:`fieldcrm.territories.priority`,
checked by the store on every write since the previous release). Rows written before that rule
may hold a value out of range (a negative priority typed in the editor), which the editor then
refuses on the territory's next edit until corrected. Those values are brought to the nearest
bound (−3 → 0, 1 200 → 1000), and the table itself now refuses any other value.

Revision ID: 0028_territory_priority_range
Revises: 0027_corridor_points_owner
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0028_territory_priority_range"
down_revision: str | Sequence[str] | None = "0027_corridor_points_owner"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOWEST, HIGHEST = 0, 1000  # fieldcrm.territories.priority.LOWEST / HIGHEST at this revision


def upgrade() -> None:
    op.execute(
        f"UPDATE territories SET priority = least(greatest(priority, {LOWEST}), {HIGHEST}) "
        f"WHERE priority NOT BETWEEN {LOWEST} AND {HIGHEST}"
    )
    op.create_check_constraint(
        "ck_territories_priority_range", "territories", f"priority BETWEEN {LOWEST} AND {HIGHEST}"
    )


def downgrade() -> None:
    op.drop_constraint("ck_territories_priority_range", "territories", type_="check")
