"""Trip planning as a job: queued from the "Tournée" screen or the API (or from « Ma
journée » for a day that only holds as a trip, :mod:`fieldcrm.services.trip_instead`), run
by a worker with a coarse progress (:data:`~fieldcrm.services.planning.STEPS` steps) and the
stored plan's id as its result.

A trip asked in place of a day records the day as it was asked (its latest plan, its
appointments): the same trip is queued once while it waits or runs
(:func:`waiting_instead_of`), and the run refuses it when that day was planned again or its
appointments changed meanwhile (:class:`Replanned`); « Ma journée » tells about it while it
waits, runs or once it failed (:func:`day_trip_job`).

A trip may search for a minute or two: longer than a web request should last. The request
checks what it can at once (rights, dates, the rep) and queues; the worker plans as the user
who asked, rebuilt from the database when the job runs, so rights lost meanwhile are refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from fieldcrm import trip_job_text
from fieldcrm.auth import policy
from fieldcrm.auth.roles import SYSTEM, Actor, author_id
from fieldcrm.config import Settings, get_settings
from fieldcrm.errors import Conflict, FieldcrmError, Forbidden, InvalidInput, Problem
from fieldcrm.geo import GeoPoint
from fieldcrm.geocoding.chain import GeocoderChain
from fieldcrm.routing.realise import OutOfReach
from fieldcrm.services import appointments, as_booked, geocoding, jobs, plan_dates, planning
from fieldcrm.services.planning_build import HotelPlace, worked_days
from fieldcrm.store import jobs as job_store
from fieldcrm.store import plans as plan_store
from fieldcrm.store import users as user_store
from fieldcrm.store.appointments import AppointmentRecord
from fieldcrm.store.jobs import JobView
from fieldcrm.store.plans import PlanRow
from fieldcrm.trip_job_text import Changed

KIND = "trip_plan"
MAX_HOTEL_NAME = 120
MAX_HOTEL_ADDRESS = 300
MAX_TIME_LIMIT_S = 120.0
"""The longest search a queued trip may ask for (``time_limit_s``)."""
ACTIVE = ("queued", "running")
"""The states of a trip job still to be planned."""


class Replanned(Conflict):
    """The day ``day`` a trip was asked in place of is no longer as it was asked
    (:attr:`why`: planned again since, or its appointments changed, :func:`day_changed`);
    the trip is not planned. Its message is a whole French sentence; :meth:`as_doc` is its
    data, kept with the failed job."""

    def __init__(self, why: Changed, *, day: dt.date) -> None:
        self.why: Changed = why
        self.day = day
        super().__init__(trip_job_text.day_changed(why, day))

    def as_doc(self) -> dict[str, Any]:
        """``{"changed": why, "day": ISO date}``."""
        return {"changed": self.why, "day": self.day.isoformat()}


def failure_message(exc: FieldcrmError) -> str:
    """The French sentence a refused planning run ends its job with: the lead-in of its kind
    and the reason (:func:`fieldcrm.trip_job_text.lead_in`)."""
    return trip_job_text.lead_in(trip_job_text.kind(exc), str(exc))


def failure_details(exc: FieldcrmError) -> dict[str, Any]:
    """The data a refused planning run keeps with its failed job, to word the refusal in
    the reader's language (:func:`fieldcrm.http.error_text.job_error_text`): the kind of
    refusal (``head``, :func:`fieldcrm.trip_job_text.kind`; the lead-in
    :func:`failure_message` writes in French) and the
    planner's own ``message``; for an appointment out of reach, its data (``out_of_reach``)
    and whether a night next to the trip would hold it (``advice``); for a refused input,
    each field refused (``problems``, :func:`fieldcrm.services.jobs.problems_data`)."""
    details: dict[str, Any] = {"head": trip_job_text.kind(exc), "message": str(exc)}
    if isinstance(exc, OutOfReach):
        details |= {"out_of_reach": exc.found[0].as_doc(), "advice": exc.extends is not None}
    if isinstance(exc, InvalidInput):  # each field refused, worded when read
        details["problems"] = jobs.problems_data(exc)
    return details


def trip_label(start_day: dt.date, end_day: dt.date, rep_name: str) -> str:
    """The job's French label: ``Tournée du 21/04 au 24/04 — Sophie Durand``."""
    return f"Tournée du {start_day:%d/%m} au {end_day:%d/%m} — {rep_name}"


def start_trip_planning(
    session: Session,
    *,
    actor: Actor,
    rep_id: int,
    start_day: dt.date,
    end_day: dt.date,
    hotel: GeoPoint | None = None,
    hotel_address: str | None = None,
    hotel_name: str | None = None,
    chain: GeocoderChain | None = None,
    anchor_appointment_id: int | None = None,
    time_limit_s: float | None = None,
    instead_of: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
    settings: Settings | None = None,
) -> int:
    """Queue the planning of a trip (the options of
    :func:`~fieldcrm.services.planning.plan_trip`) for a worker; the job's id.

    The preferred hotel is ``hotel`` (a point), or ``hotel_address`` as the rep types it,
    geocoded now through ``chain`` (:func:`~fieldcrm.services.geocoding.locate_address`);
    ``hotel_name`` names it on the plan. ``instead_of``: the day the trip is planned in
    place of, and why (:mod:`fieldcrm.services.trip_instead`), stored with the plan; the
    day as it is now is kept with the job (its latest plan, its appointments and when they
    were read), the run checks it is still so (:func:`day_changed`).
    ``now``: the planning clock the dates are checked at (:func:`plan_dates.now` if not
    given), the run checks them as of then.

    Refused at once, nothing queued: a rep another user may not plan for, an unknown rep,
    a trip ending before it starts or starting before today, a period with no day worked
    (weekends and public holidays, no appointment booked), a search budget outside
    ``0 < time_limit_s <= 120``, a hotel address not found (or found in another commune), both a point and
    an address, a name longer than :data:`MAX_HOTEL_NAME`.
    """
    policy.require(actor, "plan", owner_id=rep_id)
    if end_day < start_day:
        raise InvalidInput(
            "end_day",
            "the trip ends before it starts",
            value=end_day.isoformat(),
            allowed=f">= {start_day.isoformat()}",
        )
    asked_at = now or plan_dates.now()
    plan_dates.check_not_past(start_day, field="start_day", at=asked_at)
    if time_limit_s is not None and not 0 < time_limit_s <= MAX_TIME_LIMIT_S:
        raise InvalidInput(
            "time_limit_s",
            "out of range",
            value=time_limit_s,
            allowed=f"> 0 and <= {MAX_TIME_LIMIT_S:g}",
        )
    cfg = settings or get_settings()
    period = plan_store.appointments(
        session, rep_id=rep_id, first_day=start_day, last_day=end_day, tz=cfg.scoring_timezone
    )  # a period with no day worked is refused now, as its run would (problem_for)
    worked_days(
        start_day,
        end_day,
        booked=[a.starts_at for a in period],
        weekends=cfg.planner_work_weekends,
        field="start_day",
    )
    place = _hotel_place(session, hotel=hotel, address=hotel_address, name=hotel_name, chain=chain)
    rep = plan_store.get_rep(session, rep_id)
    params: dict[str, Any] = {
        "actor": {"id": actor.id, "role": actor.role.value},
        "rep_id": rep.id,
        "rep_name": rep.full_name,
        "start_day": start_day.isoformat(),
        "end_day": end_day.isoformat(),
        "hotel": [place.point.lon, place.point.lat] if place is not None else None,
        "hotel_place": place.as_doc() if place is not None else None,
        "anchor_appointment_id": anchor_appointment_id,
        "time_limit_s": time_limit_s,
        "asked_at": asked_at.isoformat(),  # the worker checks the dates as of then
    }
    if instead_of is not None:
        params["instead_of"] = instead_of
        read_at = dt.datetime.now(dt.UTC)  # the clock appointments are updated by
        latest, booked = _day_now(
            session,
            actor=actor,
            rep_id=rep.id,
            day=dt.date.fromisoformat(instead_of["day"]),
            settings=settings,
        )
        params["day_as_asked"] = {
            "plan_id": latest.id if latest is not None else None,
            "appointments": [a.id for a in booked],
            "at": read_at.isoformat(),
        }
    job_id = job_store.create_job(
        session,
        kind=KIND,
        label=trip_label(start_day, end_day, rep.full_name),
        user_id=author_id(actor),
        params=params,
    )
    job_store.defer(session, job_store.PLAN_TRIP, {"job_id": job_id})
    session.commit()
    return job_id


def _day_now(
    session: Session, *, actor: Actor, rep_id: int, day: dt.date, settings: Settings | None
) -> tuple[PlanRow | None, list[AppointmentRecord]]:
    """The rep's latest plan covering ``day`` (or None) and the day's live appointments."""
    plans = plan_store.list_plans(session, rep_id=rep_id, day=day, limit=1)
    booked = appointments.agenda(
        session, actor=actor, rep_id=rep_id, first=day, last=day, settings=settings
    )
    return (plans[0] if plans else None), booked


def day_changed(
    session: Session, job: JobView, *, actor: Actor, settings: Settings | None = None
) -> Changed | None:
    """Why the day trip ``job`` was asked in place of (``params.instead_of``) is no longer
    as it was asked, or None (still so, or a trip asked for itself): ``"replanned"``, a plan
    covering it was stored since (its latest plan is not the one of then); ``"appointments"``,
    its appointments changed since (:func:`fieldcrm.services.as_booked.changed_since`).
    A job queued before the day was kept with it: replanned when its latest plan is newer."""
    instead_of = job.params.get("instead_of")
    if not instead_of:
        return None
    rep_id = int(job.params["rep_id"])
    day = dt.date.fromisoformat(instead_of["day"])
    latest, booked = _day_now(session, actor=actor, rep_id=rep_id, day=day, settings=settings)
    asked = job.params.get("day_as_asked")
    if asked is None:
        newer = latest is not None and latest.created_at > job.created_at
        return "replanned" if newer else None
    if (latest.id if latest is not None else None) != asked["plan_id"]:
        return "replanned"
    since = dt.datetime.fromisoformat(asked["at"])
    if as_booked.changed_since(booked, known=asked["appointments"], since=since):
        return "appointments"
    return None


def waiting_instead_of(
    session: Session, *, actor: Actor, rep_id: int, day: dt.date, settings: Settings | None
) -> int | None:
    """The id of the trip job queued or running in place of the rep's ``day`` as it is now
    (:func:`day_changed`), or None: queue it once. The rep's trips asked in place of a day
    wait for each other until the transaction ends (two clicks at once queue one)."""
    job_store.lock(session, "trip_instead", rep_id)
    job = job_store.latest_instead_of(session, kind=KIND, rep_id=rep_id, day=day, statuses=ACTIVE)
    if job is None or day_changed(session, job, actor=actor, settings=settings) is not None:
        return None
    return job.id


def day_trip_job(
    session: Session, *, actor: Actor, rep_id: int, day: dt.date, settings: Settings | None
) -> JobView | None:
    """The trip job « Ma journée » tells about for the rep's ``day``: the latest asked in
    place of it, while it waits or runs or once it failed, the day still as it was asked
    (:func:`day_changed`: not planned again since, its appointments unchanged); else None."""
    policy.require(actor, "plan", owner_id=rep_id)
    job = job_store.latest_instead_of(session, kind=KIND, rep_id=rep_id, day=day)
    if job is None or job.status not in (*ACTIVE, "failed"):
        return None
    return job if day_changed(session, job, actor=actor, settings=settings) is None else None


def _hotel_place(
    session: Session,
    *,
    hotel: GeoPoint | None,
    address: str | None,
    name: str | None,
    chain: GeocoderChain | None,
) -> HotelPlace | None:
    """The preferred hotel of a trip asked for: at ``hotel``, or at ``address`` found by
    ``chain``; ``None`` when neither is given."""
    name = " ".join((name or "").split()) or None
    address = " ".join((address or "").split()) or None
    problems = []
    if name is not None and len(name) > MAX_HOTEL_NAME:
        problems.append(
            Problem(
                "hotel_name", "nom trop long", len(name), f"{MAX_HOTEL_NAME} caractères au plus"
            )
        )
    if address is not None and hotel is not None:
        problems.append(
            Problem("hotel_address", "une adresse ou des coordonnées, pas les deux", address)
        )
    if address is not None and len(address) > MAX_HOTEL_ADDRESS:
        problems.append(
            Problem(
                "hotel_address",
                "adresse trop longue",
                len(address),
                f"{MAX_HOTEL_ADDRESS} caractères au plus",
            )
        )
    InvalidInput.collect(problems)
    if address is not None:
        found = geocoding.locate_address(
            session,
            text=address,
            chain=chain or geocoding.chain_from_settings(),
            field="hotel_address",
        )
        note = f"Hôtel placé {found.approximate}" if found.approximate else None
        rough = {"commune": found.commune, "wanted": found.wanted} if found.approximate else None
        return HotelPlace(found.point, name, found.label, found.precision, note, rough)
    if hotel is not None:
        return HotelPlace(hotel, name)
    if name is not None:
        raise InvalidInput("hotel_address", "obligatoire avec le nom de l’hôtel", value=None)
    return None


def _asked_at(params: dict[str, Any]) -> dt.datetime | None:
    """When the trip was asked (its dates were checked then, the run checks them as of
    then); ``None`` for a job queued before this was recorded (the clock's time)."""
    asked = params.get("asked_at")
    return dt.datetime.fromisoformat(asked) if asked else None


def _actor(session: Session, stored: dict[str, Any]) -> Actor:
    """Who asked for the trip, as they are now (role and team read again); :class:`Forbidden`
    once they are gone or deactivated."""
    if stored["id"] == SYSTEM.id:
        return SYSTEM
    actor = user_store.actor(session, stored["id"])
    if actor is None:
        raise Forbidden(f"user {stored['id']} is no longer active")
    return actor


def run_trip_job(sessions: Callable[[], Session], job_id: int, *, settings: Settings) -> None:
    """Run a queued trip planning (the worker calls this): a step of the progress bar at each
    stage of :func:`~fieldcrm.services.planning.plan_trip`, then ``{"plan_id": …}``.

    The rights are checked again as the job runs. A refused request (rights, inputs, a trip
    that cannot happen, the day it was asked in place of no longer as it was asked,
    :class:`Replanned`) ends the job as failed with its French reason; anything unexpected
    too, and is raised again for the queue to record.
    """
    with sessions() as session:
        job = job_store.job(session, job_id)
        if job is None or job.status != "queued" or job.kind != KIND:
            return
        params = job.params
        job_store.mark_running(session, job_id, total=planning.STEPS, now=dt.datetime.now(dt.UTC))
        session.commit()
    hotel = HotelPlace.from_doc(params.get("hotel_place")) or HotelPlace.of(
        GeoPoint(*params["hotel"]) if params["hotel"] else None
    )  # a job queued before its place was kept: the point alone
    with sessions() as progress_session, sessions() as session:

        def progress(step: int) -> None:
            job_store.set_progress(progress_session, job_id, step)
            progress_session.commit()

        def plan_it() -> dict[str, Any]:
            actor = _actor(session, params["actor"])
            changed = day_changed(session, job, actor=actor, settings=settings)
            if changed is not None:
                raise Replanned(changed, day=dt.date.fromisoformat(params["instead_of"]["day"]))
            plan = planning.plan_trip(
                session,
                actor=actor,
                rep_id=params["rep_id"],
                start_day=dt.date.fromisoformat(params["start_day"]),
                end_day=dt.date.fromisoformat(params["end_day"]),
                hotel=hotel,
                anchor_appointment_id=params["anchor_appointment_id"],
                time_limit_s=params["time_limit_s"],
                settings=settings,
                progress=progress,
                asked_at=_asked_at(params),  # its dates as of then; today planned from now
                instead_of=params.get("instead_of"),
            )
            return {
                "plan_id": plan.id,
                "rep_id": plan.rep_id,
                "start_day": plan.day.isoformat(),
                "end_day": (plan.end_day or plan.day).isoformat(),
            }

        jobs.finish_job(
            session,
            job_id,
            plan_it,
            unexpected="erreur inattendue pendant la planification de la tournée",
            reason=_refusal,
            details=_refusal_data,
        )


def _refusal(exc: FieldcrmError) -> str:
    """The French sentence a trip job ends with: :class:`Replanned`'s own, else
    :func:`failure_message`."""
    return str(exc) if isinstance(exc, Replanned) else failure_message(exc)


def _refusal_data(exc: FieldcrmError) -> dict[str, Any] | None:
    """The data a refused trip job keeps: :meth:`Replanned.as_doc`, else
    :func:`failure_details`."""
    return exc.as_doc() if isinstance(exc, Replanned) else failure_details(exc)
