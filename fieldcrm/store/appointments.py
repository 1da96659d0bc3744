"""Appointments as the agenda reads and writes them; the calendar feed tokens.

Plain dataclasses out, never commits. Every change of an appointment raises its ``sequence``
and sets ``updated_at`` to the clock time (not the transaction's start), which calendar
clients follow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import NotFound


@dataclass(frozen=True)
class AppointmentRecord:
    """One appointment with its account's name."""

    id: int
    rep_id: int
    rep_name: str
    account_id: int | None
    account_name: str | None
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    address: str | None
    lon: float | None
    lat: float | None
    note: str | None
    status: str
    proposal_id: int | None
    sequence: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class AccountPlace:
    """Where an appointment at an account takes place."""

    id: int
    name: str
    address: str | None
    lon: float | None
    lat: float | None


@dataclass(frozen=True)
class NewPlace:
    """The place and text of an appointment as stored."""

    account_id: int | None
    title: str
    address: str | None
    lon: float | None
    lat: float | None


_SELECT = """SELECT ap.id, ap.rep_id, u.full_name AS rep_name, ap.account_id,
       a.name AS account_name, ap.title, ap.starts_at, ap.ends_at, ap.address,
       ST_X(ap.geom) AS lon, ST_Y(ap.geom) AS lat, ap.note, ap.status, ap.proposal_id,
       ap.sequence, ap.created_at, ap.updated_at
    FROM appointments ap JOIN users u ON u.id = ap.rep_id
    LEFT JOIN accounts a ON a.id = ap.account_id"""


def lock_rep(session: Session, rep_id: int) -> None:
    """Serialise appointment writes of one rep until the transaction ends (no row lock)."""
    session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('appointments'), CAST(:rep AS int))"),
        {"rep": rep_id},
    )


def get(session: Session, appointment_id: int) -> AppointmentRecord:
    """One appointment; :class:`NotFound` if unknown."""
    row = session.execute(text(f"{_SELECT} WHERE ap.id = :id"), {"id": appointment_id}).first()
    if row is None:
        raise NotFound("appointment", appointment_id)
    return AppointmentRecord(**row._mapping)


def between(
    session: Session,
    *,
    rep_id: int,
    start: dt.datetime,
    end: dt.datetime,
    include_cancelled: bool = False,
) -> list[AppointmentRecord]:
    """The rep's appointments starting in ``[start, end)``, in time order."""
    rows = session.execute(
        text(
            f"""{_SELECT}
                WHERE ap.rep_id = :rep AND ap.starts_at >= :start AND ap.starts_at < :end
                  AND (:cancelled OR ap.status <> 'cancelled')
                ORDER BY ap.starts_at, ap.id"""
        ),
        {"rep": rep_id, "start": start, "end": end, "cancelled": include_cancelled},
    ).all()
    return [AppointmentRecord(**r._mapping) for r in rows]


def touching(
    session: Session,
    *,
    rep_id: int,
    since: dt.datetime,
    until: dt.datetime,
    exclude_id: int | None = None,
) -> list[AppointmentRecord]:
    """The rep's appointments, not cancelled, that overlap ``[since, until)`` (but ``exclude_id``)."""
    rows = session.execute(
        text(
            f"""{_SELECT}
                WHERE ap.rep_id = :rep AND ap.status <> 'cancelled'
                  AND ap.starts_at < :until AND ap.ends_at > :since
                  AND ap.id IS DISTINCT FROM CAST(:exclude AS int)
                ORDER BY ap.starts_at, ap.id"""
        ),
        {"rep": rep_id, "since": since, "until": until, "exclude": exclude_id},
    ).all()
    return [AppointmentRecord(**r._mapping) for r in rows]


def linked(
    session: Session, *, rep_id: int, ids: list[int], proposal_ids: list[int]
) -> list[AppointmentRecord]:
    """The rep's appointments, not cancelled, among ``ids`` or booked by one of
    ``proposal_ids``, wherever they are now, in time order."""
    if not ids and not proposal_ids:
        return []
    rows = session.execute(
        text(
            f"""{_SELECT}
                WHERE ap.rep_id = :rep AND ap.status <> 'cancelled'
                  AND (ap.id = ANY(:ids) OR ap.proposal_id = ANY(:proposals))
                ORDER BY ap.starts_at, ap.id"""
        ),
        {"rep": rep_id, "ids": ids, "proposals": proposal_ids},
    ).all()
    return [AppointmentRecord(**r._mapping) for r in rows]


def account_place(session: Session, account_id: int) -> AccountPlace:
    """An account's name, postal address and point; :class:`NotFound` if unknown."""
    row = session.execute(
        text(
            """SELECT id, name,
                      nullif(concat_ws(', ', nullif(address_line1, ''),
                                       nullif(concat_ws(' ', postcode, city), '')), '') AS address,
                      ST_X(geom) AS lon, ST_Y(geom) AS lat
               FROM accounts WHERE id = :id"""
        ),
        {"id": account_id},
    ).first()
    if row is None:
        raise NotFound("account", account_id)
    return AccountPlace(**row._mapping)


def insert(
    session: Session,
    *,
    rep_id: int,
    place: NewPlace,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    note: str | None,
) -> int:
    """Insert a confirmed appointment; its id (flushed, not committed)."""
    return int(
        session.execute(
            text(
                """INSERT INTO appointments (rep_id, account_id, title, starts_at, ends_at, address,
                                            geom, note, status, sequence, updated_at)
                   VALUES (:rep, :account, :title, :start, :end, :address,
                           CASE WHEN CAST(:lon AS float8) IS NULL THEN NULL
                                ELSE ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) END,
                           :note, 'confirmed', 0, clock_timestamp())
                   RETURNING id"""
            ),
            {
                "rep": rep_id,
                "account": place.account_id,
                "title": place.title,
                "start": starts_at,
                "end": ends_at,
                "address": place.address,
                "lon": place.lon,
                "lat": place.lat,
                "note": note,
            },
        ).scalar_one()
    )


def update(
    session: Session,
    appointment_id: int,
    *,
    place: NewPlace,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    note: str | None,
) -> None:
    """Set the time, place and text of an appointment (its link to a proposal is kept)."""
    session.execute(
        text(
            """UPDATE appointments
               SET account_id = :account, title = :title, starts_at = :start, ends_at = :end,
                   address = :address,
                   geom = CASE WHEN CAST(:lon AS float8) IS NULL THEN NULL
                               ELSE ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) END,
                   note = :note, sequence = sequence + 1, updated_at = clock_timestamp()
               WHERE id = :id"""
        ),
        {
            "id": appointment_id,
            "account": place.account_id,
            "title": place.title,
            "start": starts_at,
            "end": ends_at,
            "address": place.address,
            "lon": place.lon,
            "lat": place.lat,
            "note": note,
        },
    )


def cancel(session: Session, appointment_id: int) -> None:
    """Mark an appointment cancelled (the row stays)."""
    session.execute(
        text(
            """UPDATE appointments
               SET status = 'cancelled', sequence = sequence + 1, updated_at = clock_timestamp()
               WHERE id = :id AND status <> 'cancelled'"""
        ),
        {"id": appointment_id},
    )


# --------------------------------------------------------------------------- calendar feeds
def set_feed(session: Session, *, user_id: int, digest: bytes) -> dt.datetime:
    """Give ``user_id`` a feed under ``digest``, replacing the previous one; its creation time."""
    created: dt.datetime = session.execute(
        text(
            """INSERT INTO calendar_feeds (user_id, token_digest, created_at)
               VALUES (:u, :d, clock_timestamp())
               ON CONFLICT (user_id) DO UPDATE
                 SET token_digest = EXCLUDED.token_digest, created_at = EXCLUDED.created_at
               RETURNING created_at"""
        ),
        {"u": user_id, "d": digest},
    ).scalar_one()
    return created


def drop_feed(session: Session, *, user_id: int) -> bool:
    """Revoke the user's feed; whether there was one."""
    result = session.execute(text("DELETE FROM calendar_feeds WHERE user_id = :u"), {"u": user_id})
    return bool(result.rowcount)  # type: ignore[attr-defined]


def feed_created_at(session: Session, *, user_id: int) -> dt.datetime | None:
    """When the user's live feed was made (``None``: no feed)."""
    created: dt.datetime | None = session.execute(
        text("SELECT created_at FROM calendar_feeds WHERE user_id = :u"), {"u": user_id}
    ).scalar()
    return created


def feed_owner(session: Session, digest: bytes) -> tuple[int, str] | None:
    """The active user (id, name) whose feed has ``digest``, if any."""
    row = session.execute(
        text(
            """SELECT u.id, u.full_name FROM calendar_feeds f JOIN users u ON u.id = f.user_id
               WHERE f.token_digest = :d AND u.active"""
        ),
        {"d": digest},
    ).first()
    return (int(row.id), str(row.full_name)) if row is not None else None
