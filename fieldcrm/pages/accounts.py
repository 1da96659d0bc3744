"""Accounts screens: the list with search and map, the 360° page, the sales chart."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel.dates import format_date
from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fieldcrm import maps
from fieldcrm.auth.roles import Role
from fieldcrm.dates import LOCALES
from fieldcrm.errors import InvalidInput
from fieldcrm.http.deps import CurrentUser, SessionDep, allowed_to
from fieldcrm.http.error_text import describe
from fieldcrm.http.i18n import translations
from fieldcrm.pages.templating import local_number, reader_language, render
from fieldcrm.scoring.rules import BANDS
from fieldcrm.services import (
    account_agenda,
    account_map,
    accounts,
    assignment,
    nearby,
    scoring,
    territories,
    visits,
)
from fieldcrm.territories import shapes

router = APIRouter(include_in_schema=False)
AREA_COLOR = "#7c3aed"
RADII = (500, 1000, 2000, 5000, 10000, 25000, 50000)
"""Radii offered on "Autour de moi", in metres."""
ACCOUNT_ID = Path(ge=1, le=2**31 - 1)


def _whole(value: str, field: str) -> int | None:
    """A number chosen in a filter (empty: any); :class:`InvalidInput` naming ``field``."""
    if not value.strip():
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(field, "invalid value", value=value) from None


@router.get("/comptes", response_class=HTMLResponse)
def accounts_page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    q: Annotated[str, Query(max_length=200)] = "",
    rep: Annotated[str, Query(max_length=12)] = "",
    territory: Annotated[str, Query(max_length=12)] = "",
    band: Annotated[str, Query(max_length=20)] = "",
    kind: Annotated[str, Query(max_length=20)] = "",
    qualification: Annotated[str, Query(max_length=50)] = "",
    sector: Annotated[str, Query(max_length=100)] = "",
    not_visited_days: Annotated[str, Query(max_length=6)] = "",
    rapports: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> HTMLResponse:
    """Accounts by priority, searched (name, town, postcode, SIRET, import id) and filtered,
    with their count; the map shows the same accounts (the same filter); visit-report search."""
    chosen = {
        "rep": rep,
        "territory": territory,
        "band": band,
        "kind": kind,
        "qualification": qualification,
        "sector": sector,
        "not_visited_days": not_visited_days,
    }
    selection = account_map.make_filter(
        query=q,
        rep=_whole(rep, "rep"),
        territory=_whole(territory, "territory"),
        band=band,
        kind=kind,
        qualification=qualification,
        sector=sector,
        not_visited_days=_whole(not_visited_days, "not_visited_days"),
        now=dt.datetime.now(dt.UTC),
    )
    rows = accounts.list_accounts(
        session, actor=actor, filters=selection, limit=50, offset=page * 50
    )
    total = accounts.count_accounts(session, actor=actor, filters=selection)
    hits = accounts.search_reports(session, actor=actor, query=rapports) if rapports.strip() else []
    m = maps.base_map(center=(7.3, 43.75), zoom=10)
    located = [(r.lon, r.lat) for r in rows if r.lon is not None and r.lat is not None]
    maps.fit(m, located)
    language = reader_language(request, actor)
    areas = territories.list_territories(session, actor=actor)
    maps.add_areas(
        m,
        [
            maps.Area(t.id, t.name, shapes.to_geojson(t.geometry), t.color or AREA_COLOR)
            for t in areas
            if t.geometry is not None
        ],
        labels=True,
    )
    lasso = None
    if actor.role is Role.REP and rows:  # a rep ticks accounts for a route, by lasso too
        lasso = f"drawnItems_{maps.add_draw(m, lang=language).get_name()}"
    qualifications, sectors = account_map.filter_choices(session, actor=actor)
    reps = account_map.rep_choices(session, actor=actor) if actor.role is not Role.REP else []
    context = {
        "chosen": chosen,
        # the list's search and filters, for its pages and for its map (/api/account-map)
        "page_query": urlencode({k: v for k, v in {"q": q.strip(), **chosen}.items() if v}),
        "total": total,
        "map_adds_unowned": account_map.map_adds_unowned(actor),
        "filters": {
            "reps": reps,
            "territories": [(t.id, t.name) for t in areas],
            "qualifications": qualifications,
            "sectors": sectors,
            "bands": BANDS,
        },
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
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    account_id: int = ACCOUNT_ID,
    compte_rendu: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    """The 360° view of one account (``compte_rendu=envoye``: the report form just saved)."""
    return _account_page(
        request, session, actor, account_id, report={"sent": compte_rendu == "envoye"}
    )


@router.post(
    "/comptes/{account_id}/compte-rendu",
    response_model=None,
    dependencies=[allowed_to("activity.write")],
)
def send_report(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    account_id: int = ACCOUNT_ID,
    outcome: Annotated[str, Form(max_length=100)] = "",
    report: Annotated[str, Form(max_length=20000)] = "",
) -> HTMLResponse | RedirectResponse:
    """The visit report form sent without its script (the phone's outbox sends it otherwise):
    it completes the rep's open visit of the day, or is a visit; refused (an empty report):
    the page again, the form as typed and why under the field (a 422)."""
    try:
        visits.record_visit(
            session,
            actor=actor,
            account_id=account_id,
            client_key="p" + secrets.token_hex(16),
            outcome=outcome.strip() or None,
            report=report,
            complete_open=True,
        )
    except InvalidInput as exc:  # raised before anything was written
        said = describe(exc, reader_language(request, actor))
        typed = {"outcome": outcome, "report": report, "error": said}
        return _account_page(request, session, actor, account_id, report=typed, status=422)
    return RedirectResponse(f"/comptes/{account_id}?compte_rendu=envoye#visit", status_code=303)


def _account_page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    account_id: int,
    *,
    report: dict[str, Any],
    status: int = 200,
) -> HTMLResponse:
    """The 360° view; ``report``: the visit report form's state (``sent``, or as typed with
    its ``error``)."""
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
        "revenue": view.revenue,
        "rule_names": scoring.rule_names(session, lang=reader_language(request, actor)),
        "coming": account_agenda.account_agenda(
            session, actor=actor, account_id=account_id, now=dt.datetime.now(dt.UTC)
        ),
        # why the territory rule leaves it where it is (for those who assign it)
        "lock": assignment.lock_origin(session, actor=actor, account_id=account_id)
        if detail.fields.get("assignment_locked")
        else None,
        "report": report,
    }
    return render(request, "account.html", context, actor=actor, status_code=status)


def month_label(month: dt.date, language: str) -> str:
    """A month as the reader abbreviates it (``janv. 2026``)."""
    return format_date(month, format="MMM yyyy", locale=LOCALES.get(language, "fr_FR"))


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
    language = reader_language(request, actor)
    # drawn at a phone's width (4.2 in × 150 dpi ≈ 630 px, shown at ~360 px): 10 pt text
    # stays ≥ 11 px on the phone; the page lets it grow on a wide screen
    fig, ax = plt.subplots(figsize=(4.2, 2.8), dpi=150)
    if sales:
        months = [m for m, _ in sales]
        days = [float(m.toordinal()) for m in months]  # x in days: bars 20 days wide
        ax.bar(days, [float(v) for _, v in sales], width=20, color="#1d4ed8")
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _: f"{local_number(v / 1000, language)} k€")
        )
        step = max(1, len(months) // 4)
        ticks = months[::step]
        ax.set_xticks(days[::step])
        ax.set_xticklabels([month_label(m, language) for m in ticks])
    title = translations(language).gettext("Chiffre d’affaires mensuel")
    ax.set_title(title, fontsize=11)
    ax.tick_params(labelsize=10)
    ax.spines[["top", "right"]].set_visible(False)
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
    tri: Annotated[str, Query(max_length=20)] = "distance",
    pages: Annotated[int, Query(ge=1, le=100)] = 1,
) -> HTMLResponse:
    """Accounts around the phone's position (asked by the page), nearest or best first
    (:mod:`fieldcrm.services.nearby`), a page at a time; the map shows the whole radius."""
    from fieldcrm.geo import GeoPoint

    found = None
    rendered = None
    if lon is not None and lat is not None:
        found = nearby.nearby_page(
            session,
            actor=actor,
            point=GeoPoint(lon, lat),
            radius_m=rayon,
            order=tri,
            pages=pages,
            settings=request.app.state.settings,
        )
        m = maps.base_map(center=(lon, lat), zoom=14)
        me = translations(reader_language(request, actor)).gettext("Vous êtes ici")
        markers = [maps.Marker(lon, lat, me, kind="me")]
        markers += [
            maps.Marker(r.lon, r.lat, r.name, kind=r.kind, url=f"/comptes/{r.id}")
            for r in found.rows
            if r.lon is not None and r.lat is not None
        ]
        maps.add_markers(m, markers)
        maps.add_radius(m, (lon, lat), rayon)
        rendered = maps.render(m)
    context = {
        "rows": found.rows if found else [],
        "found": found,
        "lon": lon,
        "lat": lat,
        "rayon": rayon,
        "tri": tri,
        "pages": pages,
        "radii": RADII,
        "map": rendered,
    }
    return render(request, "nearby.html", context, actor=actor)
