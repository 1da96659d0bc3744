"""Base Adresse Nationale files: load a département export for offline house-number geocoding
(``fieldcrm geocode load-ban``), list what is loaded."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor
from fieldcrm.store import ban as store
from fieldcrm.store.ban import LoadedDepartment, LoadSummary, Progress

__all__ = ["LoadSummary", "LoadedDepartment", "load_ban", "loaded"]


def load_ban(
    session: Session, *, actor: Actor, path: Path, progress: Progress | None = None
) -> LoadSummary:
    """Load a BAN export (``adresses-NN.csv`` or ``.csv.gz``) in one transaction: the
    départements it holds are replaced, others kept. ``progress`` gets (bytes read, size)."""
    policy.require(actor, "geocode.run")
    try:
        summary = store.load_file(session, path, progress=progress)
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return summary


def loaded(session: Session, *, actor: Actor) -> list[LoadedDepartment]:
    """The départements loaded, with their source file and counts."""
    policy.require(actor, "geocode.run")
    return store.loaded_departments(session)
