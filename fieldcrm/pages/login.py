"""Login, logout and language switch."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm.errors import FieldcrmError, RateLimited
from fieldcrm.http.deps import (
    SESSION_COOKIE,
    SessionDep,
    SettingsDep,
    client_address,
    session_token,
    set_session_cookie,
)
from fieldcrm.http.i18n import LANG_COOKIE, LANGUAGES
from fieldcrm.pages.templating import render
from fieldcrm.services import users

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only local paths are followed after login (no open redirect)."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or urlparse(target).netloc
    ):
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    """The login form."""
    return render(request, "login.html", {"next": _safe_next(next), "error": None, "email": ""})


@router.post("/login", response_model=None)
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> HTMLResponse | RedirectResponse:
    """Check the credentials; on success set the session cookie and go on."""
    try:
        _, token = users.log_in(
            session,
            email=email,
            password=password,
            address=client_address(request),
            secret=settings.secret_key.get_secret_value(),
            user_agent=request.headers.get("user-agent"),
            policy=users.LoginPolicy.from_settings(settings),
        )
    except RateLimited as exc:
        context = {"next": _safe_next(next), "error": f"{str(exc).capitalize()}.", "email": email}
        return render(request, "login.html", context, status_code=429)
    except FieldcrmError:
        context = {
            "next": _safe_next(next),
            "error": "E-mail ou mot de passe incorrect.",
            "email": email,
        }
        return render(request, "login.html", context, status_code=401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, token, settings=settings)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, settings: SettingsDep) -> RedirectResponse:
    """End the session (everywhere) and show the login form.

    Only a POST (the menu's button, same-origin by the CSRF check) logs out: a link, an image
    or a prefetch cannot. The page's script has already emptied the service worker's cache;
    ``Clear-Site-Data: "cache"`` empties the HTTP cache too. The offline outbox (local
    storage) is kept: its items belong to their writer and wait for them (app.js).
    """
    token = session_token(request)
    if token:
        users.log_out(session, token, secret=settings.secret_key.get_secret_value())
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@router.get("/logout")
def logout_link() -> RedirectResponse:
    """An old link or a prefetch of ``/logout``: harmless, back to the home page (logging out
    is a POST)."""
    return RedirectResponse("/", status_code=303)


@router.get("/langue/{language}")
def switch_language(language: str, request: Request) -> RedirectResponse:
    """Remember the interface language in a cookie and go back."""
    referer = request.headers.get("referer") or "/"
    response = RedirectResponse(_safe_next(urlparse(referer).path or "/"), status_code=303)
    if language in LANGUAGES:
        response.set_cookie(LANG_COOKIE, language, max_age=365 * 24 * 3600, samesite="lax")
    return response
