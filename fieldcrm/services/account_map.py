"""The accounts map at any zoom: the database groups accounts so a phone draws a few hundred shapes.

At street level (or when the viewport holds few accounts) the points themselves come back; above
that, one circle per grid cell with its count. 50 000 accounts cost the browser no more than 500.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor
from fieldcrm.errors import InvalidInput, Problem
from fieldcrm.store import account_map as store

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


def account_map(
    session: Session, *, actor: Actor, bbox: tuple[float, float, float, float]
) -> AccountMap:
    """Accounts the actor may see inside ``bbox``, as points or as grid clusters."""
    policy.require(actor, "account.read")
    visible = policy.visible_owner_ids(actor)
    owners = sorted(visible) if visible is not None else None
    total = store.count_in(session, bbox, owner_ids=owners)
    if total <= MAX_POINTS:
        return AccountMap(
            total, store.points_in(session, bbox, owner_ids=owners, limit=MAX_POINTS), []
        )
    cell = (bbox[2] - bbox[0]) / CELLS_ACROSS
    return AccountMap(total, [], store.clusters_in(session, bbox, owner_ids=owners, cell_deg=cell))
