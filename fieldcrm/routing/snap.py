"""Snapping points to the road network: nearest edge, then the nearer end node of that edge.

Distances are measured in a local azimuthal equidistant projection centred on the network
(metre-accurate over a département). A point farther than ``max_snap_m`` from every road is
not moved: it is reported in :attr:`Snapped.off_network`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer

from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.network import RoadNetwork

DEFAULT_MAX_SNAP_M = 500.0
"""Default farthest distance (m) from a road at which a point is still snapped."""


@dataclass(frozen=True)
class Snapped:
    """Where each input point joins the network.

    ``node[i]`` is the network node of point ``i`` (-1 when off the network); ``snap_m[i]`` the
    straight distance from the point to the nearest road; ``offset_m``/``offset_s`` the length
    and time along that road between the foot of the point and ``node[i]``.
    """

    node: npt.NDArray[np.int64]
    snap_m: npt.NDArray[np.float64]
    offset_m: npt.NDArray[np.float64]
    offset_s: npt.NDArray[np.float64]
    off_network: tuple[int, ...]


class Snapper:
    """Nearest-edge index over a :class:`RoadNetwork`.

    Parameters
    ----------
    network
        The road network.
    max_snap_m
        Points farther than this from every road are reported as off the network.
    """

    def __init__(self, network: RoadNetwork, *, max_snap_m: float = DEFAULT_MAX_SNAP_M) -> None:
        if not (max_snap_m > 0 and np.isfinite(max_snap_m)):
            raise InvalidInput(
                "max_snap_m", "must be a positive number of metres", value=max_snap_m
            )
        self.network = network
        self.max_snap_m = float(max_snap_m)
        lon0 = float((network.lon.min() + network.lon.max()) / 2)
        lat0 = float((network.lat.min() + network.lat.max()) / 2)
        self._to_xy = Transformer.from_crs(
            "EPSG:4326",
            f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +units=m +ellps=WGS84",
            always_xy=True,
        )
        x, y = self._to_xy.transform(network.geom_lonlat[:, 0], network.geom_lonlat[:, 1])
        xy = np.column_stack([x, y])
        offsets = network.geom_offsets
        # One line per directed edge; both directions of a two-way street share a geometry.
        self._lines = shapely.linestrings(
            xy, indices=np.repeat(np.arange(network.n_edges), np.diff(offsets))
        )
        self._tree = shapely.STRtree(self._lines)

    def snap(self, points: Sequence[GeoPoint]) -> Snapped:
        """Snap ``points`` to the network.

        Parameters
        ----------
        points
            Points to snap.

        Returns
        -------
        Snapped
            Node, distances and the indices of points farther than ``max_snap_m``.
        """
        n = len(points)
        if n == 0:
            empty = np.zeros(0)
            return Snapped(np.zeros(0, dtype=np.int64), empty, empty, empty, ())
        lon = np.array([p.lon for p in points], dtype=np.float64)
        lat = np.array([p.lat for p in points], dtype=np.float64)
        x, y = self._to_xy.transform(lon, lat)
        geoms = shapely.points(np.column_stack([x, y]))
        (qi, ei), dist = self._tree.query_nearest(geoms, return_distance=True, all_matches=False)
        edge = np.full(n, -1, dtype=np.int64)
        snap_m = np.full(n, np.inf)
        edge[qi] = ei
        snap_m[qi] = dist
        lines = self._lines[edge]
        frac = shapely.line_locate_point(lines, geoms, normalized=True)
        net = self.network
        at_end = frac >= 0.5
        node = np.where(at_end, net.dst[edge], net.src[edge]).astype(np.int64)
        share = np.where(at_end, 1.0 - frac, frac)
        offset_m = share * net.metres[edge]
        offset_s = share * net.seconds[edge]
        off = snap_m > self.max_snap_m
        node[off] = -1
        offset_m[off] = 0.0
        offset_s[off] = 0.0
        return Snapped(node, snap_m, offset_m, offset_s, tuple(int(i) for i in np.nonzero(off)[0]))
