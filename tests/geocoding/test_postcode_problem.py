"""Postcodes no commune has, against the shipped communes file (CEDEX codes are no commune's)."""

from __future__ import annotations

import pytest

from fieldcrm.geocoding.gazetteer import Gazetteer, load_gazetteer
from fieldcrm.geocoding.trust import postcode_problem


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.mark.parametrize(
    ("postcode", "city"),
    [
        ("06000", "Nice"),
        ("06300", None),
        ("20000", "Ajaccio"),
        ("98000", "Monaco"),
        ("97133", "Saint-Barthélemy"),  # a commune the file gives no point for
        ("97150", "Saint-Martin"),
        ("06001", "Nice Cedex 1"),  # CEDEX: the code of a sorting office, in the city's dept
        ("75381", "Paris Cedex 08"),
        ("92081", "Paris La Défense Cedex"),  # a distribution name, no commune's
        ("69421", "Lyon"),  # a CEDEX code whose « CEDEX » the file dropped
        ("06999", "Nice"),
        ("06999", None),  # a code of a known département, no city to contradict it
    ],
)
def test_postcodes_that_exist_pass(gazetteer: Gazetteer, postcode: str, city: str | None) -> None:
    assert postcode_problem(postcode, city, gazetteer=gazetteer) is None


@pytest.mark.parametrize(
    ("postcode", "city", "reason"),
    [
        ("00600", "Nice", "code postal 00600 inconnu : aucune commune n’a ce code"),
        ("96000", "Nice", "code postal 96000 inconnu : aucune commune n’a ce code"),
        (
            "06001",
            "Lyon Cedex",
            "code postal 06001 : la ville « Lyon Cedex » n’est pas dans son département (04, 06)",
        ),
        (
            "06999",
            "Lyon",
            "code postal 06999 : la ville « Lyon » n’est pas dans son département (04, 06)",
        ),
    ],
)
def test_a_postcode_no_commune_has_is_named(
    gazetteer: Gazetteer, postcode: str, city: str | None, reason: str
) -> None:
    assert postcode_problem(postcode, city, gazetteer=gazetteer) == reason


def test_unplaced_communes_keep_their_postcodes(gazetteer: Gazetteer) -> None:
    assert gazetteer.has_postcode("97133") and not gazetteer.postcode_communes("97133")
    assert gazetteer.has_postcode("6000") and not gazetteer.has_postcode("06999")
