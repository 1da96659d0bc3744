"""Row versions for optimistic concurrency on accounts, territories and rules (issue 16).

Revision ID: 0017_edit_versions
Revises: 0016_ban_addresses
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0017_edit_versions"
down_revision: str | Sequence[str] | None = "0016_ban_addresses"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
