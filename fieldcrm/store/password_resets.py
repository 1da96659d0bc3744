"""One-time password-reset codes: only their keyed digest is stored."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.orm import Session


def create(
    session: Session,
    *,
    user_id: int,
    digest: bytes,
    created_by: int | None,
    expires_at: dt.datetime,
) -> None:
    """Record a new code for ``user_id``; the user's earlier unused codes stop working."""
    session.execute(
        text(
            """UPDATE password_resets SET expires_at = least(expires_at, now())
               WHERE user_id = :u AND used_at IS NULL"""
        ),
        {"u": user_id},
    )
    session.execute(
        text(
            """INSERT INTO password_resets (user_id, code_digest, created_by, expires_at)
               VALUES (:u, :d, :by, :e)"""
        ),
        {"u": user_id, "d": digest, "by": created_by, "e": expires_at},
    )


def pending_user(session: Session, digest: bytes) -> int | None:
    """The active user a live (unused, unexpired) code belongs to, if any."""
    return session.execute(
        text(
            """SELECT r.user_id FROM password_resets r JOIN users u ON u.id = r.user_id
               WHERE r.code_digest = :d AND r.used_at IS NULL AND r.expires_at > now()
                 AND u.active"""
        ),
        {"d": digest},
    ).scalar()


def consume(session: Session, digest: bytes) -> int | None:
    """Mark a live code used, once: the user it was for (``None``: unknown, used or expired)."""
    return session.execute(
        text(
            """UPDATE password_resets r SET used_at = now() FROM users u
               WHERE u.id = r.user_id AND u.active AND r.code_digest = :d
                 AND r.used_at IS NULL AND r.expires_at > now()
               RETURNING r.user_id"""
        ),
        {"d": digest},
    ).scalar()
