"""Managers' "Territoires": draw and edit polygons on the map, build from communes, balance, rebalance."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm import maps
from fieldcrm.auth.roles import Role
from fieldcrm.errors import Conflict, InvalidInput
from fieldcrm.http.coverage_text import coverage_text
from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep, allowed_to
from fieldcrm.http.error_text import describe
from fieldcrm.pages.templating import reader_language, render
from fieldcrm.services import assignment, territories, users
from fieldcrm.territories import shapes

router = APIRouter(include_in_schema=False)
INT32 = 2_147_483_647
TerritoryId = Annotated[int, Path(ge=1, le=INT32)]
PALETTE = ("#7c3aed", "#0891b2", "#ea580c", "#16a34a", "#db2777", "#2563eb", "#ca8a04", "#4b5563")


def _codes(text: str) -> list[str]:
    return [
        c
        for c in text.replace(";", ",").replace("\n", ",").replace(" ", ",").split(",")
        if c.strip()
    ]


@router.get("/territoires", response_class=HTMLResponse)
def territories_page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    metric: str = "",
) -> HTMLResponse:
    """Map with drawing tools, balance table, overlaps and gaps, optional rebalancing proposal."""
    return _page(request, session, actor, settings, metric=metric)


def _page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    *,
    metric: str = "",
    build: dict[str, str] | None = None,
    build_error: str | None = None,
) -> HTMLResponse:
    """The page; ``build``: the builder's form as typed, ``build_error``: why it was refused
    (a 422, said above that form)."""
    view = territories.overview(
        session, actor=actor, metric=metric, capacity_hours=settings.rep_field_hours_month
    )
    rows = view.rows
    m = maps.base_map(center=(7.3, 43.75), zoom=9)
    areas = [
        maps.Area(
            r.id,
            r.name,
            shapes.to_geojson(r.geometry),
            r.color or PALETTE[i % len(PALETTE)],
            {"rep": r.rep_name or ""},
        )
        for i, r in enumerate(rows)
        if r.geometry is not None
    ]
    layer = maps.add_areas(m, areas, labels=True)  # names on the areas: a phone has no hover
    corners = [
        corner
        for r in rows
        if r.geometry is not None
        for corner in ((r.geometry.bounds[0], r.geometry.bounds[1]), r.geometry.bounds[2:])
    ]
    maps.fit(m, corners)
    language = reader_language(request, actor)
    draw = maps.add_draw(m, lang=language) if actor.role in (Role.MANAGER, Role.ADMIN) else None
    context = {
        "rows": rows,
        "by_id": {r.id: r for r in rows},
        "metric": metric,
        "map": maps.render(m),
        "drawn_items": f"drawnItems_{draw.get_name()}" if draw else None,
        "reps": users.list_users(session, actor=actor, role=Role.REP),
        "balance": view.balance,
        # accounts inside a territory's outline the balance does not count there yet
        "not_yet_in": assignment.waiting_by_territory(session, actor=actor) if rows else {},
        "overlaps": view.overlaps,
        "gaps": view.gaps,
        "coverage": view.coverage,
        "coverage_said": coverage_text(view.coverage, language) if view.coverage else None,
        "names": {r.id: r.name for r in rows},
        "proposal": view.proposal,
        "area_layer": layer.get_name(),
        "build": build or {},
        "build_error": build_error,
    }
    status = 422 if build_error else 200
    return render(request, "territories.html", context, actor=actor, status_code=status)


@router.post("/territoires/construire", response_model=None)
def build(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    name: Annotated[str, Form(max_length=200)] = "",
    codes: Annotated[str, Form()] = "",
    unit: Annotated[str, Form(pattern="^(communes|postcodes|departements)$")] = "departements",
    rep_id: Annotated[int | None, Form()] = None,
    priority: Annotated[int, Form()] = 0,
    overlay: Annotated[bool, Form()] = False,
) -> HTMLResponse | RedirectResponse:
    """Build a territory from commune INSEE codes, postcodes or département codes; ``overlay``
    (the box « Territoire superposé ») leaves it out of rebalancing. Refused (no name,
    unknown codes, a name taken): the page again, the form as typed and why above it."""
    units = _codes(codes)
    try:
        territories.build_territory(
            session,
            name=name,
            rep_id=rep_id,
            priority=priority,
            overlay=overlay,
            actor=actor,
            communes=units if unit == "communes" else (),
            postcodes=units if unit == "postcodes" else (),
            departements=units if unit == "departements" else (),
        )
    except (InvalidInput, Conflict) as exc:  # raised before anything was written
        typed = {
            "name": name,
            "codes": codes,
            "unit": unit,
            "rep_id": str(rep_id or ""),
            "overlay": "true" if overlay else "",
        }
        said = describe(exc, reader_language(request, actor))
        return _page(request, session, actor, settings, build=typed, build_error=said)
    return RedirectResponse("/territoires", status_code=303)


@router.get("/territoires/{territory_id}/supprimer", response_class=HTMLResponse)
def delete_confirmation(
    request: Request, session: SessionDep, actor: CurrentUser, territory_id: TerritoryId
) -> HTMLResponse:
    """What deleting the territory does to its accounts, and the button that does it."""
    view = territories.deletion_preview(session, territory_id, actor=actor)
    rows = territories.list_territories(session, actor=actor, with_geometry=False)
    names = {r.id: r.name for r in rows}
    return render(request, "territory_delete.html", {"view": view, "names": names}, actor=actor)


@router.post("/territoires/{territory_id}/supprimer")
def delete(session: SessionDep, actor: CurrentUser, territory_id: TerritoryId) -> RedirectResponse:
    """Delete the territory; its accounts go where the confirmation said."""
    run_id = territories.delete_territory(session, territory_id, actor=actor)
    return RedirectResponse(f"/affectations/operations/{run_id}", status_code=303)


@router.post("/territoires/reequilibrer", dependencies=[allowed_to("territory.edit")])
def apply_rebalance(
    session: SessionDep,
    actor: CurrentUser,
    metric: Annotated[str, Form(max_length=40)],
    codes: Annotated[list[str], Form(min_length=1, max_length=500)],
) -> RedirectResponse:
    """Apply the rebalancing proposal the manager read (its communes, ``codes``); a proposal
    that changed since is a 409 and nothing is redrawn."""
    done = territories.apply_rebalance(session, metric=metric, codes=codes, actor=actor)
    target = f"/affectations/operations/{done.run_id}" if done.run_id else "/territoires"
    return RedirectResponse(target, status_code=303)
