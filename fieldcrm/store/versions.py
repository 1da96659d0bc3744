"""Optimistic concurrency: the version an editor read is checked when they write (issue 16).

Accounts, territories and rules carry ``version`` (one more at each edit) and ``edited_by``
(migration 0017). :func:`claim` is called by the writing service before it changes the row:
it locks the row, checks the version and counts the edit; a stale version raises
:class:`~fieldcrm.errors.Conflict` naming who edited meanwhile, and since the service commits
only after, nothing of the stale edit is kept. Two editors racing: the second waits for the
first's row lock, then finds the version changed.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import Conflict, NotFound

_WHAT = {
    "accounts": ("account", "Ce compte"),
    "territories": ("territory", "Ce territoire"),
    "rules": ("rule", "Cette règle"),
}


class StaleEdit(Conflict):
    """The row changed since the editor read it (409)."""


def stale_message(table: str, editor: str | None) -> str:
    """The French message of a stale edit of a row of ``table``."""
    subject = _WHAT[table][1]
    by = f"par {editor} " if editor else ""
    feminine = table == "rules"
    return f"{subject} a été modifié{'e' if feminine else ''} {by}entre-temps ; rechargez la page."


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
    session: Session, table: str, row_id: int, *, expected: int | None, actor_id: int | None
) -> int:
    """Count one edit of row ``row_id`` of ``table`` made by ``actor_id``, after checking that
    its version is still ``expected`` (``None``: no check, the caller sent none); return the
    new version.

    Raises
    ------
    NotFound
        No such row.
    StaleEdit
        Someone edited the row since the editor read version ``expected``.
    """
    if table not in _WHAT:
        raise ValueError(f"no versions on {table}")
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
    raise StaleEdit(stale_message(table, editor.full_name))
