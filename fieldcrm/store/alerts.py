"""Alerts, their recipients, notifications, tasks and reassignments, set-based.

A run stages every firing in the temporary table ``scoring_firings``
(:mod:`fieldcrm.store.firings`), inserts the alerts with ``ON CONFLICT DO NOTHING`` on
(rule, account, period) — the idempotence key — and derives recipients, notifications, tasks and reassignments from the alerts that were
really new (``scoring_new_alerts``) with one statement per rule action. Never commits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.scoring.rules import Recipient
from fieldcrm.store.joins import NOT_LOCKED, assignment_join

NEW_ALERT_ASSIGNMENT = assignment_join("n.account_id")
"""The live assignment of the account of each new alert ``n`` (no join with the wide
``accounts`` table: each of a run's statements would scan its million rows)."""


def insert_alerts(session: Session) -> int:
    """Insert the staged firings as alerts, skipping (rule, account, period) already there.

    Fills ``scoring_new_alerts`` with the alerts really inserted; returns their number.
    """
    session.execute(text("DROP TABLE IF EXISTS pg_temp.scoring_new_alerts"))
    session.execute(
        text("""
        CREATE TEMP TABLE scoring_new_alerts (
            alert_id bigint PRIMARY KEY, rule_ref text, rule_key text, account_id int,
            owner_id int, period text, subjects text[], bodies text[], task_titles text[],
            worded jsonb
        ) ON COMMIT DROP""")
    )
    session.execute(
        text(f"""
        WITH ins AS (
            INSERT INTO alerts (rule_id, rule_key, account_id, period, severity, message,
                                recipient_id, status, details)
            SELECT f.rule_id, f.rule_key, f.account_id, f.period,
                   f.severity,
                   coalesce(f.bodies[1], f.rule_ref), asg.owner_id, 'open',
                   jsonb_build_object('rule', f.rule_ref, 'subject', f.subjects[1],
                                      'points', f.points, 'band', f.band)
                   || CASE WHEN f.reminder IS NULL THEN '{{}}'::jsonb
                           ELSE jsonb_build_object('reminder', f.reminder) END
                   || CASE WHEN f.wording IS NULL THEN '{{}}'::jsonb
                           ELSE jsonb_build_object('wording', f.wording) END
            FROM scoring_firings f
            {assignment_join("f.account_id")}
            ON CONFLICT (rule_key, account_id, period) DO NOTHING
            RETURNING id, rule_key, account_id, recipient_id
        )
        INSERT INTO scoring_new_alerts
        SELECT ins.id, f.rule_ref, ins.rule_key, ins.account_id, ins.recipient_id, f.period,
               f.subjects, f.bodies, f.task_titles, f.worded
        FROM ins JOIN scoring_firings f
          ON f.rule_key = ins.rule_key AND f.account_id = ins.account_id""")
    )
    session.execute(text("ANALYZE scoring_new_alerts"))
    session.execute(text("DROP TABLE IF EXISTS pg_temp.scoring_recipients"))
    session.execute(
        text("""
        CREATE TEMP TABLE scoring_recipients (
            alert_id bigint, action_no int, user_id int, is_cc boolean
        ) ON COMMIT DROP""")
    )
    session.execute(text("CREATE INDEX ON scoring_recipients (alert_id, action_no)"))
    return int(session.execute(text("SELECT count(*) FROM scoring_new_alerts")).scalar_one())


def new_wordings(session: Session) -> list[tuple[int, dict[str, Any]]]:
    """``(alert id, details.wording)`` of the new alerts of rules that speak other languages
    than French, when some active user reads one of them (else nobody needs them)."""
    rows = session.execute(
        text("""
        SELECT a.id, a.details -> 'wording'
        FROM scoring_new_alerts n JOIN alerts a ON a.id = n.alert_id
        WHERE a.details ? 'wording' AND n.worded IS NULL AND EXISTS (
            SELECT 1 FROM users u
            WHERE u.active AND u.language <> 'fr'
              AND a.details -> 'wording' -> 'texts' ? u.language)""")
    )
    return [(int(r[0]), r[1]) for r in rows]


def set_worded(session: Session, worded: Mapping[int, Mapping[str, Any]]) -> None:
    """Give new alerts their texts in other languages (``{alert id: {"en": {"subjects":
    […], "bodies": […]}}}``): their notifications say them to who reads that language."""
    if not worded:
        return
    session.execute(
        text("""
        UPDATE scoring_new_alerts n SET worded = w.worded
        FROM jsonb_each(CAST(:worded AS jsonb)) AS w(alert_id, worded)
        WHERE n.alert_id = CAST(w.alert_id AS bigint)"""),
        {"worded": json.dumps({str(k): v for k, v in worded.items()})},
    )


def _recipient_join(recipient: Recipient, params: dict[str, Any]) -> str:
    """FROM/WHERE tail selecting users ``r`` for each new alert ``n`` (account ``a``)."""
    base = f"FROM scoring_new_alerts n {NEW_ALERT_ASSIGNMENT} LEFT JOIN users o ON o.id = asg.owner_id "
    if recipient.kind == "owner":
        return base + "JOIN users r ON r.id = asg.owner_id AND r.active"
    if recipient.kind == "user":
        params["login"] = recipient.value
        return base + "JOIN users r ON lower(r.email) = lower(:login) AND r.active"
    params["role"] = recipient.value
    # The owner's own manager when they have one with that role, else everyone with the role.
    return base + (
        "JOIN users r ON r.active AND r.role = :role AND (r.id = o.manager_id OR NOT EXISTS ("
        "SELECT 1 FROM users x WHERE x.id = o.manager_id AND x.role = :role AND x.active))"
    )


def add_recipients(
    session: Session, *, rule_ref: str, action_no: int, recipient: Recipient, is_cc: bool
) -> None:
    """Resolve ``recipient`` for the new alerts of ``rule_ref`` into ``scoring_recipients``."""
    params: dict[str, Any] = {"ref": rule_ref, "no": action_no, "cc": is_cc}
    tail = _recipient_join(recipient, params)
    session.execute(
        text(f"""
        INSERT INTO scoring_recipients (alert_id, action_no, user_id, is_cc)
        SELECT DISTINCT n.alert_id, :no, r.id, :cc {tail} WHERE n.rule_ref = :ref"""),
        params,
    )
    session.execute(text("ANALYZE scoring_recipients"))


def add_notifications(
    session: Session, *, rule_ref: str, action_no: int, channels: Iterable[str]
) -> None:
    """Notifications for alert action ``action_no`` of ``rule_ref`` on ``channels``.

    In-app and SMS: one per person. Email: one per main recipient with the copies in Cc
    (people in copy get their own mail only when nobody is the main recipient). The first
    alert's texts in the recipient's language when the firing has them (``worded``: a date
    reminder, a rule that speaks that language), else in French.
    """
    params = {"ref": rule_ref, "no": action_no, "idx": action_no + 1, "at": action_no}
    mine = "n.worded -> u.language"
    texts = (
        f"coalesce(({mine} -> 'subjects') ->> CAST(:at AS int), n.subjects[:idx]), "
        f"coalesce(({mine} -> 'bodies') ->> CAST(:at AS int), n.bodies[:idx])"
    )
    common = """FROM (SELECT DISTINCT ON (alert_id, user_id) * FROM scoring_recipients
                      WHERE action_no = :no ORDER BY alert_id, user_id, is_cc) s
                JOIN scoring_new_alerts n ON n.alert_id = s.alert_id AND n.rule_ref = :ref
                JOIN users u ON u.id = s.user_id"""
    for channel in channels:
        if channel == "in_app":
            sql = f"""INSERT INTO notifications (user_id, alert_id, channel, address, subject, body)
                      SELECT s.user_id, s.alert_id, 'in_app', NULL, {texts} {common}"""
        elif channel == "sms":
            sql = f"""INSERT INTO notifications (user_id, alert_id, channel, address, subject, body)
                      SELECT s.user_id, s.alert_id, 'sms', u.phone, {texts} {common}
                      WHERE coalesce(btrim(u.phone), '') <> ''"""
        else:
            sql = f"""WITH main AS (
                          SELECT DISTINCT alert_id, user_id FROM scoring_recipients
                          WHERE action_no = :no AND NOT is_cc
                      ), copies AS (
                          SELECT r.alert_id, string_agg(DISTINCT u2.email, ', ') AS cc
                          FROM scoring_recipients r JOIN users u2 ON u2.id = r.user_id
                          WHERE r.action_no = :no AND r.is_cc AND u2.email LIKE '%@%'
                            AND NOT EXISTS (SELECT 1 FROM main m
                                            WHERE m.alert_id = r.alert_id AND m.user_id = r.user_id)
                          GROUP BY r.alert_id
                      )
                      INSERT INTO notifications
                          (user_id, alert_id, channel, address, cc, subject, body)
                      SELECT s.user_id, s.alert_id, 'email', u.email,
                             CASE WHEN NOT s.is_cc THEN c.cc END, {texts} {common}
                      LEFT JOIN copies c ON c.alert_id = s.alert_id
                      WHERE u.email LIKE '%@%' AND (NOT s.is_cc OR NOT EXISTS (
                          SELECT 1 FROM main m WHERE m.alert_id = s.alert_id))"""
        session.execute(text(sql), params)


def add_tasks(
    session: Session,
    *,
    rule_ref: str,
    task_no: int,
    assignee: Recipient,
    due_on: date | None,
    closed_by_visit: bool = False,
) -> int:
    """One task per new alert of ``rule_ref``, for ``assignee`` (unassigned if unresolved).

    ``due_on`` None means "the alert's period is the due date" (reminders: the event date);
    ``closed_by_visit``: the next visit to the account completes it.
    """
    params: dict[str, Any] = {
        "ref": rule_ref,
        "idx": task_no + 1,
        "due": due_on,
        "by_visit": closed_by_visit,
    }
    if assignee.kind == "owner":
        who = "asg.owner_id"
    elif assignee.kind == "user":
        params["login"] = assignee.value
        who = "(SELECT id FROM users WHERE lower(email) = lower(:login) AND active LIMIT 1)"
    else:
        params["role"] = assignee.value
        who = """coalesce((SELECT o.manager_id FROM users o JOIN users m ON m.id = o.manager_id
                            WHERE o.id = asg.owner_id AND m.role = :role AND m.active),
                          (SELECT id FROM users WHERE role = :role AND active ORDER BY id LIMIT 1))"""
    result = session.execute(
        text(f"""
        INSERT INTO tasks (account_id, assignee_id, title, due_date, status, alert_id,
                           closed_by_visit)
        SELECT n.account_id, {who}, n.task_titles[:idx],
               coalesce(CAST(:due AS date), CAST(n.period AS date)), 'open', n.alert_id,
               :by_visit
        FROM scoring_new_alerts n {NEW_ALERT_ASSIGNMENT}
        WHERE n.rule_ref = :ref"""),
        params,
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def reassign(session: Session, *, rule_ref: str, to: Recipient, reason: str) -> int:
    """Move the accounts of the new alerts of ``rule_ref`` to a rep or the dispatcher queue.

    The dispatcher's queue is "no owner" (the dispatch screen lists unowned accounts);
    each move is written to ``assignment_history``. Returns the number of accounts moved.
    """
    params: dict[str, Any] = {"ref": rule_ref, "reason": reason[:200]}
    if to.kind == "user":
        params["login"] = to.value
        target = "(SELECT id FROM users WHERE lower(email) = lower(:login) AND active LIMIT 1)"
    else:
        target = "NULL::int"
    result = session.execute(
        text(f"""
        WITH moved AS (
            SELECT DISTINCT n.account_id AS id, asg.owner_id, asg.territory_id, {target} AS new_owner
            FROM scoring_new_alerts n {NEW_ALERT_ASSIGNMENT}
            WHERE n.rule_ref = :ref AND {NOT_LOCKED}
        ), logged AS (
            INSERT INTO assignment_history (account_id, from_rep_id, to_rep_id,
                                            from_territory_id, to_territory_id, reason)
            SELECT id, owner_id, new_owner, territory_id, territory_id, :reason FROM moved
            WHERE owner_id IS DISTINCT FROM new_owner
        )
        INSERT INTO account_assignments (account_id, owner_id)
        SELECT id, new_owner FROM moved WHERE owner_id IS DISTINCT FROM new_owner
        ON CONFLICT (account_id) DO UPDATE SET owner_id = excluded.owner_id, updated_at = now()
        """),
        params,
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def count_rows(session: Session, table: str) -> int:
    """Rows of ``table`` (a run's report counts what it added)."""
    return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
