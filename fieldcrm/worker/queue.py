"""The job queue (procrastinate on the app's PostgreSQL) and the tasks a worker runs.

Any number of ``fieldcrm worker`` processes, on any machines reaching the database, share the
queue: each job runs on one of them, and the periodic tick is deferred once per minute in all.
Tasks are thin: they call the services with a session factory and the settings.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import procrastinate
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from fieldcrm.config import Settings
from fieldcrm.logs import job_context
from fieldcrm.services import (
    assignment,
    background,
    costs,
    exports,
    geocoding_jobs,
    imports,
    plan_dates,
    planning_jobs,
    rules,
)
from fieldcrm.services.warmup import warm_up_in_background
from fieldcrm.store import jobs as job_store
from fieldcrm.store.db import make_engine, make_sessionmaker
from fieldcrm.store.embedded import database_url

log = logging.getLogger(__name__)


def conninfo(sqlalchemy_url: str) -> str:
    """The libpq URL of a SQLAlchemy one (``postgresql+psycopg://…`` → ``postgresql://…``).

    >>> conninfo("postgresql+psycopg://u:p@localhost:5432/fieldcrm")
    'postgresql://u:p@localhost:5432/fieldcrm'
    """
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def make_queue(
    settings: Settings, *, sessions: sessionmaker[Session] | None = None
) -> procrastinate.App:
    """The procrastinate app with every fieldcrm task, on the settings' database."""
    url = database_url(settings)
    factory = sessions or make_sessionmaker(make_engine(url))
    queue = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(url)))

    @queue.task(name=job_store.IMPORT_FILE, queue=job_store.QUEUE)
    def import_file(job_id: int) -> None:
        imports.run_import_job(factory, job_id)

    @queue.task(name=job_store.GEOCODE_ACCOUNTS, queue=job_store.QUEUE)
    def geocode_accounts(job_id: int) -> None:
        geocoding_jobs.run_geocoding_job(factory, job_id, settings=settings)

    @queue.task(name=job_store.PLAN_TRIP, queue=job_store.QUEUE)
    def plan_trip(job_id: int) -> None:
        planning_jobs.run_trip_job(factory, job_id, settings=settings)

    @queue.task(name=job_store.EXPORT_FILE, queue=job_store.QUEUE)
    def export_file(job_id: int) -> None:
        exports.run_export_job(factory, job_id, settings=settings)

    @queue.task(name=job_store.RULES_DRY_RUN, queue=job_store.QUEUE)
    def rules_dry_run(job_id: int) -> None:
        rules.run_dry_run_job(factory, job_id, settings=settings)

    @queue.task(name=job_store.ASSIGN_ALL, queue=job_store.QUEUE)
    def assign_all(job_id: int) -> None:
        assignment.run_assign_job(factory, job_id)

    @queue.task(name=job_store.EVALUATE_RULES, queue=job_store.QUEUE)
    def evaluate_rules() -> None:
        today = dt.datetime.now(plan_dates.company_zone(settings)).date()
        log.info("rules: %s", background.evaluate_rules(factory, settings, today=today))

    @queue.task(name=job_store.DERIVE_TRIPS, queue=job_store.QUEUE)
    def derive_trips(rep_id: int, year: int) -> None:
        with factory() as session:
            written = costs.derive_trips(session, settings=settings, year=year, rep_ids=[rep_id])
        log.info("trips of rep %s in %s: %s", rep_id, year, written)

    @queue.task(name=job_store.SEND_NOTIFICATIONS, queue=job_store.QUEUE)
    def send_notifications() -> None:
        log.info("notifications: %s", background.send_notifications(factory, settings))

    @queue.periodic(cron=settings.worker_tick_cron)
    @queue.task(name="fieldcrm.tick", queue=job_store.QUEUE, queueing_lock="fieldcrm.tick")
    def tick(timestamp: int) -> None:
        ran: dict[str, Any] = background.every_minute(factory, settings)
        log.info("tick %s: %s", timestamp, ran)

    return queue


def with_job_id(call_next: Callable[[], Any], context: Any, worker: Any) -> Any:
    """Task middleware: the task's log lines carry its queue job id (``job_id``)."""
    with job_context(context.job.id):
        return call_next()


def run_worker(
    settings: Settings, *, wait: bool = True, sessions: sessionmaker[Session] | None = None
) -> None:
    """Run a worker until stopped (SIGINT/SIGTERM finish the running jobs first).

    ``wait=False`` returns once the queue is empty (tests, one-off catch-up).
    """
    queue = make_queue(settings, sessions=sessions)
    if wait:  # a long-running worker plans and geocodes: load their data before the first job
        warm_up_in_background(settings)
    queue.run_worker(
        queues=[job_store.QUEUE],
        concurrency=settings.worker_concurrency,
        wait=wait,
        install_signal_handlers=wait,
        name=background.worker_name(),
        task_middleware=[with_job_id],
    )
