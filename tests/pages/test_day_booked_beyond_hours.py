"""A booked visit moved past the working hours (QA: « Visite Clinique Riviera SARL » moved to
18:30–19:15 when the day ends at 18:30) stretches the day to it and no further: the other
proposals that still fit keep a slot of now — every one of them used to read « Ne tient plus
depuis la réservation de … à 18:30 » although 391 minutes were free —, those it pushes out
say so, the moved visit itself says in French that it is outside the working hours and when
the rep is back, and the header times the day as booked (Camille's demo Tuesday)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store.plans import PARIS, PlanRow, ProposalRow
from tests.pages.test_day_figures_now import _figures
from tests.pages.test_day_slots_after_booking import DAY, TUESDAY, _accept, _planned, _stop
from tests.web import ClientFactory


def _route(plan: PlanRow) -> list[ProposalRow]:
    by_account = {p.account_id: p for p in plan.proposals}
    stops = plan.result["days"][0]["stops"]
    return [by_account[s["account_id"]] for s in stops if s["kind"] == "candidate"]


def _move_booking(db: Session, proposal_id: int, start: str, minutes: int) -> None:
    """The appointment booked by the proposal, moved to ``start`` (``HH:MM``) on Tuesday."""
    at = dt.datetime.combine(TUESDAY, dt.time.fromisoformat(start), tzinfo=PARIS)
    db.execute(
        text(
            """UPDATE appointments SET starts_at = :s, ends_at = :e, updated_at = now()
               WHERE proposal_id = :p"""
        ),
        {"s": at, "e": at + dt.timedelta(minutes=minutes), "p": proposal_id},
    )


def test_a_visit_moved_past_the_working_hours_leaves_the_others_their_slots(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    assert plan.result["days"][0]["timing"]["return_s"] == 18 * 3600 + 30 * 60
    route = _route(plan)
    moved, others = route[-1], route[:-1]
    page = client.get(DAY).text
    planned_at = re.search(r'name="heure" value="(\d\d:\d\d)"', _stop(page, moved.id))
    assert planned_at is not None
    _accept(client, moved.id, planned_at.group(1))
    _move_booking(demo_db, moved.id, "18:40", moved.visit_minutes)

    page = client.get(DAY).text
    chunks = {p.id: _stop(page, p.id) for p in others}
    fitting = [p for p in others if "à réserver" in chunks[p.id]]
    pushed = [p for p in others if "Ne tient plus" in chunks[p.id]]
    # the morning and the early afternoon still fit; only what the late visit pushes out is
    # said not to, and because of it
    assert len(fitting) >= len(others) - 2 and fitting[0] == others[0], [
        p.account_name for p in pushed
    ]
    for p in pushed:
        assert "depuis la réservation de « " in chunks[p.id], chunks[p.id]
    for p in fitting:
        assert 'class="accept"' in chunks[p.id]

    mine = _stop(page, moved.id)
    back = re.search(
        r'<p class="warn beyond-hours">Hors de vos horaires : retour vers (\d\d:\d\d), '
        r"après votre retour au plus tard \(18:30\)\.</p>",
        mine,
    )
    assert back is not None, mine
    ends = dt.datetime.combine(TUESDAY, dt.time(18, 40)) + dt.timedelta(minutes=moved.visit_minutes)
    assert back.group(1) >= ends.strftime("%H:%M")
    assert 'class="warn beyond-hours"' not in "".join(chunks.values())

    figures = _figures(page)
    assert "les rendez-vous réservés dépassent vos horaires de travail" in figures
    found = re.search(r"retour (\d\d:\d\d)", figures)
    assert found is not None and found.group(1) == back.group(1), figures

    english = _stop(client.get(DAY + "&lang=en").text, moved.id)
    assert "Outside your working hours: back around " in english

    # a minute shown beside it is booked
    heure = re.search(r'name="heure" value="(\d\d:\d\d)"', chunks[fitting[0].id])
    assert heure is not None
    page = _accept(client, fitting[0].id, heure.group(1))
    assert f"Acceptée : rendez-vous réservé {heure.group(1)}–" in _stop(page, fitting[0].id)


def test_a_late_visit_still_says_so_once_no_proposal_is_left_open(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """Every other proposal of the day decided (refused): the header still times the day to
    the late visit, and the visit still says why (review: the note went with the last open
    proposal)."""
    client = api_as(4)
    plan = _planned(client, demo_db)
    route = _route(plan)
    moved, others = route[-1], route[:-1]
    planned_at = re.search(
        r'name="heure" value="(\d\d:\d\d)"', _stop(client.get(DAY).text, moved.id)
    )
    assert planned_at is not None
    _accept(client, moved.id, planned_at.group(1))
    _move_booking(demo_db, moved.id, "18:40", moved.visit_minutes)
    for p in others:
        refused = client.post(f"/api/planning/proposals/{p.id}/decision", json={"accept": False})
        assert refused.status_code == 200, refused.text
    page = client.get(DAY).text
    assert "Refusée" in _stop(page, others[0].id)
    assert "Hors de vos horaires : retour vers " in _stop(page, moved.id)
