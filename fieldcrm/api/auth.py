"""Log in and out, who am I: a bearer token for API clients and the session cookie for browsers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from fieldcrm.api.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.api.schemas.errors import responses
from fieldcrm.api.schemas.people import Me
from fieldcrm.http.deps import SESSION_COOKIE, client_address, session_token, set_session_cookie
from fieldcrm.services import users

router = APIRouter(prefix="/auth", tags=["auth"])


class Login(BaseModel):
    """Credentials."""

    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=200)


class Session(BaseModel):
    """A logged-in user and the token to send as ``Authorization: Bearer``."""

    token: str
    user_id: int
    role: str
    name: str
    language: str


@router.post("/login", response_model=Session, responses=responses(403, 422, 429))
def login(
    body: Login, request: Request, response: Response, session: SessionDep, settings: SettingsDep
) -> Session:
    """Check the credentials; answer a token and set the session cookie (429 after too many
    failures for the account or the address)."""
    actor, token = users.log_in(
        session,
        email=body.email,
        password=body.password,
        address=client_address(request),
        secret=settings.secret_key.get_secret_value(),
        user_agent=request.headers.get("user-agent"),
        policy=users.LoginPolicy.from_settings(settings),
    )
    set_session_cookie(response, token, settings=settings)
    return Session(
        token=token,
        user_id=actor.id,
        role=actor.role.value,
        name=actor.name,
        language=actor.language,
    )


@router.post("/logout", status_code=204)
def logout(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    bearer: Annotated[
        HTTPAuthorizationCredentials | None, Depends(HTTPBearer(auto_error=False))
    ] = None,
) -> None:
    """End the session (its token stops working everywhere) and forget the cookie."""
    token = session_token(request, bearer)
    if token:
        users.log_out(session, token, secret=settings.secret_key.get_secret_value())
    response.delete_cookie(SESSION_COOKIE)


@router.get("/me", response_model=Me)
def me(actor: CurrentUser) -> dict[str, object]:
    """The current user."""
    return {
        "id": actor.id,
        "role": actor.role.value,
        "name": actor.name,
        "language": actor.language,
        "team": sorted(actor.team),
    }
