"""Rules as managers wrote them: one row per rule, its definition kept as YAML text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import yaml
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fieldcrm.store.tables import Alert, User
from fieldcrm.store.tables import Rule as RuleRow


@dataclass(frozen=True, slots=True)
class StoredRule:
    """A rule row: ``key`` is the rule's slug (stored in ``rules.name``)."""

    id: int
    key: str
    description: str
    definition: str
    enabled: bool
    updated_at: dt.datetime | None
    version: int = 1  # optimistic concurrency (fieldcrm.store.versions)


def _plain(row: RuleRow) -> StoredRule:
    return StoredRule(
        row.id,
        row.name,
        row.description or "",
        row.definition,
        row.enabled,
        row.updated_at,
        row.version or 1,
    )


def dump_definition(data: dict[str, Any]) -> str:
    """YAML text of one rule mapping (keys in the author's order, accents kept)."""
    return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def list_rules(session: Session, *, enabled_only: bool = False) -> list[StoredRule]:
    """All rules by key."""
    query = select(RuleRow).order_by(RuleRow.name)
    if enabled_only:
        query = query.where(RuleRow.enabled.is_(True))
    return [_plain(r) for r in session.scalars(query)]


def get_rule(session: Session, key: str) -> StoredRule | None:
    """The rule with this key, if any."""
    row = session.scalars(select(RuleRow).where(RuleRow.name == key)).first()
    return _plain(row) if row else None


def get_rule_by_id(session: Session, rule_id: int) -> StoredRule | None:
    """The rule with this id, if any."""
    row = session.get(RuleRow, rule_id)
    return _plain(row) if row else None


def save_rule(
    session: Session,
    *,
    key: str,
    definition: str,
    description: str = "",
    enabled: bool = True,
    actor_id: int | None = None,
) -> StoredRule:
    """Insert or update (by key) one rule; flushes, never commits."""
    row = session.scalars(select(RuleRow).where(RuleRow.name == key)).first()
    if row is None:
        row = RuleRow(name=key, created_by=actor_id)
        session.add(row)
    row.definition = definition
    row.description = description
    row.enabled = enabled
    row.updated_at = dt.datetime.now(dt.UTC)
    session.flush()
    return _plain(row)


def delete_rule(session: Session, key: str) -> bool:
    """Delete the rule with this key; True if there was one."""
    result = session.execute(delete(RuleRow).where(RuleRow.name == key))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def rule_ids(session: Session) -> dict[str, int]:
    """Rule id by key."""
    return {name: id_ for id_, name in session.execute(select(RuleRow.id, RuleRow.name))}


def open_alerts_by_rule(session: Session) -> dict[str, int]:
    """How many alerts are still open, per rule key."""
    rows = session.execute(
        select(Alert.rule_key, func.count()).where(Alert.status == "open").group_by(Alert.rule_key)
    )
    return {key: int(n) for key, n in rows}


def recipient_emails(session: Session) -> list[str]:
    """The e-mails a rule may name as ``user:<e-mail>``: the active users' (the alerts,
    tasks and reassignments reach no one else, :mod:`fieldcrm.store.alerts`)."""
    return list(session.scalars(select(User.email).where(User.active)))
