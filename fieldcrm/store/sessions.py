"""Server-side sessions and login failures (one table each, shared by every app server)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session


def create(
    session: Session,
    *,
    user_id: int,
    digest: bytes,
    expires_at: dt.datetime,
    user_agent: str | None,
) -> None:
    """Record a new session for ``user_id`` under the digest of its token."""
    session.execute(
        text(
            """INSERT INTO user_sessions (user_id, token_digest, expires_at, user_agent)
               VALUES (:u, :d, :e, :a)"""
        ),
        {"u": user_id, "d": digest, "e": expires_at, "a": (user_agent or "")[:300] or None},
    )


def user_for(session: Session, digest: bytes) -> int | None:
    """The user of a live session (not revoked, not expired), if any."""
    return session.execute(
        text(
            """SELECT user_id FROM user_sessions
               WHERE token_digest = :d AND revoked_at IS NULL AND expires_at > now()"""
        ),
        {"d": digest},
    ).scalar()


def revoke(session: Session, digest: bytes) -> None:
    """End one session."""
    session.execute(
        text(
            "UPDATE user_sessions SET revoked_at = now() "
            "WHERE token_digest = :d AND revoked_at IS NULL"
        ),
        {"d": digest},
    )


def revoke_all(session: Session, user_id: int) -> int:
    """End every session of ``user_id``; how many were live."""
    result = session.execute(
        text(
            "UPDATE user_sessions SET revoked_at = now() "
            "WHERE user_id = :u AND revoked_at IS NULL AND expires_at > now()"
        ),
        {"u": user_id},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def failures_since(session: Session, keys: Sequence[str], since: dt.datetime) -> dict[str, int]:
    """Failed logins per key since ``since``."""
    rows = session.execute(
        text(
            """SELECT key, count(*) AS n FROM login_failures
               WHERE key = ANY(:k) AND at >= :s GROUP BY key"""
        ),
        {"k": list(keys), "s": since},
    ).all()
    return {r.key: int(r.n) for r in rows}


def last_failure_at(session: Session, key: str) -> dt.datetime | None:
    """When the latest failed login counted against ``key`` happened (``None``: none kept)."""
    found = session.execute(
        text("SELECT max(at) FROM login_failures WHERE key = :k"), {"k": key}
    ).scalar_one()
    return found if isinstance(found, dt.datetime) else None


def record_failure(session: Session, keys: Sequence[str]) -> None:
    """Count one failed login against each key, at the wall-clock time it failed."""
    session.execute(
        text(
            "INSERT INTO login_failures (key, at) "
            "SELECT unnest(CAST(:k AS text[])), clock_timestamp()"
        ),
        {"k": list(keys)},
    )


def forget_failures(session: Session, key: str) -> None:
    """A successful login clears its account's failures."""
    session.execute(text("DELETE FROM login_failures WHERE key = :k"), {"k": key})


@dataclass(frozen=True)
class LiveSession:
    """An open session as an admin sees it (never its token nor digest)."""

    id: int
    created_at: dt.datetime
    expires_at: dt.datetime
    user_agent: str | None


def live_sessions(session: Session, user_id: int) -> list[LiveSession]:
    """The sessions of ``user_id`` that still work, newest first."""
    rows = session.execute(
        text(
            """SELECT id, created_at, expires_at, user_agent FROM user_sessions
               WHERE user_id = :u AND revoked_at IS NULL AND expires_at > now()
               ORDER BY created_at DESC, id DESC"""
        ),
        {"u": user_id},
    ).all()
    return [LiveSession(**r._asdict()) for r in rows]


def revoke_one(session: Session, user_id: int, session_id: int) -> bool:
    """End the live session ``session_id`` of ``user_id``; whether there was one."""
    result = session.execute(
        text(
            """UPDATE user_sessions SET revoked_at = now()
               WHERE id = :s AND user_id = :u AND revoked_at IS NULL AND expires_at > now()"""
        ),
        {"s": session_id, "u": user_id},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
