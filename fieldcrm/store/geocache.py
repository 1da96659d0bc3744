"""Geocoding storage: the answer cache, batches of accounts to geocode, results, manual pins.

Providers are slow and remote, so a run never asks them while it holds row locks. It *claims*
a batch in one short statement (``FOR UPDATE SKIP LOCKED``, then committed by the service):
the claim is written in ``geocoded_at``, set to the time it expires, later than now. A time in
the future means "being geocoded until then"; any real result sets it to the time written. So
two runs never take the same account while a claim holds, a run stopped without releasing its
claims (killed) leaves its accounts untouched, still pending, and taken again once the claim
expires. Results are written only where the claim is still the run's own and nothing changed
since: not placed or locked by hand, same status, same address, same ``updated_at``.
Nothing here commits.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import NotFound
from fieldcrm.store.joins import ASSIGNMENT_JOIN


@dataclass(frozen=True)
class AccountAddress:
    """An account's address as claimed for geocoding, with what the write checks against.

    ``claim`` is the claim's expiry written in ``geocoded_at`` (None for a locked account,
    never claimed); ``previous`` the ``geocoded_at`` it replaced, put back on release.
    """

    id: int
    address_line1: str | None
    address_line2: str | None
    postcode: str | None
    city: str | None
    locked: bool = False
    status: str = "pending"
    updated_at: dt.datetime | None = None
    claim: dt.datetime | None = None
    previous: dt.datetime | None = None
    country: str | None = None


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
    candidates: list[dict[str, object]] | None = None
    town: str | None = None
    """The town to write on an account that has none (the commune it was placed in)."""


@dataclass(frozen=True)
class LocatedAccount:
    """An account's point and geocode fields after a manual fix."""

    id: int
    lon: float
    lat: float
    status: str
    locked: bool


_CLAIM = """
    WITH clock AS MATERIALIZED (SELECT clock_timestamp() AS now),
    picked AS (
        SELECT a.id, a.geocoded_at FROM accounts a, clock
        WHERE {where} AND NOT a.location_locked
          AND (a.geocoded_at IS NULL OR a.geocoded_at <= clock.now)
        {order}
        FOR UPDATE OF a SKIP LOCKED)
    UPDATE accounts a SET geocoded_at = clock.now + make_interval(secs => :claim_s)
    FROM picked, clock WHERE a.id = picked.id
    RETURNING a.id, a.address_line1, a.address_line2, a.postcode, a.city, a.location_locked,
              a.geocode_status, a.updated_at, a.geocoded_at, picked.geocoded_at, a.country"""


def _addresses(rows: Iterable[object]) -> list[AccountAddress]:
    found = [AccountAddress(*row) for row in rows]  # type: ignore[misc]
    return sorted(found, key=lambda a: a.id)


def claim_next_batch(
    session: Session,
    *,
    after_id: int,
    limit: int,
    claim_s: float,
    statuses: Sequence[str] = ("pending",),
) -> list[AccountAddress]:
    """Claim for ``claim_s`` seconds up to ``limit`` unlocked, unclaimed accounts with one of
    ``statuses`` and an id above ``after_id``, in id order (rows busy elsewhere are skipped)."""
    rows = session.execute(
        text(
            _CLAIM.format(
                where="a.id > :after AND a.geocode_status = ANY(:statuses)",
                order="ORDER BY a.id LIMIT :limit",
            )
        ),
        {"after": after_id, "statuses": list(statuses), "limit": limit, "claim_s": claim_s},
    )
    return _addresses(rows)


def claim_accounts(session: Session, ids: Sequence[int], *, claim_s: float) -> list[AccountAddress]:
    """Claim the unlocked, unclaimed accounts of ``ids``; locked ones come too, flagged and not
    claimed; accounts missing or claimed by another run are left out. In id order."""
    claimed = session.execute(
        text(_CLAIM.format(where="a.id = ANY(:ids)", order="")),
        {"ids": list(ids), "claim_s": claim_s},
    )
    locked = session.execute(
        text("""SELECT id, address_line1, address_line2, postcode, city, location_locked,
                       geocode_status, updated_at, NULL, geocoded_at, country
                FROM accounts WHERE id = ANY(:ids) AND location_locked"""),
        {"ids": list(ids)},
    )
    return _addresses([*claimed, *locked])


def _iso(at: dt.datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _as_claimed(row: AccountAddress) -> dict[str, object]:
    """What a write checks against: the claim, and the account as it was when claimed."""
    return {
        "claim": _iso(row.claim),
        "was_status": row.status,
        "was_updated": _iso(row.updated_at),
        "line1": row.address_line1,
        "line2": row.address_line2,
        "was_postcode": row.postcode,
        "was_city": row.city,
        "was_country": row.country,
    }


def _claims(rows: Iterable[AccountAddress]) -> list[dict[str, object]]:
    return [
        {"id": r.id, "claim": _iso(r.claim), "previous": _iso(r.previous)}
        for r in rows
        if r.claim is not None
    ]


def release_claims(session: Session, rows: Sequence[AccountAddress]) -> int:
    """Give back the claims of ``rows`` still held (nothing written for them); how many."""
    claims = _claims(rows)
    if not claims:
        return 0
    result = session.execute(
        text("""UPDATE accounts a SET geocoded_at = c.previous
                FROM jsonb_to_recordset(CAST(:claims AS jsonb))
                     AS c(id integer, claim timestamptz, previous timestamptz)
                WHERE a.id = c.id AND a.geocoded_at = c.claim"""),
        {"claims": json.dumps(claims)},
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


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


def save_results(
    session: Session, updates: Sequence[GeocodeUpdate], *, claimed: Sequence[AccountAddress]
) -> set[int]:
    """Write geocode results on the accounts of ``claimed`` still as they were claimed; the
    ids written.

    An account is left untouched when its claim is no longer this run's (taken again after
    it expired, or placed by hand: that sets ``geocoded_at``), when it was locked, or when its
    status, address or ``updated_at`` changed since the claim. An update's ``town`` is written
    only on an account with none.
    """
    rows = {r.id: r for r in claimed if r.claim is not None}
    data = [{**u.__dict__, **_as_claimed(rows[u.id])} for u in updates if u.id in rows]
    if not data:
        return set()
    written = session.execute(
        text(
            """UPDATE accounts a SET
                 geom = CASE WHEN u.lon IS NULL OR u.lat IS NULL THEN NULL
                             ELSE ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326) END,
                 geocode_provider = u.provider, geocode_score = u.score,
                 geocode_precision = u.precision, geocode_status = u.status,
                 geocode_label = u.label, geocode_reason = u.reason,
                 geocode_candidates = u.candidates,
                 -- a town filled where the account has none, never one replaced
                 city = CASE WHEN coalesce(a.city, '') = '' AND u.town IS NOT NULL
                             THEN u.town ELSE a.city END,
                 geocoded_at = now(), updated_at = now()
               FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS u(
                 id integer, lon float8, lat float8, provider text, score float8,
                 precision text, status text, label text, reason text, candidates jsonb,
                 town text, claim timestamptz,
                 was_status text, was_updated timestamptz, line1 text, line2 text,
                 was_postcode text, was_city text, was_country text)
               WHERE a.id = u.id AND a.geocoded_at = u.claim AND NOT a.location_locked
                 AND a.geocode_status = u.was_status
                 AND a.updated_at IS NOT DISTINCT FROM u.was_updated
                 AND a.address_line1 IS NOT DISTINCT FROM u.line1
                 AND a.address_line2 IS NOT DISTINCT FROM u.line2
                 AND a.postcode IS NOT DISTINCT FROM u.was_postcode
                 AND a.city IS NOT DISTINCT FROM u.was_city
                 AND a.country IS NOT DISTINCT FROM u.was_country
               RETURNING a.id"""
        ),
        {"rows": json.dumps(data)},
    )
    return {int(r[0]) for r in written}


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
                 geocode_reason = NULL, geocode_candidates = NULL, geocoded_at = now(),
                 location_locked = :lock,
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
    candidates: list[dict[str, object]] | None = None


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
                       a.geocode_label, ST_X(a.geom), ST_Y(a.geom), asg.owner_id,
                       a.geocode_candidates
                FROM accounts a {ASSIGNMENT_JOIN} {where}
                ORDER BY a.geocode_score NULLS FIRST, a.id LIMIT :limit OFFSET :offset"""
        ),
        params,
    )
    items = [ReviewItem(*row) for row in rows]
    total = session.execute(text(f"SELECT count(*) FROM accounts a {where}"), params).scalar_one()
    return items, int(total)


def review_item(session: Session, account_id: int) -> ReviewItem:
    """One account's address, geocode and candidates (any status); NotFound when missing."""
    row = session.execute(
        text(
            f"""SELECT a.id, a.name, a.address_line1, a.postcode, a.city, a.geocode_status,
                       a.geocode_reason, a.geocode_provider, a.geocode_precision, a.geocode_score,
                       a.geocode_label, ST_X(a.geom), ST_Y(a.geom), asg.owner_id,
                       a.geocode_candidates
                FROM accounts a {ASSIGNMENT_JOIN} WHERE a.id = :id"""
        ),
        {"id": account_id},
    ).first()
    if row is None:
        raise NotFound("account", account_id)
    return ReviewItem(*row)
