""" "Trouver un jour": the next working days ranked by what a visit to one account adds.

Reads the rep's appointments of the next working days and the visits their plans propose,
builds the planner's problem (same working days, hours, lunch, driving cap, road times and
the rep's own barème rate as the day planner), and ranks the days with
:func:`fieldcrm.routing.find_day.rank_days` (cheapest added cost first: the detour plus the
planned visits it displaces). Days less than the account's visit interval from one of its
appointments come after the others, flagged (a second visit too soon). Booking one goes through the appointments
service (the same overlap and reachability checks as any appointment).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.costs.trips import mileage_eur
from fieldcrm.errors import InvalidInput, NotFound
from fieldcrm.routing.calendar import working_days
from fieldcrm.routing.find_day import DayOption, Planned, rank_days
from fieldcrm.routing.problem import Problem, WorkDay
from fieldcrm.routing.travel import TravelTimes
from fieldcrm.services import appointments, costs, plan_dates, plan_slots, planning_build
from fieldcrm.services.planning_inputs import gather
from fieldcrm.services.roads import road_provider
from fieldcrm.store import plans as store
from fieldcrm.store.booked_near import NearBooking, booked_near

DEFAULT_DAYS = 10


@dataclass(frozen=True)
class FoundDays:
    """The account, the rep, and each working day's option, best first."""

    account_id: int
    account_name: str
    rep_id: int
    visit_minutes: int
    options: list[DayOption]
    near: dict[dt.date, NearBooking] = dataclasses.field(default_factory=dict)
    """Days on which the account already has an appointment less than its visit interval
    away (ranked after the others, and flagged), with that appointment."""


def next_working_days(first: dt.date, count: int, *, weekends: bool = False) -> list[dt.date]:
    """The ``count`` working days from ``first`` (weekends and French public holidays off).

    >>> next_working_days(dt.date(2026, 12, 24), 3)
    [datetime.date(2026, 12, 24), datetime.date(2026, 12, 28), datetime.date(2026, 12, 29)]
    """
    days: list[dt.date] = []
    span = count * 2 + 14
    while len(days) < count:
        days = working_days(first, first + dt.timedelta(days=span), weekends=weekends)[:count]
        span *= 2
    return days


def find_days(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    settings: Settings,
    first_day: dt.date | None = None,
    count: int = DEFAULT_DAYS,
    travel: TravelTimes | None = None,
) -> FoundDays:
    """Rank the next ``count`` working days (from ``first_day``, tomorrow by default) for a
    visit to the account by its rep (or by ``actor`` when the account has no owner)."""
    if not 1 <= count <= 30:
        raise InvalidInput("count", "entre 1 et 30 jours", value=count)
    account = store.located_account(session, account_id)
    if account is None:
        raise NotFound("account with a confirmed location", account_id)
    rep_id = account.owner_id
    if rep_id is None:
        if actor.role is not Role.REP:
            raise InvalidInput("account", "ce compte n’a pas de commercial", value=account_id)
        rep_id = actor.id
    policy.require(actor, "plan", owner_id=rep_id)
    zone = plan_dates.company_zone(settings)
    first = first_day or dt.datetime.now(zone).date() + dt.timedelta(days=1)
    dates = next_working_days(first, count, weekends=settings.planner_work_weekends)
    inputs = gather(
        session,
        rep_id=rep_id,
        first_day=dates[0],
        last_day=dates[-1],
        detour_km=settings.planner_detour_km,
        max_candidates=1,
        tz=settings.scoring_timezone,
    )
    inputs = dataclasses.replace(inputs, candidates=[account], max_candidates=1)
    exact_rate = costs.rep_rate(session, settings=settings, rep_id=rep_id, year=first.year)
    rate = float(exact_rate)
    problem, _, _ = planning_build.problem_for(
        inputs, cfg=settings, graph=travel or road_provider(settings), eur_per_km=rate
    )
    wanted = {d: k for k, d in enumerate(w.date for w in problem.days) if d in set(dates)}
    (visit,) = problem.candidates
    planned = _planned(
        session, rep_id, problem.days, zone, settings, account_id=account.id, travel=travel
    )
    booked = {
        a.starts_at.astimezone(zone).date()
        for a in inputs.appointments
        if a.account_id == account.id
    }
    ranked = [
        _costed_as_shown(o, problem, exact_rate)
        for o in rank_days(
            problem,
            place=visit.place,
            service_s=visit.service_s,
            windows=visit.windows,
            planned=planned,
        )
        if o.date in wanted
    ]
    near_by_key = booked_near(
        session,
        [(-(k + 1), account.id, d) for k, d in enumerate(dates)],  # no proposal of its own
        booked_days=settings.planner_booked_days,
        tz=settings.scoring_timezone,
    )
    near = {dates[-key - 1]: found for key, found in near_by_key.items()}
    free = [o for o in ranked if o.date not in booked]
    options = (
        [o for o in free if o.slot is not None and o.date not in near]
        + [o for o in free if o.slot is not None and o.date in near]
        + [o for o in free if o.slot is None]
        + [
            dataclasses.replace(
                o, slot=None, reason="déjà un rendez-vous avec ce compte ce jour-là"
            )
            for o in ranked
            if o.date in booked
        ]
    )
    return FoundDays(account.id, account.name, rep_id, account.visit_minutes, options, near)


def _costed_as_shown(option: DayOption, problem: Problem, rate: Decimal) -> DayOption:
    """``option`` with its detour's euros on the km it shows (the cost report's rule,
    :func:`~fieldcrm.costs.trips.mileage_eur`: « +3,7 km » at 0,427 €/km reads 1,58 €, not
    the 1,59 € of the exact 3,72 km); the days were ranked on the exact figures."""
    if option.slot is None:
        return option
    euros = float(mileage_eur(option.extra_km, rate)) + problem.costs.travel_eur(
        option.extra_driving_s, 0
    )
    return dataclasses.replace(option, extra_eur=euros)


def _planned(
    session: Session,
    rep_id: int,
    days: tuple[WorkDay, ...],
    zone: ZoneInfo,
    settings: Settings,
    *,
    account_id: int,
    travel: TravelTimes | None = None,
) -> list[Planned]:
    """The open proposals of the days that still fit as the days are booked now, at the
    minute each is booked at by default in its slot of now
    (:func:`fieldcrm.services.plan_slots.current_slots`, none before now); the account's own
    proposals left out (booking the account's visit is what replaces them)."""
    dates = [w.date for w in days if w.date is not None]
    index = {d: k for k, d in enumerate(dates)}
    first = dt.datetime.combine(dates[0], dt.time(0), tzinfo=zone)
    last = dt.datetime.combine(dates[-1] + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    proposals = [
        p
        for p in store.open_proposals(
            session, rep_id=rep_id, first=first, last=last, tz=settings.scoring_timezone
        )
        if p.account_id != account_id
    ]
    accounts = store.located_accounts(session, [p.account_id for p in proposals])
    now = plan_dates.now()  # the planning clock, as the day page's slots
    current: dict[int, plan_slots.CurrentSlots] = {}
    out = []
    for p in proposals:
        if p.plan_id not in current:
            current[p.plan_id] = plan_slots.current_slots(
                session,
                store.get_plan(session, p.plan_id),
                settings=settings,
                travel=travel,
                now=now,
            )
        slot = current[p.plan_id].bookable.get(p.id)
        if slot is None:  # no longer fits, or nothing left to book: no obstacle
            continue
        start = slot.at.astimezone(zone)
        day = index.get(start.date())
        if day is None:
            continue
        seconds = start.hour * 3600 + start.minute * 60 + start.second
        out.append(
            Planned(
                f"proposal:{p.id}",
                p.account_name,
                day,
                seconds,
                seconds + p.visit_minutes * 60,
                settings.planner_eur_per_score_point
                * (accounts[p.account_id].score if p.account_id in accounts else 0.0),
            )
        )
    return out


def book(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    day: dt.date,
    time: dt.time,
    settings: Settings,
    travel: TravelTimes | None = None,
) -> int:
    """Book the visit found for ``day`` at ``time`` (its rep's appointment); its id."""
    found = find_days(
        session,
        actor=actor,
        account_id=account_id,
        settings=settings,
        first_day=day,
        count=1,
        travel=travel,
    )
    record = appointments.create_appointment(
        session,
        actor=actor,
        rep_id=found.rep_id,
        draft=appointments.Draft(
            day=day,
            time=time,
            duration_minutes=found.visit_minutes,
            place=appointments.Place(account_id=account_id),
        ),
        settings=settings,
        travel=travel,
    )
    return int(record.id)
