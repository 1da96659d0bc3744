"""Users: the visible team; administration for admins (roles, teams, disabling, password
resets, sessions), every change audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from fieldcrm.api.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.api.schemas.errors import responses
from fieldcrm.api.schemas.people import UserOut as UserListed
from fieldcrm.auth.roles import Role
from fieldcrm.http.deps import allowed_to
from fieldcrm.services import user_admin, users
from fieldcrm.store.users import UserRow

router = APIRouter(tags=["users"])


class NewUser(BaseModel):
    """A user to create; without a password, the answer holds a one-time code to choose it."""

    email: str = Field(min_length=3, max_length=254)
    full_name: str = Field(min_length=1, max_length=200)
    role: Role
    password: str | None = Field(default=None, min_length=8, max_length=200)
    manager_id: int | None = None


class UserChange(BaseModel):
    """Fields to change; a field left out is kept (``manager_id: null`` removes the manager)."""

    role: Role | None = None
    manager_id: int | None = None


class UserOut(BaseModel):
    """A user as the admin sees them (never the password hash)."""

    id: int
    email: str
    full_name: str
    role: Role
    active: bool
    manager_id: int | None
    language: str
    phone: str | None

    @classmethod
    def of(cls, row: UserRow) -> UserOut:
        """From the stored row."""
        return cls(
            id=row.id,
            email=row.email,
            full_name=row.full_name,
            role=Role(row.role),
            active=row.active,
            manager_id=row.manager_id,
            language=row.language,
            phone=row.phone,
        )


class ResetOut(BaseModel):
    """A one-time password-reset code: give it (or ``path``) to the user; it is shown once."""

    user_id: int
    code: str
    path: str
    expires_at: dt.datetime


class CreatedUser(BaseModel):
    """The new user's id, and their one-time code when no password was given."""

    id: int
    reset: ResetOut | None = None


class SessionOut(BaseModel):
    """An open session (never its token)."""

    id: int
    created_at: dt.datetime
    expires_at: dt.datetime
    user_agent: str | None


class AuditOut(BaseModel):
    """One audit entry about a user."""

    at: dt.datetime
    actor_id: int | None
    actor_name: str | None
    action: str
    changes: dict[str, Any] | None


class UserDetailOut(BaseModel):
    """A user, their open sessions and their audit history."""

    user: UserOut
    sessions: list[SessionOut]
    history: list[AuditOut]


class PasswordReset(BaseModel):
    """A one-time code and the new password it sets."""

    code: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=8, max_length=200)


def _reset_out(reset: user_admin.ResetCode) -> ResetOut:
    return ResetOut(
        user_id=reset.user_id, code=reset.code, path=reset.path, expires_at=reset.expires_at
    )


@router.get("/users", response_model=list[UserListed])
def list_users(
    session: SessionDep, actor: CurrentUser, role: Role | None = None
) -> list[dict[str, Any]]:
    """Users the caller may see (admins and dispatchers: everyone; managers: their team; reps: themselves)."""
    return [asdict(u) for u in users.list_users(session, actor=actor, role=role)]


@router.post("/users", status_code=201, dependencies=[allowed_to("users.admin")])
def create_user(
    body: NewUser, session: SessionDep, actor: CurrentUser, settings: SettingsDep
) -> CreatedUser:
    """Create a user (admins only; audited)."""
    user_id, reset = user_admin.create(
        session, actor=actor, secret=settings.secret_key.get_secret_value(), **body.model_dump()
    )
    return CreatedUser(id=user_id, reset=_reset_out(reset) if reset else None)


@router.get("/users/{user_id}")
def get_user(session: SessionDep, actor: CurrentUser, user_id: int) -> UserDetailOut:
    """A user with their open sessions and audit history (admins only)."""
    found = user_admin.detail(session, actor=actor, user_id=user_id)
    return UserDetailOut(
        user=UserOut.of(found.user),
        sessions=[SessionOut(**asdict(s)) for s in found.sessions],
        history=[
            AuditOut(
                at=h.at,
                actor_id=h.actor_id,
                actor_name=h.actor_name,
                action=h.action,
                changes=h.changes,
            )
            for h in found.history
        ],
    )


@router.patch("/users/{user_id}")
def update_user(body: UserChange, session: SessionDep, actor: CurrentUser, user_id: int) -> UserOut:
    """Change a user's role and/or manager (admins only; audited)."""
    row = user_admin.update(
        session,
        actor=actor,
        user_id=user_id,
        role=body.role,
        manager_id=body.manager_id,
        set_manager="manager_id" in body.model_fields_set,
    )
    return UserOut.of(row)


@router.post("/users/{user_id}/disable")
def disable_user(session: SessionDep, actor: CurrentUser, user_id: int) -> UserOut:
    """Disable a user: login refused, every session ended (admins only; audited)."""
    return UserOut.of(user_admin.set_active(session, actor=actor, user_id=user_id, active=False))


@router.post("/users/{user_id}/enable")
def enable_user(session: SessionDep, actor: CurrentUser, user_id: int) -> UserOut:
    """Enable a disabled user again (admins only; audited)."""
    return UserOut.of(user_admin.set_active(session, actor=actor, user_id=user_id, active=True))


@router.post("/users/{user_id}/password-reset", status_code=201)
def issue_password_reset(
    session: SessionDep, actor: CurrentUser, settings: SettingsDep, user_id: int
) -> ResetOut:
    """A one-time code (valid 24 h) for the user to choose a new password (admins only; audited)."""
    reset = user_admin.issue_reset(
        session, actor=actor, user_id=user_id, secret=settings.secret_key.get_secret_value()
    )
    return _reset_out(reset)


@router.get("/users/{user_id}/sessions")
def user_sessions(session: SessionDep, actor: CurrentUser, user_id: int) -> list[SessionOut]:
    """A user's open sessions (admins only)."""
    found = user_admin.live_sessions(session, actor=actor, user_id=user_id)
    return [SessionOut(**asdict(s)) for s in found]


@router.delete("/users/{user_id}/sessions/{session_id}", status_code=204)
def revoke_session(session: SessionDep, actor: CurrentUser, user_id: int, session_id: int) -> None:
    """End one of a user's sessions at once (admins only; audited)."""
    user_admin.revoke_session(session, actor=actor, user_id=user_id, session_id=session_id)


@router.post("/auth/password-reset", status_code=204, responses=responses(404, 422))
def use_password_reset(body: PasswordReset, session: SessionDep, settings: SettingsDep) -> Response:
    """Set a new password with a one-time code (no login; the code works once, 24 h)."""
    user_admin.use_reset(
        session,
        code=body.code,
        password=body.password,
        secret=settings.secret_key.get_secret_value(),
    )
    return Response(status_code=204)
