"""Travel-cost use cases: derive trips from check-ins and plans, cost them, report, export.

Mileage is costed at the French fiscal scale of ``settings.mileage_scale_year``: a trip's
kilometres times the rep's average rate of that calendar year, the rate taken at the rep's
declared yearly distance (``users.annual_km_estimate``) or, without it, at the kilometres the
rep's actual trips of that year add up to (planned ones when nothing was checked in yet).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fieldcrm.accounts.fields import french_words
from fieldcrm.accounts.numbers import TYPED_AMOUNT as NOT_AN_AMOUNT
from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, Role, author_id
from fieldcrm.config import Settings, get_settings
from fieldcrm.costs import derive, export, plausible
from fieldcrm.costs.basis import MileageBasis, yearly_km
from fieldcrm.costs.report import (
    AdjustmentLine,
    MonthStamp,
    TravelReport,
    build_report,
    period_bounds,
)
from fieldcrm.costs.scale import CENT, MileageScale, load_scale, rate_basis
from fieldcrm.costs.trips import Rates, Trip, TripCost, cost_trip
from fieldcrm.errors import Conflict, InvalidInput, Problem
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.travel import TravelTimes
from fieldcrm.services import as_booked as days_as_booked
from fieldcrm.services import plan_dates, planning_build, roads
from fieldcrm.store import costs as store
from fieldcrm.store import jobs as job_store
from fieldcrm.store.costs import RepCosting


def visible_reps(session: Session, actor: Actor, rep_id: int | None = None) -> list[RepCosting]:
    """The reps whose costs ``actor`` may read (one of them with ``rep_id``; a rep: their own)."""
    if rep_id is None and actor.role is Role.REP:
        rep_id = actor.id
    if rep_id is not None:
        policy.require(actor, "costs.read", owner_id=rep_id)
        found = store.reps(session, [rep_id])
        if not found:
            raise InvalidInput("rep", "no rep with a home base has this id", value=rep_id)
        return found
    policy.require(actor, "costs.read")
    reps = store.reps(session)
    if actor.role in (Role.ADMIN, Role.DISPATCHER):
        return reps
    return [r for r in reps if policy.can(actor, "costs.read", owner_id=r.profile.rep_id)]


def legs_with(provider: TravelTimes | None) -> plausible.Legs:
    """Consecutive-leg driving figures: the road graph ``provider`` where it reaches, the
    planner's crow-fly estimate elsewhere (:func:`planning_build.travel_matrix`, the one
    home of both), so a trip's km and hours in the report are those the planner counts —
    not an estimate calibrated on a small urban extract, 25 % longer on a 700 km drive."""

    def legs(points: Sequence[GeoPoint]) -> list[tuple[int, float]]:
        if len(points) < 2:
            return []
        m, _ = planning_build.travel_matrix(list(points), provider)
        return [
            (round(float(m.seconds[i][i + 1])), float(m.metres[i][i + 1]))
            for i in range(len(points) - 1)
        ]

    return legs


def rep_rate_basis(
    rep: RepCosting, scale: MileageScale, *, year: int, actual_km: float, planned_km: float
) -> MileageBasis:
    """The rep's rate per km at the barème for trips of ``year`` and what it was read from.

    The scale is read at the rep's declared yearly distance, else at the kilometres their
    actual trips of the year add up to, else their planned ones (the first band with none):
    :func:`fieldcrm.costs.basis.yearly_km`.
    """
    p = rep.profile
    km, source = yearly_km(
        declared=rep.annual_km_estimate, actual_km=actual_km, planned_km=planned_km
    )
    found = rate_basis(scale, km, fiscal_hp=p.fiscal_hp, vehicle=p.vehicle, electric=p.electric)
    return MileageBasis(p.rep_id, p.name, year, source, found)


def rep_rate_at(
    rep: RepCosting, scale: MileageScale, *, actual_km: float, planned_km: float
) -> Decimal:
    """The rep's euros per km at the barème — the one rate of plans, trips and reports
    (:func:`rep_rate_basis`)."""
    return rep_rate_basis(rep, scale, year=0, actual_km=actual_km, planned_km=planned_km).basis.rate


def rep_rate(session: Session, *, settings: Settings, rep_id: int, year: int) -> Decimal:
    """:func:`rep_rate_at` for a rep and a year, from the stored trips of that year."""
    found = store.reps(session, [rep_id])
    if not found:
        raise InvalidInput("rep", "no rep with a home base has this id", value=rep_id)
    actual, planned = store.year_km(session, rep_id, year)
    return rep_rate_at(
        found[0], load_scale(settings.mileage_scale_year), actual_km=actual, planned_km=planned
    )


def as_booked(session: Session, stored: store.StoredPlan, settings: Settings) -> store.StoredPlan:
    """``stored`` with its changed days' figures as they are booked now, the others as
    planned (:func:`fieldcrm.services.as_booked.plan_days`, the selection of the trip page
    and Ma journée): a trip day recomputed after a booking costs on /frais what its page
    says. Derived from the plan as :func:`fieldcrm.store.costs.latest_plans` read it."""
    plan = stored.plan
    if plan is None:
        raise ValueError(f"plan {stored.plan_id} was read without its proposals")
    days = days_as_booked.plan_days(session, plan, settings=settings)
    return replace(stored, result={**stored.result, "days": days})


def one_plan_per_day(plans: Sequence[store.StoredPlan]) -> list[store.StoredPlan]:
    """Each planned day counted once: the most recent plan covering a day wins it.

    A trip planned after a day plan replaces that day's plan (and conversely); a plan left
    with only some of its days keeps those, without the overnight saving, which was a
    decision about all of them.
    """
    taken: set[str] = set()
    kept: list[store.StoredPlan] = []
    newest_first = sorted(
        plans,
        key=lambda p: (p.created_at or dt.datetime.min.replace(tzinfo=dt.UTC), p.plan_id),
        reverse=True,
    )
    for plan in newest_first:
        days = [d for d in plan.result.get("days") or [] if d.get("day") not in taken]
        if not days:
            continue
        taken.update(d["day"] for d in days)
        result = plan.result
        if len(days) < len(plan.result["days"]):
            result = {**plan.result, "days": days, "overnight": None}
        kept.append(replace(plan, result=result))
    return sorted(kept, key=lambda p: p.result["days"][0]["day"])


def refresh_trips(
    session: Session,
    *,
    settings: Settings,
    reps: Sequence[RepCosting],
    start: dt.date,
    end: dt.date,
    scale: MileageScale | None = None,
) -> int:
    """Derive and store the actual and planned trips of ``reps`` starting in the period.

    Returns the number of trips written. Flushes, does not commit.
    """
    legs = legs_with(roads.road_provider(settings))
    scale = scale or load_scale(settings.mileage_scale_year)
    written = 0
    zone = settings.scoring_timezone
    for rep in reps:
        p = rep.profile
        stops = store.visit_stops(session, p.rep_id, start, end, zone=zone)
        actual = derive.actual_trips(
            p, stops, legs=legs, overnight_km=settings.overnight_km, meal_km=settings.meal_km
        )
        plans = one_plan_per_day(
            [
                as_booked(session, sp, settings)
                for sp in store.latest_plans(session, p.rep_id, start, end)
            ]
        )
        # the check-ins that make a plan's fill-in visits, a plan ending after the period too
        last = max(
            (dt.date.fromisoformat(sp.result["days"][-1]["day"]) for sp in plans), default=end
        )
        if last > end:
            stops = [
                *stops,
                *store.visit_stops(session, p.rep_id, end + dt.timedelta(days=1), last, zone=zone),
            ]
        _, planned_km = store.year_km(session, p.rep_id, start.year)
        rate = rep_rate_at(rep, scale, actual_km=sum(t.km for t in actual), planned_km=planned_km)
        planned = [
            derive.planned_trip(
                p,
                sp.result,
                accepted=sp.accepted,
                checkins=stops,
                legs=legs,
                rate_per_km=rate,
                meal_km=settings.meal_km,
            )
            for sp in plans
        ]
        plan_ids = {dt.date.fromisoformat(sp.result["days"][0]["day"]): sp.plan_id for sp in plans}
        store.replace_trips(session, p.rep_id, start, end, [*actual, *planned], plan_ids)
        written += len(actual) + len(planned)
    return written


def derive_trips(
    session: Session, *, settings: Settings, year: int, rep_ids: Sequence[int] | None = None
) -> int:
    """Derive and store the trips of a calendar year (every rep, or ``rep_ids``); commits.

    Called when the inputs change — a visit, a plan, a decision (the worker's job) — and
    nightly; reading a report never derives. The number of trips written.
    """
    reps = store.reps(session, list(rep_ids) if rep_ids is not None else None)
    written = refresh_trips(
        session,
        settings=settings,
        reps=reps,
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
    )
    session.commit()
    return written


def stale_years(session: Session, *, settings: Settings) -> list[tuple[int, int]]:
    """(rep id, year) whose stored trips no longer match the visits, whatever changed them
    (:func:`fieldcrm.store.costs.stale_years`): the nightly run derives them again."""
    return store.stale_years(session, zone=settings.scoring_timezone)


def locations_changed(
    session: Session, account_ids: Sequence[int], *, settings: Settings | None = None
) -> None:
    """Accounts moved (a pin, a geocode): queue the derivation of every trip that visited
    them, in the caller's transaction."""
    zone = (settings or get_settings()).scoring_timezone
    for rep_id, year in store.visit_years(session, account_ids, zone=zone):
        trips_changed(session, rep_id, dt.date(year, 1, 1))


def local_day(moment: dt.datetime, zone: str | None = None) -> dt.date:
    """The day a moment falls on where trips are counted: the company's zone
    (``settings.scoring_timezone``, or ``zone``), as the trips' SQL counts it.

    >>> local_day(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC), "Europe/Paris")
    datetime.date(2027, 1, 1)
    >>> local_day(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC), "America/Cayenne")
    datetime.date(2026, 12, 31)
    """
    return moment.astimezone(ZoneInfo(zone or get_settings().scoring_timezone)).date()


def trips_changed(session: Session, rep_id: int, day: dt.date) -> None:
    """Queue the derivation of the rep's trips of ``day``'s year, in the caller's transaction
    (one waiting job per rep and year; jobs of one rep never run at the same time)."""
    job_store.defer(
        session,
        job_store.DERIVE_TRIPS,
        {"rep_id": rep_id, "year": day.year},
        queueing_lock=f"trips:{rep_id}:{day.year}",
        lock=f"trips:{rep_id}",
    )


def year_bases(
    trips: Sequence[Trip],
    reps: Sequence[RepCosting],
    year_trips: Sequence[Trip],
    *,
    scale: MileageScale,
) -> dict[tuple[int, int], MileageBasis]:
    """The barème basis of each (rep, calendar year) of ``trips``: the scale read at the
    rep's yearly distance of that year (``year_trips`` hold the whole year)."""
    by_rep = {r.profile.rep_id: r for r in reps}
    km: dict[tuple[int, int, str], float] = defaultdict(float)
    for t in year_trips:
        km[(t.rep_id, t.start_day.year, t.kind)] += t.km
    return {
        (rep, year): rep_rate_basis(
            by_rep[rep],
            scale,
            year=year,
            actual_km=km[(rep, year, "actual")],
            planned_km=km[(rep, year, "planned")],
        )
        for rep, year in sorted({(t.rep_id, t.start_day.year) for t in trips})
    }


def cost_trips(
    trips: Sequence[Trip],
    reps: Sequence[RepCosting],
    year_trips: Sequence[Trip],
    *,
    scale: MileageScale,
    rates: Rates,
    frozen: dict[tuple[int, dt.date], Decimal] | None = None,
) -> list[TripCost]:
    """Cost trips at each rep's average scale rate of the trip's calendar year
    (:func:`year_bases`; the rate frozen with the month, for a trip of a validated month:
    ``frozen[(rep, month)]``)."""
    bases = year_bases(trips, reps, year_trips, scale=scale)
    out = []
    for t in trips:
        rate = (frozen or {}).get((t.rep_id, t.start_day.replace(day=1)))
        if rate is None:
            rate = bases[(t.rep_id, t.start_day.year)].basis.rate
        out.append(cost_trip(t, rate_per_km=rate, rates=rates))
    return out


def travel_report(
    session: Session,
    *,
    actor: Actor,
    settings: Settings,
    start: dt.date,
    end: dt.date,
    rep_id: int | None = None,
    group_by: str = "rep",
    title: str | None = None,
) -> TravelReport:
    """The travel-cost report of the period for the reps ``actor`` may see (or one rep).

    Reads the stored trips only (they are derived when their inputs change): it writes
    nothing, so concurrent readers create nothing.
    """
    reps = visible_reps(session, actor, rep_id)
    scale = load_scale(settings.mileage_scale_year)
    year_start, year_end = dt.date(start.year, 1, 1), dt.date(end.year, 12, 31)
    ids = [r.profile.rep_id for r in reps]
    year_trips = store.load_trips(session, ids, year_start, year_end)
    in_period = [t for t in year_trips if start <= t.start_day <= end]
    rates = Rates(Decimal(str(settings.hotel_night_eur)), Decimal(str(settings.meal_eur)))
    validated = store.validations(session, ids, start, end)
    costs = cost_trips(
        in_period,
        reps,
        year_trips,
        scale=scale,
        rates=rates,
        frozen={key: v.rate_per_km for key, v in validated.items()},
    )
    zone = plan_dates.company_zone(settings)
    names = {r.profile.rep_id: r.profile.name for r in reps}
    regularisations = _regularisations(
        [
            c
            for c in costs
            if c.trip.kind == "actual"
            and (c.trip.rep_id, c.trip.start_day.replace(day=1)) in validated
        ],
        reps,
        year_trips,
        scale=scale,
        rates=rates,
        names=names,
    )
    stamps = [
        MonthStamp(v.rep_id, names.get(v.rep_id, ""), v.month, v.by_name, v.at.astimezone(zone))
        for v in sorted(validated.values(), key=lambda v: (v.month, names.get(v.rep_id, "")))
    ]
    adjustments = [
        AdjustmentLine(a.rep_id, a.rep_name, a.month, a.amount_eur, a.reason, a.author_name, a.at)
        for a in store.adjustments(session, ids, start, end)
    ]
    who = reps[0].profile.name if rep_id is not None and reps else "équipe"
    bases = [
        replace(
            b,
            frozen=tuple(
                (month, v.rate_per_km)
                for (rep, month), v in sorted(validated.items())
                if rep == b.rep_id and month.year == b.year
            ),
        )
        for b in year_bases(in_period, reps, year_trips, scale=scale).values()
    ]
    return build_report(
        costs,
        title=title or f"Frais de déplacement — {who}",
        start=start,
        end=end,
        group_by=group_by,
        scale_year=scale.year,
        stamps=stamps,
        adjustments=adjustments,
        regularisations=regularisations,
        bases=sorted(bases, key=lambda b: (b.rep_name, b.rep_id, b.year)),
        far_checkin_m=plausible.FAR_FROM_ACCOUNT_M,
        today=dt.datetime.now(zone).date(),
    )


def _regularisations(
    frozen: Sequence[TripCost],
    reps: Sequence[RepCosting],
    year_trips: Sequence[Trip],
    *,
    scale: MileageScale,
    rates: Rates,
    names: dict[int, str],
) -> list[tuple[str, Decimal]]:
    """Per rep, the km allowance of validated months at today's yearly rate minus the
    allowance they were validated at (non-zero once the yearly distance changed band)."""
    now = cost_trips([c.trip for c in frozen], reps, year_trips, scale=scale, rates=rates)
    diff: dict[int, Decimal] = defaultdict(Decimal)
    for then, current in zip(frozen, now, strict=True):
        diff[then.trip.rep_id] += current.mileage_eur - then.mileage_eur
    return [(names.get(rep, ""), amount) for rep, amount in sorted(diff.items()) if amount]


def period_report(
    session: Session,
    *,
    actor: Actor,
    settings: Settings,
    month: str | None = None,
    week: str | None = None,
    year: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    rep_id: int | None = None,
    group_by: str = "rep",
) -> TravelReport:
    """:func:`travel_report` of a period given as a month, an ISO week, a year or two dates."""
    first, last = period_bounds(month=month, week=week, year=year, start=start, end=end)
    return travel_report(
        session,
        actor=actor,
        settings=settings,
        start=first,
        end=last,
        rep_id=rep_id,
        group_by=group_by,
    )


MAX_TOLLS_EUR = Decimal(1_000)
"""The most one trip's tolls may be: Nice–Paris and back is about 170 € of tolls; beyond
1 000 €, a trip's tolls are a slip of the keyboard (a comma left out)."""
MAX_ADJUSTMENT_EUR = Decimal(100_000)
TO_THE_CENT = "au centime près : deux décimales au plus"
NOT_NEGATIVE = "ne peut pas être négatif"
TOLLS_AT_MOST = "%(most)s € au plus pour un trajet"
ADJUSTMENT_AT_MOST = "%(most)s € au plus, en plus ou en moins"
ADJUSTMENT_ZERO = "un ajustement de 0 € ne change rien : indiquez un montant non nul"
REASON_REQUIRED = "indiquez pourquoi, en 3 caractères au moins"
REASON_TOO_LONG = "motif trop long : %(most)s caractères au plus"
MAX_REASON_CHARS = 500
EURO_REFUSALS = (
    NOT_AN_AMOUNT,
    TO_THE_CENT,
    NOT_NEGATIVE,
    TOLLS_AT_MOST,
    ADJUSTMENT_AT_MOST,
    ADJUSTMENT_ZERO,
    REASON_REQUIRED,
    REASON_TOO_LONG,
)
"""The refusals of Frais' amounts and reasons (catalogue msgids, English in the catalogue);
the first is :data:`fieldcrm.accounts.numbers.TYPED_AMOUNT`, the form's refusal of a text."""


def euro_problem(
    field: str, amount: Decimal, *, most: Decimal, at_most: str, signed: bool = False
) -> Problem | None:
    """What is wrong with ``amount`` euros for ``field``, else ``None``: not a number,
    negative (unless ``signed``), beyond ``most`` either way (said by ``at_most``, a
    template of ``most``), or not to the cent (never rounded quietly)."""

    def said(code: str, **params: object) -> Problem:
        return Problem(field, french_words(code, params), amount, code=code, params=params)

    if not amount.is_finite():
        return said(NOT_AN_AMOUNT)
    if amount < 0 and not signed:
        return said(NOT_NEGATIVE)
    if abs(amount) > most:
        return said(at_most, most=int(most))
    if amount != amount.quantize(CENT):
        return said(TO_THE_CENT)
    return None


def set_tolls(session: Session, *, actor: Actor, trip_id: int, tolls_eur: Decimal) -> None:
    """Record the tolls of a trip (its rep, their manager or an admin); one commit."""
    problem = euro_problem("tolls_eur", tolls_eur, most=MAX_TOLLS_EUR, at_most=TOLLS_AT_MOST)
    if problem is not None:
        raise InvalidInput(problems=[problem])
    rep_id, start_day = store.trip_rep_day(session, trip_id)
    policy.require(actor, "costs.write", owner_id=rep_id)
    if store.validations(session, [rep_id], start_day, start_day):
        raise Conflict(
            "ce mois est validé : ses trajets sont figés ; saisissez un ajustement motivé"
        )
    store.set_tolls(session, trip_id, tolls_eur)
    session.commit()


def validable_from(month: dt.date) -> dt.date:
    """The first day ``month`` can be validated: the first of the next month (a month is
    validated once it is over).

    >>> validable_from(dt.date(2026, 12, 7))
    datetime.date(2027, 1, 1)
    """
    first = month.replace(day=1)
    return (first + dt.timedelta(days=32)).replace(day=1)


def month_over(month: dt.date, *, settings: Settings) -> bool:
    """Whether ``month`` is over in the company's time zone: it can be validated."""
    return dt.datetime.now(plan_dates.company_zone(settings)).date() >= validable_from(month)


def validate_month(
    session: Session, *, actor: Actor, settings: Settings, rep_id: int, month: dt.date
) -> None:
    """Freeze the rep's month (their manager or an admin) once it is over: its trips are
    derived one last time (a derivation still queued would come too late), then stop
    changing, and its km rate is kept; a second validation is a :class:`Conflict`."""
    policy.require(actor, "costs.validate", owner_id=rep_id)
    first = month.replace(day=1)
    if not month_over(first, settings=settings):
        raise InvalidInput(
            "month",
            f"le mois {first:%m/%Y} n’est pas terminé : "
            f"il se valide à partir du {validable_from(first):%d/%m/%Y}",
        )
    derive_trips(session, settings=settings, year=first.year, rep_ids=[rep_id])
    rate = rep_rate(session, settings=settings, rep_id=rep_id, year=first.year)
    if not store.validate_month(session, rep_id, first, by=author_id(actor), rate_per_km=rate):
        session.rollback()
        raise Conflict(f"le mois {first:%m/%Y} de ce commercial est déjà validé")
    session.commit()


def adjust_month(
    session: Session,
    *,
    actor: Actor,
    rep_id: int,
    month: dt.date,
    amount_eur: Decimal,
    reason: str,
) -> int:
    """Record a change to a validated month with its reason (their manager or an admin)."""
    policy.require(actor, "costs.validate", owner_id=rep_id)
    first = month.replace(day=1)
    problems = []
    amount = euro_problem(
        "amount_eur", amount_eur, most=MAX_ADJUSTMENT_EUR, at_most=ADJUSTMENT_AT_MOST, signed=True
    )
    if amount is None and amount_eur == 0:
        amount = Problem("amount_eur", ADJUSTMENT_ZERO, amount_eur, code=ADJUSTMENT_ZERO)
    if amount is not None:
        problems.append(amount)
    if len(reason.strip()) < 3:
        problems.append(Problem("reason", REASON_REQUIRED, code=REASON_REQUIRED))
    elif len(reason.strip()) > MAX_REASON_CHARS:
        params = {"most": MAX_REASON_CHARS}
        said = french_words(REASON_TOO_LONG, params)
        problems.append(Problem("reason", said, code=REASON_TOO_LONG, params=params))
    InvalidInput.collect(problems)
    if not store.validations(session, [rep_id], first, first):
        raise InvalidInput(
            "month",
            "ce mois n’est pas validé : les trajets se corrigent d’eux-mêmes",
            value=first.isoformat(),
        )
    adjustment_id = store.add_adjustment(
        session,
        rep_id,
        first,
        amount_eur=amount_eur.quantize(Decimal("0.01")),
        reason=reason.strip(),
        author=author_id(actor),
    )
    session.commit()
    return adjustment_id


def find_rep(session: Session, key: str) -> int:
    """The id of the rep ``key`` names: an id, an email or a full name (case-insensitive)."""
    wanted = key.strip().casefold()
    for rep in store.reps(session):
        p = rep.profile
        if wanted in (str(p.rep_id), p.name.casefold()) or wanted == (rep.email or "").casefold():
            return p.rep_id
    raise InvalidInput("rep", "no rep with this id, email or name", value=key)


EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pdf": ("application/pdf", "pdf"),
}


def export_report(report: TravelReport, fmt: str, *, lang: str = "fr") -> tuple[bytes, str, str]:
    """(content, media type, file name) of ``report`` exported as csv, xlsx or pdf."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(
            "format", "unknown export format", value=fmt, allowed=", ".join(EXPORT_FORMATS)
        )
    writers = {"csv": export.to_csv, "xlsx": export.to_xlsx, "pdf": export.to_pdf}
    media, ext = EXPORT_FORMATS[fmt]
    name = f"frais-{report.start.isoformat()}-{report.end.isoformat()}.{ext}"
    return writers[fmt](report, lang=lang), media, name
