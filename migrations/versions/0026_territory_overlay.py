"""Territories: the overlay marker (a national key-accounts territory laid over the local ones).

A rebalancing leaves out the territories laid over the local ones (« Grands comptes France »:
its rep follows accounts anywhere on multi-day trips; trading border communes with it makes
no sense). Until now they were told by their size; a manager now ticks the marker on the
territory form. So that current data keeps its behaviour, the territories the size rule
recognised (larger than 85 000 km², more than the largest région of metropolitan France) are
marked; every other one is not.

Revision ID: 0026_territory_overlay
Revises: 0025_checkin_distance
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_territory_overlay"
down_revision: str | Sequence[str] | None = "0025_checkin_distance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NATIONAL_KM2 = 85_000.0
"""The size rule as of this revision (``territories.rebalance_effects.NATIONAL_KM2``): above
this area a territory was taken for a national (overlay) one."""


def upgrade() -> None:
    op.add_column(
        "territories",
        sa.Column("overlay", sa.Boolean(), nullable=False, server_default=sa.text("false")),
    )
    op.execute(
        sa.text(
            "UPDATE territories SET overlay = true WHERE ST_Area(geom::geography) / 1e6 > :km2"
        ).bindparams(km2=NATIONAL_KM2)
    )


def downgrade() -> None:
    op.drop_column("territories", "overlay")
