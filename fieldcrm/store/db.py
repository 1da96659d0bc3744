"""Engine and sessions on PostGIS."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker


@lru_cache(maxsize=8)
def make_engine(url: str) -> Engine:
    """One pooled engine per database URL (cached for the process)."""
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, future=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Session factory bound to ``engine``; objects stay usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that is closed (and rolled back if not committed) at the end.

    Services own the commit; this only guarantees cleanup.
    """
    factory = make_sessionmaker(engine)
    session = factory()
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
