"""Date reminders from contacts' important dates (retirement, contract end, birthday...).

Example: the buyer retires on 1 July → from 2 May (60 days before) the account's rep is
reminded to meet the successor, until the date itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from fieldcrm.errors import InvalidInput

LEAD_DAYS: dict[str, int] = {"retirement": 60, "contract_end": 45, "birthday": 7, "other": 14}
"""Default number of days before the date from which the reminder is due, per kind."""

MESSAGES: dict[str, str] = {
    "retirement": "{contact} ({account}) part à la retraite le {on} : rencontrer son successeur",
    "contract_end": "Fin de contrat de {contact} ({account}) le {on} : préparer le renouvellement",
    "birthday": "Anniversaire de {contact} ({account}) le {on}",
    "other": "{label} — {contact} ({account}) le {on}",
}


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
            text = MESSAGES.get(item.kind, MESSAGES["other"]).format(
                contact=item.contact or f"contact #{item.contact_id}",
                account=item.account or f"compte #{item.account_id}",
                on=item.on.strftime("%d/%m/%Y"),
                label=item.label or "Date importante",
            )
            out.append(Reminder(item.account_id, item.contact_id, item.kind, item.on, start, text))
    return sorted(out, key=lambda r: (r.event_on, r.contact_id))
