"""Accounts as people use them: lists by role, the 360° view, nearby, report search, edits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypedDict

from sqlalchemy.orm import Session

from fieldcrm.accounts.records import AccountRecord
from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, Role, author_id
from fieldcrm.config import Settings, get_settings
from fieldcrm.errors import InvalidInput, NotFound
from fieldcrm.geo import GeoPoint
from fieldcrm.scoring.facts import add_months
from fieldcrm.scoring.intervals import check_interval
from fieldcrm.scoring.revenue import Comparison, revenue_comparisons
from fieldcrm.services import intervals, plan_dates, scoring, tasks
from fieldcrm.store import accounts as store
from fieldcrm.store import facts, versions
from fieldcrm.store.account_map import MapFilter
from fieldcrm.store.accounts import Account360, AccountRow, ReportHit
from fieldcrm.store.intervals import Rhythm
from fieldcrm.store.tasks import TaskRow

MAX_RADIUS_M = 100_000


@dataclass(frozen=True)
class AccountView:
    """The 360° view, how the priority index was made, its tasks and visit rhythm."""

    account: Account360
    priority: Any | None
    tasks: list[TaskRow] = field(default_factory=list)
    rhythm: Rhythm | None = None
    revenue: list[Comparison] = field(default_factory=list)
    """The revenue figures the rules read, against last year (none without sales)."""


class OwnerScope(TypedDict):
    """The store's scope arguments (keywords of its account lists, map and search)."""

    owner_ids: list[int] | None
    unowned: bool


def owner_scope(actor: Actor) -> OwnerScope:
    """The accounts ``actor`` acts on, from the policy's one rule: ``owner_ids``
    (:func:`policy.scope_owner_ids`, None: all) and ``unowned`` (whether the accounts nobody
    owns are in it, :func:`policy.in_scope`: a manager's yes, a rep's no)."""
    owners = policy.scope_owner_ids(actor)
    return OwnerScope(
        owner_ids=sorted(owners) if owners is not None else None,
        unowned=policy.in_scope(actor, None),
    )


def list_accounts(
    session: Session,
    *,
    actor: Actor,
    query: str | None = None,
    kind: str | None = None,
    filters: MapFilter | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[AccountRow]:
    """Accounts the actor may see, best priority first, that ``filters`` select (the map's,
    :func:`fieldcrm.services.account_map.make_filter`), ``query`` and ``kind`` given apart
    (the API's) added to them."""
    return store.list_accounts(
        session,
        **owner_scope(actor),
        filters=_selection(filters, query=query, kind=kind),
        limit=limit,
        offset=offset,
    )


def count_accounts(
    session: Session,
    *,
    actor: Actor,
    query: str | None = None,
    kind: str | None = None,
    filters: MapFilter | None = None,
) -> int:
    """How many accounts :func:`list_accounts` selects, over all its pages."""
    return store.count_accounts(
        session, **owner_scope(actor), filters=_selection(filters, query=query, kind=kind)
    )


def _selection(filters: MapFilter | None, *, query: str | None, kind: str | None) -> MapFilter:
    if kind is not None and kind not in ("client", "prospect"):
        raise InvalidInput("kind", "unknown kind", value=kind, allowed="client, prospect")
    chosen = filters or MapFilter()
    return dataclasses.replace(chosen, query=query or chosen.query, kind=kind or chosen.kind)


def reach_m(settings: Settings | None = None) -> float:
    """How far from their home a rep reaches unassigned prospects, in metres (a setting)."""
    return (settings or get_settings()).nearby_prospect_radius_km * 1000


def access(
    session: Session, *, actor: Actor, account_id: int, settings: Settings | None = None
) -> dict[str, Any]:
    """The policy's view of an account for ``actor``: ``owner_id`` and ``in_reach`` (pass as
    ``policy.can(actor, action, **access(...))``); :class:`NotFound` if there is none."""
    owner, in_reach = store.account_access(
        session,
        account_id,
        rep_id=actor.id if actor.role is Role.REP else None,
        reach_m=reach_m(settings),
    )
    return {"owner_id": owner, "in_reach": in_reach}


def _readable(
    session: Session, actor: Actor, account_id: int, settings: Settings | None = None
) -> None:
    target = access(session, actor=actor, account_id=account_id, settings=settings)
    if not policy.can(actor, "account.read", **target):
        raise NotFound("account", account_id)  # others' accounts are not even confirmed to exist


def account_view(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    today: dt.date | None = None,
    settings: Settings | None = None,
) -> AccountView:
    """Details, contacts, sales, visits, alerts, appointments, tasks, the visit rhythm on
    ``today`` (default: today in the company's time zone) and the priority explanation."""
    _readable(session, actor, account_id, settings)
    cfg = settings or get_settings()
    day = today or dt.datetime.now(plan_dates.company_zone(cfg)).date()
    view = store.account_360(session, account_id)
    try:
        priority = scoring.account_priority(session, account_id)
    except NotFound:
        priority = None
    sales = facts.account_months(
        session, account_id, first=add_months(day, -24), until=add_months(day, 0)
    )
    return AccountView(
        view,
        priority,
        tasks.account_tasks(session, account_id=account_id),
        intervals.rhythm(session, account_id=account_id, today=day, settings=cfg),
        revenue_comparisons(sales, as_of=day),
    )


def nearby(
    session: Session,
    *,
    actor: Actor,
    point: GeoPoint,
    radius_m: float = 5_000,
    limit: int = 50,
    settings: Settings | None = None,
) -> list[AccountRow]:
    """Accounts around ``point``, by priority then distance: a rep's own and the unassigned
    prospects within their reach (:func:`reach_m` of home, or put on their way by the planner:
    :data:`fieldcrm.store.accounts.REACH`), a manager's team's and those nobody owns."""
    if not 0 < radius_m <= MAX_RADIUS_M:
        raise InvalidInput(
            "radius_m", "out of range", value=radius_m, allowed=f"0 < radius_m <= {MAX_RADIUS_M}"
        )
    return store.nearby(
        session,
        lon=point.lon,
        lat=point.lat,
        radius_m=radius_m,
        **owner_scope(actor),
        reach_rep=actor.id if actor.role is Role.REP else None,
        reach_m=reach_m(settings),
        limit=limit,
    )


def search_reports(
    session: Session, *, actor: Actor, query: str, limit: int = 30
) -> list[ReportHit]:
    """Visit reports matching ``query`` (French full text) among the accounts the actor may see."""
    if not query.strip():
        raise InvalidInput("q", "empty search")
    return store.search_reports(session, query, **owner_scope(actor), limit=limit)


def create_account(session: Session, *, actor: Actor, record: AccountRecord) -> int:
    """Create an account; a rep's new account is theirs."""
    policy.require(actor, "account.create")
    owner = actor.id if actor.role is Role.REP else None
    new_id = store.create_account(session, record, actor_id=author_id(actor), owner_id=owner)
    session.commit()
    return new_id


def update_account(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    changes: dict[str, Any],
    expected_version: versions.Expected = None,
    settings: Settings | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Edit fields (audited); a changed address is geocoded again unless the point is locked.

    ``expected_version`` is the version the editor read (:class:`~fieldcrm.store.versions.StaleEdit`,
    a 409, if someone edited since; nothing is written); ``None`` skips the check and
    :data:`~fieldcrm.store.versions.UNSENT` (an API client without ``If-Match``) is a 428,
    once the actor is known to be allowed.
    """
    unknown = sorted(set(changes) - set(store.EDITABLE))
    if unknown:
        raise InvalidInput(unknown[0], "not an editable field", allowed=", ".join(store.EDITABLE))
    if "visit_interval_days" in changes:
        check_interval(changes["visit_interval_days"])
    target = access(session, actor=actor, account_id=account_id, settings=settings)
    policy.require(actor, "account.edit", **target)
    versions.claim(
        session, "accounts", account_id, expected=expected_version, actor_id=author_id(actor)
    )
    diff = store.update_account(session, account_id, changes, actor_id=author_id(actor))
    session.commit()
    return diff


def account_version(session: Session, *, actor: Actor, account_id: int) -> int:
    """The current version of an account the actor may read (what an editor sends back)."""
    _readable(session, actor, account_id)
    return versions.current(session, "accounts", account_id)
