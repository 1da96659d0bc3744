"""Any page's form as typed, and a service's refusal as what is wrong with each field.

A form's fields are read as text and checked by a model (:func:`read_form`) rather than by
the route's signature, so that a wrong value shows the same page again with what was typed
and, next to each field, what is wrong with it — in the reader's language, the field named
by its label (:mod:`fieldcrm.http.error_text`, the one home for error texts) — instead of a
bare error page; a service's refusal is placed next to its field the same way
(:func:`refusal_errors`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from fieldcrm.errors import Conflict, FieldcrmError, InvalidInput, NotFound
from fieldcrm.http import error_text

FieldErrors = dict[str, str]
"""What is wrong with each field of a form, by the field's name in the form."""


async def typed_form(request: Request) -> dict[str, str]:
    """The posted form's text fields, as typed."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


FormT = TypeVar("FormT", bound=BaseModel)


def read_form(
    model: type[FormT], typed: Mapping[str, str], lang: str
) -> tuple[FormT | None, FieldErrors]:
    """``typed`` checked as ``model`` (an empty field counts as left out), or what is wrong
    with each field, for a reader of ``lang``."""
    given = {k: v for k, v in typed.items() if k in model.model_fields and v != ""}
    try:
        return model.model_validate(given), {}
    except ValidationError as exc:
        return None, _joined(error_text.validation_texts(exc.errors(), lang))


FORM_FIELDS = {"duration_minutes": "duration", "place": "address"}
"""The form field that holds what a service problem names (others have the same name)."""
NOT_FOUND_FIELDS = {"account": "account_id", "rep": "rep"}
"""The form field that names the thing a :class:`NotFound` refusal did not find."""


def refusal_errors(exc: FieldcrmError, lang: str) -> FieldErrors | None:
    """What is wrong with each field when the service refuses a booking or a move: its input
    problems, an unknown account (or rep), a clash (next to the time); ``None`` for any other
    refusal (the error page says it)."""
    if isinstance(exc, InvalidInput):
        parts = []
        for problem in exc.problems:
            field = FORM_FIELDS.get(problem.field, problem.field)
            # "place" lists what is allowed by its names in the code: its message says it
            shown = dataclasses.replace(
                problem, field=field, allowed=None if problem.field == "place" else problem.allowed
            )
            text = error_text.problem_text(shown, lang=lang)
            parts.append((field, text))
        return _joined(parts)
    if isinstance(exc, NotFound) and str(exc.kind) in NOT_FOUND_FIELDS:
        field = NOT_FOUND_FIELDS[str(exc.kind)]
        said = error_text.describe(exc, lang)
        label = error_text.field_label(field, lang)
        colon = " : " if lang == "fr" else ": "  # as the other problems' texts
        return {field: f"{label}{colon}{said[:1].lower()}{said[1:]}"}
    if isinstance(exc, Conflict):
        return {"time": error_text.describe(exc, lang)}
    return None


def _joined(parts: list[tuple[str, str]]) -> FieldErrors:
    out: FieldErrors = {}
    for field, text in parts:
        out[field] = f"{out[field]} ; {text}" if field in out else text
    return out


def summary(errors: FieldErrors) -> str:
    """Every field's error in one line, for the alert at the top of the page."""
    return " ; ".join(errors.values())
