"""A band of the corridor holds every point within its detour, round its ends and bends too."""

from __future__ import annotations

import math

import pytest
import shapely

from fieldcrm.geo import GeoPoint
from fieldcrm.routing.corridor import build_corridor

HOME = GeoPoint(7.262, 43.703)
PLACES = [HOME, GeoPoint(7.4246, 43.7384), GeoPoint(7.1250, 43.5800), HOME]


@pytest.mark.parametrize("detour_m", [625.0, 2_500.0, 10_000.0, 40_000.0])
def test_points_just_inside_the_bound_round_every_vertex_are_covered(detour_m: float) -> None:
    """Round a vertex the buffer is drawn by chords, which cut inside the true circle (by
    1 - cos(pi/16) of its radius with four segments a quarter): the band is grown so that they
    do not, whatever its width."""
    for places in (PLACES, [HOME], PLACES[:2]):
        corridor = build_corridor(places, budget_m=detour_m)
        kx, ky = corridor.scale
        band = corridor.band(detour_m)
        shapely.prepare(band)
        radius = detour_m / 2 * (1 - 1e-9)  # out-and-back detour just under the bound
        for vx, vy in corridor.route_xy:
            for step in range(720):
                angle = math.radians(step / 2)
                x, y = vx + radius * math.cos(angle), vy + radius * math.sin(angle)
                assert band.covers(shapely.Point(x / kx, y / ky)), (places, detour_m, step)
