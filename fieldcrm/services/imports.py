"""Import accounts and monthly sales from CSV/XLSX files: every good row in, every bad row
reported with its line and column, in one transaction (nothing half-written)."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.accounts.export import write_accounts
from fieldcrm.accounts.french_csv import iter_rows
from fieldcrm.accounts.parse import parse_accounts, parse_sales
from fieldcrm.accounts.records import (
    ACCOUNT_FIELDS,
    SALE_FIELDS,
    AccountRecord,
    ImportReport,
    Rejected,
    SaleRecord,
)
from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, author_id
from fieldcrm.errors import FieldcrmError, Forbidden, InvalidInput
from fieldcrm.services import exports, geocoding, jobs, plan_dates
from fieldcrm.store import account_import as store
from fieldcrm.store import jobs as job_store

T = TypeVar("T", AccountRecord, SaleRecord)
Progress = Callable[[int], None]


def _split(
    items: Iterator[T | Rejected], rejected: list[Rejected], progress: Progress | None
) -> Iterator[T]:
    lines_seen = -1
    for item in items:
        if isinstance(item, Rejected):
            rejected.append(item)
        else:
            yield item
        if progress is not None and item.line != lines_seen:
            lines_seen = item.line
            progress(item.line)


def _record_run(session: Session, report: ImportReport, path: Path, actor_id: int | None) -> None:
    import json

    session.execute(
        text("""INSERT INTO import_runs (kind, filename, actor_id, inserted, updated, unchanged,
                                          rejected)
                VALUES (:kind, :file, :actor, :ins, :upd, :unch, CAST(:rej AS jsonb))"""),
        {
            "kind": report.kind,
            "file": path.name,
            "actor": actor_id,
            "ins": report.inserted,
            "upd": report.updated,
            "unch": report.unchanged,
            "rej": json.dumps(
                [
                    {
                        "line": r.line,
                        "field": r.field,
                        "reason": r.reason,
                        "value": None if r.value is None else str(r.value),
                        "code": r.code,
                        "params": r.params,
                    }
                    for r in report.rejected
                ]
            ),
        },
    )


def _finish(
    session: Session,
    report: ImportReport,
    counts: store.MergeCounts,
    path: Path,
    actor_id: int | None,
    on_success: Callable[[Session, ImportReport], None] | None = None,
) -> ImportReport:
    report.inserted, report.updated, report.unchanged = (
        counts.inserted,
        counts.updated,
        counts.unchanged,
    )
    report.rejected.sort(key=lambda r: r.line)
    _record_run(session, report, path, actor_id)
    if on_success is not None:  # e.g. the job marked done: in the import's own transaction
        on_success(session, report)
    session.commit()
    return report


def import_accounts(
    session: Session,
    path: Path,
    *,
    actor_id: int | None = None,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    on_success: Callable[[Session, ImportReport], None] | None = None,
) -> ImportReport:
    """Import (upsert) accounts from ``path``; one transaction, every rejected row reported.

    Good rows are imported even when others are rejected (by their checks, by the database,
    or for a SIRET another account holds); if anything fails midway the whole import is
    rolled back, so nothing is half-written.
    """
    report = ImportReport(kind="accounts")
    rows = iter_rows(path, wanted=ACCOUNT_FIELDS, mapping=mapping)
    try:
        store.create_account_stage(session)
        refused = store.copy_accounts(
            session,
            _split(
                parse_accounts(
                    rows,
                    commune_check=geocoding.commune_check,
                    postcode_check=geocoding.postcode_check,
                    # a postcode alone: the town of the one commune it serves
                    postcode_town=geocoding.postcode_town,
                ),
                report.rejected,
                progress,
            ),
        )
        report.rejected.extend(refused)
        store.match_account_stage(session)
        report.rejected.extend(store.reject_clashes(session))
        report.changed = store.changed_accounts(session)
        counts = store.merge_account_stage(session, actor_id=actor_id)
        return _finish(session, report, counts, path, actor_id, on_success)
    except BaseException:
        session.rollback()
        raise


def import_sales(
    session: Session,
    path: Path,
    *,
    actor_id: int | None = None,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    on_success: Callable[[Session, ImportReport], None] | None = None,
    today: dt.date | None = None,
) -> ImportReport:
    """Import (upsert) monthly revenue rows from ``path``; same guarantees as accounts.

    Months after the current one (``today``'s, default: the company's date now) are
    rejected. When revenue changed, a rules evaluation is queued in the same transaction: a
    worker re-evaluates the rules and the alerts they raise go out within a minute.
    """
    report = ImportReport(kind="sales")
    rows = iter_rows(path, wanted=SALE_FIELDS, mapping=mapping)
    day = today or dt.datetime.now(plan_dates.company_zone()).date()
    try:
        store.create_sales_stage(session)
        sales = parse_sales(rows, latest_month=day.replace(day=1))
        refused = store.copy_sales(session, _split(sales, report.rejected, progress))
        report.rejected.extend(refused)
        counts, unknown = store.merge_sales_stage(session)
        report.rejected.extend(unknown)
        if counts.inserted or counts.updated:
            # in the import's transaction: the rules run (and alerts go out) iff it commits
            job_store.defer_rules(session, at_once=True)
        return _finish(session, report, counts, path, actor_id, on_success)
    except BaseException:
        session.rollback()
        raise


def export_accounts(
    session: Session, path: Path, *, scope: store.ExportScope = store.EVERY_ACCOUNT
) -> int:
    """Write the accounts of ``scope`` (default: all) to ``path`` (.csv or .xlsx); how many."""
    rows = store.iter_accounts_for_export(session, scope=scope)
    return write_accounts(rows, path, columns=store.EXPORT_COLUMNS)


UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx")
PROGRESS_EVERY_S = 0.3


def check_upload(*, actor: Actor, kind: str, filename: str, data: bytes) -> str:
    """The suffix of an acceptable upload; :class:`InvalidInput` naming what is wrong."""
    policy.require(actor, "import")
    suffix = Path(filename).suffix.lower()
    if kind not in ("accounts", "sales"):
        raise InvalidInput("kind", "unknown import", value=kind, allowed="accounts, sales")
    if suffix not in UPLOAD_SUFFIXES:
        raise InvalidInput(
            "file", "unsupported file type", value=filename, allowed=", ".join(UPLOAD_SUFFIXES)
        )
    if not data:
        raise InvalidInput("file", "the file is empty", value=filename)
    return suffix


def upload_name(filename: str, suffix: str) -> str:
    """The uploaded file's own name, safe to write in a folder (what a refusal names and the
    import run records): no folder part, at most 60 characters, ``upload`` when empty."""
    name = Path(filename.replace("\\", "/").replace("\x00", "")).name.strip().lstrip(".")
    stem = Path(name).stem[:60] if name else ""
    return f"{stem or 'upload'}{suffix}"


def _import_bytes(
    session: Session,
    *,
    kind: str,
    filename: str,
    suffix: str,
    data: bytes,
    actor_id: int | None,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    on_success: Callable[[Session, ImportReport], None] | None = None,
) -> ImportReport:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / upload_name(filename, suffix)
        path.write_bytes(data)
        run = import_accounts if kind == "accounts" else import_sales
        return run(
            session,
            path,
            actor_id=actor_id,
            mapping=mapping,
            progress=progress,
            on_success=on_success,
        )


def import_upload(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    filename: str,
    data: bytes,
    mapping: Mapping[str, str] | None = None,
) -> ImportReport:
    """Import an uploaded accounts or sales file (CSV or XLSX) for ``actor``; same guarantees as the CLI."""
    suffix = check_upload(actor=actor, kind=kind, filename=filename, data=data)
    report = _import_bytes(
        session,
        kind=kind,
        filename=filename,
        suffix=suffix,
        data=data,
        actor_id=author_id(actor),
        mapping=mapping,
    )
    return report


def start_import(session: Session, *, actor: Actor, kind: str, filename: str, data: bytes) -> int:
    """Queue the import of an upload for a worker; the job's id (its page shows the progress)."""
    check_upload(actor=actor, kind=kind, filename=filename, data=data)
    job_id = job_store.create_job(
        session,
        kind="import",
        label=filename,
        user_id=author_id(actor),
        params={"kind": kind, "filename": filename},
        data=data,
    )
    job_store.defer(session, job_store.IMPORT_FILE, {"job_id": job_id})
    session.commit()
    return job_id


def line_count(data: bytes, suffix: str) -> int | None:
    """Data lines of an uploaded file, its header left out (what the progress bar counts
    to, and what the report's "lignes lues" counts); None when unknown."""
    if suffix == ".xlsx":
        return None
    return max(data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1, 0)


def may_still_import(session: Session, user_id: int | None) -> None:
    """The starter of an import, as they are now, may still import (the command line's
    imports, by no user, may); :class:`Forbidden` in French once they are deactivated or
    their role no longer imports."""
    if user_id is None:
        return
    actor = jobs.starter(session, {"id": user_id})
    if not policy.can(actor, "import"):
        raise Forbidden("votre rôle ne permet plus d’importer")


def import_failure(exc: FieldcrmError) -> str:
    """The French sentence a refused import ends its job with."""
    if isinstance(exc, Forbidden):
        return f"Vous ne pouvez plus faire cet import : {exc}"
    return str(exc)


def import_failure_details(exc: FieldcrmError) -> dict[str, Any] | None:
    """What a refused file keeps with its failed job to be worded in its reader's language
    (``problems``, :func:`fieldcrm.services.jobs.problems_data`); nothing for other
    refusals."""
    return {"problems": jobs.problems_data(exc)} if isinstance(exc, InvalidInput) else None


def run_import_job(sessions: Callable[[], Session], job_id: int) -> None:
    """Run a queued import (the worker calls this): progress as it reads, then its report.

    The import is one transaction; the progress is written through a second session, so the
    page sees it move. The starter's rights are checked again as the job runs. A refused file
    (or starter) ends the job as failed with the French reason; anything unexpected too, and
    is raised again for the queue to record.
    """
    with sessions() as session:
        job = job_store.job(session, job_id)
        data = job_store.job_input(session, job_id)
        if job is None or job.status != "queued" or data is None:
            return
        kind, filename = job.params["kind"], job.params["filename"]
        suffix = Path(filename).suffix.lower()
        job_store.mark_running(
            session, job_id, total=line_count(data, suffix), now=dt.datetime.now(dt.UTC)
        )
        session.commit()
    with sessions() as progress_session, sessions() as session:
        shown = [time.monotonic()]  # a small file finishes before its first progress write

        def progress(line: int) -> None:
            if time.monotonic() - shown[0] >= PROGRESS_EVERY_S:
                shown[0] = time.monotonic()
                job_store.set_progress(progress_session, job_id, line - 1)  # minus the header
                progress_session.commit()

        def import_it() -> dict[str, Any]:
            may_still_import(session, job.user_id)
            return report_dict(
                _import_bytes(
                    session,
                    kind=kind,
                    filename=filename,
                    suffix=suffix,
                    data=data,
                    actor_id=job.user_id,
                    progress=progress,
                    # done in the import's own transaction: never applied yet "en cours"
                    on_success=lambda s, report: job_store.mark_done(
                        s, job_id, result=report_dict(report), now=dt.datetime.now(dt.UTC)
                    ),
                )
            )

        jobs.finish_job(
            session,
            job_id,
            import_it,
            unexpected="erreur inattendue pendant l’import",
            reason=import_failure,
            details=import_failure_details,
        )


def report_dict(report: ImportReport) -> dict[str, Any]:
    """Counts, every rejected row (line, column, reason, value, message) and every existing
    account changed (line, id, name before and after, columns changed), as JSON data."""
    return {
        "kind": report.kind,
        "read": report.read,
        "inserted": report.inserted,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": [
            {**asdict(r), "value": None if r.value is None else str(r.value), "message": str(r)}
            for r in report.rejected
        ],
        "changed": [{**asdict(c), "fields": list(c.fields)} for c in report.changed],
    }


def export_download(session: Session, *, actor: Actor, fmt: str) -> bytes:
    """The accounts ``actor`` may export, as CSV or XLSX bytes (reps: their own)."""
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput("format", "unknown format", value=fmt, allowed="csv, xlsx")
    scope = exports.account_scope(actor)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"comptes.{fmt}"
        export_accounts(session, path, scope=scope)
        return path.read_bytes()
