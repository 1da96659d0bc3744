"""Planning use cases: plan a rep's day or trip, read stored plans, accept or reject proposals.

``plan_day``/``plan_trip`` read the rep and the fixed appointments, draw the detour corridor
around them (along the road route), take the visible accounts inside it with the best value
per detour (one PostGIS query), get travel times (road graph, or crow-fly where the graph does
not reach), run the PyVRP planner (proven optimal on small days), store
the plan with its proposals, and commit once. Accepting a proposal books an appointment at
its planned start (or a minute the rep picks in its slot), to the whole minute; the slots
shown and accepted are those of the day as it is now
(:func:`~fieldcrm.services.plan_slots.current_slots`).
Every use case authorises first (action ``"plan"`` on the rep).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, author_id
from fieldcrm.config import Settings, get_settings
from fieldcrm.dates import long_day
from fieldcrm.errors import Conflict, InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.engine import Budget
from fieldcrm.routing.planner import plan
from fieldcrm.routing.problem_json import plan_to_json, problem_from_json
from fieldcrm.routing.travel import TravelTimes
from fieldcrm.services import appointments, costs, plan_dates, plan_slots, plan_today
from fieldcrm.services import planning_build as build
from fieldcrm.services.find_day import next_working_days
from fieldcrm.services.planning_inputs import PlanningInputs, gather
from fieldcrm.services.roads import road_provider
from fieldcrm.store import plans as store
from fieldcrm.store.appointments import lock_rep
from fieldcrm.store.booked_near import NearBooking
from fieldcrm.store.plans import NewProposal, PlanRow, ProposalRow

log = logging.getLogger(__name__)
Progress = Callable[[int], None]
"""Told the step a planning run reached: 1 inputs read, 2 travel times, 3 plan found,
4 plan explained (:data:`STEPS` in all)."""
STEPS = 4
ANOTHER_DAY = (
    "La visite de « %(account)s » est proposée le %(own)s, pas le %(asked)s : acceptez-la depuis"
    " la journée du %(own)s."
)
"""The refusal to accept a proposal from another day's page (a catalogue msgid; the days
long in French, as the edge words dates for other readers)."""


@dataclass(frozen=True)
class Decision:
    """The outcome of accepting or rejecting a proposal."""

    proposal: ProposalRow
    appointment_id: int | None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict (ISO dates)."""
        return {"proposal": proposal_json(self.proposal), "appointment_id": self.appointment_id}


def proposal_json(p: ProposalRow) -> dict[str, Any]:
    """A stored proposal as a JSON-ready dict."""
    out = asdict(p)
    for key in ("slot_start", "slot_end", "decided_at"):
        value = out[key]
        out[key] = value.isoformat() if value is not None else None
    return out


def plan_json(plan: PlanRow, current: plan_slots.CurrentSlots | None = None) -> dict[str, Any]:
    """A stored plan as a JSON-ready dict: its fields, the planner result, the proposals.

    Each proposed stop of ``result.days[].stops`` gets its ``proposal_id`` and ``status``;
    each proposal what it can be booked at (``bookable``: first, last and default minute)
    or why it no longer fits (``no_longer_fits``), or the appointment that booked its account
    elsewhere since the plan (``already_booked``: no slot, no time held), by ``current``
    (:func:`~fieldcrm.services.plan_slots.current_slots`; without it, the slots stored with
    the plan).
    """
    now = current or plan_slots.CurrentSlots(plan_slots.bookable_slots(plan), {})
    by_key = {(p.account_id, p.slot_start): p for p in plan.proposals}
    for day in plan.result.get("days", []):
        for stop in day.get("stops", []):
            if stop.get("kind") == "candidate":
                match = by_key.get(
                    (stop["account_id"], dt.datetime.fromisoformat(stop["slot_start"]))
                )
                if match is not None:
                    stop["proposal_id"], stop["status"] = match.id, match.status
    return {
        "id": plan.id,
        "rep_id": plan.rep_id,
        "kind": plan.kind,
        "day": plan.day.isoformat(),
        "end_day": plan.end_day.isoformat() if plan.end_day else None,
        "status": plan.status,
        "created_by": plan.created_by,
        "created_at": plan.created_at.isoformat(),
        "request": plan.request,
        "result": plan.result,
        "proposals": [
            proposal_json(p)
            | {
                "bookable": _bookable_json(now.bookable.get(p.id))
                if p.status == "proposed" and p.id not in now.unfit and p.id not in now.booked
                else None,
                "no_longer_fits": now.unfit[p.id].sentence() if p.id in now.unfit else None,
                "already_booked": _booked_json(now.booked.get(p.id), plan.rep_id),
            }
            for p in plan.proposals
        ],
    }


def _bookable_json(slot: plan_slots.Bookable | None) -> dict[str, str] | None:
    if slot is None:
        return None
    return {
        "first": slot.first.isoformat(),
        "last": slot.last.isoformat(),
        "at": slot.at.isoformat(),
    }


def _booked_json(found: NearBooking | None, rep_id: int) -> dict[str, Any] | None:
    """The appointment that booked a proposal's account elsewhere, for the plan of ``rep_id``:
    its id only when it is that rep's own (another rep's appointment is not theirs to see;
    its date is said either way, as the day page says it)."""
    if found is None:
        return None
    return {
        "appointment_id": found.appointment_id if found.rep_id == rep_id else None,
        "starts_at": found.starts_at.isoformat(),
        "message": plan_slots.already_booked(found),
    }


def live_plan_json(
    session: Session,
    plan: PlanRow,
    *,
    settings: Settings | None = None,
    travel: TravelTimes | None = None,
) -> dict[str, Any]:
    """:func:`plan_json` with the slots the open proposals have now
    (:func:`~fieldcrm.services.plan_slots.current_slots`)."""
    return plan_json(
        plan, plan_slots.current_slots(session, plan, settings=settings, travel=travel)
    )


def get_plan(session: Session, *, actor: Actor, plan_id: int) -> PlanRow:
    """A stored plan, if the actor may plan for its rep."""
    plan = store.get_plan(session, plan_id)
    policy.require(actor, "plan", owner_id=plan.rep_id)
    return plan


def get_proposal(session: Session, *, actor: Actor, proposal_id: int) -> ProposalRow:
    """A stored proposal, if the actor may plan for its rep."""
    proposal = store.get_proposal(session, proposal_id)
    policy.require(actor, "plan", owner_id=proposal.rep_id)
    return proposal


def list_plans(
    session: Session, *, actor: Actor, rep_id: int, day: dt.date | None = None, limit: int = 20
) -> list[PlanRow]:
    """The rep's latest plans (covering ``day`` if given), newest first."""
    policy.require(actor, "plan", owner_id=rep_id)
    return store.list_plans(session, rep_id=rep_id, day=day, limit=limit)


def _hm(moment: dt.datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def decide_proposal(
    session: Session,
    *,
    actor: Actor,
    proposal_id: int,
    accept: bool,
    start: dt.datetime | None = None,
    settings: Settings | None = None,
    travel: TravelTimes | None = None,
    now: dt.datetime | None = None,
    day: dt.date | None = None,
) -> Decision:
    """Accept (book an appointment at the planned start, or at ``start``: a whole minute of
    the slot given what is booked now, :func:`~fieldcrm.services.plan_slots.current_slots`,
    none before ``now``) or
    reject. A proposal that no longer fits, or whose slot is past, can only be rejected. A refusal (:class:`Conflict`, :class:`InvalidInput`)
    writes nothing; accepting on a day before today (``now``'s date, :mod:`plan_dates`) is
    refused naming ``day`` (the proposal's) or ``start``. Accepting on another day than the
    proposal's (``start``'s, or ``day``: the day the rep decides from, as Ma journée
    sends it) is refused naming both days."""
    proposal = store.get_proposal(session, proposal_id)
    policy.require(actor, "plan", owner_id=proposal.rep_id)
    if proposal.status != "proposed":
        done = "acceptée" if proposal.status == "accepted" else "refusée"
        raise Conflict(f"La proposition « {proposal.account_name} » est déjà {done}.")
    zone = plan_dates.company_zone(settings or get_settings())  # the company's clock
    if accept:
        now = now if now is not None else plan_dates.now()
        own = proposal.slot_start.astimezone(zone).date()
        plan_dates.check_not_past(own, field="day", at=now, zone=zone)
        if start is not None:  # a wall-clock time of the company's day, or an instant
            when = start.astimezone(zone) if start.tzinfo is not None else start
            plan_dates.check_not_past(when.date(), field="start", at=now, zone=zone)
            day = when.date()
        if day is not None and day != own:  # a page of another day (a trip's day off...)
            raise Conflict(
                ANOTHER_DAY
                % {"account": proposal.account_name, "own": long_day(own), "asked": long_day(day)},
                code=ANOTHER_DAY,
                params={"account": proposal.account_name, "own": own, "asked": day},
            )
    begins: dt.datetime | None = None
    slot: plan_slots.Bookable | None = None
    if accept:
        # the slot given what is booked now, read under the rep's booking lock
        lock_rep(session, proposal.rep_id)
        plan_row = store.get_plan(session, proposal.plan_id)
        current = plan_slots.current_slots(
            session, plan_row, settings=settings, travel=travel, now=now
        )
        elsewhere = current.booked.get(proposal.id)
        if elsewhere is not None:  # the day page says « Déjà réservé le … »: so does accepting
            raise Conflict(plan_slots.already_booked(elsewhere, proposal.account_name))
        visited = current.visited.get(proposal.id)
        if visited is not None:  # the day page says « Visité le … »: so does accepting
            raise Conflict(plan_slots.already_visited(visited, proposal.account_name))
        unfit = current.unfit.get(proposal.id)
        if unfit is not None:
            raise Conflict(unfit.sentence(proposal.account_name))
        slot = current.bookable.get(proposal.id)
        if slot is None:
            raise Conflict(
                f"Le créneau de « {proposal.account_name} » ne contient aucune minute "
                "réservable : replanifiez la journée."
            )
        begins = start or slot.at
        if begins.tzinfo is None:  # a wall-clock time of the company's day
            begins = begins.replace(tzinfo=zone)
        if not slot.first <= begins <= slot.last or begins.second or begins.microsecond:
            raise Conflict(
                f"Heure {begins.astimezone(zone).strftime('%H:%M:%S').removesuffix(':00')} "
                f"hors du créneau à réserver de « {proposal.account_name} » : choisissez une "
                f"minute entre {_hm(slot.first, zone)} et {_hm(slot.last, zone)}."
            )
        # the booking obeys the rules of every appointment: no overlap, reachable
        account = store.located_account(session, proposal.account_id)
        appointments.check_booking(
            session,
            rep_id=proposal.rep_id,
            title=proposal.account_name,
            starts_at=begins,
            ends_at=begins + dt.timedelta(minutes=proposal.visit_minutes),
            place=GeoPoint(account.lon, account.lat) if account else None,
            settings=settings,
            travel=travel,
        )
    decided, appointment_id = store.decide_proposal(
        session,
        proposal_id,
        accept=accept,
        start=begins,
        slot=(slot.first, slot.last) if slot is not None else None,
    )
    # an accepted fill-in changes the plan's savings, a refused one the day as booked now
    costs.trips_changed(session, proposal.rep_id, costs.local_day(proposal.slot_start))
    session.commit()
    return Decision(proposal=decided, appointment_id=appointment_id)


def solve_document(
    doc: dict[str, Any],
    *,
    settings: Settings | None = None,
    time_limit_s: float | None = None,
    explain: bool = True,
) -> dict[str, Any]:
    """Plan a problem given as JSON (``docs/planning-json.md``), no database; the plan as JSON."""
    cfg = settings or get_settings()
    budget = _budget(cfg, time_limit_s)
    return plan_to_json(plan(problem_from_json(doc), budget=budget, explain=explain))


def _budget(cfg: Settings, time_limit_s: float | None) -> Budget:
    """The planner's search budget from the settings; ``time_limit_s`` overrides its cap."""
    limit = time_limit_s if time_limit_s is not None else cfg.planner_time_limit_s
    return Budget(patience=cfg.planner_patience, time_limit_s=limit, workers=cfg.planner_workers)


def _solve(
    session: Session,
    inputs: PlanningInputs,
    *,
    cfg: Settings,
    graph: TravelTimes | None,
    time_limit_s: float | None,
    hotel: build.HotelPlace | None = None,
    trip: bool = False,
    progress: Progress | None = None,
    start: GeoPoint | None = None,
    depart_s: int | None = None,
    required: bool = False,
    now: dt.datetime | None = None,
) -> tuple[dict[str, Any], list[NewProposal]]:
    """Build the problem (at the rep's barème rate), plan it, and turn the plan into the
    stored JSON and proposals, whose reasons read the facts of the accounts planned.

    ``required``: every candidate open that day must be visited (a route of accounts the rep
    picked); one closed all day is left out and listed as such among the omissions.
    A first day that is today at ``now`` (``None``: the planning clock) starts from now
    (:mod:`fieldcrm.services.plan_today`): never before it, after the booking under way.
    """
    step = progress or (lambda _step: None)
    moment, zone, not_before = now or plan_dates.now(), plan_dates.company_zone(cfg), None
    if plan_dates.today(moment, zone=zone) == inputs.first_day:
        begins = plan_today.from_now(inputs, now=moment, zone=zone, start=start, depart_s=depart_s)
        inputs, start, depart_s = begins.inputs, begins.start, begins.depart_s
        not_before = begins.not_before_s
    rate = costs.rep_rate(session, settings=cfg, rep_id=inputs.rep.id, year=inputs.first_day.year)
    problem, pool, source = build.problem_for(
        inputs,
        cfg=cfg,
        graph=graph,
        eur_per_km=float(rate),
        hotel=hotel,
        trip=trip,
        start=start,
        depart_s=depart_s,
        not_before_s=not_before,
    )
    if required:
        problem = dataclasses.replace(
            problem,
            candidates=tuple(
                dataclasses.replace(c, required=any(c.windows)) for c in problem.candidates
            ),
        )
    step(2)
    result = plan(problem, budget=_budget(cfg, time_limit_s), searched=lambda: step(3))
    step(4)
    scores = {c.id: float(c.score) for c in inputs.candidates}
    cut = inputs.candidates[len(pool) :]  # the pool is the best-scored head of the list
    stored = build.result_json(
        inputs, problem, result, cfg=cfg, travel=source, cut=cut, scores=scores
    )
    if trip:
        stored["overnight"] = build.overnight_json(result, stored, cfg=cfg)
        stored["hotel"] = hotel.as_doc() if hotel is not None else None
    today = dt.datetime.now(plan_dates.company_zone(cfg)).date()
    facts = store.visit_facts(session, [c.id for c in pool], as_of=today, tz=cfg.scoring_timezone)
    new = build.proposals(problem, result, scores, facts, as_of=today)
    stored["reasons"] = build.reasons_json(new)  # the pages say them in the reader's language
    return stored, new


def plan_day(
    session: Session,
    *,
    actor: Actor,
    rep_id: int,
    day: dt.date,
    time_limit_s: float | None = None,
    settings: Settings | None = None,
    travel: TravelTimes | None = None,
    now: dt.datetime | None = None,
) -> PlanRow:
    """Plan the rep's ``day`` around its fixed appointments; store it with its proposals.
    A day before today (``now``'s date; ``None``: :func:`plan_dates.now`) is refused; today
    is planned from now (:mod:`fieldcrm.services.plan_today`)."""
    policy.require(actor, "plan", owner_id=rep_id)
    plan_dates.check_not_past(day, field="day", at=now)
    cfg = settings or get_settings()
    graph = travel or road_provider(cfg)
    inputs = gather(
        session,
        rep_id=rep_id,
        first_day=day,
        last_day=day,
        detour_km=cfg.planner_detour_km,
        max_candidates=cfg.planner_max_candidates,
        tz=cfg.scoring_timezone,
        rejected_days=cfg.planner_rejected_days,
        booked_days=cfg.planner_booked_days,
        roads=graph,
    )
    result, proposals = _solve(
        session,
        inputs,
        cfg=cfg,
        graph=graph,
        time_limit_s=time_limit_s,
        now=now,
    )
    return _save(session, actor, inputs, "day", result, proposals)


MAX_PICKED = 25


def picked_day(
    session: Session,
    *,
    actor: Actor,
    rep_id: int,
    now: dt.datetime,
    settings: Settings | None = None,
) -> dt.date:
    """The day « Itinéraire » plans at ``now`` (aware) for ``rep_id``: today, a working day
    the rep's working day is not over (:func:`~fieldcrm.services.planning_build.day_over`
    at the day's earliest departure, :func:`~fieldcrm.services.plan_today.earliest_s`: the
    rule that refuses today's plan otherwise), else the next working day."""
    policy.require(actor, "plan", owner_id=rep_id)
    cfg = settings or get_settings()
    zone = plan_dates.company_zone(cfg)
    today = plan_dates.today(now, zone=zone)
    weekends = cfg.planner_work_weekends
    rep = store.get_rep(session, rep_id)
    if next_working_days(today, 1, weekends=weekends)[0] == today and not build.day_over(
        rep, plan_today.earliest_s(now, zone)
    ):
        return today
    return next_working_days(today + dt.timedelta(days=1), 1, weekends=weekends)[0]


def plan_picked(
    session: Session,
    *,
    actor: Actor,
    rep_id: int,
    day: dt.date,
    account_ids: Sequence[int],
    start: GeoPoint | None = None,
    depart_s: int | None = None,
    time_limit_s: float | None = None,
    settings: Settings | None = None,
    travel: TravelTimes | None = None,
    now: dt.datetime | None = None,
) -> PlanRow:
    """The best day visiting every account the rep picked, around the day's appointments,
    from ``start`` (the rep's position, not before ``depart_s``) or from home; stored as the
    day's plan with a bookable slot for each visit. Too many for one day is an
    :class:`Infeasible` naming the problem; a day before today (``now``'s date) is refused;
    today leaves no earlier than now, after the booking under way if any, from its place
    (:mod:`fieldcrm.services.plan_today`)."""
    policy.require(actor, "plan", owner_id=rep_id)
    plan_dates.check_not_past(day, field="day", at=now)
    ids = list(dict.fromkeys(account_ids))
    if not 1 <= len(ids) <= MAX_PICKED:
        raise InvalidInput("account_ids", f"entre 1 et {MAX_PICKED} comptes", value=len(ids))
    found = store.located_accounts(session, ids)
    picked = []
    for account_id in ids:
        account = found.get(account_id)
        if account is None:
            raise InvalidInput(
                f"account_ids[{account_id}]",
                "compte inconnu ou dont la position n’est pas confirmée",
                value=account_id,
            )
        policy.require(actor, "account.read", owner_id=account.owner_id)
        if account.owner_id not in (None, rep_id):
            raise InvalidInput(
                f"account_ids[{account_id}]", "compte d’un autre commercial", value=account_id
            )
        picked.append(account)
    cfg = settings or get_settings()
    inputs = gather(
        session,
        rep_id=rep_id,
        first_day=day,
        last_day=day,
        detour_km=cfg.planner_detour_km,
        max_candidates=1,
        tz=cfg.scoring_timezone,
    )
    inputs = dataclasses.replace(inputs, candidates=picked, max_candidates=len(picked))
    result, proposals = _solve(
        session,
        inputs,
        cfg=cfg,
        graph=travel or road_provider(cfg),
        time_limit_s=time_limit_s,
        start=start,
        depart_s=depart_s,
        required=True,
        now=now,
    )
    return _save(session, actor, inputs, "day", result, proposals)


def plan_trip(
    session: Session,
    *,
    actor: Actor,
    rep_id: int,
    start_day: dt.date,
    end_day: dt.date,
    hotel: GeoPoint | build.HotelPlace | None = None,
    anchor_appointment_id: int | None = None,
    time_limit_s: float | None = None,
    settings: Settings | None = None,
    travel: TravelTimes | None = None,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    instead_of: dict[str, Any] | None = None,
    asked_at: dt.datetime | None = None,
) -> PlanRow:
    """Plan a trip of several days, every night at home or at the best hotel, in euros.
    A trip starting before today (``asked_at``'s date: when it was asked, for a queued one;
    else ``now``'s) is refused; a first day that is today at ``now`` (``None``: the
    planning clock, the run's for a queued one) starts from now
    (:mod:`fieldcrm.services.plan_today`). ``instead_of``, if given, is stored with the plan
    as ``result.instead_of``: the day it was planned in place of, and why
    (:mod:`fieldcrm.services.trip_instead`).

    ``anchor_appointment_id``, if given, is the far appointment the trip is built around: it
    must be one of the rep's appointments within ``start_day .. end_day``. The rep may sleep
    at ``hotel`` (if given: a point, or a place with its name and address, shown on the plan
    as ``result.hotel``) or near any appointment; the best all-home plan is stored beside
    the chosen one with both sets of figures (``result.overnight``). ``progress``, if given,
    is told each step reached (:data:`Progress`).
    """
    policy.require(actor, "plan", owner_id=rep_id)
    plan_dates.check_not_past(start_day, field="start_day", at=asked_at or now)
    place = build.HotelPlace.of(hotel)
    cfg = settings or get_settings()
    graph = travel or road_provider(cfg)
    inputs = gather(
        session,
        rep_id=rep_id,
        first_day=start_day,
        last_day=end_day,
        detour_km=cfg.planner_detour_km,
        max_candidates=cfg.planner_max_candidates,
        tz=cfg.scoring_timezone,
        extra_places=(place.point,) if place else (),
        rejected_days=cfg.planner_rejected_days,
        booked_days=cfg.planner_booked_days,
        roads=graph,
        home_reach=True,
        eur_per_point=cfg.planner_eur_per_score_point,
    )
    if anchor_appointment_id is not None and anchor_appointment_id not in {
        a.id for a in inputs.appointments
    }:
        raise InvalidInput(
            "anchor_appointment_id",
            f"not an appointment of rep {rep_id} between {start_day} and {end_day}",
            value=anchor_appointment_id,
        )
    if progress is not None:
        progress(1)
    result, proposals = _solve(
        session,
        inputs,
        cfg=cfg,
        graph=graph,
        time_limit_s=time_limit_s,
        hotel=place,
        trip=True,
        progress=progress,
        now=now,
    )
    if instead_of is not None:
        result["instead_of"] = instead_of
    return _save(session, actor, inputs, "trip", result, proposals)


def _save(
    session: Session,
    actor: Actor,
    inputs: PlanningInputs,
    kind: str,
    result: dict[str, Any],
    proposals: list[NewProposal],
) -> PlanRow:
    request = {
        "rep_id": inputs.rep.id,
        "first_day": inputs.first_day.isoformat(),
        "last_day": inputs.last_day.isoformat(),
        "appointments": [a.id for a in inputs.appointments],
        "candidates": [c.id for c in inputs.candidates],
    }
    plan_id = store.save_plan(
        session,
        rep_id=inputs.rep.id,
        kind=kind,
        day=inputs.first_day,
        end_day=inputs.last_day if kind == "trip" else None,
        request=request,
        result=result,
        created_by=author_id(actor),
        proposals=proposals,
    )
    costs.trips_changed(session, inputs.rep.id, inputs.first_day)
    session.commit()
    return store.get_plan(session, plan_id)
