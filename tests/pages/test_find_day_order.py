""" "Trouver un jour": sorted by the cost it shows, euros that never wrap alone, and days
too close to an appointment with the account ranked after the others, flagged."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.services import find_day
from tests.web import ClientFactory

FIRST = dt.date(2026, 4, 16)


def _account(db: Session) -> int:
    return int(
        db.execute(
            text("""SELECT a.id FROM accounts a JOIN account_assignments s ON s.account_id = a.id
                    WHERE s.owner_id = 4 AND a.geocode_status IN ('matched', 'manual')
                    AND NOT EXISTS (SELECT 1 FROM appointments p WHERE p.account_id = a.id)
                    ORDER BY a.id LIMIT 1""")
        ).scalar_one()
    )


def _euros(shown: str) -> float:
    return float(shown.replace("\u202f", "").replace(",", "."))


def test_the_page_is_sorted_by_the_cost_it_shows(api_as: ClientFactory, demo_db: Session) -> None:
    account = _account(demo_db)
    page = api_as(4).get(f"/comptes/{account}/trouver-un-jour").text
    shown = re.findall(r'<strong class="cost">\+(-?[\d\u202f,]+)\u00a0€ ajoutés</strong>', page)
    assert len(shown) >= 2
    costs = [_euros(s) for s in shown]
    assert costs == sorted(costs), "cheapest first, by the figure on the card"
    assert " €" not in page.replace("\u00a0€", ""), "no euro sign after a breaking space"


def test_days_too_close_to_an_appointment_come_last_and_say_why(demo_db: Session) -> None:
    account = _account(demo_db)
    # the planner's rule: an account booked at most planner_booked_days away is not proposed
    settings = Settings(_env_file=None, planner_booked_days=6)
    demo_db.execute(
        text("""INSERT INTO appointments (rep_id, account_id, title, starts_at, ends_at, status,
                                          geom)
                SELECT 4, a.id, 'Déjà pris', '2026-04-15 08:00+00', '2026-04-15 08:30+00',
                       'confirmed', a.geom FROM accounts a WHERE a.id = :a"""),
        {"a": account},
    )
    found = find_day.find_days(
        demo_db, actor=Actor(4, Role.REP), account_id=account, settings=settings, first_day=FIRST
    )
    booked = dt.date(2026, 4, 15)
    too_soon = {dt.date(2026, 4, d) for d in (16, 17, 20, 21)}  # at most 6 days after
    assert {o.date for o in found.options if abs((o.date - booked).days) <= 6} == too_soon
    assert set(found.near) == too_soon
    bookable = [o for o in found.options if o.slot is not None]
    flags = [o.date in too_soon for o in bookable]
    assert False in flags and True in flags
    assert flags == sorted(flags), "every day far enough comes before a day too soon"
    for o in bookable:
        if o.date in too_soon:
            assert found.near[o.date].starts_at == dt.datetime(2026, 4, 15, 8, tzinfo=dt.UTC)
