"""The planning clock and its one rule on dates: a day before today is not planned nor booked.

"Today" is the date of :func:`now` in the company's time zone (the setting
``scoring_timezone``, or the ``zone`` a use case already holds from its settings), the same
clock the slots of a plan count "now" from (:func:`fieldcrm.services.plan_slots.current_slots`). Every planning use case passes its
``now`` (``None``: this clock) to :func:`check_not_past`, so the API, the pages, the CLI and
the worker refuse a past day alike: an :class:`~fieldcrm.errors.InvalidInput` naming the
field, in French, before anything is read or written. An appointment booked or moved from
the agenda (API or page) goes through :func:`check_not_started`: the same rule for its day,
and an hour of today already gone is refused too.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fieldcrm.config import Settings, get_settings
from fieldcrm.errors import InvalidInput


def now() -> dt.datetime:
    """The planning clock: the current instant, aware (tests pin it)."""
    return dt.datetime.now(dt.UTC)


def company_zone(settings: Settings | None = None) -> ZoneInfo:
    """The company's time zone: the setting ``scoring_timezone`` of ``settings`` (``None``:
    the process's settings). The one home of that rule for the services and the worker."""
    return ZoneInfo((settings or get_settings()).scoring_timezone)


def today(at: dt.datetime | None = None, *, zone: ZoneInfo | None = None) -> dt.date:
    """The company's date at ``at`` (aware; ``None``: :func:`now`), in ``zone`` if given
    (:func:`company_zone`)."""
    return (at if at is not None else now()).astimezone(zone or company_zone()).date()


def check_not_past(
    day: dt.date, *, field: str, at: dt.datetime | None = None, zone: ZoneInfo | None = None
) -> None:
    """:class:`InvalidInput` naming ``field`` when ``day`` is before :func:`today` at ``at``."""
    first = today(at, zone=zone)
    if day < first:
        raise InvalidInput(
            field,
            f"le {day:%d/%m/%Y} est passé : on ne planifie ni ne réserve un jour passé",
            value=day.isoformat(),
            allowed=f"aujourd’hui ({first:%d/%m/%Y}) ou un jour à venir",
        )


def check_not_started(
    starts_at: dt.datetime, *, at: dt.datetime | None = None, zone: ZoneInfo | None = None
) -> None:
    """:class:`InvalidInput` when an appointment would start before :func:`now` (``at``): one
    naming ``date`` for a past day (:func:`check_not_past`), else ``time`` for an hour of today
    already gone — a booking or a move is for what is to come (a visit made is recorded as a
    visit, not booked)."""
    moment = at if at is not None else now()
    zone = zone or company_zone()
    local = starts_at.astimezone(zone)
    check_not_past(local.date(), field="date", at=moment, zone=zone)
    if starts_at < moment:
        raise InvalidInput(
            "time",
            "déjà passée : un rendez-vous se prend à une heure à venir",
            value=f"{local:%H:%M}",
            allowed=f"après {moment.astimezone(zone):%H:%M} aujourd’hui, ou un jour à venir",
        )
