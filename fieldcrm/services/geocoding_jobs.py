"""A geocoding run as a job: queued from the "Géocodage" screen or the API, run by a worker
with its progress (accounts done out of the total) and the run's summary as its result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, author_id
from fieldcrm.config import Settings
from fieldcrm.errors import FieldcrmError, Forbidden, InvalidInput
from fieldcrm.services import jobs
from fieldcrm.services.geocoding import SYSTEM, chain_from_settings, count_todo, geocode_accounts
from fieldcrm.store import jobs as job_store

KIND = "geocoding"
SCREEN_ACCOUNTS = 200
"""Accounts one run started from the screen takes ("Géocoder un lot de 200")."""
SCREEN_BATCH = 25
"""Its batch size: one claim, one write and one step of the progress bar per batch."""


def _planned(session: Session, params: dict[str, Any]) -> int:
    """How many accounts a run with ``params`` will take, as things stand."""
    selection = params["account_ids"]
    todo = len(selection) if selection else count_todo(session, retry_failed=params["retry_failed"])
    if params["max_batches"] is not None:
        todo = min(todo, params["batch_size"] * params["max_batches"])
    return todo


def start_geocoding(
    session: Session,
    *,
    actor: Actor,
    offline: bool = False,
    account_ids: Sequence[int] = (),
    retry_failed: bool = False,
    refresh: bool = False,
    batch_size: int = SCREEN_BATCH,
    max_batches: int | None = SCREEN_ACCOUNTS // SCREEN_BATCH,
) -> int:
    """Queue a geocoding run for a worker (the options of
    :func:`~fieldcrm.services.geocoding.geocode_accounts`); the job's id."""
    policy.require(actor, "geocode.run")
    if batch_size < 1:
        raise InvalidInput("batch_size", "must be at least 1", value=batch_size)
    if max_batches is not None and max_batches < 1:
        raise InvalidInput("max_batches", "must be at least 1", value=max_batches)
    params: dict[str, Any] = {
        "offline": offline,
        "account_ids": sorted(set(account_ids)),
        "retry_failed": retry_failed,
        "refresh": refresh,
        "batch_size": batch_size,
        "max_batches": max_batches,
    }
    total = _planned(session, params)
    job_id = job_store.create_job(
        session,
        kind=KIND,
        label=f"Géocodage de {total} compte{'s' if total > 1 else ''}",
        user_id=author_id(actor),
        params={**params, "total": total},
    )
    job_store.defer(session, job_store.GEOCODE_ACCOUNTS, {"job_id": job_id})
    session.commit()
    return job_id


def may_still_geocode(session: Session, user_id: int | None) -> None:
    """The starter of a run, as they are now, may still geocode (a run queued by no user —
    the command line, the schedule — may); :class:`Forbidden` in French once they are
    deactivated or their role no longer geocodes."""
    if user_id is None:
        return
    actor = jobs.starter(session, {"id": user_id})
    if not policy.can(actor, "geocode.run"):
        raise Forbidden("votre rôle ne permet plus de lancer un géocodage")


def geocoding_failure(exc: FieldcrmError) -> str:
    """The French sentence a refused run ends its job with."""
    if isinstance(exc, Forbidden):
        return f"Vous ne pouvez plus lancer ce géocodage : {exc}"
    return str(exc)


def run_geocoding_job(sessions: Callable[[], Session], job_id: int, *, settings: Settings) -> None:
    """Run a queued geocoding job (the worker calls this): progress after each batch, then
    the summary (processed, matched, to review, failed…) as its result.

    Each batch commits on its own, so an interrupted job keeps the batches it wrote; the
    progress is written through a second session. The starter's rights are checked again
    before the first batch. A refused run ends the job as failed with its French reason;
    anything unexpected too, and is raised again for the queue to record.
    """
    with sessions() as session:
        job = job_store.job(session, job_id)
        if job is None or job.status != "queued" or job.kind != KIND:
            return
        params = job.params
        job_store.mark_running(
            session, job_id, total=_planned(session, params), now=dt.datetime.now(dt.UTC)
        )
        session.commit()
    chain = chain_from_settings(settings, offline=params["offline"])
    with sessions() as progress_session, sessions() as session:
        done = [0]

        def progress(accounts: int) -> None:
            done[0] += accounts
            job_store.set_progress(progress_session, job_id, done[0])
            progress_session.commit()

        def geocode_them() -> dict[str, Any]:
            may_still_geocode(session, job.user_id)
            return geocode_accounts(
                session,
                actor=SYSTEM,  # the starter's rights were checked just above
                chain=chain,
                batch_size=params["batch_size"],
                account_ids=params["account_ids"] or None,
                retry_failed=params["retry_failed"],
                refresh=params["refresh"],
                max_batches=params["max_batches"],
                progress=progress,
            ).as_dict(down=chain.down)

        jobs.finish_job(
            session,
            job_id,
            geocode_them,
            unexpected="erreur inattendue pendant le géocodage",
            reason=geocoding_failure,
        )
