"""Every French interface string has its English translation."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from fieldcrm.config import PROJECT_DIR
from fieldcrm.pages.templating import NAVIGATION


def _msgids() -> set[str]:
    found = {
        message if isinstance(message, str) else message[0]
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
    translated = {m.id for m in catalog if m.id and m.string}
    missing = sorted(_msgids() - translated)
    assert not missing, f"untranslated: {missing}"
