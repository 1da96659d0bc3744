"""The demo's visit history looks like a rep's diary: working days, at most eight a day, office hours."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from fieldcrm.routing.calendar import is_working_day
from fieldcrm.services.demo_data import MAX_VISITS_PER_DAY, generate
from tests.conftest import DEMO_TODAY


def test_visits_fall_on_working_days_at_most_eight_a_day_in_office_hours() -> None:
    company = generate(DEMO_TODAY)
    visits = [a for a in company.activities if a["kind"] == "visit"]
    assert len(visits) > 5000
    days = [v["occurred_at"].date() for v in visits]
    assert all(is_working_day(d) for d in days)  # no weekend, no public holiday
    assert all(d < DEMO_TODAY for d in days)
    per_day = Counter((v["rep_id"], v["occurred_at"].date()) for v in visits)
    assert max(per_day.values()) == MAX_VISITS_PER_DAY == 8
    assert all(
        dt.time(8, 30) <= v["occurred_at"].timetz().replace(tzinfo=None) <= dt.time(17, 10)
        for v in visits
    )
    # one visit per slot: no two visits of a rep start within the same hour
    starts = Counter((v["rep_id"], v["occurred_at"].replace(minute=0)) for v in visits)
    assert max(starts.values()) == 1
    calls = [a for a in company.activities if a["kind"] == "call"]
    assert calls and all(is_working_day(c["occurred_at"].date()) for c in calls)


def test_november_2025_has_no_visit_on_all_saints_nor_armistice_day() -> None:
    company = generate(DEMO_TODAY)
    november = {a["occurred_at"].date() for a in company.activities if a["occurred_at"].month == 11}
    assert november and not november & {dt.date(2025, 11, 1), dt.date(2025, 11, 11)}


def test_lambda_story_keeps_its_visit_seven_months_ago() -> None:
    company = generate(DEMO_TODAY)
    last = max(
        a["occurred_at"]
        for a in company.activities
        if a["account_id"] == 1 and a["kind"] == "visit"
    )
    assert last.date() == DEMO_TODAY - dt.timedelta(days=210)
