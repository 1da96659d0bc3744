"""Accounts screens: the list with search and map, the 360° page, the sales chart."""

from __future__ import annotations

import datetime as dt
import io
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from fieldcrm import maps
from fieldcrm.auth.roles import Role
from fieldcrm.http.deps import CurrentUser, SessionDep
from fieldcrm.http.i18n import translations
from fieldcrm.pages.templating import reader_language, render
from fieldcrm.services import accounts, scoring

router = APIRouter(include_in_schema=False)
ACCOUNT_ID = Path(ge=1, le=2**31 - 1)


@router.get("/comptes", response_class=HTMLResponse)
def accounts_page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    q: Annotated[str, Query(max_length=200)] = "",
    rapports: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> HTMLResponse:
    """Accounts by priority, name/city search, visit-report search, and a map of every account in view."""
    rows = accounts.list_accounts(session, actor=actor, query=q or None, limit=50, offset=page * 50)
    hits = accounts.search_reports(session, actor=actor, query=rapports) if rapports.strip() else []
    m = maps.base_map(center=(7.3, 43.75), zoom=10)
    located = [(r.lon, r.lat) for r in rows if r.lon is not None and r.lat is not None]
    maps.fit(m, located)
    lasso = None
    if actor.role is Role.REP and rows:  # a rep ticks accounts for a route, by lasso too
        lasso = f"drawnItems_{maps.add_draw(m).get_name()}"
    context = {
        "lasso": lasso,
        "points": {r.id: [r.lon, r.lat] for r in rows if r.lon is not None and r.lat is not None},
        "rows": rows,
        "q": q,
        "rapports": rapports,
        "hits": hits,
        "page": page,
        "map": maps.render(m),
    }
    return render(request, "accounts.html", context, actor=actor)


@router.get("/comptes/{account_id}", response_class=HTMLResponse)
def account_page(
    request: Request, session: SessionDep, actor: CurrentUser, account_id: int = ACCOUNT_ID
) -> HTMLResponse:
    """The 360° view of one account."""
    settings = request.app.state.settings
    today = dt.datetime.now(ZoneInfo(settings.scoring_timezone)).date()
    view = accounts.account_view(
        session, actor=actor, account_id=account_id, today=today, settings=settings
    )
    detail = view.account.account
    rendered = None
    if detail.lon is not None and detail.lat is not None:
        m = maps.base_map(center=(detail.lon, detail.lat), zoom=16)
        maps.add_markers(
            m,
            [
                maps.Marker(
                    detail.lon, detail.lat, detail.fields["name"], kind=detail.fields["kind"]
                )
            ],
        )
        rendered = maps.render(m)
    context = {
        "view": view.account,
        "a": detail.fields,
        "detail": detail,
        "priority": view.priority,
        "map": rendered,
        "today": today,
        "tasks": view.tasks,
        "rhythm": view.rhythm,
        "rule_names": scoring.rule_names(session),
    }
    return render(request, "account.html", context, actor=actor)


@router.get("/comptes/{account_id}/ventes.png")
def sales_chart(
    request: Request, session: SessionDep, actor: CurrentUser, account_id: int = ACCOUNT_ID
) -> Response:
    """Monthly revenue of the last 24 months, this year against the year before."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import FuncFormatter

    sales = accounts.account_view(session, actor=actor, account_id=account_id).account.sales
    fig, ax = plt.subplots(figsize=(6.4, 2.6), dpi=110)
    if sales:
        months = [m for m, _ in sales]
        ax.bar(months, [float(v) for _, v in sales], width=20, color="#1d4ed8")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1000:.0f} k€"))
    title = translations(reader_language(request, actor)).gettext("Chiffre d’affaires mensuel")
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    fig.autofmt_xdate()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return Response(
        buffer.getvalue(), media_type="image/png", headers={"Cache-Control": "private, max-age=300"}
    )


@router.get("/autour", response_class=HTMLResponse)
def nearby_page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    rayon: Annotated[float, Query(gt=0, le=accounts.MAX_RADIUS_M)] = 5000,
) -> HTMLResponse:
    """Accounts around the phone's position (asked by the page), by priority then distance."""
    from fieldcrm.geo import GeoPoint

    rows = []
    rendered = None
    if lon is not None and lat is not None:
        rows = accounts.nearby(session, actor=actor, point=GeoPoint(lon, lat), radius_m=rayon)
        m = maps.base_map(center=(lon, lat), zoom=14)
        markers = [maps.Marker(lon, lat, "Vous êtes ici", kind="me")]
        markers += [
            maps.Marker(r.lon, r.lat, r.name, kind=r.kind, url=f"/comptes/{r.id}")
            for r in rows
            if r.lon is not None and r.lat is not None
        ]
        maps.add_markers(m, markers)
        maps.fit(m, [(mk.lon, mk.lat) for mk in markers])
        rendered = maps.render(m)
    context = {"rows": rows, "lon": lon, "lat": lat, "rayon": rayon, "map": rendered}
    return render(request, "nearby.html", context, actor=actor)
