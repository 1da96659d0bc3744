"""« Ma journée » of a plan whose day is past: its open cards say the day is past, not to
replan it (replanning a past day is refused); a slot passed earlier today still says to
replan the day."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from fieldcrm.services import plan_dates
from fieldcrm.store.plans import PARIS
from tests.pages.test_day_slots_after_booking import DAY, TUESDAY, _planned, _stop
from tests.web import ClientFactory

PAST = "Créneau passé : replanifiez la journée."
PAST_DAY = "Jour passé : cette proposition ne se réserve plus."


def test_cards_of_a_past_day_do_not_ask_to_replan(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    open_ = [p for p in plan.proposals if p.status == "proposed"]
    assert open_, "Camille's Tuesday has visits to propose"
    # late on the day itself: every slot passed today, replanning the day is still possible
    late = dt.datetime.combine(TUESDAY, dt.time(23, 0), tzinfo=PARIS)
    monkeypatch.setattr(plan_dates, "now", lambda: late)
    today = client.get(DAY).text
    for p in open_:
        card = _stop(today, p.id)
        assert PAST in card and PAST_DAY not in card
    # the next morning the day is past: the day is said past, no replan hint, nothing to book
    wednesday = dt.datetime.combine(TUESDAY + dt.timedelta(days=1), dt.time(8), tzinfo=PARIS)
    monkeypatch.setattr(plan_dates, "now", lambda: wednesday)
    page = client.get(DAY).text
    for p in open_:
        card = _stop(page, p.id)
        assert PAST_DAY in card, card
        assert "replanifiez" not in card and 'name="heure"' not in card
