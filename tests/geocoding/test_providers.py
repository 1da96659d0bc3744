"""Real geopy clients (BAN, Nominatim, Photon) against a loopback server answering in each
provider's JSON format: success, no result, HTTP 429 and 500 with retries, timeout."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fieldcrm.errors import ExternalServiceError, InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.geocoding.chain import build_chain
from fieldcrm.geocoding.gazetteer import load_gazetteer
from fieldcrm.geocoding.normalize import normalize_address
from fieldcrm.geocoding.providers import GeopyProvider, ProviderSpec, parse_spec
from tests.geocoding.loopback import (
    LoopbackServer,
    Reply,
    ban_collection,
    ban_feature,
    nominatim_place,
    photon_feature,
    serving,
)

ADDRESS = normalize_address("12 bd de la République", None, "06000", "Nice")
NICE_FEATURE = ban_feature(
    7.2801,
    43.7045,
    label="12 Boulevard de la République 06000 Nice",
    citycode="06088",
    postcode="06000",
    city="Nice",
    score=0.93,
)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with serving(lambda path, query: Reply(200, ban_collection())) as srv:
        yield srv


def _provider(name: str, server: LoopbackServer, waits: list[float], **kw: object) -> GeopyProvider:
    options: dict[str, object] = {"timeout_s": 0.5, "max_retries": 2, "backoff_s": 0.01} | kw
    spec = ProviderSpec(name=name, url=server.url, **options)  # type: ignore[arg-type]
    return GeopyProvider(spec, sleep=waits.append)


def test_ban_success_parses_score_precision_and_citycode(server: LoopbackServer) -> None:
    server.push(Reply(200, ban_collection(NICE_FEATURE)))
    result = _provider("ban", server, []).geocode(ADDRESS)
    assert result is not None
    assert result.point == GeoPoint(7.2801, 43.7045)
    assert (result.provider, result.precision, result.score) == ("ban", "housenumber", 0.93)
    assert (result.citycode, result.postcode) == ("06088", "06000")
    path, query = server.requests[0]
    assert path == "/search"
    assert query["q"] == "12 BOULEVARD DE LA REPUBLIQUE 06000 NICE"


def test_ban_no_result_is_none(server: LoopbackServer) -> None:
    assert _provider("ban", server, []).geocode(ADDRESS) is None


def test_429_is_retried_honouring_retry_after(server: LoopbackServer) -> None:
    waits: list[float] = []
    server.push(
        Reply(429, {"message": "slow down"}, {"Retry-After": "2"}),
        Reply(200, ban_collection(NICE_FEATURE)),
    )
    result = _provider("ban", server, waits).geocode(ADDRESS)
    assert result is not None and result.citycode == "06088"
    assert waits == [2.0]
    assert len(server.requests) == 2


def test_500_retried_with_exponential_backoff_then_gives_up(server: LoopbackServer) -> None:
    waits: list[float] = []
    server.push(*[Reply(500, {"error": "boom"})] * 3)
    with pytest.raises(ExternalServiceError, match=r"ban: .*after 3 attempts"):
        _provider("ban", server, waits).geocode(ADDRESS)
    assert waits == [0.01, 0.02]
    assert len(server.requests) == 3


def test_500_then_success(server: LoopbackServer) -> None:
    server.push(Reply(500, {}), Reply(200, ban_collection(NICE_FEATURE)))
    assert _provider("ban", server, []).geocode(ADDRESS) is not None


def test_timeout_is_retried_then_raises(server: LoopbackServer) -> None:
    waits: list[float] = []
    server.push(*[Reply(200, ban_collection(NICE_FEATURE), delay_s=1.0)] * 2)
    with pytest.raises(ExternalServiceError, match="GeocoderTimedOut"):
        _provider("ban", server, waits, max_retries=1).geocode(ADDRESS)
    assert waits == [0.01]


def test_bad_request_is_not_retried(server: LoopbackServer) -> None:
    waits: list[float] = []
    server.push(Reply(400, {"message": "q must contain between 3 and 200 chars"}))
    with pytest.raises(ExternalServiceError):
        _provider("ban", server, waits).geocode(ADDRESS)
    assert waits == [] and len(server.requests) == 1


def test_ban_reverse(server: LoopbackServer) -> None:
    server.push(Reply(200, ban_collection(NICE_FEATURE)))
    result = _provider("ban", server, []).reverse(GeoPoint(7.28, 43.70))
    assert result is not None and result.label.startswith("12 Boulevard")
    path, query = server.requests[0]
    assert path == "/reverse" and float(query["lat"]) == pytest.approx(43.70)


def test_nominatim_self_hosted_structured_query(server: LoopbackServer) -> None:
    place = nominatim_place(
        7.2801,
        43.7045,
        rank=30,
        label="12, Boulevard de la République, Nice",
        address={"house_number": "12", "postcode": "06000", "city": "Nice"},
    )
    server.push(Reply(200, [place]), Reply(200, []))
    provider = _provider("nominatim", server, [])
    result = provider.geocode(ADDRESS)
    assert result is not None
    assert (result.precision, result.postcode) == ("housenumber", "06000")
    path, query = server.requests[0]
    assert path == "/search"
    assert query["street"] == "12 BOULEVARD DE LA REPUBLIQUE"
    assert query["postalcode"] == "06000" and query["countrycodes"] == "fr"
    assert provider.geocode(ADDRESS) is None


def test_nominatim_street_rank(server: LoopbackServer) -> None:
    server.push(
        Reply(200, [nominatim_place(7.28, 43.70, rank=26, label="Boulevard de la République")])
    )
    result = _provider("nominatim", server, []).geocode(ADDRESS)
    assert result is not None and result.precision == "street"


def test_photon(server: LoopbackServer) -> None:
    feature = photon_feature(
        7.2801,
        43.7045,
        housenumber="12",
        street="Boulevard de la République",
        postcode="06000",
        city="Nice",
        type="house",
    )
    server.push(Reply(200, {"type": "FeatureCollection", "features": [feature]}))
    server.push(Reply(200, {"type": "FeatureCollection", "features": []}))
    provider = _provider("photon", server, [])
    result = provider.geocode(ADDRESS)
    assert result is not None and result.precision == "housenumber"
    assert server.requests[0][0] == "/api"
    assert provider.geocode(ADDRESS) is None


def test_keyed_provider_needs_key_and_known_name() -> None:
    with pytest.raises(InvalidInput) as err:
        GeopyProvider(ProviderSpec(name="opencage"))
    assert err.value.field == "geocoder_api_key"
    with pytest.raises(InvalidInput) as err:
        GeopyProvider(ProviderSpec(name="nosuchgeocoder", api_key="k"))
    assert err.value.field == "geocoders"
    assert GeopyProvider(ProviderSpec(name="opencage", api_key="k")).name == "opencage"


def test_parse_spec() -> None:
    spec = parse_spec("Nominatim=http://127.0.0.1:8080/nominatim", timeout_s=2.0)
    assert (spec.name, spec.scheme, spec.domain, spec.timeout_s) == (
        "nominatim",
        "http",
        "127.0.0.1:8080/nominatim",
        2.0,
    )
    with pytest.raises(InvalidInput):
        parse_spec("ban=ftp://x")


def test_chain_falls_back_to_gazetteer_when_provider_fails(server: LoopbackServer) -> None:
    server.push(*[Reply(500, {})] * 3)
    chain = build_chain(
        [f"ban={server.url}"],
        gazetteer=load_gazetteer(),
        threshold=0.6,
        sleep=lambda s: None,
        timeout_s=0.5,
        max_retries=2,
        backoff_s=0.0,
    )
    assert chain.names == ("ban", "offline")
    outcome = chain.geocode(ADDRESS)
    assert outcome.result is not None and outcome.result.provider == "offline"
    assert outcome.result.citycode == "06088"
    assert outcome.assessment.status == "to_review"
    assert outcome.errors and "ban" in outcome.errors[0]


def test_chain_stops_at_first_matched(server: LoopbackServer) -> None:
    server.push(Reply(200, ban_collection(NICE_FEATURE)))
    chain = build_chain([f"ban={server.url}", "offline"], gazetteer=load_gazetteer(), threshold=0.6)
    outcome = chain.geocode(ADDRESS)
    assert outcome.result is not None and outcome.result.provider == "ban"
    assert outcome.assessment.status == "matched"
    assert outcome.asked == ("ban",)


def test_chain_offline_only_asks_no_server(server: LoopbackServer) -> None:
    chain = build_chain(
        [f"ban={server.url}"], gazetteer=load_gazetteer(), threshold=0.6, offline_only=True
    )
    assert chain.names == ("offline",)
    chain.geocode(ADDRESS)
    assert server.requests == []


def test_nothing_anywhere_is_failed_with_reason(server: LoopbackServer) -> None:
    chain = build_chain([f"ban={server.url}"], gazetteer=load_gazetteer(), threshold=0.6)
    outcome = chain.geocode(normalize_address("1 rue Nulle Part", None, None, "Qwxzyk"))
    assert outcome.result is None
    assert outcome.assessment.status == "failed"
    assert outcome.assessment.reason == "aucune correspondance"


def test_dead_provider_is_switched_off_after_failures_in_a_row(server: LoopbackServer) -> None:
    server.default = lambda path, query: Reply(500, {})
    waits: list[float] = []
    chain = build_chain(
        [f"ban={server.url}"],
        gazetteer=load_gazetteer(),
        threshold=0.6,
        sleep=waits.append,
        timeout_s=0.5,
        max_retries=1,
        backoff_s=0.01,
    )
    outcomes = [chain.geocode(ADDRESS) for _ in range(5)]
    assert len(server.requests) == 3 * 2  # three addresses asked (with one retry each), then off
    assert chain.down == ("ban",)
    assert outcomes[-1].asked == ("offline",)
    assert "hors service" in outcomes[-1].errors[0]
    assert all(o.result is not None and o.result.provider == "offline" for o in outcomes)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_unreadable_answer_is_a_provider_error(server: LoopbackServer) -> None:
    server.push(Reply(200, ban_collection(ban_feature(7.28, 95.0, score=0.9))))  # latitude 95
    with pytest.raises(ExternalServiceError, match="unreadable answer"):
        _provider("ban", server, []).geocode(ADDRESS)


def test_nominatim_and_photon_reverse(server: LoopbackServer) -> None:
    place = nominatim_place(
        7.2661, 43.7031, rank=30, label="1, Place Masséna, Nice", address={"house_number": "1"}
    )
    server.push(Reply(200, place))
    result = _provider("nominatim", server, []).reverse(GeoPoint(7.2661, 43.7031))
    assert result is not None and result.label == "1, Place Masséna, Nice"
    assert server.requests[-1][0] == "/reverse"
    feature = photon_feature(7.2661, 43.7031, name="Place Masséna", type="street", city="Nice")
    server.push(Reply(200, {"type": "FeatureCollection", "features": [feature]}))
    result = _provider("photon", server, []).reverse(GeoPoint(7.2661, 43.7031))
    assert result is not None and result.precision == "street"
    assert server.requests[-1][0] == "/reverse"


def test_keys_per_provider() -> None:
    chain = build_chain(
        ["opencage", "geocodeearth", "offline"],
        gazetteer=load_gazetteer(),
        threshold=0.6,
        api_keys={"opencage": "k1", "geocodeearth": "k2"},
    )
    specs = [p.spec for p in chain.providers if isinstance(p, GeopyProvider)]
    assert [(s.name, s.api_key) for s in specs] == [("opencage", "k1"), ("geocodeearth", "k2")]
