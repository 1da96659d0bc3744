"""Words written by Python for pages (enum labels, map texts) have their English translation too,
and the French error texts use no English word."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from fieldcrm import trip_job_text
from fieldcrm.config import PROJECT_DIR
from fieldcrm.http import error_text
from fieldcrm.pages import templating

PAGE_TEXTS = ("Vous êtes ici", "à vol d’oiseau : pas de données routières ici")
"""Texts pages/accounts.py and pages/day.py translate for the map."""


def test_enum_labels_and_map_texts_are_in_the_english_catalogue() -> None:
    with (PROJECT_DIR / "web" / "locale" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        translated = {m.id for m in read_po(fh, locale="en") if m.id and m.string}
    labels = {
        *templating.ACTIVITY_KINDS.values(),
        *templating.PRIORITY_BANDS.values(),
        *templating.CONTACT_DATE_KINDS.values(),
        *templating.ALERT_STATUSES.values(),
        *templating.ALERT_SEVERITIES.values(),
        *templating.SCHEDULED_JOBS.values(),
        *templating.QUEUE_TASKS.values(),
        *PAGE_TEXTS,
        *trip_job_text.LEAD_INS.values(),  # a refused trip job's words, worded by the pages
        *trip_job_text.DAY_CHANGED.values(),
    }
    assert not sorted(labels - translated)


def test_french_error_texts_carry_no_english_word() -> None:
    english = re.compile(
        r"\b(the|not|found|may|must|required|invalid|unknown|already|cannot)\b", re.I
    )
    texts = [
        *error_text.KINDS.values(),
        *error_text.ACTIONS.values(),
        *error_text.FIELDS.values(),
        *error_text.PHRASES.values(),
        *error_text.VALIDATION.values(),
        *(french for _pattern, french in error_text.SENTENCES),
        *(french for _pattern, french in error_text.PLAN_PHRASES),
        *error_text.GENERIC.values(),
    ]
    assert [t for t in texts if english.search(t)] == []
