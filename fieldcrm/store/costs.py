"""Travel-cost data in PostGIS: reps' vehicles, checked-in visits, stored plans and trips."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from fieldcrm.costs.derive import Accepted, RepProfile
from fieldcrm.costs.plausible import VisitStop
from fieldcrm.costs.trips import FillIn, NotCounted, ToCheck, Trip
from fieldcrm.errors import NotFound
from fieldcrm.geo import GeoPoint
from fieldcrm.store import plans as plan_rows
from fieldcrm.store.joins import CONFIRMED_LOCATION
from fieldcrm.store.plans import PlanRow
from fieldcrm.store.visits import counted_visit


@dataclass(frozen=True)
class RepCosting:
    """A rep as costing needs it: profile (home, vehicle) and the declared yearly distance."""

    profile: RepProfile
    annual_km_estimate: int | None
    email: str | None = None


def reps(session: Session, rep_ids: Sequence[int] | None = None) -> list[RepCosting]:
    """Active reps with a home point (all of them, or those of ``rep_ids``), by name."""
    rows = session.execute(
        text(
            """SELECT u.id, u.full_name, ST_X(u.home) AS lon, ST_Y(u.home) AS lat,
                      coalesce(m.full_name, '') AS team, coalesce(u.fiscal_hp, 5) AS hp,
                      u.vehicle_kind, u.electric, u.annual_km_estimate, u.email
                 FROM users u LEFT JOIN users m ON m.id = u.manager_id
                WHERE u.role = 'rep' AND u.home IS NOT NULL
                  AND (CAST(:all AS boolean) OR u.id IN :ids)
                ORDER BY u.full_name, u.id"""
        ).bindparams(bindparam("ids", expanding=True)),
        {"all": rep_ids is None, "ids": list(rep_ids or [-1])},
    ).all()
    return [
        RepCosting(
            RepProfile(
                rep_id=r.id,
                name=r.full_name,
                home=GeoPoint(r.lon, r.lat),
                team=r.team,
                fiscal_hp=r.hp,
                vehicle=r.vehicle_kind,
                electric=r.electric,
            ),
            r.annual_km_estimate,
            r.email,
        )
        for r in rows
    ]


def visit_stops(
    session: Session, rep_id: int, start: dt.date, end: dt.date, *, zone: str
) -> list[VisitStop]:
    """The rep's visits between ``start`` and ``end`` (local days of the IANA ``zone``, the
    company's), at the check-in point or the account's (none for an account not located yet),
    with the account's revenue of that month, and whether each counts as a visit
    (:func:`~fieldcrm.store.visits.counted_visit`: a far check-in only with its report)."""
    rows = session.execute(
        text(
            f"""SELECT v.local_at, v.account_id,
                      ST_X(coalesce(v.checkin, a.geom)) AS lon,
                      ST_Y(coalesce(v.checkin, a.geom)) AS lat,
                      a.visit_minutes, coalesce(s.revenue, 0) AS revenue, a.name,
                      v.checkin IS NULL AND NOT ({CONFIRMED_LOCATION}) AS doubtful,
                      {counted_visit("v")} AS counts, v.checkin_distance_m AS distance_m
                 FROM (SELECT *, occurred_at AT TIME ZONE CAST(:zone AS text) AS local_at
                         FROM activities WHERE rep_id = :rep AND kind = 'visit') v
                 JOIN accounts a ON a.id = v.account_id
                 LEFT JOIN monthly_sales s
                   ON s.account_id = v.account_id
                  AND s.month = date_trunc('month', v.local_at)::date
                WHERE v.local_at::date BETWEEN :start AND :end
                ORDER BY v.occurred_at, v.id"""
        ),
        {"rep": rep_id, "start": start, "end": end, "zone": zone},
    ).all()
    return [
        VisitStop(
            r.local_at,
            GeoPoint(r.lon, r.lat) if r.lon is not None else None,
            r.account_id,
            r.visit_minutes,
            r.revenue,
            r.name,
            r.doubtful,
            counts=bool(r.counts),
            distance_m=r.distance_m,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class StoredPlan:
    """The latest plan of a rep starting on a day, and its accepted fill-in proposals."""

    plan_id: int
    result: dict[str, Any]
    accepted: list[Accepted]
    created_at: dt.datetime | None = None
    plan: PlanRow | None = None
    """The plan as it was read, with its proposals (:func:`latest_plans`): its days as booked
    now are derived from it, without reading it again."""


def latest_plans(session: Session, rep_id: int, start: dt.date, end: dt.date) -> list[StoredPlan]:
    """For each day in the period, the rep's most recent plan starting that day, read with
    its proposals (:func:`fieldcrm.store.plans.get_plans`): a few statements for the whole
    period, however many plans."""
    ids = session.execute(
        text(
            """SELECT DISTINCT ON (p.day) p.id
                 FROM plans p
                WHERE p.rep_id = :rep AND p.day BETWEEN :start AND :end
                  AND p.status <> 'cancelled'
                ORDER BY p.day, p.created_at DESC, p.id DESC"""
        ),
        {"rep": rep_id, "start": start, "end": end},
    ).scalars()
    plans = plan_rows.get_plans(session, [int(i) for i in ids])
    if not plans:
        return []
    accepted: dict[int, list[Accepted]] = {p.id: [] for p in plans}
    for r in session.execute(
        text(
            """SELECT pp.plan_id, pp.account_id, a.name, ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat,
                      pp.detour_km
                 FROM plan_proposals pp JOIN accounts a ON a.id = pp.account_id
                WHERE pp.plan_id IN :ids AND pp.status = 'accepted' AND a.geom IS NOT NULL
                ORDER BY pp.id"""
        ).bindparams(bindparam("ids", expanding=True)),
        {"ids": list(accepted)},
    ):
        accepted[r.plan_id].append(
            Accepted(r.account_id, r.name, GeoPoint(r.lon, r.lat), float(r.detour_km))
        )
    return [StoredPlan(p.id, p.result, accepted[p.id], p.created_at, plan=p) for p in plans]


_TRIP_COLUMNS = """t.id, t.rep_id, u.full_name, coalesce(m.full_name, '') AS team, t.kind,
    t.start_day, t.end_day, t.km, t.driving_seconds, t.visiting_seconds, t.visits,
    t.hotel_nights, t.meals, t.tolls_eur, t.revenue_eur, t.saved_km, t.saved_eur,
    t.to_check"""


NOT_A_VISIT = "not_a_visit"
"""The ``kind`` of a ``trips.to_check`` entry that is a check-in left out of the visits
(:attr:`Trip.not_counted`); the entries without a kind are travel to check."""
FILL_IN = "fill_in"
"""The ``kind`` of a ``trips.to_check`` entry that is a planned trip's accepted fill-in
visit, its saving and whether it was made (:attr:`Trip.fill_ins`)."""


def _notes_json(t: Trip) -> str:
    """``trips.to_check`` of ``t``: its travel to check, then its check-ins that are no visit,
    then its fill-in visits (a planned trip's)."""
    return json.dumps(
        [
            {
                "day": c.day.isoformat(),
                "account_id": c.account_id,
                "account": c.account_name,
                "reason": c.reason,
            }
            for c in t.to_check
        ]
        + [
            {
                "kind": NOT_A_VISIT,
                "day": n.day.isoformat(),
                "account_id": n.account_id,
                "account": n.account_name,
                "distance_m": n.distance_m,
                "km_counted": n.km_counted,
            }
            for n in t.not_counted
        ]
        + [
            {
                "kind": FILL_IN,
                "account_id": f.account_id,
                "account": f.account_name,
                "saved_km": f.saved_km,
                "saved_eur": str(f.saved_eur),
                "made": f.made,
            }
            for f in t.fill_ins
        ]
    )


def replace_trips(
    session: Session,
    rep_id: int,
    start: dt.date,
    end: dt.date,
    trips: Sequence[Trip],
    plan_ids: dict[dt.date, int] | None = None,
) -> None:
    """Make the rep's stored trips starting in the period equal ``trips``.

    A trip keeps its id (and the tolls entered by hand) while its kind and first day stay the
    same; trips that no longer happen are deleted, new ones inserted. Trips starting in a
    validated month are frozen: neither changed, deleted nor added.
    """
    frozen = {m for (_, m) in validations(session, [rep_id], start, end)}
    trips = [t for t in trips if t.start_day.replace(day=1) not in frozen]
    existing = {
        (r.kind, r.start_day): r.id
        for r in session.execute(
            text(
                """SELECT id, kind, start_day FROM trips
                    WHERE rep_id = :rep AND start_day BETWEEN :start AND :end"""
            ),
            {"rep": rep_id, "start": start, "end": end},
        )
        if r.start_day.replace(day=1) not in frozen
    }
    rows = [
        {
            "id": existing.pop((t.kind, t.start_day), None),
            "rep": rep_id,
            "plan": (plan_ids or {}).get(t.start_day) if t.kind == "planned" else None,
            "kind": t.kind,
            "start": t.start_day,
            "end": t.end_day,
            "km": t.km,
            "drive": t.driving_s,
            "visit": t.visiting_s,
            "visits": t.visits,
            "nights": t.hotel_nights,
            "meals": t.meals,
            "tolls": t.tolls_eur,
            "revenue": t.revenue_eur,
            "saved_km": t.saved_km,
            "saved_eur": t.saved_eur,
            "to_check": _notes_json(t),
        }
        for t in trips
    ]
    if existing:
        session.execute(
            text("DELETE FROM trips WHERE id IN :ids").bindparams(bindparam("ids", expanding=True)),
            {"ids": list(existing.values())},
        )
    updates = [r for r in rows if r["id"] is not None]
    inserts = [r for r in rows if r["id"] is None]
    if updates:
        session.execute(
            text(
                """UPDATE trips SET plan_id = :plan, end_day = :end, km = :km,
                          driving_seconds = :drive, visiting_seconds = :visit, visits = :visits,
                          hotel_nights = :nights, meals = :meals, revenue_eur = :revenue,
                          saved_km = :saved_km, saved_eur = :saved_eur,
                          to_check = CAST(:to_check AS jsonb)
                    WHERE id = :id"""
            ),
            updates,
        )
    if inserts:
        session.execute(
            text(
                """INSERT INTO trips (rep_id, plan_id, kind, start_day, end_day, km,
                                     driving_seconds, visiting_seconds, visits, hotel_nights,
                                     meals, tolls_eur, revenue_eur, saved_km, saved_eur, to_check)
                   VALUES (:rep, :plan, :kind, :start, :end, :km, :drive, :visit, :visits,
                           :nights, :meals, :tolls, :revenue, :saved_km, :saved_eur,
                           CAST(:to_check AS jsonb))
                   ON CONFLICT (rep_id, kind, start_day) DO UPDATE SET
                       plan_id = excluded.plan_id, end_day = excluded.end_day, km = excluded.km,
                       driving_seconds = excluded.driving_seconds,
                       visiting_seconds = excluded.visiting_seconds, visits = excluded.visits,
                       hotel_nights = excluded.hotel_nights, meals = excluded.meals,
                       revenue_eur = excluded.revenue_eur, saved_km = excluded.saved_km,
                       saved_eur = excluded.saved_eur, to_check = excluded.to_check"""
            ),
            inserts,
        )


def load_trips(
    session: Session, rep_ids: Sequence[int], start: dt.date, end: dt.date
) -> list[Trip]:
    """Stored trips of ``rep_ids`` starting in the period, by day."""
    rows = session.execute(
        text(
            f"""SELECT {_TRIP_COLUMNS}
                  FROM trips t JOIN users u ON u.id = t.rep_id
                  LEFT JOIN users m ON m.id = u.manager_id
                 WHERE t.rep_id IN :reps AND t.start_day BETWEEN :start AND :end
                 ORDER BY t.start_day, t.rep_id, t.kind, t.id"""
        ).bindparams(bindparam("reps", expanding=True)),
        {"reps": list(rep_ids) or [-1], "start": start, "end": end},
    ).all()
    return [
        Trip(
            rep_id=r.rep_id,
            rep_name=r.full_name,
            kind=r.kind,
            start_day=r.start_day,
            end_day=r.end_day,
            km=r.km,
            driving_s=r.driving_seconds,
            visiting_s=r.visiting_seconds,
            visits=r.visits,
            hotel_nights=r.hotel_nights,
            meals=r.meals,
            tolls_eur=Decimal(r.tolls_eur),
            revenue_eur=Decimal(r.revenue_eur),
            saved_km=r.saved_km,
            saved_eur=Decimal(r.saved_eur),
            team=r.team,
            to_check=tuple(
                ToCheck(dt.date.fromisoformat(c["day"]), c["account_id"], c["account"], c["reason"])
                for c in r.to_check or ()
                if "kind" not in c
            ),
            not_counted=tuple(
                NotCounted(
                    dt.date.fromisoformat(c["day"]),
                    c["account_id"],
                    c["account"],
                    c["distance_m"],
                    c.get("km_counted", True),
                )
                for c in r.to_check or ()
                if c.get("kind") == NOT_A_VISIT
            ),
            fill_ins=tuple(
                FillIn(
                    c["account_id"], c["account"], c["saved_km"], Decimal(c["saved_eur"]), c["made"]
                )
                for c in r.to_check or ()
                if c.get("kind") == FILL_IN
            ),
            trip_id=r.id,
        )
        for r in rows
    ]


def visit_years(
    session: Session, account_ids: Sequence[int], *, zone: str
) -> list[tuple[int, int]]:
    """(rep id, year local to ``zone``) of every visit to ``account_ids``: the trips a move of
    theirs changes."""
    rows = session.execute(
        text("""SELECT DISTINCT rep_id,
                       extract(year FROM occurred_at AT TIME ZONE CAST(:zone AS text))::int AS year
                  FROM activities
                 WHERE account_id IN :ids AND kind = 'visit' AND rep_id IS NOT NULL""").bindparams(
            bindparam("ids", expanding=True)
        ),
        {"ids": list(account_ids) or [-1], "zone": zone},
    )
    return [(int(r[0]), int(r[1])) for r in rows]


def stale_years(session: Session, *, zone: str) -> list[tuple[int, int]]:
    """(rep id, year local to ``zone``) whose stored actual trips no longer match the rep's
    visits: a trip whose days now hold another number of visits that count, or of check-ins
    that do not (:func:`~fieldcrm.store.visits.counted_visit`), than it was derived with, or
    a day of visits no trip holds. Whatever changed them (a late report, a pin moved, a
    visit removed with its account), those years need deriving again. Validated months are
    frozen (:func:`replace_trips`): their trips, the days of a month validated and the day
    right after a frozen trip (whose trip would start in the frozen month) are left out; so
    are the users who are no reps with a home any more (their trips are not derived). One
    set-based statement over every visit."""
    rows = session.execute(
        text(
            f"""WITH days AS (
                    SELECT v.rep_id, (v.occurred_at AT TIME ZONE CAST(:zone AS text))::date AS day,
                           count(*) FILTER (WHERE {counted_visit("v")}) AS counted,
                           count(*) FILTER (WHERE NOT {counted_visit("v")}) AS not_counted
                      FROM activities v
                      JOIN users u ON u.id = v.rep_id AND u.role = 'rep' AND u.home IS NOT NULL
                     WHERE v.kind = 'visit'
                     GROUP BY 1, 2),
                actual AS (
                    SELECT t.id, t.rep_id, t.start_day, t.end_day, t.visits,
                           (SELECT count(*) FROM jsonb_array_elements(coalesce(t.to_check, '[]'))
                                                 AS e WHERE e->>'kind' = :not_a_visit)
                               AS not_counted,
                           EXISTS (SELECT 1 FROM month_validations m
                                    WHERE m.rep_id = t.rep_id
                                      AND m.month = date_trunc('month', t.start_day)::date)
                               AS frozen
                      FROM trips t
                      JOIN users u ON u.id = t.rep_id AND u.role = 'rep' AND u.home IS NOT NULL
                     WHERE t.kind = 'actual'),
                placed AS (
                    SELECT d.*, t.id AS trip_id
                      FROM days d LEFT JOIN actual t
                        ON t.rep_id = d.rep_id AND d.day BETWEEN t.start_day AND t.end_day)
                SELECT p.rep_id, extract(year FROM p.day)::int AS year
                  FROM placed p
                 WHERE p.trip_id IS NULL
                   AND NOT EXISTS (SELECT 1 FROM month_validations m
                                    WHERE m.rep_id = p.rep_id
                                      AND m.month = date_trunc('month', p.day)::date)
                   -- the morning after a frozen trip: deriving again would start its trip
                   -- in the validated month, which is kept as it is
                   AND NOT EXISTS (SELECT 1 FROM actual f
                                    WHERE f.rep_id = p.rep_id AND f.frozen
                                      AND f.end_day = p.day - 1)
                UNION
                SELECT t.rep_id, extract(year FROM t.start_day)::int
                  FROM actual t
                  LEFT JOIN (SELECT trip_id, sum(counted) AS counted,
                                    sum(not_counted) AS not_counted
                               FROM placed GROUP BY trip_id) s ON s.trip_id = t.id
                 WHERE NOT t.frozen
                   AND (coalesce(s.counted, 0), coalesce(s.not_counted, 0))
                       IS DISTINCT FROM (t.visits, t.not_counted)
                ORDER BY 1, 2"""
        ),
        {"zone": zone, "not_a_visit": NOT_A_VISIT},
    )
    return [(int(r[0]), int(r[1])) for r in rows]


def year_km(session: Session, rep_id: int, year: int) -> tuple[float, float]:
    """(actual, planned) kilometres of the rep's stored trips starting in ``year``."""
    row = session.execute(
        text("""SELECT coalesce(sum(km) FILTER (WHERE kind = 'actual'), 0),
                       coalesce(sum(km) FILTER (WHERE kind = 'planned'), 0)
                  FROM trips WHERE rep_id = :rep AND start_day BETWEEN :first AND :last"""),
        {"rep": rep_id, "first": dt.date(year, 1, 1), "last": dt.date(year, 12, 31)},
    ).one()
    return float(row[0]), float(row[1])


def trip_rep_day(session: Session, trip_id: int) -> tuple[int, dt.date]:
    """(rep id, first day) of a trip; :class:`NotFound` if there is none."""
    row = session.execute(
        text("SELECT rep_id, start_day FROM trips WHERE id = :id"), {"id": trip_id}
    ).first()
    if row is None:
        raise NotFound("trip", trip_id)
    return int(row[0]), row[1]


def set_tolls(session: Session, trip_id: int, tolls_eur: Decimal) -> None:
    """Record the tolls paid on a trip."""
    session.execute(
        text("UPDATE trips SET tolls_eur = :tolls WHERE id = :id"),
        {"id": trip_id, "tolls": tolls_eur},
    )


@dataclass(frozen=True)
class Validation:
    """A validated month of a rep: who, when, and the km rate frozen with it."""

    rep_id: int
    month: dt.date
    by_name: str
    at: dt.datetime
    rate_per_km: Decimal


@dataclass(frozen=True)
class Adjustment:
    """A change to a validated month, with its author and reason."""

    id: int
    rep_id: int
    rep_name: str
    month: dt.date
    amount_eur: Decimal
    reason: str
    author_name: str
    at: dt.datetime


def validations(
    session: Session, rep_ids: Sequence[int], start: dt.date, end: dt.date
) -> dict[tuple[int, dt.date], Validation]:
    """Validated months of ``rep_ids`` touching the period, by (rep, first day of month)."""
    rows = session.execute(
        text("""SELECT v.rep_id, v.month, coalesce(u.full_name, '') AS by_name,
                       v.validated_at, v.rate_per_km
                  FROM month_validations v LEFT JOIN users u ON u.id = v.validated_by
                 WHERE v.rep_id IN :reps AND v.month BETWEEN :first AND :end""").bindparams(
            bindparam("reps", expanding=True)
        ),
        {"reps": list(rep_ids) or [-1], "first": start.replace(day=1), "end": end},
    )
    return {
        (r.rep_id, r.month): Validation(
            r.rep_id, r.month, r.by_name, r.validated_at, Decimal(r.rate_per_km)
        )
        for r in rows
    }


def validate_month(
    session: Session, rep_id: int, month: dt.date, *, by: int | None, rate_per_km: Decimal
) -> bool:
    """Freeze the rep's month at ``rate_per_km``; False if it already was."""
    row = session.execute(
        text("""INSERT INTO month_validations (rep_id, month, validated_by, rate_per_km)
                VALUES (:rep, :month, :by, :rate) ON CONFLICT DO NOTHING RETURNING rep_id"""),
        {"rep": rep_id, "month": month, "by": by, "rate": rate_per_km},
    ).first()
    return row is not None


def add_adjustment(
    session: Session,
    rep_id: int,
    month: dt.date,
    *,
    amount_eur: Decimal,
    reason: str,
    author: int | None,
) -> int:
    """Record a change to a validated month; its id."""
    row = session.execute(
        text("""INSERT INTO cost_adjustments (rep_id, month, amount_eur, reason, author_id)
                VALUES (:rep, :month, :amount, :reason, :author) RETURNING id"""),
        {"rep": rep_id, "month": month, "amount": amount_eur, "reason": reason, "author": author},
    ).one()
    return int(row[0])


def adjustments(
    session: Session, rep_ids: Sequence[int], start: dt.date, end: dt.date
) -> list[Adjustment]:
    """Adjustments of validated months of ``rep_ids`` touching the period, oldest first."""
    rows = session.execute(
        text("""SELECT c.id, c.rep_id, r.full_name AS rep_name, c.month, c.amount_eur, c.reason,
                       coalesce(a.full_name, '') AS author_name, c.created_at
                  FROM cost_adjustments c JOIN users r ON r.id = c.rep_id
                  LEFT JOIN users a ON a.id = c.author_id
                 WHERE c.rep_id IN :reps AND c.month BETWEEN :first AND :end
                 ORDER BY c.created_at, c.id""").bindparams(bindparam("reps", expanding=True)),
        {"reps": list(rep_ids) or [-1], "first": start.replace(day=1), "end": end},
    )
    return [
        Adjustment(
            r.id,
            r.rep_id,
            r.rep_name,
            r.month,
            Decimal(r.amount_eur),
            r.reason,
            r.author_name,
            r.created_at,
        )
        for r in rows
    ]
