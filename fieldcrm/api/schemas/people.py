"""Answers of ``/api/auth/me``, ``/api/visits``, ``/api/alerts`` and ``/api/tasks``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import WithJsonSchema

from fieldcrm.api.schemas.common import Strict
from fieldcrm.scoring.intervals import Overdue
from fieldcrm.store.notifications import InboxItem
from fieldcrm.store.tasks import TaskRow

__all__ = [
    "InboxItem",
    "Me",
    "OverduePageOut",
    "TaskRow",
    "UnreadCount",
    "UserOut",
    "VisitOut",
]


LocalTime = Annotated[
    dt.time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$",
            "description": "A wall-clock time of the company's time zone, HH:MM:SS (no offset)",
        }
    ),
]
"""A local time of day (JSON Schema's ``time`` format would demand an offset)."""


class UserOut(Strict):
    """A user as lists show them (never the password hash): working hours, home, vehicle."""

    id: int
    email: str
    full_name: str
    role: str
    language: str
    active: bool
    phone: str | None
    manager_id: int | None
    home_address: str | None
    home_lon: float | None
    home_lat: float | None
    work_start: LocalTime | None
    work_end: LocalTime | None
    fiscal_hp: int | None
    vehicle_kind: str
    electric: bool
    annual_km_estimate: int | None


class Me(Strict):
    """The current user: id, role, name, language, and the ids of their team (a manager's reps)."""

    id: int
    role: str
    name: str
    language: str
    team: list[int]


class VisitOut(Strict):
    """A recorded visit; ``created`` false when this ``client_key`` was already sent;
    ``far_from_account`` when the check-in was made far from the account (it then counts
    as a visit only once its report is written: ``counts``); ``warning`` says so to the
    reader, in their language."""

    id: int
    account_id: int
    rep_id: int | None
    kind: str
    occurred_at: dt.datetime
    outcome: str | None
    report: str | None
    checkin_lon: float | None
    checkin_lat: float | None
    distance_m: float | None
    client_key: str | None
    counts: bool
    created: bool
    far_from_account: bool
    warning: str | None = None


class UnreadCount(Strict):
    """How many in-app alerts are unread."""

    unread: int


class OverduePageOut(Strict):
    """One page of the accounts whose visit is late, most overdue first."""

    total: int
    page: int
    pages: int
    items: list[Overdue]
