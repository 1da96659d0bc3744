"""A refused date or time reads the French way (« reçu : 03/02/2027 11:00 »), times in the
company's time zone, wherever the problem carries it as ISO text (``at.isoformat()``): the
pages, the API's ``text`` and a failed job's stored error; the English text and the API's
``value`` keep the ISO text."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from fieldcrm import calendar_bounds
from fieldcrm.auth.roles import SYSTEM
from fieldcrm.errors import InvalidInput, Problem
from fieldcrm.http.error_text import describe, describe_message, problem_text
from fieldcrm.http.errors import error_body
from fieldcrm.services import planning_jobs, visits
from tests.rows import own_account

FUTURE = dt.datetime(2099, 2, 3, 10, 0, tzinfo=dt.UTC)


def test_a_visit_dated_in_the_future_reads_its_date_in_french(demo_db: Session) -> None:
    with pytest.raises(InvalidInput) as refused:
        visits.record_visit(
            demo_db,
            actor=SYSTEM,
            account_id=own_account(demo_db, 4),
            client_key="future-visit-1",
            at=FUTURE,
        )
    # 10:00 UTC is 11:00 in Paris (winter), as the pages show appointment times
    assert describe(refused.value, "fr") == (
        "date et heure : ne doit pas être dans le futur (reçu : 03/02/2099 11:00)"
    )
    assert describe(refused.value, "fr", zone=ZoneInfo("Indian/Reunion")) == (
        "date et heure : ne doit pas être dans le futur (reçu : 03/02/2099 14:00)"
    )
    # the English text, the API's value (JSON) and a failed job's text keep the ISO text
    assert str(refused.value) == "at: in the future (got '2099-02-03T10:00:00+00:00')"
    body = json.loads(json.dumps(error_body(refused.value)))
    assert body["problems"][0]["value"] == "2099-02-03T10:00:00+00:00"


def test_a_visit_without_time_zone_reads_as_it_was_written(demo_db: Session) -> None:
    with pytest.raises(InvalidInput) as refused:
        visits.record_visit(
            demo_db,
            actor=SYSTEM,
            account_id=own_account(demo_db, 4),
            client_key="naive-visit-1",
            at=dt.datetime(2026, 4, 15, 10, 0),
        )
    assert describe(refused.value, "fr") == (
        "date et heure : fuseau horaire obligatoire (reçu : 15/04/2026 10:00)"
    )


def test_a_date_out_of_the_calendar_reads_in_french_with_its_range() -> None:
    with pytest.raises(InvalidInput) as refused:
        calendar_bounds.check_date(dt.date(2101, 1, 2), field="day")
    assert describe(refused.value, "fr") == (
        "jour : date hors de la plage acceptée (reçu : 02/01/2101)"
        " ; attendu : 01/01/2000 … 31/12/2100"
    )
    assert str(refused.value) == (
        "day: date hors de la plage acceptée (got '2101-01-02'); allowed: 2000-01-01 … 2100-12-31"
    )


def test_a_failed_jobs_stored_dates_read_in_french() -> None:
    stored = planning_jobs.failure_message(
        InvalidInput(
            "end_day",
            "the trip ends before it starts",
            value=dt.date(2026, 4, 20).isoformat(),
            allowed=f">= {dt.date(2026, 4, 21).isoformat()}",
        )
    )
    assert "(got '2026-04-20'); allowed: >= 2026-04-21" in stored  # as the job stores it
    assert describe_message(stored, "fr") == (
        "Demande de tournée refusée : dernier jour : la tournée finit avant de commencer"
        " (reçu : 20/04/2026) ; attendu : >= 21/04/2026"
    )
    summer = str(InvalidInput("at", "in the future", value="2099-07-01T08:00:00+00:00"))
    assert describe_message(summer, "fr") == (
        "date et heure : ne doit pas être dans le futur (reçu : 01/07/2099 10:00)"
    )


def test_values_that_are_not_dates_are_quoted_the_french_way() -> None:
    for value, shown in (("abc", "« abc »"), ("2026-13-45", "« 2026-13-45 »"), (7, "7")):
        assert problem_text(Problem("name", "must not be empty", value)) == (
            f"nom : ne doit pas être vide (reçu : {shown})"
        )
