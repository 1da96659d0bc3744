"""Fallback travel times without road data: great-circle distance × detour, speed by distance band.

Road metres are estimated as ``haversine × detour``; seconds as those metres at the speed of
the band the crow-fly distance falls in (short trips are urban and slow, long ones use fast
roads). :func:`calibrate` fits the detour factor and the band speeds on a road network and
reports the error the fallback makes against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.matrix import GraphTravelTimes
from fieldcrm.routing.travel import RouteLeg, TravelMatrix

EARTH_RADIUS_M = 6_371_008.8

DEFAULT_BANDS: tuple[tuple[float, float], ...] = (
    (2_000.0, 25.0),
    (10_000.0, 40.0),
    (50_000.0, 65.0),
    (float("inf"), 95.0),
)
"""(upper crow-fly metres, km/h) bands: town, suburbs, département, long distance."""

DEFAULT_DETOUR = 1.3
"""Road metres per crow-fly metre, a common figure for French road networks."""


def crow_metres(lon: npt.ArrayLike, lat: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Great-circle metres between every ordered pair of (lon, lat) points.

    Parameters
    ----------
    lon, lat
        Degrees, same length ``k``.

    Returns
    -------
    numpy.ndarray
        ``(k, k)`` symmetric matrix with a zero diagonal.
    """
    lo = np.radians(np.asarray(lon, dtype=np.float64))
    la = np.radians(np.asarray(lat, dtype=np.float64))
    dlat = la[:, None] - la[None, :]
    dlon = lo[:, None] - lo[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(la)[:, None] * np.cos(la)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


@dataclass(frozen=True)
class CrowFlyTravelTimes:
    """:class:`~fieldcrm.routing.travel.TravelTimes` from straight-line distance.

    Parameters
    ----------
    detour
        Road metres per crow-fly metre (≥ 1).
    bands
        ``(upper crow-fly metres, km/h)`` in increasing order, the last one unbounded.
    """

    detour: float = DEFAULT_DETOUR
    bands: tuple[tuple[float, float], ...] = DEFAULT_BANDS
    name: str = field(default="crowfly", init=False)

    def __post_init__(self) -> None:
        if not (np.isfinite(self.detour) and 1.0 <= self.detour <= 5.0):
            raise InvalidInput("detour", "must be between 1 and 5", value=self.detour)
        uppers = [b[0] for b in self.bands]
        if not self.bands or uppers != sorted(uppers) or uppers[-1] != float("inf"):
            raise InvalidInput(
                "bands", "upper bounds must increase and end with infinity", value=uppers
            )
        if any(not (0 < b[1] <= 200) for b in self.bands):
            raise InvalidInput("bands", "speeds must be in ]0, 200] km/h", value=list(self.bands))

    def _speed_ms(self, crow: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        uppers = np.array([b[0] for b in self.bands])
        kmh = np.array([b[1] for b in self.bands])
        return kmh[np.searchsorted(uppers, crow, side="left").clip(0, len(uppers) - 1)] / 3.6

    def estimate(
        self, crow: npt.NDArray[np.float64]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Seconds and metres for crow-fly distances ``crow`` (any shape)."""
        metres = crow * self.detour
        return metres / self._speed_ms(crow), metres

    def matrix(self, points: Sequence[GeoPoint]) -> TravelMatrix:
        """Symmetric estimate between every ordered pair of ``points``."""
        crow = crow_metres([p.lon for p in points], [p.lat for p in points])
        seconds, metres = self.estimate(crow)
        return TravelMatrix(seconds, metres, np.zeros(len(points)))

    def route(self, stops: Sequence[GeoPoint]) -> RouteLeg:
        """Straight segments between the stops, with the estimated totals."""
        if len(stops) < 2:
            raise InvalidInput("stops", "a route needs at least two stops", value=len(stops))
        crow = crow_metres([p.lon for p in stops], [p.lat for p in stops])
        legs = np.array([crow[i, i + 1] for i in range(len(stops) - 1)])
        seconds, metres = self.estimate(legs)
        return RouteLeg(
            geometry=[(p.lon, p.lat) for p in stops],
            seconds=float(seconds.sum()),
            metres=float(metres.sum()),
        )


@dataclass(frozen=True)
class Calibration:
    """A fitted :class:`CrowFlyTravelTimes` and its error against the road graph.

    Errors are relative (``|estimate - road| / road``) over the sampled pairs: median and
    90th percentile, for seconds and for metres, after and before fitting.
    """

    model: CrowFlyTravelTimes
    n_pairs: int
    median_error_s: float
    p90_error_s: float
    median_error_m: float
    p90_error_m: float
    default_median_error_s: float
    default_median_error_m: float
    pairs_per_band: tuple[int, ...]


def _best_factor(ratios: npt.NDArray[np.float64], grid: npt.NDArray[np.float64]) -> float:
    """The ``f`` of ``grid`` minimising the median of ``|f / ratio - 1|``."""
    err = np.median(np.abs(grid[:, None] / ratios[None, :] - 1.0), axis=1)
    return float(grid[int(np.argmin(err))])


def _best_speed(implied_kmh: npt.NDArray[np.float64]) -> float:
    """The speed minimising the median relative time error, given each pair's implied speed.

    Time error of speed ``v`` on a pair of implied speed ``w`` is ``|w / v - 1|``.
    """
    coarse = np.arange(2.0, 200.0, 1.0)
    err = np.median(np.abs(implied_kmh[None, :] / coarse[:, None] - 1.0), axis=1)
    v = float(coarse[int(np.argmin(err))])
    fine = np.arange(max(1.0, v - 1.0), min(200.0, v + 1.0), 0.05)
    err = np.median(np.abs(implied_kmh[None, :] / fine[:, None] - 1.0), axis=1)
    return float(fine[int(np.argmin(err))])


def _errors(est: npt.NDArray[np.float64], ref: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.abs(est - ref) / ref


def calibrate(
    crow: npt.ArrayLike,
    road_seconds: npt.ArrayLike,
    road_metres: npt.ArrayLike,
    *,
    base: CrowFlyTravelTimes | None = None,
    min_pairs_per_band: int = 30,
    min_crow_m: float = 200.0,
) -> Calibration:
    """Fit the detour factor and band speeds on sampled road trips.

    Parameters
    ----------
    crow
        Crow-fly metres of each sampled pair.
    road_seconds, road_metres
        Road-graph seconds and metres of the same pairs (finite).
    base
        Model whose bands are refitted (defaults: :data:`DEFAULT_BANDS`); a band with fewer
        than ``min_pairs_per_band`` pairs keeps its speed.
    min_pairs_per_band
        Pairs needed to refit a band's speed.
    min_crow_m
        Pairs closer than this are left out (snapping noise dominates).

    Returns
    -------
    Calibration
        The fitted model and its errors.
    """
    base = base or CrowFlyTravelTimes()
    c = np.asarray(crow, dtype=np.float64).ravel()
    s = np.asarray(road_seconds, dtype=np.float64).ravel()
    m = np.asarray(road_metres, dtype=np.float64).ravel()
    keep = (c >= min_crow_m) & np.isfinite(s) & np.isfinite(m) & (s > 0)
    c, s, m = c[keep], s[keep], m[keep]
    if c.size < min_pairs_per_band:
        raise InvalidInput(
            "pairs", f"at least {min_pairs_per_band} pairs farther than {min_crow_m:.0f} m needed",
            value=int(c.size),
        )  # fmt: skip
    detour = _best_factor(m / c, np.arange(1.0, 5.0, 0.005))
    uppers = np.array([b[0] for b in base.bands])
    band = np.searchsorted(uppers, c, side="left").clip(0, len(uppers) - 1)
    bands = []
    counts = []
    for i, (upper, kmh) in enumerate(base.bands):
        sel = band == i
        counts.append(int(sel.sum()))
        if sel.sum() >= min_pairs_per_band:
            # implied km/h of each pair for the estimated metres; the speed with the least
            # median relative time error
            kmh = _best_speed(c[sel] * detour / s[sel] * 3.6)
        bands.append((upper, kmh))
    model = CrowFlyTravelTimes(detour=detour, bands=tuple(bands))
    est_s, est_m = model.estimate(c)
    def_s, def_m = base.estimate(c)
    err_s, err_m = _errors(est_s, s), _errors(est_m, m)
    return Calibration(
        model=model,
        n_pairs=int(c.size),
        median_error_s=float(np.median(err_s)),
        p90_error_s=float(np.quantile(err_s, 0.9)),
        median_error_m=float(np.median(err_m)),
        p90_error_m=float(np.quantile(err_m, 0.9)),
        default_median_error_s=float(np.median(_errors(def_s, s))),
        default_median_error_m=float(np.median(_errors(def_m, m))),
        pairs_per_band=tuple(counts),
    )


def calibrate_on_graph(graph: GraphTravelTimes, *, n_nodes: int = 80, seed: int = 0) -> Calibration:
    """Calibrate on all ordered pairs among ``n_nodes`` random nodes of a road network.

    Parameters
    ----------
    graph
        Road-graph travel times.
    n_nodes
        Nodes sampled (``n_nodes × (n_nodes - 1)`` pairs).
    seed
        Random seed, for reproducible figures.

    Returns
    -------
    Calibration
        See :func:`calibrate`.
    """
    net = graph.network
    rng = np.random.default_rng(seed)
    nodes = rng.choice(net.n_nodes, size=min(n_nodes, net.n_nodes), replace=False)
    seconds, metres = graph.node_matrix(nodes, nodes)
    crow = crow_metres(net.lon[nodes], net.lat[nodes])
    off = ~np.eye(nodes.shape[0], dtype=bool)
    return calibrate(crow[off], seconds[off], metres[off])
