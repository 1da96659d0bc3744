"""Request dependencies: settings, one database session per request, the current actor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator
from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor
from fieldcrm.calendar_bounds import in_range
from fieldcrm.config import Settings
from fieldcrm.http.errors import NotAuthenticated
from fieldcrm.http.security import SESSION_COOKIE
from fieldcrm.services import alerts, users

__all__ = ["SESSION_COOKIE", "CurrentUser", "SessionDep", "SettingsDep", "allowed_to"]


def set_session_cookie(response: Response, token: str, *, settings: Settings) -> None:
    """Put the session token in an HTTP-only, same-site cookie (Secure outside development)."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=round(settings.session_lifetime_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=settings.cookies_secure,
    )


def session_token(
    request: Request, bearer: HTTPAuthorizationCredentials | None = None
) -> str | None:
    """The session token of a request: its bearer token, else its session cookie."""
    return bearer.credentials if bearer else request.cookies.get(SESSION_COOKIE)


def client_address(request: Request) -> str:
    """The client's address as the server saw it (behind a proxy, run uvicorn with
    ``--proxy-headers`` so that it is the real client's)."""
    return request.client.host if request.client else "unknown"


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
WorkDate = Annotated[dt.date, AfterValidator(in_range)]
"""A date parameter between 2000 and 2100 (422 naming the field otherwise)."""
SessionDep = Annotated[Session, Depends(get_session)]


def current_actor(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
) -> Actor:
    """The logged-in actor from the bearer token or the session cookie; 401 otherwise."""
    token = session_token(request, bearer)
    secret = settings.secret_key.get_secret_value()
    actor = users.actor_for_token(session, token, secret=secret) if token else None
    if actor is None:
        raise NotAuthenticated("connexion requise / login required")
    request.state.actor = actor
    # The menu's counts (unread alerts, open tasks): one statement, run only if a page is rendered.
    request.state.menu_counts = partial(alerts.menu_counts, session, actor=actor)
    return actor


CurrentUser = Annotated[Actor, Depends(current_actor)]


def allowed_to(action: str) -> Any:
    """A route's dependency (``dependencies=[allowed_to("gdpr")]``): a caller whose role never
    may ``action`` is refused (403, :func:`fieldcrm.auth.policy.require_role`) before the
    request's input is validated, so that a form's problems are never told to someone who may
    not use it; the service still checks the data (:func:`fieldcrm.auth.policy.require`)."""

    def role_may(actor: CurrentUser) -> None:
        policy.require_role(actor, action)

    return Depends(role_may)
