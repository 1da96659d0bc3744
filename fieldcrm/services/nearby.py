"""« Autour de moi » : the accounts within a radius, in the order a rep on the road asks for.

The rule, in one place:

- ``distance`` (the default): nearest first; equal distances, best priority first. Standing in a
  street, a rep first wants what can be walked to now.
- ``priorite``: best priority score first (accounts never scored last), then nearest: the rep
  who has a free hour and a car picks the most valuable visit in the radius.

The list is shown a page at a time ("voir plus" adds the next page), never cut silently: the
total in the radius is always given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor
from fieldcrm.config import Settings
from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.services import accounts
from fieldcrm.store.accounts import AccountRow

Order = Literal["distance", "priorite"]
ORDERS: tuple[Order, ...] = ("distance", "priorite")
PAGE_SIZE = 30
MAX_IN_RADIUS = 5_000
"""Accounts read in one radius at most (the 100 km radius around a city holds fewer)."""


@dataclass(frozen=True)
class NearbyPage:
    """The first ``shown`` accounts in the chosen order, out of ``total`` in the radius."""

    rows: list[AccountRow]
    total: int
    more: bool


def sort_key(order: str) -> Callable[[AccountRow], tuple[object, ...]]:
    """The sort key of ``order`` (see the module docstring)."""
    if order == "distance":
        return lambda r: (r.distance_m or 0.0, -(r.priority_score or 0.0), r.id)
    return lambda r: (
        r.priority_score is None,
        -(r.priority_score or 0.0),
        r.distance_m or 0.0,
        r.id,
    )


def nearby_page(
    session: Session,
    *,
    actor: Actor,
    point: GeoPoint,
    radius_m: float,
    order: str = "distance",
    pages: int = 1,
    settings: Settings | None = None,
) -> NearbyPage:
    """The accounts around ``point`` the actor may see, in ``order``, ``pages`` pages of them."""
    if order not in ORDERS:
        raise InvalidInput("tri", "unknown order", value=order, allowed=", ".join(ORDERS))
    if pages < 1:
        raise InvalidInput("pages", "out of range", value=pages, allowed="1 or more")
    rows = accounts.nearby(
        session,
        actor=actor,
        point=point,
        radius_m=radius_m,
        limit=MAX_IN_RADIUS,
        settings=settings,
    )
    rows.sort(key=sort_key(order))
    shown = PAGE_SIZE * pages
    return NearbyPage(rows[:shown], len(rows), len(rows) > shown)
