"""The accounts map at any zoom: the database groups accounts so a phone draws a few hundred shapes.

At street level (or when the viewport holds few accounts) the points themselves come back; above
that, one circle per grid cell with its count. 50 000 accounts cost the browser no more than 500.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.errors import InvalidInput, Problem
from fieldcrm.scoring.rules import BANDS
from fieldcrm.services import accounts
from fieldcrm.store import account_map as store
from fieldcrm.store import users as users_store

MAX_POINTS = 500
"""Above this many accounts in view, clusters are sent instead of points."""
CELLS_ACROSS = 12
"""Grid cells across the viewport's width when clustering."""


@dataclass(frozen=True)
class AccountMap:
    """What the viewport shows: either ``points`` or ``clusters``, and the total."""

    total: int
    points: list[store.MapPoint]
    clusters: list[store.MapCluster]


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """``"min_lon,min_lat,max_lon,max_lat"`` → floats, checked; :class:`InvalidInput` naming ``bbox``."""
    parts = value.split(",")
    allowed = "min_lon,min_lat,max_lon,max_lat in degrees"
    try:
        x0, y0, x1, y1 = (float(p) for p in parts)
    except ValueError:
        raise InvalidInput(
            "bbox", "four comma-separated numbers expected", value=value, allowed=allowed
        ) from None
    problems = []
    if not (-180 <= x0 < x1 <= 180):
        problems.append(Problem("bbox", "longitudes out of order or range", value, allowed))
    if not (-90 <= y0 < y1 <= 90):
        problems.append(Problem("bbox", "latitudes out of order or range", value, allowed))
    InvalidInput.collect(problems)
    return x0, y0, x1, y1


KINDS = ("client", "prospect")
MAX_DAYS = 3650


def make_filter(
    *,
    query: str | None = None,
    rep: int | None = None,
    territory: int | None = None,
    band: str | None = None,
    kind: str | None = None,
    qualification: str | None = None,
    sector: str | None = None,
    not_visited_days: int | None = None,
    now: dt.datetime,
) -> store.MapFilter:
    """The filter of the accounts list and its map from a request's values (empty strings
    mean "any"; ``query``: the search box), checked at once; :class:`InvalidInput` naming
    every faulty field."""
    problems = []
    if band and band not in BANDS:
        problems.append(Problem("band", "unknown priority band", band, ", ".join(BANDS)))
    if kind and kind not in KINDS:
        problems.append(Problem("kind", "unknown kind", kind, ", ".join(KINDS)))
    if not_visited_days is not None and not 1 <= not_visited_days <= MAX_DAYS:
        problems.append(
            Problem("not_visited_days", "out of range", not_visited_days, f"1 to {MAX_DAYS}")
        )
    if rep is not None and rep < 0:
        problems.append(Problem("rep", "out of range", rep, "0 (no rep) or a user id"))
    InvalidInput.collect(problems)
    return store.MapFilter(
        query=query.strip() if query and query.strip() else None,
        owner_id=rep,
        territory_id=territory,
        band=band or None,
        kind=kind or None,
        qualification=qualification or None,
        sector=sector or None,
        visited_before=(
            now - dt.timedelta(days=not_visited_days) if not_visited_days is not None else None
        ),
    )


def account_map(
    session: Session,
    *,
    actor: Actor,
    bbox: tuple[float, float, float, float],
    filters: store.MapFilter | None = None,
) -> AccountMap:
    """Accounts the actor may see inside ``bbox`` (and ``filters``), as points or as grid clusters."""
    policy.require(actor, "account.read", owner_id=actor.id)  # their own scope; SQL filters it
    scope = accounts.owner_scope(actor)
    total = store.count_in(session, bbox, **scope, filters=filters)
    if total <= MAX_POINTS:
        points = store.points_in(session, bbox, **scope, limit=MAX_POINTS, filters=filters)
        return AccountMap(total, points, [])
    cell = (bbox[2] - bbox[0]) / CELLS_ACROSS
    clusters = store.clusters_in(session, bbox, **scope, cell_deg=cell, filters=filters)
    return AccountMap(total, [], clusters)


def map_adds_unowned(actor: Actor) -> bool:
    """Whether ``actor``'s map shows accounts their list does not: a rep's map adds the
    prospects nobody owns (to pick them up); a manager's list holds those already."""
    scope = accounts.owner_scope(actor)
    return scope["owner_ids"] is not None and not scope["unowned"]


def filter_choices(session: Session, *, actor: Actor) -> tuple[list[str], list[str]]:
    """Qualifications and sectors to offer in the map's filters."""
    policy.require(actor, "account.read", owner_id=actor.id)
    return store.segments(session)


@dataclass(frozen=True)
class RepChoice:
    """A rep offered in the « Commercial » filter; ``active`` False: disabled, still owning
    accounts."""

    id: int
    full_name: str
    active: bool


def rep_choices(session: Session, *, actor: Actor) -> list[RepChoice]:
    """The reps the « Commercial » filter offers: the active ones the actor may see, and the
    disabled ones that still own accounts (a manager looks for those to hand them over);
    a disabled rep who owns nothing is left out."""
    policy.require(actor, "account.read", owner_id=actor.id)
    visible = policy.visible_owner_ids(actor)
    reps = users_store.list_users(session, role=Role.REP.value, ids=visible)
    gone = [u.id for u in reps if not u.active]
    owning = store.owning(session, gone) if gone else set()
    return [RepChoice(u.id, u.full_name, u.active) for u in reps if u.active or u.id in owning]
