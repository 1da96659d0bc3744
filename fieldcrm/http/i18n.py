"""Interface languages: French source strings, an English catalogue, the request's language."""

from __future__ import annotations

import io
from functools import lru_cache

from babel.core import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from starlette.requests import Request

from fieldcrm.config import PROJECT_DIR

LOCALE_DIR = PROJECT_DIR / "web" / "locale"
LANGUAGES = ("fr", "en")
LANG_COOKIE = "fieldcrm_lang"


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


def ngettext(language: str, singular: str, plural: str, n: float) -> str:
    """``singular`` or ``plural`` (French source texts), translated for ``language``, as that
    language counts ``n``: « 0 compte », « 1 compte », « 2 comptes » in French (one: 0 and 1),
    « 0 accounts », « 1 account » in English (the CLDR plural rules, by babel)."""
    one = Locale.parse(language).plural_form(abs(n)) == "one"
    return translations(language).ngettext(singular, plural, 1 if one else 2)


def request_language(request: Request, *, preferred: str | None = None, default: str = "fr") -> str:
    """Language of a request: ``?lang=``, the language cookie, the user's choice, else ``default``.

    The browser's Accept-Language is not followed: the interface is French unless someone
    chooses English.
    """
    for candidate in (
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        preferred,
    ):
        if candidate in LANGUAGES:
            return candidate
    return default
