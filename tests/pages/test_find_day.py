""" "Trouver un jour" on the demo: ten working days ranked by what the visit adds, booked in
one tap at a start the slot said was bookable."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.costs.trips import mileage_eur
from fieldcrm.services import costs, find_day
from tests.web import ClientFactory

PARIS = ZoneInfo("Europe/Paris")


def _camilles_account(db: Session) -> int:
    return db.execute(
        text("""SELECT a.id FROM accounts a JOIN account_assignments s ON s.account_id = a.id
                WHERE s.owner_id = 4 AND a.geocode_status IN ('matched', 'manual')
                ORDER BY a.id LIMIT 1""")
    ).scalar_one()


def test_ten_working_days_ranked_cheapest_first(demo_db: Session) -> None:
    account = _camilles_account(demo_db)
    found = find_day.find_days(
        demo_db,
        actor=Actor(4, Role.REP),
        account_id=account,
        settings=Settings(_env_file=None),
        first_day=dt.date(2026, 4, 16),
    )
    assert [o.date for o in found.options] != []
    assert sorted(o.date for o in found.options) == find_day.next_working_days(
        dt.date(2026, 4, 16), 10
    )
    costed = [o.added_eur for o in found.options if o.slot]
    assert costed == sorted(costed)
    assert all(o.slot is None for o in found.options[len(costed) :])
    # each detour's euros are the km shown times the rep's rate (the cost report's rule)
    rate = costs.rep_rate(demo_db, settings=Settings(_env_file=None), rep_id=4, year=2026)
    for o in found.options:
        if o.slot is not None:
            assert o.extra_eur == float(mileage_eur(o.extra_km, rate)), o


def test_book_the_first_day_in_one_tap(api_as: ClientFactory, demo_db: Session) -> None:
    camille = api_as(4)
    account = _camilles_account(demo_db)
    page = camille.get(f"/comptes/{account}/trouver-un-jour")
    assert page.status_code == 200, page.text
    days = re.findall(r'<li class="card" data-day="([\d-]+)">', page.text)
    assert len(days) == 10
    first = re.search(
        r'name="day" value="([\d-]+)">\s*<label>[^<]*<input type="time" name="time" value="(\d\d:\d\d)"',
        page.text,
    )
    assert first is not None
    day, start = first.groups()
    booked = camille.post(
        f"/comptes/{account}/trouver-un-jour",
        data={"day": day, "time": start},
        follow_redirects=False,
    )
    assert booked.status_code == 303 and booked.headers["location"] == f"/journee?date={day}"
    starts = demo_db.execute(
        text("""SELECT starts_at FROM appointments WHERE account_id = :a AND rep_id = 4
                AND status <> 'cancelled' ORDER BY id DESC LIMIT 1"""),
        {"a": account},
    ).scalar_one()
    assert starts.astimezone(PARIS).strftime("%Y-%m-%d %H:%M") == f"{day} {start}"
    again = camille.post(f"/comptes/{account}/trouver-un-jour", data={"day": day, "time": start})
    assert again.status_code in (409, 422)  # the slot is taken now
    assert api_as(5).get(f"/comptes/{account}/trouver-un-jour").status_code in (403, 404)


def test_a_day_already_booked_with_the_account_is_not_proposed(demo_db: Session) -> None:
    account = _camilles_account(demo_db)
    demo_db.execute(
        text("""INSERT INTO appointments (rep_id, account_id, title, starts_at, ends_at, status,
                                          geom)
                SELECT 4, a.id, 'Déjà pris', '2026-04-16 12:30+00', '2026-04-16 13:00+00',
                       'confirmed', a.geom FROM accounts a WHERE a.id = :a"""),
        {"a": account},
    )
    found = find_day.find_days(
        demo_db,
        actor=Actor(4, Role.REP),
        account_id=account,
        settings=Settings(_env_file=None),
        first_day=dt.date(2026, 4, 16),
    )
    (booked,) = [o for o in found.options if o.date == dt.date(2026, 4, 16)]
    assert booked.slot is None and "déjà un rendez-vous" in booked.reason
    assert found.options[-1].date == dt.date(2026, 4, 16) or found.options[-1].slot is None
