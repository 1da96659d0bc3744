"""Reps in the field: check in at an account (one timestamped point, never tracking) and report the visit.

Phones may send the same message twice (no signal, retry): the ``client_key`` the phone makes
for each visit keeps it to one activity.

A check-in far from the account (« pointage à distance ») is recorded and flagged; it counts as
a visit (closes the tasks a visit closes, moves the visit due date, the rules' last visit, the
late-visit part of the account's priority, recounted at once, and takes the account out of
the proposals until it is due again) only once its report is written: :mod:`fieldcrm.store.visits` holds that rule.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fieldcrm import calendar_bounds
from fieldcrm.accounts.fields import check_text
from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.errors import InvalidInput, Problem
from fieldcrm.geo import GeoPoint
from fieldcrm.services import accounts, costs, plan_dates, scoring
from fieldcrm.store import jobs as job_store
from fieldcrm.store import tasks as task_store
from fieldcrm.store import visits as store
from fieldcrm.store.visits import VisitRow

KINDS = ("visit", "call", "email", "meeting")
KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def record_visit(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    client_key: str,
    kind: str = "visit",
    at: dt.datetime | None = None,
    point: GeoPoint | None = None,
    outcome: str | None = None,
    report: str | None = None,
    complete_open: bool = False,
) -> tuple[VisitRow, bool]:
    """Record (or complete) a visit; ``(visit, created)``. Reps write for their own or unassigned accounts.

    ``complete_open`` (the pages' report form): a report sent with a key never seen, without
    a check-in point, completes the rep's latest visit of that account that day still without
    a report (:func:`_open_visit_key`) instead of making a second visit: the check-in's key
    kept by the phone may be lost (storage cleared, another browser, the page reopened).
    That form sends a report: an empty one (blank) is refused naming ``report``, nothing written.
    """
    problems = []
    if not KEY.match(client_key):
        problems.append(Problem("client_key", "8 to 64 letters, digits, - or _", client_key))
    if kind not in KINDS:
        problems.append(Problem("kind", "unknown activity kind", kind, ", ".join(KINDS)))
    if at is not None and at.tzinfo is None:
        problems.append(Problem("at", "a time zone is required", at.isoformat()))
    if (
        at is not None
        and at.tzinfo is not None
        and at > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
    ):
        problems.append(Problem("at", "in the future", at.isoformat()))
    if complete_open and not (report and report.strip()):
        problems.append(Problem("report", "must not be empty"))
    for name, value, limit in (("outcome", outcome, 100), ("report", report, 20_000)):
        if value is not None:  # NUL, lone surrogates, length: refused before writing
            try:
                check_text(value, field=name, limit=limit)
            except InvalidInput as exc:
                problems.extend(exc.problems)
    if at is not None and not calendar_bounds.FIRST <= at.date() <= calendar_bounds.LAST:
        # checked before anything is written (a year-1 visit was once stored, then refused)
        problems.append(
            Problem(
                "at",
                "date hors de la plage acceptée",
                at.isoformat(),
                f"{calendar_bounds.FIRST.isoformat()} … {calendar_bounds.LAST.isoformat()}",
            )
        )
    InvalidInput.collect(problems)
    target = accounts.access(session, actor=actor, account_id=account_id)
    policy.require(actor, "activity.write", **target)
    owner = target["owner_id"]
    rep_id = actor.id if actor.role is Role.REP or owner is None else owner
    occurred_at = at or dt.datetime.now(dt.UTC)
    if complete_open and kind == "visit" and point is None and report and report.strip():
        client_key = _open_visit_key(
            session,
            client_key,
            rep_id=rep_id,
            account_id=account_id,
            at=occurred_at,
            report=report.strip(),
        )
    counted_before = store.counts_by_key(session, client_key) if kind == "visit" else None
    activity_id, created = store.record(
        session,
        client_key=client_key,
        account_id=account_id,
        rep_id=rep_id,
        kind=kind,
        occurred_at=occurred_at,
        lon=point.lon if point else None,
        lat=point.lat if point else None,
        outcome=outcome,
        report=report.strip() if report else None,
    )
    visit = store.get_visit(session, activity_id)
    if kind == "visit":  # its trip, the tasks it completes, the facts the rules read
        # the visit's own day: a late report (sent now) changes the trip of its check-in
        costs.trips_changed(session, rep_id, costs.local_day(visit.occurred_at))
        # once, when the visit starts to count: a re-send closes nothing new; a far
        # check-in closes nothing until its report is written
        if visit.counts and not counted_before:
            task_store.close_by_visit(
                session,
                account_id=account_id,
                activity_id=activity_id,
                user_id=rep_id,
                at=visit.occurred_at,
                # counting later than it was made (its report now): the tasks raised since
                created_by=None if created else max(visit.occurred_at, dt.datetime.now(dt.UTC)),
            )
            # its priority's « Visite en retard de N jours » part, now, not at night
            scoring.visits_changed(
                session,
                [account_id],
                today=plan_dates.today(),
            )
        job_store.defer_rules(session)
    session.commit()
    return visit, created


def _open_visit_key(
    session: Session, client_key: str, *, rep_id: int, account_id: int, at: dt.datetime, report: str
) -> str:
    """The key a report should be recorded under (the one home of this rule): ``client_key``
    if already sent (a resend), else the key of the rep's latest visit at the account on the
    day of ``at`` (where trips are counted) that has no report yet, or already this very
    report (the first answer was lost and the phone sends it again); else ``client_key``
    (no check-in that day: the report is a new visit)."""
    if store.counts_by_key(session, client_key) is not None:
        return client_key
    zone = plan_dates.company_zone()
    day = at.astimezone(zone).date()
    first = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    last = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    found = store.open_visit_key(
        session, rep_id=rep_id, account_id=account_id, first=first, last=last, report=report
    )
    return found or client_key


def day_visits(
    session: Session, *, actor: Actor, rep_id: int, day: dt.date, tz: str
) -> dict[int, VisitRow]:
    """The latest visit of ``rep_id`` at each account on ``day`` (in ``tz``), with its
    check-in's distance and whether it counts; whoever may plan that rep's day may read it."""
    policy.require(actor, "plan", owner_id=rep_id)
    zone = ZoneInfo(tz)
    first = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    last = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return store.day_visits(session, rep_id=rep_id, first=first, last=last)
