"""Date reminders from contacts' important dates (retirement, contract end, birthday...).

Example: the buyer retires on 1 July → from 2 May (60 days before) the account's rep is
reminded to meet the successor, until the date itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fieldcrm.errors import InvalidInput

LEAD_DAYS: dict[str, int] = {"retirement": 60, "contract_end": 45, "birthday": 7, "other": 14}
"""Default number of days before the date from which the reminder is due, per kind."""

MESSAGES: dict[str, str] = {
    "retirement": "%(contact)s (%(account)s) part à la retraite le %(on)s : rencontrer son"
    " successeur",
    "contract_end": "Fin de contrat de %(contact)s (%(account)s) le %(on)s : préparer le"
    " renouvellement",
    "birthday": "Anniversaire de %(contact)s (%(account)s) le %(on)s",
    "other": "%(label)s — %(contact)s (%(account)s) le %(on)s",
}
"""A reminder's sentence per kind: French templates, catalogue msgids (:func:`reminder_text`
words them for each reader)."""
UNNAMED_CONTACT = "contact #%(id)s"
UNNAMED_ACCOUNT = "compte #%(id)s"
UNNAMED_DATE = "Date importante"
SUBJECT = "Rappel : %(message)s"
"""A reminder's subject (a catalogue msgid): its sentence after « Rappel : »."""


def _same(text: str) -> str:
    return text


def _french_day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def reminder_text(
    params: Mapping[str, Any],
    *,
    gettext: Callable[[str], str] = _same,
    day: Callable[[date], str] = _french_day,
) -> str:
    """A reminder's sentence from its data (:attr:`Reminder.params`, as an alert keeps it),
    worded by ``gettext`` with dates written by ``day``: French by default, as stored.

    Parameters
    ----------
    params
        ``kind``, ``contact``, ``contact_id``, ``account``, ``account_id``, ``on`` (ISO date),
        ``label`` (the date's own note, for kind ``other``).
    gettext
        The reader's catalogue (French: as it is).
    day
        How the reader writes a date (French: ``01/07/2026``).

    Raises
    ------
    KeyError, ValueError
        When ``params`` lack a field or hold a bad date.

    Examples
    --------
    >>> data = {"kind": "birthday", "contact": "", "contact_id": 3, "account": "LAMBDA",
    ...         "account_id": 1, "on": "2026-07-01", "label": ""}
    >>> reminder_text(data)
    'Anniversaire de contact #3 (LAMBDA) le 01/07/2026'
    """
    template = MESSAGES.get(str(params["kind"]), MESSAGES["other"])
    return gettext(template) % {
        "contact": params["contact"] or gettext(UNNAMED_CONTACT) % {"id": params["contact_id"]},
        "account": params["account"] or gettext(UNNAMED_ACCOUNT) % {"id": params["account_id"]},
        "on": day(date.fromisoformat(str(params["on"]))),
        "label": params["label"] or gettext(UNNAMED_DATE),
    }


def reminder_subject(
    params: Mapping[str, Any],
    *,
    gettext: Callable[[str], str] = _same,
    day: Callable[[date], str] = _french_day,
) -> str:
    """A reminder's subject from its data, as :func:`reminder_text` words its sentence
    (« Rappel : … »; an e-mail adds its prefix)."""
    return gettext(SUBJECT) % {"message": reminder_text(params, gettext=gettext, day=day)}


@dataclass(frozen=True, slots=True)
class ImportantDate:
    """A dated event of a contact of an account."""

    contact_id: int
    account_id: int
    kind: str
    on: date
    contact: str = ""
    account: str = ""
    label: str = ""
    remind_days_before: int | None = None

    def __post_init__(self) -> None:
        if self.remind_days_before is not None and self.remind_days_before < 0:
            raise InvalidInput("remind_days_before", "must be >= 0", value=self.remind_days_before)


@dataclass(frozen=True, slots=True)
class Reminder:
    """A reminder due on the run date; ``key`` is stable for idempotence."""

    account_id: int
    contact_id: int
    kind: str
    event_on: date
    remind_from: date
    message: str
    """In French (:func:`reminder_text` of :attr:`params`)."""
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)
    """Its data, kept with its alert so that each reader reads it in their language."""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.contact_id}:{self.event_on.isoformat()}"


def due_reminders(
    dates: Iterable[ImportantDate],
    *,
    as_of: date,
    lead_days: Mapping[str, int] | None = None,
) -> list[Reminder]:
    """Reminders due on ``as_of``: from ``lead_days`` before the event until the event.

    Parameters
    ----------
    dates
        Contacts' important dates.
    as_of
        The run date.
    lead_days
        Days of notice per kind (defaults: :data:`LEAD_DAYS`), used when an item has no
        ``remind_days_before`` of its own.

    Returns
    -------
    list of Reminder
        Sorted by event date.
    """
    leads = {**LEAD_DAYS, **(lead_days or {})}
    out = []
    for item in dates:
        days = item.remind_days_before
        if days is None:
            days = leads.get(item.kind, leads["other"])
        start = item.on - timedelta(days=days)
        if start <= as_of <= item.on:
            params = {
                "kind": item.kind,
                "contact": item.contact,
                "contact_id": item.contact_id,
                "account": item.account,
                "account_id": item.account_id,
                "on": item.on.isoformat(),
                "label": item.label,
            }
            text = reminder_text(params)
            out.append(
                Reminder(item.account_id, item.contact_id, item.kind, item.on, start, text, params)
            )
    return sorted(out, key=lambda r: (r.event_on, r.contact_id))
