"""Dispatchers' "Affectations": the queue of unowned accounts, lasso or list selection, bulk assignment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm import maps
from fieldcrm.auth.roles import Role
from fieldcrm.http.deps import CurrentUser, SessionDep
from fieldcrm.pages.templating import render
from fieldcrm.services import assignment, users

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 200


@router.get("/affectations", response_class=HTMLResponse)
def dispatch_page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    preview: bool = False,
    done: str = "",
    page: int = 0,
) -> HTMLResponse:
    """Queue and map of unassigned accounts; preview of the automatic re-assignment on demand."""
    total, queue = assignment.unassigned_queue(
        session, limit=PAGE_SIZE, offset=max(page, 0) * PAGE_SIZE, actor=actor
    )
    located = [q for q in queue if q.lon is not None and q.lat is not None]
    m = maps.base_map(center=(located[0].lon, located[0].lat) if located else None, zoom=10)
    maps.add_markers(
        m,
        [
            maps.Marker(q.lon, q.lat, q.name, kind="prospect", url=f"/comptes/{q.id}")
            for q in located
            if q.lon is not None and q.lat is not None
        ],
    )
    maps.fit(m, [(q.lon, q.lat) for q in located if q.lon is not None and q.lat is not None])
    draw = maps.add_draw(m)
    context = {
        "total": total,
        "queue": queue,
        "page": page,
        "pages": (total + PAGE_SIZE - 1) // PAGE_SIZE,
        "map": maps.render(m),
        "drawn_items": f"drawnItems_{draw.get_name()}",
        "points": {q.id: [q.lon, q.lat] for q in located},
        "reps": users.list_users(session, actor=actor, role=Role.REP),
        "preview": assignment.preview_assignment(session, actor=actor) if preview else None,
        "done": done,
    }
    return render(request, "dispatch.html", context, actor=actor)


@router.post("/affectations/attribuer")
def assign_selected(
    session: SessionDep,
    actor: CurrentUser,
    account_ids: Annotated[list[int], Form(min_length=1)],
    rep_id: Annotated[int, Form()],
    lock: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    """Give the selected accounts to a rep (optionally locked against automatic assignment)."""
    changed = assignment.manual_assign(session, account_ids, rep_id=rep_id, lock=lock, actor=actor)
    return RedirectResponse(f"/affectations?done=assigned:{changed}", status_code=303)


@router.post("/affectations/appliquer")
def apply_assignment(session: SessionDep, actor: CurrentUser) -> RedirectResponse:
    """Run the automatic assignment by territory (locked accounts stay)."""
    diff = assignment.assign_all(session, actor=actor)
    return RedirectResponse(f"/affectations?done=auto:{diff.total}", status_code=303)
