"""Users: the visible team, and user creation for admins."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from fieldcrm.api.deps import CurrentUser, SessionDep
from fieldcrm.auth.roles import Role
from fieldcrm.services import users

router = APIRouter(prefix="/users", tags=["users"])


class NewUser(BaseModel):
    """A user to create."""

    email: str = Field(min_length=3, max_length=254)
    full_name: str = Field(min_length=1, max_length=200)
    role: Role
    password: str = Field(min_length=8, max_length=200)
    manager_id: int | None = None


@router.get("")
def list_users(
    session: SessionDep, actor: CurrentUser, role: Role | None = None
) -> list[dict[str, Any]]:
    """Users the caller may see (admins and dispatchers: everyone; managers: their team; reps: themselves)."""
    return [asdict(u) for u in users.list_users(session, actor=actor, role=role)]


@router.post("", status_code=201)
def create_user(body: NewUser, session: SessionDep, actor: CurrentUser) -> dict[str, int]:
    """Create a user (admins only)."""
    user_id = users.create_user(session, actor=actor, **body.model_dump())
    return {"id": user_id}
