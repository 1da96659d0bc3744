"""English readers get form errors in English words, as French readers get them in French:
pydantic's error types through one table per language (QA 23: « Tolls: Input should be a
valid number, unable to parse string as a number » on the English costs page)."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import BaseModel, ValidationError

from fieldcrm.http import error_text


class _Form(BaseModel):
    tolls_eur: float
    day: dt.date
    metric: str = "accounts"


def _errors(**typed: object) -> list[dict[str, object]]:
    """pydantic's own errors for ``typed`` (as FastAPI passes them on), located in a form."""
    with pytest.raises(ValidationError) as caught:
        _Form.model_validate(typed)
    return [{**e, "loc": ("body", *e["loc"])} for e in caught.value.errors()]


def test_every_validation_type_has_an_english_text() -> None:
    assert sorted(error_text.VALIDATION.keys() - error_text.VALIDATION_EN.keys()) == []
    assert sorted(error_text.VALIDATION_EN.keys() - error_text.VALIDATION.keys()) == []
    assert all(error_text.VALIDATION_EN.values())
    assert set(error_text.VALIDATION_WORDS) == {"fr", "en"}


def test_a_number_not_parsed_reads_in_english_words_not_pydantics() -> None:
    errors = _errors(tolls_eur="douze", day="2026-03-02")
    said = error_text.describe_validation(errors, "en")
    assert said == "tolls: number expected"
    assert "Input should" not in said
    assert error_text.describe_validation(errors, "fr") == "péages : nombre attendu"


def test_a_missing_field_and_an_unknown_type_in_english() -> None:
    errors = [
        {"type": "missing", "loc": ("body", "day"), "msg": "Field required"},
        {"type": "some_new_pydantic_type", "loc": ("query", "rayon"), "msg": "Whatever it says"},
    ]
    assert error_text.validation_texts(errors, "en") == [
        ("day", "day: required field"),
        ("rayon", "radius: invalid value"),
    ]


def test_a_date_with_no_such_day_follows_the_one_date_rule_in_english() -> None:
    errors = _errors(tolls_eur=1, day="2026-02-30")
    assert error_text.describe_validation(errors, "en") == "day: no such date (got “2026-02-30”)"
    assert error_text.describe_validation(errors, "fr") == (
        "jour : date inexistante (reçu : « 2026-02-30 »)"
    )
    wrong = _errors(tolls_eur=1, day="next tuesday")
    assert error_text.describe_validation(wrong, "en") == "day: date expected (YYYY-MM-DD)"


def test_a_choice_out_of_a_list_names_the_choices_in_english() -> None:
    error = {
        "type": "literal_error",
        "loc": ("query", "metric"),
        "msg": "Input should be 'potential_eur_month' or 'workload_hours_month'",
        "ctx": {"expected": "'potential_eur_month' or 'workload_hours_month'"},
    }
    assert error_text.describe_validation([error], "en") == (
        "criterion: value not offered; expected: potential €/month, workload h/month"
    )
    assert error_text.describe_validation([error], "fr") == (
        "critère : valeur non prévue ; attendu : potentiel €/mois, charge h/mois"
    )
