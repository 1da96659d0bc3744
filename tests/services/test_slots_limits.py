"""The slots shown for a plan's open proposals keep the day's driving cap, never start
before now, and « Trouver un jour » sees the open proposals at those slots (Camille's
Tuesday in the demo company)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import Conflict
from fieldcrm.routing.problem import WorkDay
from fieldcrm.services import find_day
from fieldcrm.store.plans import PARIS, PlanRow, ProposalRow
from tests.services.test_day_booking import CAMILLE, TUESDAY, OddSeconds, _day_plan, _settings
from tests.services.test_slots_after_booking import _current, _decide, _decision

PAST = "Créneau passé : replanifiez la journée."


def _store_timing(db: Session, plan: PlanRow, **changes: Any) -> None:
    """Change the stored timing of the plan's day (a key set to ``...`` is removed)."""
    result = copy.deepcopy(plan.result)
    timing = result["days"][0]["timing"]
    for key, value in changes.items():
        if value is ...:
            timing.pop(key, None)
        else:
            timing[key] = value
    db.execute(
        text("UPDATE plans SET result = CAST(:r AS jsonb) WHERE id = :i"),
        {"r": json.dumps(result), "i": plan.id},
    )


def _at(hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(TUESDAY, dt.time(hour, minute, second), tzinfo=PARIS)


def _first(plan: PlanRow) -> ProposalRow:
    return min(plan.proposals, key=lambda p: p.slot_start)


def test_the_timing_keeps_the_days_driving_cap_and_the_slots_keep_it(demo_db: Session) -> None:
    cap_minutes = demo_db.execute(
        text("SELECT max_driving_minutes FROM users WHERE id = 4")
    ).scalar()
    plan = _day_plan(demo_db)
    timing = plan.result["days"][0]["timing"]
    assert cap_minutes and timing["max_driving_s"] == cap_minutes * 60
    assert _current(demo_db, plan.id).unfit == {}
    durations = timing["durations_s"]
    route = sum(durations[i][i + 1] for i in range(len(durations) - 1))
    # a cap one second short of the planned route: some visit has to go
    _store_timing(demo_db, plan, max_driving_s=route - 1)
    capped = _current(demo_db, plan.id)
    assert capped.unfit and set(capped.unfit) | set(capped.bookable) == {
        p.id for p in plan.proposals
    }
    assert {u.cause for u in capped.unfit.values()} == {"day"}
    _store_timing(demo_db, plan, max_driving_s=route)
    assert _current(demo_db, plan.id).unfit == {}
    # an older plan without the cap stored: no cap, as before
    _store_timing(demo_db, plan, max_driving_s=...)
    assert _current(demo_db, plan.id).unfit == {}


def test_no_slot_starts_before_now_and_a_past_one_can_only_be_rejected(
    demo_db: Session,
) -> None:
    plan = _day_plan(demo_db)
    before = _current(demo_db, plan.id)
    first = _first(plan)
    slot = before.bookable[first.id]
    # in the middle of the first slot: it starts at the next whole minute
    midway = slot.first + dt.timedelta(minutes=10, seconds=30)
    during = _current(demo_db, plan.id, now=midway)
    assert during.unfit == {}
    assert during.bookable[first.id].first == slot.first + dt.timedelta(minutes=11)
    assert during.bookable[first.id].last == slot.last
    # a minute after its last minute: past, said so; the others start after now
    now = slot.last + dt.timedelta(minutes=1)
    after = _current(demo_db, plan.id, now=now)
    assert after.unfit[first.id].cause == "past"
    assert after.unfit[first.id].sentence() == PAST
    assert first.id not in after.bookable
    others = [p for p in plan.proposals if p.id != first.id]
    assert others and all(after.bookable[p.id].first >= now for p in others)
    with pytest.raises(Conflict) as refused:
        _decision(demo_db, first, now=now)
    assert str(refused.value) == (
        f"Le créneau de « {first.account_name} » est passé : replanifiez la journée."
    )
    decided = _decision(demo_db, first, accept=False, now=now)
    assert decided.proposal.status == "rejected"
    # on another day, now changes nothing
    monday = now - dt.timedelta(days=1)
    assert _current(demo_db, plan.id, now=monday).bookable == _current(demo_db, plan.id).bookable


def _find(db: Session, account_id: int) -> find_day.FoundDays:
    return find_day.find_days(
        db,
        actor=CAMILLE,
        account_id=account_id,
        settings=_settings(),
        first_day=TUESDAY,
        count=1,
        travel=OddSeconds(),
    )


def _seconds(moment: dt.datetime) -> int:
    t = moment.astimezone(PARIS).time()
    return t.hour * 3600 + t.minute * 60 + t.second


def test_find_day_offers_an_accounts_own_proposal_slot_as_the_day_page_does(
    demo_db: Session,
) -> None:
    plan = _day_plan(demo_db)
    first = _first(plan)
    shown = _current(demo_db, plan.id).bookable[first.id]
    (option,) = _find(demo_db, first.account_id).options
    # its own open proposal is no obstacle: the day's slot is the one the day page shows
    assert option.displaced == ()
    assert option.slot == (_seconds(shown.first), _seconds(shown.last))


def test_find_day_sees_open_proposals_at_their_slots_of_now(demo_db: Session) -> None:
    plan = _day_plan(demo_db)
    first = _first(plan)
    # the first visit booked late in its slot, and a driving cap that keeps some visit out
    _decide(demo_db, first, _current(demo_db, plan.id).bookable[first.id].last)
    durations = plan.result["days"][0]["timing"]["durations_s"]
    route = sum(durations[i][i + 1] for i in range(len(durations) - 1))
    _store_timing(demo_db, plan, max_driving_s=route - 1)
    now = _current(demo_db, plan.id)
    assert now.unfit, "the cap keeps some visit out"
    other = next(p for p in plan.proposals if p.id != first.id and p.id not in now.unfit)
    days = (WorkDay(8 * 3600, 18 * 3600, date=TUESDAY),)
    planned = find_day._planned(
        demo_db, 4, days, PARIS, _settings(), account_id=other.account_id, travel=OddSeconds()
    )
    keys = {p.key: p for p in planned}
    assert keys, "some open proposal is an obstacle"
    assert f"proposal:{other.id}" not in keys
    assert not any(f"proposal:{i}" in keys for i in now.unfit)
    for p in plan.proposals:
        found = keys.get(f"proposal:{p.id}")
        if found is not None:
            assert found.start_s == _seconds(now.bookable[p.id].at)
            assert found.end_s == found.start_s + p.visit_minutes * 60
