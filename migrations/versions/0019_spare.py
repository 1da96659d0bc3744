"""Reserved revision (issue 19 leftovers: long work as jobs).

Revision ID: 0019_spare
Revises: 0018_assignment_runs
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0019_spare"
down_revision: str | Sequence[str] | None = "0018_assignment_runs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
