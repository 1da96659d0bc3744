"""Check the fields of an account edit (a PATCH body) before anything is written.

A JSON body may carry anything: an object, a list or a boolean where text is expected, a NUL
character, a lone surrogate (``"\\ud800"``), text longer than its column. Every edited field
is checked here and all problems are raised at once, each naming its field; a valid edit
comes back with its values normalised (a SIRET as its 14 digits, a country in capitals).
Fields this module does not know are passed through (the service refuses them by name).

Examples
--------
>>> check_changes({"name": "Café du Port", "siret": "732 829 320 00074"})
{'name': 'Café du Port', 'siret': '73282932000074'}
>>> check_changes({"city": {"a": 1}})
Traceback (most recent call last):
...
fieldcrm.errors.InvalidInput: city: texte attendu (got 'objet JSON')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from fieldcrm.accounts.fields import check_amount, check_text
from fieldcrm.accounts.numbers import parse_amount
from fieldcrm.accounts.siret import normalize_siret
from fieldcrm.errors import InvalidInput, Problem

TEXT_FIELDS = (
    "name",
    "external_id",
    "address_line1",
    "address_line2",
    "postcode",
    "city",
    "phone",
    "sector",
    "qualification",
    "notes",
)
KINDS = ("client", "prospect")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _kind_of(value: Any) -> str:
    """What a JSON value is, in French (for a message)."""
    if isinstance(value, bool):
        return "booléen"
    if isinstance(value, dict):
        return "objet JSON"
    if isinstance(value, list):
        return "liste"
    if isinstance(value, int | float):
        return "nombre"
    return type(value).__name__


def _text(field: str, *, required: bool = False) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise InvalidInput(field, "obligatoire")
            return None
        if not isinstance(value, str):
            raise InvalidInput(field, "texte attendu", value=_kind_of(value))
        return check_text(value.strip(), field=field)

    return check


def _siret(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InvalidInput("siret", "texte attendu", value=_kind_of(value))
    if value is None or not value.strip():
        return None
    return normalize_siret(check_text(value.strip(), field="siret", limit=40))


def _country(value: Any) -> str:
    text = _text("country", required=True)(value)
    assert text is not None
    if len(text) != 2 or not text.isalpha():
        raise InvalidInput("country", "code pays ISO à 2 lettres attendu", value=text, allowed="FR")
    return text.upper()


def _email(value: Any) -> str | None:
    text = _text("email")(value)
    if text is not None and not _EMAIL.match(text):
        raise InvalidInput("email", "adresse e-mail invalide", value=text)
    return text


def _kind(value: Any) -> str:
    if value not in KINDS:
        raise InvalidInput("kind", "type de compte inconnu", value=value, allowed=", ".join(KINDS))
    return str(value)


def _whole(field: str, low: int, high: int, *, optional: bool) -> Callable[[Any], int | None]:
    def check(value: Any) -> int | None:
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(
                field, "nombre entier attendu", value=_kind_of(value), allowed=f"{low} à {high}"
            )
        return value

    return check


def _potential(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidInput("potential_eur_month", "montant attendu", value=_kind_of(value))
    if isinstance(value, str):
        check_text(value, field="potential_eur_month", limit=40)
    amount = parse_amount(value, field="potential_eur_month")
    if amount is None:
        return None
    if amount < 0:
        raise InvalidInput("potential_eur_month", "ne peut pas être négatif", value=value)
    return check_amount(amount, field="potential_eur_month", raw=value)


def _opening_hours(value: Any) -> dict[str, list[list[str]]] | None:
    """``{"mon": [["08:30", "12:00"], …], …}``: a missing weekday is a closed day."""
    if value is None:
        return None
    allowed = 'ex. {"mon": [["08:30", "12:00"], ["14:00", "18:30"]]}'
    if not isinstance(value, dict):
        raise InvalidInput(
            "opening_hours", "objet JSON attendu", value=_kind_of(value), allowed=allowed
        )
    for day, spans in value.items():
        if day not in WEEKDAYS:
            raise InvalidInput(
                "opening_hours", "jour inconnu", value=str(day)[:20], allowed=", ".join(WEEKDAYS)
            )
        ok = isinstance(spans, list) and all(
            isinstance(span, list)
            and len(span) == 2
            and all(isinstance(t, str) and _HHMM.match(t) for t in span)
            and span[0] < span[1]
            for span in spans
        )
        if not ok:
            raise InvalidInput(
                "opening_hours", f"horaires de « {day} » illisibles", allowed=allowed
            )
    return value


CHECKS: dict[str, Callable[[Any], Any]] = {
    **{f: _text(f, required=f == "name") for f in TEXT_FIELDS},
    "siret": _siret,
    "country": _country,
    "email": _email,
    "kind": _kind,
    "employees": _whole("employees", 0, 10_000_000, optional=True),
    "visit_minutes": _whole("visit_minutes", 5, 600, optional=False),
    "potential_eur_month": _potential,
    "opening_hours": _opening_hours,
}
"""How each editable field is checked (``visit_interval_days`` has its own rule in
:func:`fieldcrm.scoring.intervals.check_interval`)."""


def check_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` with every known field checked and normalised.

    Raises
    ------
    InvalidInput
        With one problem per faulty field (its name, what was sent, what is allowed).
    """
    problems: list[Problem] = []
    out: dict[str, Any] = {}
    for field, value in changes.items():
        check = CHECKS.get(field)
        if check is None:
            out[field] = value
            continue
        try:
            out[field] = check(value)
        except InvalidInput as exc:
            problems.extend(exc.problems)
    InvalidInput.collect(problems)
    return out
