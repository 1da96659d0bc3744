from __future__ import annotations

import numpy as np
import pytest

from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint, haversine_m
from fieldcrm.routing.crowfly import (
    DEFAULT_BANDS,
    CrowFlyTravelTimes,
    calibrate,
    calibrate_on_graph,
    crow_metres,
)
from fieldcrm.routing.matrix import GraphTravelTimes
from fieldcrm.routing.travel import TravelTimes

NICE = GeoPoint(lon=7.262, lat=43.710)
MONACO = GeoPoint(lon=7.420, lat=43.737)
PARIS = GeoPoint(lon=2.349, lat=48.853)


def test_crow_metres_matches_haversine() -> None:
    pts = [NICE, MONACO, PARIS]
    crow = crow_metres([p.lon for p in pts], [p.lat for p in pts])
    assert crow[0, 1] == pytest.approx(haversine_m(NICE, MONACO), rel=1e-3)
    assert crow[2, 0] == pytest.approx(haversine_m(PARIS, NICE), rel=1e-3)
    assert np.allclose(crow, crow.T) and np.all(np.diag(crow) == 0)


def test_detour_and_speed_band() -> None:
    tt = CrowFlyTravelTimes(detour=1.5, bands=((2000.0, 20.0), (float("inf"), 90.0)))
    assert isinstance(tt, TravelTimes)
    m = tt.matrix([NICE, MONACO, PARIS])
    crow = haversine_m(NICE, MONACO)
    assert m.metres[0, 1] == pytest.approx(crow * 1.5, rel=1e-3)
    assert m.seconds[0, 1] == pytest.approx(crow * 1.5 / (90 / 3.6), rel=1e-3)
    near = GeoPoint(lon=NICE.lon + 0.01, lat=NICE.lat)  # about 800 m: the slow band
    s = tt.matrix([NICE, near]).seconds[0, 1]
    assert s == pytest.approx(haversine_m(NICE, near) * 1.5 / (20 / 3.6), rel=1e-3)
    leg = tt.route([NICE, MONACO, NICE])
    assert leg.geometry == [(NICE.lon, NICE.lat), (MONACO.lon, MONACO.lat), (NICE.lon, NICE.lat)]
    assert leg.seconds == pytest.approx(2 * m.seconds[0, 1])


@pytest.mark.parametrize(
    "kwargs",
    [{"detour": 0.5}, {"bands": ((1000.0, 30.0),)}, {"bands": ((5.0, 30.0), (1.0, 50.0))},
     {"bands": ((float("inf"), 0.0),)}],
)  # fmt: skip
def test_invalid_parameters(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        CrowFlyTravelTimes(**kwargs)  # type: ignore[arg-type]


def test_calibrate_recovers_a_known_model() -> None:
    truth = CrowFlyTravelTimes(detour=1.6, bands=((2000.0, 18.0), *DEFAULT_BANDS[1:]))
    crow = np.linspace(300, 9000, 400)
    s, m = truth.estimate(crow)
    cal = calibrate(crow, s, m)
    assert cal.model.detour == pytest.approx(1.6)
    assert cal.model.bands[0][1] == pytest.approx(18.0)
    assert cal.model.bands[1][1] == pytest.approx(40.0)
    assert cal.median_error_s == pytest.approx(0.0, abs=1e-9)
    assert cal.default_median_error_m > 0.1
    with pytest.raises(InvalidInput):
        calibrate([100.0], [10.0], [150.0])


def test_calibration_on_monaco_improves_on_defaults(graph_tt: GraphTravelTimes) -> None:
    cal = calibrate_on_graph(graph_tt, n_nodes=60, seed=1)
    assert cal.n_pairs > 3000
    assert 1.1 < cal.model.detour < 3.0
    assert cal.median_error_s < cal.default_median_error_s
    assert cal.median_error_m <= cal.default_median_error_m
    assert cal.median_error_s < 0.5
    assert cal.pairs_per_band[0] > 0 and cal.pairs_per_band[-1] == 0
