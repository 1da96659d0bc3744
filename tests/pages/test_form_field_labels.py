"""Every field of the app's forms has a label in each language for the error texts (QA 22:
« reason : texte trop long » on the form whose label is « Motif », « unit : valeur
invalide » under « Unités »)."""

from __future__ import annotations

import re

from fieldcrm.config import PROJECT_DIR
from fieldcrm.http import error_text

FIELD_NAME = re.compile(r"<(?:input|select|textarea)\b[^>]*?\bname=\"([^\"{]+)\"", re.S)


def form_field_names() -> set[str]:
    """The names of the fields of every form of ``web/templates`` (a computed name aside)."""
    names: set[str] = set()
    for template in (PROJECT_DIR / "web" / "templates").glob("*.html"):
        names |= set(FIELD_NAME.findall(template.read_text(encoding="utf-8")))
    return names


def test_the_templates_have_forms_to_check() -> None:
    assert {"reason", "unit", "tolls_eur", "date", "ids"} <= form_field_names()


def test_every_form_field_has_a_label_in_french_and_in_english() -> None:
    names = form_field_names()
    assert sorted(names - error_text.FIELDS.keys()) == [], "French label missing"
    assert sorted(names - error_text.FIELDS_EN.keys()) == [], "English label missing"


def test_a_refused_reason_and_unit_are_named_by_their_labels() -> None:
    too_long = {"type": "string_too_long", "loc": ("body", "reason"), "msg": "too long"}
    bad_unit = {"type": "enum", "loc": ("body", "unit"), "msg": "Input should be …"}
    assert error_text.describe_validation([too_long], "fr") == "motif : texte trop long"
    said = error_text.describe_validation([bad_unit], "fr")
    assert said.startswith("unités : ") and "unit :" not in said
    assert error_text.describe_validation([too_long], "en") == "reason: text too long"
    assert error_text.describe_validation([bad_unit], "en") == "units: value not offered"
    tolls = {"type": "float_parsing", "loc": ("body", "tolls_eur"), "msg": "not a number"}
    assert error_text.describe_validation([tolls], "en") == "tolls: number expected"
