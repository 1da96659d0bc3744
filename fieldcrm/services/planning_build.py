"""From gathered planning inputs to the planner's problem, and from its plan to what is stored.

Times are local to the company's time zone (the setting ``scoring_timezone``,
:func:`fieldcrm.services.plan_dates.company_zone`). Opening hours are the ``accounts.opening_hours`` JSON:
``{"mon": [["08:30", "12:00"], ["14:00", "18:30"]], ...}``; a weekday missing from it is a
closed day, an account without opening hours can be visited during the whole working day. A
visit must end by closing time, so its start window is ``[open, close − visit]``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from babel.numbers import format_decimal

from fieldcrm.config import Settings
from fieldcrm.costs.derive import planned_allowance_days
from fieldcrm.costs.report import half_up
from fieldcrm.costs.trips import (
    Allowance,
    Rates,
    allowance_totals,
    allowances_eur,
    meals_due,
)
from fieldcrm.costs.trips import allowance_lines as trip_allowances
from fieldcrm.errors import InvalidInput
from fieldcrm.errors import Problem as InputProblem
from fieldcrm.geo import GeoPoint
from fieldcrm.geocoding.gazetteer import load_gazetteer
from fieldcrm.routing.calendar import french_holidays, working_days
from fieldcrm.routing.crowfly import CrowFlyTravelTimes
from fieldcrm.routing.plan_model import Day, Figures, Plan
from fieldcrm.routing.problem import Appointment, Candidate, Costs, Hotel, Lunch, Problem, WorkDay
from fieldcrm.routing.problem_json import figures_to_json
from fieldcrm.routing.travel import TravelMatrix, TravelTimes
from fieldcrm.services import (
    geocoding,  # a module: geocoding imports costs, which imports this
    plan_dates,
)
from fieldcrm.services.planning_inputs import DEFAULT_WORK_END, DEFAULT_WORK_START, PlanningInputs
from fieldcrm.store.plans import CandidateRow, NewProposal, RepRow, VisitFacts

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LUNCH_EARLIEST = 12 * 3600
LUNCH_LATEST_END = 14 * 3600
UNREACHABLE_S = 10 * 24 * 3600
"""Stand-in for pairs no road joins (keeps the solver's arithmetic finite)."""
DAY_OVER = (
    "la journée de travail du %(day)s est finie (retour au plus tard %(end)s) : planifiez un"
    " autre jour"
)
"""A first day (today) that cannot start before its working return: its French template
(a catalogue msgid, English in the catalogue), filled with the day (ISO) and the return."""
REASON_LABELS = {
    "closed": "fermé les jours du plan",
    "no_room": "n’entre pas entre les rendez-vous fixes",
    "displaces": "possible, mais le plan vaudrait {loss} € de moins",
    "not_tried": "moins intéressant que les comptes essayés",
    "no_plan_found": "essayé : aucun plan trouvé qui l’inclue",
    "cut": "hors des {n} comptes du corridor au meilleur rapport valeur / détour",
}
NO_NIGHT_LABELS = {
    "one_day": "un seul jour travaillé : pas de nuit entre deux journées de travail",
    "not_consecutive": "aucun jour travaillé n’en suit un autre : pas de nuit entre deux",
    "no_hotel": "aucun hôtel à portée : ni rendez-vous fixe près duquel dormir, ni hôtel préféré",
    "no_plan": "aucun plan avec une nuit à l’hôtel ne tient",
    "home_is_better": "non proposé : le meilleur plan trouvé rentre chaque soir",
}
"""Why a trip has no alternative with a night away (:attr:`~fieldcrm.routing.plan_model.Plan.
no_night`), in French for the API and the CLI; the trip page says it in full from the code."""
PROVEN_LABEL = "optimal prouvé"
"""Said of a small day whose plan the exact search proved the best possible."""
TRIP_BANDS: tuple[tuple[float, float], ...] = (
    (2_000.0, 25.0),
    (10_000.0, 40.0),
    (50_000.0, 65.0),
    (200_000.0, 90.0),
    (float("inf"), 105.0),
)
"""Crow-fly speed bands (upper metres, km/h) for points off the road graph.

The default bands of :mod:`fieldcrm.routing.crowfly`, with one more for trips over 200 km,
which are motorway trips in France (130 km/h limit, about 105 km/h door to door):
Antibes → Paris comes out at 8 h 30, against about 8 h 45 by road.
"""


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def working_hours(rep: RepRow) -> tuple[int, int]:
    """``rep``'s working day: departure and return, seconds since midnight (the defaults
    where the rep has none)."""
    return (
        _seconds(rep.work_start or DEFAULT_WORK_START),
        _seconds(rep.work_end or DEFAULT_WORK_END),
    )


def day_over(rep: RepRow, earliest_s: int) -> bool:
    """Whether a day of ``rep`` that cannot leave before ``earliest_s`` (seconds since
    midnight; today: :func:`fieldcrm.services.plan_today.earliest_s`) is over: it would
    leave at or after the rep's working return. The one rule of « la journée … est finie »
    (:func:`problem_for`) and of the day « Itinéraire » plans
    (:func:`fieldcrm.services.planning.picked_day`). No overtime tolerance: it stretches a
    day's hours to its bookings, it never opens a plan after them."""
    return earliest_s >= working_hours(rep)[1]


def _parse_hhmm(value: str) -> int:
    hours, minutes = value.split(":")[:2]
    return int(hours) * 3600 + int(minutes) * 60


def _euros(value: float | Decimal, lang: str = "fr") -> str:
    return format_decimal(half_up(value, 0), locale="fr_FR" if lang == "fr" else lang)


REASON_LABELS_EN = {
    "closed": "closed on the days of the plan",
    "no_room": "does not fit between the fixed appointments",
    "displaces": "possible, but the plan would be worth €{loss} less",
    "not_tried": "less valuable than the accounts tried",
    "no_plan_found": "tried: no plan found that includes it",
    "cut": "not among the corridor's {n} accounts with the best value for their detour",
    "tie": "as valuable as the chosen plan (less than €1 apart)",
}
"""The left-out reasons in English (:data:`REASON_LABELS`)."""


def omission_label(
    reason: str,
    loss_eur: float | None,
    lang: str = "fr",
    *,
    n: int | None = None,
    displaced: Sequence[str] = (),
    joined: int = 0,
) -> str:
    """The sentence of a left-out reason for a reader of ``lang`` (a tie is said as such;
    ``n``: the number of accounts kept, for ``cut``; ``displaced``: for ``displaces``, the
    planned visits it would take the place of, named so the loss can be believed, and
    ``joined`` the other visits that plan would add in their place)."""
    labels = REASON_LABELS if lang == "fr" else REASON_LABELS_EN
    if reason == "displaces" and (loss_eur or 0) < 1:
        if lang == "fr":
            said = "aussi intéressant que le plan retenu (écart de moins de 1 €)"
        else:
            said = REASON_LABELS_EN["tie"]
        return said + _instead_of(displaced, lang, joined)
    if reason not in labels:
        return reason
    n_text = format_decimal(n, locale=lang) if n is not None else "?"
    said = labels[reason].format(loss=_euros(loss_eur or 0, lang), n=n_text)
    return said + (_instead_of(displaced, lang, joined) if reason == "displaces" else "")


SHOWN_DISPLACED = 3
"""The visits named, at most, of those a left-out account would take the place of."""


def _instead_of(names: Sequence[str], lang: str, joined: int = 0) -> str:
    """« : il prendrait la place de « A » et « B » » (the rest counted), and « , le plan
    ajoutant 2 autres visites » when it would add ``joined`` others, in ``lang``; empty for
    none."""
    if not names:
        return ""
    quoted = [f"« {n} »" if lang == "fr" else f"“{n}”" for n in names[:SHOWN_DISPLACED]]
    rest = len(names) - len(quoted)
    if rest:
        word = ("autre" if lang == "fr" else "other") + ("s" if rest > 1 else "")
        quoted.append(f"{rest} {word}")
    chained = ", ".join(quoted[:-1]) + (" et " if lang == "fr" else " and ") + quoted[-1]
    listed = chained if len(quoted) > 1 else quoted[0]
    if lang == "fr":
        added = f"{joined} autre visite" if joined == 1 else f"{joined} autres visites"
        return f" : il prendrait la place de {listed}" + (
            f", le plan ajoutant {added}" if joined else ""
        )
    added = f"{joined} other visit" + ("s" if joined > 1 else "")
    return f": it would take the place of {listed}" + (
        f", the plan adding {added}" if joined else ""
    )


def candidate_windows(
    c: CandidateRow, day: dt.date, work: tuple[int, int]
) -> tuple[tuple[int, int], ...]:
    """Opening intervals (seconds) of ``c`` on ``day`` within the working day ``work``.

    No opening hours recorded (or hours in a shape this does not read): the working day.
    """
    if not c.opening_hours or not isinstance(c.opening_hours, dict):
        return (work,)
    spans = c.opening_hours.get(WEEKDAYS[day.weekday()]) or []
    out = []
    for span in spans if isinstance(spans, list) else []:
        try:
            a, b = max(work[0], _parse_hhmm(span[0])), min(work[1], _parse_hhmm(span[1]))
        except (ValueError, IndexError, TypeError, AttributeError):
            continue
        if a < b:
            out.append((a, b))
    return tuple(sorted(out))


def start_windows(opening: Sequence[Sequence[int]], service_s: int) -> tuple[tuple[int, int], ...]:
    """The intervals a visit of ``service_s`` may start in, from opening intervals (seconds):
    it must end by closing time, so ``[open, close − visit]``; an interval too short is left out.

    >>> start_windows([(9 * 3600, 12 * 3600), (14 * 3600, 14 * 3600 + 900)], 1800)
    ((32400, 41400),)
    """
    return tuple((a, b - service_s) for a, b in opening if b - service_s >= a)


def travel_matrix(points: list[GeoPoint], graph: TravelTimes | None) -> tuple[TravelMatrix, str]:
    """Travel matrix over ``points`` and the name of its source.

    With a road-graph provider, pairs it cannot answer (points off the network: a rep
    travelling France-wide beyond the loaded extract) take the crow-fly estimate; without
    one, everything is crow-fly.
    """
    crow = CrowFlyTravelTimes(bands=TRIP_BANDS).matrix(points)
    if graph is None:
        return crow, "crowfly"
    road = graph.matrix(points)
    missing = ~np.isfinite(road.seconds)
    if not missing.any():
        return road, graph.name
    if missing.all():
        return crow, "crowfly"
    seconds = np.where(missing, crow.seconds, road.seconds)
    metres = np.where(missing, crow.metres, road.metres)
    return TravelMatrix(seconds, metres, road.snap_m), f"{graph.name}+crowfly"


def drive_seconds(matrix: TravelMatrix) -> list[list[int]]:
    """Whole driving seconds between the matrix's points, as the planner counts them (to the
    nearest second; unreachable pairs: :data:`UNREACHABLE_S`). The booking check counts the
    same way, so that every minute of a slot the planner shows is accepted."""
    seconds = np.where(np.isfinite(matrix.seconds), matrix.seconds, UNREACHABLE_S)
    rounded: list[list[int]] = np.rint(seconds).astype(int).tolist()
    return rounded


def drive_metres(matrix: TravelMatrix) -> list[list[int]]:
    """Whole metres driven between the matrix's points, as the planner counts them (to the
    nearest metre; unreachable pairs: 0)."""
    metres = np.where(np.isfinite(matrix.metres), matrix.metres, 0.0)
    rounded: list[list[int]] = np.rint(metres).astype(int).tolist()
    return rounded


def crowfly_legs(day: Mapping[str, Any], travel: str) -> list[int]:
    """The legs of a planned day (``k``: from place ``k`` to ``k + 1`` of ``[start, *stops,
    end]``) whose driving time is the crow-fly estimate (:data:`TRIP_BANDS`), not a road's.

    Every leg of a plan without road data (``travel`` ``"crowfly"``); on a ``"…+crowfly"``
    plan, the legs off the loaded road graph: those whose stored seconds and metres are the
    estimate's (:func:`travel_matrix` copies it as it is); none on a plan along the roads.
    The day's stored ``crowfly_legs`` when it has them (:func:`result_json`), else from its
    stored times and places (a plan stored before them).
    """
    if "crowfly_legs" in day:
        return [int(k) for k in day["crowfly_legs"]]
    timing = day.get("timing") or {}
    seconds, metres = timing.get("durations_s"), timing.get("distances_m")
    start = timing.get("start")
    if "crowfly" not in travel or not seconds or not metres or not start or not day.get("end"):
        return []
    places = [
        GeoPoint(start["lon"], start["lat"]),
        *(GeoPoint(s["lon"], s["lat"]) for s in day.get("stops") or ()),
        GeoPoint(day["end"]["lon"], day["end"]["lat"]),
    ]
    crow = CrowFlyTravelTimes(bands=TRIP_BANDS).matrix(places)
    est_s, est_m = drive_seconds(crow), drive_metres(crow)
    return [
        k
        for k in range(len(places) - 1)
        if est_m[k][k + 1] > 0  # not from a place to the same one
        and (
            travel == "crowfly"
            or (seconds[k][k + 1] == est_s[k][k + 1] and metres[k][k + 1] == est_m[k][k + 1])
        )
    ]


PREFERRED_HOTEL_NAME = "Hôtel choisi"
"""What the plan calls a preferred hotel given without a name."""


@dataclass(frozen=True)
class HotelPlace:
    """The rep's preferred hotel on a trip: its point, and its name, address as understood
    and precision when the rep gave them (the plan shows them, ``result.hotel``)."""

    point: GeoPoint
    name: str | None = None
    address: str | None = None
    precision: str | None = None
    note: str | None = None
    """Said on the plan when the hotel is placed roughly (French: « Hôtel placé au centre
    de Nice : adresse non trouvée au numéro »)."""
    approximate: Mapping[str, str | None] | None = None
    """The same as data, which the trip page says in the reader's language: ``commune``
    (the centre it is placed at) and ``wanted`` (the precision the address asked for;
    ``None``: no street typed)."""

    @classmethod
    def of(cls, hotel: GeoPoint | HotelPlace | None) -> HotelPlace | None:
        """``hotel`` as a place (a bare point: no name, no address)."""
        return cls(hotel) if isinstance(hotel, GeoPoint) else hotel

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any] | None) -> HotelPlace | None:
        """A place back from :meth:`as_doc` (a queued job's parameters)."""
        if not doc:
            return None
        point = GeoPoint(float(doc["lon"]), float(doc["lat"]))
        return cls(
            point,
            doc.get("name"),
            doc.get("address"),
            doc.get("precision"),
            doc.get("note"),
            doc.get("approximate"),
        )

    def as_doc(self) -> dict[str, Any]:
        """The place as JSON data."""
        return {
            "name": self.name,
            "address": self.address,
            "precision": self.precision,
            "note": self.note,
            "approximate": dict(self.approximate) if self.approximate else None,
            "lon": self.point.lon,
            "lat": self.point.lat,
        }


def no_working_day(first: dt.date, last: dt.date) -> InputProblem:
    """Why nothing can be planned from ``first`` to ``last``, no day of it being worked: a
    public holiday, a weekend, or a period of such days (the pages say it as a sentence,
    :data:`fieldcrm.http.error_text.DAY_PROBLEMS`)."""
    if first != last:
        period = (first.isoformat(), last.isoformat())
        return InputProblem("day", "no working day in the period", period)
    holiday = first in french_holidays(first.year)
    return InputProblem("day", "public holiday" if holiday else "weekend", first.isoformat())


def worked_days(
    first: dt.date,
    last: dt.date,
    *,
    booked: Sequence[dt.datetime],
    weekends: bool,
    field: str = "day",
) -> list[dt.date]:
    """The days from ``first`` to ``last`` a plan works: weekends (unless ``weekends``) and
    public holidays off, a day with an appointment (starting at one of ``booked``) worked;
    :class:`InvalidInput` on ``field`` when there is none (:func:`no_working_day`)."""
    zone = plan_dates.company_zone()
    dates = working_days(
        first, last, weekends=weekends, always=frozenset(b.astimezone(zone).date() for b in booked)
    )
    if not dates:
        problem = no_working_day(first, last)
        raise InvalidInput(field, problem.message, value=problem.value)
    return dates


def problem_for(
    inputs: PlanningInputs,
    *,
    cfg: Settings,
    graph: TravelTimes | None,
    eur_per_km: float,
    hotel: HotelPlace | None = None,
    trip: bool = False,
    start: GeoPoint | None = None,
    depart_s: int | None = None,
    not_before_s: int | None = None,
) -> tuple[Problem, list[CandidateRow], str]:
    """The planner's problem for ``inputs``, the candidates it holds and the travel source.

    Working days skip weekends and public holidays (a day with an appointment is worked).
    On a trip the rep may sleep at ``hotel`` or near any appointment, at the settings' price.
    ``start`` (the rep's position) replaces home as the first day's start, not before
    ``depart_s`` (seconds since midnight); home stays the trip's home (the last day ends
    there, and so does every day whose night is not away). ``not_before_s``: the first
    day's hard earliest departure (now, today: :mod:`fieldcrm.services.plan_today`), which
    no stretch of its working hours to its bookings goes before; a first day that cannot
    start before its working return is refused (« la journée … est finie »). All three are
    today's: when the first day asked is not worked (a trip asked on a Saturday), the first
    day worked starts from home at its working hours.
    """
    rep = inputs.rep
    work = working_hours(rep)
    dates = worked_days(
        inputs.first_day,
        inputs.last_day,
        booked=[a.starts_at for a in inputs.appointments],
        weekends=cfg.planner_work_weekends,
    )
    lunch = (
        Lunch(LUNCH_EARLIEST, LUNCH_LATEST_END, rep.lunch_minutes * 60)
        if rep.lunch_minutes
        else None
    )
    driving_cap = rep.max_driving_minutes * 60 if rep.max_driving_minutes else None
    if dates[0] != inputs.first_day:
        # the first day asked (today) is not worked: its position and clock are not those of
        # the first day worked, which starts from home at the working hours
        start = depart_s = not_before_s = None
    first = max(work[0], depart_s or 0, not_before_s or 0)
    if day_over(rep, first):
        raise plan_dates.refusal(
            "day",
            DAY_OVER,
            {
                "day": dates[0].isoformat(),
                "end": f"{work[1] // 3600:02d}:{work[1] % 3600 // 60:02d}",
            },
            value=dates[0].isoformat(),
        )
    days = tuple(
        WorkDay(
            first if k == 0 else work[0],
            work[1],
            lunch,
            driving_cap,
            d,
            not_before_s=not_before_s if k == 0 else None,
        )
        for k, d in enumerate(dates)
    )
    day_index = {d: k for k, d in enumerate(dates)}
    pool = inputs.candidates[: inputs.max_candidates * len(dates) or inputs.max_candidates]
    points = [inputs.home]
    if start is not None:  # the first day's start; every night not away is at home
        points.append(start)
    appointments = []
    for a in inputs.appointments:
        begins = a.starts_at.astimezone(plan_dates.company_zone())
        points.append(inputs.appointment_point(a))
        appointments.append(
            Appointment(
                key=f"appointment:{a.id}",
                place=len(points) - 1,
                day=day_index[begins.date()],
                start_s=_seconds(begins.time()),
                duration_s=int((a.ends_at - a.starts_at).total_seconds()),
                name=a.title,
            )
        )
    candidates = []
    for c in pool:
        points.append(GeoPoint(c.lon, c.lat))
        service = max(0, int(c.visit_minutes or 0)) * 60
        windows = tuple(start_windows(candidate_windows(c, d, work), service) for d in dates)
        candidates.append(
            Candidate(
                key=f"account:{c.id}",
                place=len(points) - 1,
                value_eur=max(0.0, float(c.score)) * cfg.planner_eur_per_score_point,
                service_s=service,
                windows=windows,
                name=c.name,
            )
        )
    hotels = []
    if trip:
        if hotel is not None:
            points.append(hotel.point)
            name = hotel.name or PREFERRED_HOTEL_NAME
            hotels.append(
                Hotel("hotel:preferred", len(points) - 1, cfg.hotel_night_eur, True, name)
            )
        hotels += [
            Hotel(f"hotel:near:{a.key}", a.place, cfg.hotel_night_eur, name=f"près de {a.name}")
            for a in appointments
        ]
    matrix, source = travel_matrix(points, graph)
    problem = Problem(
        home=0,
        days=days,
        durations_s=drive_seconds(matrix),
        distances_m=drive_metres(matrix),
        appointments=tuple(appointments),
        candidates=tuple(candidates),
        hotels=tuple(hotels),
        costs=Costs(eur_per_km=eur_per_km, meal_eur=cfg.meal_eur),
        places=tuple((p.lon, p.lat) for p in points),
        start=1 if start is not None else None,
        slot_reserve_s=cfg.planner_slot_reserve_minutes * 60,
        overtime_s=cfg.planner_overtime_minutes * 60,
    )
    return problem, list(pool), source


def _at(day: dt.date, seconds: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=plan_dates.company_zone()) + dt.timedelta(
        seconds=seconds
    )


def _key_id(key: str, kind: str) -> int | None:
    """The database id in a planner key (``account:12``, ``appointment:7``) of that kind."""
    prefix, _, rest = key.partition(":")
    return int(rest) if prefix == kind else None


def _account_id(key: str) -> int | None:
    return _key_id(key, "account")


def detour_minutes_text(minutes: float) -> str:
    """A detour's whole minutes as every screen writes them (halves up: 4.5 → 5), the
    proposal's header and its reason alike."""
    return str(half_up(minutes, 0))


def visit_value(value_eur: float) -> float:
    """A visit's value in euros as every screen gives it, to the cent: the stop's value
    stored with the plan, the one on its card, and the lines every total of visits adds up
    (:func:`visits_value`)."""
    return float(half_up(value_eur, 2))


def visits_value(days: Sequence[Mapping[str, Any]]) -> Decimal:
    """The value of the visits of stored plan days (``plans.result["days"]``): the sum of
    their stops' values as stored (:func:`visit_value`), the one rule of each day's, the
    plan's and its « Valeur des visites »."""
    return sum(
        (
            Decimal(str(s["value_eur"]))
            for d in days
            for s in d.get("stops", [])
            if s.get("kind") == "candidate" and s.get("value_eur") is not None
        ),
        Decimal(0),
    )


def visit_reason_parts(
    facts: VisitFacts | None, *, as_of: dt.date, detour_minutes: float, value_eur: float
) -> list[dict[str, Any]]:
    """Why a visit is proposed, as data in no language (each part a ``key`` and its
    values, stored with the plan): facts that are true (potential, revenue against a year
    ago, last visit), the planner's detour and the visit's value (:func:`visit_value`, the
    line « Valeur des visites » adds up); :func:`reason_text` says it."""
    parts: list[dict[str, Any]] = []
    if facts is not None:
        if facts.potential_eur_month:
            parts.append({"key": "potential", "eur": float(facts.potential_eur_month)})
        if facts.revenue_previous_12m > 0 and facts.revenue_12m > 0:
            change = (facts.revenue_12m / facts.revenue_previous_12m - 1) * 100
            parts.append({"key": "revenue_change", "pct": float(half_up(change, 1))})
        if facts.last_visit is None:
            parts.append({"key": "never_visited"})
        else:
            months = _whole_months(facts.last_visit, as_of)
            if months >= 1:
                parts.append({"key": "no_visit_for", "months": months})
            else:
                parts.append({"key": "visited_ago", "days": (as_of - facts.last_visit).days})
    parts.append({"key": "detour", "minutes": int(half_up(detour_minutes, 0))})
    parts.append({"key": "value", "eur": visit_value(value_eur)})
    return parts


REASON_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "potential": "Potentiel {eur}/mois",
        "revenue_change": "CA {pct} % sur un an",
        "never_visited": "jamais visité",
        "no_visit_for": "pas de visite depuis {months} mois",
        "visited_ago": "visité il y a {days} j",
        "detour": "détour {minutes} min",
        "value": "valeur {eur}",
        "contribution": "{eur} €",
    },
    "en": {
        "potential": "Potential {eur}/month",
        "revenue_change": "revenue {pct}% year on year",
        "never_visited": "never visited",
        "no_visit_for": "no visit for {months} months",
        "no_visit_for_one": "no visit for 1 month",
        "visited_ago": "visited {days} days ago",
        "visited_ago_one": "visited 1 day ago",
        "detour": "detour {minutes} min",
        "value": "value {eur}",
        "contribution": "{eur}",
    },
}
"""The words of a visit's reason in each interface language, by part (``_one``: the
English singular; ``contribution``: the value less the detour's euros, in whole euros, of
plans stored before the visit's value was said, :func:`proposal_reason`)."""


def _signed(value: float, lang: str, *, digits: int = 0) -> str:
    """``+85``, ``−0,9`` (a real minus sign; zero reads ``+0``) by babel in ``lang``."""
    pattern = "#,##0.0" if digits else "#,##0"
    number = format_decimal(abs(value), format=pattern, locale=lang)
    return f"{'+' if value >= 0 else '−'}{number}"


def _part_text(part: Mapping[str, Any], lang: str) -> str:
    words = REASON_WORDS.get(lang, REASON_WORDS["en"])
    key = str(part["key"])
    count = part.get("months", part.get("days"))
    template = words.get(f"{key}_one", words[key]) if count == 1 else words[key]
    values: dict[str, str] = {}
    if key == "potential":
        values["eur"] = _thousands(float(part["eur"]), lang)
    elif key == "revenue_change":
        values["pct"] = _signed(float(part["pct"]), lang, digits=1)
    elif key == "value":
        number = format_decimal(float(part["eur"]), format="#,##0.00", locale=lang)
        values["eur"] = f"{number} €" if lang == "fr" else f"€{number}"
    elif key == "contribution":
        euros = _signed(float(part["eur"]), lang)
        values["eur"] = euros if lang == "fr" else f"{euros[0]}€{euros[1:]}"
    else:
        values = {k: format_decimal(v, locale=lang) for k, v in part.items() if k != "key"}
    return template.format(**values)


def reason_text(
    parts: Sequence[Mapping[str, Any]], lang: str = "fr", *, detour: bool = True
) -> str | None:
    """A visit's reason (:func:`visit_reason_parts`) as a reader of ``lang`` reads it,
    numbers by babel in that language: "Potentiel 40 k€/mois · CA −11,5 % sur un an · pas de
    visite depuis 7 mois · détour 6 min · valeur 85,00 €", "Potential €40k/month · revenue −11.5%
    year on year · …"; without the detour unless ``detour`` (a card whose header gives it);
    ``None`` when nothing is left to say."""
    shown = [_part_text(p, lang) for p in parts if detour or p.get("key") != "detour"]
    return " · ".join(shown) or None


def visit_reason(
    facts: VisitFacts | None, *, as_of: dt.date, detour_minutes: float, value_eur: float
) -> str:
    """Why a visit is proposed, in French (the text stored with the proposal, which the API
    and the CLI give): :func:`reason_text` of :func:`visit_reason_parts`."""
    parts = visit_reason_parts(
        facts, as_of=as_of, detour_minutes=detour_minutes, value_eur=value_eur
    )
    return reason_text(parts, "fr") or ""


_DETOUR_PART = re.compile(r"détour \d+ min")
"""The detour part of a reason (:func:`visit_reason`)."""


def reason_without_detour(reason: str | None) -> str | None:
    """A reason of :func:`visit_reason` without its detour, for a card whose header already
    gives it ("Potentiel 30 k€/mois · détour 4 min · +242 €" → "Potentiel 30 k€/mois ·
    +242 €"); ``None`` for no reason or nothing else to say."""
    if not reason:
        return None
    kept = [part for part in reason.split(" · ") if not _DETOUR_PART.fullmatch(part)]
    return " · ".join(kept) or None


def _thousands(eur: float, lang: str = "fr") -> str:
    if eur >= 1000:
        number = format_decimal(half_up(eur / 1000, 1), format="0.#", locale=lang)
        return f"{number} k€" if lang == "fr" else f"€{number}k"
    return f"{_euros(eur, lang)} €" if lang == "fr" else f"€{_euros(eur, lang)}"


def _whole_months(since: dt.date, until: dt.date) -> int:
    """Whole months from ``since`` to ``until`` (31/01 → 28/02 is 0, → 01/03 is 1)."""
    months = (until.year - since.year) * 12 + until.month - since.month
    return months - (until.day < since.day)


def proposals(
    problem: Problem,
    result: Plan,
    scores: dict[int, float],
    facts: dict[int, VisitFacts] | None = None,
    *,
    as_of: dt.date | None = None,
) -> list[NewProposal]:
    """The proposed visits of a plan, with their bookable slots and French reasons."""
    out = []
    for day in result.days:
        date = problem.days[day.index].date
        assert date is not None
        for s in day.stops:
            account = _account_id(s.key)
            if s.kind != "visit" or account is None or s.slot[0] > s.slot[1]:
                continue  # no whole minute to book: nothing to propose
            parts = visit_reason_parts(
                (facts or {}).get(account),
                as_of=as_of or date,
                detour_minutes=round(s.detour_s / 60, 1),  # as stored beside it
                value_eur=s.value_eur,
            )
            out.append(
                NewProposal(
                    account_id=account,
                    slot_start=_at(date, s.slot[0]),
                    slot_end=_at(date, s.slot[1]),
                    detour_minutes=round(s.detour_s / 60, 1),
                    detour_km=round(s.detour_m / 1000, 2),
                    reason=reason_text(parts, "fr"),
                    reason_parts=tuple(parts),
                )
            )
    return out


def reasons_json(new: Sequence[NewProposal]) -> dict[str, list[dict[str, Any]]]:
    """The reasons of a plan's proposals as stored in ``plans.result["reasons"]``, by
    account id: what the pages say in the reader's language (:func:`proposal_reason`)."""
    return {str(p.account_id): list(p.reason_parts) for p in new if p.reason_parts}


def proposal_reason(
    result: Mapping[str, Any], account_id: int, stored: str | None, lang: str, *, detour: bool
) -> str | None:
    """The reason of the proposal of ``account_id`` in a plan whose result is ``result``,
    for a reader of ``lang`` (:func:`reason_text`; ``detour`` as there); a plan stored
    before its reasons were kept as data gives its stored French text ``stored``."""
    parts = (result.get("reasons") or {}).get(str(account_id))
    if parts:
        return reason_text(_with_value(parts, result, account_id), lang, detour=detour)
    return stored if detour else reason_without_detour(stored)


def _with_value(
    parts: Sequence[Mapping[str, Any]], result: Mapping[str, Any], account_id: int
) -> list[Mapping[str, Any]]:
    """``parts`` of a plan stored when a reason gave the value less the detour's euros
    (``contribution``), with the visit's value instead (its stop's, as stored): the card's
    euros are the line « Valeur des visites » adds up (:func:`visits_value`)."""
    stored = next(
        (
            s.get("value_eur")
            for d in result.get("days") or []
            for s in d.get("stops", [])
            if s.get("kind") == "candidate" and s.get("account_id") == account_id
        ),
        None,
    )
    if stored is None:
        return list(parts)
    return [
        {"key": "value", "eur": float(stored)} if p.get("key") == "contribution" else p
        for p in parts
    ]


def figures_json(
    f: Figures | None,
    error: str | None = None,
    *,
    allowances: tuple[Decimal, Decimal],
    value_eur: Decimal | None = None,
) -> dict[str, Any]:
    """A plan's euros and kilometres as JSON (``feasible: false`` when there is none).

    ``allowances``: the plan's (hotel, meals) euros by
    :func:`~fieldcrm.costs.trips.meals_due` (a dinner per night away, a lunch for each day
    far from home), as the cost report counts them: ``hotel_and_meals_eur`` is their sum.
    ``value_eur``: the value of its visits as listed (:func:`visits_value`), when they are.
    Every figure is rounded to the cent once, and the net value is the rows it totals:
    value − km costs − driving time costs − hotel and meals (the planner's objective
    charged the dinners only; the lunches, the same whether the rep sleeps away or at
    home, come off it too).
    """
    figures = figures_to_json(f)
    if figures is None:
        return {"feasible": False, "error": error}
    assert f is not None
    value = value_eur if value_eur is not None else half_up(f.value_eur, 2)
    hotel, meals = (half_up(x, 2) for x in allowances)
    costs = half_up(f.km_cost_eur, 2) + half_up(f.time_cost_eur, 2) + hotel + meals
    return figures | {
        "feasible": True,
        "km": round(f.km, 1),
        "driving_minutes": round(f.driving_s / 60),
        "value_eur": float(value),
        "km_cost_eur": float(half_up(f.km_cost_eur, 2)),
        "time_cost_eur": float(half_up(f.time_cost_eur, 2)),
        "hotel_eur": float(hotel),
        "meal_eur": float(meals),
        "hotel_and_meals_eur": float(hotel + meals),
        "net_eur": float(value - costs),
    }


def _rates(cfg: Settings) -> Rates:
    return Rates(Decimal(str(cfg.hotel_night_eur)), Decimal(str(cfg.meal_eur)))


def allowances(nights_away: int, lunch_days: int, cfg: Settings) -> tuple[Decimal, Decimal]:
    """(hotel, meals) euros of a plan whose nights are not dated (the alternative the trip
    did not choose), by the cost report's rule and rates
    (:func:`~fieldcrm.costs.trips.meals_due`, :func:`~fieldcrm.costs.trips.allowances_eur`)."""
    meals = meals_due(nights_away=nights_away, lunch_days=lunch_days)
    return allowances_eur(nights=nights_away, meals=meals, rates=_rates(cfg))


def allowance_lines(stored: dict[str, Any], cfg: Settings) -> tuple[Allowance, ...]:
    """Every euro of the hotel and meals of a stored plan result (``result_json``), line by
    line (:func:`~fieldcrm.costs.trips.allowance_lines`): the one source of its
    « Hôtel et repas », whose total is their sum."""
    home = GeoPoint(stored["home"]["lon"], stored["home"]["lat"])
    nights, lunches = planned_allowance_days(home, stored["days"], cfg.meal_km)
    return trip_allowances(nights_away=nights, lunch_days=lunches, rates=_rates(cfg))


def allowances_to_json(lines: Sequence[Allowance]) -> list[dict[str, Any]]:
    """The lines as stored in ``plans.result["allowances"]``: kind, day, euros."""
    return [{"kind": a.kind, "day": a.day.isoformat(), "eur": float(a.eur)} for a in lines]


def stored_allowances(stored: dict[str, Any], cfg: Settings) -> tuple[Allowance, ...]:
    """The hotel and meal lines of a stored plan result, as stored with it (the lines its
    « Hôtel et repas » adds up); for a plan stored before they were, the same rule applied
    to its days (:func:`allowance_lines`)."""
    if "allowances" not in stored:
        return allowance_lines(stored, cfg)
    return tuple(
        Allowance(a["kind"], dt.date.fromisoformat(a["day"]), Decimal(str(a["eur"])))
        for a in stored["allowances"]
    )


def town_of(point: GeoPoint) -> str | None:
    """The commune a point lies in (its shipped outline, else the nearest commune centre, as
    :func:`fieldcrm.services.geocoding.reverse`), ``None`` when the gazetteer cannot be read."""
    try:
        commune, _distance = load_gazetteer().nearest(point, outlines=geocoding.commune_outlines())
    except (OSError, ValueError):
        return None
    return commune.name


def timing_json(problem: Problem, day: Day) -> dict[str, Any]:
    """What it takes to recompute the slots of a planned day once some of its visits are
    booked (:mod:`fieldcrm.services.plan_slots`): where it starts, its frame as planned
    (lunch ``None`` when there is none or the planner skipped it; ``max_driving_s`` the
    day's cap on driving, ``None``: none) and the driving seconds and metres between its
    places, ``[start, *stops, end]`` in route order, and the time kept free after each
    proposed visit (the metres and that reserve time the day as it is booked now:
    :func:`fieldcrm.services.plan_slots.figures_now`). ``not_before_s``, on a day planned
    the same day only: its hard earliest departure (:mod:`fieldcrm.services.plan_today`);
    the bookings that end by then were past or under way then, not part of the day."""
    work = problem.days[day.index]
    lunch = work.lunch if "lunch_skipped" not in day.flags else None
    places = [day.start_place, *(s.place for s in day.stops), day.end_place]
    lon, lat = problem.places[day.start_place]
    return {
        "start": {"lon": lon, "lat": lat},
        "depart_s": work.depart_s,
        "return_s": work.return_s,
        "lunch": (
            {
                "earliest_s": lunch.earliest_s,
                "latest_end_s": lunch.latest_end_s,
                "duration_s": lunch.duration_s,
            }
            if lunch is not None
            else None
        ),
        "max_driving_s": work.max_driving_s,
        **({} if work.not_before_s is None else {"not_before_s": work.not_before_s}),
        "durations_s": [[int(problem.durations_s[a][b]) for b in places] for a in places],
        "distances_m": [[int(problem.distances_m[a][b]) for b in places] for a in places],
        "slot_reserve_s": problem.slot_reserve_s,
    }


def closed_days(problem: Problem, candidate: Candidate | None) -> list[str]:
    """The days of a trip (ISO dates) ``candidate`` is closed on, when it is open on others:
    its reason for being left out holds on those others only (empty: the same every day)."""
    if candidate is None:
        return []
    shut = [
        d.date.isoformat()
        for d, windows in zip(problem.days, candidate.windows, strict=True)
        if not windows and d.date is not None
    ]
    return shut if len(shut) < len(problem.days) else []


def result_json(
    inputs: PlanningInputs,
    problem: Problem,
    result: Plan,
    *,
    cfg: Settings,
    travel: str,
    cut: list[CandidateRow],
    scores: dict[int, float],
) -> dict[str, Any]:
    """The plan as the JSON stored in ``plans.result`` (ISO times with their offset)."""
    points = problem.places
    hotel_names = {h.key: h.name for h in problem.hotels}
    near = {f"hotel:near:{a.key}": a.name for a in problem.appointments}
    booked_accounts = {f"appointment:{a.id}": a.account_id for a in inputs.appointments}
    candidates = {c.key: c for c in problem.candidates}
    days = []
    for day in result.days:
        date = problem.days[day.index].date
        assert date is not None
        stops = []
        for s in day.stops:
            lon, lat = points[s.place]
            candidate = candidates.get(s.key) if s.kind == "visit" else None
            opening = (
                {
                    "opening_s": [
                        [a, b + candidate.service_s] for a, b in candidate.windows[day.index]
                    ]
                }
                if candidate is not None
                else {}
            )
            stops.append(
                opening
                | {
                    "kind": "appointment" if s.kind == "appointment" else "candidate",
                    "name": s.name,
                    "account_id": _account_id(s.key) or booked_accounts.get(s.key),
                    "appointment_id": _key_id(s.key, "appointment"),
                    "lon": lon,
                    "lat": lat,
                    "arrival": _at(date, s.arrival_s).isoformat(),
                    "start": _at(date, s.start_s).isoformat(),
                    "departure": _at(date, s.departure_s).isoformat(),
                    "slot_start": _at(date, s.slot[0]).isoformat(),
                    "slot_end": _at(date, s.slot[1]).isoformat(),
                    "score": scores.get(_account_id(s.key) or 0) if s.kind == "visit" else None,
                    "value_eur": visit_value(s.value_eur) if s.kind == "visit" else None,
                    "contribution_eur": round(s.contribution_eur, 2) if s.kind == "visit" else None,
                    "detour_minutes": round(s.detour_s / 60, 1),
                    "detour_km": round(s.detour_m / 1000, 2),
                }
            )
        end_lon, end_lat = points[day.end_place]
        days.append(
            {
                "day": date.isoformat(),
                "timing": timing_json(problem, day),
                "departure": _at(date, day.departure_s).isoformat(),
                "return": _at(date, day.return_s).isoformat(),
                "end": {"lon": end_lon, "lat": end_lat},
                "stops": stops,
                "driving_km": round(day.driving_m / 1000, 2),
                "driving_minutes": round(day.driving_s / 60, 1),
                "waiting_minutes": round(day.waiting_s / 60, 1),
                "reserve_minutes": round(day.reserve_s / 60, 1),
                "value_eur": float(visits_value([{"stops": stops}])),
                "lunch": _at(date, day.lunch_start_s).isoformat() if day.lunch_start_s else None,
                "flags": list(day.flags),
            }
        )
        days[-1]["crowfly_legs"] = crowfly_legs(days[-1], travel)  # what the pages say of it
    omissions = [
        {
            "account_id": _account_id(o.key),
            "name": o.name,
            "score": scores.get(_account_id(o.key) or 0),
            "value_eur": round(o.value_eur, 2),
            "reason": o.reason,
            "loss_eur": o.loss_eur,
            "displaced": list(o.displaced),
            "joined": o.joined,
            "label": omission_label(o.reason, o.loss_eur, displaced=o.displaced, joined=o.joined),
            "closed_days": closed_days(problem, candidates.get(o.key)),
        }
        for o in result.omissions
    ] + [
        {
            "account_id": c.id,
            "name": c.name,
            "score": c.score,
            "value_eur": round(c.score * cfg.planner_eur_per_score_point, 2),
            "reason": "cut",
            "loss_eur": None,
            "label": omission_label("cut", None, n=len(problem.candidates)),
            "kept": len(problem.candidates),
        }
        for c in cut
    ]
    doc: dict[str, Any] = {
        "home": {"lon": inputs.home.lon, "lat": inputs.home.lat},
        "days": days,
        "nights": [
            {
                "after": problem.days[n.after_day].date.isoformat()  # type: ignore[union-attr]
                if problem.days[n.after_day].date
                else None,
                "hotel": n.hotel,
                "name": hotel_names.get(n.hotel) if n.hotel else None,
                # what the day pages say of a night away: near which appointment, in which town
                "near": near.get(n.hotel) if n.hotel else None,
                "city": town_of(GeoPoint(*points[n.place])) if n.hotel else None,
                "lon": points[n.place][0],
                "lat": points[n.place][1],
                "price_eur": n.price_eur,
                "meal_eur": n.meal_eur,
                "reason": n.reason,
            }
            for n in result.nights
        ],
        "omissions": omissions,
        "proven_optimal": "proven_optimal" in result.flags,
        "quality": PROVEN_LABEL if "proven_optimal" in result.flags else None,
        "figures": None,  # set below, once the days are known
        "value_eur": float(visits_value(days)),
        "driving_km": round(result.figures.km, 2),
        "driving_minutes": round(result.figures.driving_s / 60, 1),
        "eur_per_km": round(problem.costs.eur_per_km, 4),
        "travel": travel,
        "corridor": {
            "detour_km": cfg.planner_detour_km,
            "in_polygon": inputs.in_polygon,
            "candidates": len(inputs.candidates),
            "geometry": inputs.corridor.polygon.__geo_interface__,
            # no appointment nor hotel: a disc of a day's reach around home, and where the
            # rep's valuable accounts lie beyond it (routing.reach.far_areas)
            "home_reach_km": round(inputs.reach_m / 2000, 1) if inputs.reach_m else None,
            "far_areas": [
                {
                    "name": a.name,
                    "departement": a.departement,
                    "accounts": a.accounts,
                    "value_eur": a.value_eur,
                    "within_day": a.within_day,
                }
                for a in inputs.far
            ],
        },
    }
    lines = allowance_lines(doc, cfg)
    doc["allowances"] = allowances_to_json(lines)
    doc["figures"] = figures_json(
        result.figures, allowances=allowance_totals(lines), value_eur=visits_value(days)
    )
    return doc


def overnight_json(result: Plan, stored: dict[str, Any], *, cfg: Settings) -> dict[str, Any]:
    """Staying away against going home every evening, both in euros; the recommendation.

    ``stored``: the plan's ``result_json``. The chosen alternative's hotel and meals are the
    sum of its lines (``stored["allowances"]``, listed on the trip page); the other's are
    costed by the same rule from its count of nights. Both count the lunches of the plan's
    days (a lunch does not depend on where the night is spent, see
    :func:`~fieldcrm.costs.trips.meals_due`).
    """
    stays = result.figures.nights_away > 0
    lines = stored_allowances(stored, cfg)
    lunches = sum(1 for a in lines if a.kind == "lunch")

    def money(f: Figures | None, chosen: bool) -> tuple[Decimal, Decimal]:
        if chosen:
            return allowance_totals(lines)
        return allowances(f.nights_away if f is not None else 0, lunches, cfg)

    # the chosen plan's visits are the stops listed: its value is theirs (visits_value)
    listed = visits_value(stored["days"])
    home = figures_json(
        result.all_home,
        result.all_home_error,
        allowances=money(result.all_home, not stays),
        value_eur=None if stays else listed,
    )
    # an alternative refused for an appointment out of reach: its data, worded when read,
    # without the night-away advice (the trip's other alternative is what it would say)
    if not home["feasible"] and result.all_home_reach is not None:
        home |= {"out_of_reach": result.all_home_reach.as_doc(), "advice": False}
    why = result.no_night or "no_plan"
    error = NO_NIGHT_LABELS[why]
    if why == "no_plan" and result.away_error:
        error = f"{error} : {result.away_error}"
    away = figures_json(
        result.away,
        error,
        allowances=money(result.away, stays),
        value_eur=listed if stays else None,
    )
    if not away["feasible"]:
        # what the trip page says and what it would take (a night's euros: home_is_better)
        away |= {
            "why": why,
            "detail": result.away_error,
            "night_eur": cfg.hotel_night_eur,
            "meal_eur": cfg.meal_eur,
        }
        if result.away_reach is not None:
            away |= {"out_of_reach": result.away_reach.as_doc(), "advice": False}
    both = home["feasible"] and away["feasible"]
    return {
        "recommendation": "stay" if stays else "home",
        "label": "dormir sur place" if stays else "rentrer chaque soir",
        "nights": len(result.nights),
        "home": home,
        "stay": away,
        "km_saved": round(home["km"] - away["km"], 1) if both else None,
        "value_gained_eur": round(away["value_eur"] - home["value_eur"], 2) if both else None,
        "net_gained_eur": round(away["net_eur"] - home["net_eur"], 2) if both else None,
    }
