"""Accuracy on real Paris addresses (Base Adresse Nationale sample) typed as people type
them: offline gazetteer path, and provider path (real geopy BAN client against a loopback
server answering from the same addresses). Shares and median errors are printed."""

from __future__ import annotations

import random
import statistics

import pytest

from fieldcrm.geo import GeoPoint, haversine_m
from fieldcrm.geocoding.chain import GeocoderChain, OfflineProvider
from fieldcrm.geocoding.gazetteer import load_gazetteer
from fieldcrm.geocoding.normalize import normalize_address
from fieldcrm.geocoding.providers import GeopyProvider, ProviderSpec
from tests.geocoding.ban_paris import SAMPLE_FILE, BanAddress, BanIndex, read_addresses, typed
from tests.geocoding.loopback import serving

N = 300


@pytest.fixture(scope="module")
def addresses() -> list[BanAddress]:
    return read_addresses(SAMPLE_FILE)


def _measure(chain: GeocoderChain, queries: list[BanAddress]) -> tuple[float, float, float]:
    """(share right arrondissement, median error m, share found at house-number precision)."""
    rng = random.Random(7)
    right, errors, fine = 0, [], 0
    for a in queries:
        line1, postcode, city = typed(a, rng)
        outcome = chain.geocode(normalize_address(line1, None, postcode, city))
        result = outcome.result
        if result is None or result.point is None:
            continue
        right += result.citycode == a.code_insee
        fine += result.precision == "housenumber"
        errors.append(haversine_m(result.point, GeoPoint(a.lon, a.lat)))
    median = statistics.median(errors) if errors else float("inf")
    return right / len(queries), median, fine / len(queries)


def test_offline_path_on_paris_addresses(addresses: list[BanAddress]) -> None:
    chain = GeocoderChain([OfflineProvider(load_gazetteer())], threshold=0.6)
    share, median, fine = _measure(chain, addresses[:N])
    print(f"offline: right arrondissement {share:.1%}, median error {median:.0f} m")
    # Missing postcodes with "Paris" or "Paris Cedex NN" only give the city of Paris.
    assert share >= 0.88
    assert 300 < median < 2000  # the arrondissement's centre, not the address
    assert fine == 0


def test_provider_path_on_paris_addresses(addresses: list[BanAddress]) -> None:
    index = BanIndex(addresses)
    with serving(index.responder) as server:
        provider = GeopyProvider(
            ProviderSpec(name="ban", url=server.url, timeout_s=2.0, max_retries=0)
        )
        chain = GeocoderChain([provider, OfflineProvider(load_gazetteer())], threshold=0.6)
        share, median, fine = _measure(chain, addresses[:N])
    print(
        f"provider: right arrondissement {share:.1%}, median error {median:.0f} m, house number {fine:.1%}"
    )
    assert share >= 0.95
    assert median < 1.0
    assert fine >= 0.85
