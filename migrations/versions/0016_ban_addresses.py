"""Base Adresse Nationale addresses for offline house-number geocoding (issue 21).

``ban_streets`` holds one row per street of a commune and postcode, with its matching key
(computed by ``fieldcrm.geocoding.ban.street_key``); ``ban_addresses`` one row per house number.
Both carry the département so that reloading one replaces it (``ban_departments`` says what
was loaded, from which file, when). No foreign key from addresses to streets: the loader is
the only writer and replaces both together, and a key checked row by row would slow a
600 000-row load. ``accounts.geocode_candidates`` keeps the places a doubtful answer could be
(label and point), for the review map.

Revision ID: 0016_ban_addresses
Revises: 0015_geocoding_trust
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0016_ban_addresses"
down_revision: str | Sequence[str] | None = "0015_geocoding_trust"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ban_departments",
        sa.Column("department", sa.String(3), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("streets", sa.Integer(), nullable=False),
        sa.Column("addresses", sa.Integer(), nullable=False),
        sa.Column(
            "loaded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("department", name="pk_ban_departments"),
    )
    op.create_table(
        "ban_streets",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("department", sa.String(3), nullable=False),
        sa.Column("citycode", sa.String(5), nullable=False),
        sa.Column("postcode", sa.String(5), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("commune", sa.Text(), nullable=False),
        sa.Column("street_key", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ban_streets"),
    )
    op.create_index("ix_ban_streets_citycode", "ban_streets", ["citycode"])
    op.create_index("ix_ban_streets_department", "ban_streets", ["department"])
    op.create_table(
        "ban_addresses",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("street_id", sa.BigInteger(), nullable=False),
        sa.Column("department", sa.String(3), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("suffix", sa.String(10), server_default="", nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ban_addresses"),
    )
    op.create_index("ix_ban_addresses_street_id", "ban_addresses", ["street_id"])
    op.create_index("ix_ban_addresses_department", "ban_addresses", ["department"])
    op.add_column("accounts", sa.Column("geocode_candidates", JSONB(), nullable=True))


def downgrade() -> None:
    op.drop_column("accounts", "geocode_candidates")
    op.drop_index("ix_ban_addresses_department", table_name="ban_addresses")
    op.drop_index("ix_ban_addresses_street_id", table_name="ban_addresses")
    op.drop_table("ban_addresses")
    op.drop_index("ix_ban_streets_department", table_name="ban_streets")
    op.drop_index("ix_ban_streets_citycode", table_name="ban_streets")
    op.drop_table("ban_streets")
    op.drop_table("ban_departments")
