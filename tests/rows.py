"""Small reads the API tests share: a rep's first account, one row of a query."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def own_account(db: Session, rep_id: int) -> int:
    """The lowest id among the accounts ``rep_id`` owns."""
    return int(
        db.execute(
            text("SELECT min(account_id) FROM account_assignments WHERE owner_id = :r"),
            {"r": rep_id},
        ).scalar_one()
    )


def row(db: Session, sql: str, **params: object) -> tuple[object, ...]:
    """The one row ``sql`` answers, as a tuple."""
    return tuple(db.execute(text(sql), params).one())
