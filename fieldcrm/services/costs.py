"""Travel-cost use cases: derive trips from check-ins and plans, cost them, report, export.

Mileage is costed at the French fiscal scale of ``settings.mileage_scale_year``: a trip's
kilometres times the rep's average rate of that calendar year, the rate taken at the rep's
declared yearly distance (``users.annual_km_estimate``) or, without it, at the kilometres the
rep's actual trips of that year add up to (planned ones when nothing was checked in yet).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.costs import derive, export
from fieldcrm.costs.report import TravelReport, build_report, period_bounds
from fieldcrm.costs.scale import MileageScale, load_scale, rate_per_km
from fieldcrm.costs.trips import Rates, Trip, TripCost, cost_trip
from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint, haversine_m
from fieldcrm.routing.travel import TravelTimes
from fieldcrm.services import roads
from fieldcrm.store import costs as store
from fieldcrm.store import jobs as job_store
from fieldcrm.store.costs import RepCosting

FALLBACK_SPEED_MS = 50 / 3.6
"""Speed for a leg the provider cannot reach (crow-fly × 1.3 at 50 km/h): never a lost leg."""


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


def legs_with(provider: TravelTimes) -> derive.Legs:
    """Consecutive-leg driving figures from a matrix provider."""

    def legs(points: Sequence[GeoPoint]) -> list[tuple[int, float]]:
        if len(points) < 2:
            return []
        m = provider.matrix(list(points))
        out = []
        for i in range(len(points) - 1):
            s, d = float(m.seconds[i][i + 1]), float(m.metres[i][i + 1])
            if not (math.isfinite(s) and math.isfinite(d)):
                d = haversine_m(points[i], points[i + 1]) * 1.3
                s = d / FALLBACK_SPEED_MS
            out.append((round(s), d))
        return out

    return legs


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
        kept.append(store.StoredPlan(plan.plan_id, result, plan.accepted, plan.created_at))
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
    legs = legs_with(roads.travel_times(settings))
    scale = scale or load_scale(settings.mileage_scale_year)
    written = 0
    for rep in reps:
        p = rep.profile
        actual = derive.actual_trips(
            p,
            store.visit_stops(session, p.rep_id, start, end),
            legs=legs,
            overnight_km=settings.overnight_km,
            meal_km=settings.meal_km,
        )
        plans = one_plan_per_day(store.latest_plans(session, p.rep_id, start, end))
        year_km = rep.annual_km_estimate or sum(t.km for t in actual) or 0.0
        rate = rate_per_km(
            scale, year_km, fiscal_hp=p.fiscal_hp, vehicle=p.vehicle, electric=p.electric
        )
        planned = [
            derive.planned_trip(
                p,
                sp.result,
                accepted_detours=sp.accepted,
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


def cost_trips(
    trips: Sequence[Trip],
    reps: Sequence[RepCosting],
    year_trips: Sequence[Trip],
    *,
    scale: MileageScale,
    rates: Rates,
) -> list[TripCost]:
    """Cost trips at each rep's average scale rate of the trip's calendar year."""
    by_rep = {r.profile.rep_id: r for r in reps}
    km: dict[tuple[int, int, str], float] = defaultdict(float)
    for t in year_trips:
        km[(t.rep_id, t.start_day.year, t.kind)] += t.km
    out = []
    for t in trips:
        rep = by_rep[t.rep_id]
        year = t.start_day.year
        basis = (
            rep.annual_km_estimate
            or km[(t.rep_id, year, "actual")]
            or km[(t.rep_id, year, "planned")]
        )
        p = rep.profile
        rate = rate_per_km(
            scale, basis, fiscal_hp=p.fiscal_hp, vehicle=p.vehicle, electric=p.electric
        )
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
    costs = cost_trips(in_period, reps, year_trips, scale=scale, rates=rates)
    who = reps[0].profile.name if rep_id is not None and reps else "équipe"
    return build_report(
        costs,
        title=title or f"Frais de déplacement — {who}",
        start=start,
        end=end,
        group_by=group_by,
        scale_year=scale.year,
    )


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


MAX_TOLLS_EUR = Decimal(100_000)


def set_tolls(session: Session, *, actor: Actor, trip_id: int, tolls_eur: Decimal) -> None:
    """Record the tolls of a trip (its rep, their manager or an admin); one commit."""
    if not tolls_eur.is_finite() or not 0 <= tolls_eur <= MAX_TOLLS_EUR:
        raise InvalidInput(
            "tolls_eur",
            "montant de péages invalide",
            value=str(tolls_eur),
            allowed=f"0 à {MAX_TOLLS_EUR} €",
        )
    policy.require(actor, "costs.write", owner_id=store.trip_rep(session, trip_id))
    store.set_tolls(session, trip_id, tolls_eur)
    session.commit()


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
