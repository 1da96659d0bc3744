"""Every French interface string has its English translation."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from fieldcrm.config import PROJECT_DIR
from fieldcrm.http.i18n import ngettext as plural
from fieldcrm.pages.templating import NAVIGATION


def _msgids() -> set[str | tuple[str, str]]:
    """Every message of the templates: a text, or (singular, plural) for ``ngettext``."""
    found = {
        message if isinstance(message, str) else tuple(message[:2])
        for _file, _line, message, _comments, _context in extract_from_dir(
            PROJECT_DIR / "web" / "templates",
            method_map=[("**.html", "jinja2")],
            options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
        )
    }
    return found | {label for _path, label, _roles in NAVIGATION}


def test_english_catalogue_covers_every_template_string() -> None:
    with (PROJECT_DIR / "web" / "locale" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="en")
    translated = {
        m.id if isinstance(m.id, str) else tuple(m.id)
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(map(str, _msgids() - translated))
    assert not missing, f"untranslated: {missing}"


def test_counts_take_the_plural_of_their_language() -> None:
    """French says « 0 compte », « 1 compte », « 2 comptes » (one: 0 and 1); English says
    « 0 accounts », « 1 account » (the catalogue's plural forms)."""
    one, many = "%(n)s compte en retard", "%(n)s comptes en retard"
    assert [plural("fr", "compte en retard", "comptes en retard", n) for n in (0, 1, 2, 1000)] == [
        "compte en retard",
        "compte en retard",
        "comptes en retard",
        "comptes en retard",
    ]
    assert [plural("en", "compte en retard", "comptes en retard", n) for n in (0, 1, 2)] == [
        "overdue accounts",
        "overdue account",
        "overdue accounts",
    ]
    assert plural("fr", one, many, 1) % {"n": 1} == "1 compte en retard"
