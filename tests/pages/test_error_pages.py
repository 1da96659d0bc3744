"""Error pages and the JSON errors pages show speak French, built from the error's data."""

from __future__ import annotations

import re

import pytest

from fieldcrm.errors import Conflict, Forbidden, Infeasible, InvalidInput, NotFound, Problem
from fieldcrm.http.error_text import SENTENCES, describe, describe_message, describe_validation
from fieldcrm.territories import shapes
from tests.web import ClientFactory

ENGLISH = re.compile(
    r"\b(not found|may not|[Ff]ield required|required|invalid|must|expected|neither|"
    r"already|cannot|feasible)\b"
)
"""English words the older messages carried; none may reach a French reader."""


def _alert(page: str) -> str:
    return page.split('role="alert">', 1)[1].split("</p>", 1)[0]


def test_a_missing_account_is_named_in_french(api_as: ClientFactory) -> None:
    page = api_as(4).get("/comptes/999999")
    assert page.status_code == 404
    assert _alert(page.text) == "Le compte 999999 est introuvable."


def test_a_missing_form_field_is_named_in_french(api_as: ClientFactory) -> None:
    page = api_as(4).post("/journee/planifier", data={})
    assert page.status_code == 422
    assert _alert(page.text) == "date : champ obligatoire"


def test_another_reps_data_is_refused_in_french(api_as: ClientFactory) -> None:
    page = api_as(4).get("/en-retard", params={"rep": 5})
    assert page.status_code == 403
    message = _alert(page.text)
    assert not ENGLISH.search(message), message
    assert message.startswith("Vous n’avez pas")


def test_json_errors_carry_a_french_message_beside_the_detail(api_as: ClientFactory) -> None:
    r = api_as(4).get("/api/account-map", params={"bbox": "7,43", "band": "huge"})
    assert r.status_code == 422
    body = r.json()
    assert body["field"] == "band"  # the machine-readable part is unchanged
    assert body["message"] == (
        "priorité (band) : priorité inconnue (reçu : « huge ») ; attendu : low, normal, high, urgent"
    )


def test_english_readers_keep_the_original_text(api_as: ClientFactory) -> None:
    page = api_as(4).get("/comptes/999999", params={"lang": "en"})
    assert _alert(page.text) == "account 999999 not found"


@pytest.mark.parametrize(
    ("error", "french"),
    [
        (NotFound("contact", 7), "Le contact 7 est introuvable."),
        (Forbidden("manager 1 may not assign"), "Vous n’avez pas le droit d’affecter des comptes."),
        (
            Forbidden("rep 4 may not assign"),
            "Affecter des comptes est réservé aux responsables, aux répartiteurs et aux"
            " administrateurs.",
        ),
        (
            Forbidden("manager 1 may not plan for rep 6"),
            "Vous n’avez pas accès aux données du commercial 6.",
        ),
        (
            Infeasible("neither alternative is feasible: a, b"),
            "Aucune des deux possibilités ne tient dans la journée.",
        ),
        (Conflict("task 3 is already done"), "La tâche 3 est déjà faite."),
        (
            InvalidInput(
                problems=[Problem("account_ids", "required"), Problem("rayon", "out of range", 0)]
            ),
            "comptes : obligatoire ; rayon : hors des limites (reçu : 0)",
        ),
    ],
)
def test_each_error_kind_reads_in_french(error: Exception, french: str) -> None:
    assert describe(error, "fr") == french  # type: ignore[arg-type]


def test_every_catalogued_sentence_has_a_french_translation_free_of_english() -> None:
    samples = {
        "cannot be reached after": "appointment 'LAMBDA' at 10:00 cannot be reached after 'X' (earliest arrival 10:20)",
        "cannot be reached in time": "appointment 'RDV Aix' at 10:00 cannot be reached (earliest arrival 10:29)",
        "cannot be back": "after appointment 'RDV Aix' the rep cannot be back by 18:30 (earliest 18:52)",
        "what must happen": "2026-12-23: what must happen needs 5.1 h of driving, more than the rep's maximum of 5.0 h",
        "neither alternative is feasible": "neither alternative is feasible: x",
        "day (?P<n>": "day 2: the fixed appointments do not fit in the working day",
        "no plan satisfies": "no plan satisfies the fixed appointments and the working days",
        "between": "no plan visits every required account between 16:30 and 18:30",
        "within": "no plan visits every required account within the working days",
        "task (": "task 4 is already done",
        "proposal (": "proposal 4 is already accepted",
        "email '": "email 'a@b.fr' is already used",
        "a territory named": "a territory named 'Nice' already exists",
        "client_key": "client_key 'k1' belongs to another visit",
        "start (": "start 2026-04-15T10:00 is outside the bookable slot 2026-04-15T11:00–12:00",
        "user (": "user 4 is no longer active",
        "invalid value": "invalid value: out of range",
        "conflict with stored data": "conflict with stored data (name): dup",
    }
    for pattern, _french in SENTENCES:
        sample = next(v for v in samples.values() if pattern.match(v))  # each has its sample
        text = describe(Conflict(sample), "fr")
        assert not ENGLISH.search(text), (sample, text)
        assert text != sample


def test_validation_errors_name_each_field_in_french() -> None:
    errors = [
        {"loc": ("body", "account_ids"), "type": "missing", "msg": "Field required"},
        {"loc": ("query", "page"), "type": "int_parsing", "msg": "Input should be a valid integer"},
    ]
    assert describe_validation(errors, "fr") == (
        "comptes : champ obligatoire ; page : nombre entier attendu"
    )


def test_a_stored_input_error_reads_in_french() -> None:
    stored = str(
        InvalidInput(
            problems=[
                Problem("file", "not UTF-8 text", "x.csv"),
                Problem("rayon", "out of range", 0),
            ]
        )
    )
    shown = describe_message(stored, "fr")
    assert shown == (
        "fichier : ce n’est pas du texte UTF-8 (reçu : « x.csv ») ;"
        " rayon : hors des limites (reçu : 0)"
    )
    assert describe_message(stored, "en") == stored


@pytest.mark.parametrize(
    ("geometry", "french"),
    [
        (
            {
                "type": "Polygon",
                "coordinates": [[[-6.9, 47.2], [3.7, 47.2], [3.7, 54.9], [-6.9, 47.2]]],
            },
            "sort de la zone couverte",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[43.7, 7.0], [43.8, 7.0], [43.8, 7.2], [43.7, 7.0]]],
            },
            "semblent inversées",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[7.0, 43.5], [7.1, 43.6], [7.1, 43.5], [7.0, 43.6], [7.0, 43.5]]],
            },
            "se croise lui-même près de",
        ),
        (
            {"type": "Polygon", "coordinates": [[[7.0, 43.5], [7.1, 43.6], [7.0, 43.5]]]},
            "au moins 3 points distincts",
        ),
        (
            {"type": "Polygon", "coordinates": [[[7.0, "x"], [7.1, 43.6], [7.0, 43.5]]]},
            "position invalide",
        ),
        ({"type": "Point", "coordinates": [7.0, 43.5]}, "seuls Polygon et MultiPolygon"),
        ({"type": "Polygon", "coordinates": [[]]}, "au moins 3 points distincts"),
        ({"type": "Polygon", "coordinates": []}, "tracé vide (aucune coordonnée)"),
        ({"type": "MultiPolygon", "coordinates": 3}, "une liste de polygones"),
        ("{", "un tracé doit être un objet GeoJSON (reçu : str)"),
    ],
)
def test_every_territory_shape_refusal_reads_in_french(
    geometry: dict[str, object], french: str
) -> None:
    """The messages of the shape checks carry data (bounds, the crossing point): each one the
    checks really raise reads in French, with its data kept."""
    with pytest.raises(InvalidInput) as refused:
        shapes.parse_geometry(geometry)
    text = describe(refused.value, "fr")
    assert french in text and text.startswith("tracé : "), text
    assert not ENGLISH.search(text.removeprefix("tracé : ")), text


@pytest.mark.parametrize(
    ("document", "french"),
    [
        ("{", "ce n’est pas du JSON valide (ligne 1"),
        ("[]", "un document GeoJSON doit être un objet"),
        ('{"type": "FeatureCollection", "features": []}', "la FeatureCollection est vide"),
        ('{"type": "Topology"}', "ni une FeatureCollection"),
    ],
)
def test_every_geojson_file_refusal_reads_in_french(document: str, french: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        shapes.parse_features(document)
    text = describe(refused.value, "fr")
    assert french in text and text.startswith("fichier : "), text
