"""Users: lookup for login, the actor behind a session, team lists, admin edits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.errors import Conflict, NotFound


@dataclass(frozen=True)
class UserRow:
    """A user as lists and forms show it (never the password hash)."""

    id: int
    email: str
    full_name: str
    role: str
    language: str
    active: bool
    phone: str | None
    manager_id: int | None
    home_address: str | None
    home_lon: float | None
    home_lat: float | None
    work_start: dt.time | None
    work_end: dt.time | None
    fiscal_hp: int | None
    vehicle_kind: str
    electric: bool = False
    annual_km_estimate: int | None = None


_COLUMNS = """id, email, full_name, role, language, active, phone, manager_id, home_address,
    ST_X(home) AS home_lon, ST_Y(home) AS home_lat, work_start, work_end, fiscal_hp, vehicle_kind,
    electric, annual_km_estimate"""


def credentials(session: Session, email: str) -> tuple[int, str | None] | None:
    """``(id, password_hash)`` of the active user with ``email`` (case-insensitive), if any."""
    row = session.execute(
        text("SELECT id, password_hash FROM users WHERE lower(email) = lower(:e) AND active"),
        {"e": email.strip()},
    ).first()
    return (row.id, row.password_hash) if row else None


def actor(session: Session, user_id: int) -> Actor | None:
    """The :class:`Actor` for an active user, with a manager's team; ``None`` if unknown or inactive."""
    row = session.execute(
        text(
            """SELECT u.id, u.role, u.full_name, u.language,
                      coalesce(array_agg(t.id) FILTER (WHERE t.id IS NOT NULL), '{}') AS team
               FROM users u LEFT JOIN users t ON t.manager_id = u.id AND t.active
               WHERE u.id = :id AND u.active GROUP BY u.id"""
        ),
        {"id": user_id},
    ).first()
    if row is None:
        return None
    language = row.language if row.language in ("fr", "en") else "fr"
    return Actor(row.id, Role(row.role), row.full_name, frozenset(row.team), language)


def get_user(session: Session, user_id: int) -> UserRow:
    """One user, or :class:`NotFound`."""
    row = session.execute(
        text(f"SELECT {_COLUMNS} FROM users WHERE id = :id"), {"id": user_id}
    ).first()
    if row is None:
        raise NotFound("user", user_id)
    return UserRow(**row._asdict())


def list_users(
    session: Session, *, role: str | None = None, ids: frozenset[int] | None = None
) -> list[UserRow]:
    """Users ordered by name, optionally of one role or among ``ids``."""
    rows = session.execute(
        text(
            f"""SELECT {_COLUMNS} FROM users
                WHERE (CAST(:role AS text) IS NULL OR role = :role)
                  AND (CAST(:ids AS int[]) IS NULL OR id = ANY(:ids))
                ORDER BY full_name"""
        ),
        {"role": role, "ids": sorted(ids) if ids is not None else None},
    ).all()
    return [UserRow(**r._asdict()) for r in rows]


def create_user(
    session: Session,
    *,
    email: str,
    full_name: str,
    role: str,
    password_hash: str | None,
    manager_id: int | None = None,
) -> int:
    """Insert a user (no password hash: cannot log in yet); :class:`Conflict` naming ``email``
    if the email is taken, whatever its case."""
    if email_taken(session, email):
        raise Conflict(f"email '{email}' is already used", field="email")
    return int(
        session.execute(
            text(
                """INSERT INTO users (email, full_name, role, password_hash, manager_id)
                   VALUES (:email, :name, :role, :hash, :manager) RETURNING id"""
            ),
            {
                "email": email.strip(),
                "name": full_name,
                "role": role,
                "hash": password_hash,
                "manager": manager_id,
            },
        ).scalar_one()
    )


def set_password_hash(session: Session, user_id: int, password_hash: str) -> None:
    """Replace a user's password hash."""
    session.execute(
        text("UPDATE users SET password_hash = :h WHERE id = :id"),
        {"h": password_hash, "id": user_id},
    )


def set_language(session: Session, user_id: int, language: str) -> None:
    """Store a user's interface language."""
    session.execute(
        text("UPDATE users SET language = :l WHERE id = :id"), {"l": language, "id": user_id}
    )


def email_taken(session: Session, email: str) -> bool:
    """Whether any user, active or not, has ``email`` (case-insensitive)."""
    return (
        session.execute(
            text("SELECT 1 FROM users WHERE lower(email) = lower(:e)"), {"e": email.strip()}
        ).first()
        is not None
    )


def update_user(session: Session, user_id: int, **values: object) -> None:
    """Set some of ``role``, ``manager_id``, ``active`` and the vehicle (``fiscal_hp``,
    ``vehicle_kind``, ``electric``, ``annual_km_estimate``) of a user."""
    allowed = {
        "role",
        "manager_id",
        "active",
        "fiscal_hp",
        "vehicle_kind",
        "electric",
        "annual_km_estimate",
    }
    if not values or not set(values) <= allowed:
        raise ValueError(f"update_user takes some of {sorted(allowed)}, got {sorted(values)}")
    assignments = ", ".join(f"{column} = :{column}" for column in sorted(values))
    session.execute(
        text(f"UPDATE users SET {assignments} WHERE id = :id"), {**values, "id": user_id}
    )
