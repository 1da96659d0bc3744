"""Planning data: the rep's day, candidates in a corridor, stored plans and their proposals.

Set-based SQL; PostGIS does the spatial filter (the exact intersection test against the
corridor's pieces, after the box of each piece on the GiST index of the account points,
read index-only: migration 0020). Returns plain dataclasses and never commits.

A proposal's ``slot_start``/``slot_end`` are the earliest and latest *start* of the visit that
keep the rest of the plan feasible; accepting books an appointment starting at ``slot_start``
(or at a chosen start inside the slot) for the account's visit duration.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from fieldcrm.errors import Conflict, NotFound
from fieldcrm.store.intervals import visited_not_due
from fieldcrm.store.joins import (
    ASSIGNMENT_JOIN,
    CONFIRMED_LOCATION,
    PRIORITY_JOIN,
    owner_filter,
)
from fieldcrm.store.visits import counted_visit

PARIS = ZoneInfo("Europe/Paris")
"""The default of the setting ``scoring_timezone``, for tests. The product never reads it:
the queries here take the company's zone from their caller, the services from the setting
(:func:`fieldcrm.services.plan_dates.company_zone`)."""
NEVER = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
"""A bound no row reaches (an exclusion that is not asked for)."""
PROPOSAL_STATUSES = ("proposed", "accepted", "rejected")
FALLBACK_SCORE_MAX = 30.0
"""A candidate without a priority index scores up to this, by its potential (see query)."""
FALLBACK_SCORE_MIN = 1.0
"""Every candidate is worth at least this, so that an unscored prospect can be proposed."""


@dataclass(frozen=True)
class RepRow:
    """The planning-relevant profile of a rep."""

    id: int
    full_name: str
    role: str
    home_lon: float | None
    home_lat: float | None
    home_address: str | None
    work_start: dt.time | None
    work_end: dt.time | None
    lunch_minutes: int
    max_driving_minutes: int | None
    fiscal_hp: int | None
    electric: bool
    vehicle_kind: str
    annual_km_estimate: int | None


@dataclass(frozen=True)
class AppointmentRow:
    """A fixed appointment of the rep."""

    id: int
    account_id: int | None
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    address: str | None
    lon: float | None
    lat: float | None
    status: str


@dataclass(frozen=True)
class CandidateRow:
    """An account that may be proposed: inside the corridor and visible to the rep."""

    id: int
    name: str
    kind: str
    owner_id: int | None
    city: str | None
    lon: float
    lat: float
    score: float
    """The stored priority index if set, else the potential-based fallback."""
    scored_by: str
    """``"priority"`` or ``"potential"``."""
    visit_minutes: int
    opening_hours: dict[str, Any] | None
    detour_m: float | None = None
    """Out-and-back distance to the route, when candidates are ranked by value per detour."""
    postcode: str | None = None
    """The account's postcode, where it is read (its département tells where it lies)."""


@dataclass(frozen=True)
class NewProposal:
    """A proposal to store with a plan."""

    account_id: int
    slot_start: dt.datetime
    slot_end: dt.datetime
    detour_minutes: float
    detour_km: float
    reason: str | None = None
    reason_parts: tuple[dict[str, Any], ...] = ()
    """The reason as data in no language (stored with the plan's result, under
    ``reasons``, for the pages to say it in the reader's language)."""


@dataclass(frozen=True)
class ProposalRow:
    """A stored proposal, with the plan's rep and the account's name and visit duration."""

    id: int
    plan_id: int
    rep_id: int
    account_id: int
    account_name: str
    visit_minutes: int
    slot_start: dt.datetime
    slot_end: dt.datetime
    detour_minutes: float
    detour_km: float
    reason: str | None
    status: str
    decided_at: dt.datetime | None


@dataclass(frozen=True)
class PlanRow:
    """A stored plan with its proposals."""

    id: int
    rep_id: int
    kind: str
    day: dt.date
    end_day: dt.date | None
    status: str
    request: dict[str, Any]
    result: dict[str, Any]
    created_by: int | None
    created_at: dt.datetime
    proposals: list[ProposalRow]


def get_rep(session: Session, rep_id: int) -> RepRow:
    """The rep's planning profile; :class:`NotFound` for an unknown or inactive user."""
    row = session.execute(
        text(
            """SELECT id, full_name, role, ST_X(home) AS home_lon, ST_Y(home) AS home_lat,
                      home_address, work_start, work_end, lunch_minutes, max_driving_minutes,
                      fiscal_hp, electric, vehicle_kind, annual_km_estimate
               FROM users WHERE id = :id AND active"""
        ),
        {"id": rep_id},
    ).first()
    if row is None:
        raise NotFound("rep", rep_id)
    return RepRow(**row._mapping)


def appointments(
    session: Session, *, rep_id: int, first_day: dt.date, last_day: dt.date, tz: str
) -> list[AppointmentRow]:
    """The rep's appointments starting on ``first_day`` .. ``last_day`` in the time zone
    ``tz`` (the company's: the setting ``scoring_timezone``), in order.

    Cancelled appointments are left out.
    """
    zone = ZoneInfo(tz)
    start = dt.datetime.combine(first_day, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    rows = session.execute(
        text(
            """SELECT id, account_id, title, starts_at, ends_at, address,
                      ST_X(geom) AS lon, ST_Y(geom) AS lat, status
               FROM appointments
               WHERE rep_id = :rep AND starts_at >= :start AND starts_at < :end
                 AND status <> 'cancelled'
               ORDER BY starts_at, id"""
        ),
        {"rep": rep_id, "start": start, "end": end},
    ).all()
    return [AppointmentRow(**r._mapping) for r in rows]


@dataclass(frozen=True)
class RouteForRanking:
    """The route candidates are ranked along: a line in a local plane where a degree of
    longitude is ``kx`` metres and a degree of latitude ``ky``; ``floor_m`` is added to
    every detour (see :mod:`fieldcrm.routing.corridor`)."""

    wkt: str
    kx: float
    ky: float
    floor_m: float
    max_detour_m: float | None = None
    """Only accounts whose detour is at most this (a band of the corridor), if given."""


def candidates_in(
    session: Session,
    *,
    rep_id: int,
    polygon_wkt: str | Sequence[str],
    exclude_ids: Sequence[int] = (),
    limit: int = 60,
    rejected_since: dt.datetime | None = None,
    rejected_for: tuple[dt.datetime, dt.datetime] | None = None,
    booked_between: tuple[dt.datetime, dt.datetime] | None = None,
    route: RouteForRanking | None = None,
    due_on: dt.date | None = None,
    tz: str | None = None,
    owned_only: bool = False,
) -> list[CandidateRow]:
    """Accounts inside ``polygon_wkt`` (EPSG:4326; or the union of several pieces, each read
    on the spatial index by its own small box) that the rep may visit, best first.

    Left out: accounts whose location is not confirmed (``CONFIRMED_LOCATION``: "à vérifier"
    until someone confirms it; ``corridor_points.confirmed``, its copy read here); and, so that decisions stick, accounts whose proposal to this
    rep was rejected at or after ``rejected_since`` or was for a slot starting within
    ``rejected_for``, and accounts with an appointment (not cancelled, any rep) starting
    within ``booked_between``; with ``due_on``, accounts visited so recently they are not
    due again on that day (:func:`fieldcrm.store.intervals.visited_not_due`), the days of
    visits read in the time zone ``tz`` (the company's, required with ``due_on``).

    Visible to the rep: the rep's own accounts and unassigned prospects (with
    ``owned_only``, the rep's own accounts only, read by owner rather than by place: a
    portfolio over the whole country is a few thousand rows where the country holds
    millions; ``ix_corridor_points_owner``, migration 0027). The score is
    the stored priority index when the scoring job has set it, otherwise
    ``FALLBACK_SCORE_MAX × potential / (largest potential among these candidates)``; both are
    floored at :data:`FALLBACK_SCORE_MIN`. At most ``limit`` rows, by score then id; with a
    ``route``, by value per detour: ``score / (detour_m + floor_m)`` then id, where
    ``detour_m`` is twice the distance from the account to the route in the route's plane
    (:class:`RouteForRanking`; the rule of :mod:`fieldcrm.routing.corridor`).
    """
    if due_on is not None and tz is None:
        raise ValueError("due_on needs tz: the time zone a visit's day is read in")
    # A short query: JIT compilation would cost more than it saves.
    session.execute(text("SET LOCAL jit = off"))
    detour, value, within = "NULL::float8", "score", "true"
    if route is not None and route.max_detour_m is not None:
        within = "a.detour_m <= :max_detour"
    if route is not None:
        detour = "2 * ST_Distance(ST_MakePoint(lon * :kx, lat * :ky), ST_GeomFromText(:route, 0))"
        value = "score / (detour_m + :detour_floor)"
    pieces = [polygon_wkt] if isinstance(polygon_wkt, str) else list(polygon_wkt)
    # By place (the GiST) or, for the rep's own accounts, by owner: the box test is left out
    # there, or the planner, which cannot size a box known only at run time, takes the GiST
    # and reads the whole zone (a country: a million rows) for a few thousand.
    placed_in = "_ST_Intersects(c.geom, w.piece)"
    if not owned_only:
        placed_in = f"CAST(c.geom AS point) <@ w.frame AND {placed_in}"
    # Where the time goes (bench/README.md, corridor): every account of the zone is read once,
    # index-only on the GiST of ``corridor_points`` (migration 0023: the point with its kind,
    # potential, owner and score beside it, kept by triggers), narrow (no name, opening
    # hours...); the pieces are parsed once (not per row), and only the ``limit`` rows kept
    # are read whole.
    result = session.execute(
        text(
            f"""WITH zone AS MATERIALIZED (
                 SELECT piece, CAST(piece AS box) AS frame
                 FROM unnest(CAST(:pieces AS text[])) AS w(wkt),
                      ST_GeomFromText(w.wkt, 4326) AS piece
               ), near AS MATERIALIZED (
                 -- the point's box, then the exact test on the included geometry
                 -- (_ST_Intersects keeps the planner off a geometry index, which would read
                 -- each row from the table)
                 SELECT DISTINCT ON (c.account_id) c.account_id AS id, c.kind,
                        ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, c.potential,
                        c.owner_id, c.score AS priority_score
                 FROM zone w
                 JOIN corridor_points c
                   ON {placed_in}
                 WHERE c.confirmed{" AND c.owner_id = :rep" if owned_only else ""}
                 ORDER BY c.account_id
               ), placed AS MATERIALIZED (
                 SELECT *, {detour} AS detour_m FROM near
               ), inside AS (
                 SELECT a.id, a.owner_id, a.lon, a.lat, a.detour_m, a.priority_score,
                        a.potential
                 FROM placed a
                 WHERE {within}
                   AND {owner_filter([rep_id], unassigned_prospects=not owned_only, row="a")}
                   AND NOT (a.id = ANY(:exclude))
                   AND NOT EXISTS (
                     SELECT 1 FROM plan_proposals pp JOIN plans pl ON pl.id = pp.plan_id
                     WHERE pp.account_id = a.id AND pl.rep_id = :rep
                       AND pp.status = 'rejected'
                       AND (pp.decided_at >= :rejected_since
                            OR (pp.slot_start >= :rejected_from
                                AND pp.slot_start < :rejected_until)))
                   AND NOT EXISTS (
                     SELECT 1 FROM appointments ap
                     WHERE ap.account_id = a.id AND ap.status <> 'cancelled'
                       AND ap.starts_at >= :booked_from AND ap.starts_at < :booked_until)
               ), scored AS (
                 SELECT id, owner_id, lon, lat, detour_m,
                        CASE WHEN priority_score IS NOT NULL THEN 'priority' ELSE 'potential' END
                          AS scored_by,
                        greatest(:floor, coalesce(
                          priority_score,
                          :cap * potential / nullif(max(potential) OVER (), 0),
                          0))::float8 AS score
                 FROM inside i
                 WHERE CAST(:due_on AS date) IS NULL
                    OR NOT {visited_not_due("i.id", "CAST(:due_on AS date)", ":tz")}
               ), best AS (
                 SELECT *, {value} AS value FROM scored
                 ORDER BY value DESC, id
                 LIMIT :limit
               )
               SELECT b.id, a.name, a.kind, b.owner_id, a.city, b.lon, b.lat, b.score,
                      b.scored_by, a.visit_minutes, a.opening_hours, b.detour_m, a.postcode
               FROM best b JOIN accounts a ON a.id = b.id
               ORDER BY b.value DESC, b.id"""
        ),
        {
            "pieces": pieces,
            "owners": [rep_id],
            "exclude": list(exclude_ids),
            "rep": rep_id,
            "rejected_since": rejected_since or NEVER,
            "rejected_from": (rejected_for or (NEVER, NEVER))[0],
            "rejected_until": (rejected_for or (NEVER, NEVER))[1],
            "booked_from": (booked_between or (NEVER, NEVER))[0],
            "booked_until": (booked_between or (NEVER, NEVER))[1],
            "floor": FALLBACK_SCORE_MIN,
            "cap": FALLBACK_SCORE_MAX,
            "limit": limit,
            "due_on": due_on,
            "tz": tz or "UTC",  # read only with due_on, which requires tz
        }
        | (
            {
                "route": route.wkt,
                "kx": route.kx,
                "ky": route.ky,
                "detour_floor": route.floor_m,
                "max_detour": route.max_detour_m,
            }
            if route
            else {}
        ),
    )
    names = list(result.keys())  # once, not per row (567 rows: a few ms)
    return [CandidateRow(**dict(zip(names, r, strict=True))) for r in result]


def save_plan(
    session: Session,
    *,
    rep_id: int,
    kind: str,
    day: dt.date,
    end_day: dt.date | None,
    request: dict[str, Any],
    result: dict[str, Any],
    created_by: int | None,
    proposals: Sequence[NewProposal] = (),
) -> int:
    """Insert a plan and its proposals; return the plan id (flushed, not committed)."""
    plan_id = session.execute(
        text(
            """INSERT INTO plans (rep_id, kind, day, end_day, status, request, result, created_by)
               VALUES (:rep, :kind, :day, :end_day, 'proposed', CAST(:req AS jsonb),
                       CAST(:res AS jsonb), :by)
               RETURNING id"""
        ),
        {
            "rep": rep_id,
            "kind": kind,
            "day": day,
            "end_day": end_day,
            "req": json.dumps(request, default=str),
            "res": json.dumps(result, default=str),
            "by": created_by,
        },
    ).scalar_one()
    if proposals:
        session.execute(
            text(
                """INSERT INTO plan_proposals (plan_id, account_id, slot_start, slot_end,
                                              detour_minutes, detour_km, reason, status)
                   VALUES (:plan, :account, :start, :end, :minutes, :km, :reason, 'proposed')"""
            ),
            [
                {
                    "plan": plan_id,
                    "account": p.account_id,
                    "start": p.slot_start,
                    "end": p.slot_end,
                    "minutes": p.detour_minutes,
                    "km": p.detour_km,
                    "reason": p.reason,
                }
                for p in proposals
            ],
        )
    return int(plan_id)


_PROPOSAL_SELECT = """SELECT p.id, p.plan_id, pl.rep_id, p.account_id, a.name AS account_name,
       a.visit_minutes, p.slot_start, p.slot_end, p.detour_minutes, p.detour_km, p.reason,
       p.status, p.decided_at
    FROM plan_proposals p JOIN plans pl ON pl.id = p.plan_id JOIN accounts a ON a.id = p.account_id"""


def get_plan(session: Session, plan_id: int) -> PlanRow:
    """A stored plan with its proposals (by slot start); :class:`NotFound` if unknown."""
    found = get_plans(session, [plan_id])
    if not found:
        raise NotFound("plan", plan_id)
    return found[0]


def get_plans(session: Session, plan_ids: Sequence[int]) -> list[PlanRow]:
    """The stored plans ``plan_ids`` with their proposals (by slot start), in that order,
    unknown ids left out: two statements however many plans."""
    if not plan_ids:
        return []
    rows = session.execute(
        text(f"{_PLAN_SELECT} WHERE id IN :ids").bindparams(bindparam("ids", expanding=True)),
        {"ids": list(plan_ids)},
    ).all()
    by_id = {p.id: p for p in _with_proposals(session, rows)}
    return [by_id[i] for i in plan_ids if i in by_id]


_PLAN_SELECT = """SELECT id, rep_id, kind, day, end_day, status, request, result, created_by,
       created_at FROM plans"""


def _with_proposals(session: Session, rows: Sequence[Any]) -> list[PlanRow]:
    """The plans of ``rows`` (:data:`_PLAN_SELECT`'s, in their order), each with its
    proposals by slot start: one statement for them all."""
    proposals: dict[int, list[ProposalRow]] = {r.id: [] for r in rows}
    if proposals:
        for p in session.execute(
            text(
                f"{_PROPOSAL_SELECT} WHERE p.plan_id IN :ids ORDER BY p.slot_start, p.id"
            ).bindparams(bindparam("ids", expanding=True)),
            {"ids": list(proposals)},
        ):
            proposals[p.plan_id].append(ProposalRow(**p._mapping))
    return [PlanRow(**r._mapping, proposals=proposals[r.id]) for r in rows]


def list_plans(
    session: Session, *, rep_id: int, day: dt.date | None = None, limit: int = 20
) -> list[PlanRow]:
    """The rep's latest plans (covering ``day`` if given), newest first: two statements
    however many plans (the plans, their proposals)."""
    rows = session.execute(
        text(
            f"""{_PLAN_SELECT} WHERE rep_id = :rep
                 AND (CAST(:day AS date) IS NULL
                      OR CAST(:day AS date) BETWEEN day AND coalesce(end_day, day))
               ORDER BY created_at DESC, id DESC LIMIT :limit"""
        ),
        {"rep": rep_id, "day": day, "limit": limit},
    ).all()
    return _with_proposals(session, rows)


def get_proposal(session: Session, proposal_id: int, *, for_update: bool = False) -> ProposalRow:
    """One proposal with its plan's rep; :class:`NotFound` if unknown."""
    lock = " FOR UPDATE OF p" if for_update else ""
    row = session.execute(
        text(f"{_PROPOSAL_SELECT} WHERE p.id = :id{lock}"), {"id": proposal_id}
    ).first()
    if row is None:
        raise NotFound("proposal", proposal_id)
    return ProposalRow(**row._mapping)


def decide_proposal(
    session: Session,
    proposal_id: int,
    *,
    accept: bool,
    start: dt.datetime | None = None,
    slot: tuple[dt.datetime, dt.datetime] | None = None,
) -> tuple[ProposalRow, int | None]:
    """Accept or reject a proposal still ``proposed``; return it and the new appointment id.

    Accepting inserts an appointment for the plan's rep at ``start`` (default: the slot's
    earliest start; it must lie in the slot: ``slot`` if given, its slot now that others of
    its plan were decided, else the stored one) lasting the account's visit duration, at
    the account's place, linked to the proposal. A proposal already decided raises
    :class:`Conflict`.
    """
    proposal = get_proposal(session, proposal_id, for_update=True)
    if proposal.status != "proposed":
        raise Conflict(f"proposal {proposal_id} is already {proposal.status}")
    appointment_id: int | None = None
    if accept:
        first, last = slot or (proposal.slot_start, proposal.slot_end)
        begin = start or first
        if begin.tzinfo is None:  # the service says whose wall clock it is
            raise ValueError(f"start {begin.isoformat()} has no time zone")
        if not (first <= begin <= last):
            raise Conflict(
                f"start {begin.isoformat()} is outside the bookable slot "
                f"{first.isoformat()}–{last.isoformat()}"
            )
        appointment_id = session.execute(
            text(
                """INSERT INTO appointments (rep_id, account_id, title, starts_at, ends_at,
                                            address, geom, status)
                   SELECT :rep, a.id, 'Visite ' || a.name, :start,
                          CAST(:start AS timestamptz) + make_interval(mins => a.visit_minutes),
                          concat_ws(', ', a.address_line1, concat_ws(' ', a.postcode, a.city)),
                          a.geom, 'confirmed'
                   FROM accounts a WHERE a.id = :account
                   RETURNING id"""
            ),
            {"rep": proposal.rep_id, "start": begin, "account": proposal.account_id},
        ).scalar_one()
        mark_booked(session, proposal_id, int(appointment_id))
    else:
        session.execute(
            text(
                """UPDATE plan_proposals SET status = 'rejected', decided_at = now()
                   WHERE id = :id"""
            ),
            {"id": proposal_id},
        )
    return get_proposal(session, proposal_id), (
        int(appointment_id) if appointment_id is not None else None
    )


def mark_booked(session: Session, proposal_id: int, appointment_id: int) -> bool:
    """Mark the proposal ``proposal_id``, if still ``proposed``, as booked by the appointment
    ``appointment_id``: the proposal ``accepted`` (decided now), the appointment linked to it.
    One mark for every way of booking a proposed visit: accepting it
    (:func:`decide_proposal`) or booking its account on its day from the agenda
    (:func:`fieldcrm.services.appointments.book_proposed`). Whether it was marked."""
    row = session.execute(
        text(
            """UPDATE plan_proposals SET status = 'accepted', decided_at = now()
               WHERE id = :id AND status = 'proposed' RETURNING id"""
        ),
        {"id": proposal_id},
    ).first()
    if row is None:
        return False
    session.execute(
        text("UPDATE appointments SET proposal_id = :proposal WHERE id = :id"),
        {"proposal": proposal_id, "id": appointment_id},
    )
    return True


def reopen_proposal(session: Session, proposal_id: int) -> bool:
    """Put an accepted proposal back to ``proposed`` (``decided_at`` cleared): the appointment
    it booked was cancelled. Whether it was accepted (and is now open again)."""
    row = session.execute(
        text(
            """UPDATE plan_proposals SET status = 'proposed', decided_at = NULL
               WHERE id = :id AND status = 'accepted' RETURNING id"""
        ),
        {"id": proposal_id},
    ).first()
    return row is not None


def open_proposals(
    session: Session, *, rep_id: int, first: dt.datetime, last: dt.datetime, tz: str
) -> list[ProposalRow]:
    """Proposals still open (neither accepted nor rejected) of the rep's latest plan of each
    day (a slot's day read in the time zone ``tz``, the company's), with slots starting in
    ``[first, last)``: visits planned but not booked."""
    rows = session.execute(
        text(f"""{_PROPOSAL_SELECT}
                 WHERE pl.rep_id = :rep AND p.status = 'proposed' AND pl.status <> 'cancelled'
                   AND p.slot_start >= :first AND p.slot_start < :last
                   AND pl.id = (SELECT l.id FROM plans l WHERE l.rep_id = pl.rep_id
                                  AND l.status <> 'cancelled'
                                  AND (p.slot_start AT TIME ZONE :tz)::date
                                      BETWEEN l.day AND coalesce(l.end_day, l.day)
                                ORDER BY l.created_at DESC, l.id DESC LIMIT 1)
                 ORDER BY p.slot_start, p.id"""),
        {"rep": rep_id, "first": first, "last": last, "tz": tz},
    ).all()
    return [ProposalRow(**r._mapping) for r in rows]


def located_accounts(session: Session, account_ids: Sequence[int]) -> dict[int, CandidateRow]:
    """Accounts as visits to place, by id (left out: unknown, or location not confirmed)."""
    rows = session.execute(
        text(f"""SELECT a.id, a.name, a.kind, asg.owner_id, a.city,
                        ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat,
                        coalesce(ap.score, {FALLBACK_SCORE_MIN})::float8 AS score,
                        CASE WHEN ap.score IS NULL THEN 'potential' ELSE 'priority' END AS scored_by,
                        a.visit_minutes, a.opening_hours
                 FROM accounts a {ASSIGNMENT_JOIN} {PRIORITY_JOIN}
                 WHERE a.id = ANY(:ids) AND {CONFIRMED_LOCATION}"""),
        {"ids": list(account_ids)},
    )
    return {r.id: CandidateRow(**r._mapping) for r in rows}


def located_account(session: Session, account_id: int) -> CandidateRow | None:
    """One account as a visit to place (None if unknown or its location is not confirmed)."""
    return located_accounts(session, [account_id]).get(account_id)


@dataclass(frozen=True)
class VisitFacts:
    """What a proposal's reason says about an account (all true as of ``as_of``)."""

    account_id: int
    potential_eur_month: float | None
    revenue_12m: float
    revenue_previous_12m: float
    last_visit: dt.date | None


def visit_facts(
    session: Session, account_ids: Sequence[int], *, as_of: dt.date, tz: str
) -> dict[int, VisitFacts]:
    """Potential, revenue of the last 12 months against the 12 before (months before
    ``as_of``'s month) and last visit (its day in the time zone ``tz``, the company's), per
    account."""
    if not account_ids:
        return {}
    month = as_of.replace(day=1)
    rows = session.execute(
        text(f"""
        SELECT a.id, a.potential_eur_month::float8 AS potential,
               coalesce((SELECT sum(m.revenue)::float8 FROM monthly_sales m
                         WHERE m.account_id = a.id AND m.month >= :y1 AND m.month < :m0), 0)
                 AS revenue_12m,
               coalesce((SELECT sum(m.revenue)::float8 FROM monthly_sales m
                         WHERE m.account_id = a.id AND m.month >= :y2 AND m.month < :y1), 0)
                 AS revenue_previous_12m,
               (SELECT max(v.occurred_at AT TIME ZONE :tz)::date FROM activities v
                WHERE v.account_id = a.id AND {counted_visit("v")}
                  AND (v.occurred_at AT TIME ZONE :tz)::date <= :as_of) AS last_visit
        FROM accounts a WHERE a.id = ANY(:ids)"""),
        {
            "ids": list(account_ids),
            "m0": month,
            "y1": _months_before(month, 12),
            "y2": _months_before(month, 24),
            "as_of": as_of,
            "tz": tz,
        },
    )
    return {
        r.id: VisitFacts(r.id, r.potential, r.revenue_12m, r.revenue_previous_12m, r.last_visit)
        for r in rows
    }


def _months_before(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 1)
