"""The error answers of the API, as the app's error handlers write them (``fieldcrm.app``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from fieldcrm.api.deps import if_match_version
from fieldcrm.http.deps import current_actor


class ProblemOut(BaseModel):
    """One faulty part of an input."""

    field: str
    message: str
    value: str | None
    allowed: str | None


class ErrorBody(BaseModel):
    """An error: its message, its kind, and for invalid input the faulty field and every problem."""

    detail: str = Field(description="What went wrong, in French (and English for some)")
    error: str = Field(description="Kind: NotAuthenticated, Forbidden, NotFound, Conflict, …")
    message: str | None = Field(None, description="What it means for the reader, in their language")
    text: str | None = Field(
        None,
        description="The same for a person using the app (as its pages say it): each field "
        "by its label only, without its name in the code",
    )
    field: str | None = Field(None, description="The first faulty field (invalid input only)")
    problems: list[ProblemOut] | None = Field(None, description="Every problem (invalid input)")


class ValidationItem(BaseModel):
    """One request field FastAPI refused."""

    loc: list[str | int]
    msg: str
    type: str
    input: Any = None
    ctx: dict[str, Any] | None = None
    url: str | None = None


class RequestRefused(BaseModel):
    """A request whose fields do not validate (before the handler runs)."""

    detail: list[ValidationItem]
    text: str | None = Field(
        None,
        description="What is wrong for a person using the app, in their language (as its "
        "pages say it): each field by its label and what is expected",
    )


DESCRIPTIONS = {
    401: "Not logged in (no valid token or session cookie)",
    403: "Not allowed for the caller's role or team",
    404: "Not found (or not visible to the caller)",
    409: "Conflicts with stored data",
    422: "Invalid input: the faulty field(s) named",
    428: "Precondition required: send If-Match with the ETag a GET of the resource answered",
    429: "Too many attempts (see Retry-After)",
    502: "An external service (geocoder, road engine) failed",
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of an operation for these error statuses, with the app's error body
    (a 422 is either a field FastAPI refused or an invalid value the app found)."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        model: Any = ErrorBody | RequestRefused if code == 422 else ErrorBody
        out[code] = {"model": model, "description": DESCRIPTIONS[code]}
    return out


def download(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of an operation answering a file in one of ``media_types``."""
    content = {
        media.split(";")[0].strip(): {"schema": {"type": "string", "format": "binary"}}
        for media in media_types
    }
    return {200: {"description": "The file", "content": content}}


WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _needs_login(dependant: Dependant) -> bool:
    return any(d.call is current_actor or _needs_login(d) for d in dependant.dependencies)


def _needs_if_match(dependant: Dependant) -> bool:
    return any(d.call is if_match_version or _needs_if_match(d) for d in dependant.dependencies)


def declare_errors(routers: Iterable[APIRouter]) -> None:
    """Declare on every operation of ``routers`` the errors it may answer, with the app's error
    body: behind the login 401, 403, 404 and 422 (and 409 for a write, which may break a
    stored constraint, and 428 for a write taking ``If-Match``, which an edit of an existing
    row requires); without login, what the operation declares itself."""
    for router in routers:
        for route in router.routes:
            if not isinstance(route, APIRoute) or not _needs_login(route.dependant):
                continue
            codes = [401, 403, 404, 422]
            if (route.methods or set()) & WRITES:
                codes.append(409)
                if _needs_if_match(route.dependant):
                    codes.append(428)
            route.responses = {**responses(*codes), **route.responses}
