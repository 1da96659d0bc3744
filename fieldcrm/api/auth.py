"""Log in and out, who am I: a bearer token for API clients and the session cookie for browsers."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from fieldcrm.api.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.auth.tokens import issue_token
from fieldcrm.http.deps import SESSION_COOKIE, set_session_cookie
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


@router.post("/login", response_model=Session)
def login(body: Login, response: Response, session: SessionDep, settings: SettingsDep) -> Session:
    """Check the credentials; answer a token and set the session cookie."""
    actor = users.authenticate(session, email=body.email, password=body.password)
    token = issue_token(actor.id, secret=settings.secret_key.get_secret_value())
    set_session_cookie(response, token, secure=settings.cookies_secure)
    return Session(
        token=token,
        user_id=actor.id,
        role=actor.role.value,
        name=actor.name,
        language=actor.language,
    )


@router.post("/logout", status_code=204)
def logout(response: Response) -> None:
    """Forget the session cookie."""
    response.delete_cookie(SESSION_COOKIE)


@router.get("/me")
def me(actor: CurrentUser) -> dict[str, object]:
    """The current user."""
    return {
        "id": actor.id,
        "role": actor.role.value,
        "name": actor.name,
        "language": actor.language,
        "team": sorted(actor.team),
    }
