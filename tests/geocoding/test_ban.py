"""BAN house-number matching (pure): street keys, number parsing, street and number choice."""

from __future__ import annotations

import pytest

from fieldcrm.geo import GeoPoint, haversine_m
from fieldcrm.geocoding.ban import (
    AddressBook,
    HouseNumber,
    Street,
    parse_housenumber,
    pick_number,
    street_key,
    suffix_key,
)
from fieldcrm.geocoding.chain import GeocoderChain, OfflineProvider
from fieldcrm.geocoding.gazetteer import load_gazetteer
from fieldcrm.geocoding.normalize import normalize_address


@pytest.mark.parametrize(
    ("typed", "official"),
    [
        ("r. du fbg St Honore", "Rue du Faubourg Saint-Honoré"),
        ("RUE DU FG ST-HONORE", "Rue du Faubourg Saint-Honoré"),
        ("av du Gal Leclerc", "Avenue du Général Leclerc"),
        ("Ave du General Leclerc", "Avenue du Général Leclerc"),
        ("bd de la Republique", "Boulevard de la République"),
        ("bld de la république", "Boulevard de la République"),
        ("pl. de la Republique", "Place de la République"),
        ("chem des Oliviers", "Chemin des Oliviers"),
        ("rte de Grenoble", "Route de Grenoble"),
        ("imp Truillot", "Impasse Truillot"),
        ("all des Pins", "Allée des Pins"),
        ("sq Ste Anne", "Square Sainte-Anne"),
        ("rue d'alesia", "Rue d'Alésia"),
        ("RUE D ALESIA", "Rue d'Alésia"),
    ],
)
def test_a_street_typed_as_people_type_has_the_official_key(typed: str, official: str) -> None:
    assert street_key(typed) == street_key(official)


def test_street_keys_keep_different_streets_apart() -> None:
    assert street_key("Rue Saint-Honoré") != street_key("Rue du Faubourg Saint-Honoré")
    assert street_key("Rue Victor Hugo") != street_key("Avenue Victor Hugo")
    # a street type is only expanded first: "Ch" inside a name is a first name, not "chemin"
    assert street_key("Rue Ch de Gaulle") == "RUE CH GAULLE"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", (12, "")),
        ("12 BIS", (12, "B")),
        ("12B", (12, "B")),
        ("12 bis", (12, "B")),
        ("7 TER", (7, "T")),
        ("7t", (7, "T")),
        ("3 QUATER", (3, "Q")),
        ("3 A", (3, "A")),
        ("3a", (3, "A")),
        ("", None),
        ("BIS", None),
    ],
)
def test_house_numbers_are_parsed_with_their_suffix(
    text: str, expected: tuple[int, str] | None
) -> None:
    assert parse_housenumber(text) == expected


def test_suffixes_as_the_ban_writes_them() -> None:
    assert [suffix_key(s) for s in ("b", "bis", "t", "ter", "q", "quater", "a", "", None)] == [
        "B",
        "B",
        "T",
        "T",
        "Q",
        "Q",
        "A",
        "",
        "",
    ]


def _n(number: int, lon: float, suffix: str = "") -> HouseNumber:
    return HouseNumber(1, number, suffix, lon, 48.85)


STREET = [_n(1, 2.301), _n(2, 2.302), _n(4, 2.304), _n(4, 2.3042, "B"), _n(10, 2.310), _n(3, 2.303)]


def test_the_exact_number_and_suffix_win() -> None:
    pick = pick_number(STREET, (4, "B"))
    assert pick is not None
    assert (pick.point.lon, pick.precision, pick.factor, pick.note) == (
        2.3042,
        "housenumber",
        1,
        "",
    )


def test_a_missing_suffix_falls_on_the_bare_number_and_says_so() -> None:
    pick = pick_number(STREET, (2, "T"))
    assert pick is not None
    assert (pick.point.lon, pick.precision) == (2.302, "housenumber")
    assert pick.note == "n° 2 ter inconnu : 2 retenu"


def test_a_bare_number_known_only_with_a_suffix_takes_it() -> None:
    street = [_n(6, 2.306, "B"), _n(8, 2.308)]
    pick = pick_number(street, (6, ""))
    assert pick is not None
    assert (pick.point.lon, pick.precision, pick.shown) == (2.306, "housenumber", "6 bis")


def test_a_missing_number_is_interpolated_between_neighbours_on_its_side() -> None:
    pick = pick_number(STREET, (7, ""))  # odd side: 1 and 3 only, then nothing above
    assert pick is not None
    assert (pick.point.lon, pick.precision) == (2.303, "street")
    assert pick.note == "n° 7 absent : placé au 3"
    pick = pick_number(STREET, (6, ""))  # even side: between 4 and 10 (not 4 bis)
    assert pick is not None
    assert pick.point.lon == pytest.approx(2.304 + (2.310 - 2.304) / 3)
    assert pick.precision == "street"
    assert pick.note == "n° 6 absent : interpolé entre le 4 et le 10"


def test_the_other_side_is_taken_only_when_its_own_is_empty() -> None:
    pick = pick_number([_n(2, 2.302), _n(8, 2.308)], (5, ""))
    assert pick is not None
    assert (pick.point.lon, pick.note) == (2.302, "n° 5 absent : placé au 2 (autre côté)")


def test_without_a_number_the_street_is_its_middle_number() -> None:
    pick = pick_number(STREET, None)
    assert pick is not None
    assert (pick.point.lon, pick.precision) == (2.304, "street")
    assert pick_number([], (1, "")) is None


class FakeSource:
    """Two Paris streets (one on two arrondissements), counting the reads."""

    def __init__(self) -> None:
        self.reads: list[tuple[str, tuple[object, ...]]] = []
        self.rows = [
            Street(
                1, "75106", "75006", "Rue de Vaugirard", "Paris 6e", street_key("Rue de Vaugirard")
            ),
            Street(
                2, "75115", "75015", "Rue de Vaugirard", "Paris 15e", street_key("Rue de Vaugirard")
            ),
            Street(3, "75115", "75015", "Rue Lecourbe", "Paris 15e", street_key("Rue Lecourbe")),
        ]
        self.numbers_of = {
            1: [HouseNumber(1, 10, "", 2.33, 48.85), HouseNumber(1, 12, "", 2.331, 48.849)],
            2: [HouseNumber(2, 300, "", 2.30, 48.84), HouseNumber(2, 302, "B", 2.299, 48.839)],
            3: [HouseNumber(3, 5, "", 2.31, 48.842)],
        }

    def streets(self, citycodes: list[str]) -> list[Street]:
        self.reads.append(("streets", tuple(citycodes)))
        return [s for s in self.rows if s.citycode in citycodes]

    def numbers(self, street_ids: list[int]) -> list[HouseNumber]:
        self.reads.append(("numbers", tuple(street_ids)))
        return [n for i in street_ids for n in self.numbers_of.get(i, [])]


def test_the_book_reads_each_commune_and_street_once() -> None:
    book, source = AddressBook(), FakeSource()
    book.prefetch([("RUE DE VAUGIRARD", [["75106", "75115"]])], source)
    book.prefetch([("RUE LECOURBE", [["75115"]]), ("RUE DE VAUGIRARD", [["75115"]])], source)
    assert source.reads == [
        ("streets", ("75106", "75115")),
        ("numbers", (1, 2)),
        ("numbers", (3,)),
    ]


def test_a_long_street_is_found_in_the_arrondissement_holding_the_number() -> None:
    book, source = AddressBook(), FakeSource()
    book.prefetch([("RUE DE VAUGIRARD", [["75106", "75115"]])], source)
    found = book.locate("RUE DE VAUGIRARD", "302 BIS", ["75106", "75115"])
    assert found is not None
    assert (found.citycode, found.postcode, found.precision, found.score) == (
        "75115",
        "75015",
        "housenumber",
        1.0,
    )
    assert found.label == "302 bis Rue de Vaugirard 75015 Paris 15e"
    assert found.provider == "offline-ban"


def test_a_street_with_a_typo_is_found_with_a_lower_score_and_a_far_one_is_not() -> None:
    book, source = AddressBook(), FakeSource()
    book.prefetch([("RUE LECOURBE", [["75115"]])], source)
    found = book.locate("RUE LECOURBES", "5", ["75115"])
    assert found is not None
    assert found.citycode == "75115" and 0.6 < found.score < 1.0
    assert book.locate("RUE LAFAYETTE", "5", ["75115"]) is None


def test_memory_limits_drop_the_oldest_communes() -> None:
    book, source = AddressBook(max_streets=2), FakeSource()
    book.add_streets(["75106"], source.streets(["75106"]))
    book.add_streets(["75115"], source.streets(["75115"]))
    assert not book.knows("75106") and book.knows("75115")


def test_the_offline_provider_searches_the_ban_first_then_the_commune() -> None:
    book, source = AddressBook(), FakeSource()
    chain = GeocoderChain([OfflineProvider(load_gazetteer(), addresses=book)], threshold=0.6)
    at_door = normalize_address("12 r. de Vaugirard", None, "75006", "PARIS")
    unknown_street = normalize_address("12 rue Inconnue", None, "75006", "Paris")
    chain.prefetch([at_door, unknown_street], source)
    outcome = chain.geocode(at_door)
    assert outcome.assessment.status == "matched"
    assert outcome.result is not None and outcome.result.point is not None
    assert outcome.result.precision == "housenumber"
    assert haversine_m(outcome.result.point, GeoPoint(2.331, 48.849)) < 0.01
    fallback = chain.geocode(unknown_street)
    assert fallback.result is not None
    assert (fallback.result.precision, fallback.result.citycode) == ("municipality", "75106")
    assert fallback.assessment.status == "to_review"


def test_a_nearest_number_is_flagged_for_review() -> None:
    book, source = AddressBook(), FakeSource()
    chain = GeocoderChain([OfflineProvider(load_gazetteer(), addresses=book)], threshold=0.6)
    address = normalize_address("11 rue Lecourbe", None, "75015", "Paris")
    chain.prefetch([address], source)
    outcome = chain.geocode(address)
    assert outcome.result is not None
    assert outcome.result.precision == "street"
    assert outcome.result.label == "Rue Lecourbe 75015 Paris 15e — n° 11 absent : placé au 5"
    assert outcome.assessment.status == "to_review"
    assert "précision à la rue" in outcome.assessment.reason


def test_a_postcode_of_another_departement_is_still_flagged() -> None:
    # the street exists in Paris 15e, but the postcode typed is Nice's
    book, source = AddressBook(), FakeSource()
    chain = GeocoderChain([OfflineProvider(load_gazetteer(), addresses=book)], threshold=0.6)
    address = normalize_address("5 rue Lecourbe", None, "06000", "Paris 15e")
    chain.prefetch([address], source)
    outcome = chain.geocode(address)
    assert outcome.assessment.status == "to_review"
    assert outcome.assessment.candidates
