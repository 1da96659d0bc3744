"""Answers of ``/api/geocoding``."""

from __future__ import annotations

from typing import Literal

from fieldcrm.api.schemas.common import Strict
from fieldcrm.services.geocoding import ReverseAnswer
from fieldcrm.store.geocache import LocatedAccount, ReviewItem

__all__ = ["LocatedAccount", "ReverseAnswer"]


class Unlocked(Strict):
    """An account released from its manual pin: pending a new geocoding."""

    id: int
    locked: Literal[False]
    status: Literal["pending"]


class ReviewPage(Strict):
    """How many accounts to review in all, and the requested page."""

    total: int
    items: list[ReviewItem]


class GeocodeSummaryOut(Strict):
    """What a geocoding run did: counts, matches by provider, questions asked per provider,
    reasons for review or failure, providers switched off during the run (``down``)."""

    processed: int
    matched: dict[str, int]
    matched_total: int
    to_review: int
    failed: int
    cached: int
    locked: int
    missing: int
    changed: int
    batches: int
    asked: dict[str, int]
    reasons: dict[str, int]
    down: list[str]
