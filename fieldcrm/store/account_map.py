"""Accounts for a map viewport: points when few, grid clusters (server-side) when many."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store.joins import ASSIGNMENT_JOIN, PRIORITY_JOIN, owner_filter


@dataclass(frozen=True)
class MapCluster:
    """Accounts of one grid cell: their centre and count."""

    lon: float
    lat: float
    count: int


@dataclass(frozen=True)
class MapPoint:
    """One account on the map."""

    id: int
    name: str
    kind: str
    lon: float
    lat: float
    priority_band: str | None
    owner_id: int | None


def count_in(
    session: Session, bbox: tuple[float, float, float, float], *, owner_ids: list[int] | None
) -> int:
    """Visible located accounts inside ``bbox`` = (min lon, min lat, max lon, max lat)."""
    return int(
        session.execute(
            text(f"""SELECT count(*) FROM accounts a {ASSIGNMENT_JOIN}
                     WHERE a.geom && ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326) AND {owner_filter(owner_ids, unassigned_prospects=True)}"""),
            {"x0": bbox[0], "y0": bbox[1], "x1": bbox[2], "y1": bbox[3], "owners": owner_ids},
        ).scalar_one()
    )


def points_in(
    session: Session,
    bbox: tuple[float, float, float, float],
    *,
    owner_ids: list[int] | None,
    limit: int,
) -> list[MapPoint]:
    """Visible accounts inside ``bbox``, best priority first."""
    rows = session.execute(
        text(f"""SELECT a.id, a.name, a.kind, ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat, ap.band AS priority_band,
                        asg.owner_id
                 FROM accounts a {ASSIGNMENT_JOIN} {PRIORITY_JOIN}
                 WHERE a.geom && ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326) AND {owner_filter(owner_ids, unassigned_prospects=True)}
                 ORDER BY ap.score DESC NULLS LAST, a.id LIMIT :limit"""),
        {
            "x0": bbox[0],
            "y0": bbox[1],
            "x1": bbox[2],
            "y1": bbox[3],
            "owners": owner_ids,
            "limit": limit,
        },
    ).mappings()
    return [MapPoint(**r) for r in rows]


def clusters_in(
    session: Session,
    bbox: tuple[float, float, float, float],
    *,
    owner_ids: list[int] | None,
    cell_deg: float,
) -> list[MapCluster]:
    """Visible accounts inside ``bbox`` grouped on a grid of ``cell_deg`` degrees."""
    rows = session.execute(
        text(f"""SELECT ST_X(ST_Centroid(ST_Collect(a.geom))) AS lon, ST_Y(ST_Centroid(ST_Collect(a.geom))) AS lat,
                        count(*) AS count
                 FROM accounts a {ASSIGNMENT_JOIN}
                 WHERE a.geom && ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326) AND {owner_filter(owner_ids, unassigned_prospects=True)}
                 GROUP BY ST_SnapToGrid(a.geom, :cell)"""),
        {
            "x0": bbox[0],
            "y0": bbox[1],
            "x1": bbox[2],
            "y1": bbox[3],
            "owners": owner_ids,
            "cell": cell_deg,
        },
    ).mappings()
    return [MapCluster(**r) for r in rows]
