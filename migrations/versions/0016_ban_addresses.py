"""Base Adresse Nationale addresses for offline house-number geocoding (issue 21).

Revision ID: 0016_ban_addresses
Revises: 0015_geocoding_trust
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0016_ban_addresses"
down_revision: str | Sequence[str] | None = "0015_geocoding_trust"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
