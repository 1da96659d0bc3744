"""The error page shown instead of a screen."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from fieldcrm.pages.templating import render


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    """A page naming what went wrong (never an exception's internals)."""
    actor = getattr(request.state, "actor", None)
    return render(
        request,
        "error.html",
        {"status": status_code, "message": message},
        actor=actor,
        status_code=status_code,
    )
