"""A stop visited later than its plan's minute shows when it was visited (QA 18: a plan made
the same morning is timed from 08:30; checked in at 10:09 at a stop the card offered at
10:10, its card then read « 08:30 » under a header saying « Départ 10:05 »); a check-in
before the day starts leaves the stop at its plan's minute, which the header holds."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.services import plan_dates
from fieldcrm.store.plans import PARIS
from tests.pages.test_day_figures_now import _figures
from tests.pages.test_day_header_after_checkin import _listed, _route
from tests.pages.test_day_visited import CAMILLE, TUESDAY, _page, _plan, _stop, _visit
from tests.web import ClientFactory

EARLY = dt.datetime(2026, 4, 21, 7, 0, tzinfo=PARIS)


def test_a_stop_visited_late_shows_its_checkin_not_a_time_before_the_day(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan_dates, "now", lambda: EARLY)
    client = api_as(CAMILLE)
    plan = _plan(client, demo_db, TUESDAY)
    demo_db.execute(
        text("UPDATE plans SET created_at = :t WHERE id = :i"), {"t": EARLY, "i": plan.id}
    )
    first = _route(plan)[0]
    planned = _listed(_stop(client.get(_page(TUESDAY)).text, first.id)[1])
    assert planned < "10:00", planned
    late = dt.datetime(2026, 4, 21, 11, 9, tzinfo=PARIS)
    monkeypatch.setattr(plan_dates, "now", lambda: late + dt.timedelta(minutes=1))
    _visit(client, demo_db, first.account_id, "day18-late-checkin", late.isoformat())

    page = client.get(_page(TUESDAY)).text
    inside = _stop(page, first.id)[1]
    assert "Visité le 21/04/2026" in inside, inside
    assert _listed(inside) == "11:09", inside
    departure = re.match(r"Départ (\d\d:\d\d)", _figures(page))
    assert departure is not None and departure.group(1) <= "11:09", _figures(page)
