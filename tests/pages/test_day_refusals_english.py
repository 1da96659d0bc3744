"""A past day, an hour of today already gone and a working day already over are refused
with their data kept (templates and params): an English reader reads them in English
(« Ma journée », a failed job), a French reader in French."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.errors import InvalidInput
from fieldcrm.http.error_text import describe, job_error_text
from fieldcrm.services import plan_dates, planning
from fieldcrm.services.jobs import problems_data
from tests.pages.test_day_past_days import _refusal
from tests.pages.test_picked_route_now import MONDAY, _at
from tests.services.test_past_days import QA_NOW
from tests.web import ClientFactory


def test_ma_journee_says_the_day_is_past_in_english(
    api_as: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan_dates, "now", lambda: QA_NOW)
    done = api_as(4).post(
        "/journee/planifier?lang=en", data={"date": "2026-12-01"}, follow_redirects=True
    )
    assert done.status_code == 200
    said = _refusal(done.text)
    assert "1 Dec 2026 is past: a past day is neither planned nor booked" in said, said
    assert "expected: today (6 Dec 2026) or a day to come" in said, said
    assert "passé" not in said and "aujourd" not in said, said


def test_an_hour_gone_reads_english_and_french() -> None:
    with pytest.raises(InvalidInput) as refused:
        plan_dates.check_not_started(
            dt.datetime(2026, 12, 6, 8, 30, tzinfo=QA_NOW.tzinfo), at=QA_NOW, zone=QA_NOW.tzinfo
        )
    assert describe(refused.value, "en") == (
        "time: already gone: an appointment is booked at a time to come (got “08:30”);"
        " expected: after 09:30 today, or a day to come"
    )
    assert describe(refused.value, "fr") == (
        "heure : déjà passée : un rendez-vous se prend à une heure à venir (reçu : « 08:30 »)"
        " ; attendu : après 09:30 aujourd’hui, ou un jour à venir"
    )


def test_a_working_day_over_reads_english_live_and_from_a_failed_job(demo_db: Session) -> None:
    with pytest.raises(InvalidInput) as refused:
        planning.plan_day(
            demo_db,
            actor=Actor(4, Role.REP),
            rep_id=4,
            day=MONDAY,
            time_limit_s=2,
            settings=Settings(_env_file=None),
            now=_at(18, 40),
        )
    english = (
        "the working day of 20 Apr 2026 is over (back by 18:30 at the latest): plan another day"
    )
    assert english in describe(refused.value, "en")
    assert "finie" not in describe(refused.value, "en")
    assert (
        "la journée de travail du 20/04/2026 est finie (retour au plus tard 18:30) : planifiez"
        " un autre jour" in describe(refused.value, "fr")
    )
    kept = {
        "head": "refused",
        "message": str(refused.value),
        "problems": problems_data(refused.value),
    }
    assert english in job_error_text(str(refused.value), kept, "en")
