"""Request dependencies: settings, one database session per request, the current actor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor
from fieldcrm.auth.tokens import DEFAULT_MAX_AGE_S, read_token
from fieldcrm.config import Settings
from fieldcrm.http.errors import NotAuthenticated
from fieldcrm.services import users

SESSION_COOKIE = "fieldcrm_session"


def set_session_cookie(response: Response, token: str, *, secure: bool) -> None:
    """Put the session token in an HTTP-only, same-site cookie."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=DEFAULT_MAX_AGE_S,
        httponly=True,
        samesite="lax",
        secure=secure,
    )


_bearer = HTTPBearer(auto_error=False, description="Token from POST /api/auth/login")


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """A session for the request, closed (and rolled back if not committed) afterwards."""
    session: Session = request.app.state.sessions()
    try:
        yield session
    finally:
        session.close()


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]


def current_actor(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
) -> Actor:
    """The logged-in actor from the bearer token or the session cookie; 401 otherwise."""
    token = bearer.credentials if bearer else request.cookies.get(SESSION_COOKIE)
    user_id = read_token(token, secret=settings.secret_key.get_secret_value()) if token else None
    actor = users.actor_for(session, user_id) if user_id is not None else None
    if actor is None:
        raise NotAuthenticated("connexion requise / login required")
    request.state.actor = actor
    return actor


CurrentUser = Annotated[Actor, Depends(current_actor)]
