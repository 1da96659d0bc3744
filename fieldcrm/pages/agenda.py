"""Reps' "Agenda": the day or week of appointments; book, move and cancel them; the calendar feed.

A refused booking or move (overlap, unreachable, a time skipped by the clock change) shows
the agenda again with the service's French message and what was typed, with its 4xx status.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.errors import Conflict, InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep, WorkDate
from fieldcrm.http.errors import status_for
from fieldcrm.pages.day import rep_for
from fieldcrm.pages.templating import render
from fieldcrm.services import appointments, calendar_feed, users

router = APIRouter(include_in_schema=False)
View = Literal["jour", "semaine"]
ID = Path(ge=1, le=2**31 - 1)
OptionalId = Annotated[int | None, Form(ge=1, le=2**31 - 1)]


def _refusal(exc: Conflict | InvalidInput) -> str:
    """The message to show for a refused booking (each problem's own words)."""
    if isinstance(exc, InvalidInput):
        return " ; ".join(
            p.message + (f" ({p.value})" if p.value is not None else "") for p in exc.problems
        )
    return str(exc)


def _target(day: dt.date, view: View, rep_id: int) -> str:
    return f"/agenda?date={day.isoformat()}&vue={view}&rep={rep_id}"


def _show(
    request: Request,
    session: SessionDep,
    actor: Actor,
    settings: Settings,
    *,
    day: dt.date,
    view: View,
    rep_id: int,
    account_id: int | None = None,
    error: str | None = None,
    form: dict[str | int, Any] | None = None,
    feed_url: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The agenda of ``rep_id`` around ``day``."""
    first = day - dt.timedelta(days=day.weekday()) if view == "semaine" else day
    last = first + dt.timedelta(days=6) if view == "semaine" else day
    rows = appointments.agenda(
        session,
        actor=actor,
        rep_id=rep_id,
        first=first,
        last=last,
        settings=settings,
        include_cancelled=True,
    )
    zone = appointments.zone_of(settings)
    days = [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
    by_day: dict[dt.date, list[Any]] = {d: [] for d in days}
    for r in rows:
        by_day.setdefault(r.starts_at.astimezone(zone).date(), []).append(r)
    account = (
        appointments.account_for_booking(session, actor=actor, account_id=account_id)
        if account_id is not None
        else None
    )
    may_feed = policy.can(actor, "calendar.feed", owner_id=rep_id)
    step = dt.timedelta(days=7 if view == "semaine" else 1)
    context = {
        "day": day,
        "view": view,
        "rep_id": rep_id,
        "days": [(d, by_day[d]) for d in days],
        "previous": _target(day - step, view, rep_id),
        "next": _target(day + step, view, rep_id),
        "reps": users.list_users(session, actor=actor, role=Role.REP)
        if actor.role is not Role.REP
        else [],
        "account": account,
        "error": error,
        "form": form or {},
        "may_feed": may_feed,
        "feed_url": feed_url,
        "feed_since": calendar_feed.feed_created_at(session, actor=actor, rep_id=rep_id)
        if may_feed
        else None,
    }
    return render(request, "agenda.html", context, actor=actor, status_code=status_code)


def _today(settings: Settings) -> dt.date:
    return dt.datetime.now(appointments.zone_of(settings)).date()


@router.get("/agenda", response_class=HTMLResponse)
def agenda_page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    date: Annotated[WorkDate | None, Query()] = None,
    vue: Annotated[View, Query()] = "semaine",
    rep: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    compte: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    """The week (or day) of appointments, the new-appointment form and the calendar feed."""
    return _show(
        request,
        session,
        actor,
        settings,
        day=date or _today(settings),
        view=vue,
        rep_id=rep_for(actor, rep),
        account_id=compte,
    )


@router.post("/agenda/rendez-vous", response_model=None)
def create(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    date: Annotated[WorkDate, Form()],
    time: Annotated[dt.time, Form()],
    duration: Annotated[int, Form(ge=appointments.MIN_MINUTES, le=appointments.MAX_MINUTES)],
    vue: Annotated[View, Form()] = "semaine",
    rep: OptionalId = None,
    account_id: OptionalId = None,
    title: Annotated[str | None, Form(max_length=300)] = None,
    address: Annotated[str | None, Form(max_length=500)] = None,
    lon: Annotated[float | None, Form(ge=-180, le=180)] = None,
    lat: Annotated[float | None, Form(ge=-90, le=90)] = None,
    note: Annotated[str | None, Form(max_length=5000)] = None,
) -> Response:
    """Book an appointment, then back to its day."""
    rep_id = rep_for(actor, rep)
    point = GeoPoint(lon, lat) if lon is not None and lat is not None else None
    draft = appointments.Draft(
        day=date,
        time=time,
        duration_minutes=duration,
        place=appointments.Place(account_id=account_id, address=address, point=point),
        title=title,
        note=note,
    )
    try:
        appointments.create_appointment(
            session, actor=actor, rep_id=rep_id, draft=draft, settings=settings
        )
    except (Conflict, InvalidInput) as exc:
        typed = {
            "date": date.isoformat(),
            "time": time.strftime("%H:%M"),
            "duration": duration,
            "title": title or "",
            "address": address or "",
            "note": note or "",
        }
        return _show(
            request,
            session,
            actor,
            settings,
            day=date,
            view=vue,
            rep_id=rep_id,
            account_id=account_id,
            error=_refusal(exc),
            form={"new": typed},
            status_code=status_for(exc),
        )
    return RedirectResponse(_target(date, vue, rep_id), status_code=303)


@router.post("/agenda/rendez-vous/{appointment_id}", response_model=None)
def move(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    date: Annotated[WorkDate, Form()],
    time: Annotated[dt.time, Form()],
    duration: Annotated[int, Form(ge=appointments.MIN_MINUTES, le=appointments.MAX_MINUTES)],
    vue: Annotated[View, Form()] = "semaine",
    note: Annotated[str | None, Form(max_length=5000)] = None,
    appointment_id: int = ID,
) -> Response:
    """Move an appointment (date, time, length) or edit its note, then back to its new day."""
    changes = appointments.Changes(day=date, time=time, duration_minutes=duration, note=note or "")
    try:
        moved = appointments.move_appointment(
            session,
            actor=actor,
            appointment_id=appointment_id,
            changes=changes,
            settings=settings,
        )
    except (Conflict, InvalidInput) as exc:
        current = appointments.get_appointment(session, actor=actor, appointment_id=appointment_id)
        typed = {
            "date": date.isoformat(),
            "time": time.strftime("%H:%M"),
            "duration": duration,
            "note": note or "",
        }
        zone = appointments.zone_of(settings)
        return _show(
            request,
            session,
            actor,
            settings,
            day=current.starts_at.astimezone(zone).date(),
            view=vue,
            rep_id=current.rep_id,
            error=_refusal(exc),
            form={appointment_id: typed},
            status_code=status_for(exc),
        )
    return RedirectResponse(_target(date, vue, moved.rep_id), status_code=303)


@router.post("/agenda/rendez-vous/{appointment_id}/annulation")
def cancel(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    vue: Annotated[View, Form()] = "semaine",
    appointment_id: int = ID,
) -> RedirectResponse:
    """Cancel an appointment (it stays in the agenda, marked cancelled)."""
    done = appointments.cancel_appointment(session, actor=actor, appointment_id=appointment_id)
    day = done.starts_at.astimezone(appointments.zone_of(settings)).date()
    return RedirectResponse(_target(day, vue, done.rep_id), status_code=303)


@router.post("/agenda/abonnement", response_class=HTMLResponse)
def make_feed(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    date: Annotated[WorkDate, Form()],
    vue: Annotated[View, Form()] = "semaine",
    rep: OptionalId = None,
) -> HTMLResponse:
    """Make (or remake) the calendar feed; its URL is shown on this answer only."""
    rep_id = rep_for(actor, rep)
    token, _created = calendar_feed.create_feed(
        session, actor=actor, rep_id=rep_id, settings=settings
    )
    url = calendar_feed.feed_url(str(request.base_url), token)
    page = _show(request, session, actor, settings, day=date, view=vue, rep_id=rep_id, feed_url=url)
    page.headers["Cache-Control"] = "no-store"  # the secret address is shown this once
    return page


@router.post("/agenda/abonnement/revocation")
def revoke_feed(
    session: SessionDep,
    actor: CurrentUser,
    date: Annotated[WorkDate, Form()],
    vue: Annotated[View, Form()] = "semaine",
    rep: OptionalId = None,
) -> RedirectResponse:
    """Revoke the calendar feed: its URL stops working at once."""
    rep_id = rep_for(actor, rep)
    calendar_feed.revoke_feed(session, actor=actor, rep_id=rep_id)
    return RedirectResponse(_target(date, vue, rep_id), status_code=303)
