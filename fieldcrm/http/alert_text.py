"""An alert's words for its reader: a date reminder is kept as data (``details.reminder``)
and worded in the reader's language through the catalogue
(:func:`fieldcrm.scoring.reminders.reminder_text`); a rule that gives its texts in other
languages keeps them with its values as data (``details.wording``), worded for the reader by
:func:`fieldcrm.scoring.wording.worded` (a text it does not give in the reader's language
reads in French); any other alert, and one stored before its data was kept, reads as
stored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fieldcrm.costs.report import local_day
from fieldcrm.http.i18n import translations
from fieldcrm.notify.email import in_app_subject
from fieldcrm.scoring.reminders import reminder_subject, reminder_text
from fieldcrm.scoring.wording import worded


def _gettext(lang: str) -> Any:
    return translations(lang).gettext


def _reminder(reminder: Any, lang: str, *, subject: bool) -> str | None:
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


def _rule(wording: Any, part: str, stored: str | None, lang: str, index: int | None) -> str | None:
    """A text of a rule's alert (its data ``wording``) for ``lang``; None when it says nothing.
    A subject reads as the inbox shows it, without the e-mail prefix."""
    if not isinstance(wording, Mapping):
        return None
    shown = in_app_subject if part == "subjects" else None
    return worded(
        wording, part, lang, index=index, stored=stored, catalogue=_gettext, shown=shown or str
    )


def alert_message(
    message: str | None,
    reminder: Any = None,
    lang: str = "fr",
    wording: Any = None,
    *,
    first: bool = False,
    part: str = "messages",
) -> str:
    """An alert's message for the reader of ``lang``: a reminder or a rule's text worded from
    its data (``reminder``, ``wording``), any other as stored (``message``).

    ``first``: ``message`` is the alert's own (its rule's first alert); otherwise (a
    notification, a task: ``part="titles"``) the rule's text it is is found from the data.
    """
    return (
        _reminder(reminder, lang, subject=False)
        or _rule(wording, part, message, lang, 0 if first else None)
        or (message or "")
    )


def alert_subject(
    subject: str | None, reminder: Any = None, lang: str = "fr", wording: Any = None
) -> str:
    """An alert's subject (as the inbox shows it, no e-mail prefix) for the reader of
    ``lang``: a reminder's « Rappel : … » or a rule's subject worded from its data, any
    other as stored."""
    return (
        _reminder(reminder, lang, subject=True)
        or _rule(wording, "subjects", subject, lang, None)
        or (subject or "")
    )


# ------------------------------------------------------------------ a dry run's report
def report_rule_name(key: str, report: Mapping[str, Any], lang: str = "fr") -> str:
    """A rule of a dry run's report by its name for the reader of ``lang``: the name it
    gives in that language (the report's ``texts``), else its French name as typed, else
    its key (a report kept before names were stored)."""
    texts = (report.get("texts") or {}).get(key)
    mine = texts.get(lang) if isinstance(texts, Mapping) else None
    name = mine.get("name") if isinstance(mine, Mapping) else None
    return str(name or (report.get("rule_names") or {}).get(key) or key)


def fired_message(fired: Mapping[str, Any], report: Mapping[str, Any], lang: str = "fr") -> str:
    """What a dry run's report says of one firing (one of ``report["fired"]``) to the reader
    of ``lang``: its rule's first alert message worded from the firing's ``values`` and the
    rule's ``texts``, as the alert will read (:func:`alert_message`); a rule without an
    alert is listed under its name (:func:`report_rule_name`). French, a rule in French only
    and a report kept before its data read as stored."""
    key = str(fired.get("rule_key"))
    texts = (report.get("texts") or {}).get(key)
    stored = str(fired.get("message") or "")
    if lang == "fr" or not isinstance(texts, Mapping):
        return stored
    french = texts.get("fr")
    if isinstance(french, Mapping) and not french.get("messages"):
        return report_rule_name(key, report, lang)
    wording = {"texts": texts, "values": fired.get("values") or {}}
    return alert_message(stored, None, lang, wording, first=True)
