"""An address typed on a form (a trip's preferred hotel) is geocoded as accounts are: the
cache, the providers, the offline BAN last; kept when placed at the door or the street, or at
the centre of the commune typed (said so); a provider's failure is logged, never shown.

Data: ``tests/data/geocoding/ban_75_sample.csv`` (nine Paris streets, Licence Ouverte 2.0).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import ExternalServiceError, InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.geocoding.ban import AddressBook
from fieldcrm.geocoding.chain import GeocoderChain, OfflineProvider, build_chain
from fieldcrm.geocoding.gazetteer import load_gazetteer
from fieldcrm.geocoding.normalize import NormalizedAddress
from fieldcrm.services import ban, geocoding
from fieldcrm.services.geocoding import SYSTEM
from tests.conftest import DATA
from tests.geocoding.loopback import LoopbackServer, Reply, ban_collection, ban_feature, serving

SAMPLE = DATA / "geocoding" / "ban_75_sample.csv"


def _row(street: str, number: str) -> dict[str, str]:
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    return next(r for r in rows if r["nom_voie"] == street and r["numero"] == number)


def offline() -> GeocoderChain:
    """The offline chain: the BAN loaded in the database, then the gazetteer."""
    return build_chain(
        ["offline"], gazetteer=load_gazetteer(), threshold=0.6, addresses=AddressBook()
    )


@pytest.fixture
def loaded(db: Session) -> Session:
    ban.load_ban(db, actor=SYSTEM, path=SAMPLE)
    return db


@pytest.fixture
def toulon() -> Iterator[LoopbackServer]:
    feature = ban_feature(
        5.9301,
        43.1242,
        label="12 Rue Jean Jaurès 83000 Toulon",
        citycode="83137",
        postcode="83000",
        city="Toulon",
    )
    with serving(lambda p, q: Reply(200, ban_collection(feature))) as server:
        yield server


def test_an_address_is_placed_at_its_door_by_the_offline_ban(loaded: Session) -> None:
    row = _row("Avenue du Général Leclerc", "40")
    found = geocoding.locate_address(
        loaded, text="Hôtel Lutetia, 40, av du Gal Leclerc, 75014 Paris", chain=offline()
    )
    assert (found.point.lon, found.point.lat) == (float(row["lon"]), float(row["lat"]))
    assert found.precision == "housenumber"
    assert "40" in found.label and "75014" in found.label


def test_a_street_without_number_is_placed_on_its_street(loaded: Session) -> None:
    found = geocoding.locate_address(loaded, text="rue de la Paix 75002 Paris", chain=offline())
    assert found.precision == "street"
    assert abs(found.point.lat - 48.8688) < 0.002 and abs(found.point.lon - 2.3310) < 0.002


def test_an_address_found_only_to_its_commune_is_placed_at_its_centre_and_said_so(
    loaded: Session,
) -> None:
    # a street the BAN loaded lacks: the commune typed (an arrondissement of Paris) is kept
    found = geocoding.locate_address(loaded, text="12 rue Inconnue, 75002 Paris", chain=offline())
    centre = load_gazetteer().commune_of("75102")
    assert centre is not None
    assert found.precision == "municipality"
    assert found.point == centre.point
    assert found.label == "75002 Paris 2e Arrondissement"
    assert found.approximate == (
        "au centre de Paris 2e Arrondissement : adresse non trouvée au numéro"
    )
    toulon = geocoding.locate_address(loaded, text="rue Inconnue, 83000 Toulon", chain=offline())
    assert toulon.approximate == "au centre de Toulon : adresse non trouvée à la rue"
    # at the door: nothing approximate
    door = geocoding.locate_address(loaded, text="10 rue de la Paix 75002 Paris", chain=offline())
    assert door.precision == "housenumber" and door.approximate is None


def test_a_commune_other_than_the_one_typed_is_refused_naming_the_field(
    loaded: Session,
) -> None:
    # Cannes is not a commune of 06000 (Nice's postcode): the typing is wrong somewhere
    with pytest.raises(InvalidInput) as caught:
        geocoding.locate_address(
            loaded, text="12 rue Inconnue, 06000 Cannes", chain=offline(), field="hotel_address"
        )
    [problem] = caught.value.problems
    assert problem.field == "hotel_address"
    assert problem.message == (
        "adresse trouvée seulement à la commune, autre que celle indiquée : 06150 Cannes"
    )
    assert problem.allowed is not None and "le numéro, la rue" in problem.allowed


NOT_FOUND = "adresse introuvable : indiquez le numéro, la rue, le code postal et la ville"


def test_an_address_found_nowhere_is_refused(loaded: Session) -> None:
    with pytest.raises(InvalidInput) as caught:
        geocoding.locate_address(loaded, text="Quelque part sur la côte", chain=offline())
    assert caught.value.problems[0].message == NOT_FOUND
    with pytest.raises(InvalidInput) as empty:
        geocoding.locate_address(loaded, text=" , ", chain=offline())
    assert empty.value.problems[0].message == "adresse vide"


def test_a_doubtful_answer_is_refused_with_its_reason(loaded: Session) -> None:
    # a number missing from the BAN lands between its neighbours: « à la rue », to review
    with pytest.raises(InvalidInput) as caught:
        geocoding.locate_address(loaded, text="9999 rue de Vaugirard, 75015 Paris", chain=offline())
    message = caught.value.problems[0].message
    assert message.startswith("adresse incertaine : "), message
    assert "précision à la rue (attendue : au numéro)" in message


class Unreachable:
    """The online BAN without network: every question fails as the demo's did."""

    name = "ban"

    def geocode(self, address: NormalizedAddress) -> None:
        raise ExternalServiceError(
            "ban: GeocoderUnavailable: HTTPSConnectionPool(host='api-adresse.data.gouv.fr', "
            "port=443): Max retries exceeded (Caused by NameResolutionError(...))"
        )

    def reverse(self, point: GeoPoint) -> None:
        return None


def test_an_unreachable_provider_is_logged_never_shown(
    loaded: Session, caplog: pytest.LogCaptureFixture
) -> None:
    chain = GeocoderChain(
        [Unreachable(), OfflineProvider(load_gazetteer(), addresses=AddressBook())],
        threshold=0.6,
    )
    with (
        caplog.at_level(logging.INFO, logger="fieldcrm.services.geocoding"),
        pytest.raises(InvalidInput) as caught,
    ):
        geocoding.locate_address(loaded, text="rue de la Paix", chain=chain)
    [problem] = caught.value.problems
    assert problem.message == NOT_FOUND
    shown = f"{problem.message} {problem.allowed or ''}"
    for technical in ("ban", "Geocoder", "HTTPS", "api-adresse", "Error", "aucune correspondance"):
        assert technical not in shown
    # the cause is in the log, for whoever runs the server
    assert "GeocoderUnavailable" in caplog.text and "RUE DE LA PAIX" in caplog.text


def test_a_provider_answer_is_cached_and_not_asked_twice(
    db: Session, toulon: LoopbackServer
) -> None:
    chain = build_chain(
        [f"ban={toulon.url}", "offline"],
        gazetteer=load_gazetteer(),
        threshold=0.6,
        max_retries=0,
        addresses=AddressBook(),
    )
    first = geocoding.locate_address(db, text="12 rue Jean Jaurès 83000 Toulon", chain=chain)
    assert (first.point.lon, first.point.lat, first.precision) == (5.9301, 43.1242, "housenumber")
    assert first.label == "12 Rue Jean Jaurès 83000 Toulon"
    assert len(toulon.requests) == 1
    cached = db.execute(
        text("SELECT provider, precision FROM geocode_cache WHERE key = :k"),
        {"k": "12 RUE JEAN JAURES|83000|TOULON"},
    ).one()
    assert tuple(cached) == ("ban", "housenumber")
    again = geocoding.locate_address(db, text="12, rue Jean-Jaurès, 83000 TOULON", chain=chain)
    assert again == first
    assert len(toulon.requests) == 1  # the cache answered
