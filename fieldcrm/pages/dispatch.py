"""Dispatchers' "Affectations": the queue of unowned accounts, lasso or list selection, bulk
assignment; the automatic assignment previewed account by account, applied in one confirmed
click (queued as a job, followed on its progress page) as one run of the history, and the last
run undone."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm import maps
from fieldcrm.auth.roles import Role
from fieldcrm.http.deps import CurrentUser, SessionDep, allowed_to
from fieldcrm.pages.templating import reader_language, render
from fieldcrm.services import assignment, users

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 200
INT32 = 2_147_483_647
RunId = Annotated[int, Path(ge=1, le=INT32)]


@router.get("/affectations", response_class=HTMLResponse)
def dispatch_page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    preview: bool = False,
    done: str = "",
    page: int = 0,
    preview_page: int = 0,
) -> HTMLResponse:
    """Queue and map of unassigned accounts; the accounts the automatic assignment would
    move, a page at a time, on demand; the latest runs, the last one undoable."""
    return _page(
        request, session, actor, preview=preview, done=done, page=page, preview_page=preview_page
    )


def _page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    *,
    preview: bool = False,
    done: str = "",
    page: int = 0,
    preview_page: int = 0,
    nothing_ticked: bool = False,
) -> HTMLResponse:
    """The page; ``nothing_ticked``: the selection was sent empty (a 422, said by the form)."""
    total, queue = assignment.unassigned_queue(
        session, limit=PAGE_SIZE, offset=max(page, 0) * PAGE_SIZE, actor=actor
    )
    located = [q for q in queue if q.lon is not None and q.lat is not None]
    first = next(((q.lon, q.lat) for q in located if q.lon is not None and q.lat is not None), None)
    m = maps.base_map(center=first, zoom=10)
    maps.add_markers(
        m,
        [
            maps.Marker(q.lon, q.lat, q.name, kind="prospect", url=f"/comptes/{q.id}")
            for q in located
            if q.lon is not None and q.lat is not None
        ],
    )
    maps.fit(m, [(q.lon, q.lat) for q in located if q.lon is not None and q.lat is not None])
    draw = maps.add_draw(m, lang=reader_language(request, actor))
    moves = (
        assignment.preview_moves(session, actor=actor, page=max(preview_page, 0))
        if preview
        else None
    )
    context = {
        "total": total,
        "queue": queue,
        "page": page,
        "pages": (total + PAGE_SIZE - 1) // PAGE_SIZE,
        "map": maps.render(m),
        "drawn_items": f"drawnItems_{draw.get_name()}",
        "points": {q.id: [q.lon, q.lat] for q in located},
        "reps": users.list_users(session, actor=actor, role=Role.REP),
        "moves": moves,
        "preview_page": max(preview_page, 0),
        "preview_pages": (
            (moves.total + assignment.PREVIEW_PAGE - 1) // assignment.PREVIEW_PAGE if moves else 0
        ),
        "runs": assignment.recent_runs(session, actor=actor, limit=10),
        "blockers": assignment.queue_blockers(session, actor=actor) if preview else {},
        "done": done,
        "nothing_ticked": nothing_ticked,
    }
    status = 422 if nothing_ticked else 200
    return render(request, "dispatch.html", context, actor=actor, status_code=status)


@router.post("/affectations/attribuer", response_model=None, dependencies=[allowed_to("assign")])
def assign_selected(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    rep_id: Annotated[int, Form()],
    account_ids: Annotated[list[int], Form()] = [],  # noqa: B006 (FastAPI copies it)
    lock: Annotated[bool, Form()] = False,
) -> HTMLResponse | RedirectResponse:
    """Give the selected accounts to a rep (optionally locked against automatic assignment);
    none ticked: the page again, the form saying so."""
    if not account_ids:
        return _page(request, session, actor, nothing_ticked=True)
    changed = assignment.manual_assign(session, account_ids, rep_id=rep_id, lock=lock, actor=actor)
    return RedirectResponse(f"/affectations?done=assigned:{changed}", status_code=303)


@router.post("/affectations/appliquer", dependencies=[allowed_to("assign")])
def apply_assignment(
    session: SessionDep,
    actor: CurrentUser,
    expected: Annotated[str, Form(min_length=32, max_length=32)],
) -> RedirectResponse:
    """Queue the automatic assignment the user previewed (``expected``: its fingerprint; a
    different diff now is a 409 and nothing is queued) and go to its progress page."""
    job_id = assignment.start_assign_all(session, actor=actor, expected=expected)
    return RedirectResponse(f"/taches/{job_id}", status_code=303)


@router.get("/affectations/operations/{run_id}", response_class=HTMLResponse)
def run_page(
    request: Request, session: SessionDep, actor: CurrentUser, run_id: RunId
) -> HTMLResponse:
    """One run of the assignment history (an undo lists the accounts it could not restore)."""
    run = assignment.get_run(session, run_id, actor=actor)
    return render(request, "assignment_run.html", {"view": run}, actor=actor)


@router.post("/affectations/operations/{run_id}/annuler")
def undo_run(session: SessionDep, actor: CurrentUser, run_id: RunId) -> RedirectResponse:
    """Undo the latest automatic assignment or rebalancing; shows what was not restored."""
    result = assignment.undo_run(session, run_id, actor=actor)
    return RedirectResponse(f"/affectations/operations/{result.run_id}", status_code=303)
