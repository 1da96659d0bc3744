"""What the readiness probe reads: a ping, the schema revision, the workers' heartbeats.

Plain data out; reads only, never commits. A missing table is reported (``None``), not raised,
so one absent piece does not abort the transaction the other reads share.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store import migrate

WORKER_TABLE = "procrastinate_workers"


@dataclass(frozen=True, slots=True)
class Heartbeats:
    """The workers' latest heartbeat, as the database sees it."""

    table_exists: bool
    latest: dt.datetime | None
    """Most recent ``last_heartbeat`` of any worker (``None``: no worker registered)."""
    now: dt.datetime
    """The database's clock when read."""


def ping(session: Session, *, timeout_ms: int) -> None:
    """Run ``SELECT 1`` under a statement timeout of ``timeout_ms``; raise if it fails.

    The timeout is local to the transaction and set back to its previous value afterwards.
    """
    previous = session.execute(text("SELECT current_setting('statement_timeout')")).scalar_one()
    session.execute(
        text("SELECT set_config('statement_timeout', :ms, true)"), {"ms": str(timeout_ms)}
    )
    session.execute(text("SELECT 1")).scalar_one()
    session.execute(text("SELECT set_config('statement_timeout', :v, true)"), {"v": previous})


def _table_exists(session: Session, name: str) -> bool:
    return bool(
        session.execute(text("SELECT to_regclass(:n) IS NOT NULL"), {"n": name}).scalar_one()
    )


def database_revisions(session: Session) -> set[str] | None:
    """Alembic revisions the database is at (``None``: no ``alembic_version`` table)."""
    if not _table_exists(session, "alembic_version"):
        return None
    return set(session.execute(text("SELECT version_num FROM alembic_version")).scalars())


@lru_cache(maxsize=1)
def migration_heads() -> frozenset[str]:
    """Head revisions of the migrations shipped with this code (``migrations/versions``)."""
    return frozenset(ScriptDirectory.from_config(migrate.alembic_config("")).get_heads())


def worker_heartbeats(session: Session) -> Heartbeats:
    """The latest worker heartbeat and the database's clock."""
    exists = _table_exists(session, WORKER_TABLE)
    if not exists:
        now = session.execute(text("SELECT clock_timestamp()")).scalar_one()
        return Heartbeats(table_exists=False, latest=None, now=now)
    latest, now = session.execute(
        text(f"SELECT max(last_heartbeat), clock_timestamp() FROM {WORKER_TABLE}")
    ).one()
    return Heartbeats(table_exists=True, latest=latest, now=now)
