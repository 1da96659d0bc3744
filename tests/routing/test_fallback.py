from __future__ import annotations

import numpy as np
import pytest

from fieldcrm.geo import GeoPoint
from fieldcrm.routing.crowfly import CrowFlyTravelTimes
from fieldcrm.routing.fallback import WithFallback
from fieldcrm.routing.matrix import GraphTravelTimes
from fieldcrm.routing.travel import TravelTimes

PARIS = GeoPoint(lon=2.349, lat=48.853)


def test_off_network_points_take_the_crow_fly_figures(graph_tt: GraphTravelTimes) -> None:
    net = graph_tt.network
    a = GeoPoint(lon=float(net.lon[3]), lat=float(net.lat[3]))
    b = GeoPoint(lon=float(net.lon[900]), lat=float(net.lat[900]))
    crow = CrowFlyTravelTimes()
    tt = WithFallback(graph_tt, crow)
    assert isinstance(tt, TravelTimes)
    assert tt.name == "graph+crowfly"
    m = tt.matrix([a, PARIS, b])
    road = graph_tt.matrix([a, PARIS, b])
    spare = crow.matrix([a, PARIS, b])
    assert m.off_network == (1,)
    assert m.unreachable_pairs() == []
    assert m.seconds[0, 2] == road.seconds[0, 2] and m.seconds[2, 0] == road.seconds[2, 0]
    assert m.seconds[0, 1] == spare.seconds[0, 1] and m.metres[1, 2] == spare.metres[1, 2]
    assert np.all(np.diag(m.seconds) == 0)
    assert tt.route([a, b]).seconds == pytest.approx(road.seconds[0, 2])
    assert tt.route([a, PARIS]).geometry == [(a.lon, a.lat), (PARIS.lon, PARIS.lat)]
