"""An alert's words for its reader: a date reminder is kept as data (``details.reminder``)
and worded in the reader's language through the catalogue
(:func:`fieldcrm.scoring.reminders.reminder_text`); a rule's alert says what the rule's
author wrote, and an alert stored before its data was kept reads as stored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fieldcrm.costs.report import local_day
from fieldcrm.http.i18n import translations
from fieldcrm.scoring.reminders import reminder_subject, reminder_text


def _worded(reminder: Any, lang: str, *, subject: bool) -> str | None:
    """The reminder ``reminder`` (its data) worded for ``lang``; None when it is no such data."""
    if not isinstance(reminder, Mapping):
        return None
    words = reminder_subject if subject else reminder_text
    try:
        return words(
            reminder,
            gettext=translations(lang).gettext,
            day=lambda day: local_day(day, lang),
        )
    except (KeyError, TypeError, ValueError):  # malformed data: the stored text instead
        return None


def alert_message(message: str | None, reminder: Any = None, lang: str = "fr") -> str:
    """An alert's message for the reader of ``lang``: a reminder worded from its data
    (``reminder``), any other as stored (``message``)."""
    return _worded(reminder, lang, subject=False) or (message or "")


def alert_subject(subject: str | None, reminder: Any = None, lang: str = "fr") -> str:
    """An alert's subject (as the inbox shows it, no e-mail prefix) for the reader of
    ``lang``: a reminder's « Rappel : … » worded from its data, any other as stored."""
    return _worded(reminder, lang, subject=True) or (subject or "")
