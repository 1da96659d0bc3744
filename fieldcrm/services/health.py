"""Readiness: can this process serve? The database answers, its schema is current, a worker runs.

Each check says what is wrong and what to do, and never carries a secret (database errors are
named by their class; their text, which may hold a host or user name, goes to the log only).
Reads only, never commits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fieldcrm.store import health as store

log = logging.getLogger(__name__)

DATABASE = "database"
MIGRATIONS = "migrations"
WORKER = "worker"


@dataclass(frozen=True, slots=True)
class Check:
    """One readiness check and its outcome."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Readiness:
    """Every check; ready when all pass."""

    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return all(c.ok for c in self.checks)


def _revisions(revisions: set[str] | frozenset[str]) -> str:
    return ", ".join(sorted(revisions)) or "none"


def check_database(session: Session, *, timeout_s: float) -> Check:
    """``SELECT 1`` within ``timeout_s``."""
    try:
        store.ping(session, timeout_ms=max(1, round(timeout_s * 1000)))
    except Exception as exc:
        log.warning("readiness: database check failed", exc_info=exc)
        session.rollback()
        return Check(DATABASE, False, f"database unavailable ({type(exc).__name__})")
    return Check(DATABASE, True, "SELECT 1 answered")


def check_migrations(session: Session) -> Check:
    """The database's alembic revision is the head of the shipped migrations."""
    try:
        heads = store.migration_heads()
    except Exception as exc:
        log.warning("readiness: cannot read the migration scripts", exc_info=exc)
        return Check(MIGRATIONS, False, f"cannot read the migration scripts ({type(exc).__name__})")
    current = store.database_revisions(session)
    if current is None:
        return Check(MIGRATIONS, False, "no alembic_version table (run `fieldcrm db upgrade`)")
    if current != heads:
        return Check(
            MIGRATIONS,
            False,
            f"database at {_revisions(current)}, code expects {_revisions(heads)} "
            "(run `fieldcrm db upgrade`)",
        )
    return Check(MIGRATIONS, True, f"at head {_revisions(heads)}")


def check_worker(session: Session, *, max_age_s: float) -> Check:
    """A background worker's heartbeat was seen within ``max_age_s``."""
    beats = store.worker_heartbeats(session)
    if not beats.table_exists:
        return Check(WORKER, False, "no worker table (migrations not applied?)")
    if beats.latest is None or (beats.now - beats.latest).total_seconds() > max_age_s:
        return Check(
            WORKER,
            False,
            f"no worker heartbeat within {max_age_s:g} s (start `fieldcrm worker`)",
        )
    age = max(0.0, (beats.now - beats.latest).total_seconds())
    return Check(WORKER, True, f"last heartbeat {age:.0f} s ago")


def readiness(session: Session, *, db_timeout_s: float, heartbeat_max_age_s: float) -> Readiness:
    """Run every check; once the database fails, the others are reported as not checked."""
    database = check_database(session, timeout_s=db_timeout_s)
    if not database.ok:
        skipped = "not checked: the database is unavailable"
        return Readiness(
            (database, Check(MIGRATIONS, False, skipped), Check(WORKER, False, skipped))
        )
    checks = [database]
    runs: tuple[tuple[str, Callable[[], Check]], ...] = (
        (MIGRATIONS, lambda: check_migrations(session)),
        (WORKER, lambda: check_worker(session, max_age_s=heartbeat_max_age_s)),
    )
    for name, run in runs:
        try:
            checks.append(run())
        except Exception as exc:
            log.warning("readiness: %s check failed", name, exc_info=exc)
            session.rollback()
            checks.append(Check(name, False, f"check failed ({type(exc).__name__})"))
    return Readiness(tuple(checks))
