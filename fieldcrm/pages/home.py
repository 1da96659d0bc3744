"""Home: the entry screen of each role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from fieldcrm.config import PROJECT_DIR
from fieldcrm.http.deps import CurrentUser
from fieldcrm.pages.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, actor: CurrentUser) -> HTMLResponse:
    """Tiles for the screens the actor's role uses."""
    return render(request, "home.html", actor=actor)


@router.get("/sw.js")
def service_worker() -> FileResponse:
    """The service worker, served from the root so it may cover every page."""
    return FileResponse(
        PROJECT_DIR / "web" / "static" / "sw.js",
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache"},
    )
