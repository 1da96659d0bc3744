"""The web application: JSON API under ``/api``, HTML pages, static files, one error table."""

from __future__ import annotations

from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from fieldcrm import __version__
from fieldcrm.api import ROUTERS as API_ROUTERS
from fieldcrm.api import health
from fieldcrm.config import PROJECT_DIR, InsecureSettings, Settings, get_settings
from fieldcrm.errors import FieldcrmError, RateLimited
from fieldcrm.http.error_text import (
    describe,
    describe_message,
    describe_validation,
    reader_language,
)
from fieldcrm.http.errors import (
    NotAuthenticated,
    data_error_message,
    error_body,
    integrity_message,
    status_for,
    unexpected,
)
from fieldcrm.http.json_text import JsonTextCheck
from fieldcrm.http.request_log import RequestLog, with_request_id
from fieldcrm.http.security import csrf_guard, security_headers
from fieldcrm.http.uploads import UploadLimit
from fieldcrm.pages import ROUTERS as PAGE_ROUTERS
from fieldcrm.pages import reference
from fieldcrm.pages.errors import error_page
from fieldcrm.services.warmup import warm_up_in_background
from fieldcrm.store.db import make_engine, make_sessionmaker
from fieldcrm.store.embedded import database_url

DESCRIPTION = """Field-sales CRM: accounts, geocoding, territories, day and trip planning around fixed
appointments, strategic rules and alerts, travel costs. Log in with `POST /api/auth/login` and send
the token as `Authorization: Bearer …` (browsers use the session cookie)."""


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _fieldcrm_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FieldcrmError)
    status = status_for(exc)
    if _is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotAuthenticated) else None
        if isinstance(exc, RateLimited):
            headers = {"Retry-After": str(exc.retry_after_s)}
        # the API's message also names the field as in the code (« jour (day) »); its text,
        # for a person (the phone's offline outbox shows it), by its French label only
        lang = reader_language(request)
        zone = ZoneInfo(request.app.state.settings.scoring_timezone)  # the pages' times
        message = describe(exc, lang, technical=True, zone=zone)
        body = {**error_body(exc), "message": message, "text": describe(exc, lang, zone=zone)}
        return JSONResponse(body, status_code=status, headers=headers)
    if isinstance(exc, NotAuthenticated):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    zone = ZoneInfo(request.app.state.settings.scoring_timezone)
    return error_page(request, status, describe(exc, reader_language(request), zone=zone))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    text = describe_validation(exc.errors(), reader_language(request))
    if _is_api(request):
        # FastAPI's ``detail`` (every error) and, as every error body, the ``text`` a person
        # reads (the phone's offline outbox shows it), as the pages word it
        body = {"detail": jsonable_encoder(exc.errors()), "text": text}
        return JSONResponse(body, status_code=422)
    return error_page(request, 422, text)


async def _database_refusal(request: Request, exc: Exception) -> Response:
    """Input the database refused: a broken constraint (409) or a value it cannot hold (422)."""
    if isinstance(exc, IntegrityError):
        status, error, message = 409, "Conflict", integrity_message(exc)
    else:
        assert isinstance(exc, DataError)
        status, error, message = 422, "InvalidInput", data_error_message(exc)
    if _is_api(request):
        return JSONResponse({"detail": message, "error": error}, status_code=status)
    return error_page(request, status, describe_message(message, reader_language(request)))


async def _unencodable_text(request: Request, exc: Exception) -> Response:
    """Text the database cannot take (a lone UTF-16 surrogate such as ``"\\ud800"`` in JSON)
    that no check caught: a 422, and the request's transaction is rolled back."""
    message = "texte invalide : caractère UTF-16 isolé (demi-paire de substitution)"
    if _is_api(request):
        return JSONResponse({"detail": message, "error": "InvalidInput"}, status_code=422)
    return error_page(request, 422, message)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    ref, message = unexpected(exc)
    if _is_api(request):
        return with_request_id(JSONResponse({"detail": message, "reference": ref}, status_code=500))
    return with_request_id(error_page(request, 500, message))


def create_app(settings: Settings, *, sessions: sessionmaker[Session] | None = None) -> FastAPI:
    """Assemble the app for ``settings`` (``sessions`` lets tests provide their own factory).

    Raises :class:`InsecureSettings` when the settings are unsafe to serve (a weak secret).
    """
    problems = settings.serving_problems()
    if problems:
        raise InsecureSettings("\n".join(problems))
    app = FastAPI(
        title="fieldcrm",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url=None,  # /docs and /redoc: fieldcrm.pages.reference, local assets
        redoc_url=None,
    )
    app.state.settings = settings
    app.add_middleware(JsonTextCheck, refuse=_fieldcrm_error)  # 422 naming a lone surrogate
    app.add_middleware(UploadLimit, refuse=_fieldcrm_error)  # 413 before a big body is read
    app.middleware("http")(csrf_guard)
    app.middleware("http")(security_headers)
    app.add_middleware(RequestLog)  # outermost: ids and access lines cover every answer
    app.state.sessions = sessions or make_sessionmaker(
        make_engine(settings.database_url or database_url(settings))
    )
    app.include_router(health.router)  # /healthz, /readyz: no login
    app.include_router(reference.router)  # /docs, /redoc: no login
    for router in API_ROUTERS:
        app.include_router(router, prefix="/api")
    for router in PAGE_ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=PROJECT_DIR / "web" / "static"), name="static")
    app.add_exception_handler(FieldcrmError, _fieldcrm_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(IntegrityError, _database_refusal)
    app.add_exception_handler(DataError, _database_refusal)
    app.add_exception_handler(UnicodeEncodeError, _unencodable_text)
    app.add_exception_handler(Exception, _unexpected_error)
    return app


def app_from_settings() -> FastAPI:
    """Factory for ``uvicorn --factory``: the app on the configured (or local default) database,
    with the road graph and the gazetteer loading in the background as it starts (the first
    plan is then as fast as the next ones)."""
    settings = get_settings()
    app = create_app(settings)
    warm_up_in_background(settings)
    return app
