"""Answers of ``/api/accounts`` and ``/api/account-map``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from fieldcrm.api.schemas.common import JsonObject, Strict
from fieldcrm.scoring.priority import PriorityBreakdown
from fieldcrm.services.account_map import AccountMap
from fieldcrm.store.accounts import ReportHit
from fieldcrm.store.intervals import Rhythm
from fieldcrm.store.tasks import TaskRow

__all__ = ["AccountChanges", "AccountMap", "ReportHit"]


class AccountOut(Strict):
    """An account in a list (``distance_m`` only around a point)."""

    id: int
    name: str
    kind: str
    sector: str | None
    postcode: str | None
    city: str | None
    lon: float | None
    lat: float | None
    owner_id: int | None
    owner_name: str | None
    territory_id: int | None
    potential_eur_month: float | None
    priority_score: float | None
    priority_band: str | None
    geocode_status: str
    last_visit: dt.datetime | None
    distance_m: float | None


class AccountDetailOut(Strict):
    """The account's stored columns (``fields``) and what is joined to them."""

    id: int
    fields: JsonObject = Field(description="Every stored column of the account")
    lon: float | None
    lat: float | None
    owner_name: str | None
    territory_name: str | None
    last_visit: dt.datetime | None


class ContactDate(Strict):
    """A date to remember about a contact (birthday…)."""

    kind: str
    date: str
    note: str | None


class ContactOut(Strict):
    """A contact of the account."""

    id: int
    first_name: str | None
    last_name: str | None
    role: str | None
    phone: str | None
    email: str | None
    notes: str | None
    dates: list[ContactDate]


class ActivityOut(Strict):
    """A visit, call or other activity (the latest 50)."""

    id: int
    kind: str
    occurred_at: dt.datetime
    outcome: str | None
    report: str | None
    rep_name: str | None
    checkin_distance_m: float | None = None
    """Metres between the check-in point and the account (null without a check-in point)."""
    far_checkin: bool = False
    """Checked in far from the account (« pointage à distance »)."""
    counts_as_visit: bool = False
    """A visit that counts (last visit, due dates, tasks): not a far check-in without report."""


class AccountAlertOut(Strict):
    """An alert about the account (the latest 20)."""

    id: int
    rule_key: str | None
    period: str | None
    severity: str | None
    message: str | None
    """The alert's text in the company's language (French), as stored."""
    status: str | None
    created_at: dt.datetime
    reminder: dict[str, Any] | None = None
    """A date reminder's data (``details.reminder``), from which the pages word it in the
    reader's language; ``None`` for a rule's alert."""
    wording: dict[str, Any] | None = None
    """A rule's alert worded in other languages (``details.wording``), when its rule has
    texts in them; ``None`` otherwise."""


class AccountAppointmentOut(Strict):
    """An appointment at the account (the latest 10)."""

    id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    rep_id: int


class Account360Out(Strict):
    """Details, contacts, monthly sales (``[month, revenue]``), activities, alerts, appointments."""

    account: AccountDetailOut
    contacts: list[ContactOut]
    sales: list[tuple[dt.date, float]]
    activities: list[ActivityOut]
    alerts: list[AccountAlertOut]
    appointments: list[AccountAppointmentOut]


class AccountViewOut(Strict):
    """The 360° view of an account, how its priority was made, its tasks and visit rhythm."""

    account: Account360Out
    priority: PriorityBreakdown | None
    tasks: list[TaskRow]
    rhythm: Rhythm | None


class CreatedId(Strict):
    """The id of what was created."""

    id: int


class FieldChange(BaseModel):
    """A field's value before and after a change."""

    before: Any
    after: Any


AccountChanges = dict[str, FieldChange]
"""What changed, by field name."""
