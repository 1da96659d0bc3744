"""« Ma journée » on a day before today (QA: 01/12/2026 planned on 06/12/2026): « Planifier
ma journée » and accepting a card say in French that the day is past; nothing stored."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy.orm import Session

from fieldcrm.services import plan_dates
from fieldcrm.store import plans
from tests.services.test_past_days import (
    QA_NOW,
    TUESDAY,
    _appointments_of,
    _plans_of,
    _stored_plan,
)
from tests.web import ClientFactory


def _refusal(page: str) -> str:
    found = re.search(r'id="day-refusal">(.*?)</p>', page, re.S)
    assert found is not None, "the day page shows why"
    return found.group(1)


def test_ma_journee_says_the_day_is_past(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    camille = api_as(4)
    proposal_id = plans.get_plan(demo_db, _stored_plan(demo_db, TUESDAY)).proposals[0].id
    monkeypatch.setattr(plan_dates, "now", lambda: QA_NOW)
    done = camille.post("/journee/planifier", data={"date": "2026-12-01"}, follow_redirects=True)
    assert done.status_code == 200
    said = _refusal(done.text)
    assert said.startswith("jour : le 01/12/2026 est passé"), said
    assert "aujourd’hui (06/12/2026) ou un jour à venir" in said
    assert _plans_of(demo_db, dt.date(2026, 12, 1)) == 0
    accepted = camille.post(
        f"/journee/propositions/{proposal_id}",
        data={"accept": "true", "date": TUESDAY.isoformat(), "heure": "14:00"},
        follow_redirects=True,
    )
    assert "le 21/04/2026 est passé" in _refusal(accepted.text)
    assert _appointments_of(demo_db, proposal_id) == 0
