"""RGPD duties of the admin: what is held about a contact, erasure, prospects kept too long."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, author_id
from fieldcrm.store import gdpr as store
from fieldcrm.store.gdpr import StaleProspect


def export_contact(session: Session, *, actor: Actor, contact_id: int) -> dict[str, Any]:
    """Everything held about one contact (right of access), as plain JSON-ready data."""
    policy.require(actor, "gdpr")
    return store.contact_record(session, contact_id)


def erase_contact(session: Session, *, actor: Actor, contact_id: int) -> int:
    """Erase a contact (right to erasure); the audit log keeps only that an erasure happened."""
    policy.require(actor, "gdpr")
    scrubbed = store.erase_contact(session, contact_id, actor_id=author_id(actor))
    session.commit()
    return scrubbed


def retention_cut(*, today: dt.date, retention_days: int) -> dt.date:
    """The date before which an untouched prospect is kept too long."""
    return today - dt.timedelta(days=retention_days)


def stale_prospects(
    session: Session, *, actor: Actor, retention_days: int, today: dt.date | None = None
) -> list[StaleProspect]:
    """Prospects without any contact for ``retention_days`` (3 years by default, as the CNIL recommends)."""
    policy.require(actor, "gdpr")
    return store.stale_prospects(
        session,
        older_than=retention_cut(today=today or dt.date.today(), retention_days=retention_days),
    )


def delete_stale_prospects(
    session: Session,
    *,
    actor: Actor,
    ids: Sequence[int],
    retention_days: int,
    today: dt.date | None = None,
) -> int:
    """Delete the chosen prospects if they are still past the retention period."""
    policy.require(actor, "gdpr")
    cut = retention_cut(today=today or dt.date.today(), retention_days=retention_days)
    deleted = store.delete_prospects(session, list(ids), older_than=cut, actor_id=author_id(actor))
    session.commit()
    return deleted
