"""Interface languages: French source strings, an English catalogue, the request's language."""

from __future__ import annotations

from babel.core import Locale
from starlette.requests import Request

from fieldcrm.catalogue import LANGUAGES, LOCALE_DIR, translations

LANG_COOKIE = "fieldcrm_lang"
__all__ = ["LANGUAGES", "LANG_COOKIE", "LOCALE_DIR", "ngettext", "request_language", "translations"]


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
