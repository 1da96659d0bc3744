"""French address normalisation: abbreviations, accents, postal boxes, CEDEX."""

from __future__ import annotations

import pytest

from fieldcrm.geocoding.normalize import (
    canonical,
    city_key,
    normalize_address,
    normalize_postcode,
)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("12 bd de la République", "12 BOULEVARD DE LA REPUBLIQUE"),
        ("12, av. Jean-Médecin", "12 AVENUE JEAN MEDECIN"),
        ("3 r. du Gal de Gaulle", "3 RUE DU GENERAL DE GAULLE"),
        ("7 chem. des Oliviers", "7 CHEMIN DES OLIVIERS"),
        ("12B rue de la Paix", "12 BIS RUE DE LA PAIX"),
        ("12 bis, Rue de la Paix", "12 BIS RUE DE LA PAIX"),
        ("4 pl. Ste Anne", "4 PLACE SAINTE ANNE"),
        ("15-17 RTE DE GRENOBLE", "15 ROUTE DE GRENOBLE"),
        ("Rue d'Œttingen", "RUE D OETTINGEN"),
        ("1 rue Rivoli", "1 RUE RIVOLI"),
    ],
)
def test_street_abbreviations_and_accents(line: str, expected: str) -> None:
    assert normalize_address(line, None, "75001", "Paris").street_line == expected


def test_r_is_only_expanded_as_street_type() -> None:
    # "R" inside a name is left alone; only the street-type slot is expanded.
    assert normalize_address("2 allée R Schuman", None, "", "").street_line == ("2 ALLEE R SCHUMAN")


def test_boxes_cedex_and_complement_lines_are_removed() -> None:
    addr = normalize_address(
        "Bâtiment B, 2e étage", "12 bd de la République BP 45", "6000", "NICE CEDEX 1"
    )
    assert addr.street_line == "12 BOULEVARD DE LA REPUBLIQUE"
    assert addr.postcode == "06000"
    assert addr.city == "NICE"
    assert addr.key == "12 BOULEVARD DE LA REPUBLIQUE|06000|NICE"


def test_cs_and_tsa_lines_are_dropped() -> None:
    addr = normalize_address("CS 70001", "5 avenue Foch", "75016", "Paris Cedex 16")
    assert addr.street_line == "5 AVENUE FOCH"
    assert addr.city == "PARIS 16"  # the CEDEX number of Paris is the arrondissement
    assert normalize_address("TSA 12345", None, "75016", "Paris").street == ""


def test_same_address_typed_differently_has_one_key() -> None:
    a = normalize_address("12 Bd de la République", None, "06000", "Nice")
    b = normalize_address("12 BOULEVARD DE LA REPUBLIQUE", "", "06 000", "NICE CEDEX")
    c = normalize_address("12, boulevard de la république", "B.P. 12", "6000", "nice")
    assert a.key == b.key == c.key


@pytest.mark.parametrize(
    ("city", "expected"),
    [
        ("St-Étienne", "SAINT ETIENNE"),
        ("ste maxime", "SAINTE MAXIME"),
        ("SAINT ETIENNE CEDEX 2", "SAINT ETIENNE"),
        ("L'Haÿ-les-Roses", "L HAY LES ROSES"),
        ("06000 Nice", "NICE"),
        ("Paris 15e", "PARIS 15E"),
        ("PARIS CEDEX 07", "PARIS 7"),
        ("Lyon Cedex 3", "LYON 3"),
        ("Nice Cedex 3", "NICE"),
    ],
)
def test_city_key(city: str, expected: str) -> None:
    assert city_key(city) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("6000", "06000"), ("75 015", "75015"), ("F-06000", "06000"), ("123", ""), (None, "")],
)
def test_postcode(raw: str | None, expected: str) -> None:
    assert normalize_postcode(raw) == expected


def test_postcode_read_from_city_field_when_missing() -> None:
    addr = normalize_address("1 rue de la Paix", None, None, "75002 Paris")
    assert (addr.postcode, addr.city) == ("75002", "PARIS")


def test_canonical_handles_empty() -> None:
    assert canonical(None) == ""
    assert normalize_address(None, None, None, None).is_empty
