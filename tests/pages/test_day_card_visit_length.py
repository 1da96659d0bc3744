"""An open proposal's card says how long its visit lasts before booking (QA 18: a rep booking
a 30-minute visit did not know it, nor that the plan kept a 15-minute margin after it): «
Visite de 45 min à réserver 10:05–10:40, détour 14 min », the length the planner used for it
(its planned stop), in the reader's language; and the slot shown is the one for that
length: booked at its last minute, the visit lasts that long and fits (Camille's demo
Tuesday)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store.plans import PlanRow
from tests.pages.test_day_slots_after_booking import (
    DAY,
    _accept,
    _booked,
    _planned,
    _shown_slot,
    _stop,
)
from tests.services.test_slots_verified import OLD_PLAN, _as_old_plan
from tests.web import ClientFactory


def _planned_minutes(plan: PlanRow) -> dict[int, int]:
    """Each proposal's visit length as its plan's stop lasts, by proposal id (the planner's)."""
    by_account = {p.account_id: p.id for p in plan.proposals}
    out = {}
    for stop in plan.result["days"][0]["stops"]:
        if stop["kind"] == "candidate" and stop["account_id"] in by_account:
            lasts = dt.datetime.fromisoformat(stop["departure"]) - dt.datetime.fromisoformat(
                stop["start"]
            )
            out[by_account[stop["account_id"]]] = int(lasts.total_seconds() // 60)
    return out


def _length(card: str) -> str | None:
    found = re.search(r'<span class="visit-length">([^<]*)</span>', card)
    return found.group(1) if found else None


def test_each_open_card_shows_the_visit_length_its_plan_used(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    planned = _planned_minutes(plan)
    assert len(set(planned.values())) > 1, "the demo Tuesday plans visits of several lengths"
    assert 45 in planned.values()
    page = client.get(DAY).text
    english = client.get(DAY + "&lang=en").text
    for p in plan.proposals:
        card = _stop(page, p.id)
        assert _length(card) == f"Visite de {planned[p.id]} min", card
        assert re.search(r"Visite de \d+ min</span> à réserver [^<]*, détour", card), card
        assert _length(_stop(english, p.id)) == f"{planned[p.id]}-min visit"


def test_a_visit_length_changed_since_the_plan_is_the_one_shown_slotted_and_booked(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """The account's visits now last 20 minutes longer than planned: its card says so, its
    slot is the one for that length (shorter at its end), and a booking at its last minute
    lasts that long — never « Visite de 30 min » beside a slot computed for another length."""
    client = api_as(4)
    plan = _planned(client, demo_db)
    planned = _planned_minutes(plan)
    route = [p for p in plan.proposals if p.id in planned]
    before = client.get(DAY).text
    shown = {p.id: _shown_slot(before, p.id) for p in route if _length(_stop(before, p.id))}

    def width(slot: tuple[str, str]) -> int:
        (h0, m0), (h1, m1) = (map(int, t.split(":")) for t in slot)
        return (h1 - h0) * 60 + m1 - m0

    # the visit with most room: lengthened by less than its slot is wide, it still fits
    one = max((p for p in route if p.id in shown), key=lambda p: width(shown[p.id]))
    first, last = shown[one.id]
    assert width(shown[one.id]) > 20, shown
    longer = planned[one.id] + 20
    demo_db.execute(
        text("UPDATE accounts SET visit_minutes = :m WHERE id = :a"),
        {"m": longer, "a": one.account_id},
    )
    page = client.get(DAY).text
    card = _stop(page, one.id)
    assert _length(card) == f"Visite de {longer} min", card
    now_first, now_last = _shown_slot(page, one.id)
    assert now_first >= first and now_last < last, (first, last, now_first, now_last)

    done = _accept(client, one.id, now_last)
    assert f"Acceptée : rendez-vous réservé {now_last}–" in _stop(done, one.id)
    lasts = demo_db.execute(
        text("SELECT ends_at - starts_at FROM appointments WHERE proposal_id = :p"),
        {"p": one.id},
    ).scalar_one()
    assert lasts == dt.timedelta(minutes=longer)


def test_a_stored_slot_for_another_length_than_booked_is_not_offered(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """A plan stored before its timing was kept, its day unchanged: the stored slots stand,
    computed for the plan's lengths. Once an account's visits last longer, its stored slot
    is not known to hold the visit a booking would make (the card said « Visite de 45 min »
    and accepting booked 75): it is not offered (« Plan calculé avant … replanifiez »), its
    acceptance is refused and books nothing; the others keep their stored slots."""
    client = api_as(4)
    plan = _as_old_plan(demo_db, _planned(client, demo_db))
    planned = _planned_minutes(plan)
    route = [p for p in plan.proposals if p.id in planned]
    before = client.get(DAY).text
    assert all("à réserver" in _stop(before, p.id) for p in route), "unchanged: stored slots"
    one, other = route[0], route[1]
    assert _length(_stop(before, one.id)) == f"Visite de {planned[one.id]} min"
    demo_db.execute(
        text("UPDATE accounts SET visit_minutes = :m WHERE id = :a"),
        {"m": planned[one.id] + 30, "a": one.account_id},
    )
    page = client.get(DAY).text
    card = _stop(page, one.id)
    assert OLD_PLAN in card and "à réserver" not in card and 'class="accept"' not in card
    assert _length(_stop(page, other.id)) == f"Visite de {planned[other.id]} min"
    assert "à réserver" in _stop(page, other.id)
    refused = client.post(f"/api/planning/proposals/{one.id}/decision", json={"accept": True})
    assert refused.status_code == 409 and refused.json()["detail"] == OLD_PLAN
    assert _booked(demo_db, one.id) == []
