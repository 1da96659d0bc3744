"""The interface's languages and their catalogues: French source strings, an English
catalogue (``web/locale/<lang>/LC_MESSAGES/messages.po``), compiled in memory when first
used. Pages word what they show with it (:mod:`fieldcrm.http.i18n`); use cases with it what
they send to a person in that person's language (a reminder's e-mail)."""

from __future__ import annotations

import io
from functools import lru_cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from fieldcrm.config import PROJECT_DIR

LOCALE_DIR = PROJECT_DIR / "web" / "locale"
LANGUAGES = ("fr", "en")


@lru_cache(maxsize=4)
def translations(language: str) -> NullTranslations:
    """Translations for ``language``, compiled in memory from ``web/locale/<lang>/LC_MESSAGES/messages.po``.

    French is the source language of the templates and has no catalogue.
    """
    po_file = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if language == "fr" or not po_file.exists():
        return NullTranslations()
    with po_file.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)
