"""Search without exact accents: ``unaccent`` and ``pg_trgm``, an immutable accent-folding
function and a trigram index on the accounts' name and city.

The accounts list search compares ``fieldcrm_fold(name || ' ' || city)`` with each word of the
query folded the same way (``"eze"`` finds "Èze", ``"cafe carnot"`` finds "Café Carnot");
the trigram index serves those ``ILIKE '%…%'`` tests. ``unaccent()`` itself is only STABLE
(its dictionary could change), so an index needs the IMMUTABLE wrapper with the dictionary
named.

Revision ID: 0015_geocoding_trust
Revises: 0014_user_admin
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015_geocoding_trust"
down_revision: str | Sequence[str] | None = "0014_user_admin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        """CREATE OR REPLACE FUNCTION fieldcrm_fold(text) RETURNS text
           LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
           RETURN lower(public.unaccent('public.unaccent'::regdictionary, $1))"""
    )
    op.execute(
        """CREATE INDEX ix_accounts_search_trgm ON accounts
           USING gin (fieldcrm_fold(name || ' ' || coalesce(city, '')) gin_trgm_ops)"""
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_accounts_search_trgm")
    op.execute("DROP FUNCTION IF EXISTS fieldcrm_fold(text)")
