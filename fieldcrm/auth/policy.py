"""The one authorisation table: which role may do which action on whose data.

Every service calls :func:`require` before it touches data; handlers never decide access.
A route a role never may use declares it (``dependencies=[allowed_to(action)]``, through
:func:`require_role`), so that such a caller is refused before the request's input is read.
``owner_id`` is the rep who owns the resource (an account's owner, a plan's rep, a trip's rep,
a territory's rep); ``None`` means nobody owns it (an unassigned account or territory) or the
action is not about one rep's data.

Team scope lives here and only here: :func:`scope_owner_ids` says whose data an actor acts on
(a manager: their team and themselves), :func:`in_scope` applies it to one owner. The list
queries of ``fieldcrm.store`` take the same :func:`scope_owner_ids` as their SQL filter, and
``in_scope(actor, None)`` says whether it holds the data nobody owns: a manager lists, maps,
reads, edits and assigns the accounts nobody owns (an import's, the queue's) like her team's,
never another team's.

A rep reaches an account nobody owns only when it is a prospect within the configured radius
of their home, or one the planner put on their way (a proposal they booked, or one still open
and not past): ``in_reach``, measured by the store in PostGIS
(:data:`fieldcrm.store.accounts.REACH`). The same rule filters the "around me" list, so
reading by id never shows more than the list.
"""

from __future__ import annotations

from collections.abc import Callable

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.errors import Forbidden

Rule = Callable[[Actor, int | None, bool], bool]
"""``rule(actor, owner_id, in_reach) -> allowed``."""


def scope_owner_ids(actor: Actor) -> frozenset[int] | None:
    """Owners whose data ``actor`` acts on (``None``: everyone's).

    Admins and dispatchers work company-wide, a manager on their team and themselves, a rep
    on their own data.
    """
    if actor.role in (Role.ADMIN, Role.DISPATCHER):
        return None
    if actor.role is Role.MANAGER:
        return actor.team | {actor.id}
    return frozenset({actor.id})


def in_scope(actor: Actor, owner_id: int | None) -> bool:
    """Whether data owned by ``owner_id`` is within ``actor``'s scope.

    Data nobody owns is within the scope of every role but reps (who need ``in_reach``).
    """
    owners = scope_owner_ids(actor)
    if owners is None:
        return True
    if owner_id is None:
        return actor.role is not Role.REP
    return owner_id in owners


visible_owner_ids = scope_owner_ids
"""Former name of :func:`scope_owner_ids` (the accounts lists)."""


def _roles(*roles: Role) -> Rule:
    allowed = frozenset(roles)
    return lambda actor, _owner, _reach: actor.role in allowed


def _scoped(*roles: Role) -> Rule:
    """Actors of ``roles`` acting within their scope."""
    allowed = frozenset(roles)
    return lambda actor, owner, _reach: actor.role in allowed and in_scope(actor, owner)


_own_or_team: Rule = _scoped(Role.ADMIN, Role.MANAGER, Role.REP)
"""Admins everything; managers their team, themselves and nobody's; reps their own."""


def _own_team_or_reach(actor: Actor, owner_id: int | None, in_reach: bool) -> bool:
    """Like :data:`_own_or_team`, and reps also reach the unassigned prospects near home."""
    if actor.role is Role.REP and owner_id is None:
        return in_reach
    return _own_or_team(actor, owner_id, in_reach)


def _accounts(actor: Actor, owner_id: int | None, in_reach: bool) -> bool:
    """Dispatchers every account; others as :func:`_own_team_or_reach`."""
    return actor.role is Role.DISPATCHER or _own_team_or_reach(actor, owner_id, in_reach)


_ANYONE: Rule = _roles(*Role)
_OFFICE: Rule = _roles(Role.MANAGER, Role.DISPATCHER, Role.ADMIN)
_MANAGEMENT: Rule = _roles(Role.MANAGER, Role.ADMIN)

RULES: dict[str, Rule] = {
    "account.read": _accounts,
    "account.edit": _accounts,
    "account.create": _ANYONE,
    "account.locate": _accounts,
    "activity.write": _own_team_or_reach,
    "plan": _own_or_team,
    "appointment": _own_or_team,
    "calendar.feed": lambda a, o, _r: a.role is Role.ADMIN or (o is not None and o == a.id),
    "assign": _scoped(Role.MANAGER, Role.DISPATCHER, Role.ADMIN),
    "territory.read": _ANYONE,
    "territory.edit": _scoped(Role.MANAGER, Role.ADMIN),
    "rules.read": _OFFICE,
    "rules.edit": _MANAGEMENT,
    "alerts.read": _ANYONE,
    "tasks": _own_or_team,
    "costs.read": lambda a, o, r: a.role is Role.DISPATCHER or _own_or_team(a, o, r),
    "costs.write": _own_or_team,
    "costs.validate": lambda a, o, r: (  # nobody validates their own month
        a.role in (Role.MANAGER, Role.ADMIN) and o != a.id and _own_or_team(a, o, r)
    ),
    "roads.read": _ANYONE,
    "geocode.run": _OFFICE,
    "import": _OFFICE,
    "export": _OFFICE,
    "users.admin": _roles(Role.ADMIN),
    "gdpr": _roles(Role.ADMIN),
    "jobs.admin": _roles(Role.ADMIN),
}
"""Action name → rule. Add an action with one line here."""


def can(actor: Actor, action: str, *, owner_id: int | None = None, in_reach: bool = False) -> bool:
    """Whether ``actor`` may perform ``action`` on data owned by ``owner_id``.

    ``in_reach`` tells that the data is an unassigned prospect within the configured radius
    of the actor's home (only reps' account rules look at it).

    Raises
    ------
    KeyError
        For an action missing from :data:`RULES` (a programming error, never a user's).
    """
    return RULES[action](actor, owner_id, in_reach)


def roles_for(action: str) -> frozenset[Role]:
    """The roles whose members may perform ``action`` on some data (their own, data nobody
    owns, or anyone's): a role outside them is refused for its role, whoever's data it is.

    Raises
    ------
    KeyError
        For an action missing from :data:`RULES`.
    """
    rule = RULES[action]
    probe = 1  # any member of the role: their own data, nobody's, another rep's
    return frozenset(
        role
        for role in Role
        if any(rule(Actor(probe, role), owner, True) for owner in (probe, None, probe + 1))
    )


def require_role(actor: Actor, action: str) -> None:
    """Raise :class:`~fieldcrm.errors.Forbidden` when ``actor``'s role never may perform
    ``action`` (:func:`roles_for`), whoever's data it would be: what a route checks before it
    reads its input (nothing about a form is said to someone who may not use it); the
    service's :func:`require` still decides on the data."""
    if actor.role not in roles_for(action):
        raise Forbidden(f"{actor.role.value} {actor.id} may not {action}")


def require(
    actor: Actor, action: str, *, owner_id: int | None = None, in_reach: bool = False
) -> None:
    """Raise :class:`~fieldcrm.errors.Forbidden` unless ``actor`` may perform ``action``.

    The message says why: ``"rep 4 may not territory.edit"`` when the actor's role never may
    (:func:`roles_for`), ``"… for rep 6"`` when the data is out of the actor's scope,
    ``"… for themselves"`` when it is their own data (nobody validates their own month).
    """
    if can(actor, action, owner_id=owner_id, in_reach=in_reach):
        return
    refused = f"{actor.role.value} {actor.id} may not {action}"
    if actor.role in roles_for(action) and owner_id is not None:
        refused += " for themselves" if owner_id == actor.id else f" for rep {owner_id}"
    raise Forbidden(refused)
