"""Exports as jobs: the accounts (CSV/XLSX) and the travel-cost report (CSV/XLSX/PDF).

A page asks for an export and answers at once with the job's progress page; a worker (on
any machine) writes the file and keeps it in the database (:mod:`fieldcrm.store.jobs`,
in chunks) until ``export_keep_hours`` have passed; then the periodic tick deletes it. Only
the job's starter (or an admin) may download it. The rights are checked when the job is
queued and again, as the starter is then, when it runs. Text cells are written as text,
never as formulas (:mod:`fieldcrm.cells`, applied by the writers).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from fieldcrm.accounts.export import write_accounts
from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, Role, author_id
from fieldcrm.config import Settings
from fieldcrm.costs.report import period_bounds
from fieldcrm.errors import FieldcrmError, Forbidden, InvalidInput, NotFound
from fieldcrm.services import costs, jobs
from fieldcrm.store import account_import as account_store
from fieldcrm.store import jobs as job_store
from fieldcrm.store.jobs import JobFileView, JobView

KIND = "export"
CHUNK_BYTES = 1 << 20
"""The file is stored (and sent) in pieces of this size."""
PROGRESS_EVERY_S = 0.3
ACCOUNT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
WHAT = {"accounts": "comptes", "costs": "frais de déplacement"}
FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel", "pdf": "PDF"}
PURGE_GRACE = dt.timedelta(hours=1)
"""A file is deleted this long after it stopped being offered (a download under way ends)."""


def account_scope(actor: Actor) -> account_store.ExportScope:
    """Which accounts ``actor`` may export (the one scope rule, :func:`policy.scope_owner_ids`):
    a rep their own; with the ``export`` right, a manager their team's and nobody's, admins
    and dispatchers every account."""
    owners = policy.scope_owner_ids(actor)
    if actor.role is not Role.REP:
        policy.require(actor, "export")
    if owners is None:
        return account_store.EVERY_ACCOUNT
    return account_store.ExportScope(
        owner_ids=tuple(sorted(owners)), unassigned=policy.in_scope(actor, None)
    )


def _check_format(fmt: str, allowed: Iterable[str]) -> None:
    allowed = list(allowed)
    if fmt not in allowed:
        raise InvalidInput(
            "format", "format d’export inconnu", value=fmt, allowed=", ".join(allowed)
        )


def _queue(session: Session, *, actor: Actor, what: str, fmt: str, params: dict[str, Any]) -> int:
    job_id = job_store.create_job(
        session,
        kind=KIND,
        label=f"Export des {WHAT[what]} ({FORMAT_NAMES[fmt]})",
        user_id=author_id(actor),
        params={"what": what, "format": fmt, "actor": jobs.actor_params(actor)} | params,
    )
    job_store.defer(session, job_store.EXPORT_FILE, {"job_id": job_id})
    session.commit()
    return job_id


def start_accounts_export(session: Session, *, actor: Actor, fmt: str) -> int:
    """Queue the export of the accounts ``actor`` may export (reps: their own); the job's id."""
    _check_format(fmt, ACCOUNT_FORMATS)
    account_scope(actor)
    return _queue(session, actor=actor, what="accounts", fmt=fmt, params={})


def start_costs_export(
    session: Session,
    *,
    actor: Actor,
    fmt: str,
    lang: str = "fr",
    month: str | None = None,
    week: str | None = None,
    year: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    rep_id: int | None = None,
    group_by: str = "rep",
) -> int:
    """Queue the export of a travel-cost report (the options of
    :func:`~fieldcrm.services.costs.period_report`); the job's id. A period or a rep
    ``actor`` may not read is refused at once, nothing queued."""
    _check_format(fmt, costs.EXPORT_FORMATS)
    if lang not in ("fr", "en"):
        raise InvalidInput("lang", "langue inconnue", value=lang, allowed="fr, en")
    first, last = period_bounds(month=month, week=week, year=year, start=start, end=end)
    costs.visible_reps(session, actor, rep_id)
    period = {
        "start": first.isoformat(),
        "end": last.isoformat(),
        "rep_id": rep_id,
        "group_by": group_by,
    }
    return _queue(
        session, actor=actor, what="costs", fmt=fmt, params={"lang": lang, "period": period}
    )


# ------------------------------------------------------------------ the worker's side
Progress = Callable[[int, int | None], None]


def _counted(rows: Iterable[dict[str, Any]], progress: Progress) -> Iterator[dict[str, Any]]:
    shown = time.monotonic()
    for n, row in enumerate(rows, start=1):
        yield row
        if time.monotonic() - shown >= PROGRESS_EVERY_S:
            shown = time.monotonic()
            progress(n, None)


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


def _accounts_file(
    session: Session, actor: Actor, fmt: str, folder: Path, progress: Progress
) -> tuple[Path, str, int]:
    scope = account_scope(actor)
    total = account_store.count_accounts_for_export(session, scope=scope)
    progress(0, total)
    path = folder / f"comptes.{fmt}"
    rows = account_store.iter_accounts_for_export(session, scope=scope)
    written = write_accounts(_counted(rows, progress), path, columns=account_store.EXPORT_COLUMNS)
    return path, ACCOUNT_FORMATS[fmt], written


def _period_days(period: dict[str, Any]) -> tuple[dt.date, dt.date]:
    """The first and last day a queued cost export covers. A job queued by an older version
    holds the period as asked (month, week, year or dates): it is resolved the same way."""
    if "month" in period:
        return period_bounds(
            month=period["month"],
            week=period["week"],
            year=period["year"],
            start=dt.date.fromisoformat(period["start"]) if period["start"] else None,
            end=dt.date.fromisoformat(period["end"]) if period["end"] else None,
        )
    return dt.date.fromisoformat(period["start"]), dt.date.fromisoformat(period["end"])


def _costs_file(
    session: Session,
    actor: Actor,
    params: dict[str, Any],
    folder: Path,
    progress: Progress,
    settings: Settings,
) -> tuple[Path, str, int]:
    progress(0, 2)
    period = params["period"]
    first, last = _period_days(period)
    report = costs.travel_report(
        session,
        actor=actor,
        settings=settings,
        start=first,
        end=last,
        rep_id=period["rep_id"],
        group_by=period["group_by"],
    )
    progress(1, None)
    content, media, name = costs.export_report(report, params["format"], lang=params["lang"])
    path = folder / name
    path.write_bytes(content)
    return path, media, len(report.rows)


def failure_message(exc: FieldcrmError) -> str:
    """The French sentence a refused export ends its job with."""
    if isinstance(exc, Forbidden):
        return f"Vous ne pouvez plus faire cet export : {exc}"
    return f"Export impossible : {exc}"


def run_export_job(sessions: Callable[[], Session], job_id: int, *, settings: Settings) -> None:
    """Run a queued export (the worker calls this): rows written out of the total, then the
    file kept for download and ``{"file": {name, media_type, size}, "rows": n}``.

    The file and the job's end are written in one transaction: a run cut short leaves no
    file, and runs again from the start. The rights are those of the starter as they are now.
    """
    with sessions() as session:
        job = job_store.job(session, job_id)
        if job is None or job.status != "queued" or job.kind != KIND:
            return
        params = job.params
        job_store.mark_running(session, job_id, total=None, now=dt.datetime.now(dt.UTC))
        session.commit()
    with sessions() as progress_session, sessions() as session:

        def progress(done: int, total: int | None) -> None:
            job_store.set_progress(progress_session, job_id, done, total)
            progress_session.commit()

        def export_it() -> dict[str, Any]:
            actor = jobs.starter(session, params["actor"])
            with tempfile.TemporaryDirectory() as folder:
                if params["what"] == "accounts":
                    path, media, rows = _accounts_file(
                        session, actor, params["format"], Path(folder), progress
                    )
                else:
                    path, media, rows = _costs_file(
                        session, actor, params, Path(folder), progress, settings
                    )
                expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=settings.export_keep_hours)
                size = job_store.save_file(
                    session,
                    job_id,
                    name=path.name,
                    media_type=media,
                    chunks=_file_chunks(path),
                    expires_at=expires,
                )
            return {
                "file": {"name": path.name, "media_type": media, "size": size},
                "rows": rows,
                "expires_at": expires.isoformat(),
            }

        jobs.finish_job(
            session,
            job_id,
            export_it,
            unexpected="erreur inattendue pendant l’export",
            reason=failure_message,
        )


def purge_expired(session: Session, *, now: dt.datetime | None = None) -> int:
    """Delete the files expired more than :data:`PURGE_GRACE` ago; how many. One commit."""
    gone = job_store.purge_files(
        session, expired_before=(now or dt.datetime.now(dt.UTC)) - PURGE_GRACE
    )
    session.commit()
    return gone


# ------------------------------------------------------------------ the download
def export_file(session: Session, job_id: int, *, actor: Actor) -> JobFileView:
    """The file of an export ``actor`` started (or any, for an admin); :class:`NotFound`
    for anyone else, before the job is done and once the file expired."""
    jobs.job_view(session, job_id, actor=actor)
    found = job_store.job_file(session, job_id, now=dt.datetime.now(dt.UTC))
    if found is None:
        raise NotFound("fichier d’export", job_id)
    return found


def current_file(session: Session, job: JobView) -> JobFileView | None:
    """The file of an export job the caller may already see (None: not yet, or expired)."""
    return job_store.job_file(session, job.id, now=dt.datetime.now(dt.UTC))


def download_headers(found: JobFileView) -> dict[str, str]:
    """The headers of the file's download (an attachment named as the file)."""
    return {
        "Content-Disposition": f'attachment; filename="{found.name}"',
        "Content-Length": str(found.size),
    }


def file_bytes(sessions: Callable[[], Session], found: JobFileView) -> Iterator[bytes]:
    """The file's bytes, a chunk at a time (its own session: it outlives the request's)."""
    with sessions() as session:  # a purge waits PURGE_GRACE after expiry: never mid-download
        for seq in range(found.chunks):
            chunk = job_store.file_chunk(session, found.job_id, seq)
            if chunk is not None:
                yield chunk
