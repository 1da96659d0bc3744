"""Geocoding storage: the answer cache, batches of accounts to geocode, results, manual pins.

Batches are read in id order after a cursor with ``FOR UPDATE SKIP LOCKED``: a run that is
interrupted resumes where committed batches stopped, and two runs never take the same rows.
Nothing here commits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import NotFound
from fieldcrm.store.joins import ASSIGNMENT_JOIN


@dataclass(frozen=True)
class AccountAddress:
    """An account's address as stored, to be geocoded."""

    id: int
    address_line1: str | None
    address_line2: str | None
    postcode: str | None
    city: str | None
    locked: bool = False


@dataclass(frozen=True)
class CachedAnswer:
    """One cache row: the answer kept for a normalised address (precision "none" = no match)."""

    key: str
    provider: str
    lon: float | None
    lat: float | None
    score: float | None
    precision: str
    label: str | None
    citycode: str | None


@dataclass(frozen=True)
class GeocodeUpdate:
    """What to write on an account after geocoding."""

    id: int
    lon: float | None
    lat: float | None
    provider: str | None
    score: float | None
    precision: str | None
    status: str
    label: str | None
    reason: str | None


@dataclass(frozen=True)
class LocatedAccount:
    """An account's point and geocode fields after a manual fix."""

    id: int
    lon: float
    lat: float
    status: str
    locked: bool


_SELECT = """SELECT id, address_line1, address_line2, postcode, city, location_locked
             FROM accounts"""


def _addresses(rows: Iterable[object]) -> list[AccountAddress]:
    return [AccountAddress(*row) for row in rows]  # type: ignore[misc]


def next_batch(
    session: Session, *, after_id: int, limit: int, statuses: Sequence[str] = ("pending",)
) -> list[AccountAddress]:
    """Up to ``limit`` unlocked accounts with one of ``statuses`` and an id above ``after_id``."""
    rows = session.execute(
        text(
            _SELECT
            + """ WHERE id > :after AND geocode_status = ANY(:statuses)
                  AND NOT location_locked
                  ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED"""
        ),
        {"after": after_id, "statuses": list(statuses), "limit": limit},
    )
    return _addresses(rows)


def accounts_by_id(session: Session, ids: Sequence[int]) -> list[AccountAddress]:
    """The accounts of ``ids`` (locked ones included, flagged), in id order."""
    rows = session.execute(
        text(_SELECT + " WHERE id = ANY(:ids) ORDER BY id FOR UPDATE SKIP LOCKED"),
        {"ids": list(ids)},
    )
    return _addresses(rows)


def count_todo(session: Session, *, statuses: Sequence[str] = ("pending",)) -> int:
    """How many unlocked accounts have one of ``statuses``."""
    return int(
        session.execute(
            text(
                """SELECT count(*) FROM accounts
                   WHERE geocode_status = ANY(:statuses) AND NOT location_locked"""
            ),
            {"statuses": list(statuses)},
        ).scalar_one()
    )


def cached(session: Session, keys: Iterable[str]) -> dict[str, CachedAnswer]:
    """Cache rows for ``keys`` (missing keys are absent)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = session.execute(
        text(
            """SELECT key, provider, lon, lat, score, precision, label, citycode
               FROM geocode_cache WHERE key = ANY(:keys)"""
        ),
        {"keys": wanted},
    )
    return {row[0]: CachedAnswer(*row) for row in rows}


def remember(session: Session, answers: Sequence[CachedAnswer]) -> None:
    """Insert or replace cache rows."""
    if not answers:
        return
    session.execute(
        text(
            """INSERT INTO geocode_cache (key, provider, lon, lat, score, precision, label, citycode)
               VALUES (:key, :provider, :lon, :lat, :score, :precision, :label, :citycode)
               ON CONFLICT (key) DO UPDATE SET provider = EXCLUDED.provider,
                 lon = EXCLUDED.lon, lat = EXCLUDED.lat, score = EXCLUDED.score,
                 precision = EXCLUDED.precision, label = EXCLUDED.label,
                 citycode = EXCLUDED.citycode, created_at = now()"""
        ),
        [a.__dict__ for a in answers],
    )


def save_results(session: Session, updates: Sequence[GeocodeUpdate]) -> None:
    """Write geocode results; accounts locked meanwhile are left untouched."""
    if not updates:
        return
    session.execute(
        text(
            """UPDATE accounts SET
                 geom = CASE WHEN CAST(:lon AS float8) IS NULL THEN NULL
                             ELSE ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) END,
                 geocode_provider = :provider, geocode_score = :score,
                 geocode_precision = :precision, geocode_status = :status,
                 geocode_label = :label, geocode_reason = :reason,
                 geocoded_at = now(), updated_at = now()
               WHERE id = :id AND NOT location_locked"""
        ),
        [u.__dict__ for u in updates],
    )


def set_manual_location(
    session: Session,
    *,
    account_id: int,
    lon: float,
    lat: float,
    actor_id: int | None,
    lock: bool = True,
) -> LocatedAccount:
    """Place an account by hand (status "manual") and lock it against re-geocoding; audited."""
    row = session.execute(
        text(
            """UPDATE accounts SET geom = ST_SetSRID(ST_MakePoint(:lon, :lat), 4326),
                 geocode_provider = 'manual', geocode_score = 1.0, geocode_precision = NULL,
                 geocode_status = 'manual', geocode_label = 'position placée à la main',
                 geocode_reason = NULL, geocoded_at = now(), location_locked = :lock,
                 updated_at = now()
               WHERE id = :id
               RETURNING id, ST_X(geom), ST_Y(geom), geocode_status, location_locked"""
        ),
        {"id": account_id, "lon": lon, "lat": lat, "lock": lock},
    ).first()
    if row is None:
        raise NotFound("account", account_id)
    session.execute(
        text(
            """INSERT INTO audit_log (actor_id, action, entity, entity_id, changes)
               VALUES (:actor, 'locate', 'account', :id, CAST(:changes AS jsonb))"""
        ),
        {
            "actor": actor_id,
            "id": str(account_id),
            "changes": json.dumps({"lon": lon, "lat": lat, "locked": lock}),
        },
    )
    return LocatedAccount(*row)


def unlock_location(session: Session, *, account_id: int) -> None:
    """Let an account be geocoded again (back to "pending")."""
    result = session.execute(
        text(
            """UPDATE accounts SET location_locked = false, geocode_status = 'pending'
               WHERE id = :id"""
        ),
        {"id": account_id},
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound("account", account_id)


@dataclass(frozen=True)
class ReviewItem:
    """An account whose geocode needs a look: flagged or failed, with the reason."""

    id: int
    name: str
    address_line1: str | None
    postcode: str | None
    city: str | None
    status: str
    reason: str | None
    provider: str | None
    precision: str | None
    score: float | None
    label: str | None
    lon: float | None
    lat: float | None
    owner_id: int | None


def review_queue(
    session: Session, *, statuses: Sequence[str], limit: int, offset: int = 0
) -> tuple[list[ReviewItem], int]:
    """Unlocked accounts with one of ``statuses`` (lowest score first) and how many there are."""
    params = {"statuses": list(statuses), "limit": limit, "offset": offset}
    where = "WHERE a.geocode_status = ANY(:statuses) AND NOT a.location_locked"
    rows = session.execute(
        text(
            f"""SELECT a.id, a.name, a.address_line1, a.postcode, a.city, a.geocode_status,
                       a.geocode_reason, a.geocode_provider, a.geocode_precision, a.geocode_score,
                       a.geocode_label, ST_X(a.geom), ST_Y(a.geom), asg.owner_id
                FROM accounts a {ASSIGNMENT_JOIN} {where}
                ORDER BY a.geocode_score NULLS FIRST, a.id LIMIT :limit OFFSET :offset"""
        ),
        params,
    )
    items = [ReviewItem(*row) for row in rows]
    total = session.execute(text(f"SELECT count(*) FROM accounts a {where}"), params).scalar_one()
    return items, int(total)
