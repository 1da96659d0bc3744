"""Everyone's "Frais": travel costs of a period, planned beside actual, chart and downloads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal, get_args
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm.accounts.numbers import TYPED_AMOUNT, parse_amount
from fieldcrm.auth import policy
from fieldcrm.auth.roles import Role
from fieldcrm.costs.basis import basis_text, not_counted_text
from fieldcrm.costs.chart import cost_chart_png
from fieldcrm.costs.derive import RepProfile
from fieldcrm.costs.report import TravelReport
from fieldcrm.errors import InvalidInput, Problem
from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep, allowed_to
from fieldcrm.http.i18n import request_language
from fieldcrm.pages import forms
from fieldcrm.pages.templating import reader_language, render
from fieldcrm.services import costs

router = APIRouter(include_in_schema=False)

GroupBy = Literal["rep", "team", "week", "month", "year"]
MONTH = Query(None, pattern=r"^[0-9]{4}-[0-9]{2}$")
REP = Query(None, ge=1, le=2**31 - 1)


def _month_or_current(month: str | None) -> str:
    return month or dt.date.today().strftime("%Y-%m")


def _report(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    month: str,
    group_by: str,
    rep: int | None,
) -> TravelReport:
    return costs.period_report(
        session, actor=actor, settings=settings, month=month, rep_id=rep, group_by=group_by
    )


def _shift(month: str, months: int) -> str:
    first = dt.date.fromisoformat(month + "-01")
    index = first.year * 12 + first.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@router.get("/frais", response_class=HTMLResponse)
def page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    month: str | None = MONTH,
    group_by: GroupBy = "rep",
    rep: int | None = REP,
) -> HTMLResponse:
    """The month's report: table, chart, trips with their tolls, downloads."""
    return _show(request, session, actor, settings, month=month, group_by=group_by, rep=rep)


def _show(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    *,
    month: str | None,
    group_by: str,
    rep: int | None,
    typed: dict[int, str] | None = None,
    errors: dict[int, forms.FieldErrors] | None = None,
    adjusting: dict[str, str] | None = None,
    adjust_errors: forms.FieldErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The month's report; with ``typed`` and ``errors`` (by trip id), a refused tolls form
    shows again with what was typed and, next to the field, what is wrong; with
    ``adjusting`` and ``adjust_errors``, a refused adjustment form likewise."""
    month = _month_or_current(month)
    report = _report(session, actor, settings, month, group_by, rep)
    params = {"month": month, "group_by": group_by} | ({"rep": rep} if rep else {})
    reps = [] if actor.role is Role.REP else [r.profile for r in costs.visible_reps(session, actor)]
    lang = reader_language(request, actor)
    context = {
        "report": report,
        # what the euros rest on, in the reader's words (fieldcrm.costs.basis, as the exports)
        "bases": [basis_text(b, lang) for b in report.bases],
        "not_counted": not_counted_text(
            report.total.actual.not_counted, lang, far_m=report.far_checkin_m
        ),
        "month": month,
        "group_by": group_by,
        "rep": rep,
        "reps": reps,
        "query": urlencode(params),
        "previous": _shift(month, -1),
        "next": _shift(month, 1),
        "closing": _closing(actor, report, reps, rep),
        # a month is validated once over: before, the day it can be (not a refusal after)
        "validable_from": None
        if costs.month_over(report.start, settings=settings)
        else costs.validable_from(report.start),
        # (rep, month) validated: their trips are frozen, tolls go through an adjustment
        "frozen": {(st.rep_id, st.month) for st in report.stamps},
        "typed": typed or {},
        "field_errors": errors or {},
        "adjusting": adjusting or {},
        "adjust_errors": adjust_errors or {},
        "error": " ; ".join(
            forms.summary(e) for e in [*(errors or {}).values(), adjust_errors or {}] if e
        )
        or None,
    }
    return render(request, "costs.html", context, actor=actor, status_code=status_code)


def _closing(
    actor: CurrentUser, report: TravelReport, reps: list[RepProfile], rep: int | None
) -> list[tuple[int, str, object, bool]]:
    """(rep id, name, validation stamp or None, may validate) for the month's validation form."""
    stamps = {s.rep_id: s for s in report.stamps}
    shown = [r for r in reps if rep in (None, r.rep_id)]
    return [
        (
            r.rep_id,
            r.name,
            stamps.get(r.rep_id),
            policy.can(actor, "costs.validate", owner_id=r.rep_id),
        )
        for r in shown
    ]


@router.get("/frais/graphique.png")
def chart(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    month: str | None = MONTH,
    group_by: GroupBy = "rep",
    rep: int | None = REP,
) -> Response:
    """The report's chart: costs per group, driving against visiting time."""
    report = _report(session, actor, settings, _month_or_current(month), group_by, rep)
    lang = request_language(request, preferred=actor.language, default=settings.default_language)
    png = cost_chart_png(report, lang=lang)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=60"})


@router.post(
    "/frais/trajets/{trip_id}/peages", response_model=None, dependencies=[allowed_to("costs.write")]
)
def tolls(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    trip_id: int,
    tolls_eur: str = Form(""),
    back: str = Form("/frais", max_length=300),
) -> HTMLResponse | RedirectResponse:
    """Record the tolls of a trip, then back to the report; a refused amount shows the
    report again (the one ``back`` names) with what was typed and, next to the field, what
    is wrong (nothing is stored then). The field emptied means no tolls: 0 €, as the field
    shows a trip without any (« 0,00 »)."""
    target = back if back.startswith("/frais") else "/frais"
    try:
        amount = parse_amount(tolls_eur, field="tolls_eur", typed=True) or Decimal(0)
        costs.set_tolls(session, actor=actor, trip_id=trip_id, tolls_eur=amount)
    except InvalidInput as exc:
        errors = forms.refusal_errors(exc, reader_language(request, actor)) or {}
        return _show(
            request,
            session,
            actor,
            settings,
            **_report_query(target),
            typed={trip_id: tolls_eur},
            errors={trip_id: errors},
            status_code=422,
        )
    return RedirectResponse(target, status_code=303)


def _report_query(back: str) -> dict[str, Any]:
    """The month, grouping and rep of the report ``back`` (``/frais?month=…``) shows; what
    is missing or not of the expected shape is left to its default."""
    query = {k: v[-1] for k, v in parse_qs(urlsplit(back).query).items()}
    month = query.get("month", "")
    rep = query.get("rep", "")
    return {
        "month": month if len(month) == 7 and month[:4].isdigit() and month[5:].isdigit() else None,
        "group_by": query.get("group_by") if query.get("group_by") in get_args(GroupBy) else "rep",
        "rep": int(rep) if rep.isdigit() and 0 < int(rep) < 2**31 else None,
    }


def _month_start(month: str) -> dt.date:
    try:
        return dt.date.fromisoformat(month + "-01")
    except ValueError:
        raise InvalidInput("month", "mois invalide (AAAA-MM)", value=month) from None


@router.post("/frais/mois/validation", dependencies=[allowed_to("costs.validate")])
def validate_month(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    rep: int = Form(..., ge=1, le=2**31 - 1),
    month: str = Form(..., pattern=r"^[0-9]{4}-[0-9]{2}$"),
) -> RedirectResponse:
    """Validate a rep's month, then back to it."""
    costs.validate_month(
        session, actor=actor, settings=settings, rep_id=rep, month=_month_start(month)
    )
    return RedirectResponse(f"/frais?month={month}&rep={rep}", status_code=303)


@router.post(
    "/frais/mois/ajustement", response_model=None, dependencies=[allowed_to("costs.validate")]
)
def adjust_month(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    rep: int = Form(..., ge=1, le=2**31 - 1),
    month: str = Form(..., pattern=r"^[0-9]{4}-[0-9]{2}$"),
    amount_eur: str = Form(""),
    reason: str = Form(""),
) -> HTMLResponse | RedirectResponse:
    """Record an adjustment to a validated month, then back to it; a refused one shows the
    month again with what was typed and, next to each field, what is wrong (nothing is
    stored then). Its amount reads as the tolls' do (:func:`parse_amount`, ``typed``)."""
    try:
        amount = parse_amount(amount_eur, field="amount_eur", typed=True)
        if amount is None:
            raise InvalidInput(problems=[Problem("amount_eur", TYPED_AMOUNT, code=TYPED_AMOUNT)])
        costs.adjust_month(
            session,
            actor=actor,
            rep_id=rep,
            month=_month_start(month),
            amount_eur=amount,
            reason=reason,
        )
    except InvalidInput as exc:
        if exc.field == "month":
            raise
        errors = forms.refusal_errors(exc, reader_language(request, actor)) or {}
        return _show(
            request,
            session,
            actor,
            settings,
            month=month,
            group_by="rep",
            rep=rep,
            adjusting={"rep": str(rep), "amount_eur": amount_eur, "reason": reason},
            adjust_errors=errors,
            status_code=422,
        )
    return RedirectResponse(f"/frais?month={month}&rep={rep}", status_code=303)
