"""Appointments: a rep's agenda; book, move and cancel (times in the company's time zone)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from fieldcrm.api.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.config import Settings
from fieldcrm.geo import GeoPoint
from fieldcrm.http.deps import WorkDate, allowed_to
from fieldcrm.services import appointments as svc
from fieldcrm.services import plan_dates
from fieldcrm.store.appointments import AppointmentRecord

router = APIRouter(prefix="/appointments", tags=["appointments"])
ID = Annotated[int, Path(ge=1, le=2**31 - 1)]


class PlaceFields(BaseModel):
    """At an account (its address and point), or at a free place: a point and/or an address.

    An address alone is placed at its commune's centre (it must hold ``NNNNN Ville``).
    """

    account_id: int | None = Field(None, ge=1, le=2**31 - 1)
    address: str | None = Field(None, max_length=500)
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)

    def place(self) -> svc.Place:
        """The place as the service takes it."""
        point = (
            GeoPoint(self.lon, self.lat) if self.lon is not None and self.lat is not None else None
        )
        return svc.Place(account_id=self.account_id, address=self.address, point=point)


class AppointmentIn(PlaceFields):
    """A new appointment; ``date`` and ``time`` are local to the company's time zone."""

    rep_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="The rep (default: the caller)"
    )
    date: WorkDate
    time: dt.time = Field(description="Local start time, HH:MM, no offset", examples=["09:00"])
    duration_minutes: int = Field(ge=svc.MIN_MINUTES, le=svc.MAX_MINUTES, examples=[60])
    title: str | None = Field(None, max_length=300, description="Default: the account's name")
    note: str | None = Field(None, max_length=5000)


class AppointmentChange(PlaceFields):
    """Move or edit an appointment: only the fields sent change.

    Sending any of ``account_id``, ``address``, ``lon``/``lat`` replaces the whole place; an
    empty ``note`` clears it.
    """

    date: WorkDate | None = None
    time: dt.time | None = Field(None, description="Local start time, HH:MM, no offset")
    duration_minutes: int | None = Field(None, ge=svc.MIN_MINUTES, le=svc.MAX_MINUTES)
    title: str | None = Field(None, max_length=300)
    note: str | None = Field(None, max_length=5000)


class AppointmentOut(BaseModel):
    """An appointment; ``starts_at``/``ends_at`` carry the company's UTC offset of that day."""

    id: int
    rep_id: int
    rep_name: str
    account_id: int | None
    account_name: str | None
    title: str
    date: dt.date = Field(description="Local date")
    time: str = Field(description="Local start, HH:MM")
    end_time: str = Field(description="Local end, HH:MM")
    starts_at: dt.datetime
    ends_at: dt.datetime
    duration_minutes: int
    address: str | None
    lon: float | None
    lat: float | None
    note: str | None
    status: str
    proposal_id: int | None = Field(description="The accepted proposal that booked it, if any")
    sequence: int = Field(description="Raised by every change (calendar clients follow it)")
    updated_at: dt.datetime

    @classmethod
    def of(cls, r: AppointmentRecord, settings: Settings) -> AppointmentOut:
        """From a stored appointment, in the company's time zone."""
        zone = plan_dates.company_zone(settings)
        start, end = r.starts_at.astimezone(zone), r.ends_at.astimezone(zone)
        return cls(
            id=r.id,
            rep_id=r.rep_id,
            rep_name=r.rep_name,
            account_id=r.account_id,
            account_name=r.account_name,
            title=r.title,
            date=start.date(),
            time=start.strftime("%H:%M"),
            end_time=end.strftime("%H:%M"),
            starts_at=start,
            ends_at=end,
            duration_minutes=round((r.ends_at - r.starts_at).total_seconds() / 60),
            address=r.address,
            lon=r.lon,
            lat=r.lat,
            note=r.note,
            status=r.status,
            proposal_id=r.proposal_id,
            sequence=r.sequence,
            updated_at=r.updated_at,
        )


@router.get("", dependencies=[allowed_to("appointment")])
def list_appointments(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    first: Annotated[WorkDate, Query(alias="from", description="First local day")],
    last: Annotated[WorkDate, Query(alias="to", description="Last local day (included)")],
    rep: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    include_cancelled: bool = False,
) -> list[AppointmentOut]:
    """The rep's appointments (the caller's by default) starting on ``from`` .. ``to``."""
    rows = svc.agenda(
        session,
        actor=actor,
        rep_id=rep or actor.id,
        first=first,
        last=last,
        settings=settings,
        include_cancelled=include_cancelled,
    )
    return [AppointmentOut.of(r, settings) for r in rows]


@router.post("", status_code=201, dependencies=[allowed_to("appointment")])
def create_appointment(
    body: AppointmentIn, session: SessionDep, actor: CurrentUser, settings: SettingsDep
) -> AppointmentOut:
    """Book an appointment; 409 naming the other appointment when it overlaps or cannot be reached."""
    created = svc.create_appointment(
        session,
        actor=actor,
        rep_id=body.rep_id or actor.id,
        draft=svc.Draft(
            day=body.date,
            time=body.time,
            duration_minutes=body.duration_minutes,
            place=body.place(),
            title=body.title,
            note=body.note,
        ),
        settings=settings,
    )
    return AppointmentOut.of(created, settings)


@router.get("/{appointment_id}")
def get_appointment(
    appointment_id: ID, session: SessionDep, actor: CurrentUser, settings: SettingsDep
) -> AppointmentOut:
    """One appointment."""
    found = svc.get_appointment(session, actor=actor, appointment_id=appointment_id)
    return AppointmentOut.of(found, settings)


@router.patch("/{appointment_id}")
def move_appointment(
    appointment_id: ID,
    body: AppointmentChange,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
) -> AppointmentOut:
    """Move or edit an appointment (same checks as booking; the proposal link stays)."""
    sent = body.model_fields_set
    place = body.place() if sent & {"account_id", "address", "lon", "lat"} else None
    moved = svc.move_appointment(
        session,
        actor=actor,
        appointment_id=appointment_id,
        changes=svc.Changes(
            day=body.date,
            time=body.time,
            duration_minutes=body.duration_minutes,
            place=place,
            title=(body.title or "") if "title" in sent else None,
            note=(body.note or "") if "note" in sent else None,
        ),
        settings=settings,
    )
    return AppointmentOut.of(moved, settings)


@router.delete("/{appointment_id}")
def cancel_appointment(
    appointment_id: ID, session: SessionDep, actor: CurrentUser, settings: SettingsDep
) -> AppointmentOut:
    """Cancel an appointment: it stays, with status ``cancelled``; the planner ignores it."""
    cancelled = svc.cancel_appointment(session, actor=actor, appointment_id=appointment_id)
    return AppointmentOut.of(cancelled, settings)
