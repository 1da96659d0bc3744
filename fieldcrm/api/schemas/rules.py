"""Answers of ``/api/rules`` and ``/api/gdpr``."""

from __future__ import annotations

import datetime as dt

from fieldcrm.api.schemas.common import Strict
from fieldcrm.services.scoring import RunReport
from fieldcrm.store.gdpr import StaleProspect
from fieldcrm.store.rules import StoredRule

__all__ = [
    "ContactExport",
    "Deleted",
    "RuleValid",
    "RunReport",
    "Scrubbed",
    "StaleProspect",
    "StoredRule",
]


class RuleValid(Strict):
    """A rule that validates, and its key."""

    valid: bool
    key: str


class ContactOut(Strict):
    """The contact as stored."""

    id: int
    first_name: str | None
    last_name: str | None
    role: str | None
    phone: str | None
    email: str | None
    notes: str | None
    last_contact_at: dt.datetime | None
    created_at: dt.datetime
    account_id: int
    account_name: str


class ContactDateOut(Strict):
    """A date kept about the contact."""

    kind: str
    date: dt.date
    remind_days_before: int | None
    note: str | None


class MessageOut(Strict):
    """A notification or alert whose text names the contact."""

    source: str
    id: int
    created_at: dt.datetime
    subject: str | None
    body: str | None


class ContactExport(Strict):
    """Everything held about one contact (right of access)."""

    contact: ContactOut
    dates: list[ContactDateOut]
    messages: list[MessageOut]


class Scrubbed(Strict):
    """How many messages naming the erased contact were blanked."""

    messages_scrubbed: int


class Deleted(Strict):
    """How many were deleted."""

    deleted: int
