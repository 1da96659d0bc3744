"""The audit log: who changed what, when (one row per change)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class AuditRow:
    """One entry of the audit log, with its author's name."""

    id: int
    at: dt.datetime
    actor_id: int | None
    actor_name: str | None
    action: str
    entity: str
    entity_id: str | None
    changes: dict[str, Any] | None


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: object,
    changes: dict[str, Any] | None = None,
) -> None:
    """Add one entry (``actor_id`` ``None``: the command line or a job)."""
    session.execute(
        text(
            """INSERT INTO audit_log (actor_id, action, entity, entity_id, changes)
               VALUES (:actor, :action, :entity, :id, CAST(:changes AS jsonb))"""
        ),
        {
            "actor": actor_id,
            "action": action,
            "entity": entity,
            "id": None if entity_id is None else str(entity_id),
            "changes": None if changes is None else json.dumps(changes, default=str),
        },
    )


def entries(session: Session, *, entity: str, entity_id: object, limit: int = 50) -> list[AuditRow]:
    """The latest entries about one thing, newest first."""
    rows = session.execute(
        text(
            """SELECT a.id, a.at, a.actor_id, u.full_name AS actor_name, a.action, a.entity,
                      a.entity_id, a.changes
               FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
               WHERE a.entity = :entity AND a.entity_id = :id
               ORDER BY a.at DESC, a.id DESC LIMIT :limit"""
        ),
        {"entity": entity, "id": str(entity_id), "limit": limit},
    ).all()
    return [AuditRow(**r._asdict()) for r in rows]


def first_changes(
    session: Session, *, entity: str, action: str, entity_ids: list[object]
) -> dict[str, dict[str, Any]]:
    """The ``changes`` of the earliest ``action`` entry about each of ``entity_ids`` that has
    one, by entity id (as stored: text)."""
    if not entity_ids:
        return {}
    rows = session.execute(
        text(
            """SELECT DISTINCT ON (entity_id) entity_id, changes
               FROM audit_log
               WHERE entity = :entity AND action = :action AND entity_id = ANY(:ids)
                 AND changes IS NOT NULL
               ORDER BY entity_id, at, id"""
        ),
        {"entity": entity, "action": action, "ids": [str(i) for i in entity_ids]},
    ).all()
    return {str(r.entity_id): dict(r.changes) for r in rows}
