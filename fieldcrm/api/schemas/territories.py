"""Answers of ``/api/territories`` (GeoJSON) and ``/api/assignment``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from fieldcrm.api.schemas.common import Geometry, Strict
from fieldcrm.store.assignment import HistoryRow, MoveCount
from fieldcrm.store.territories import QueueItem
from fieldcrm.territories.balance import BalanceRow, Spread
from fieldcrm.territories.rebalance import Move
from fieldcrm.territories.rebalance_effects import LeftOut

__all__ = ["HistoryRow"]


class TerritoryProperties(Strict):
    """A territory's fields; ``accounts`` it holds, ``source`` how it was drawn, ``overlay``
    laid over the local territories (national key accounts; a rebalancing leaves it out)."""

    id: int
    name: str
    rep_id: int | None
    rep_name: str | None
    priority: int
    color: str | None
    overlay: bool
    source: str | None
    area_km2: float
    accounts: int


class TerritoryFeature(Strict):
    """A territory as a GeoJSON Feature."""

    type: Literal["Feature"]
    id: int
    properties: TerritoryProperties
    geometry: Geometry | None


class TerritoryCollection(Strict):
    """Territories as a GeoJSON FeatureCollection."""

    type: Literal["FeatureCollection"]
    features: list[TerritoryFeature]


class RepairedTerritory(TerritoryFeature):
    """A territory just saved, and the repairs made to its drawn geometry."""

    repairs: list[str]


class TerritoryImport(Strict):
    """Names of the territories created and updated, and the repairs made, by name."""

    created: list[str]
    updated: list[str]
    repairs: dict[str, list[str]]


class OverlapOut(Strict):
    """Two territories that overlap, the shared area and the territory that wins its accounts."""

    first_id: int
    second_id: int
    area_m2: float
    winner_id: int
    geometry: Geometry


class QueuePage(Strict):
    """How many in all, and the first items."""

    total: int
    items: list[QueueItem]


class BalanceOut(Strict):
    """Metrics per territory, and the spread of each metric."""

    rows: list[BalanceRow]
    spreads: list[Spread]


class MetricEffectOut(Strict):
    """One metric across the territories taking part (ids as keys), before and after."""

    metric: str
    before: dict[str, float]
    after: dict[str, float]
    spread_before: Spread
    spread_after: Spread
    balanced: bool = Field(description="The metric the proposal evens out")
    worse: bool = Field(description="Another metric made clearly more uneven by the moves")
    overloaded: list[int] = Field(
        description="Workload: territories beyond a rep's monthly field time after the moves"
    )
    pushed_over: list[int] = Field(description="Workload: those of them within it before")


class RebalanceOut(Strict):
    """Whole-commune moves with totals per territory (ids as keys) before and after, every
    metric's before and after (workload first), and the territories left out."""

    metric: str
    moves: list[Move]
    before: dict[str, float]
    after: dict[str, float]
    spread_before: Spread
    spread_after: Spread
    effects: list[MetricEffectOut]
    left_out: list[LeftOut] = Field(
        description="Territories that neither give nor receive communes (those marked overlay)"
    )
    applied: bool = Field(description="Always false: a proposal is never applied by reading it")


class RebalanceApplied(Strict):
    """The moves applied and the territories redrawn."""

    moves: list[Move]
    territory_ids: list[int]


class ExportProperties(Strict):
    """A territory's fields in the re-importable export."""

    id: int
    name: str
    rep_id: int | None
    rep_name: str | None
    priority: int
    color: str | None
    overlay: bool
    area_km2: float


class ExportFeature(Strict):
    """A territory in the re-importable export."""

    type: Literal["Feature"]
    properties: ExportProperties
    geometry: Geometry


class ExportCollection(Strict):
    """Every territory as a re-importable GeoJSON FeatureCollection."""

    type: Literal["FeatureCollection"]
    features: list[ExportFeature]


class AssignmentDiffOut(Strict):
    """Accounts that move (or moved, when ``applied``) from which rep/territory to which."""

    applied: bool
    total: int
    moves: list[MoveCount]


class Changed(Strict):
    """How many accounts changed."""

    changed: int
