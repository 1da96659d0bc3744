"""The one authorisation table: which role may do which action on whose data.

Every service calls :func:`require` before it touches data; handlers never decide access.
``owner_id`` is the rep who owns the resource (an account's owner, a plan's rep, a trip's rep);
``None`` means nobody owns it (an unassigned account) or the action is not about one rep's data.
"""

from __future__ import annotations

from collections.abc import Callable

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.errors import Forbidden

Rule = Callable[[Actor, int | None], bool]


def _roles(*roles: Role) -> Rule:
    allowed = frozenset(roles)
    return lambda actor, _owner: actor.role in allowed


def _own_or_team(actor: Actor, owner_id: int | None) -> bool:
    """Admins everything; managers their team and themselves; reps their own."""
    if actor.role is Role.ADMIN:
        return True
    if actor.role is Role.MANAGER:
        return owner_id is None or owner_id == actor.id or owner_id in actor.team
    if actor.role is Role.REP:
        return owner_id == actor.id
    return False


def _own_team_or_unassigned(actor: Actor, owner_id: int | None) -> bool:
    """Like :func:`_own_or_team`, and reps also reach accounts nobody owns."""
    if actor.role is Role.REP and owner_id is None:
        return True
    return _own_or_team(actor, owner_id)


def _read_accounts(actor: Actor, owner_id: int | None) -> bool:
    return actor.role is Role.DISPATCHER or _own_team_or_unassigned(actor, owner_id)


_ANYONE: Rule = _roles(*Role)
_OFFICE: Rule = _roles(Role.MANAGER, Role.DISPATCHER, Role.ADMIN)
_MANAGEMENT: Rule = _roles(Role.MANAGER, Role.ADMIN)

RULES: dict[str, Rule] = {
    "account.read": _read_accounts,
    "account.edit": lambda a, o: a.role is Role.DISPATCHER or _own_team_or_unassigned(a, o),
    "account.create": _ANYONE,
    "account.locate": lambda a, o: a.role is Role.DISPATCHER or _own_team_or_unassigned(a, o),
    "activity.write": _own_team_or_unassigned,
    "plan": _own_or_team,
    "appointment": _own_or_team,
    "calendar.feed": lambda a, o: a.role is Role.ADMIN or (o is not None and o == a.id),
    "assign": _OFFICE,
    "territory.read": _ANYONE,
    "territory.edit": _MANAGEMENT,
    "rules.read": _OFFICE,
    "rules.edit": _MANAGEMENT,
    "alerts.read": _ANYONE,
    "tasks": _own_or_team,
    "costs.read": lambda a, o: a.role is Role.DISPATCHER or _own_or_team(a, o),
    "costs.write": _own_or_team,
    "costs.validate": lambda a, o: a.role in (Role.MANAGER, Role.ADMIN) and _own_or_team(a, o),
    "roads.read": _ANYONE,
    "geocode.run": _OFFICE,
    "import": _OFFICE,
    "export": _OFFICE,
    "users.admin": _roles(Role.ADMIN),
    "gdpr": _roles(Role.ADMIN),
    "jobs.admin": _roles(Role.ADMIN),
}
"""Action name → rule. Add an action with one line here."""


def can(actor: Actor, action: str, *, owner_id: int | None = None) -> bool:
    """Whether ``actor`` may perform ``action`` on data owned by ``owner_id``.

    Raises
    ------
    KeyError
        For an action missing from :data:`RULES` (a programming error, never a user's).
    """
    return RULES[action](actor, owner_id)


def require(actor: Actor, action: str, *, owner_id: int | None = None) -> None:
    """Raise :class:`~fieldcrm.errors.Forbidden` unless ``actor`` may perform ``action``."""
    if not can(actor, action, owner_id=owner_id):
        raise Forbidden(
            f"{actor.role.value} {actor.id} may not {action}"
            + (f" for rep {owner_id}" if owner_id is not None else "")
        )


def visible_owner_ids(actor: Actor) -> frozenset[int] | None:
    """Owners whose accounts ``actor`` lists (``None``: everyone's). Reps also see unassigned ones."""
    if actor.role in (Role.ADMIN, Role.DISPATCHER):
        return None
    if actor.role is Role.MANAGER:
        return actor.team | {actor.id}
    return frozenset({actor.id})
