"""Corridor candidates: index-only reads of the accounts of a zone (issue 17).

The corridor query (``store.plans.candidates_in``) reads every located account of the first
band of the corridor (a few thousand in a dense area), then its owner
(``account_assignments``) and its priority score (``account_priorities``) by one probe on
``account_id`` each. On the geometry GiST and the primary keys every one of these reads also
fetches a table page. These indexes carry what the query reads, so that all three are
index-only (bench/README.md, corridor):

* ``ix_accounts_corridor_points``: GiST on the account's point (PostgreSQL's ``point``, whose
  GiST gives back its key, unlike PostGIS's lossy box), with the geometry, kind and potential
  included, over the accounts whose location is confirmed (``CONFIRMED_LOCATION``);
* ``ix_account_assignments_owner_by_account`` and ``ix_account_priorities_score_by_account``:
  ``account_id`` with the owner / the score included.

Revision ID: 0020_corridor_index
Revises: 0019_spare
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_corridor_index"
down_revision: str | Sequence[str] | None = "0019_spare"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_accounts_corridor_points",
        "accounts",
        [sa.text("(geom::point)")],
        postgresql_using="gist",
        postgresql_include=["geom", "id", "kind", "potential_eur_month"],
        postgresql_where=sa.text("geocode_status IN ('matched', 'manual') AND geom IS NOT NULL"),
    )
    op.create_index(
        "ix_account_assignments_owner_by_account",
        "account_assignments",
        ["account_id"],
        postgresql_include=["owner_id"],
    )
    op.create_index(
        "ix_account_priorities_score_by_account",
        "account_priorities",
        ["account_id"],
        postgresql_include=["score"],
    )


def downgrade() -> None:
    op.drop_index("ix_account_priorities_score_by_account", table_name="account_priorities")
    op.drop_index("ix_account_assignments_owner_by_account", table_name="account_assignments")
    op.drop_index("ix_accounts_corridor_points", table_name="accounts")
