"""The agenda's two forms as typed: booking an appointment, moving (or editing) one.

Read as typed by :func:`fieldcrm.pages.forms.read_form`, so that a wrong value (an empty or
impossible time, a length out of bounds, an unknown account) shows the agenda again with
what was typed and, next to each field, what is wrong with it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from fieldcrm.http.deps import WorkDate
from fieldcrm.services import appointments

View = Literal["jour", "semaine"]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class MoveForm(BaseModel):
    """The move form of an appointment: new date, time and length, and its note."""

    model_config = ConfigDict(extra="ignore")

    date: WorkDate
    time: dt.time
    duration: int = Field(ge=appointments.MIN_MINUTES, le=appointments.MAX_MINUTES)
    vue: View = "semaine"
    note: str | None = Field(None, max_length=5000)


class BookingForm(MoveForm):
    """The new-appointment form: when, how long, where (an account, an address or a point)."""

    rep: Id | None = None
    account_id: Id | None = None
    title: str | None = Field(None, max_length=300)
    address: str | None = Field(None, max_length=500)
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
