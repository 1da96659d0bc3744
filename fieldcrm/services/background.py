"""The work nobody asks for: rules at night, notifications every minute, geocoding backlog,
trip derivation, the RGPD retention list, expired export files, jobs a vanished worker left
— and rules again as soon as sales change.

Long scheduled work (the rules, the trips) is queued as the same jobs the events queue, under
the same locks. A worker calls :func:`every_minute` once a minute (procrastinate defers that tick once per
minute across all workers). Each scheduled job runs at most once per period of the company's
time zone — a local day, a local ISO week or a quarter of an hour — whichever worker gets
there first (:func:`fieldcrm.store.jobs.claim_period`): a worker that was down at 02:00
catches up at its first tick, the doubled hour of the October change runs nothing twice and
the missing hour of March skips nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from fieldcrm.auth.roles import SYSTEM
from fieldcrm.config import Settings
from fieldcrm.services import (
    costs,
    exports,
    gdpr,
    geocoding,
    jobs,
    notifications,
    plan_dates,
    scoring,
)
from fieldcrm.store import jobs as store

log = logging.getLogger(__name__)
Sessions = Callable[[], Session]
Period = Literal["day", "week", "quarter_hour"]


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A job run once per ``every``, from local time ``at`` (days and weeks) onwards."""

    name: str
    every: Period
    at: dt.time = dt.time(0)


def period_key(entry: Scheduled, local_now: dt.datetime) -> str | None:
    """The period ``local_now`` falls in for ``entry``, or None while it is not yet due.

    A day is due from ``at`` local time, a week from Monday ``at``.

    >>> rules = Scheduled("rules", "day", dt.time(2))
    >>> period_key(rules, dt.datetime(2026, 10, 25, 1, 59)), period_key(rules, dt.datetime(2026, 10, 25, 2, 0))
    (None, '2026-10-25')
    >>> period_key(Scheduled("geocoding", "quarter_hour"), dt.datetime(2026, 3, 29, 3, 44))
    '2026-03-29T03:30'
    """
    if entry.every == "quarter_hour":
        return f"{local_now:%Y-%m-%dT%H}:{local_now.minute // 15 * 15:02d}"
    if entry.every == "week":
        if (local_now.weekday(), local_now.time()) < (0, entry.at):
            return None
        year, week, _ = local_now.isocalendar()
        return f"{year}-W{week:02d}"
    if local_now.time() < entry.at:
        return None
    return local_now.date().isoformat()


def schedule(settings: Settings) -> list[Scheduled]:
    """The scheduled jobs and their local times, from the settings."""
    return [
        Scheduled("rules", "day", settings.schedule_rules_at),
        Scheduled("trips", "day", settings.schedule_trips_at),
        Scheduled("retention", "week", settings.schedule_retention_at),
        Scheduled("geocoding", "quarter_hour"),
        Scheduled("exports", "quarter_hour"),
    ]


def worker_name() -> str:
    """``host:pid`` of this process, written with what it ran."""
    return f"{socket.gethostname()}:{os.getpid()}"


_RUN_BY = re.compile(r"\s*\(([^\s():]+):(\d+)\)\Z")
"""The `` (host:pid)`` of :func:`worker_name` that :func:`run_due` puts after an outcome."""


def outcome_parts(outcome: str) -> tuple[str, str | None, int | None]:
    """A scheduled run's stored outcome split into its text, and the host and process id of
    the worker that ran it (``None`` when the outcome does not name one)."""
    found = _RUN_BY.search(outcome)
    if found is None:
        return outcome, None, None
    return outcome[: found.start()], found.group(1), int(found.group(2))


# ------------------------------------------------------------------ the jobs
def run_outcome(what: str, **counts: int) -> str:
    """A scheduled run's result as stored: what it did and its counts, worded in the reader's
    language when shown (:func:`fieldcrm.http.outcome_text.scheduled_outcome`).

    >>> run_outcome("exports_purged", files=2)
    '{"files": 2, "what": "exports_purged"}'
    """
    return json.dumps({"what": what, **counts}, sort_keys=True)


def evaluate_rules(sessions: Sessions, settings: Settings, *, today: dt.date) -> str:
    """Run the rules for ``today`` and send the alerts they raise at once."""
    with sessions() as session:
        report = scoring.run_rules(session, as_of=today, dry_run=False, settings=settings)
    sent = send_notifications(sessions, settings)
    return (
        f"{report.firings} déclenchement(s), {report.new_alerts} nouvelle(s) alerte(s), "
        f"{report.notifications} notification(s) ; {sent}"
    )


def send_notifications(sessions: Sessions, settings: Settings) -> str:
    """Deliver every due notification."""
    with sessions() as session:
        report = notifications.deliver_pending(session, settings=settings)
    return f"envoyées {report.sent}, à réessayer {report.retry}, en échec {report.failed}"


def queue_rules(sessions: Sessions, settings: Settings, *, today: dt.date) -> str:
    """The nightly rules, as the queued job every other evaluation is (never two at once)."""
    with sessions() as session:
        store.defer_rules(session, at_once=True)
        session.commit()
    return run_outcome("rules_queued")


def queue_trips(sessions: Sessions, settings: Settings, *, today: dt.date) -> str:
    """Every rep's trips of this year (and of last year in January) derived again, nightly,
    and those of any other year whose visits changed since (:func:`costs.stale_years`: a
    late report, a pin moved…) — the catch-all behind the derivations queued when visits
    and plans change; one queued job per rep and year, never at the same time as another of
    that rep."""
    years = [today.year - 1, today.year] if today.month == 1 else [today.year]
    with sessions() as session:
        reps = costs.visible_reps(session, SYSTEM)
        due = {(rep.profile.rep_id, year) for rep in reps for year in years}
        past = set(costs.stale_years(session, settings=settings)) - due
        for rep_id, year in sorted(due | past):
            costs.trips_changed(session, rep_id, dt.date(year, 1, 1))
        session.commit()
    return run_outcome("trips_queued", reps=len(reps), past_years=len(past))


def retention_list(sessions: Sessions, settings: Settings, *, today: dt.date) -> str:
    """Count the prospects kept past the RGPD retention period (listed on the RGPD screen)."""
    with sessions() as session:
        stale = gdpr.stale_prospects(
            session, actor=SYSTEM, retention_days=settings.prospect_retention_days, today=today
        )
    return run_outcome("retention", prospects=len(stale))


def expired_files(sessions: Sessions, settings: Settings, *, today: dt.date) -> str:
    """Delete the exports' files past their time (``export_keep_hours``)."""
    with sessions() as session:
        gone = exports.purge_expired(session)
    return run_outcome("exports_purged", files=gone)


def geocode_backlog(sessions: Sessions, settings: Settings, *, today: dt.date) -> str:
    """Geocode a few batches of the accounts waiting for a location."""
    with sessions() as session:
        if not geocoding.count_todo(session):
            return run_outcome("geocoded", batches=0)
        summary = geocoding.geocode_accounts(
            session,
            actor=SYSTEM,
            chain=geocoding.chain_from_settings(settings),
            max_batches=settings.geocode_backlog_batches,
        )
    return run_outcome("geocoded", batches=summary.batches)


RUNNERS: dict[str, Callable[..., str]] = {
    "rules": queue_rules,
    "trips": queue_trips,
    "retention": retention_list,
    "geocoding": geocode_backlog,
    "exports": expired_files,
}


def run_due(
    sessions: Sessions, settings: Settings, *, now: dt.datetime | None = None
) -> dict[str, str]:
    """Run every scheduled job due now and not yet run in its period; ``{name: outcome}``."""
    local_now = (now or dt.datetime.now(dt.UTC)).astimezone(plan_dates.company_zone(settings))
    ran: dict[str, str] = {}
    for entry in schedule(settings):
        key = period_key(entry, local_now.replace(tzinfo=None))
        if key is None:
            continue
        with sessions() as session:
            claimed = store.claim_period(session, entry.name, key)
            session.commit()
        if not claimed:
            continue
        try:
            outcome = RUNNERS[entry.name](sessions, settings, today=local_now.date())
        except Exception as exc:  # given back: the next tick tries this period again
            log.exception("scheduled job %s (%s) failed", entry.name, key)
            with sessions() as session:
                store.release_period(session, entry.name, key)
                session.commit()
            ran[entry.name] = f"échec : {type(exc).__name__}: {exc}"
            continue
        ran[entry.name] = outcome
        with sessions() as session:
            store.close_period(
                session,
                entry.name,
                key,
                outcome=f"{outcome} ({worker_name()})",
                now=dt.datetime.now(dt.UTC),
            )
            session.commit()
    return ran


def recover_stalled(sessions: Sessions, settings: Settings) -> str:
    """Run again the jobs of workers that vanished mid-job (see :func:`jobs.recover_stalled`)."""
    try:
        with sessions() as session:
            report = jobs.recover_stalled(session, stale_after_s=settings.worker_stalled_after_s)
    except Exception as exc:  # the tick goes on (notifications); the next one tries again
        log.exception("stalled jobs: recovery failed")
        return f"échec : {type(exc).__name__}"
    if report.retried or report.failed:
        log.warning("stalled jobs: retried %s, failed %s", report.retried, report.failed)
    return f"relancées {len(report.retried)}, abandonnées {len(report.failed)}"


def every_minute(
    sessions: Sessions, settings: Settings, *, now: dt.datetime | None = None
) -> dict[str, str]:
    """The worker's tick: run again the jobs a vanished worker left, deliver due
    notifications, then run the scheduled jobs that are due."""
    return {
        "stalled": recover_stalled(sessions, settings),
        "notifications": send_notifications(sessions, settings),
    } | run_due(sessions, settings, now=now)
