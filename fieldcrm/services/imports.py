"""Import accounts and monthly sales from CSV/XLSX files, all or nothing."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

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
from fieldcrm.auth.roles import Actor, Role, author_id
from fieldcrm.errors import InvalidInput
from fieldcrm.store import account_import as store

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
) -> ImportReport:
    report.inserted, report.updated, report.unchanged = (
        counts.inserted,
        counts.updated,
        counts.unchanged,
    )
    _record_run(session, report, path, actor_id)
    session.commit()
    report.rejected.sort(key=lambda r: r.line)
    return report


def import_accounts(
    session: Session,
    path: Path,
    *,
    actor_id: int | None = None,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import (upsert) accounts from ``path``; one transaction, every rejected row reported.

    Good rows are imported even when others are rejected; if anything fails midway the
    whole import is rolled back, so nothing is half-written.
    """
    report = ImportReport(kind="accounts")
    rows = iter_rows(path, wanted=ACCOUNT_FIELDS, mapping=mapping)
    try:
        store.create_account_stage(session)
        store.copy_accounts(session, _split(parse_accounts(rows), report.rejected, progress))
        counts = store.merge_account_stage(session, actor_id=actor_id)
        return _finish(session, report, counts, path, actor_id)
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
) -> ImportReport:
    """Import (upsert) monthly revenue rows from ``path``; same guarantees as accounts."""
    report = ImportReport(kind="sales")
    rows = iter_rows(path, wanted=SALE_FIELDS, mapping=mapping)
    try:
        store.create_sales_stage(session)
        store.copy_sales(session, _split(parse_sales(rows), report.rejected, progress))
        counts, unknown = store.merge_sales_stage(session)
        report.rejected.extend(unknown)
        return _finish(session, report, counts, path, actor_id)
    except BaseException:
        session.rollback()
        raise


def export_accounts(session: Session, path: Path, *, owner_id: int | None = None) -> int:
    """Write accounts to ``path`` (.csv or .xlsx); return how many."""
    rows = store.iter_accounts_for_export(session, owner_id=owner_id)
    return write_accounts(rows, path, columns=store.EXPORT_COLUMNS)


UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx")


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
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        run = import_accounts if kind == "accounts" else import_sales
        return run(session, path, actor_id=author_id(actor), mapping=mapping)


def export_download(session: Session, *, actor: Actor, fmt: str) -> bytes:
    """The accounts ``actor`` may export, as CSV or XLSX bytes (reps: their own)."""
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput("format", "unknown format", value=fmt, allowed="csv, xlsx")
    owner = actor.id if actor.role is Role.REP else None
    if owner is None:
        policy.require(actor, "export")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"comptes.{fmt}"
        export_accounts(session, path, owner_id=owner)
        return path.read_bytes()
