"""Appointments use cases: a rep's agenda; book, move and cancel appointments.

Times are typed in the company's time zone (``scoring_timezone``) and stored as instants. An
appointment takes place at an account (its address and point) or at a free place: a point,
or an address placed at its commune's centre by the offline gazetteer (no network call), so
that the planner and the driving-time check can use it. Booking or moving is refused when
it would start in the past, naming the date or the time
(:func:`fieldcrm.services.plan_dates.check_not_started`), and with a French message naming
the other appointment and the times when it overlaps another appointment of the rep or
cannot be reached from the previous one or reach the next one (driving times from the
planner's own provider: the road graph, crow-fly where it does not reach). Booking (or
moving) at an account the rep's plan proposes on that day books that proposal, as accepting
it would (:func:`book_proposed`). Cancelling keeps the row; the planner leaves cancelled
appointments out; cancelling the appointment an accepted proposal booked opens that proposal
again. Each use case authorises first (action
``"appointment"`` on the rep) and commits once; a refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fieldcrm.agenda.clashes import Booked, check_overlap, check_reachable, neighbours
from fieldcrm.agenda.times import day_span, local_instant
from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor
from fieldcrm.config import Settings, get_settings
from fieldcrm.costs.report import local_number
from fieldcrm.errors import Conflict, InvalidInput, Problem
from fieldcrm.geo import GeoPoint
from fieldcrm.geocoding.gazetteer import load_gazetteer
from fieldcrm.routing.travel import TravelTimes
from fieldcrm.services import accounts, costs, plan_dates, planning_build
from fieldcrm.services.appointment_moves import record_move
from fieldcrm.services.roads import road_provider
from fieldcrm.store import appointments as store
from fieldcrm.store.appointments import AccountPlace, AppointmentRecord, NewPlace
from fieldcrm.store.plans import get_rep, mark_booked, open_proposals, reopen_proposal

MIN_MINUTES, MAX_MINUTES = 5, 12 * 60
SPILLS_OVER = (
    "le rendez-vous finirait le lendemain à %(end)s : il doit finir le jour où il commence"
)
"""The refusal of an appointment past midnight (a catalogue msgid)."""
DURATION_OUT = "durée hors limites"
TITLE_TOO_LONG = "titre trop long"
NOTE_TOO_LONG = "note trop longue"
AT_MOST = "%(n)s caractères au plus"
ADDRESS_TOO_LONG = "adresse trop longue"
NOT_LOCATED = "le compte « %(name)s » n’est pas localisé : indiquez un point"
ADDRESS_UNKNOWN = (
    "adresse introuvable hors ligne : indiquez le code postal et la ville"
    " (« 12 rue de la Paix, 06000 Nice ») ou un point"
)
NO_PLACE = "indiquez un compte, une adresse ou un point"
BAD_PERIOD = "période invalide"
PERIOD_ALLOWED = "une fin après le début, %(days)s jours au plus"
CANCELLED = "Le rendez-vous « %(title)s » est annulé : il ne peut plus être déplacé."
REFUSALS = (
    SPILLS_OVER,
    DURATION_OUT,
    TITLE_TOO_LONG,
    NOTE_TOO_LONG,
    AT_MOST,
    ADDRESS_TOO_LONG,
    NOT_LOCATED,
    ADDRESS_UNKNOWN,
    NO_PLACE,
    BAD_PERIOD,
    PERIOD_ALLOWED,
    CANCELLED,
)
"""The agenda's refusals: French templates kept with their refusal (``code``,
``allowed_code``; catalogue msgids, English in the catalogue)."""
MAX_DAYS = 366
"""The longest agenda read at once, in days."""
DEFAULT_TITLE = "Rendez-vous"
_POSTCODE_CITY = re.compile(r"\b(\d{5})\s+([^\d,;]+?)\s*(?:,|$)")


@dataclass(frozen=True)
class Place:
    """Where: an account, or a free place given by a point and/or an address."""

    account_id: int | None = None
    address: str | None = None
    point: GeoPoint | None = None


@dataclass(frozen=True)
class Draft:
    """A new appointment as typed: local date and time, length, place, title and note."""

    day: dt.date
    time: dt.time
    duration_minutes: int
    place: Place
    title: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Changes:
    """What to change in an appointment; ``None`` keeps the current value.

    An empty ``note`` clears it; an empty ``title`` puts back the default one.
    """

    day: dt.date | None = None
    time: dt.time | None = None
    duration_minutes: int | None = None
    place: Place | None = None
    title: str | None = None
    note: str | None = None


def _clean(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def _check_lengths(duration: int, title: str | None, note: str | None) -> None:
    problems = []
    if not MIN_MINUTES <= duration <= MAX_MINUTES:
        problems.append(
            Problem(
                "duration_minutes",
                DURATION_OUT,
                duration,
                f"{MIN_MINUTES}–{MAX_MINUTES}",
                code=DURATION_OUT,
            )
        )
    if title is not None and len(title) > 300:
        problems.append(_too_long("title", TITLE_TOO_LONG, len(title), 300))
    if note is not None and len(note) > 5000:
        problems.append(_too_long("note", NOTE_TOO_LONG, len(note), 5000))
    InvalidInput.collect(problems)


def _too_long(field: str, message: str, length: int, most: int) -> Problem:
    """A text longer than ``most`` characters, its refusal kept with its templates."""
    params = {"n": most}
    allowed = AT_MOST % {"n": local_number(most, "fr")}
    return Problem(field, message, length, allowed, message, params, AT_MOST)


def check_same_day(starts_at: dt.datetime, ends_at: dt.datetime, zone: ZoneInfo) -> None:
    """Refuse an appointment that would end on a later day than it starts (in the company's
    time zone; ending at midnight is fine): a day's agenda, its plan and the clash rules see
    one day at a time, so the next day's part would be booked yet not shown there."""
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    last = (end - dt.timedelta(microseconds=1)).date()
    if last > start.date():
        raise InvalidInput(
            problems=[
                Problem(
                    "duration_minutes",
                    SPILLS_OVER % {"end": end.strftime("%H:%M")},
                    code=SPILLS_OVER,
                    params={"end": end.strftime("%H:%M")},
                )
            ]
        )


def commune_point(address: str) -> GeoPoint | None:
    """The centre of the commune named by the ``NNNNN Ville`` part of ``address`` (offline)."""
    match = _POSTCODE_CITY.search(address)
    if match is None:
        return None
    found = load_gazetteer().lookup(match.group(1), match.group(2))
    return found.commune.point if found is not None else None


def resolve_place(session: Session, actor: Actor, place: Place, title: str | None) -> NewPlace:
    """The stored place and title of ``place``; the actor must see the account, if any."""
    address = _clean(place.address)
    if address is not None and len(address) > 500:
        raise InvalidInput(
            problems=[Problem("address", ADDRESS_TOO_LONG, len(address), "500", ADDRESS_TOO_LONG)]
        )
    if place.account_id is not None:
        # a rep books at their accounts and at unassigned prospects within reach
        policy.require(
            actor,
            "account.read",
            **accounts.access(session, actor=actor, account_id=place.account_id),
        )
        account: AccountPlace = store.account_place(session, place.account_id)
        point = place.point or (
            GeoPoint(account.lon, account.lat)
            if account.lon is not None and account.lat is not None
            else None
        )
        address = address or account.address
        if point is None and address is not None:
            point = commune_point(address)
        if point is None:
            params = {"name": account.name}
            raise InvalidInput(
                problems=[
                    Problem(
                        "account_id",
                        NOT_LOCATED % params,
                        place.account_id,
                        code=NOT_LOCATED,
                        params=params,
                    )
                ]
            )
        return NewPlace(account.id, title or account.name, address, point.lon, point.lat)
    point = place.point
    if point is None and address is not None:
        point = commune_point(address)
        if point is None:
            raise InvalidInput(
                problems=[Problem("address", ADDRESS_UNKNOWN, address, code=ADDRESS_UNKNOWN)]
            )
    if point is None:
        raise InvalidInput(
            problems=[
                Problem("place", NO_PLACE, allowed="account_id, address, lon/lat", code=NO_PLACE)
            ]
        )
    return NewPlace(None, title or DEFAULT_TITLE, address, point.lon, point.lat)


def _booked(r: AppointmentRecord) -> Booked:
    place = GeoPoint(r.lon, r.lat) if r.lon is not None and r.lat is not None else None
    return Booked(r.id, r.title, r.starts_at, r.ends_at, place)


def _drive_s(a: GeoPoint | None, b: GeoPoint | None, graph: TravelTimes | None) -> float | None:
    if a is None or b is None:
        return None
    matrix, _source = planning_build.travel_matrix([a, b], graph)
    return float(planning_build.drive_seconds(matrix)[0][1])  # counted as the planner does


def check_fits(
    session: Session,
    *,
    rep_id: int,
    new: Booked,
    zone: ZoneInfo,
    graph: TravelTimes | None,
) -> None:
    """Raise :class:`Conflict` when ``new`` overlaps or cannot follow/precede the rep's others."""
    day = new.starts_at.astimezone(zone).date()
    start, end = day_span(day, day, zone)
    others = [
        _booked(r)
        for r in store.touching(
            session,
            rep_id=rep_id,
            since=min(start, new.starts_at),
            until=max(end, new.ends_at),
            exclude_id=new.id,
        )
    ]
    check_overlap(new, others, zone=zone)
    previous, following = neighbours(new, others, zone=zone)
    check_reachable(
        new,
        previous=previous,
        following=following,
        from_previous_s=_drive_s(previous.place, new.place, graph) if previous else None,
        to_following_s=_drive_s(new.place, following.place, graph) if following else None,
        zone=zone,
    )


def check_booking(
    session: Session,
    *,
    rep_id: int,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: GeoPoint | None,
    settings: Settings | None = None,
    travel: TravelTimes | None = None,
) -> None:
    """Take the rep's booking lock (until the transaction ends) and refuse a new booking that
    overlaps or cannot be reached — for any way of booking (a form, an accepted proposal)."""
    cfg = settings or get_settings()
    store.lock_rep(session, rep_id)
    check_fits(
        session,
        rep_id=rep_id,
        new=Booked(None, title, starts_at, ends_at, place),
        zone=plan_dates.company_zone(cfg),
        graph=travel or road_provider(cfg),
    )


def agenda(
    session: Session,
    *,
    actor: Actor,
    rep_id: int,
    first: dt.date,
    last: dt.date,
    settings: Settings | None = None,
    include_cancelled: bool = False,
) -> list[AppointmentRecord]:
    """The rep's appointments starting on ``first`` .. ``last`` (local days), in time order."""
    policy.require(actor, "appointment", owner_id=rep_id)
    if last < first or (last - first).days >= MAX_DAYS:
        params = {"days": MAX_DAYS}
        raise InvalidInput(
            problems=[
                Problem(
                    "to",
                    BAD_PERIOD,
                    f"{first.isoformat()} – {last.isoformat()}",
                    PERIOD_ALLOWED % params,
                    BAD_PERIOD,
                    params,
                    PERIOD_ALLOWED,
                )
            ]
        )
    start, end = day_span(first, last, plan_dates.company_zone(settings or get_settings()))
    return store.between(
        session, rep_id=rep_id, start=start, end=end, include_cancelled=include_cancelled
    )


def get_appointment(session: Session, *, actor: Actor, appointment_id: int) -> AppointmentRecord:
    """One appointment, if the actor may see the rep's appointments."""
    found = store.get(session, appointment_id)
    policy.require(actor, "appointment", owner_id=found.rep_id)
    return found


def account_for_booking(session: Session, *, actor: Actor, account_id: int) -> AccountPlace:
    """The account an appointment would be booked at (the new-appointment form's label)."""
    policy.require(
        actor, "account.read", **accounts.access(session, actor=actor, account_id=account_id)
    )
    return store.account_place(session, account_id)


def create_appointment(
    session: Session,
    *,
    actor: Actor,
    rep_id: int,
    draft: Draft,
    settings: Settings | None = None,
    travel: TravelTimes | None = None,
) -> AppointmentRecord:
    """Book an appointment for the rep, unless it clashes with another one; at an account the
    rep's plan proposes on that day, it is that visit's booking (:func:`book_proposed`)."""
    policy.require(actor, "appointment", owner_id=rep_id)
    cfg = settings or get_settings()
    zone = plan_dates.company_zone(cfg)
    title, note = _clean(draft.title), _clean(draft.note)
    _check_lengths(draft.duration_minutes, title, note)
    get_rep(session, rep_id)
    starts_at = local_instant(draft.day, draft.time, zone).astimezone(dt.UTC)
    plan_dates.check_not_started(starts_at)
    ends_at = starts_at + dt.timedelta(minutes=draft.duration_minutes)  # elapsed, in UTC
    check_same_day(starts_at, ends_at, zone)
    place = resolve_place(session, actor, draft.place, title)
    store.lock_rep(session, rep_id)
    new = Booked(None, place.title, starts_at, ends_at, _point(place))
    check_fits(session, rep_id=rep_id, new=new, zone=zone, graph=travel or road_provider(cfg))
    appointment_id = store.insert(
        session, rep_id=rep_id, place=place, starts_at=starts_at, ends_at=ends_at, note=note
    )
    book_proposed(
        session,
        rep_id=rep_id,
        account_id=place.account_id,
        appointment_id=appointment_id,
        starts_at=starts_at,
        settings=cfg,
    )
    # a planned day's figures as booked now change: /frais costs the trip on them
    costs.trips_changed(session, rep_id, draft.day)
    session.commit()
    return store.get(session, appointment_id)


def book_proposed(
    session: Session,
    *,
    rep_id: int,
    account_id: int | None,
    appointment_id: int,
    starts_at: dt.datetime,
    settings: Settings,
) -> int | None:
    """Mark the visit the rep's plan proposes at ``account_id`` on the day of ``starts_at``
    (an open proposal of the latest plan of that day, :func:`fieldcrm.store.plans.open_proposals`)
    as booked by the appointment ``appointment_id``, as accepting it marks it
    (:func:`fieldcrm.store.plans.mark_booked`): booked from the agenda or accepted, the
    visit is a booked stop of its day at its time, no longer proposed; cancelling the
    appointment proposes it again. The proposal's id, or ``None`` when none is open there."""
    if account_id is None:
        return None
    zone = plan_dates.company_zone(settings)
    day = starts_at.astimezone(zone).date()
    first, last = day_span(day, day, zone)
    proposed = next(
        (
            p
            for p in open_proposals(
                session, rep_id=rep_id, first=first, last=last, tz=settings.scoring_timezone
            )
            if p.account_id == account_id
        ),
        None,
    )
    if proposed is None or not mark_booked(session, proposed.id, appointment_id):
        return None
    costs.trips_changed(session, rep_id, day)  # an accepted fill-in changes the plan's savings
    return proposed.id


def _point(place: NewPlace) -> GeoPoint | None:
    return (
        GeoPoint(place.lon, place.lat) if place.lon is not None and place.lat is not None else None
    )


def move_appointment(
    session: Session,
    *,
    actor: Actor,
    appointment_id: int,
    changes: Changes,
    settings: Settings | None = None,
    travel: TravelTimes | None = None,
) -> AppointmentRecord:
    """Change the time, length, place, title or note of an appointment not cancelled.

    The link to the proposal that booked it stays; one without any becomes the booking of the
    visit its day's plan proposes at its account, if any (:func:`book_proposed`).
    """
    current = store.get(session, appointment_id)
    policy.require(actor, "appointment", owner_id=current.rep_id)
    if current.status == "cancelled":
        params = {"title": current.title}
        raise Conflict(CANCELLED % params, code=CANCELLED, params=params)
    cfg = settings or get_settings()
    zone = plan_dates.company_zone(cfg)
    local = current.starts_at.astimezone(zone)
    minutes = changes.duration_minutes
    if minutes is None:
        minutes = round((current.ends_at - current.starts_at).total_seconds() / 60)
    title = current.title if changes.title is None else _clean(changes.title)
    note = current.note if changes.note is None else _clean(changes.note)
    _check_lengths(minutes, title, note)
    if changes.day is None and changes.time is None:
        starts_at = current.starts_at.astimezone(dt.UTC)
    else:
        starts_at = local_instant(
            changes.day or local.date(), changes.time or local.time(), zone
        ).astimezone(dt.UTC)
    if starts_at != current.starts_at:  # a past appointment's note or place may still change
        plan_dates.check_not_started(starts_at)
    ends_at = starts_at + dt.timedelta(minutes=minutes)  # elapsed, in UTC
    check_same_day(starts_at, ends_at, zone)
    if changes.place is not None:
        place = resolve_place(session, actor, changes.place, title)
    else:
        place = NewPlace(
            current.account_id,
            title or current.account_name or DEFAULT_TITLE,
            current.address,
            current.lon,
            current.lat,
        )
    store.lock_rep(session, current.rep_id)
    new = Booked(appointment_id, place.title, starts_at, ends_at, _point(place))
    check_fits(
        session, rep_id=current.rep_id, new=new, zone=zone, graph=travel or road_provider(cfg)
    )
    store.update(
        session, appointment_id, place=place, starts_at=starts_at, ends_at=ends_at, note=note
    )
    if starts_at != current.starts_at:
        record_move(session, actor=actor, before=current, starts_at=starts_at, ends_at=ends_at)
    if current.proposal_id is None:  # now at an account its day's plan proposes: its visit
        book_proposed(
            session,
            rep_id=current.rep_id,
            account_id=place.account_id,
            appointment_id=appointment_id,
            starts_at=starts_at,
            settings=cfg,
        )
    # the days left and reached: their figures as booked now, which /frais costs
    costs.trips_changed(session, current.rep_id, local.date())
    costs.trips_changed(session, current.rep_id, starts_at.astimezone(zone).date())
    session.commit()
    return store.get(session, appointment_id)


def cancel_appointment(session: Session, *, actor: Actor, appointment_id: int) -> AppointmentRecord:
    """Cancel an appointment (the row stays, status ``cancelled``); cancelling twice is a no-op.

    An appointment booked by accepting a planned visit gives that visit back: its proposal is
    open again (``proposed``, undecided), to be booked again in its slot of the day as it is
    now, or refused.
    """
    current = store.get(session, appointment_id)
    policy.require(actor, "appointment", owner_id=current.rep_id)
    if current.status != "cancelled" and current.proposal_id is not None:
        reopen_proposal(session, current.proposal_id)
    store.cancel(session, appointment_id)
    day = current.starts_at.astimezone(plan_dates.company_zone()).date()
    costs.trips_changed(session, current.rep_id, day)  # its day's figures as booked now
    session.commit()
    return store.get(session, appointment_id)
