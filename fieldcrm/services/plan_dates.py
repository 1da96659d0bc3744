"""The planning clock and its one rule on dates: a day before today is not planned nor booked.

"Today" is the date of :func:`now` in the company's time zone (the setting
``scoring_timezone``, or the ``zone`` a use case already holds from its settings), the same
clock the slots of a plan count "now" from (:func:`fieldcrm.services.plan_slots.current_slots`). Every planning use case passes its
``now`` (``None``: this clock) to :func:`check_not_past`, so the API, the pages, the CLI and
the worker refuse a past day alike: an :class:`~fieldcrm.errors.InvalidInput` naming the
field, in French, its template and data kept for other readers (:func:`refusal`), before
anything is read or written. An appointment booked or moved from
the agenda (API or page) goes through :func:`check_not_started`: the same rule for its day,
and an hour of today already gone is refused too.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fieldcrm.config import Settings, get_settings
from fieldcrm.errors import InvalidInput, Problem

PAST_DAY = "le %(day)s est passé : on ne planifie ni ne réserve un jour passé"
PAST_DAY_ALLOWED = "aujourd’hui (%(today)s) ou un jour à venir"
PAST_TIME = "déjà passée : un rendez-vous se prend à une heure à venir"
PAST_TIME_ALLOWED = "après %(now)s aujourd’hui, ou un jour à venir"
"""The refusals' French templates (catalogue msgids, English in the catalogue); their days
are kept as ISO texts, times ``HH:MM``."""


def refusal(
    field: str,
    template: str,
    params: dict[str, str],
    *,
    value: object,
    allowed: str | None = None,
) -> InvalidInput:
    """An input refusal naming ``field``, worded in French by ``template`` (and ``allowed``,
    a template too) from ``params`` (days as ISO texts, written ``dd/mm/yyyy``), both kept
    with their params so that a reader of another language gets them worded from the data
    (:func:`fieldcrm.http.error_text.problem_text`)."""
    french = {k: _french(k, v) for k, v in params.items()}
    problem = Problem(
        field,
        template % french,
        value,
        allowed % french if allowed else None,
        template,
        params,
        allowed,
    )
    return InvalidInput(problems=[problem])


def _french(name: str, value: str) -> str:
    if name in ("day", "today"):
        return f"{dt.date.fromisoformat(value):%d/%m/%Y}"
    return value


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
        raise refusal(
            field,
            PAST_DAY,
            {"day": day.isoformat(), "today": first.isoformat()},
            value=day.isoformat(),
            allowed=PAST_DAY_ALLOWED,
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
        raise refusal(
            "time",
            PAST_TIME,
            {"now": f"{moment.astimezone(zone):%H:%M}"},
            value=f"{local:%H:%M}",
            allowed=PAST_TIME_ALLOWED,
        )
