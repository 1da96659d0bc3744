"""Accounts for a map viewport: points when few, grid clusters (server-side) when many."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store.joins import ASSIGNMENT_JOIN, PRIORITY_JOIN, owner_filter
from fieldcrm.store.visits import counted_visit

SEARCH_TEXT = "fieldcrm_fold(a.name || ' ' || coalesce(a.city, ''))"
"""The text the accounts search looks in by words (the expression of its trigram index)."""


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search_words(query: str | None) -> list[str]:
    """The query's words (at most 8), with LIKE's wildcards taken literally."""
    return [_like_escape(word) for word in (query or "").split()[:8]]


def search_sql(query: str) -> tuple[str, dict[str, Any]]:
    """SQL condition (with ``accounts a``) of the accounts search, and its parameters: every
    word, accents and case folded, within the name or town (``eze`` finds « Èze », ``cafe
    carnot`` « Café Carnot »); or the postcode starting with the query; or the SIRET; or the
    external (import) id starting with the query, whatever its case (``qa17-00`` finds
    ``QA17-001``)."""
    raw = query.strip()
    words = _search_words(raw)
    every_word = " AND ".join(
        f"{SEARCH_TEXT} LIKE '%' || fieldcrm_fold(:q_w{i}) || '%'" for i in range(len(words))
    )
    sql = (
        f"(({every_word or 'FALSE'}) OR a.postcode LIKE :q_prefix OR a.siret = :q_raw"
        " OR upper(a.external_id) LIKE upper(:q_prefix))"
    )
    params = {f"q_w{i}": word for i, word in enumerate(words)}
    return sql, {**params, "q_prefix": f"{_like_escape(raw)}%", "q_raw": raw}


@dataclass(frozen=True)
class MapFilter:
    """Which accounts the list and the map show, each criterion optional (``None``: any).

    ``query``: the search (:func:`search_sql`); ``owner_id`` 0 means "no rep";
    ``visited_before`` keeps the accounts with no visit since that instant (never visited
    included).
    """

    query: str | None = None
    owner_id: int | None = None
    territory_id: int | None = None
    band: str | None = None
    kind: str | None = None
    qualification: str | None = None
    sector: str | None = None
    visited_before: dt.datetime | None = None


def filter_sql(f: MapFilter | None) -> tuple[str, dict[str, Any]]:
    """SQL condition (with ``accounts a``, :data:`ASSIGNMENT_JOIN`, :data:`PRIORITY_JOIN`) and
    its parameters for ``f``."""
    if f is None:
        return "TRUE", {}
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if f.query and f.query.strip():
        searched, params = search_sql(f.query)
        clauses.append(searched)
    if f.owner_id == 0:
        clauses.append("asg.owner_id IS NULL")
    elif f.owner_id is not None:
        clauses.append("asg.owner_id = :f_owner")
        params["f_owner"] = f.owner_id
    if f.territory_id is not None:
        clauses.append("asg.territory_id = :f_territory")
        params["f_territory"] = f.territory_id
    if f.band is not None:
        clauses.append("ap.band = :f_band")
        params["f_band"] = f.band
    for column, value in (
        ("kind", f.kind),
        ("qualification", f.qualification),
        ("sector", f.sector),
    ):
        if value is not None:
            clauses.append(f"a.{column} = :f_{column}")
            params[f"f_{column}"] = value
    if f.visited_before is not None:
        clauses.append(
            "NOT EXISTS (SELECT 1 FROM activities v WHERE v.account_id = a.id"
            f" AND {counted_visit('v')} AND v.occurred_at >= :f_visited)"
        )
        params["f_visited"] = f.visited_before
    return " AND ".join(clauses) or "TRUE", params


def owning(session: Session, owner_ids: list[int]) -> set[int]:
    """Those of ``owner_ids`` who own at least one account."""
    rows = session.execute(
        text("SELECT DISTINCT owner_id FROM account_assignments WHERE owner_id = ANY(:ids)"),
        {"ids": owner_ids},
    )
    return {int(r[0]) for r in rows}


def segments(session: Session) -> tuple[list[str], list[str]]:
    """The qualifications and the sectors in use, sorted (for the map's filter lists)."""
    rows = session.execute(
        text("""SELECT 'q', qualification FROM accounts WHERE qualification IS NOT NULL
                UNION SELECT 's', sector FROM accounts WHERE sector IS NOT NULL""")
    ).all()
    return sorted(v for k, v in rows if k == "q"), sorted(v for k, v in rows if k == "s")


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
    session: Session,
    bbox: tuple[float, float, float, float],
    *,
    owner_ids: list[int] | None,
    unowned: bool = False,
    filters: MapFilter | None = None,
) -> int:
    """Visible located accounts inside ``bbox`` = (min lon, min lat, max lon, max lat):
    owned by ``owner_ids`` (None: all), and those nobody owns (with ``unowned`` all of them,
    else the prospects, for a rep to pick up)."""
    where, params = filter_sql(filters)
    return int(
        session.execute(
            text(f"""SELECT count(*) FROM accounts a {ASSIGNMENT_JOIN} {PRIORITY_JOIN}
                     WHERE a.geom && ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326) AND {owner_filter(owner_ids, unowned=unowned, unassigned_prospects=True)}
                       AND {where}"""),
            {
                "x0": bbox[0],
                "y0": bbox[1],
                "x1": bbox[2],
                "y1": bbox[3],
                "owners": owner_ids,
                **params,
            },
        ).scalar_one()
    )


def points_in(
    session: Session,
    bbox: tuple[float, float, float, float],
    *,
    owner_ids: list[int] | None,
    unowned: bool = False,
    limit: int,
    filters: MapFilter | None = None,
) -> list[MapPoint]:
    """Visible accounts inside ``bbox``, best priority first."""
    where, params = filter_sql(filters)
    rows = session.execute(
        text(f"""SELECT a.id, a.name, a.kind, ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat, ap.band AS priority_band,
                        asg.owner_id
                 FROM accounts a {ASSIGNMENT_JOIN} {PRIORITY_JOIN}
                 WHERE a.geom && ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326) AND {owner_filter(owner_ids, unowned=unowned, unassigned_prospects=True)}
                   AND {where}
                 ORDER BY ap.score DESC NULLS LAST, a.id LIMIT :limit"""),
        {
            "x0": bbox[0],
            "y0": bbox[1],
            "x1": bbox[2],
            "y1": bbox[3],
            "owners": owner_ids,
            "limit": limit,
            **params,
        },
    ).mappings()
    return [MapPoint(**r) for r in rows]


def clusters_in(
    session: Session,
    bbox: tuple[float, float, float, float],
    *,
    owner_ids: list[int] | None,
    unowned: bool = False,
    cell_deg: float,
    filters: MapFilter | None = None,
) -> list[MapCluster]:
    """Visible accounts inside ``bbox`` grouped on a grid of ``cell_deg`` degrees."""
    where, params = filter_sql(filters)
    rows = session.execute(
        text(f"""SELECT ST_X(ST_Centroid(ST_Collect(a.geom))) AS lon, ST_Y(ST_Centroid(ST_Collect(a.geom))) AS lat,
                        count(*) AS count
                 FROM accounts a {ASSIGNMENT_JOIN} {PRIORITY_JOIN}
                 WHERE a.geom && ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326) AND {owner_filter(owner_ids, unowned=unowned, unassigned_prospects=True)}
                   AND {where}
                 GROUP BY ST_SnapToGrid(a.geom, :cell)"""),
        {
            "x0": bbox[0],
            "y0": bbox[1],
            "x1": bbox[2],
            "y1": bbox[3],
            "owners": owner_ids,
            "cell": cell_deg,
            **params,
        },
    ).mappings()
    return [MapCluster(**r) for r in rows]
