"""Log in, find who is behind a session, manage users."""

from __future__ import annotations

from sqlalchemy.orm import Session

from fieldcrm.auth import passwords, policy
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.errors import Forbidden, InvalidInput, NotFound
from fieldcrm.store import users as store

LOGIN_FAILED = "e-mail ou mot de passe incorrect"


def authenticate(session: Session, *, email: str, password: str) -> Actor:
    """The actor whose e-mail and password match; :class:`Forbidden` otherwise (same message either way)."""
    if not email.strip():
        raise InvalidInput("email", "required")
    found = store.credentials(session, email)
    if found is None or not passwords.verify_password(found[1], password):
        raise Forbidden(LOGIN_FAILED)
    user_id, password_hash = found
    if password_hash and passwords.needs_rehash(password_hash):
        store.set_password_hash(session, user_id, passwords.hash_password(password))
        session.commit()
    actor = store.actor(session, user_id)
    if actor is None:
        raise Forbidden(LOGIN_FAILED)
    return actor


def actor_for(session: Session, user_id: int) -> Actor | None:
    """The actor behind a session token's user id (``None`` if the user is gone or inactive)."""
    return store.actor(session, user_id)


def list_users(session: Session, *, actor: Actor, role: Role | None = None) -> list[store.UserRow]:
    """Users ``actor`` may see: admins and dispatchers everyone, managers their team, reps themselves."""
    visible = policy.visible_owner_ids(actor)
    return store.list_users(session, role=role.value if role else None, ids=visible)


def create_user(
    session: Session,
    *,
    actor: Actor,
    email: str,
    full_name: str,
    role: Role,
    password: str,
    manager_id: int | None = None,
) -> int:
    """Create a user (admins only)."""
    policy.require(actor, "users.admin")
    if "@" not in email:
        raise InvalidInput("email", "not an e-mail address", value=email)
    if manager_id is not None and store.actor(session, manager_id) is None:
        raise InvalidInput("manager_id", "no such active user", value=manager_id)
    user_id = store.create_user(
        session,
        email=email,
        full_name=full_name,
        role=role.value,
        password_hash=passwords.hash_password(password),
        manager_id=manager_id,
    )
    session.commit()
    return user_id


def set_language(session: Session, *, actor: Actor, language: str) -> None:
    """Remember ``actor``'s interface language."""
    if language not in ("fr", "en"):
        raise InvalidInput("language", "unsupported language", value=language, allowed="fr, en")
    store.set_language(session, actor.id, language)
    session.commit()


def set_password(session: Session, *, actor: Actor, email: str, password: str) -> None:
    """Replace a user's password (admins, or the user themself)."""
    found = store.credentials(session, email)
    if found is None:
        raise NotFound("user", email)
    if found[0] != actor.id:
        policy.require(actor, "users.admin")
    store.set_password_hash(session, found[0], passwords.hash_password(password))
    session.commit()
