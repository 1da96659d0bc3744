"""Reps' "Agenda": the day or week of appointments; book, move and cancel them; the calendar feed.

A refused booking or move (a field left empty or wrong, an unknown account, an overlap, an
unreachable place, a time skipped by the clock change) shows the agenda again with what was
typed and, next to each field, what is wrong in French (:mod:`fieldcrm.pages.forms`),
with its 4xx status; nothing is stored then. A moved appointment reads « Déplacé », with the
time it had before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.calendar_bounds import in_range
from fieldcrm.config import Settings
from fieldcrm.errors import Conflict, Forbidden, InvalidInput, NotFound
from fieldcrm.geo import GeoPoint
from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep, WorkDate
from fieldcrm.http.errors import status_for
from fieldcrm.pages import agenda_forms, forms
from fieldcrm.pages.agenda_forms import View
from fieldcrm.pages.day import rep_for
from fieldcrm.pages.templating import reader_language, render
from fieldcrm.services import (
    appointment_moves,
    appointments,
    calendar_feed,
    plan_dates,
    users,
    working_hours,
)
from fieldcrm.store.appointments import AppointmentRecord

router = APIRouter(include_in_schema=False)
ID = Path(ge=1, le=2**31 - 1)
OptionalId = Annotated[int | None, Form(ge=1, le=2**31 - 1)]


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
    errors: dict[str | int, forms.FieldErrors] | None = None,
    feed_url: str | None = None,
    booked_id: int | None = None,
    moving: AppointmentRecord | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The agenda of ``rep_id`` around ``day``; each appointment outside the rep's working
    hours says so, and ``booked_id`` (just booked or moved) at the top too; ``moving``, an
    appointment whose move was refused, has its form at the top when its day is not shown."""
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
    zone = plan_dates.company_zone(settings)
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
    hours = working_hours.rep_hours(session, actor=actor, rep_id=rep_id)
    late = {
        r.id
        for r in rows
        if hours is not None
        and r.status != "cancelled"
        and hours.outside(r.starts_at, r.ends_at, zone)
    }
    lang = reader_language(request, actor)
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
        "field_errors": errors or {},
        "moved": appointment_moves.former_starts(session, rows),
        # outside the working hours: kept (a rep may meet a client early), and said
        "out_of_hours": late,
        "hours_text": hours_text(hours, lang) if hours is not None else "",
        "own_agenda": rep_id == actor.id,
        "booked": next((r for r in rows if r.id == booked_id and r.id in late), None),
        "moving": moving if moving is not None and moving.id not in {r.id for r in rows} else None,
        "may_feed": may_feed,
        "feed_url": feed_url,
        "feed_since": calendar_feed.feed_created_at(session, actor=actor, rep_id=rep_id)
        if may_feed
        else None,
    }
    return render(request, "agenda.html", context, actor=actor, status_code=status_code)


def _today(settings: Settings) -> dt.date:
    return dt.datetime.now(plan_dates.company_zone(settings)).date()


def _clock(seconds: int, lang: str) -> str:
    hours, minutes = divmod(seconds // 60, 60)
    if lang != "fr":
        return f"{hours:02d}:{minutes:02d}"
    return f"{hours}\u00a0h\u00a0{minutes:02d}" if minutes else f"{hours}\u00a0h"


def hours_text(hours: working_hours.WorkingHours, lang: str) -> str:
    """Working hours as the reader writes them: « 8 h – 18 h 30 » in French (no « 8 h 00 »),
    « 08:00–18:30 » in English."""
    if lang != "fr":
        return f"{_clock(hours.start_s, lang)}–{_clock(hours.end_s, lang)}"
    return f"{_clock(hours.start_s, lang)} – {_clock(hours.end_s, lang)}"


def _typed_day(
    typed: Mapping[str, str], settings: Settings, otherwise: dt.date | None = None
) -> dt.date:
    """The day a refused form was for (the agenda stays on it), if its date is one; else
    ``otherwise`` (default today)."""
    try:
        return in_range(dt.date.fromisoformat(typed.get("date", "")))
    except ValueError:
        return otherwise or _today(settings)


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
    rdv: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    """The week (or day) of appointments, the new-appointment form and the calendar feed;
    ``rdv``, the appointment just booked or moved (said at the top when outside the hours)."""
    return _show(
        request,
        session,
        actor,
        settings,
        day=date or _today(settings),
        view=vue,
        rep_id=rep_for(actor, rep),
        account_id=compte,
        booked_id=rdv,
    )


TypedForm = Annotated[dict[str, str], Depends(forms.typed_form)]


def _view_of(typed: Mapping[str, str]) -> View:
    return "jour" if typed.get("vue") == "jour" else "semaine"


def _id_of(value: str | None) -> int | None:
    """An id typed in a form, if it is one (else ``None``: the form says what is wrong)."""
    return int(value) if value and value.isdigit() and 1 <= int(value) <= 2**31 - 1 else None


def _kept(typed: Mapping[str, str], names: tuple[str, ...]) -> dict[str, str]:
    return {name: typed.get(name, "") for name in names}


BOOKING_KEPT = ("date", "time", "duration", "title", "address", "note", "lon", "lat")
MOVE_KEPT = ("date", "time", "duration", "note")


def _bookable_account(
    session: SessionDep, actor: Actor, account_id: int | None, lang: str
) -> tuple[int | None, forms.FieldErrors]:
    """``account_id`` when the refused booking form may show it again, else ``None`` and the
    account field's error for a reader of ``lang``: an account unknown or not the actor's
    (the form is checked before the service looks at it) reads « introuvable » either way,
    instead of an error page."""
    if account_id is None:
        return None, {}
    try:
        appointments.account_for_booking(session, actor=actor, account_id=account_id)
    except (NotFound, Forbidden):
        return None, forms.refusal_errors(NotFound("account", account_id), lang) or {}
    return account_id, {}


@router.post("/agenda/rendez-vous", response_model=None)
def create(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    typed: TypedForm,
) -> Response:
    """Book an appointment, then back to its day; the form again, with what is wrong next to
    each field, when it is refused (nothing is stored then)."""
    lang = reader_language(request, actor)
    form, errors = forms.read_form(agenda_forms.BookingForm, typed, lang)
    status, account_id = 422, _id_of(typed.get("account_id"))
    if form is not None:
        rep_id = rep_for(actor, form.rep)
        point = (
            GeoPoint(form.lon, form.lat) if form.lon is not None and form.lat is not None else None
        )
        draft = appointments.Draft(
            day=form.date,
            time=form.time,
            duration_minutes=form.duration,
            place=appointments.Place(account_id=form.account_id, address=form.address, point=point),
            title=form.title,
            note=form.note,
        )
        try:
            booked = appointments.create_appointment(
                session, actor=actor, rep_id=rep_id, draft=draft, settings=settings
            )
        except (Conflict, InvalidInput, NotFound) as exc:
            refused = forms.refusal_errors(exc, lang)
            if refused is None:
                raise
            errors = refused
            status = 422 if isinstance(exc, NotFound) else status_for(exc)
            if "account_id" in refused:  # unknown: the form offers a free place instead
                account_id = None
        else:
            target = _target(form.date, form.vue, rep_id) + f"&rdv={booked.id}"
            return RedirectResponse(target, status_code=303)
    account_id, unknown = _bookable_account(session, actor, account_id, lang)
    errors = errors | unknown
    return _show(
        request,
        session,
        actor,
        settings,
        # the day the rep was booking, even when the form itself was refused
        day=form.date if form is not None else _typed_day(typed, settings),
        view=_view_of(typed),
        rep_id=rep_for(actor, _id_of(typed.get("rep"))),
        account_id=account_id,
        error=forms.summary(errors),
        form={"new": _kept(typed, BOOKING_KEPT)},
        errors={"new": errors},
        status_code=status,
    )


@router.post("/agenda/rendez-vous/{appointment_id}", response_model=None)
def move(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    typed: TypedForm,
    appointment_id: int = ID,
) -> Response:
    """Move an appointment (date, time, length) or edit its note, then back to its new day;
    its form again, with what is wrong next to each field, when it is refused."""
    lang = reader_language(request, actor)
    form, errors = forms.read_form(agenda_forms.MoveForm, typed, lang)
    status = 422
    if form is not None:
        changes = appointments.Changes(
            day=form.date, time=form.time, duration_minutes=form.duration, note=form.note or ""
        )
        try:
            moved = appointments.move_appointment(
                session,
                actor=actor,
                appointment_id=appointment_id,
                changes=changes,
                settings=settings,
            )
        except (Conflict, InvalidInput, NotFound) as exc:
            refused = forms.refusal_errors(exc, lang)
            if refused is None:
                raise
            errors, status = refused, status_for(exc)
        else:
            target = _target(form.date, form.vue, moved.rep_id) + f"&rdv={moved.id}"
            return RedirectResponse(target, status_code=303)
    current = appointments.get_appointment(session, actor=actor, appointment_id=appointment_id)
    now_on = current.starts_at.astimezone(plan_dates.company_zone(settings)).date()
    return _show(
        request,
        session,
        actor,
        settings,
        # the day the rep was moving it to (its form with it), else the day it is on
        day=form.date if form is not None else _typed_day(typed, settings, now_on),
        view=_view_of(typed),
        rep_id=current.rep_id,
        moving=current,
        error=forms.summary(errors),
        form={appointment_id: _kept(typed, MOVE_KEPT)},
        errors={appointment_id: errors},
        status_code=status,
    )


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
    day = done.starts_at.astimezone(plan_dates.company_zone(settings)).date()
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
