"""Every proposal's reason is in French and true: its potential, revenue trend and last
visit are those the database holds, its detour and euros those of the plan."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.costs.report import half_up
from fieldcrm.services import planning
from fieldcrm.services.planning_build import _whole_months, visit_reason

PARIS = ZoneInfo("Europe/Paris")


def test_whole_months_across_month_ends() -> None:
    assert _whole_months(dt.date(2026, 1, 31), dt.date(2026, 2, 28)) == 0
    assert _whole_months(dt.date(2026, 1, 31), dt.date(2026, 3, 1)) == 1
    assert _whole_months(dt.date(2025, 5, 6), dt.date(2026, 12, 6)) == 19


def test_reasons_round_halves_up_like_the_cost_reports() -> None:
    """2.5 min of detour reads 3 (Python's round says 2); the visit's value is said to the
    cent, halves up (84.125 → 84,13), as its stop stores it."""
    reason = visit_reason(None, as_of=dt.date(2026, 12, 6), detour_minutes=2.5, value_eur=84.125)
    assert reason == "détour 3 min · valeur 84,13 €"
    assert (
        visit_reason(None, as_of=dt.date(2026, 12, 6), detour_minutes=0.49, value_eur=1234.5)
        == "détour 0 min · valeur 1\u202f234,50 €"
    )


def test_every_reason_shown_is_true(demo_db: Session) -> None:
    plan = planning.plan_day(
        demo_db,
        actor=Actor(4, Role.REP),
        rep_id=4,
        day=dt.date(2026, 4, 21),
        time_limit_s=1,
        settings=Settings(_env_file=None, planner_detour_km=5, planner_max_candidates=12),
    )
    today = dt.datetime.now(PARIS).date()
    assert plan.proposals
    for p in plan.proposals:
        reason = p.reason or ""
        row = demo_db.execute(
            text("""SELECT a.potential_eur_month::float8 AS potential,
                      (SELECT max(v.occurred_at AT TIME ZONE 'Europe/Paris')::date FROM activities v
                       WHERE v.account_id = a.id AND v.kind = 'visit') AS last_visit
                    FROM accounts a WHERE a.id = :id"""),
            {"id": p.account_id},
        ).one()
        if row.potential:
            shown = re.search(r"Potentiel ([\d,]+) k€/mois", reason)
            assert shown, reason
            assert abs(float(shown.group(1).replace(",", ".")) * 1000 - row.potential) <= 50
        if row.last_visit is None:
            assert "jamais visité" in reason
        else:
            months = re.search(r"pas de visite depuis (\d+) mois", reason)
            if months:
                assert int(months.group(1)) == _whole_months(row.last_visit, today)
            else:
                days = re.search(r"visité il y a (\d+) j", reason)
                assert days and int(days.group(1)) == (today - row.last_visit).days, reason
        assert f"détour {half_up(p.detour_minutes, 0)} min" in reason
        assert re.search(r"· valeur [\d  ]+,\d\d €$", reason), reason


def test_accepting_a_proposal_over_an_appointment_booked_since_is_refused(
    demo_db: Session,
) -> None:
    """A visit proposed at 10:00, then an appointment booked by hand for the same account at
    10:00: that appointment is the visit's booking (the proposal accepted), and accepting it
    again is refused so."""
    import pytest

    from fieldcrm.errors import Conflict
    from fieldcrm.services import appointments

    camille = Actor(4, Role.REP)
    cfg = Settings(_env_file=None, planner_detour_km=5, planner_max_candidates=12)
    plan = planning.plan_day(
        demo_db, actor=camille, rep_id=4, day=dt.date(2026, 4, 21), time_limit_s=1, settings=cfg
    )
    proposal = plan.proposals[0]
    local = proposal.slot_start.astimezone(PARIS)
    appointments.create_appointment(
        demo_db,
        actor=camille,
        rep_id=4,
        draft=appointments.Draft(
            day=local.date(),
            time=local.time().replace(second=0, microsecond=0),
            duration_minutes=30,
            place=appointments.Place(account_id=proposal.account_id),
            title="Pris à la main",
        ),
        settings=cfg,
    )
    with pytest.raises(Conflict, match=r"^La proposition « .* » est déjà acceptée\.$"):
        planning.decide_proposal(demo_db, actor=camille, proposal_id=proposal.id, accept=True)
