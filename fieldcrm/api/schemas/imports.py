"""Answer of ``POST /api/imports/{kind}`` (and the ``result`` of an import job)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from fieldcrm.api.schemas.common import Strict


class RejectedRow(Strict):
    """A row left out: its line, the faulty column, why (in French; ``code`` and ``params``:
    the reason's French template and its fields, when it has some), the value read and the
    whole message."""

    line: int
    field: str
    reason: str
    value: str | None
    message: str
    code: str | None = None
    params: dict[str, Any] | None = None


class ChangedAccount(Strict):
    """An existing account an import row changed: line, account, name before and after, and
    the columns changed (``geom``: the point given by the file)."""

    line: int
    account_id: int
    name_before: str
    name_after: str
    fields: list[str]


class ImportReportOut(Strict):
    """Rows read, inserted, updated, unchanged, every rejected row and every account changed."""

    kind: str
    read: int
    inserted: int
    updated: int
    unchanged: int
    rejected: list[RejectedRow]
    changed: list[ChangedAccount] = Field(default_factory=list)
