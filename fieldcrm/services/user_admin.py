"""User administration (admins only): roles and teams, disabling, password resets, sessions.

Every change is written to the audit log (entity ``user``) in the same transaction.

Password reset: the admin gets a one-time code (shown once, as a link to ``/mot-de-passe``)
valid for :data:`RESET_LIFETIME`; the user opens it and chooses a new password. Only the code's
keyed digest is stored (like session tokens), a newer code cancels the older ones, a used code
never works again, and setting the password ends every session of the user. The current
password keeps working until then (issuing a code locks nobody out).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from fieldcrm.auth import passwords, policy, tokens
from fieldcrm.auth.roles import Actor, Role, author_id
from fieldcrm.errors import Conflict, InvalidInput, NotFound, Problem
from fieldcrm.store import audit, password_resets, sessions
from fieldcrm.store import users as store

RESET_LIFETIME = dt.timedelta(hours=24)
RESET_PATH = "/mot-de-passe"
RESET_INVALID = "lien de réinitialisation invalide, déjà utilisé ou expiré"
MAX_EMAIL = 254
MAX_NAME = 200
"""Longest e-mail and full name a user may have (the columns' lengths)."""


@dataclass(frozen=True)
class ResetCode:
    """A one-time code, to hand to the user once (it is not stored)."""

    user_id: int
    code: str
    expires_at: dt.datetime

    @property
    def path(self) -> str:
        """The page where the user sets a new password with this code."""
        return f"{RESET_PATH}?code={self.code}"


@dataclass(frozen=True)
class UserDetail:
    """A user with their live sessions and the audit entries about them."""

    user: store.UserRow
    sessions: list[sessions.LiveSession]
    history: list[audit.AuditRow]


def _audit(
    session: Session, actor: Actor, action: str, user_id: int, changes: dict[str, Any] | None
) -> None:
    audit.record(
        session,
        actor_id=author_id(actor),
        action=action,
        entity="user",
        entity_id=user_id,
        changes=changes,
    )


def list_all(session: Session, *, actor: Actor) -> list[store.UserRow]:
    """Every user, active or not (admins)."""
    policy.require(actor, "users.admin")
    return store.list_users(session)


def detail(session: Session, *, actor: Actor, user_id: int) -> UserDetail:
    """One user, their live sessions and their audit history (admins)."""
    policy.require(actor, "users.admin")
    user = store.get_user(session, user_id)
    return UserDetail(
        user=user,
        sessions=sessions.live_sessions(session, user_id),
        history=audit.entries(session, entity="user", entity_id=user_id),
    )


def _check_manager(session: Session, manager_id: int | None, user_id: int | None) -> None:
    if manager_id is None:
        return
    if manager_id == user_id:
        raise InvalidInput("manager_id", "a user cannot be their own manager", value=manager_id)
    manager = store.actor(session, manager_id)
    if manager is None or manager.role not in (Role.MANAGER, Role.ADMIN):
        raise InvalidInput(
            "manager_id", "no such active manager", value=manager_id, allowed="manager or admin"
        )


def create(
    session: Session,
    *,
    actor: Actor,
    email: str,
    full_name: str,
    role: Role,
    manager_id: int | None = None,
    password: str | None = None,
    secret: str,
) -> tuple[int, ResetCode | None]:
    """Create a user (admins); audited. Without ``password`` the user gets a one-time code
    (returned, never stored) to choose theirs."""
    policy.require(actor, "users.admin")
    email = email.strip()
    problems = []
    if "@" not in email or len(email) < 3:
        problems.append(Problem("email", "not an e-mail address", email))
    elif len(email) > MAX_EMAIL:
        problems.append(Problem("email", f"longer than {MAX_EMAIL} characters"))
    if not full_name.strip():
        problems.append(Problem("full_name", "required"))
    elif len(full_name.strip()) > MAX_NAME:
        problems.append(Problem("full_name", f"longer than {MAX_NAME} characters"))
    try:
        _check_manager(session, manager_id, None)
    except InvalidInput as exc:
        problems += exc.problems
    InvalidInput.collect(problems)
    # a taken e-mail, whatever its case: Conflict naming "email" (store.create_user)
    password_hash = passwords.hash_password(password) if password else None
    user_id = store.create_user(
        session,
        email=email,
        full_name=full_name.strip(),
        role=role.value,
        password_hash=password_hash,
        manager_id=manager_id,
    )
    _audit(
        session,
        actor,
        "create",
        user_id,
        {
            "email": email,
            "full_name": full_name.strip(),
            "role": role.value,
            "manager_id": manager_id,
        },
    )
    reset = None if password else _new_code(session, actor, user_id, secret=secret)
    session.commit()
    return user_id, reset


def update(
    session: Session,
    *,
    actor: Actor,
    user_id: int,
    role: Role | None = None,
    manager_id: int | None = None,
    set_manager: bool = False,
) -> store.UserRow:
    """Change a user's role and/or (with ``set_manager``) manager, i.e. team; audited with
    before and after.

    An admin cannot change their own role (the last admin would lock everyone out).
    """
    policy.require(actor, "users.admin")
    before = store.get_user(session, user_id)
    values: dict[str, object] = {}
    if role is not None and role.value != before.role:
        if user_id == actor.id:
            raise Conflict("vous ne pouvez pas changer votre propre rôle")
        values["role"] = role.value
    if set_manager and manager_id != before.manager_id:
        _check_manager(session, manager_id, user_id)
        values["manager_id"] = manager_id
    if values:
        store.update_user(session, user_id, **values)
        _audit(
            session,
            actor,
            "update",
            user_id,
            {key: [getattr(before, key), value] for key, value in values.items()},
        )
        session.commit()
    return store.get_user(session, user_id)


VEHICLE_KINDS = ("car", "motorcycle", "moped")


def set_vehicle(
    session: Session,
    *,
    actor: Actor,
    user_id: int,
    vehicle_kind: str,
    fiscal_hp: int | None,
    electric: bool,
    annual_km_estimate: int | None,
) -> store.UserRow:
    """The rep's vehicle for the barème kilométrique (kind, fiscal horsepower, electric) and
    declared yearly distance — the one rate of their plans, trips and reports; audited."""
    policy.require(actor, "users.admin")
    problems = []
    if vehicle_kind not in VEHICLE_KINDS:
        problems.append(
            Problem(
                "vehicle_kind", "type de véhicule inconnu", vehicle_kind, ", ".join(VEHICLE_KINDS)
            )
        )
    if fiscal_hp is not None and not 1 <= fiscal_hp <= 50:
        problems.append(Problem("fiscal_hp", "puissance fiscale entre 1 et 50 CV", fiscal_hp))
    if annual_km_estimate is not None and not 0 <= annual_km_estimate <= 300_000:
        problems.append(
            Problem(
                "annual_km_estimate", "kilométrage annuel entre 0 et 300 000", annual_km_estimate
            )
        )
    InvalidInput.collect(problems)
    before = store.get_user(session, user_id)
    values: dict[str, object] = {
        "vehicle_kind": vehicle_kind,
        "fiscal_hp": fiscal_hp,
        "electric": electric,
        "annual_km_estimate": annual_km_estimate,
    }
    changed = {k: v for k, v in values.items() if getattr(before, k) != v}
    if changed:
        store.update_user(session, user_id, **changed)
        _audit(
            session,
            actor,
            "vehicle",
            user_id,
            {key: [getattr(before, key), value] for key, value in changed.items()},
        )
        session.commit()
    return store.get_user(session, user_id)


def set_active(session: Session, *, actor: Actor, user_id: int, active: bool) -> store.UserRow:
    """Disable (every session ends, login refused) or enable a user; audited."""
    policy.require(actor, "users.admin")
    before = store.get_user(session, user_id)
    if not active and user_id == actor.id:
        raise Conflict("vous ne pouvez pas désactiver votre propre compte")
    if before.active != active:
        store.update_user(session, user_id, active=active)
        ended = 0 if active else sessions.revoke_all(session, user_id)
        changes = {"sessions_ended": ended} if not active else None
        _audit(session, actor, "enable" if active else "disable", user_id, changes)
        session.commit()
    return store.get_user(session, user_id)


def _new_code(session: Session, actor: Actor, user_id: int, *, secret: str) -> ResetCode:
    code = secrets.token_urlsafe(24)
    expires_at = dt.datetime.now(dt.UTC) + RESET_LIFETIME
    password_resets.create(
        session,
        user_id=user_id,
        digest=tokens.token_digest(code, secret=secret),
        created_by=author_id(actor),
        expires_at=expires_at,
    )
    _audit(session, actor, "password_reset_issued", user_id, {"expires_at": expires_at})
    return ResetCode(user_id=user_id, code=code, expires_at=expires_at)


def issue_reset(session: Session, *, actor: Actor, user_id: int, secret: str) -> ResetCode:
    """A one-time code for ``user_id`` to choose a new password (shown once; audited)."""
    policy.require(actor, "users.admin")
    user = store.get_user(session, user_id)
    if not user.active:
        raise Conflict("utilisateur désactivé : réactivez-le d’abord")
    reset = _new_code(session, actor, user_id, secret=secret)
    session.commit()
    return reset


def reset_is_valid(session: Session, *, code: str, secret: str) -> bool:
    """Whether ``code`` may still set a password (for the form; nothing is used up)."""
    if not code:
        return False
    digest = tokens.token_digest(code, secret=secret)
    return password_resets.pending_user(session, digest) is not None


def use_reset(session: Session, *, code: str, password: str, secret: str) -> int:
    """Set the password of the code's user, once; every session of theirs ends; audited.

    Raises :class:`InvalidInput` (field ``code``) for an unknown, used or expired code, and
    (field ``password``) for a password that is too short — the code is then not used up.
    """
    password_hash = passwords.hash_password(password)
    user_id = password_resets.consume(session, tokens.token_digest(code, secret=secret))
    if user_id is None:
        raise InvalidInput("code", RESET_INVALID)
    store.set_password_hash(session, user_id, password_hash)
    ended = sessions.revoke_all(session, user_id)
    audit.record(
        session,
        actor_id=user_id,
        action="password_reset_used",
        entity="user",
        entity_id=user_id,
        changes={"sessions_ended": ended},
    )
    session.commit()
    return user_id


def live_sessions(session: Session, *, actor: Actor, user_id: int) -> list[sessions.LiveSession]:
    """The open sessions of a user (admins)."""
    policy.require(actor, "users.admin")
    store.get_user(session, user_id)
    return sessions.live_sessions(session, user_id)


def revoke_session(session: Session, *, actor: Actor, user_id: int, session_id: int) -> None:
    """End one open session of a user at once (admins); audited."""
    policy.require(actor, "users.admin")
    store.get_user(session, user_id)
    if not sessions.revoke_one(session, user_id, session_id):
        raise NotFound("session", session_id)
    _audit(session, actor, "session_revoked", user_id, {"session_id": session_id})
    session.commit()
