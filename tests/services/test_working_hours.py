"""A rep's working hours are their plans' (the profile's, the planner's defaults where none),
and an appointment is outside them when it starts before the departure or ends after the
return — the bounds themselves are inside."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.errors import Forbidden
from fieldcrm.services import planning_build
from fieldcrm.services.planning_inputs import DEFAULT_WORK_END, DEFAULT_WORK_START
from fieldcrm.services.working_hours import WorkingHours, rep_hours
from fieldcrm.store.plans import get_rep

PARIS = ZoneInfo("Europe/Paris")
CAMILLE = Actor(4, Role.REP)
CLAIRE = Actor(1, Role.MANAGER, team=frozenset({4, 5, 6}))


def _at(hour: int, minute: int = 0, day: int = 11) -> dt.datetime:
    return dt.datetime(2026, 6, day, hour, minute, tzinfo=PARIS)


def test_the_hours_are_the_planners(demo_db: Session) -> None:
    demo_db.execute(text("UPDATE users SET work_start = '07:15', work_end = '17:45' WHERE id = 4"))
    hours = rep_hours(demo_db, actor=CAMILLE, rep_id=4)
    assert hours == WorkingHours(7 * 3600 + 15 * 60, 17 * 3600 + 45 * 60)
    assert (hours.start_s, hours.end_s) == planning_build.working_hours(get_rep(demo_db, 4))
    demo_db.execute(text("UPDATE users SET work_start = NULL, work_end = NULL WHERE id = 4"))
    defaults = rep_hours(demo_db, actor=CLAIRE, rep_id=4)
    assert defaults is not None
    assert defaults.start_s == DEFAULT_WORK_START.hour * 3600 + DEFAULT_WORK_START.minute * 60
    assert defaults.end_s == DEFAULT_WORK_END.hour * 3600 + DEFAULT_WORK_END.minute * 60


def test_no_hours_for_who_is_no_rep_and_none_for_a_stranger(demo_db: Session) -> None:
    assert rep_hours(demo_db, actor=CLAIRE, rep_id=1) is None  # a manager: nobody plans her days
    with pytest.raises(Forbidden):
        rep_hours(demo_db, actor=CAMILLE, rep_id=6)


@pytest.mark.parametrize(
    ("start", "end", "outside"),
    [
        (_at(8, 30), _at(9, 30), False),  # at the departure
        (_at(17, 30), _at(18, 30), False),  # back at the return
        (_at(8, 29), _at(9, 0), True),
        (_at(18, 0), _at(18, 31), True),
        (_at(3, 0), _at(4, 0), True),  # QA 23: 03:00 accepted without a word
        (_at(23, 0), _at(0, 0, day=12), True),  # ends at midnight: 24:00, not 00:00
    ],
)
def test_outside_the_hours(start: dt.datetime, end: dt.datetime, outside: bool) -> None:
    hours = WorkingHours(8 * 3600 + 1800, 18 * 3600 + 1800)
    assert hours.outside(start, end, PARIS) is outside
    # the same instants written in UTC: the company's clock decides
    assert hours.outside(start.astimezone(dt.UTC), end.astimezone(dt.UTC), PARIS) is outside
