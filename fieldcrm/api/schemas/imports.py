"""Answer of ``POST /api/imports/{kind}`` (and the ``result`` of an import job)."""

from __future__ import annotations

from fieldcrm.api.schemas.common import Strict


class RejectedRow(Strict):
    """A row left out: its line, the faulty column, why, the value read and the whole message."""

    line: int
    field: str
    reason: str
    value: str | None
    message: str


class ImportReportOut(Strict):
    """Rows read, inserted, updated, unchanged, and every rejected row."""

    kind: str
    read: int
    inserted: int
    updated: int
    unchanged: int
    rejected: list[RejectedRow]
