"""Assignment runs that can be previewed, confirmed and undone (issue 22/23).

Revision ID: 0018_assignment_runs
Revises: 0017_edit_versions
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0018_assignment_runs"
down_revision: str | Sequence[str] | None = "0017_edit_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
