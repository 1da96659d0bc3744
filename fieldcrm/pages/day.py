"""Reps' "Ma journée": the day's plan on a map, proposals to accept, navigation, check-in and report."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from fieldcrm import maps
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.errors import Conflict, Infeasible, InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.http import error_text
from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep, WorkDate, allowed_to
from fieldcrm.http.error_text import describe
from fieldcrm.http.i18n import translations
from fieldcrm.pages.templating import reader_language, render
from fieldcrm.pages.trip_instead import no_trip_text, trip_instead
from fieldcrm.routing.schedule import hhmm
from fieldcrm.services import (
    appointment_moves,
    appointments,
    as_booked,
    plan_dates,
    plan_slots,
    planning,
    planning_build,
    planning_jobs,
    route_lines,
    visits,
)
from fieldcrm.services import trip_instead as day_or_trip
from fieldcrm.services.as_booked import day_proposals, missing_appointments
from fieldcrm.store.appointments import AppointmentRecord
from fieldcrm.store.booked_near import NearBooking
from fieldcrm.store.plans import PlanRow, ProposalRow
from fieldcrm.store.visits import VisitRow

router = APIRouter(include_in_schema=False)


def rep_for(actor: Actor, rep: int | None) -> int:
    """The rep whose plans are shown: a rep's own; for others the ``rep`` asked for (the service checks)."""
    return rep if rep is not None and actor.role is not Role.REP else actor.id


DAY_COLORS = ("#1d4ed8", "#16a34a", "#ea580c", "#7c3aed", "#db2777", "#0891b2", "#ca8a04")


def _day_points(result: dict[str, Any], index: int) -> list[GeoPoint]:
    """Start, stops and end of planned day ``index`` as points, in order: it starts where its
    timing says (home, last night's hotel, or the phone's place for a day planned from it),
    else — a plan stored before days kept their start — where the day before ended."""
    day = result["days"][index]
    home = result["home"]
    before = result["days"][index - 1].get("end") if index > 0 else None
    start = (day.get("timing") or {}).get("start") or before or home
    end = day.get("end") or home
    return [
        GeoPoint(start["lon"], start["lat"]),
        *(GeoPoint(s["lon"], s["lat"]) for s in day["stops"]),
        GeoPoint(end["lon"], end["lat"]),
    ]


def road_lines(
    result: dict[str, Any],
    days: list[int] | None = None,
    *,
    settings: Settings,
    crowfly_label: str,
) -> list[maps.Line]:
    """The planned days' routes along the roads (:mod:`fieldcrm.services.route_lines`); a leg
    with no road data is a dashed straight line labelled ``crowfly_label``."""
    chosen = days if days is not None else list(range(len(result["days"])))
    lines = []
    for index in chosen:
        color = DAY_COLORS[index % len(DAY_COLORS)]
        label = result["days"][index]["day"]
        for leg in route_lines.route_legs(settings, _day_points(result, index)):
            lines.append(
                maps.Line(
                    leg.coords,
                    color=color,
                    label=label if leg.on_roads else f"{label} · {crowfly_label}",
                    dashed=not leg.on_roads,
                    weight=5 if leg.on_roads else 3,
                )
            )
    return lines


def stop_time(
    stop: Mapping[str, Any],
    proposal: ProposalRow | None,
    slot: plan_slots.Bookable | None,
    booked: AppointmentRecord | None,
    visited: dt.datetime | None = None,
) -> dt.datetime:
    """The time a stop of the day is shown at: an accepted visit at its booked appointment,
    an open one at the default minute of its slot as it is now, one visited that day
    (``visited``: its check-in) at that time — its plan's minute may be before the day as
    booked now starts (a plan made the same day is timed from the working day's departure) —,
    a refused or unbookable visit at the minute its plan would have booked it (the same
    rounding, :func:`fieldcrm.services.plan_slots.bookable_between`), a fixed appointment at
    its start."""
    if proposal is not None and proposal.status == "accepted" and booked is not None:
        return booked.starts_at
    if proposal is not None and proposal.status == "proposed" and slot is not None:
        return slot.at
    if proposal is not None and visited is not None:
        return visited
    planned = dt.datetime.fromisoformat(str(stop["start"]))
    if proposal is not None:
        booking = plan_slots.bookable(proposal, planned)
        if booking is not None:
            return booking.at
    return planned


def visited_times(
    day_visits: Mapping[int, VisitRow], departure: str | None
) -> dict[int, dt.datetime]:
    """The check-in a visited stop is shown at (:func:`stop_time`), by account id: the day's
    visit at each account, unless before the day's ``departure`` (ISO, the header's) — a
    check-in before the day starts leaves the stop at its plan's minute, which the header's
    figures hold."""
    start = dt.datetime.fromisoformat(departure) if departure else None
    return {
        account: v.occurred_at
        for account, v in day_visits.items()
        if start is None or v.occurred_at >= start
    }


def ordered_stops(
    stops: Sequence[Mapping[str, Any]],
    proposals: Mapping[int, ProposalRow],
    bookable: Mapping[int, plan_slots.Bookable],
    booked_for: Mapping[int, AppointmentRecord],
    visited: Mapping[int, dt.datetime] | None = None,
) -> list[tuple[Mapping[str, Any], dt.datetime]]:
    """The day's stops with the time each is shown at (:func:`stop_time`; ``visited``: the
    check-in shown for a visited account, by account id, :func:`visited_times`), in that
    time's order (ties keep the plan's order)."""
    timed = []
    for stop in stops:
        proposal = (
            proposals.get(stop.get("account_id") or 0) if stop["kind"] == "candidate" else None
        )
        pid = proposal.id if proposal is not None else 0
        at = (visited or {}).get(stop.get("account_id") or 0)
        timed.append((stop, stop_time(stop, proposal, bookable.get(pid), booked_for.get(pid), at)))
    return sorted(timed, key=lambda pair: pair[1])


def cancelled_bookings(
    day_appointments: Sequence[AppointmentRecord],
) -> dict[int, AppointmentRecord]:
    """The last cancelled appointment booked by each proposal (by proposal id)."""
    out: dict[int, AppointmentRecord] = {}
    for a in sorted(day_appointments, key=lambda a: a.updated_at):
        if a.status == "cancelled" and a.proposal_id is not None:
            out[a.proposal_id] = a
    return out


def without_appointments(
    result: dict[str, Any], index: int, gone: set[int], accounts: Collection[int] = ()
) -> dict[str, Any]:
    """A copy of the plan's ``result`` whose day ``index`` no longer stops at the fixed
    appointments ``gone`` nor at the visits to ``accounts`` (:class:`OffRoute`);
    ``result`` itself when there are none."""
    if not gone and not accounts:
        return result
    days = list(result["days"])
    days[index] = days[index] | {
        "stops": [
            s
            for s in days[index]["stops"]
            if not (s.get("kind") == "appointment" and s.get("appointment_id") in gone)
            and not (s.get("kind") == "candidate" and s.get("account_id") in accounts)
        ]
    }
    return result | {"days": days}


def released_accounts(
    proposals: Sequence[ProposalRow], booked: Mapping[int, NearBooking]
) -> set[int]:
    """The accounts of the open ``proposals`` booked elsewhere since their plan (``booked``:
    :attr:`fieldcrm.services.plan_slots.CurrentSlots.booked`). Their cards read « Déjà
    réservé le … » and hold no time: no slot, no navigation nor check-in, off the map and the
    route, as the slots of now (:func:`fieldcrm.services.plan_slots.booked_elsewhere`)."""
    return {p.account_id for p in proposals if p.status == "proposed" and p.id in booked}


def refused_accounts(proposals: Sequence[ProposalRow]) -> set[int]:
    """The accounts of the refused ``proposals``. Their cards read « Refusée » and hold no
    time: no slot, no navigation nor check-in, off the map and the route (the rep is not
    going there)."""
    return {p.account_id for p in proposals if p.status == "rejected"}


@dataclass(frozen=True)
class OffRoute:
    """The stops of one planned day that no longer hold its time (:func:`off_route`): shown
    without navigation nor check-in, off the map, the route and its links."""

    cancelled: set[int]
    """Fixed appointments no longer of the day and not live on another (« Annulé »), by id:
    cancelled, or moved to another day and cancelled there."""
    moved: dict[int, AppointmentRecord]
    """Fixed appointments moved to another day since and live there (« Déplacé au … »), as
    they are now."""
    released: set[int]
    """Accounts of open proposals booked elsewhere since (« Déjà réservé le … »)."""
    refused: set[int]
    """Accounts of refused proposals (« Refusée »)."""
    visits_moved: set[int]
    """Accounts of accepted proposals whose appointment moved to another day since
    (« Rendez-vous déplacé au … »)."""
    visited: set[int] = field(default_factory=set)
    """Accounts of open proposals visited on an earlier day and not due again on theirs
    (« Visité le … »). Visited on the proposal's very day, the stop stays on the route
    with its visit (the rep is there), only its card no longer proposes it."""
    unfit: set[int] = field(default_factory=set)
    """Accounts of open proposals that no longer fit the day as booked now (« Ne tient
    plus … : replanifiez la journée », :attr:`fieldcrm.services.plan_slots.CurrentSlots.unfit`):
    no time, off the map and the route, as the figures as booked leave them out
    (:func:`fieldcrm.services.plan_slots.figures_now` keeps only the stops with a slot); the
    card still offers « Refuser », the page « Replanifier »."""

    @property
    def appointments(self) -> set[int]:
        """The fixed appointments off the route."""
        return self.cancelled | set(self.moved)

    @property
    def accounts(self) -> set[int]:
        """The accounts whose visit is off the route."""
        return self.released | self.refused | self.visits_moved | self.visited | self.unfit


def off_route(
    stops: Sequence[Mapping[str, Any]],
    proposals: Sequence[ProposalRow],
    live: Collection[int],
    cards: Mapping[str, Any],
) -> OffRoute:
    """The stops of a planned day (its ``stops`` and ``proposals``) that no longer hold its
    time, one rule for Ma journée and Tournée, as the slots of now
    (:func:`fieldcrm.services.plan_slots.slots_now` keeps only the day's live appointments,
    booked visits and open proposals not booked elsewhere): a fixed appointment of the plan
    that is not among ``live`` (the ids of the day's appointments not cancelled,
    :func:`missing_appointments`) — moved to another day when it is live there, else
    cancelled —, a proposal refused, booked elsewhere, no longer fitting the day as booked,
    or whose booked visit moved to another day (``cards``: :func:`proposal_cards`)."""
    gone = missing_appointments(stops, live)
    moved = {i: a for i, a in cards["moved_fixed"].items() if i in gone}
    return OffRoute(
        cancelled=gone - set(moved),
        moved=moved,
        released=released_accounts(proposals, cards["booked_near"]),
        refused=refused_accounts(proposals),
        visits_moved={p.account_id for p in proposals if p.id in cards["moved_visits"]},
        visited={
            p.account_id
            for p in proposals
            if p.id in cards.get("visited", {})
            and cards["visited"][p.id].last_visit
            < p.slot_start.astimezone(plan_dates.company_zone()).date()
        },
        unfit={
            p.account_id
            for p in proposals
            if p.status == "proposed"
            and p.id in cards["unfit"]
            and p.id not in cards["booked_near"]
            and p.id not in cards.get("visited", {})
        },
    )


def request_time() -> dt.datetime:
    """The time of the request (the planning clock): no slot shown or booked on a plan
    starts before it, no day before its date is planned."""
    return plan_dates.now()


def proposal_cards(
    session: Session,
    *,
    actor: Actor,
    plan: PlanRow,
    every: Sequence[AppointmentRecord],
    settings: Settings,
    lang: str = "fr",
    moves: Mapping[dt.date, Mapping[int, dt.datetime]] | None = None,
) -> dict[str, Any]:
    """What the proposal cards of ``plan`` show now, for ``_proposal_card.html`` (one home for
    Ma journée and Tournée): each open proposal's slot of now or why it no longer fits
    (:func:`fieldcrm.services.plan_slots.current_slots`), its account booked elsewhere since the
    plan (« Déjà réservé le … », :func:`fieldcrm.services.plan_slots.booked_elsewhere`), its
    detour and its reason without it (the header gives it); each accepted one's
    appointment, or where it was moved to on another day (« Rendez-vous déplacé au … »);
    each reopened one's cancelled booking.
    ``every``: the appointments of the plan's days, cancelled ones included; ``moves``: the
    moved appointments of the days the page read them for
    (:func:`fieldcrm.services.plan_slots.day_moves`)."""
    current = plan_slots.current_slots(
        session, plan, settings=settings, now=request_time(), moves=moves
    )
    away = appointment_moves.moved_away(session, actor=actor, plan=plan, settings=settings)
    return {
        # the slots of now themselves: which days changed since the plan (as_booked)
        "slots_now": current,
        # the fixed appointments and booked visits moved to another day (:func:`off_route`)
        "moved_fixed": away.fixed,
        "moved_visits": away.visits,
        "booked_near": current.booked,
        # its account visited since and not due again (« Visité le … »): no longer proposed
        "visited": current.visited,
        "bookable": current.bookable,
        "unfit": current.unfit,
        # where the day as booked goes beyond the working hours (« Hors de vos horaires : … »)
        "beyond": current.beyond,
        "detour": {
            p.id: planning_build.detour_minutes_text(p.detour_minutes) for p in plan.proposals
        },
        # its reason in the reader's language, in full and without the detour the header gives
        "reasons": {
            p.id: planning_build.proposal_reason(
                plan.result, p.account_id, p.reason, lang, detour=False
            )
            for p in plan.proposals
        },
        "full_reasons": {
            p.id: planning_build.proposal_reason(
                plan.result, p.account_id, p.reason, lang, detour=True
            )
            for p in plan.proposals
        },
        "booked_for": {
            a.proposal_id: a for a in every if a.status != "cancelled" and a.proposal_id
        },
        "cancelled_for": cancelled_bookings(every),
    }


def displaced_booked(
    plan: PlanRow, booked: Mapping[int, NearBooking], lang: str = "fr"
) -> dict[int, tuple[str, int]]:
    """The left-out accounts of ``plan`` (``plan.result["omissions"]``, by index) whose reason
    names planned visits booked since (accepted, or their account booked elsewhere:
    ``booked``, :attr:`fieldcrm.services.plan_slots.CurrentSlots.booked`): those visits,
    quoted in the reader's ``lang``, and how many. Such a reason (« il prendrait la place de … ») held when
    the plan was made, no longer now: the page says it as of the plan, names what was booked
    and offers to plan the day again (a booked visit is fixed, replanning weighs the account
    around it)."""
    names = {p.account_name for p in plan.proposals if p.status == "accepted" or p.id in booked}
    out: dict[int, tuple[str, int]] = {}
    for k, o in enumerate(plan.result.get("omissions") or []):
        gone = [n for n in o.get("displaced") or () if n in names]
        if o.get("reason") == "displaces" and gone:
            quoted = [f"« {n} »" if lang == "fr" else f"“{n}”" for n in gone]
            out[k] = ((" et " if lang == "fr" else " and ").join(quoted), len(gone))
    return out


def replan_bookings(
    plan: PlanRow, day: Mapping[str, Any] | None, booked: Mapping[int, NearBooking]
) -> dict[int, NearBooking]:
    """The proposals of the planned day ``day`` (one of ``plan.result["days"]``; ``None``: a
    plan stored without its days, all its proposals) whose account was booked elsewhere since
    the plan (``booked``: :attr:`fieldcrm.services.plan_slots.CurrentSlots.booked`): what the
    day's « Plan à recalculer » counts. A trip's other days do not count: their proposals
    are not on this day's route."""
    mine = day_proposals(plan, day).values() if day is not None else plan.proposals
    return {p.id: booked[p.id] for p in mine if p.id in booked}


def hotel_nights(
    result: Mapping[str, Any], index: int
) -> tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]:
    """(the night before, the night after) planned day ``index`` of ``result`` when spent at a
    hotel (one of ``result["nights"]``), else ``None``: the day then starts from that hotel,
    or ends there instead of at home."""
    days = result.get("days") or []
    away = {n.get("after"): n for n in result.get("nights") or [] if n.get("hotel")}
    before = away.get(days[index - 1]["day"]) if 0 < index < len(days) else None
    after = away.get(days[index]["day"]) if index < len(days) - 1 else None
    return before, after


def lunch_skipped(figures: plan_slots.DayFigures | None, planned: Mapping[str, Any]) -> bool:
    """Whether the planned day ``planned`` (one of ``plan.result["days"]``) has no room for
    lunch: the planner's ``lunch_skipped``, as booked now (``figures``,
    :func:`fieldcrm.services.as_booked.day_figures`) or as planned when unchanged. Said by
    Ma journée's header and by each day of Tournée (``_no_lunch.html``)."""
    if figures is not None:
        return figures.lunch_skipped
    return "lunch_skipped" in planned.get("flags", [])


def lunch_window() -> tuple[str, str]:
    """The hours a lunch break is looked for in (``12:00``, ``14:00``), as the note says them."""
    return hhmm(planning_build.LUNCH_EARLIEST), hhmm(planning_build.LUNCH_LATEST_END)


_HHMM = re.compile(r"(\d{2}):(\d{2})(?::00)?")


def parse_hour(value: str) -> dt.time:
    """The minute ``HH:MM`` typed in the accept form (seconds ``:00`` allowed, as some
    browsers send); :class:`InvalidInput` on field ``heure`` otherwise."""
    found = _HHMM.fullmatch(value.strip())
    if found is None or int(found[1]) > 23 or int(found[2]) > 59:
        raise InvalidInput("heure", "invalid value", value=value[:20], allowed="HH:MM, 00:00–23:59")
    return dt.time(int(found[1]), int(found[2]))


def hour_refusal(exc: InvalidInput, account_name: str, lang: str) -> str:
    """Why the « Heure » typed on the card of ``account_name`` is refused, naming the
    account (« Heure de « Hôtel Riviera » : valeur invalide (reçu : « abc ») ; attendu : … »),
    in the reader's ``lang``."""
    if lang == "fr":
        label = f"Heure de « {account_name} »"
        return " ; ".join(error_text.problem_text(p, label) for p in exc.problems)
    label = f"Time for “{account_name}”"
    return "; ".join(error_text.problem_text(p, label, lang=lang) for p in exc.problems)


def plan_map(
    result: dict[str, Any],
    days: list[int] | None = None,
    *,
    lines: list[maps.Line] | None = None,
    lang: str = "fr",
) -> maps.RenderedMap:
    """Route of the planned days: home, numbered stops, appointments marked, one colour per
    day; ``lines`` (from :func:`road_lines`) replace the straight stop-to-stop lines. The
    pins' words in the reader's ``lang`` (« RDV », "Appt")."""
    words = translations(lang)
    home = result["home"]
    chosen = days if days is not None else list(range(len(result["days"])))
    # the first day shown starts at home, or at last night's hotel (or the phone's place)
    first = _day_points(result, chosen[0])[0] if chosen else GeoPoint(home["lon"], home["lat"])
    at_home = (first.lon, first.lat) == (home["lon"], home["lat"])
    markers = [
        maps.Marker(first.lon, first.lat, words.gettext("Départ"), kind="home" if at_home else "me")
    ]
    straight = []
    for index in chosen:
        day = result["days"][index]
        color = DAY_COLORS[index % len(DAY_COLORS)]
        for number, stop in enumerate(day["stops"], start=1):
            kind = "appointment" if stop["kind"] == "appointment" else "proposal"
            url = f"/comptes/{stop['account_id']}" if stop.get("account_id") else None
            markers.append(
                maps.Marker(
                    stop["lon"],
                    stop["lat"],
                    f"{stop['start'][11:16]} {stop['name']}",
                    kind=kind,
                    number=None if kind == "appointment" else number,
                    url=url,
                    color=None if kind == "appointment" else color,
                )
            )
        coords = day.get("geometry") or [(p.lon, p.lat) for p in _day_points(result, index)]
        straight.append(maps.Line([tuple(c) for c in coords], color=color, label=day["day"]))
    m = maps.base_map(center=(first.lon, first.lat), zoom=13)
    maps.add_lines(m, lines if lines is not None else straight)
    maps.add_markers(m, markers, glyphs={"appointment": words.gettext("RDV")})
    maps.fit(m, [(mk.lon, mk.lat) for mk in markers])
    return maps.render(m)


@router.get("/journee", response_class=HTMLResponse)
def day_page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    date: Annotated[WorkDate | None, Query()] = None,
    rep: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    """The latest plan of the day, or the button to make one; the day's appointments."""
    rep_id = rep_for(actor, rep)
    day = date or dt.datetime.now(ZoneInfo(settings.scoring_timezone)).date()
    plans = planning.list_plans(session, actor=actor, rep_id=rep_id, day=day, limit=1)
    plan = plans[0] if plans else None
    every = appointments.agenda(
        session,
        actor=actor,
        rep_id=rep_id,
        first=day,
        last=day,
        settings=settings,
        include_cancelled=True,
    )
    booked = [a for a in every if a.status != "cancelled"]
    # « Déplacé » and the time it was booked at (the list, the fixed stops, the slots of now
    # and the figures): read once for the request
    moved = appointment_moves.former_starts(session, booked)
    context: dict[str, Any] = {
        "day": day,
        "rep_id": rep_id,
        "plan": plan,
        "map": None,
        "result": None,
        "appointments": booked,
        "stale": plan is not None and as_booked.plan_is_stale(plan, booked),
        "refusal": _read_refusal(request, actor, settings),
        # the trip planned in place of this day, when it only holds as one (_trip_instead.html)
        "instead": trip_instead(plan),
        # the trip asked in place of this day, waiting, running or failed (_trip_job.html)
        "trip_job": planning_jobs.day_trip_job(
            session, actor=actor, rep_id=rep_id, day=day, settings=settings
        ),
        "booked_near": {},
        "visited": {},
        "replan_booked": {},
        "bookable": {},
        "unfit": {},
        "beyond": {},
        "moved": moved,
        "live": {a.id: a for a in booked},
        # a day before today is not planned: no button that can only be refused
        "past": day < plan_dates.today(request_time()),
        # a day inside its trip's period that the trip does not work (plan_slots.plan_day_index)
        "day_off": False,
        # the day's visits on the stops: « Pointage à distance (11,2 km du compte) … »
        "day_visits": visits.day_visits(
            session, actor=actor, rep_id=rep_id, day=day, tz=settings.scoring_timezone
        ),
    }
    if plan is not None:
        context.update(
            proposal_cards(
                session,
                actor=actor,
                plan=plan,
                every=every,
                settings=settings,
                lang=reader_language(request, actor),
                moves={day: moved},
            )
        )
        context["replan_booked"] = replan_bookings(plan, None, context["booked_near"])
    index = plan_slots.plan_day_index(plan, day) if plan is not None else None
    if plan is not None and plan.result.get("days") and index is None:
        # a day of the trip's period it does not work (a weekend, a public holiday): not
        # planned, no proposal of another day to book from here
        context.update(day_off=True, replan_booked={})
    if plan is not None and index is not None:
        crowfly = translations(reader_language(request, actor)).gettext(
            "à vol d’oiseau : pas de données routières ici"
        )
        planned = plan.result["days"][index]
        off = off_route(planned["stops"], plan.proposals, context["live"], context)
        shown = without_appointments(plan.result, index, off.appointments, off.accounts)
        lines = road_lines(shown, [index], settings=settings, crowfly_label=crowfly)
        slept_at, sleeps_at = hotel_nights(plan.result, index)
        # the day changed since its plan: its departure, return, km and lunch as it is
        # booked now (None: they cannot be recomputed, the header says the plan's no longer
        # hold), one selection with Tournée and « Frais » (services.as_booked)
        changed, figures = as_booked.day_figures(
            session,
            plan,
            planned,
            booked=booked,
            current=context["slots_now"],
            now=request_time(),
            settings=settings,
            moves={day: moved},
        )
        if figures is not None:  # « Hors de vos horaires » from the header's day as booked
            context["beyond"] = figures.beyond
        today = shown["days"][index] | (figures.as_json() if figures is not None else {})
        context.update(
            result=shown,
            today=today,
            map=plan_map(shown, [index], lines=lines, lang=reader_language(request, actor)),
            crowfly=any(line.dashed for line in lines),
            proposals={p.account_id: p for p in plan.proposals},
            stops=ordered_stops(
                planned["stops"],
                {p.account_id: p for p in plan.proposals},
                context["bookable"],
                context["booked_for"],
                visited_times(context["day_visits"], today.get("departure")),
            ),
            off=off,
            replan_booked=replan_bookings(plan, planned, context["booked_near"]),
            # the hotel the day starts from, the hotel it ends at (a trip's night away)
            slept_at=slept_at,
            sleeps_at=sleeps_at,
            figures_now=figures is not None,
            figures_gone=changed and figures is None,
            # the day's bookings leave no room for lunch: said, with the window it had no
            # hour free in (one rule and one text with Tournée's days)
            lunch_skipped=lunch_skipped(figures, planned),
            # « Comptes écartés »: the reasons naming visits booked since, said as of the plan
            displaced_booked=displaced_booked(
                plan, context["booked_near"], reader_language(request, actor)
            ),
            lunch_window=lunch_window(),
        )
    response = render(request, "day.html", context, actor=actor)
    if REFUSAL_COOKIE in request.cookies:
        response.delete_cookie(REFUSAL_COOKIE, path="/journee")
    return response


@router.post("/journee/planifier", dependencies=[allowed_to("plan")])
def plan_my_day(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    date: Annotated[WorkDate, Form()],
    rep: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> RedirectResponse:
    """Plan (or plan again) the day around its fixed appointments; back to the day, with the
    French reason when the day cannot be planned (an appointment out of reach, and no trip
    that holds it...). When an appointment cannot be held from home, the trip from the day
    before or to the day after is queued instead (:mod:`fieldcrm.services.trip_instead`): to
    its job's page, which follows it."""
    rep_id = rep_for(actor, rep)
    target = f"/journee?date={date.isoformat()}&rep={rep_id}"
    try:
        done = day_or_trip.plan_day_or_queue_trip(
            session, actor=actor, rep_id=rep_id, day=date, settings=settings, now=request_time()
        )
    except day_or_trip.NoTripEither as exc:
        message = no_trip_text(exc, reader_language(request, actor))
        return _back_with_message(request, actor, settings, target, message)
    except (Conflict, Infeasible, InvalidInput) as exc:
        return _back_with_refusal(request, actor, settings, target, exc)
    if done.trip_job_id is not None:
        return RedirectResponse(f"/taches/{done.trip_job_id}", status_code=303)
    return RedirectResponse(target, status_code=303)


REFUSAL_COOKIE = "fieldcrm_day_refusal"
"""Carries a refused decision's French message to the day page it redirects to (once)."""


def _signature(settings: Settings, user_id: int, message: str) -> str:
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, f"{user_id}:{message}".encode(), hashlib.sha256).hexdigest()


def _refusal_cookie(settings: Settings, user_id: int, message: str) -> str:
    """The cookie value: the message, signed for this user (no one else's text is shown)."""
    data = base64.urlsafe_b64encode(message.encode()).decode()
    return f"{data}.{_signature(settings, user_id, message)}"


def _read_refusal(request: Request, actor: Actor, settings: Settings) -> str | None:
    """The refused decision's message carried by the cookie, if signed for ``actor``."""
    raw = request.cookies.get(REFUSAL_COOKIE)
    if not raw or "." not in raw:
        return None
    data, signature = raw.rsplit(".", 1)
    try:
        message = base64.urlsafe_b64decode(data.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    expected = _signature(settings, actor.id, message)
    return message if hmac.compare_digest(signature, expected) else None


@router.post("/journee/propositions/{proposal_id}", dependencies=[allowed_to("plan")])
def decide(
    request: Request,
    proposal_id: int,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    accept: Annotated[bool, Form()],
    date: Annotated[WorkDate, Form()],
    rep: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
    heure: Annotated[str | None, Form(max_length=100)] = None,
) -> RedirectResponse:
    """Accept (book the planned start, or the minute ``heure`` the rep picked in the slot) or
    reject a proposed visit; back to the day, with the French reason when refused (nothing
    is written then, nor for a time that is not one)."""
    target = f"/journee?date={date.isoformat()}&rep={rep_for(actor, rep)}"
    try:
        hour = parse_hour(heure) if accept and heure else None
    except InvalidInput as exc:  # named by its account: a day page holds many « Heure »
        name = planning.get_proposal(session, actor=actor, proposal_id=proposal_id).account_name
        message = hour_refusal(exc, name, reader_language(request, actor))
        return _back_with_message(request, actor, settings, target, message)
    try:
        start = dt.datetime.combine(date, hour) if hour is not None else None
        planning.decide_proposal(
            session,
            actor=actor,
            proposal_id=proposal_id,
            accept=accept,
            start=start,
            now=request_time(),
            day=date,  # the page's day: a proposal of another day is refused, saying so
        )
    except (Conflict, InvalidInput) as exc:
        # nothing was written: the service refuses before any change; the request's
        # session ends without a commit
        return _back_with_refusal(request, actor, settings, target, exc)
    return RedirectResponse(target, status_code=303)


def _back_with_refusal(
    request: Request,
    actor: Actor,
    settings: Settings,
    target: str,
    exc: Conflict | Infeasible | InvalidInput,
) -> RedirectResponse:
    """Back to the day page ``target``, which shows why (once) in the reader's language."""
    message = describe(exc, reader_language(request, actor))
    return _back_with_message(request, actor, settings, target, message)


def _back_with_message(
    request: Request, actor: Actor, settings: Settings, target: str, message: str
) -> RedirectResponse:
    """Back to the day page ``target``, which shows ``message`` (once)."""
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        REFUSAL_COOKIE,
        _refusal_cookie(settings, actor.id, message),
        max_age=120,
        path="/journee",
        httponly=True,
        secure=settings.cookies_secure,
        samesite="lax",
    )
    return response
