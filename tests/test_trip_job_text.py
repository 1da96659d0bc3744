"""The words of a refused trip job have one home (:mod:`fieldcrm.trip_job_text`): the text the
job stores in French and the text its page shows a French reader are the same sentence, and
an English reader gets the catalogue's translation of it."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldcrm import trip_job_text
from fieldcrm.errors import (
    Conflict,
    FieldcrmError,
    Forbidden,
    Infeasible,
    InvalidInput,
    NotFound,
    TooLarge,
)
from fieldcrm.http.error_text import job_error_text
from fieldcrm.routing.realise import OutOfReach, Reach
from fieldcrm.services import planning_jobs

WEDNESDAY = dt.date(2026, 4, 22)
FAR = Reach("a", "Salon", 0, "before", 9 * 3600, 9 * 3600, 11 * 3600)


@pytest.mark.parametrize(
    ("refused", "kind"),
    [
        (Infeasible("no plan"), "infeasible"),
        (OutOfReach([FAR], days=1), "infeasible"),  # a subclass: its parent's kind
        (InvalidInput("end_day", "before the start"), "refused"),
        (TooLarge("file", "too large"), "refused"),
        (Forbidden("rep 4 may not plan for rep 6"), "forbidden"),
        (NotFound("rep", 99), "not_found"),
        (Conflict("anything else"), "infeasible"),
    ],
)
def test_each_refusal_has_one_kind_stored_and_worded(refused: FieldcrmError, kind: str) -> None:
    assert trip_job_text.kind(refused) == kind
    assert planning_jobs.failure_details(refused)["head"] == kind
    stored = planning_jobs.failure_message(refused)
    assert trip_job_text.split_lead_in(stored) == (kind, str(refused))


def test_the_stored_lead_in_is_the_catalogue_s_french() -> None:
    refused = NotFound("rep", 99)
    assert planning_jobs.failure_message(refused) == (
        "Tournée impossible, donnée introuvable : rep 99 not found"
    )
    assert job_error_text(None, planning_jobs.failure_details(refused), "en") == (
        "Trip impossible, data not found: rep 99 not found"
    )


@pytest.mark.parametrize(
    ("why", "french", "english"),
    [
        (
            "replanned",
            "La journée du mercredi 22 avril 2026 a été replanifiée entre-temps : la tournée"
            " n’est pas planifiée.",
            "The day of Wednesday 22 April 2026 was planned again meanwhile: the trip is not"
            " planned.",
        ),
        (
            "appointments",
            "Les rendez-vous du mercredi 22 avril 2026 ont changé entre-temps : la tournée n’est"
            " pas planifiée ; replanifiez la journée.",
            "The appointments of Wednesday 22 April 2026 changed meanwhile: the trip is not"
            " planned; plan the day again.",
        ),
    ],
)
def test_a_day_changed_reads_the_same_stored_and_shown(
    why: trip_job_text.Changed, french: str, english: str
) -> None:
    """The job's stored text (for API readers) is the page's French, long date included."""
    refused = planning_jobs.Replanned(why, day=WEDNESDAY)
    assert str(refused) == french
    assert job_error_text(str(refused), refused.as_doc(), "fr") == french
    assert job_error_text(str(refused), refused.as_doc(), "en") == english


@pytest.mark.parametrize(
    ("text", "continued"),
    [
        ("Le rendez-vous « Salon » de 09:00", "le rendez-vous « Salon » de 09:00"),
        ("Aucun plan ne tient.", "aucun plan ne tient."),
        ("The appointment “Salon”", "the appointment “Salon”"),
        ("SIRET invalide", "SIRET invalide"),  # an acronym keeps its capitals
        ("no plan satisfies it", "no plan satisfies it"),
        ("2026-04-22 : 9 h de route", "2026-04-22 : 9 h de route"),
        ("", ""),
    ],
)
def test_a_sentence_after_a_colon_starts_in_lower_case(text: str, continued: str) -> None:
    assert trip_job_text.after_colon(text) == continued
