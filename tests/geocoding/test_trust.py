"""Never confidently wrong: Monaco is Monaco, a former commune name beats a near miss, and a
place that disagrees with its postcode, country or homonyms is "to_review" with candidates."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from fieldcrm.geo import GeoPoint, haversine_m
from fieldcrm.geocoding.chain import GeocoderChain, OfflineProvider, build_chain
from fieldcrm.geocoding.gazetteer import COMMUNES_CSV, Gazetteer, load_gazetteer
from fieldcrm.geocoding.model import GeocodeResult
from fieldcrm.geocoding.normalize import NormalizedAddress, normalize_address
from fieldcrm.geocoding.trust import NEIGHBOURS, place_problem
from fieldcrm.services.demo_data import generate

MONACO = GeoPoint(7.4197576, 43.7311424)
MOSNAC = "17250"


class Namesake:
    """A French provider that confidently answers Mosnac (17240) for anything: the demo's bug."""

    name = "ban"

    def __init__(self) -> None:
        self.asked: list[NormalizedAddress] = []

    def geocode(self, address: NormalizedAddress) -> GeocodeResult:
        self.asked.append(address)
        return GeocodeResult(
            "ban", GeoPoint(-0.5423, 45.5024), "housenumber", 0.95, "Mosnac", MOSNAC, "17240"
        )

    def reverse(self, point: GeoPoint) -> None:
        return None


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="module")
def offline(gazetteer: Gazetteer) -> GeocoderChain:
    return build_chain(["offline"], gazetteer=gazetteer, threshold=0.6)


def _geocode(chain: GeocoderChain, postcode: str | None, city: str | None, **kw: str | None):  # type: ignore[no-untyped-def]
    return chain.geocode(
        normalize_address(kw.get("line1"), None, postcode, city, kw.get("country"))
    )


def test_the_demo_monaco_accounts_are_in_monaco_never_mosnac(offline: GeocoderChain) -> None:
    """The 11 demo accounts at 98000 Monaco left for geocoding (the demo's story)."""
    company = generate(dt.date(2026, 4, 15))
    pending = [a for a in company.accounts if a["postcode"] == "98000" and a["lon"] is None]
    assert len(pending) == 11
    for account in pending:
        outcome = _geocode(offline, "98000", account["city"], line1=account["address_line1"])
        assert outcome.result is not None
        assert outcome.result.citycode == "99138"  # Monaco, INSEE country code
        assert haversine_m(outcome.result.point, MONACO) < 3000  # type: ignore[arg-type]
        # a street address placed at the principality's centre: never "matched"
        assert outcome.assessment.status == "to_review"


def test_every_monaco_place_of_the_demo_file_is_monaco(offline: GeocoderChain) -> None:
    path = COMMUNES_CSV.parent.parent / "demo" / "places_riviera.csv"
    rows = [r for r in csv.DictReader(path.open(encoding="utf-8")) if r["postcode"] == "98000"]
    assert len(rows) > 500
    found = {_geocode(offline, r["postcode"], r["city"]).result.citycode for r in rows}  # type: ignore[union-attr]
    assert found == {"99138"}


@pytest.mark.parametrize(
    "city", ["Monaco", "Monte-Carlo", "La Condamine", "Fontvieille", "Monaco-Ville", "Larvotto"]
)
def test_monaco_and_its_quarters(offline: GeocoderChain, city: str) -> None:
    outcome = _geocode(offline, "98000", city)
    assert outcome.result is not None and outcome.result.citycode == "99138"
    assert outcome.assessment.status == "matched"
    assert _geocode(offline, "98012", city).result.citycode == "99138"  # type: ignore[union-attr]  # CEDEX


def test_monaco_is_never_asked_of_a_french_provider(gazetteer: Gazetteer) -> None:
    namesake = Namesake()
    chain = GeocoderChain([namesake, OfflineProvider(gazetteer)], threshold=0.6)
    outcome = _geocode(chain, "98000", "Monaco", line1="2 avenue de la Costa")
    assert namesake.asked == []
    assert outcome.result is not None and outcome.result.citycode == "99138"
    # France is still asked
    _geocode(chain, "06000", "Nice", line1="2 avenue Jean Médecin")
    assert len(namesake.asked) == 1


def test_a_cached_namesake_answer_is_flagged_with_candidates(gazetteer: Gazetteer) -> None:
    """An answer read back from the cache (no provider asked) is judged the same way."""
    chain = build_chain(["offline"], gazetteer=gazetteer, threshold=0.6)
    mosnac = Namesake().geocode(normalize_address("", None, "98000", "Monaco"))
    address = normalize_address("2 avenue de la Costa", None, "98000", "Monaco")
    verdict = chain.judge(mosnac, address)
    assert verdict.status == "to_review"
    assert "98000 Monaco (MC)" in verdict.candidates
    assert "candidats : 98000 Monaco (MC)" in verdict.reason


def test_a_confident_answer_in_another_departement_is_to_review(gazetteer: Gazetteer) -> None:
    namesake = Namesake()
    chain = GeocoderChain([namesake, OfflineProvider(gazetteer)], threshold=0.6)
    outcome = _geocode(chain, "19400", "Argentat", line1="3 rue du Port")
    assert outcome.assessment.status == "to_review"
    assert "lieu trouvé en 17 (Mosnac) ≠ code postal 19400" in outcome.assessment.reason
    assert "19320 Argentat-sur-Dordogne (19)" in outcome.assessment.candidates


def test_98000_nice_is_to_review_with_both_candidates(offline: GeocoderChain) -> None:
    outcome = _geocode(offline, "98000", "Nice")
    assert outcome.assessment.status == "to_review"
    assert set(outcome.assessment.candidates) >= {"98000 Monaco (MC)", "06000 Nice (06)"}
    assert "NICE" in outcome.assessment.reason


def test_06000_monaco_is_to_review(offline: GeocoderChain) -> None:
    outcome = _geocode(offline, "06000", "Monaco")
    assert outcome.assessment.status == "to_review"
    assert "98000 Monaco (MC)" in outcome.assessment.candidates


def test_argentat_is_argentat_sur_dordogne_not_argentan(offline: GeocoderChain) -> None:
    outcome = _geocode(offline, None, "Argentat")
    assert outcome.result is not None
    assert outcome.result.citycode == "19010"  # Argentat-sur-Dordogne, not 61006 Argentan
    assert outcome.assessment.status == "matched"


@pytest.mark.parametrize(
    ("city", "insee"), [("Cherbourg", "50129"), ("Argentat", "19010"), ("Beaupréau", "49023")]
)
def test_a_former_seat_name_beats_a_near_miss(gazetteer: Gazetteer, city: str, insee: str) -> None:
    match = gazetteer.lookup(None, city)
    assert match is not None and match.commune.insee == insee


def test_a_near_miss_without_postcode_is_to_review(offline: GeocoderChain) -> None:
    outcome = _geocode(offline, None, "Nicee")
    assert outcome.assessment.status == "to_review"
    assert "approché sans code postal" in outcome.assessment.reason
    assert "06000 Nice (06)" in outcome.assessment.candidates


def test_homonyms_in_several_regions_are_to_review(offline: GeocoderChain) -> None:
    outcome = _geocode(offline, None, "Saint-Martin")
    assert outcome.assessment.status == "to_review"
    assert "homonymes" in outcome.assessment.reason
    assert len(outcome.assessment.candidates) >= 2
    # a quarter of Monaco that is also a French commune: both offered
    fontvieille = _geocode(offline, None, "Fontvieille")
    assert fontvieille.assessment.status == "to_review"
    assert "98000 Monaco (MC)" in fontvieille.assessment.candidates


def test_an_exact_unique_name_or_a_postcode_stays_matched(offline: GeocoderChain) -> None:
    assert _geocode(offline, None, "Èze").assessment.status == "matched"
    assert _geocode(offline, "06000", "Nice").assessment.status == "matched"
    assert _geocode(offline, "75015", "Paris").assessment.status == "matched"
    assert _geocode(offline, None, "Paris 15e").assessment.status == "matched"


@pytest.mark.parametrize("country", [c for c in NEIGHBOURS if c != "MC"])
def test_neighbouring_countries_are_never_a_french_namesake(
    gazetteer: Gazetteer, country: str
) -> None:
    namesake = Namesake()
    chain = GeocoderChain([namesake, OfflineProvider(gazetteer)], threshold=0.6)
    outcome = _geocode(chain, "1700", "Fribourg", country=country)  # Fribourg (57) exists
    assert namesake.asked == []
    assert outcome.result is None
    assert outcome.assessment.status == "failed"
    assert f"à l’étranger ({country})" in outcome.assessment.reason


def test_country_names_are_read(gazetteer: Gazetteer) -> None:
    assert normalize_address(None, None, None, "Genève", "Suisse").country == "CH"
    assert normalize_address(None, None, None, "Nice", "France").country == ""
    assert normalize_address(None, None, None, "Nice", "FR").key == "||NICE"
    assert normalize_address(None, None, None, "Roma", "IT").key == "||ROMA|IT"


def test_place_problem(gazetteer: Gazetteer) -> None:
    assert place_problem("06000", None, gazetteer=gazetteer) is None
    assert place_problem(None, "Argentat", gazetteer=gazetteer) is None
    assert place_problem(None, "Monte-Carlo", gazetteer=gazetteer) is None
    assert place_problem(None, "Nice", gazetteer=gazetteer) is None
    assert "désigne" in (place_problem(None, "Saint-Martin", gazetteer=gazetteer) or "")
    assert "aucune commune" in (place_problem(None, "Nicee", gazetteer=gazetteer) or "")
    assert "pas de ville" in (place_problem(None, None, gazetteer=gazetteer) or "")
