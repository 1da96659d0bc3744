"""Quality flags: precision and score → matched / to_review / failed with a reason."""

from __future__ import annotations

import pytest

from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.geocoding.model import GeocodeResult
from fieldcrm.geocoding.normalize import normalize_address
from fieldcrm.geocoding.quality import assess

NICE = GeoPoint(7.2661, 43.7031)
FULL = normalize_address("12 bd de la République", None, "06000", "Nice")
CITY_ONLY = normalize_address(None, None, "06000", "Nice")


def _result(
    precision: str = "housenumber", score: float = 0.9, postcode: str = "06000"
) -> GeocodeResult:
    return GeocodeResult("ban", NICE, precision, score, "label", "06088", postcode)  # type: ignore[arg-type]


def test_fine_and_confident_is_matched() -> None:
    assert assess(_result(), FULL, threshold=0.6).status == "matched"


def test_low_score_is_to_review_with_reason() -> None:
    verdict = assess(_result(score=0.42), FULL, threshold=0.6)
    assert verdict.status == "to_review"
    assert "score 0,42 < 0,60" in verdict.reason


def test_coarser_than_the_address_is_to_review() -> None:
    verdict = assess(_result("municipality", 1.0), FULL, threshold=0.6)
    assert verdict.status == "to_review"
    assert "précision à la commune (attendue : au numéro)" in verdict.reason


def test_municipality_is_enough_for_a_city_only_address() -> None:
    assert assess(_result("municipality", 1.0), CITY_ONLY, threshold=0.6).status == "matched"


def test_other_departement_is_to_review() -> None:
    verdict = assess(_result(postcode="75001"), FULL, threshold=0.6)
    assert verdict.status == "to_review"
    assert "75001" in verdict.reason


def test_nothing_found_is_failed_with_provider_errors() -> None:
    verdict = assess(None, FULL, threshold=0.6, errors=["ban: HTTP 500"])
    assert verdict.status == "failed"
    assert verdict.reason == "aucune correspondance (ban: HTTP 500)"
    assert (
        assess(None, normalize_address("", None, None, None), threshold=0.6).reason
        == "adresse vide"
    )


def test_result_validation_names_the_field() -> None:
    with pytest.raises(InvalidInput) as err:
        GeocodeResult("x", NICE, "roof", 0.5)  # type: ignore[arg-type]
    assert err.value.field == "precision"
    with pytest.raises(InvalidInput) as err:
        GeocodeResult("x", NICE, "street", 1.5)
    assert err.value.field == "score"
    with pytest.raises(InvalidInput):
        assess(_result(), FULL, threshold=2)
