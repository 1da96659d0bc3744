"""Activities: the check-in's distance to its account, kept by triggers.

Whether a visit counts (``store.visits.counted_visit``: a check-in more than 500 m from its
account counts only with its report) is read by every query about past visits, the nightly
rules over every account among them. Measuring the distance there cost a lookup of the
account and a geodesic distance per activity; it is now a column, written as the check-in is
recorded and again when the account's location or its trust changes (a misplaced pin moved
to where the rep stood makes that check-in near), so the rule reads one number. Only a
trusted location (matched or placed by hand) is measured from: an account placed at its
commune's centre has no distance, and its check-ins count as before.

Revision ID: 0025_checkin_distance
Revises: 0024_audit_entity_index
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_checkin_distance"
down_revision: str | Sequence[str] | None = "0024_audit_entity_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONFIRMED = "a.geocode_status IN ('matched', 'manual') AND a.geom IS NOT NULL"
"""The account's location is trusted (``store.joins.CONFIRMED_LOCATION`` as of this revision):
a check-in is judged far only from a trusted pin, never from a commune's centre."""

FUNCTIONS = f"""
CREATE FUNCTION activities_checkin_distance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- only for a check-in (WHEN): calls, e-mails and bulk loads without a point skip it;
  -- FOR SHARE: a pin moved meanwhile waits for this row, then its trigger sees it
  NEW.checkin_distance_m := (
    SELECT CASE WHEN {CONFIRMED}
                THEN ST_Distance(NEW.checkin::geography, a.geom::geography) END
    FROM accounts a WHERE a.id = NEW.account_id FOR SHARE);
  RETURN NEW;
END $$;

CREATE FUNCTION accounts_moved_checkins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE activities v
  SET checkin_distance_m = CASE WHEN {CONFIRMED}
                                THEN ST_Distance(v.checkin::geography, a.geom::geography) END
  FROM new_rows a JOIN old_rows o ON o.id = a.id
  WHERE v.account_id = a.id AND v.checkin IS NOT NULL
    AND (o.geom, o.geocode_status) IS DISTINCT FROM (a.geom, a.geocode_status);
  RETURN NULL;
END $$;
"""


def upgrade() -> None:
    op.add_column("activities", sa.Column("checkin_distance_m", sa.Float(), nullable=True))
    op.execute(FUNCTIONS)
    op.execute(
        """CREATE TRIGGER activities_checkin_distance
           BEFORE INSERT OR UPDATE OF checkin, account_id ON activities
           FOR EACH ROW WHEN (NEW.checkin IS NOT NULL)
           EXECUTE FUNCTION activities_checkin_distance()"""
    )
    op.execute(
        """CREATE TRIGGER accounts_moved_checkins AFTER UPDATE ON accounts
           REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
           EXECUTE FUNCTION accounts_moved_checkins()"""
    )
    op.execute(
        f"""UPDATE activities v
            SET checkin_distance_m = ST_Distance(v.checkin::geography, a.geom::geography)
            FROM accounts a WHERE a.id = v.account_id AND v.checkin IS NOT NULL AND {CONFIRMED}"""
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER accounts_moved_checkins ON accounts")
    op.execute("DROP TRIGGER activities_checkin_distance ON activities")
    op.execute("DROP FUNCTION accounts_moved_checkins()")
    op.execute("DROP FUNCTION activities_checkin_distance()")
    op.drop_column("activities", "checkin_distance_m")
