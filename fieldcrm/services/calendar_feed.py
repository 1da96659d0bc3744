"""A rep's calendar feed: a secret, revocable URL that calendar apps subscribe to.

The token is random and shown once; the database keeps only its keyed digest (as for
sessions, :mod:`fieldcrm.auth.tokens`), so changing ``FIELDCRM_SECRET_KEY`` ends every feed
too. Regenerating replaces the token, revoking deletes it; an unknown or revoked token is
"not found". The feed carries the rep's appointments that are not cancelled, from
:data:`DAYS_BACK` days ago to :data:`DAYS_AHEAD` days ahead, in iCalendar (UTC times).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from fieldcrm.agenda import ics
from fieldcrm.agenda.times import day_span
from fieldcrm.auth import policy, tokens
from fieldcrm.auth.roles import Actor
from fieldcrm.config import Settings
from fieldcrm.errors import NotFound
from fieldcrm.geo import GeoPoint
from fieldcrm.services import plan_dates
from fieldcrm.store import appointments as store
from fieldcrm.store.appointments import AppointmentRecord
from fieldcrm.store.plans import get_rep

DAYS_BACK = 30
DAYS_AHEAD = 180
MAX_TOKEN_CHARS = 200
FEED_PATH = "/api/calendar/feed.ics"
"""Where the feed is served; the token goes in the query string, which logs leave out."""


def _secret(settings: Settings) -> str:
    return settings.secret_key.get_secret_value()


def feed_created_at(session: Session, *, actor: Actor, rep_id: int) -> dt.datetime | None:
    """When the rep's live feed was made (``None``: no feed)."""
    policy.require(actor, "calendar.feed", owner_id=rep_id)
    return store.feed_created_at(session, user_id=rep_id)


def create_feed(
    session: Session, *, actor: Actor, rep_id: int, settings: Settings
) -> tuple[str, dt.datetime]:
    """Make (or remake) the rep's feed; the new token, to show once, and its creation time."""
    policy.require(actor, "calendar.feed", owner_id=rep_id)
    get_rep(session, rep_id)
    token, digest = tokens.new_token(secret=_secret(settings))
    created = store.set_feed(session, user_id=rep_id, digest=digest)
    session.commit()
    return token, created


def revoke_feed(session: Session, *, actor: Actor, rep_id: int) -> bool:
    """End the rep's feed at once; whether there was one."""
    policy.require(actor, "calendar.feed", owner_id=rep_id)
    dropped = store.drop_feed(session, user_id=rep_id)
    session.commit()
    return dropped


def feed_url(base_url: str, token: str) -> str:
    """The address to subscribe to."""
    return f"{base_url.rstrip('/')}{FEED_PATH}?token={token}"


def event_of(record: AppointmentRecord) -> ics.Event:
    """An appointment as a calendar event (its UID stays the same when it moves)."""
    place = (
        GeoPoint(record.lon, record.lat)
        if record.lon is not None and record.lat is not None
        else None
    )
    return ics.Event(
        uid=f"fieldcrm-appointment-{record.id}",
        starts_at=record.starts_at,
        ends_at=record.ends_at,
        summary=record.title or record.account_name or "Rendez-vous",
        location=record.address,
        description=record.note,
        sequence=record.sequence,
        last_modified=record.updated_at,
        geo=place,
    )


def feed_ics(
    session: Session, *, token: str, settings: Settings, now: dt.datetime | None = None
) -> str:
    """The iCalendar text of the feed behind ``token``; :class:`NotFound` if unknown or revoked."""
    owner = (
        store.feed_owner(session, tokens.token_digest(token, secret=_secret(settings)))
        if 0 < len(token) <= MAX_TOKEN_CHARS
        else None
    )
    if owner is None:
        raise NotFound("calendar feed", "unknown or revoked token")
    rep_id, name = owner
    zone = plan_dates.company_zone(settings)
    moment = now or dt.datetime.now(dt.UTC)
    today = moment.astimezone(zone).date()
    start, end = day_span(
        today - dt.timedelta(days=DAYS_BACK), today + dt.timedelta(days=DAYS_AHEAD), zone
    )
    records = store.between(session, rep_id=rep_id, start=start, end=end)
    return ics.calendar(
        (event_of(r) for r in records),
        name=f"fieldcrm — {name}",
        stamp=moment,
        timezone=zone.key,
    )
