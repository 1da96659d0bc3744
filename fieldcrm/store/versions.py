"""Optimistic concurrency: the version an editor read is checked when they write (issue 16).

Accounts, territories and rules carry ``version`` (one more at each edit) and ``edited_by``
(migration 0017). :func:`claim` is called by the writing service before it changes the row:
it locks the row, checks the version and counts the edit; a stale version raises
:class:`~fieldcrm.errors.Conflict` naming who edited meanwhile, and since the service commits
only after, nothing of the stale edit is kept. Two editors racing: the second waits for the
first's row lock, then finds the version changed.
"""

from __future__ import annotations

import enum
from typing import Final

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import Conflict, NotFound, PreconditionRequired


class Unsent(enum.Enum):
    """Marker of an editor who had to name the version they read and named none."""

    VERSION = "unsent"


UNSENT: Final = Unsent.VERSION
"""The expected version of an API client that sent no ``If-Match``: :func:`claim` refuses
the write to an existing row (:class:`~fieldcrm.errors.PreconditionRequired`, a 428)."""

Expected = int | Unsent | None
"""What an editor says they read: a version (checked), :data:`UNSENT` (refused), or ``None``
(not checked: bulk writers, the pages' forms that carry no version, the CLI)."""

_WHAT = {
    "accounts": ("account", "Ce compte"),
    "territories": ("territory", "Ce territoire"),
    "rules": ("rule", "Cette règle"),
}


class StaleEdit(Conflict):
    """The row changed since the editor read it (409)."""


STALE: dict[tuple[str, bool], str] = {
    ("accounts", True): "Ce compte a été modifié par %(editor)s entre-temps ; rechargez la page.",
    ("accounts", False): "Ce compte a été modifié entre-temps ; rechargez la page.",
    ("territories", True): "Ce territoire a été modifié par %(editor)s entre-temps ; rechargez"
    " la page.",
    ("territories", False): "Ce territoire a été modifié entre-temps ; rechargez la page.",
    ("rules", True): "Cette règle a été modifiée par %(editor)s entre-temps ; rechargez la page.",
    ("rules", False): "Cette règle a été modifiée entre-temps ; rechargez la page.",
}
"""The message of a stale edit by (table, editor named?): catalogue msgids, kept with the
refusal (``code``, ``params``) so that a reader of another language reads it in theirs."""


def stale_message(table: str, editor: str | None) -> str:
    """The French message of a stale edit of a row of ``table``."""
    return STALE[table, bool(editor)] % {"editor": editor}


def stale_edit(table: str, editor: str | None) -> StaleEdit:
    """The refusal of a stale edit of a row of ``table``: its French message, and its
    template with the editor's name as data."""
    return StaleEdit(
        stale_message(table, editor),
        code=STALE[table, bool(editor)],
        params={"editor": editor} if editor else {},
    )


def _forget(session: Session, table: str, row_id: int) -> None:
    """Expire the version of an ORM object of that row the session holds (it changed under it)."""
    for obj in list(session.identity_map.values()):
        if getattr(obj, "__tablename__", None) == table and getattr(obj, "id", None) == row_id:
            session.expire(obj, ["version", "edited_by"])


def current(session: Session, table: str, row_id: int) -> int:
    """The version of one row; :class:`NotFound` if absent."""
    found = session.execute(
        text(f"SELECT version FROM {table} WHERE id = :id"), {"id": row_id}
    ).scalar()
    if found is None:
        raise NotFound(_WHAT[table][0], row_id)
    return int(found)


def claim(
    session: Session, table: str, row_id: int, *, expected: Expected, actor_id: int | None
) -> int:
    """Count one edit of row ``row_id`` of ``table`` made by ``actor_id``, after checking that
    its version is still ``expected`` (``None``: no check); return the new version.

    Raises
    ------
    NotFound
        No such row.
    PreconditionRequired
        ``expected`` is :data:`UNSENT`: the editor had to name the version they read.
    StaleEdit
        Someone edited the row since the editor read version ``expected``.
    """
    if table not in _WHAT:
        raise ValueError(f"no versions on {table}")
    if expected is UNSENT:
        label = "name" if table == "rules" else "id"  # a rule is known by its key
        found = session.execute(
            text(f"SELECT {label} FROM {table} WHERE id = :id"), {"id": row_id}
        ).first()
        if found is None:
            raise NotFound(_WHAT[table][0], row_id)
        raise PreconditionRequired(_WHAT[table][0], found[0])
    row = session.execute(
        text(f"""UPDATE {table} SET version = version + 1, edited_by = :actor
                 WHERE id = :id AND (CAST(:expected AS int) IS NULL OR version = :expected)
                 RETURNING version"""),
        {"id": row_id, "expected": expected, "actor": actor_id},
    ).first()
    if row is not None:
        _forget(session, table, row_id)
        return int(row.version)
    editor = session.execute(
        text(f"""SELECT u.full_name FROM {table} x LEFT JOIN users u ON u.id = x.edited_by
                 WHERE x.id = :id"""),
        {"id": row_id},
    ).first()
    if editor is None:
        raise NotFound(_WHAT[table][0], row_id)
    raise stale_edit(table, editor.full_name)
