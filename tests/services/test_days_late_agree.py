"""One rule, days late, counted by SQL in two places for speed: the live "En retard" list
(and the account's rhythm) and the nightly priority snapshot. On the demo data they agree
account for account, and with the Python oracle."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.config import Settings
from fieldcrm.scoring.intervals import days_late
from fieldcrm.services import scoring
from fieldcrm.store import intervals as intervals_store
from tests.conftest import DEMO_TODAY

SETTINGS = Settings(_env_file=None)


def test_the_overdue_list_and_the_nightly_priority_count_the_same_days_late(
    demo_db: Session,
) -> None:
    tz = SETTINGS.scoring_timezone
    owners = list(
        demo_db.execute(text("SELECT DISTINCT owner_id FROM account_assignments")).scalars()
    )
    listed, total = intervals_store.overdue_accounts(
        demo_db, owner_ids=owners, today=DEMO_TODAY, tz=tz, limit=1_000_000
    )
    assert total == len(listed) > 10
    scoring.run_rules(demo_db, as_of=DEMO_TODAY, settings=SETTINGS)
    nightly = {
        r.account_id: r.overdue_days
        for r in demo_db.execute(
            text("""SELECT p.account_id, p.overdue_days FROM account_priorities p
                     JOIN account_assignments s ON s.account_id = p.account_id
                    WHERE p.overdue_days > 0""")
        )
    }
    assert {o.account_id: o.days_late for o in listed} == nightly
    for o in listed:  # the oracle, from the list's own reference day
        reference = o.due_on - dt.timedelta(days=o.interval_days)
        assert days_late(reference, o.interval_days, today=DEMO_TODAY) == o.days_late
    for o in listed[:3] + listed[-3:]:  # the account page's rhythm, same count
        rhythm = intervals_store.rhythm(demo_db, o.account_id, today=DEMO_TODAY, tz=tz)
        assert (rhythm.due_on, rhythm.days_late) == (o.due_on, o.days_late)
