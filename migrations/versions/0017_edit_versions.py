"""Row versions for optimistic concurrency on accounts, territories and rules (issue 16).

Each edit of an account, a territory or a rule checks the version the editor read and adds
one (``fieldcrm.store.versions``); ``edited_by`` keeps who made the latest edit, for the
message a stale editor gets ("Ce compte a été modifié par … entre-temps ; rechargez").

Revision ID: 0017_edit_versions
Revises: 0016_ban_addresses
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_edit_versions"
down_revision: str | Sequence[str] | None = "0016_ban_addresses"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("accounts", "territories", "rules")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        op.add_column(table, sa.Column("edited_by", sa.Integer(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "edited_by")
        op.drop_column(table, "version")
