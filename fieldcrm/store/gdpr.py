"""RGPD: everything held about a contact, its erasure, and prospects kept too long."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import NotFound

ERASED = "[effacé]"


@dataclass(frozen=True)
class StaleProspect:
    """A prospect with no visit, exchange or sale since ``last_contact`` (or ever)."""

    id: int
    name: str
    city: str | None
    created_at: dt.datetime
    last_contact: dt.datetime | None
    contacts: int


def contact_record(session: Session, contact_id: int) -> dict[str, Any]:
    """The contact, its dates, its account, and the messages that name it."""
    contact = (
        session.execute(
            text(
                """SELECT c.id, c.first_name, c.last_name, c.role, c.phone, c.email, c.notes, c.last_contact_at,
                      c.created_at, a.id AS account_id, a.name AS account_name
               FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.id = :id"""
            ),
            {"id": contact_id},
        )
        .mappings()
        .first()
    )
    if contact is None:
        raise NotFound("contact", contact_id)
    dates = session.execute(
        text(
            "SELECT kind, date, remind_days_before, note FROM contact_dates WHERE contact_id = :id ORDER BY date"
        ),
        {"id": contact_id},
    ).mappings()
    name = _full_name(contact)
    messages = session.execute(
        text(
            """SELECT 'notification' AS source, id, created_at, subject, body FROM notifications
               WHERE position(:name IN body) > 0 OR position(:name IN subject) > 0
               UNION ALL
               SELECT 'alert', id, created_at, rule_key, message FROM alerts WHERE position(:name IN message) > 0
               ORDER BY created_at"""
        ),
        {"name": name},
    ).mappings()
    return {
        "contact": dict(contact),
        "dates": [dict(d) for d in dates],
        "messages": [dict(m) for m in messages],
    }


def _full_name(contact: Any) -> str:
    return " ".join(p for p in (contact["first_name"], contact["last_name"]) if p)


def erase_contact(session: Session, contact_id: int, *, actor_id: int | None) -> int:
    """Delete the contact and its dates, blank its name in messages, keep only the fact in the audit log.

    Returns the number of messages scrubbed.
    """
    record = contact_record(session, contact_id)
    name = _full_name(record["contact"])
    scrubbed = 0
    for statement in (
        "UPDATE notifications SET subject = replace(subject, :name, :erased), body = replace(body, :name, :erased) "
        "WHERE position(:name IN body) > 0 OR position(:name IN subject) > 0",
        "UPDATE alerts SET message = replace(message, :name, :erased) WHERE position(:name IN message) > 0",
    ):
        scrubbed += session.execute(text(statement), {"name": name, "erased": ERASED}).rowcount  # type: ignore[attr-defined]
    session.execute(text("DELETE FROM contacts WHERE id = :id"), {"id": contact_id})
    session.execute(
        text("UPDATE audit_log SET changes = NULL WHERE entity = 'contact' AND entity_id = :id"),
        {"id": str(contact_id)},
    )
    session.execute(
        text(
            "INSERT INTO audit_log (actor_id, action, entity, entity_id, changes) VALUES (:a, 'erase', 'contact', :id, NULL)"
        ),
        {"a": actor_id, "id": str(contact_id)},
    )
    return scrubbed


def stale_prospects(
    session: Session, *, older_than: dt.date, limit: int = 500
) -> list[StaleProspect]:
    """Prospects created before ``older_than`` with no activity, contact touch or sale since then."""
    rows = session.execute(
        text(
            """SELECT a.id, a.name, a.city, a.created_at,
                      greatest((SELECT max(occurred_at) FROM activities v WHERE v.account_id = a.id),
                               (SELECT max(last_contact_at) FROM contacts c WHERE c.account_id = a.id)) AS last_contact,
                      (SELECT count(*) FROM contacts c WHERE c.account_id = a.id) AS contacts
               FROM accounts a
               WHERE a.kind = 'prospect' AND a.created_at < :cut
                 AND NOT EXISTS (SELECT 1 FROM activities v WHERE v.account_id = a.id AND v.occurred_at >= :cut)
                 AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.account_id = a.id AND c.last_contact_at >= :cut)
                 AND NOT EXISTS (SELECT 1 FROM monthly_sales s WHERE s.account_id = a.id AND s.month >= :cut)
               ORDER BY a.created_at LIMIT :limit"""
        ),
        {"cut": older_than, "limit": limit},
    ).mappings()
    return [StaleProspect(**r) for r in rows]


def delete_prospects(
    session: Session, ids: list[int], *, older_than: dt.date, actor_id: int | None
) -> int:
    """Delete those of ``ids`` that are still stale prospects (contacts and history go with them)."""
    stale = {p.id for p in stale_prospects(session, older_than=older_than, limit=1_000_000)}
    chosen = sorted(set(ids) & stale)
    if chosen:
        session.execute(text("DELETE FROM accounts WHERE id = ANY(:ids)"), {"ids": chosen})
        session.execute(
            text(
                """INSERT INTO audit_log (actor_id, action, entity, entity_id, changes)
                   SELECT :a, 'erase', 'account', unnest(CAST(:ids AS text[])), NULL"""
            ),
            {"a": actor_id, "ids": [str(i) for i in chosen]},
        )
    return len(chosen)
